"""DuckDB store of sweep results: one file per sweep, one transaction per batch.

Tables
- ``sweep``: the single spec this file holds (name, compatibility key, TOML text).
- ``parameters``: each varied parameter's key, column, kind and field unit.
- ``runs``: one row per invocation (fresh or resumed): spec, library versions, scheduler,
  workers, start/finish, status and the number of points it stored.
- ``points``: one row per point, keyed by its content hash (PRIMARY KEY): the design index,
  the parameter values in field units, the kept metrics, an error text (NULL when the model
  ran), the batch and run that stored it.

Only the client process writes. A batch's rows and its run counter are committed together
(``BEGIN ... COMMIT``), so a crash leaves whole batches or nothing; inserts are
``INSERT OR IGNORE`` on the hash, so running a point twice never stores it twice.
"""

from __future__ import annotations

import datetime as dt
import json
import platform
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from nakcell.errors import NakcellFileError, NakcellInputError
from nakcell.sweep.batch import BatchResult
from nakcell.sweep.spec import METRICS, SweepSpec


def versions() -> dict[str, str]:
    """Versions of everything that can change a result or its storage."""
    out = {"python": platform.python_version()}
    for pkg in ("nakcell", "numpy", "scipy", "pint", "dask", "distributed", "duckdb", "pyarrow"):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = "absent"
    return out


class SweepStore:
    """A sweep's results in one DuckDB file."""

    def __init__(self, path: str | Path, *, read_only: bool = False) -> None:
        import duckdb

        self.path = Path(path)
        if read_only and not self.path.exists():
            raise NakcellFileError(self.path, "no such file")
        try:
            self.con = duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.Error as exc:
            raise NakcellFileError(self.path, f"cannot open as DuckDB: {exc}") from None

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> SweepStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ schema
    def has_sweep(self) -> bool:
        q = "SELECT count(*) FROM information_schema.tables WHERE table_name = 'sweep'"
        return bool(self.con.execute(q).fetchone()[0])  # type: ignore[index]

    def prepare(self, spec: SweepSpec, *, resume: bool) -> None:
        """Create the tables for ``spec``, or check that this file holds the same sweep."""
        if self.has_sweep():
            row = self.con.execute("SELECT name, compat_key FROM sweep").fetchone()
            assert row is not None
            stored = self.rows()
            if row[1] != spec.compat_key():
                raise NakcellInputError(
                    "--db",
                    f"{self.path} holding sweep '{row[0]}' with another model, parameters or "
                    "metrics",
                    "a new file (or the same spec to resume)",
                )
            # DuckDB lets one process write a file, so any run still marked running died
            self.con.execute(
                "UPDATE runs SET status = 'died (client killed)' WHERE status = 'running'"
            )
            if stored and not resume:
                raise NakcellInputError(
                    "--db",
                    f"{self.path} already holding {stored} points of this sweep",
                    "--resume to run only the missing points, or a new file",
                )
            return
        cols = [f'"{p.column}" DOUBLE' for p in spec.params]
        cols += [f'"{m}" {METRICS[m]}' for m in spec.model.metrics]
        self.con.execute("BEGIN TRANSACTION")
        self.con.execute(
            "CREATE TABLE sweep (name VARCHAR, compat_key VARCHAR, n_points BIGINT, "
            "spec VARCHAR, created_at TIMESTAMP)"
        )
        self.con.execute(
            "CREATE TABLE parameters (key VARCHAR, column_name VARCHAR, kind VARCHAR, "
            "unit VARCHAR, position INTEGER)"
        )
        self.con.execute(
            "CREATE TABLE runs (run_id INTEGER PRIMARY KEY, spec VARCHAR, versions VARCHAR, "
            "scheduler VARCHAR, workers INTEGER, resumed BOOLEAN, started_at TIMESTAMP, "
            "finished_at TIMESTAMP, status VARCHAR, points_stored BIGINT)"
        )
        self.con.execute(
            "CREATE TABLE points (point_hash VARCHAR PRIMARY KEY, point_index BIGINT, "
            + ", ".join(cols)
            + ", error VARCHAR, run_id INTEGER, batch INTEGER, worker VARCHAR, "
            "batch_seconds DOUBLE, stored_at TIMESTAMP)"
        )
        self.con.execute(
            "INSERT INTO sweep VALUES (?, ?, ?, ?, ?)",
            [spec.name, spec.compat_key(), spec.n_points, spec.text, _now()],
        )
        for i, p in enumerate(spec.params):
            self.con.execute(
                "INSERT INTO parameters VALUES (?, ?, ?, ?, ?)",
                [p.key, p.column, p.kind, p.unit, i],
            )
        self.con.execute("COMMIT")

    # ------------------------------------------------------------------ runs
    def begin_run(self, spec: SweepSpec, *, scheduler: str, workers: int, resumed: bool) -> int:
        """Record a new invocation; returns its run_id."""
        row = self.con.execute("SELECT coalesce(max(run_id), 0) + 1 FROM runs").fetchone()
        assert row is not None
        run_id = int(row[0])
        self.con.execute(
            "INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, ?, NULL, 'running', 0)",
            [run_id, spec.text, json.dumps(versions()), scheduler, workers, resumed, _now()],
        )
        return run_id

    def finish_run(self, run_id: int, status: str) -> None:
        self.con.execute(
            "UPDATE runs SET finished_at = ?, status = ? WHERE run_id = ?", [_now(), status, run_id]
        )

    # ------------------------------------------------------------------ points
    def stored_hashes(self) -> set[str]:
        return {r[0] for r in self.con.execute("SELECT point_hash FROM points").fetchall()}

    def commit_batch(self, spec: SweepSpec, run_id: int, res: BatchResult) -> int:
        """Store one batch in one transaction; returns the number of new rows."""
        import pyarrow as pa

        n = len(res.hashes)
        data: dict[str, Any] = {
            "point_hash": pa.array(res.hashes, pa.string()),
            "point_index": pa.array(np.asarray(res.index, np.int64)),
        }
        for j, p in enumerate(spec.params):
            data[p.column] = pa.array(p.to_field(res.rows[:, j]), pa.float64())
        for m in spec.model.metrics:
            data[m] = pa.array(res.metrics[m], _arrow_type(METRICS[m]))
        data["error"] = pa.array(res.error, pa.string())
        data["run_id"] = pa.array([run_id] * n, pa.int32())
        data["batch"] = pa.array([res.batch] * n, pa.int32())
        data["worker"] = pa.array([res.worker] * n, pa.string())
        data["batch_seconds"] = pa.array([res.seconds] * n, pa.float64())
        data["stored_at"] = pa.array([_now()] * n, pa.timestamp("us"))
        table = pa.table(data)
        self.con.register("_batch", table)
        try:
            self.con.execute("BEGIN TRANSACTION")
            before = self.rows()
            self.con.execute("INSERT OR IGNORE INTO points BY NAME SELECT * FROM _batch")
            new = self.rows() - before
            self.con.execute(
                "UPDATE runs SET points_stored = points_stored + ? WHERE run_id = ?", [new, run_id]
            )
            self.con.execute("COMMIT")
        except Exception:
            self.con.execute("ROLLBACK")
            raise
        finally:
            self.con.unregister("_batch")
        return new

    def rows(self) -> int:
        row = self.con.execute("SELECT count(*) FROM points").fetchone()
        assert row is not None
        return int(row[0])

    def unique_points(self) -> int:
        """Distinct parameter rows stored (independent of the hash key)."""
        cols = [r[0] for r in self.con.execute("SELECT column_name FROM parameters").fetchall()]
        sel = ", ".join(f'"{c}"' for c in cols)
        row = self.con.execute(
            f"SELECT count(*) FROM (SELECT DISTINCT {sel} FROM points)"
        ).fetchone()
        assert row is not None
        return int(row[0])

    def parameters(self) -> list[dict[str, str]]:
        q = "SELECT key, column_name, kind, unit FROM parameters ORDER BY position"
        return [
            {"key": r[0], "column": r[1], "kind": r[2], "unit": r[3]}
            for r in self.con.execute(q).fetchall()
        ]

    def metrics(self) -> list[str]:
        params = {p["column"] for p in self.parameters()}
        fixed = {"point_hash", "point_index", "error", "run_id", "batch", "worker"}
        fixed |= {"batch_seconds", "stored_at"}
        cols = [r[0] for r in self.con.execute("DESCRIBE points").fetchall()]
        return [c for c in cols if c not in params and c not in fixed]

    def export_parquet(self, out: str | Path) -> int:
        """Write the points table to a Parquet file; returns the row count."""
        out = Path(out)
        path = str(out).replace("'", "''")
        self.con.execute(
            f"COPY (SELECT * FROM points ORDER BY point_index) TO '{path}' (FORMAT PARQUET)"
        )
        return self.rows()


def _arrow_type(sql: str) -> Any:
    import pyarrow as pa

    return {
        "DOUBLE": pa.float64(),
        "BOOLEAN": pa.bool_(),
        "VARCHAR": pa.string(),
        "INTEGER": pa.int32(),
    }[sql]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)
