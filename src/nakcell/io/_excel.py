"""Excel sheets (.xlsx and legacy .xls) through python-calamine (Rust calamine)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from operator import itemgetter
from pathlib import Path
from typing import Any

import numpy as np

from nakcell.io._guard import file_errors


def open_workbook(path: Path) -> Any:
    """The workbook (python-calamine), a damaged file raising :class:`NakcellFileError`."""
    from python_calamine import CalamineWorkbook

    with file_errors(path, "Excel workbook"):
        return CalamineWorkbook.from_path(str(path))


def sheet_names(path: Path) -> list[str]:
    """Names of the workbook's sheets."""
    return list(open_workbook(path).sheet_names)


def read_sheets(path: Path, names: list[str] | None = None) -> dict[str, list[list[Any]]]:
    """Rows (lists of cell values) of the named sheets, or of all sheets."""
    wb = open_workbook(path)
    with file_errors(path, "Excel workbook"):
        wanted = wb.sheet_names if names is None else names
        return {n: wb.get_sheet_by_name(n).to_python() for n in wanted}


def sheet_columns(
    sheet: Any, numeric: Callable[[str], bool], labels: tuple[str, ...] = ()
) -> tuple[dict[str, np.ndarray], int, list[str], list[Any]]:
    """Columns of a calamine sheet, walked row by row into preallocated numpy arrays.

    Header cells for which ``numeric(name)`` is true become float64 columns (text cells NaN);
    the ``labels`` columns become int16 codes (``cols[name]``) with their distinct values, in
    code order, in ``cols[name + ' names']``. The numeric cells of each block of
    :data:`_BLOCK_ROWS` rows are converted by one numpy call (as ``float(cell)``; a block with
    a cell that refuses is done cell by cell), so no Python object per cell outlives its
    block and the peak memory stays near the size of the columns. Also returns the number of
    data rows, the header (stripped) and the first data row as read (for per-file values such
    as a start date).
    """
    rows = sheet.iter_rows()
    header = [str(c).strip() for c in next(rows, [])]
    n = max(int(sheet.height) - 1, 0)
    cols: dict[str, np.ndarray] = {}
    num: list[tuple[int, np.ndarray]] = []
    for j, name in enumerate(header):
        if name not in cols and numeric(name):
            cols[name] = np.full(n, np.nan)
            num.append((j, cols[name]))
    lab: list[tuple[int, np.ndarray, dict[str, int]]] = []
    for name in labels:
        if name in header and name not in cols:
            cols[name] = np.zeros(n, dtype=np.int16)
            lab.append((header.index(name), cols[name], {}))
    first: list[Any] = []
    take = _getter([j for j, _ in num])
    block: list[tuple[Any, ...]] = []  # the numeric cells of up to _BLOCK_ROWS rows
    r = -1
    for r, row in enumerate(rows):
        if r >= n:
            r -= 1
            break
        if r == 0:
            first = list(row)
        if num:
            try:
                block.append(take(row))
            except IndexError:  # a short row: its cells one by one
                _flush(block, r - len(block), num)
                _cells(row, r, num)
            if len(block) == _BLOCK_ROWS:
                _flush(block, r + 1 - len(block), num)
        width = len(row)
        for j, arr, codes in lab:
            if j < width:
                label = str(row[j]).strip()
                code = codes.get(label)
                if code is None:
                    code = codes[label] = len(codes)
                arr[r] = code
    _flush(block, r + 1 - len(block), num)
    used = r + 1
    if used < n:
        cols = {k: a[:used].copy() for k, a in cols.items()}
    for j, _, codes in lab:
        cols[header[j] + " names"] = np.array(sorted(codes, key=codes.__getitem__), dtype=object)
    return cols, used, header, first


#: rows whose numeric cells are converted to float64 by one numpy call (small: the cells
#: are Python objects until then)
_BLOCK_ROWS = 64


def _getter(idx: list[int]) -> Callable[[Any], tuple[Any, ...]]:
    """The cells at ``idx`` of a row, as a tuple."""
    if len(idx) == 1:
        j = idx[0]
        return lambda row: (row[j],)
    return itemgetter(*idx) if idx else (lambda row: ())


def _flush(block: list[tuple[Any, ...]], start: int, num: list[tuple[int, np.ndarray]]) -> None:
    """Write the numeric cells of ``block`` (rows ``start``...) into the columns and empty it.

    numpy converts the whole block at once, each cell as ``float(cell)`` would; a block
    holding a cell float() refuses (text, a date) is done cell by cell, that cell NaN.
    """
    if not block:
        return
    try:
        vals = np.array(block, dtype=np.float64)
    except (TypeError, ValueError):
        for k, cells in enumerate(block):
            for v, (_, arr) in zip(cells, num, strict=True):
                _put(arr, start + k, v)
    else:
        stop = start + len(block)
        for c, (_, arr) in enumerate(num):
            arr[start:stop] = vals[:, c]
    block.clear()


def _cells(row: Any, r: int, num: list[tuple[int, np.ndarray]]) -> None:
    width = len(row)
    for j, arr in num:
        if j < width:
            _put(arr, r, row[j])


def _put(arr: np.ndarray, r: int, v: Any) -> None:
    if isinstance(v, (int, float)):
        arr[r] = v
    else:
        with contextlib.suppress(TypeError, ValueError):  # text cell: NaN
            arr[r] = float(v)
