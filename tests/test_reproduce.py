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
        assert set(c) == {"id", "claim", "paper_value", "model_value", "units", "verdict", "reason"}
        assert c["verdict"] in VERDICTS
        assert len(c["reason"]) > 20


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

    for c in json.loads((out / "results.json").read_text())["claims"]:
        if c["id"].startswith("eis-interface"):
            far = abs(math.log10(c["model_value"] / c["paper_value"])) > 0.3
            assert (c["verdict"] == "model disagrees") == far


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
    assert 0 < cap["model_value"] < 117.6
    assert (cap["verdict"] == "consistent") == (cap["model_value"] >= 103.0)
    ret = claims["full-10C-retention"]
    assert (ret["verdict"] == "consistent") == (ret["model_value"] >= 99.0)
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
