"""DuckDB lab store: connection and transaction helpers (:mod:`.db`, reusable by any
feature that appends results, e.g. parameter sweeps) and the lab tables of imported
cycler runs (:mod:`.lab`)."""

from __future__ import annotations

from nakcell.store.db import append_frame, connect, ensure_schema, export_parquet, transaction
from nakcell.store.lab import ImportResult, import_file, import_files

__all__ = [
    "ImportResult",
    "append_frame",
    "connect",
    "ensure_schema",
    "export_parquet",
    "import_file",
    "import_files",
    "transaction",
]
