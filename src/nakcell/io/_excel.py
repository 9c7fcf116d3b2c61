"""Excel sheets (.xlsx and legacy .xls) through python-calamine (Rust calamine)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nakcell.io._guard import file_errors


def sheet_names(path: Path) -> list[str]:
    """Names of the workbook's sheets."""
    from python_calamine import CalamineWorkbook

    with file_errors(path, "Excel workbook"):
        return list(CalamineWorkbook.from_path(str(path)).sheet_names)


def read_sheets(path: Path, names: list[str] | None = None) -> dict[str, list[list[Any]]]:
    """Rows (lists of cell values) of the named sheets, or of all sheets."""
    from python_calamine import CalamineWorkbook

    with file_errors(path, "Excel workbook"):
        wb = CalamineWorkbook.from_path(str(path))
        wanted = wb.sheet_names if names is None else names
        return {n: wb.get_sheet_by_name(n).to_python() for n in wanted}
