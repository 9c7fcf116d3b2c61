"""DuckDB lab store: one transaction per file, idempotent by hash, bad files rejected
without losing the others, Parquet export; and the `nakcell data` CLI around it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from nakcell.cli import main
from nakcell.store import db as store_db
from nakcell.store import lab
from nakcell.store.lab import import_files, open_lab

# small real files and their row counts from PROVENANCE.md (other readers)
SMALL = {"arbin_example.res": 2150, "test.ndax": 1464, "gcpl.issue_211.mpt": 2767}


@pytest.fixture
def files(shared_data: Path, tmp_path: Path) -> list[Path]:
    out = [shared_data / "cyclers" / n for n in SMALL]
    bad = tmp_path / "broken.mpr"
    bad.write_bytes((shared_data / "cyclers" / "gcpl.issue_211.mpr").read_bytes()[:3000])
    return [out[0], bad, out[1], out[2]]


def _count(db: Path, sql: str) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return int(con.execute(sql).fetchone()[0])
    finally:
        con.close()


def test_import_is_idempotent_and_isolates_bad_files(files: list[Path], tmp_path: Path) -> None:
    db = tmp_path / "lab.duckdb"
    res = import_files(db, files)
    assert [r.status for r in res] == ["imported", "error", "imported", "imported"]
    assert "broken.mpr" in res[1].error
    assert _count(db, "SELECT count(*) FROM runs") == 3
    assert _count(db, "SELECT count(*) FROM points") == sum(SMALL.values())
    n_cycles = _count(db, "SELECT count(*) FROM cycles")
    assert n_cycles == sum(r.n_cycles for r in res)
    # again, and the same bytes under another name: nothing added
    copy = tmp_path / "renamed.bin"
    shutil.copy(files[0], copy)
    again = import_files(db, [*files, copy])
    assert [r.status for r in again] == [
        "duplicate",
        "error",
        "duplicate",
        "duplicate",
        "duplicate",
    ]
    assert _count(db, "SELECT count(*) FROM runs") == 3
    assert _count(db, "SELECT count(*) FROM points") == sum(SMALL.values())
    assert _count(db, "SELECT count(*) FROM cycles") == n_cycles


def test_failure_inside_the_transaction_leaves_nothing(
    files: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "lab.duckdb"
    real = store_db.append_frame

    def failing(con, table, frame):  # type: ignore[no-untyped-def]
        if table == "points":
            raise RuntimeError("disk full (simulated)")
        return real(con, table, frame)

    monkeypatch.setattr(lab, "append_frame", failing)
    con = open_lab(db)
    with pytest.raises(RuntimeError, match="simulated"):
        lab.import_file(con, files[0])
    for table in ("runs", "cycles", "cells", "points"):
        assert con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0, table
    monkeypatch.setattr(lab, "append_frame", real)
    assert lab.import_file(con, files[0]).status == "imported"
    con.close()


def test_parquet_export_round_trips(files: list[Path], tmp_path: Path) -> None:
    db = tmp_path / "lab.duckdb"
    import_files(db, files)
    con = open_lab(db)
    written = store_db.export_parquet(con, tmp_path / "pq")
    con.close()
    assert {"cells", "runs", "cycles", "points", "half_cycles"} <= set(written)
    n = duckdb.sql(f"SELECT count(*) FROM read_parquet('{written['points']}')").fetchall()[0][0]
    assert n == sum(SMALL.values())


def test_schema_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    from nakcell.errors import NakcellFileError

    con = store_db.connect(tmp_path / "x.duckdb")
    store_db.ensure_schema(con, ["CREATE TABLE IF NOT EXISTS t (a INT)"], name="sweep", version=2)
    with pytest.raises(NakcellFileError, match="newer"):
        store_db.ensure_schema(con, [], name="sweep", version=1)
    con.close()


# ------------------------------------------------------------------ CLI


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    out, err = capsys.readouterr()
    return int(exc.value.code or 0), out, err


def test_cli_metrics_json(shared_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = shared_data / "cyclers" / "arbin_example.res"
    code, out, _ = _run(["data", "metrics", str(f), "--mass", "1.0 mg", "--json"], capsys)
    assert code == 0
    rep = json.loads(out)
    assert rep["format"] == "arbin_res" and rep["n_points"] == 2150 and rep["kind"] == "full"
    c = rep["cycles"][0]
    # mAh/g with a 1 mg mass is numerically the capacity in uAh
    assert c["charge_specific_capacity_mAh_g"] == pytest.approx(c["charge_capacity_mAh"] * 1e3)


def test_cli_import_reports_bad_file_with_exit_2(
    files: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "lab.duckdb"
    code, out, err = _run(["data", "import", *map(str, files), "--db", str(db)], capsys)
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "1 of 4 files rejected" in err
    assert [r["status"] for r in json.loads(out)] == ["imported", "error", "imported", "imported"]
    code, out, _ = _run(["data", "export", "--db", str(db), "--out", str(tmp_path / "pq")], capsys)
    assert code == 0 and "points" in json.loads(out)


def test_cli_bad_inputs_exit_2_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], shared_data: Path
) -> None:
    empty = tmp_path / "empty.mpr"
    empty.write_bytes(b"")
    cases = [
        ["data", "metrics", str(empty)],
        ["data", "metrics", str(tmp_path / "missing.nda")],
        ["data", "metrics", str(shared_data / "cyclers" / "test.ndax"), "--area", "3 mA"],
        ["data", "compare", str(shared_data / "cyclers" / "test.ndax"), "--cell", "nope"],
    ]
    for argv in cases:
        code, _, err = _run(argv, capsys)
        assert code == 2, argv
        assert err.startswith("nakcell: error:") and len(err.strip().splitlines()) == 1, err


def test_cli_compare_with_simulated_trace_file(
    shared_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import numpy as np
    import pandas as pd

    from nakcell.io import read

    f = shared_data / "cyclers" / "test.ndax"
    d = read(f).data
    sim = tmp_path / "sim.csv"
    pd.DataFrame({"time_s": d["time_s"], "voltage_V": d["voltage_V"] + 0.05}).to_csv(sim)
    png = tmp_path / "o.png"
    code, out, _ = _run(["data", "compare", str(f), "--sim", str(sim), "--out", str(png)], capsys)
    assert code == 0
    rep = json.loads(out)
    # equal up to points sharing a time stamp at step changes (interpolation picks one)
    assert rep["comparison"]["bias_V"] == pytest.approx(0.05, abs=1e-4)
    assert png.stat().st_size > 1000
    assert sum(s["duration_s"] for s in rep["protocol"]) == pytest.approx(d["time_s"].iat[-1])
    assert np.isclose(rep["comparison"]["rmse_V"], 0.05, atol=1e-3)


def test_cli_plot_writes_image(
    shared_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    png = tmp_path / "v.png"
    f = shared_data / "cyclers" / "maccor_example.001"
    code, out, _ = _run(["data", "plot", str(f), "--out", str(png)], capsys)
    assert code == 0 and out.strip() == str(png)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_cli_metrics_symmetric_cell_in_field_units(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A 50 ohm symmetric cell on 1 cm2 stepped 0.1 -> 0.2 mA/cm2, shorting 600 s into the
    first 0.2 mA/cm2 half-cycle: ASR 50 ohm cm2, CCD 0.2 mA/cm2, last safe 0.1 mA/cm2."""
    import numpy as np
    import pandas as pd

    dt, half = 10.0, 1800.0
    t = np.arange(0.0, 4 * half, dt) + dt
    j_mA_cm2 = np.where(t <= 2 * half, 0.1, 0.2)
    sign = np.where(((t - dt / 2) // half) % 2 == 0, 1.0, -1.0)
    i = sign * j_mA_cm2 * 1e-3  # A on 1 cm2
    v = 50.0 * i
    v[t > 2 * half + 600.0] *= 0.01  # metallic path: V/I drops 100-fold
    f = tmp_path / "sym.csv"
    pd.DataFrame({"time_s": t, "current_A": i, "voltage_V": v}).to_csv(f, index=False)
    code, out, _ = _run(["data", "metrics", str(f), "--area", "1 cm2", "--json"], capsys)
    assert code == 0
    rep = json.loads(out)
    assert rep["kind"] == "symmetric"
    first = rep["half_cycles"][0]
    assert first["asr_ohm_cm2"] == pytest.approx(50.0, rel=1e-6)
    assert first["current_density_mA_cm2"] == pytest.approx(0.1, rel=1e-6)
    assert rep["ccd"]["ccd_mA_cm2"] == pytest.approx(0.2, rel=1e-6)
    assert rep["ccd"]["last_safe_mA_cm2"] == pytest.approx(0.1, rel=1e-6)
    assert rep["short"]["time_s"] == pytest.approx(2 * half + 600.0 + dt, abs=dt)


def test_symmetric_cell_import_fills_half_cycles(tmp_path: Path) -> None:
    """Four 1800 s half-cycles of an ohmic 50 ohm symmetric cell: four half-cycle rows,
    each with R = 50 ohm, and the cell stored as symmetric."""
    import numpy as np
    import pandas as pd

    t = np.arange(0.0, 7200.0, 10.0) + 10.0
    i = np.where(((t - 5.0) // 1800.0) % 2 == 0, 1e-4, -1e-4)
    f = tmp_path / "sym.csv"
    pd.DataFrame({"time_s": t, "current_A": i, "voltage_V": 50.0 * i}).to_csv(f, index=False)
    db = tmp_path / "lab.duckdb"
    (res,) = import_files(db, [f], area_m2=1e-4)
    assert res.status == "imported"
    con = duckdb.connect(str(db), read_only=True)
    halves = con.execute("SELECT resistance_ohm, asr_ohm_m2 FROM half_cycles").fetchall()
    kind = con.execute("SELECT kind FROM cells").fetchall()
    con.close()
    assert len(halves) == 4 and kind == [("symmetric",)]
    for r, asr in halves:
        assert r == pytest.approx(50.0) and asr == pytest.approx(50.0 * 1e-4)
