"""DuckDB connection and transaction helpers, independent of what is stored.

A feature owns a list of DDL statements and a schema name; :func:`ensure_schema` applies
them once per version. Writes go through :func:`transaction` so a failure leaves nothing
half-written (DuckDB transactions are ACID; one process may write a database file at a
time, so a sweep should funnel its results through one writer).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nakcell.errors import NakcellFileError

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

_VERSIONS_DDL = (
    "CREATE TABLE IF NOT EXISTS schema_versions ("
    " name VARCHAR PRIMARY KEY, version INTEGER NOT NULL,"
    " applied_at TIMESTAMP DEFAULT current_timestamp)"
)


def connect(path: str | Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (creating if needed) a DuckDB database file; ':memory:' for a scratch one."""
    import duckdb

    p = str(path)
    if p != ":memory:":
        parent = Path(p).parent
        if not parent.is_dir():
            raise NakcellFileError(p, "folder of the database does not exist")
    try:
        con = duckdb.connect(p, read_only=read_only)
    except (duckdb.Error, OSError) as exc:
        raise NakcellFileError(p, f"cannot open as a DuckDB database ({exc})") from exc
    if not read_only:
        con.execute(_VERSIONS_DDL)
    return con


@contextlib.contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """``with transaction(con): ...`` commits on success and rolls back on any exception."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def ensure_schema(
    con: duckdb.DuckDBPyConnection, ddl: Sequence[str], *, name: str, version: int
) -> None:
    """Apply ``ddl`` (idempotent CREATE ... IF NOT EXISTS statements) once for ``version``.

    A database written by a newer version of the schema is refused rather than mangled.
    """
    row = con.execute("SELECT version FROM schema_versions WHERE name = ?", [name]).fetchone()
    if row is not None and row[0] > version:
        raise NakcellFileError(
            "database", f"schema {name!r} is version {row[0]}, newer than this nakcell ({version})"
        )
    if row is not None and row[0] == version:
        return
    with transaction(con):
        for stmt in ddl:
            con.execute(stmt)
        con.execute(
            "INSERT OR REPLACE INTO schema_versions (name, version) VALUES (?, ?)", [name, version]
        )


def append_frame(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> int:
    """Append a DataFrame to ``table`` matching columns by name; returns rows added."""
    if len(frame) == 0:
        return 0
    view = f"_nakcell_append_{table}"
    con.register(view, frame)
    try:
        con.execute(f'INSERT INTO "{table}" BY NAME SELECT * FROM "{view}"')
    finally:
        con.unregister(view)
    return len(frame)


def export_parquet(
    con: duckdb.DuckDBPyConnection, out_dir: str | Path, tables: Sequence[str] | None = None
) -> dict[str, Path]:
    """Write each table (all user tables by default) to ``out_dir/<table>.parquet``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if tables is None:
        rows = con.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'main' AND table_type = 'BASE TABLE' ORDER BY table_name"
        ).fetchall()
        tables = [r[0] for r in rows]
    written: dict[str, Path] = {}
    for t in tables:
        target = out / f"{t}.parquet"
        path_sql = str(target).replace("'", "''")
        con.execute(f"COPY (SELECT * FROM \"{t}\") TO '{path_sql}' (FORMAT PARQUET)")
        written[t] = target
    return written


def query(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] | None = None) -> Any:
    """Run a query and return a pandas DataFrame."""
    return con.execute(sql, list(params or [])).df()
