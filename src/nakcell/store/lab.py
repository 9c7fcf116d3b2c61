"""The lab store: cells, runs (one per imported file), cycles, half-cycles and points.

Import is one transaction per file and idempotent by the file's SHA-256: importing the
same bytes again (under any name) adds nothing. A file that cannot be read is reported and
skipped; the others are imported.

Rows without a time, voltage or current (NaN/NULL: a damaged number, a row cut at the end
of the file) are never stored as points: they go to the ``quarantine`` table with their
row number and the reason, the run's status is 'quarantined' (not 'imported') and its
metrics are those of the clean rows. A file with more than
:data:`MAX_QUARANTINE_FRACTION` of such rows is refused.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nakcell.errors import NakcellError, NakcellFileError
from nakcell.io.table import CyclerData
from nakcell.store.db import append_frame, connect, ensure_schema, transaction

if TYPE_CHECKING:
    import duckdb

SCHEMA_NAME = "lab"
SCHEMA_VERSION = 2
#: above this fraction of rows without time, voltage or current, a file is refused
MAX_QUARANTINE_FRACTION = 0.5
_CORE = ("time_s", "voltage_V", "current_A")
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
    # version 2: rows refused from points, and how many per run
    """CREATE TABLE IF NOT EXISTS quarantine (
        run_id BIGINT, row_index BIGINT, reason VARCHAR)""",
    "ALTER TABLE runs ADD COLUMN IF NOT EXISTS n_quarantined BIGINT DEFAULT 0",
    "ALTER TABLE runs ADD COLUMN IF NOT EXISTS status VARCHAR DEFAULT 'imported'",
)


@dataclass(frozen=True)
class ImportResult:
    """What happened to one file: status 'imported', 'quarantined' (stored, but some rows
    were set aside: ``n_quarantined``, ``quarantine_reasons``), 'duplicate' or 'error'."""

    path: str
    status: str
    sha256: str | None = None
    run_id: int | None = None
    format: str | None = None
    n_points: int = 0
    n_cycles: int = 0
    error: str | None = None
    n_quarantined: int = 0
    quarantine_reasons: dict[str, int] | None = None

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
    mapping: Mapping[str, str] | None = None,
) -> list[ImportResult]:
    """Import each file in its own transaction; a bad file becomes an 'error' result.
    ``mapping`` is the generic CSV reader's column mapping (as ``data metrics --map``)."""
    con = open_lab(db_path)
    try:
        out = []
        for p in paths:
            try:
                out.append(
                    import_file(
                        con, p, cell=cell, area_m2=area_m2, mass_kg=mass_kg, mapping=mapping
                    )
                )
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
    mapping: Mapping[str, str] | None = None,
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
    # raises NakcellFileError for a bad file, before anything is written
    data = read(p, mapping=mapping)
    assert sha is not None
    data, bad = quarantine_rows(data)
    area = area_m2 if area_m2 is not None else data.meta.get("area_m2")
    mass = mass_kg if mass_kg is not None else data.meta.get("active_mass_kg")
    kind = cell_kind(data)
    cycles = pd.DataFrame(cycle_metrics(data, area_m2=area, mass_kg=mass))
    halves = pd.DataFrame(half_cycle_metrics(data, area_m2=area)) if kind == "symmetric" else None
    cell_id = cell or p.stem
    status = "quarantined" if len(bad) else "imported"
    with transaction(con):
        run_id = int(con.execute("SELECT nextval('run_id_seq')").fetchone()[0])  # type: ignore[index]
        con.execute(
            "INSERT INTO cells (cell_id, kind, area_m2, active_mass_kg) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (cell_id) DO NOTHING",
            [cell_id, kind, area, mass],
        )
        con.execute(
            "INSERT INTO runs (run_id, file_sha256, path, format, instrument, channel, "
            "start_time, cell_id, kind, n_points, n_cycles, meta_json, n_quarantined, "
            "status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                len(bad),
                status,
            ],
        )
        if len(bad):
            append_frame(con, "quarantine", bad.assign(run_id=run_id))
        if len(cycles):
            keep = [c for c in _CYCLE_COLUMNS if c in cycles.columns]
            append_frame(con, "cycles", cycles[keep].assign(run_id=run_id))
        if halves is not None and len(halves):
            append_frame(con, "half_cycles", halves.assign(run_id=run_id))
        pts = data.data.assign(run_id=run_id)
        pts["step_type"] = pts["step_type"].astype(str)
        append_frame(con, "points", pts)
    reasons = bad["reason"].value_counts().to_dict() if len(bad) else None
    return ImportResult(
        str(p), status, sha, run_id, data.format, data.n_points, len(cycles), None,
        len(bad), reasons,
    )  # fmt: skip


def quarantine_rows(data: CyclerData) -> tuple[CyclerData, Any]:
    """``data`` without its rows lacking a time, voltage or current, and those rows
    (``row_index`` in the file's table, ``reason``) as a DataFrame.

    Raises :class:`NakcellFileError` when more than :data:`MAX_QUARANTINE_FRACTION` of
    the rows (or all of them) would go.
    """
    import numpy as np
    import pandas as pd

    df = data.data
    bad = np.zeros(len(df), dtype=bool)
    reason = np.full(len(df), "", dtype=object)
    for col in reversed(_CORE):  # the first missing column names the reason
        x = df[col].to_numpy(np.float64)
        inf = np.isinf(x)
        reason[inf] = f"infinite {col}"
        nan = np.isnan(x)
        reason[nan] = f"no {col} (NaN/NULL)"
        bad |= nan | inf
    n_bad = int(bad.sum())
    rows = pd.DataFrame({"row_index": np.flatnonzero(bad), "reason": reason[bad].astype(str)})
    if n_bad == 0:
        return data, rows
    if n_bad == len(df) or n_bad > MAX_QUARANTINE_FRACTION * len(df):
        top = rows["reason"].value_counts().index[0]
        raise NakcellFileError(
            data.path,
            f"{n_bad} of {len(df)} rows lack time, voltage or current (most: {top}); not imported",
        )
    clean = df.loc[~bad].reset_index(drop=True)
    meta = {**data.meta, "quarantined_rows": n_bad}
    return CyclerData(clean, data.format, data.path, meta), rows


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
