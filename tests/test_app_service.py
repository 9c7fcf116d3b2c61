"""The app's service layer (no browser): stop explanations against hand arithmetic, cell edits
through the CLI's TOML path (same error line as the CLI), DuckDB browsing, a page that
loads no script from another host, and the Calibration tab reading a real
``nakcell calibrate --out`` folder (table statistics are numpy's on the Parquet draws,
identifiability and diagnostics those written; each bad folder gives one line naming it)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from nakcell.app import calib_service as cs
from nakcell.app import service as sv
from nakcell.errors import NakcellError, NakcellInputError

ROOT = Path(__file__).resolve().parents[1]


def test_depletion_line_gives_the_alloy_inventory_and_the_half_cycle_charge():
    """The formatter on a run that ran out of Na: 25 mA/cm2 x 0.5 h = 12.5 mAh/cm2 per
    half-cycle; 10 uL of NaK-56 holds ~4.8 mAh/cm2 (hand value from handbook densities)."""
    from types import SimpleNamespace

    import numpy as np

    from nakcell.materials import get_cell
    from nakcell.protocols import Galvanostatic
    from nakcell.report.explain import stop_explanation

    res = SimpleNamespace(
        stop_reason=["Na depleted"],
        stop_time=np.array([720.0]),
        cells=[get_cell("seed-nak")],
        current_density=np.array([250.0]),
        halfcycle_current=np.array([[250.0]]),
        halfcycle_mean_v=np.array([[2.0]]),
        protocol=Galvanostatic(250.0, 1800.0, 220 * 3600.0),
    )
    line = stop_explanation(res, 0)
    assert line.startswith("Na depleted after 0.2 h: 10 uL of alloy holds")
    assert line.endswith("a half-cycle needs 12.5")
    rho = 1 / (0.44 / 0.927 + 0.56 / 0.862)  # g/cm3, ideal mixing of Na and K (Foust 1972)
    mah = 10e-3 * rho * 0.44 / 22.99 * 26.80 * 1e3  # mAh of Na in 10 uL (26.80 Ah/mol)
    holds = float(re.search(r"holds ([\d.]+) mAh/cm2", line).group(1))
    assert holds == pytest.approx(mah / (3.14159 * 0.55**2), rel=0.05)


def test_seed_nak_at_25_mA_stops_with_one_line_and_the_charge_passed():
    from nakcell.cell.symmetric import simulate_symmetric
    from nakcell.materials import get_cell
    from nakcell.protocols import Galvanostatic
    from nakcell.report.explain import stop_explanation

    res = simulate_symmetric(
        get_cell("seed-nak"), Galvanostatic(250.0, 1800.0, 10 * 3600.0), steps_per_half=20
    )
    line = stop_explanation(res, 0)
    assert line is not None and "\n" not in line
    t_h = float(res.stop_time[0]) / 3600
    assert line.startswith(f"{res.stop_reason[0]} after {t_h:.3g} h")
    if res.stop_reason[0] == "left liquid field":
        # charge passed = 25 mA/cm2 x the time run (hand arithmetic)
        q = float(re.search(r"([\d.]+) mAh/cm2 had passed", line).group(1))
        assert q == pytest.approx(25 * t_h, rel=0.05)


def test_edited_field_is_the_users_and_bad_edits_fail_like_the_cli(tmp_path):
    base = sv.get_cell("seed-nak")
    rows = sv.cell_rows(base)
    edited = [dict(r, value="0.5") if r["parameter"] == "cell.thickness" else r for r in rows]
    cell = sv.cell_from_form("seed-nak", edited, rows, "app-cell.toml")
    assert cell.thickness == pytest.approx(0.5e-3)
    assert cell.source_of("thickness").startswith("user input")
    assert cell.anode.thickness == pytest.approx(base.anode.thickness)
    bad = [dict(r, value="0.5 kg") if r["parameter"] == "cell.thickness" else r for r in rows]
    with pytest.raises(NakcellInputError) as exc:
        sv.cell_from_form("seed-nak", bad, rows, "app-cell.toml")
    toml = tmp_path / "app-cell.toml"
    toml.write_text('base = "seed-nak"\nname = "app-cell"\nthickness = "0.5 kg"\n')
    cli = subprocess.run(
        [sys.executable, "-m", "nakcell.cli", "params", "--cell", str(toml)],
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert cli.returncode == 2
    assert sv.error_line(exc.value) == cli.stderr.strip()


def test_duckdb_browsing(tmp_path):
    import duckdb

    db = tmp_path / "sweep.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE TABLE runs AS SELECT range AS i, range * 0.5 AS v FROM range(300)")
    assert sv.duckdb_tables(db) == ["runs"]
    rows = sv.duckdb_rows(db, "runs", limit=200)
    assert len(rows) == 200 and rows[3] == {"i": 3, "v": 1.5}
    with pytest.raises(NakcellInputError, match="table"):
        sv.duckdb_rows(db, "nope")
    with pytest.raises(NakcellInputError, match="database"):
        sv.duckdb_tables(tmp_path / "missing.duckdb")


def test_page_loads_only_local_scripts():
    from nakcell.app import create_app

    client = create_app().server.test_client()
    page = client.get("/").get_data(as_text=True)
    srcs = re.findall(r'<script[^>]*src="([^"]+)"', page)
    assert srcs and all(not s.startswith(("http:", "https:", "//")) for s in srcs)
    for s in srcs[:3]:
        assert client.get(s).status_code == 200


# ------------------------------------------------------------------ Calibration tab
@pytest.fixture(scope="module")
def cal_dir(tmp_path_factory) -> Path:
    """A tiny real calibration through the CLI: sigma_ref pinned by R_bulk = 80 +- 5 ohm cm2,
    creep_A left to its prior (the data say nothing about creep)."""
    out = tmp_path_factory.mktemp("cal") / "out"
    cmd = [sys.executable, "-m", "nakcell.cli", "calibrate", "--cell", "seed-na"]
    cmd += ["--fit", "electrolyte.sigma_ref,anode.creep_A", "--obs", "R_bulk = 80 +- 5 ohm cm2"]
    cmd += ["--walkers", "32", "--ess", "200", "--max-steps", "300", "--out", str(out)]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    r = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    return out


def test_table_statistics_are_those_of_the_parquet_draws(cal_dir: Path) -> None:
    view = sv.load_calibration(str(cal_dir))
    df = pd.read_parquet(cal_dir / "posterior.parquet")
    rows = {r["parameter"]: r for r in sv.parameter_rows(view)}
    assert set(rows) == {"electrolyte.sigma_ref", "anode.creep_A"}
    for k, r in rows.items():
        col = df[f"{k} [{r['unit']}]"].to_numpy()
        assert r["median"] == pytest.approx(np.median(col), rel=1e-3)
        assert r["mean"] == pytest.approx(np.mean(col), rel=1e-3)
        assert r["2.5 %"] == pytest.approx(np.quantile(col, 0.025), rel=1e-3)
        assert r["97.5 %"] == pytest.approx(np.quantile(col, 0.975), rel=1e-3)
    assert rows["electrolyte.sigma_ref"]["unit"] == "S/cm"
    # sigma = L / R_bulk: the median sits near L / 80 ohm cm2 (independent hand value)
    from nakcell.materials import get_cell

    L_cm = get_cell("seed-na").thickness * 100
    assert rows["electrolyte.sigma_ref"]["median"] == pytest.approx(L_cm / 80, rel=0.05)


def test_identifiability_and_diagnostics_match_the_written_summary(cal_dir: Path) -> None:
    view = sv.load_calibration(cal_dir)
    rows = {r["parameter"]: r for r in sv.parameter_rows(view)}
    assert rows["electrolyte.sigma_ref"]["identifiable"] == "yes"
    assert rows["anode.creep_A"]["identifiable"] == "NO"
    assert "not constrained" in rows["anode.creep_A"]["note"]
    d = json.loads((cal_dir / "summary.json").read_text())["diagnostics"]
    diag = {r["quantity"]: r["value"] for r in sv.diagnostic_rows(view)}
    assert diag["acceptance"] == pytest.approx(d["acceptance"], rel=1e-3)
    assert diag["R-hat anode.creep_A"] == pytest.approx(d["rhat"][1], rel=1e-3)
    assert diag["ESS electrolyte.sigma_ref"] == pytest.approx(d["ess"][0], rel=1e-3)
    assert diag["draws"] == len(pd.read_parquet(cal_dir / "posterior.parquet"))


def test_wide_posterior_is_plotted_in_log10_and_marked(cal_dir: Path) -> None:
    view = sv.load_calibration(cal_dir)
    v, title = cs.axis(view, "anode.creep_A")
    assert title.startswith("log10 anode.creep_A") and "NOT identifiable" in title
    np.testing.assert_allclose(v, np.log10(view.draws["anode.creep_A"]))
    assert cs.pair(view, None, None) == ("electrolyte.sigma_ref", "anode.creep_A")
    with pytest.raises(NakcellError, match="parameter: got 'i0'"):
        cs.pair(view, "i0", None)


def test_figures_build(cal_dir: Path) -> None:
    from nakcell.app.calibration import hist_figure, pair_figure

    view = sv.load_calibration(cal_dir)
    h = hist_figure(view)
    assert [t.marker.color for t in h.data] == ["#1f77b4", "#999999"]  # grey = not identifiable
    p = pair_figure(view, "electrolyte.sigma_ref", "anode.creep_A")
    assert len(p.data[1].x) == len(view.draws["anode.creep_A"])


def test_without_summary_the_table_says_identifiability_is_unknown(cal_dir, tmp_path) -> None:
    d = tmp_path / "only-draws"
    d.mkdir()
    shutil.copy(cal_dir / "posterior.parquet", d)
    view = sv.load_calibration(d)
    assert {r["identifiable"] for r in sv.parameter_rows(view)} == {"unknown (no summary.json)"}
    assert "no summary.json" in str(sv.diagnostic_rows(view)[0]["value"])


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p / "missing", "missing (calibration folder): no such folder"),
        (lambda p: p, "no posterior.parquet in it"),
        (lambda p: _write(p / "posterior.parquet", b"not parquet"), "unreadable Parquet file"),
        (lambda p: _write(p / "x.txt", b"x"), "not a folder"),
    ],
)
def test_bad_folder_gives_one_line_naming_the_problem(tmp_path, make, message) -> None:
    path = make(tmp_path)
    with pytest.raises(NakcellError) as e:
        sv.load_calibration(str(path))
    line = sv.error_line(e.value)
    assert "\n" not in line and line.startswith("nakcell: error: ") and message in line


def test_empty_path_names_what_is_expected() -> None:
    with pytest.raises(NakcellError, match="calibration folder: got nothing"):
        sv.load_calibration("  ")


def _write(p: Path, data: bytes) -> Path:
    p.write_bytes(data)
    return p.parent if p.name == "posterior.parquet" else p
