"""The app's service layer (no browser): stop explanations against hand arithmetic, cell edits
through the CLI's TOML path (same error line as the CLI), DuckDB browsing, and a page that
loads no script from another host."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from nakcell.app import service as sv
from nakcell.errors import NakcellInputError

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
