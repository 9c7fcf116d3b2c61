"""The lab store: cells, runs (one per imported file), cycles, half-cycles and points.

Import is one transaction per file and idempotent by the file's SHA-256: importing the
same bytes again (under any name) adds nothing. A file that cannot be read is reported and
skipped; the others are imported.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nakcell.errors import NakcellError
from nakcell.store.db import append_frame, connect, ensure_schema, transaction

if TYPE_CHECKING:
    import duckdb

SCHEMA_NAME = "lab"
SCHEMA_VERSION = 1
LAB_DDL: tuple[str, ...] = (
    "CREATE SEQUENCE IF NOT EXISTS run_id_seq START 1",
    """CREATE TABLE IF NOT EXISTS cells (
        cell_id VARCHAR PRIMARY KEY, kind VARCHAR, area_m2 DOUBLE, active_mass_kg DOUBLE,
        created_at TIMESTAMP DEFAULT current_timestamp)""",
    """CREATE TABLE IF NOT EXISTS runs (
        run_id BIGINT PRIMARY KEY, file_sha256 VARCHAR UNIQUE NOT NULL, path VARCHAR,
        format VARCHAR, instrument VARCHAR, channel VARCHAR, start_time VARCHAR,
        cell_id VARCHAR, kind VARCHAR, n_points BIGINT, n_cycles BIGINT, meta_json VARCHAR,
        imported_at TIMESTAMP DEFAULT current_timestamp)""",
    """CREATE TABLE IF NOT EXISTS cycles (
        run_id BIGINT, cycle BIGINT,
        charge_capacity_mAh DOUBLE, discharge_capacity_mAh DOUBLE,
        charge_energy_mWh DOUBLE, discharge_energy_mWh DOUBLE,
        charge_mean_voltage_V DOUBLE, discharge_mean_voltage_V DOUBLE,
        charge_time_s DOUBLE, discharge_time_s DOUBLE,
        coulombic_efficiency_pct DOUBLE, retention_pct DOUBLE,
        PRIMARY KEY (run_id, cycle))""",
    """CREATE TABLE IF NOT EXISTS half_cycles (
        run_id BIGINT, step BIGINT, cycle BIGINT, direction VARCHAR, start_s DOUBLE,
        duration_s DOUBLE, current_A DOUBLE, overpotential_V DOUBLE,
        overpotential_max_V DOUBLE, overpotential_end_V DOUBLE, resistance_ohm DOUBLE,
        current_density_A_m2 DOUBLE, asr_ohm_m2 DOUBLE, PRIMARY KEY (run_id, step))""",
    """CREATE TABLE IF NOT EXISTS points (
        run_id BIGINT, time_s DOUBLE, current_A DOUBLE, voltage_V DOUBLE,
        capacity_Ah DOUBLE, energy_Wh DOUBLE, cycle BIGINT, step BIGINT, step_type VARCHAR)""",
)


@dataclass(frozen=True)
class ImportResult:
    """What happened to one file: status 'imported', 'duplicate' or 'error'."""

    path: str
    status: str
    sha256: str | None = None
    run_id: int | None = None
    format: str | None = None
    n_points: int = 0
    n_cycles: int = 0
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def open_lab(db_path: str | Path) -> duckdb.DuckDBPyConnection:
    """Connect to a lab database, creating its tables on first use."""
    con = connect(db_path)
    ensure_schema(con, LAB_DDL, name=SCHEMA_NAME, version=SCHEMA_VERSION)
    return con


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file's bytes (the import's identity)."""
    h = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def import_files(
    db_path: str | Path,
    paths: Sequence[str | Path],
    *,
    cell: str | None = None,
    area_m2: float | None = None,
    mass_kg: float | None = None,
) -> list[ImportResult]:
    """Import each file in its own transaction; a bad file becomes an 'error' result."""
    con = open_lab(db_path)
    try:
        out = []
        for p in paths:
            try:
                out.append(import_file(con, p, cell=cell, area_m2=area_m2, mass_kg=mass_kg))
            except NakcellError as exc:
                out.append(ImportResult(str(p), "error", error=str(exc)))
        return out
    finally:
        con.close()


def import_file(
    con: duckdb.DuckDBPyConnection,
    path: str | Path,
    *,
    cell: str | None = None,
    area_m2: float | None = None,
    mass_kg: float | None = None,
) -> ImportResult:
    """Read, analyse and store one file (one transaction); skip it if already stored."""
    import pandas as pd

    from nakcell.analysis import cell_kind, cycle_metrics, half_cycle_metrics
    from nakcell.io import read

    p = Path(path)
    sha = file_sha256(p) if p.is_file() else None
    if sha is not None:
        row = con.execute(
            "SELECT run_id, format, n_points, n_cycles FROM runs WHERE file_sha256 = ?", [sha]
        ).fetchone()
        if row is not None:
            return ImportResult(str(p), "duplicate", sha, row[0], row[1], row[2], row[3])
    data = read(p)  # raises NakcellFileError for a bad file, before anything is written
    assert sha is not None
    area = area_m2 if area_m2 is not None else data.meta.get("area_m2")
    mass = mass_kg if mass_kg is not None else data.meta.get("active_mass_kg")
    kind = cell_kind(data)
    cycles = pd.DataFrame(cycle_metrics(data, area_m2=area, mass_kg=mass))
    halves = pd.DataFrame(half_cycle_metrics(data, area_m2=area)) if kind == "symmetric" else None
    cell_id = cell or p.stem
    with transaction(con):
        run_id = int(con.execute("SELECT nextval('run_id_seq')").fetchone()[0])  # type: ignore[index]
        con.execute(
            "INSERT INTO cells (cell_id, kind, area_m2, active_mass_kg) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (cell_id) DO NOTHING",
            [cell_id, kind, area, mass],
        )
        con.execute(
            "INSERT INTO runs (run_id, file_sha256, path, format, instrument, channel, "
            "start_time, cell_id, kind, n_points, n_cycles, meta_json) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                run_id,
                sha,
                str(p.resolve()),
                data.format,
                data.meta.get("instrument"),
                data.meta.get("channel"),
                data.meta.get("start_time"),
                cell_id,
                kind,
                data.n_points,
                len(cycles),
                json.dumps(data.meta, default=str),
            ],
        )
        if len(cycles):
            keep = [c for c in _CYCLE_COLUMNS if c in cycles.columns]
            append_frame(con, "cycles", cycles[keep].assign(run_id=run_id))
        if halves is not None and len(halves):
            append_frame(con, "half_cycles", halves.assign(run_id=run_id))
        pts = data.data.assign(run_id=run_id)
        pts["step_type"] = pts["step_type"].astype(str)
        append_frame(con, "points", pts)
    return ImportResult(str(p), "imported", sha, run_id, data.format, data.n_points, len(cycles))


_CYCLE_COLUMNS = (
    "cycle",
    "charge_capacity_mAh",
    "discharge_capacity_mAh",
    "charge_energy_mWh",
    "discharge_energy_mWh",
    "charge_mean_voltage_V",
    "discharge_mean_voltage_V",
    "charge_time_s",
    "discharge_time_s",
    "coulombic_efficiency_pct",
    "retention_pct",
)
