"""Shared parts of nakcell's Neware decoders (:mod:`._neware_nda`, :mod:`._neware_ndc`):
status codes, current-range scales, the cycle rule, the output-column sink.

Status codes, range scales and the cycle rule are those documented by NewareNDA (BSD-3,
https://github.com/Solid-Energy-Systems/NewareNDA, dicts.py and utils.py) and fastnda
(BSD-3, https://github.com/g-kimbell/fastnda, dicts.py); the code is our own.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from nakcell.io.table import steps_and_starts

# Status byte -> state name (NewareNDA dicts.state_dict; 18 and 25 from fastnda). Neither
# 18 nor 25 starts or arms a cycle, as under NewareNDA's string rule.
STATUS_NAMES: dict[int, str] = {
    1: "CC_Chg",
    2: "CC_DChg",
    3: "CV_Chg",
    4: "Rest",
    5: "Cycle",
    7: "CCCV_Chg",
    8: "CP_DChg",
    9: "CP_Chg",
    10: "CR_DChg",
    13: "Pause",
    16: "Pulse",
    17: "SIM",
    18: "PCCCV_Chg",  # fastnda dicts.STEP_TYPE_MAP
    19: "CV_DChg",
    20: "CCCV_DChg",
    21: "Control",
    22: "OCV",
    25: "Ramp",  # fastnda dicts.STEP_TYPE_MAP
    26: "CPCV_DChg",
    27: "CPCV_Chg",
}
_CHARGE_START = np.array([1, 7, 9])  # CC_Chg, CCCV_Chg, CP_Chg start a new cycle ...
_CYCLE_ARM = np.array([2, 8, 10, 19, 20, 26, 17])  # ... after any *_DChg state or SIM

# Current range setting (int32 in each ndc v5 record) -> scale of the integer current,
# capacity and energy fields to mA / mA s / mW s (NewareNDA dicts.multiplier_dict).
_RANGE_SCALE: dict[int, float] = {
    -100000000: 10.0,
    **dict.fromkeys(
        (-200000, -100000, -60000, -50000, -40000, -30000, -20000, -12000, -10000),
        1e-2,
    ),
    **dict.fromkeys((-6000, -5000, -3000, -2000, -1000), 1e-2),
    **dict.fromkeys((-500, -100), 1e-3),
    **dict.fromkeys((-50, -25, -20, -10), 1e-4),
    **dict.fromkeys((-5, -2, -1), 1e-5),
    0: 0.0,
    **dict.fromkeys((1, 2, 5), 1e-4),
    **dict.fromkeys((10, 20, 25, 50), 1e-3),
    **dict.fromkeys((100, 200, 250, 500), 1e-2),
    **dict.fromkeys(
        (1000, 6000, 10000, 12000, 20000, 30000, 40000, 50000, 60000, 100000, 200000),
        1e-1,
    ),
}


def _record(itemsize: int, spec: str) -> np.dtype:
    """Structured dtype of a fixed-size record from 'name:type@byte_offset ...'."""
    names, formats, offsets = [], [], []
    for field in spec.split():
        name, rest = field.split(":")
        fmt, off = rest.split("@")
        names.append(name)
        formats.append(fmt)
        offsets.append(int(off))
    return np.dtype({"names": names, "formats": formats, "offsets": offsets, "itemsize": itemsize})


_PAGE = 4096
# rows converted per block where records are picked by an index array (bounds the
# temporaries of a field copy to one block)
_BLOCK = 1 << 16


def _lut(codes: Any) -> np.ndarray:
    """256-entry bool table: True at the given status codes (status bytes index it)."""
    t = np.zeros(256, dtype=bool)
    t[np.fromiter(codes, dtype=np.int64)] = True
    return t


_KNOWN = _lut(STATUS_NAMES)
_IS_CHARGE_START = _lut(_CHARGE_START)
_IS_CYCLE_ARM = _lut(_CYCLE_ARM)


class _UnsupportedError(Exception):
    """A version or record type nakcell does not decode: NewareNDA reads the file."""


class _Sink:
    """Output columns preallocated for ``cap`` rows and filled block by block.

    Replaces per-block parts joined by a concatenation (two copies of every column at the
    end): the columns are written once, in their final dtype, then shrunk in place to the
    rows written (``ndarray.resize`` reallocates without copying when shrinking). Only the
    sink holds the arrays until :meth:`finish`; callers write through fresh slices
    (``sink.cols[name][sink.reserve(m)]``) and keep no view, so resizing is safe.
    """

    def __init__(self, dtypes: dict[str, Any], cap: int) -> None:
        self.cols = {k: np.empty(cap, dtype=dt) for k, dt in dtypes.items()}
        self.cap, self.n = cap, 0

    def reserve(self, m: int) -> slice:
        """The slice of the next ``m`` rows (the columns grow if the estimate was short)."""
        if self.n + m > self.cap:
            self._resize(max(self.n + m, self.cap + self.cap // 2))
        s = slice(self.n, self.n + m)
        self.n += m
        return s

    def _resize(self, cap: int) -> None:
        for a in self.cols.values():
            a.resize(cap, refcheck=False)  # no views exist (see the class docstring)
        self.cap = cap

    def finish(self) -> dict[str, np.ndarray]:
        if self.n < self.cap:
            self._resize(self.n)
        cols, self.cols = self.cols, {}
        return cols


def _count_changes(a: np.ndarray) -> np.ndarray:
    """1 + number of value changes up to each row (NewareNDA utils._count_changes)."""
    return steps_and_starts([a])[0]


def _software_cycle(status: np.ndarray) -> np.ndarray:
    """Cycle number in NewareNDA's default 'chg' mode (utils._generate_cycle_number).

    A cycle starts at the first row of a run of CC/CCCV/CP charge that follows, since the
    previous such run began, at least one discharge-type (*_DChg) or SIM row. Vectorised:
    the cycle increments at a charge-run start when a discharge/SIM row lies between it
    and the previous charge-run start. ``status``: uint8 codes.
    """
    n = len(status)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    is_chg = _IS_CHARGE_START[status]
    pts = np.flatnonzero(is_chg[1:] > is_chg[:-1])  # charge-run starts after row 0
    pts += 1
    if is_chg[0]:
        pts = np.concatenate(([0], pts))
    del is_chg
    out = np.cumsum(_IS_CYCLE_ARM[status], dtype=np.int64)  # out[k] = arm rows <= k

    def armed_before(k: np.ndarray) -> np.ndarray:  # arm rows < k
        return np.where(k > 0, out[k - 1], 0)

    prev = np.concatenate(([0], pts[:-1] + 1))
    inc = armed_before(pts) > armed_before(prev)
    out[:] = 0  # reused for the increments, then their running sum
    out[pts[inc]] = 1
    out[0] = 0
    np.cumsum(out, out=out)
    out += 1
    return out


def _check_status(path: Path, status: np.ndarray) -> None:
    known = _KNOWN[status] if status.dtype == np.uint8 else np.isin(status, _KNOWN.nonzero()[0])
    bad = ~known
    if bool(bad.any()):
        raise _UnsupportedError(f"{path}: status codes {sorted(set(status[bad].tolist()))}")


def _local(dt: datetime) -> str:
    """ISO time in the local zone, as NewareNDA stamps the first record."""
    import pandas as pd

    return pd.Timestamp(dt.astimezone()).isoformat()


def _pick(field: np.ndarray, rows: np.ndarray | slice, dtype: Any) -> np.ndarray:
    """``field[rows]`` as a new array of ``dtype`` (values cast as ``astype`` does); an
    index array is applied a block at a time, so no full-length copy of the field's own
    dtype is made on the way."""
    if isinstance(rows, slice):
        return field[rows].astype(dtype)
    out = np.empty(len(rows), dtype=dtype)
    for a in range(0, len(rows), _BLOCK):
        out[a : a + _BLOCK] = field[rows[a : a + _BLOCK]]
    return out


#: (column, (charge field, discharge field)) of the Neware records' paired counters
COUNTERS = (("capacity", ("qc", "qd")), ("energy", ("ec", "ed")))


def _counter_pair(
    q: np.ndarray, d: np.ndarray, combined: bool, out: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray | None]:
    """A charge and a discharge counter in mA s (mW s) -> mAh (mWh), in place: with
    ``combined``, (|charge| + |discharge|, None), written into ``out`` when given; else the
    two counters."""
    q /= 3600.0
    d /= 3600.0
    if not combined:
        return q, d
    np.abs(q, out=q)
    return np.add(q, np.abs(d, out=d), out=q if out is None else out), None


def _range_scale(rng: np.ndarray) -> float | np.ndarray | None:
    """Scale of each record's integer current, capacity and energy from its current range
    (one number when all records share a range); None for a range not in the table."""
    if not len(rng):
        return 1.0
    r0 = int(rng[0])
    if bool(np.all(rng == r0)):
        return _RANGE_SCALE.get(r0)
    uniq = np.unique(rng)
    if not all(int(u) in _RANGE_SCALE for u in uniq):
        return None
    return np.array([_RANGE_SCALE[int(u)] for u in uniq])[np.searchsorted(uniq, rng)]
