"""`nakcell validate`: the published set is well-formed, and the model lies inside the published
range for the points it covers, except the known misses explained in docs/validation.md."""

from __future__ import annotations

import dataclasses
import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from nakcell.errors import NakcellFileError
from nakcell.validate import load_points, run_validation
from nakcell.validate.published import COLUMNS, default_path
from nakcell.validate.runner import Outcome

ROOT = Path(__file__).resolve().parents[1]

# Decided points where the model lies outside the published range, each with the reason
# (docs/validation.md, "Misses"). The test fails both on a new miss and on a miss that went
# away, so this list always says what the model does.
KNOWN_MISSES: dict[str, str] = {
    "zhao2021-na-ccd": "the seed's Na fails <= 0.1 mA/cm2; model 2.5 (j_v 2.4 from Liu 2024)",
    "zhao2021-nak-hyst": "8 mV at 25 mA/cm2 is 250-500x below the pellet's own ohmic drop (~2 V)",
    "jolly2020-ccs-9mpa": "creep supply at 9 MPa: no stripping limit up to 5 mA/cm2 (paper <= 2.5)",
    "miao2020-bare-ccd": "j_v(60 degC) = 4.2 mA/cm2: no failure <= 2 (paper 0.4)",
    "bay2020-ht-ccd": "~3 MPa is above the foil's hardness: no failure up to 40 (paper 12)",
}
MAX_MISS_FRACTION = 0.20  # issue 15: the model inside the published range on >= 80 %


@pytest.fixture(scope="module")
def outcomes() -> list[Outcome]:
    return run_validation(load_points())


# ----------------------------------------------------------------------- the set
def test_published_set_is_large_and_well_formed():
    points = load_points()
    assert len(points) >= 20
    assert len({p.source for p in points}) >= 8
    for p in points:
        assert p.source.startswith(("doi:10.", "arXiv:")), p.id
        assert p.where, p.id
        assert p.role in ("source", "check"), p.id
        assert p.contains(p.value), p.id


def test_set_covers_the_kinds_the_issue_asks_for():
    points = load_points()
    q = {p.quantity for p in points}
    assert {"interface_resistance_ohm_cm2", "ccd_mA_cm2", "stripping_limit_activation_eV"} <= q
    bare_rt = [
        p
        for p in points
        if p.quantity == "interface_resistance_ohm_cm2" and p.treatment == "bare"
        and p.metal == "Na" and "Zr" in p.electrolyte
    ]  # fmt: skip
    assert len(bare_rt) >= 2
    assert any(p.treatment != "bare" and p.quantity.startswith("interface") for p in points)
    assert any(p.pressure_MPa for p in points)  # CCD against pressure
    assert any(len(p.temperatures_C) > 1 or p.temperature_C != 25 for p in points)
    assert any("Na-K" in p.metal for p in points)


def test_repository_and_bundled_copies_are_identical():
    repo = ROOT / "validation" / "published.csv"
    assert repo.read_bytes() == default_path().read_bytes()


@pytest.mark.parametrize(
    ("field", "bad", "message"),
    [
        ("source", "Batteries 2023", "expected doi:10.x"),
        ("role", "maybe", "expected source or check"),
        ("value", "9000", "outside its own range"),
        ("quantity", "capacity", "expected one of"),
    ],
)
def test_malformed_rows_are_refused_naming_the_line(tmp_path, field, bad, message):
    row = dict.fromkeys(COLUMNS, "")
    row.update(
        id="x", source="doi:10.3390/batteries9010008", where="abstract", metal="Na",
        electrolyte="Na3Zr2Si2PO12", treatment="bare", quantity="interface_resistance_ohm_cm2",
        temperature_C="25", value="2708", low="856", high="8560", range_basis="half-decade",
        role="check",
    )  # fmt: skip
    row[field] = bad
    f = tmp_path / "bad.csv"
    f.write_text(",".join(COLUMNS) + "\n" + ",".join(row[c] for c in COLUMNS) + "\n")
    with pytest.raises(NakcellFileError, match=rf"line 2.*{message}|{message}.*line 2"):
        load_points(f)


# ----------------------------------------------------------------------- the model
def test_roles_match_what_the_model_parameters_cite(outcomes):
    """A row is 'source' exactly when a parameter's source cites its DOI and value."""
    wrong = {o.point.id: o.derived_role for o in outcomes if o.derived_role != o.point.role}
    assert not wrong


def test_model_misses_are_exactly_the_known_ones(outcomes):
    misses = {o.point.id for o in outcomes if o.inside_range is False}
    assert misses == set(KNOWN_MISSES)


@pytest.mark.xfail(
    strict=True,
    reason="issue 15 target not met: 5 of 23 decided points are misses (the seed's Na CCD and "
    "8 mV, no stripping limit above the foil's hardness at 3 and 9 MPa, Miao's bare CCD); "
    "docs/validation.md",
)
def test_model_inside_range_on_at_least_80_percent(outcomes):
    decided = [o for o in outcomes if o.inside_range is not None]
    assert decided
    misses = [o for o in decided if o.inside_range is False]
    assert len(misses) <= MAX_MISS_FRACTION * len(decided)


def test_inside_range_logic_for_bounds():
    p = load_points()[0]
    closed = dataclasses.replace(p, value=1.0, low=0.5, high=2.0)
    at_least = dataclasses.replace(p, value=65.0, low=65.0, high=None)
    at_most = dataclasses.replace(p, value=0.1, low=None, high=0.1)
    assert Outcome(closed, model=1.5).inside_range is True
    assert Outcome(closed, model=3.0).inside_range is False
    assert Outcome(closed, model=1.5, bound=">=").inside_range is None  # could be > 2
    assert Outcome(closed, model=3.0, bound=">=").inside_range is False
    assert Outcome(at_least, model=70.0, bound=">=").inside_range is True
    assert Outcome(at_most, model=2.0, bound=">=").inside_range is False
    assert Outcome(at_most, model=0.02, bound="<").inside_range is True
    assert Outcome(closed, model=None).inside_range is None


# ----------------------------------------------------------------------- the CLI
def _nakcell(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "nakcell.cli", *args], capture_output=True, text=True, timeout=300
    )


def _small_set(tmp_path: Path) -> Path:
    lines = default_path().read_text().splitlines()
    keep = [lines[0]] + [ln for ln in lines[1:] if ln.startswith(("cic2023-", "li2022-pbc-rint"))]
    f = tmp_path / "small.csv"
    f.write_text("\n".join(keep) + "\n")
    return f


def test_cli_json_rows_and_plot(tmp_path):
    png = tmp_path / "parity.png"
    p = _nakcell("validate", "--file", str(_small_set(tmp_path)), "--json", "--plot", str(png))
    assert p.returncode == 0, p.stderr
    rows = json.loads(p.stdout)
    assert {r["id"] for r in rows} == {
        "cic2023-bare-rint",
        "cic2023-au-rint",
        "cic2023-au-cycling",
        "li2022-pbc-rint",
    }
    for r in rows:
        assert {"id", "source", "quantity", "published", "model", "inside_range"} <= set(r)
        if r["model"] is None:
            assert r["inside_range"] is None
    assert "validate:" in p.stderr  # progress
    assert png.stat().st_size > 10_000


def test_cli_bad_file_is_one_line_and_exit_2(tmp_path):
    f = tmp_path / "bad.csv"
    f.write_text("id,source\nx,y\n")
    p = _nakcell("validate", "--file", str(f))
    assert p.returncode == 2
    assert p.stderr.strip().count("\n") == 0 and "missing column" in p.stderr


def test_citation_matcher_needs_id_value_and_unit():
    """The role check: a source cites a point only with its id and its number in its unit."""
    from nakcell.validate.runner import _cites

    pts = {p.id: p for p in load_points()}
    seed_r = "Zhao et al. 2021 (seed), doi:10.21203/rs.3.rs-223685/v1: Na, 105 ohm cm2 (SFig 9)"
    geometry = "Zhao et al. 2021 (seed), doi:10.21203/rs.3.rs-223685/v1: pellet 1.0-1.2 mm"
    lowack = "0.13-0.15 eV on three ceramics (Lowack et al., arXiv:2603.23340 (2026)), midpoint"
    assert _cites([seed_r], pts["zhao2021-na-rint"])
    assert not _cites([seed_r], pts["zhao2021-nak-rint"])  # same paper, other number
    assert not _cites([geometry], pts["zhao2021-sno2-ccd"])  # "1.0" but in mm, not mA/cm2
    assert not _cites(
        [seed_r.replace("doi:10.21203/rs.3.rs-223685/v1", "")], pts["zhao2021-na-rint"]
    )
    assert _cites([lowack], pts["lowack2026-ea-nzsp"])  # the published range, cited as such
    assert not _cites([lowack], pts["lowack2026-ea-sn"])  # 0.10 eV is not cited


# ----------------------------------------------------------------------- trend machinery
def _row(**over: str) -> dict[str, str]:
    row = dict.fromkeys(COLUMNS, "")
    row.update(
        id="x", source="doi:10.1021/acsami.9b17786", where="abstract", metal="Na",
        electrolyte="Na-beta''-alumina", treatment="bare",
        quantity="stripping_limit_pressure_exponent", temperature_C="25", pressure_MPa="1;3;9",
        half_cycle_h="0.0167", model_ramp_mA_cm2="0.5:0.5:30", value="1", low="0.316",
        high="3.16", range_basis="half-decade", role="check",
    )  # fmt: skip
    row.update(over)
    return row


def _write(tmp_path: Path, row: dict[str, str]) -> Path:
    import csv

    f = tmp_path / "rows.csv"
    with f.open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(COLUMNS))
        w.writeheader()
        w.writerow(row)
    return f


def test_pressure_series_is_parsed_for_the_pressure_trend(tmp_path):
    (p,) = load_points(_write(tmp_path, _row()))
    assert p.pressures_MPa == (1.0, 3.0, 9.0)
    assert p.pressure_MPa == 1.0
    from nakcell.validate.runner import _runs

    assert _runs(p) == [(25.0, 1.0), (25.0, 3.0), (25.0, 9.0)]
    arr = dataclasses.replace(
        p, quantity="stripping_limit_activation_eV", temperatures_C=(5.0, 45.0), pressures_MPa=()
    )
    assert _runs(arr) == [(5.0, None), (45.0, None)]


@pytest.mark.parametrize(
    ("over", "message"),
    [
        ({"pressure_MPa": "3"}, "needs two or more distinct values"),
        ({"pressure_MPa": "3;3"}, "needs two or more distinct values"),
        ({"temperature_C": "25;45"}, "several values are only for a trend"),
        ({"quantity": "stripping_limit_mA_cm2"}, "several values are only for a trend"),
        ({"pressure_MPa": "1;x"}, "expected numbers separated by ';'"),
        ({"pressure_MPa": "0;3"}, "expected values > 0"),
        ({"quantity": "stripping_limit_activation_eV", "pressure_MPa": ""}, "two or more"),
    ],
)
def test_trend_rows_need_their_series_and_others_refuse_one(tmp_path, over, message):
    with pytest.raises(NakcellFileError, match=rf"line 2.*{message}|{message}.*line 2"):
        load_points(_write(tmp_path, _row(**over)))


def test_trend_fits_recover_known_exponents_and_skip_bounds():
    """Pressure exponent and Arrhenius energy from synthetic limits with known answers."""
    from nakcell.validate.runner import K_B_EV, _fit_trend

    (p,) = [q for q in load_points() if q.id == "jolly2020-ccs-pressure"]
    lin = [(2.0 * x, "", "", "") for x in (1.0, 3.0, 9.0)]  # j proportional to P
    sq = [(0.1 * x**2, "", "", "") for x in (1.0, 3.0, 9.0)]
    assert _fit_trend(p, [1.0, 3.0, 9.0], lin)[0] == pytest.approx(1.0)
    assert _fit_trend(p, [1.0, 3.0, 9.0], sq)[0] == pytest.approx(2.0)
    bounded = [lin[0], lin[1], (30.0, ">=", "", "")]  # a bound is left out of the fit
    value, why = _fit_trend(p, [1.0, 3.0, 9.0], bounded)
    assert value == pytest.approx(1.0) and "fit on 1/3 MPa" in why
    value, why = _fit_trend(p, [1.0, 3.0], [lin[0], (30.0, ">=", "", "")])
    assert value is None and "fewer than two" in why
    (a,) = [q for q in load_points() if q.id == "lowack2026-ea-bna"]
    ea = 0.14
    temps = [5.0, 25.0, 45.0]
    lims = [(3.0 * math.exp(-ea / (K_B_EV * (t + 273.15))), "", "", "") for t in temps]
    assert _fit_trend(a, temps, lims)[0] == pytest.approx(ea)


def test_a_ramp_that_runs_out_of_metal_gives_a_bound_not_a_limit(monkeypatch):
    """Depletion of the stripped electrode ends the ramp: the loading, not a failure."""
    from types import SimpleNamespace

    import numpy as np

    from nakcell.validate import runner

    levels = np.arange(1.0, 5.5, 1.0)
    v = np.outer(levels, [0.01, 0.01, 0.01])  # linear: |V|/j constant
    v[3:, 0] = np.nan  # cell 0 stops at the 4th step: Na depleted
    v[3:, 1] = np.nan  # cell 1 stops at the 4th step: short circuit
    v[2, 2] = 0.5  # cell 2 leaves its linear course at the 3rd step
    fake = SimpleNamespace(halfcycle_mean_v=v, stop_reason=["Na depleted", "short circuit", ""])
    monkeypatch.setattr(runner, "_simulate", lambda cells, proto: fake)
    monkeypatch.setattr(runner, "_tester_limit", lambda cells, j: 5.0)
    got = runner._ramp_batch([None, None, None], (1.0, 1.0, 5.0), 0.01)
    assert got[0][:2] == (3.0, ">=") and "not a failure" in got[0][2]
    assert got[1][:2] == (4.0, "") and got[1][2] == "short circuit"
    assert got[2][:2] == (3.0, "")
    assert runner._ran_out("Na-K exhausted") and not runner._ran_out("short")


def test_ccd_is_the_last_level_before_the_voltage_leaves_its_linear_course(monkeypatch):
    """Two half-cycles per level; a resistance rise of more than 1.5x or a stop ends it."""
    from types import SimpleNamespace

    import numpy as np

    from nakcell.validate import runner

    levels = np.arange(1.0, 5.5, 1.0)
    v = np.repeat(np.outer(levels, [0.01, 0.01, 0.01]), 2, axis=0)  # (10 half-cycles, 3)
    v[5, 0] = 0.03 * 1.6  # cell 0: the 3rd level's second half-cycle at 1.6x: mean 1.3x, kept
    v[6, 0] = 0.04 * 1.9  # ... the 4th level at 1.9x and 1x: mean 1.45x, kept; no failure
    v[8:, 1] = np.nan  # cell 1: stopped in the 5th level (a short): CCD 4
    v[4:6, 2] *= 1.6  # cell 2: the 3rd level 1.6x: CCD 2
    stop = ["", "short circuit", ""]
    fake = SimpleNamespace(halfcycle_mean_v=v, stop_reason=stop)
    monkeypatch.setattr(runner, "_simulate", lambda cells, proto: fake)
    monkeypatch.setattr(runner, "_tester_limit", lambda cells, j: 5.0)
    got = runner._ccd_batch([None, None, None], (1.0, 1.0, 5.0), 0.1)
    assert got[0][:2] == (5.0, ">=")
    assert got[1][:2] == (4.0, "") and got[1][2] == "short circuit"
    assert got[2][:2] == (2.0, "")


def test_tester_limit_sits_above_the_cells_own_ohmic_voltage():
    """The bare-NZSP preset (2 x 2708 ohm cm2) reaches 5 V at ~0.9 mA/cm2 by its ohmic drop
    alone; the validation's tester limit must not stop it there."""
    from nakcell.materials import CELLS
    from nakcell.validate import runner

    cell = CELLS["seed-na"]()
    r = runner._linear_asr(cell) * 1e4  # ohm cm2
    assert runner._tester_limit([cell], 0.1) == 5.0  # a small ramp keeps the usual 5 V
    assert runner._tester_limit([cell], 100.0) == pytest.approx(2 * 0.1 * r)  # 100 mA/cm2


def test_quasi_static_limit_removes_a_square_root_lag(monkeypatch):
    """j(r) = j0 + c sqrt(r) at two ramp rates gives back j0 exactly."""
    import math

    from nakcell.validate import runner

    j0, c = 2.4, 0.8

    def fake(cells, ramp, step_h):
        rate = ramp[1] / step_h
        return [(j0 + c * math.sqrt(rate), "", "")]

    monkeypatch.setattr(runner, "_ramp_batch", fake)
    got = runner._quasi_static_batch([None], (0.05, 0.05, 8.0), 1 / 60)
    assert got[0][0] == pytest.approx(j0)
    monkeypatch.setattr(runner, "_ramp_batch", lambda cells, ramp, h: [(8.0, ">=", "linear")])
    assert runner._quasi_static_batch([None], (0.05, 0.05, 8.0), 1 / 60)[0][:2] == (8.0, ">=")


def test_quasi_static_stripping_limit_is_the_interfacial_limit_of_the_parameters():
    """Independent value: j_v(T) = j_v exp(-E_v/k (1/T - 1/298.15 K)) from the anode's
    parameters (Liu 2024; Lowack 2026). The model's zero-rate onset on a ramp must land on it
    (within a step): the ramp's own lag (~0.6 mA/cm2 at 0.05 mA/cm2 per minute) is removed."""
    import math

    from nakcell.materials import Na
    from nakcell.validate import runner
    from nakcell.validate.cells import build_cell

    pts = {p.id: p for p in load_points()}
    row = pts["lowack2026-ea-bna"]
    temps = (5.0, 45.0)
    cells = [build_cell(row, t, None)[0] for t in temps]
    got = runner._quasi_static_batch(cells, (0.05, 0.05, 6.0), 1 / 60)
    na = Na()
    for t, (j, bound, _why) in zip(temps, got, strict=True):
        jv = (
            na.vacancy_limit
            / 10
            * math.exp(-na.vacancy_Ea / runner.K_B_EV * (1 / (t + 273.15) - 1 / 298.15))
        )
        assert bound == ""
        assert j == pytest.approx(jv, abs=0.1)


def test_build_cell_takes_the_trend_pressure_and_maps_heat_treated_beta_alumina():
    from nakcell.validate.cells import _interphase_name, build_cell

    pts = {p.id: p for p in load_points()}
    cell, _ = build_cell(pts["jolly2020-ccs-pressure"], 25.0, 3.0)
    assert cell is not None and cell.stack_pressure == pytest.approx(3e6)
    assert _interphase_name(pts["bay2020-ht-rint"]) == "none"
    assert _interphase_name(pts["jolly2020-ccs-9mpa"]) is None  # bare: the model's default
