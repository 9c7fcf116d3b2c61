"""`nakcell reproduce` writes report.html, results.json and figures; verdicts follow numbers."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from nakcell.report.reproduce import run_reproduce

VERDICTS = {"consistent", "inconsistent", "model disagrees", "not checkable"}


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("rep")
    run_reproduce(d, quick=True)
    return d


def test_writes_report_results_and_every_figure(out):
    r = json.loads((out / "results.json").read_text())
    assert (out / "report.html").stat().st_size > 1000
    ids = {e["id"] for e in r["experiments"]}
    assert {"fig5a", "fig5b", "fig5d", "sfig10", "sfig11"} <= ids
    for sec in ("thermo", "eis", "audit"):
        fig = r["sections"][sec]["figure"]
        assert (out / fig).read_bytes()[:4] == b"\x89PNG"
        assert fig in (out / "report.html").read_text()
    for e in r["experiments"]:
        assert (out / e["figure"]).read_bytes()[:4] == b"\x89PNG"
        assert e["figure"] in (out / "report.html").read_text()
        if e["id"] in {"fig5a", "fig5b", "fig5d", "sfig10", "sfig11"}:
            assert len(e["summaries"]) == 2  # both anodes


def test_claims_table_structure(out):
    claims = json.loads((out / "results.json").read_text())["claims"]
    assert claims
    for c in claims:
        assert {"id", "claim", "paper_value", "model_value", "units", "verdict", "reason"} <= set(c)
        assert set(c) <= {"id", "claim", "paper_value", "model_value", "units", "verdict",
                          "reason", "depends_on", "ranges", "sweep", "credibility"}  # fmt: skip
        assert c["verdict"] in VERDICTS
        assert len(c["reason"]) > 20
        # no claim row with an empty model cell
        assert c["model_value"] not in (None, "", "n/a"), c["id"]
        if c["verdict"] == "model disagrees":  # says which side is the more credible
            assert "more credible" in c["credibility"] or "undecided" in c["credibility"]


def test_hysteresis_verdict_follows_the_ohmic_floor(out):
    c = {c["id"]: c for c in json.loads((out / "results.json").read_text())["claims"]}
    h = c["sym-25-hysteresis"]
    # independent arithmetic: 25 mA/cm2 x 1.0 mm / 1.4e-3 S/cm = 1786 mV > 8 mV
    floor_mV = 25e-3 * 0.1 / 1.4e-3 * 1e3
    assert floor_mV == pytest.approx(1785.7, rel=1e-3)
    assert (h["verdict"] == "inconsistent") == (h["paper_value"] < floor_mV)


def test_adhesion_verdicts_follow_the_stored_numbers(out):
    r = json.loads((out / "results.json").read_text())
    rows = {row["metal"]: row for row in r["sections"]["atomistic"]["rows"]}
    c = {c["id"]: c for c in r["claims"]}
    stronger = rows["NaK3"]["w_adh_J_m2"] > rows["Na"]["w_adh_J_m2"]
    assert (c["adhesion-order"]["verdict"] == "consistent") == stronger
    smaller = rows["NaK3"]["theta_model_deg"] < rows["Na"]["theta_model_deg"]
    assert (c["wetting-angle"]["verdict"] == "consistent") == smaller
    # Young-Dupre by hand: cos(theta) = W / gamma - 1, clipped
    import math

    for row in rows.values():
        cos_t = max(-1.0, min(1.0, row["w_adh_J_m2"] / row["gamma_lv_N_m"] - 1.0))
        assert row["theta_model_deg"] == pytest.approx(math.degrees(math.acos(cos_t)))


def test_interface_verdicts_follow_the_stored_numbers(out):
    import math

    c = {c["id"]: c for c in json.loads((out / "results.json").read_text())["claims"]}
    na = c["eis-interface-na"]  # model: the literature's bare Na | NZSP film, vs 105 or 52.5
    far = [abs(math.log10(na["model_value"] / r)) > 0.3 for r in (105.0, 52.5)]
    assert na["verdict"] == ("model disagrees" if all(far) else
                             "consistent" if not any(far) else "not checkable")  # fmt: skip
    nak = c["eis-interface-na-k"]  # model: the film-free lower bound, vs 15 or 7.5
    below = [r >= nak["model_value"] for r in (15.0, 7.5)]
    assert nak["verdict"] == ("consistent" if all(below) else
                              "inconsistent" if not any(below) else "not checkable")  # fmt: skip


def test_cli_reproduce_runs(tmp_path):
    p = subprocess.run(
        [sys.executable, "-m", "nakcell.cli", "reproduce", "--out", str(tmp_path), "--quick"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert p.returncode == 0, p.stderr
    assert (tmp_path / "report.html").exists()


def test_full_cell_section_figures_and_verdicts_follow_numbers(out):
    r = json.loads((out / "results.json").read_text())
    html = (out / "report.html").read_text()
    for fig in ("fig5e.png", "fig5f.png"):
        assert (out / fig).read_bytes()[:4] == b"\x89PNG"
        assert fig in html
    claims = {c["id"]: c for c in r["claims"]}
    cap = claims["full-10C-capacity"]
    assert cap["paper_value"] == 106.0
    # an ideal cathode cannot exceed the theoretical 2 Na per formula (117.6 mAh/g)
    caps = [p["model"] for p in cap["sweep"]]
    assert all(0 < x < 117.6 for x in caps)
    ok = {x >= 103.0 for x in caps}
    assert cap["verdict"] == ("not checkable" if len(ok) == 2 else
                              "consistent" if ok == {True} else "model disagrees")  # fmt: skip
    # the model has no cathode ageing and its anode never limits: retention is not tested
    for cid in ("full-10C-retention", "full-5C-cycling"):
        assert claims[cid]["verdict"] == "not checkable"
    rates = [row["C_rate"] for row in r["full_cell"]["rate_test"]["seed-nak"]]
    assert rates[0] == 0.1 and rates[-1] == 20.0


def test_tester_data_section_runs_the_metrics_on_the_shared_land_export(out, shared_data):
    """The report's tester-data section says the seed's traces are not available and shows
    the shared LANDdt file's cycle 1 as LANDdt's own 'Cycle' sheet gives it (0.0176 mAh
    charge, 0.0256 mAh discharge)."""
    r = json.loads((out / "results.json").read_text())
    sec = r["sections"]["tester_data"]
    assert sec["file"] == "NJK_CC_156_C30_C_x30.xlsx"
    assert (shared_data / "cyclers" / sec["file"]).is_file()
    c1 = sec["cycles"][0]
    assert c1["charge_capacity_mAh"] == pytest.approx(0.0176, abs=1.5e-4)
    assert c1["discharge_capacity_mAh"] == pytest.approx(0.0256, abs=1.5e-4)
    html = (out / "report.html").read_text()
    assert "id='tester-data'" in html and "not available" in html
    assert (out / sec["figure"]).read_bytes()[:4] == b"\x89PNG" and sec["figure"] in html


def test_tester_file_option_is_checked_before_the_runs(tmp_path):
    from nakcell.errors import NakcellInputError

    with pytest.raises(NakcellInputError, match="tester-file"):
        run_reproduce(tmp_path, quick=True, tester_file=tmp_path / "nope.xlsx")
    assert not (tmp_path / "results.json").exists()


def test_without_a_tester_file_the_section_says_how_to_add_one(monkeypatch, tmp_path):
    from nakcell.analysis import report

    monkeypatch.setattr(report, "SHARED_LAND_FILE", "no-such-file.xlsx")
    assert report.find_tester_file() is None
    frag = report.missing_section()["html"]
    assert "not available" in frag and "--tester-file" in frag


# ------------------------------------------------------------------ verdicts over input ranges
def _toy_points(loadings_uL, halves_h, i_mA_cm2=25.0, cap_per_uL=0.5):
    """A toy whose flip is known analytically: a cell 'fails' when the charge of one
    half-cycle, i t (mAh/cm2), exceeds what its loading holds, cap_per_uL * V (mAh/cm2)."""
    from nakcell.report.verdicts import GridPoint

    pts = []
    for a, v in enumerate(loadings_uL):
        for b, t in enumerate(halves_h):
            ok = cap_per_uL * v >= i_mA_cm2 * t
            pts.append(GridPoint({"loading": a, "half_cycle": b}, float(ok),
                                 "consistent" if ok else "model disagrees"))  # fmt: skip
    return pts


def test_combine_flips_to_not_checkable_only_where_the_range_straddles_the_flip():
    from nakcell.report.verdicts import HALF_CYCLE, LOADING, combine

    # flip at V* = i t / cap_per_uL = 25 * 0.5 / 0.5 = 25 uL (half-cycle fixed at 0.5 h)
    inputs = (LOADING, HALF_CYCLE)
    assert combine(_toy_points([2, 10, 20], [0.5]), inputs) == ("model disagrees", [])
    assert combine(_toy_points([30, 50], [0.5]), inputs) == ("consistent", [])
    v, dep = combine(_toy_points([10, 50], [0.5]), inputs)
    assert (v, dep) == ("not checkable", ["alloy loading"])
    # at 50 uL the flip in t is at t* = 0.5 * 50 / 25 = 1 h: 0.1-0.5 h all hold, 0.1-2 h flips
    assert combine(_toy_points([50], [0.1, 0.5]), inputs) == ("consistent", [])
    v, dep = combine(_toy_points([50], [0.1, 2.0]), inputs)
    assert (v, dep) == ("not checkable", ["half-cycle time"])
    # 2 h fails at both loadings (i t = 50 > 25): only the half-cycle flips it
    assert combine(_toy_points([10, 50], [0.1, 2.0]), inputs)[1] == ["half-cycle time"]
    # 0.5 h: 10 uL fails (5 < 12.5), 50 uL holds; 0.1 h both hold: both inputs flip it
    assert combine(_toy_points([10, 50], [0.1, 0.5]), inputs)[1] == [
        "alloy loading",
        "half-cycle time",
    ]


def test_swept_claim_reports_range_sources_and_credibility_only_for_disagreement():
    from nakcell.report.verdicts import LOADING, credibility, swept_claim

    pts = _toy_points([10, 50], [0.5])
    c = swept_claim("x", "toy", 1.0, "", pts, (LOADING,), "toy reason", lambda: "never used")
    assert c.verdict == "not checkable" and c.depends_on == ["alloy loading"]
    assert c.model_value == "0 to 1" and "2 uL, 10 uL, 50 uL" in c.ranges[0]
    assert c.credibility == ""  # only a "model disagrees" says which side is more credible
    c2 = swept_claim("y", "toy", 1.0, "", _toy_points([2], [0.5]), (LOADING,), "r", lambda: "why")
    assert c2.verdict == "model disagrees" and c2.credibility == "why"
    # the credibility rule: >= 80 % of >= 3 independent points inside -> the model
    summ = {"ccd_mA_cm2": {"n": 5, "inside": 4}}
    assert credibility(summ, ["ccd_mA_cm2"]).startswith("the model is the more credible")
    summ = {"ccd_mA_cm2": {"n": 4, "inside": 1}}
    assert credibility(summ, ["ccd_mA_cm2"]).startswith("the paper is the more credible")
    assert credibility({}, ["ccd_mA_cm2"]).startswith("undecided")


def test_alloy_exhaustion_flip_on_the_engine_matches_faraday():
    """One batch of Na-K cells whose loadings straddle the analytic exhaustion point: the
    charge of one half-cycle i t against the Na the alloy can give and stay liquid (liquid
    field from nakcell.thermo, molar volume from the anode), by hand."""
    from nakcell.cell.symmetric import simulate_symmetric
    from nakcell.materials import get_cell
    from nakcell.protocols import Galvanostatic
    from nakcell.report.verdicts import LOADING, GridPoint, combine
    from nakcell.thermo import liquid_range_x_Na

    F = 96485.332
    nak = get_cell("seed-nak")
    i, t = 250.0, 1800.0  # 25 mA/cm2, 0.5 h
    x = nak.anode.x_Na
    lo, hi = liquid_range_x_Na(298.15)
    vm = float(nak.anode.molar_volume())
    # Na per m of alloy thickness that can leave (strip) or come in (plate) and stay liquid
    strip = x / vm - lo / (1 - lo) * (1 - x) / vm
    plate = hi / (1 - hi) * (1 - x) / vm - x / vm
    L_star = i * t / F / min(strip, plate)  # m
    cells = [nak.replace(anode=nak.anode.replace(thickness=f * L_star)) for f in (0.3, 3.0)]
    res = simulate_symmetric(cells, Galvanostatic(i, t, 4 * t), steps_per_half=20)
    pts = [
        GridPoint({"loading": k}, 0.0, "model disagrees" if res.stop_reason[k] else "consistent")
        for k in range(2)
    ]
    assert res.stop_reason[0] and res.stop_time[0] < t  # fails within the first half-cycle
    assert not res.stop_reason[1]
    assert combine(pts, (LOADING,)) == ("not checkable", ["alloy loading"])


def test_swept_verdicts_in_the_report_follow_their_grids(out):
    claims = json.loads((out / "results.json").read_text())["claims"]
    swept = [c for c in claims if c["sweep"]]
    assert {"sym-25-duration", "sym-65-ccd", "sym-na-0.1", "sym-na-sno2-ccd"} <= {
        c["id"] for c in swept
    }
    for c in swept:
        vs = {p["verdict"] for p in c["sweep"]}
        if len(vs) == 1:
            assert c["verdict"] == vs.pop() and not c["depends_on"]
        else:
            assert c["verdict"] == "not checkable" and c["depends_on"], c["id"]
        assert c["ranges"] and all("(" in r for r in c["ranges"])  # each range with its source
    for c in claims:
        if c["verdict"] == "model disagrees" and c["sweep"]:
            assert "more credible" in c["credibility"] or "undecided" in c["credibility"]
    dur = next(c for c in swept if c["id"] == "sym-25-duration")
    # 2 uL cannot carry one 0.5 h half-cycle at 25 mA/cm2 (12.5 mAh/cm2; 2 uL of the alloy
    # holds about 2e-9 m3 / 5.3e-5 m3/mol * 0.59 / 0.95e-4 m2 * 26.8 Ah/mol ~ 6 mAh/cm2 of Na)
    p = next(p for p in dur["sweep"] if p["alloy loading"] == "2 uL" and
             p["half-cycle time"] == "0.5 h")  # fmt: skip
    assert p["verdict"] == "model disagrees"
    html = (out / "report.html").read_text()
    for c in swept:
        if c["depends_on"]:
            assert f"not checkable (depends on {', '.join(c['depends_on'])})" in html


def test_short_diagnosis_section_uses_the_seed_numbers(out):
    r = json.loads((out / "results.json").read_text())
    rows = r["sections"]["short"]["rows"]
    c = {c["id"]: c for c in r["claims"]}["short-8mV"]
    # by hand: 1.0 mm / 1.4e-3 S/cm = 71.4 ohm cm2; 8 mV / 25 mA/cm2 = 0.32 ohm cm2 -> 223x
    row = next(x for x in rows if x["thickness_mm"] == 1.0 and x["reading"].startswith("|V|"))
    assert row["ionic_to_measured"] == pytest.approx(0.1 / 1.4e-3 / 0.32, rel=1e-3)
    assert row["implies_short"] and c["verdict"] == "inconsistent"
    assert "223" in c["reason"]


def test_heat_section_side_by_side(out):
    rows = json.loads((out / "results.json").read_text())["sections"]["heat"]["rows"]
    assert [r["current_density_mA_cm2"] for r in rows] == [25.0, 40.0, 65.0]
    for r in rows:
        assert r["temperature_rise_K"] >= 0.0
        iso, hot = r["overpotential_isothermal_mV"], r["overpotential_thermal_mV"]
        if iso is not None and hot is not None and r["temperature_rise_K"] > 1.0:
            assert hot < iso  # a warmer pellet conducts better


def test_calibration_verdicts_follow_what_holds():
    from nakcell.report.calibration import _claim

    sub = {"claims": ["a", "b"], "values": {"i0": {"value": 1.0, "unit": "A/m2",
           "plausible": False, "published_range": [2.0, 3.0]}}, "checks": {"a": "ok"}}  # fmt: skip
    base = {"claims": {"a": "x", "b": "y"}, "fitted": ["i0"], "subsets": [sub],
            "largest_plausible_set": ["a"]}  # fmt: skip
    assert _claim("c", {**base, "all_hold_at_once": True, "all_hold_plausibly": True}).verdict == (
        "consistent"
    )
    c = _claim("c", {**base, "all_hold_at_once": True, "all_hold_plausibly": False})
    assert c.verdict == "inconsistent" and "outside 2-3" in c.reason
    c = _claim("c", {**base, "all_hold_at_once": False, "all_hold_plausibly": False})
    assert c.verdict == "model disagrees" and c.credibility


def test_calibration_section_renders_the_fit(monkeypatch, tmp_path):
    """The non-quick calibration section on a stand-in seed_calibration result: its claims
    follow the result, and the template renders its tables."""
    import nakcell.calibrate as cal
    from nakcell.materials import get_cell
    from nakcell.report.calibration import calibration_section
    from nakcell.report.model import Context
    from nakcell.report.render import render_report

    sub = {"claims": ["R 105", "fails 0.1"], "hold_at_once": False, "plausible": False,
           "values": {"i0": {"value": 1.0, "unit": "A/m2", "plausible": False,
                             "published_range": [2.0, 3.0]}},
           "checks": {"R 105": "model 105 (z = 0)"}, "searched": "published ranges"}  # fmt: skip
    fake = {"method": "DE point estimate", "seed-na": {"claims": {"R 105": "", "fails 0.1": ""},
            "fitted": ["i0"], "subsets": [sub], "all_hold_at_once": False,
            "all_hold_plausibly": False, "largest_plausible_set": []}}  # fmt: skip
    monkeypatch.setattr(cal, "seed_calibration", lambda **kw: fake)
    ctx = Context(tmp_path, False, get_cell("seed-nak"), get_cell("seed-na"), get_cell("seed-na"))
    sec = calibration_section(ctx)
    assert [c.verdict for c in sec.claims] == ["model disagrees"]
    results = {"claims": [c.__dict__ for c in sec.claims], "interfaces": {"x": {"a": 1.0}},
               "parameters": {}, "versions": {}, "seed": "seed", "created_utc": "now",
               "nakcell_version": "0", "runtime_s": 1.0, "time_step_s": 1.0}  # fmt: skip
    view = [{"id": "calibration", "title": "Calibration", "data": sec.data, "figures": {},
             "template": "sections/calibration.html.j2"}]  # fmt: skip
    html = render_report(results, view, interactive=False)
    assert "outside 2-3" in html and "DE point estimate" in html
