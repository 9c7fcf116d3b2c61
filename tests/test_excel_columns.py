"""Excel sheets walked into numpy columns (``nakcell.io._excel.sheet_columns``), checked
cell by cell against ``float(cell)`` (NaN where it refuses) on a synthetic sheet of the
cell types calamine returns, over many conversion blocks and with short rows; the shared
LAND and Arbin workbooks hold numbers only in the columns read, so they never reach the
cell-by-cell path."""

from __future__ import annotations

import datetime as dt
import math
import random
from typing import Any

import numpy as np
import pytest

from nakcell.io import _excel


class _Sheet:
    """The two things sheet_columns uses of a calamine sheet."""

    def __init__(self, rows: list[list[Any]], height: int | None = None) -> None:
        self._rows = rows
        self.height = len(rows) if height is None else height

    def iter_rows(self) -> Any:
        return iter([list(r) for r in self._rows])


ODD: list[Any] = [
    2, True, False, None, "", "abc", "3.25", " 7 ", "nan", -0.0, 10**30,
    dt.datetime(2020, 1, 1), dt.timedelta(days=1),
]  # fmt: skip


def _expected(v: Any) -> float:
    try:
        return float(v)
    except (TypeError, ValueError):
        return math.nan


def _rows(n: int, odd: float, short: float, seed: int) -> list[list[Any]]:
    rng = random.Random(seed)
    rows: list[list[Any]] = [["A", "State", "B", "C"]]
    for _ in range(n):
        row = [rng.random() * 10 if rng.random() > odd else rng.choice(ODD) for _ in range(4)]
        row[1] = rng.choice(["R", "C_CC", "D_CC"])
        if rng.random() < short:
            row = row[: rng.randint(0, 3)]
        rows.append(row)
    return rows


@pytest.mark.parametrize(
    ("n", "odd", "short"), [(1, 0, 0), (64, 0, 0), (1000, 0, 0), (1000, 0.02, 0), (700, 0.3, 0.05)]
)
def test_columns_equal_float_of_each_cell(n: int, odd: float, short: float) -> None:
    rows = _rows(n, odd, short, seed=n)
    cols, used, header, first = _excel.sheet_columns(
        _Sheet(rows), lambda c: c in ("A", "B", "C"), labels=("State",)
    )
    assert used == n and header == ["A", "State", "B", "C"] and first == rows[1]
    for name, j in (("A", 0), ("B", 2), ("C", 3)):
        want = np.array([_expected(r[j]) if j < len(r) else math.nan for r in rows[1:]])
        got = cols[name]
        assert got.dtype == np.float64
        np.testing.assert_array_equal(got, want)  # NaN where NaN, values exact
        assert np.array_equal(np.signbit(got), np.signbit(want))
    seen = list(dict.fromkeys(str(r[1]).strip() for r in rows[1:] if len(r) > 1))
    assert list(cols["State names"]) == seen  # codes in order of first appearance
    want_codes = [seen.index(str(r[1]).strip()) if len(r) > 1 else 0 for r in rows[1:]]
    np.testing.assert_array_equal(cols["State"], want_codes)  # a row without one: code 0


def test_sheet_height_larger_than_its_rows() -> None:
    rows = _rows(200, 0.02, 0, seed=5)
    cols, used, _, _ = _excel.sheet_columns(_Sheet(rows, height=500), lambda c: c == "B")
    assert used == 200 and len(cols["B"]) == 200
    np.testing.assert_array_equal(cols["B"], [_expected(r[2]) for r in rows[1:]])
