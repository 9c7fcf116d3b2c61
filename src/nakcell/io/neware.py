"""Neware .nda (binary) and .ndax (zip of XML + binary .ndc) files.

nakcell decodes the common versions itself, vectorised with numpy structured dtypes
(``meta['reader'] == 'nakcell'``):

- .nda version 130 (byte 14 of the 'NEWARE' header), BTS 9.0 (88-byte records from
  offset 1024) and BTS 9.1 (records from offset 1024 starting with 0x55; length = distance
  to the next record with the same first two bytes);
- .ndax whose data.ndc is ndc version 5 / file type 1 (4096-byte pages, 45 87-byte records
  each), or ndc version 17 with data.ndc (type 1: voltage/current pairs),
  data_runInfo.ndc (type 18: times, capacities, energies) and data_step.ndc (type 7:
  cycle, step index, status).

Every other version or record type (.nda 29, other ndc versions, unknown current ranges
or status codes, ragged pages) is read with NewareNDA (``meta['reader'] ==
'NewareNDA'``), which the columns equal wherever both decode a file.

The record layouts are those documented by NewareNDA (BSD-3, D. Cogswell / SES AI,
https://github.com/Solid-Energy-Systems/NewareNDA, NewareNDA.py and NewareNDAx.py);
the code here is our own. NewareNDA conventions kept so the tidy table is unchanged:
'Step' counts step-index changes, 'Cycle' is regenerated in NewareNDA's "charge first"
mode (:func:`_software_cycle`), rows of an .nda are de-duplicated and ordered by record
index, and gaps in v17 runInfo are filled as NewareNDA's ``_data_interpolation`` does.

Test time is built from the step time 'Time' (see :func:`_test_time`), not from the
wall-clock 'Timestamp', which jumps when the wall clock or a paused channel does.

Memory: a read peaks at 1.2-1.8x the returned table (tracemalloc,
benchmarks/bench_data_readers.py). The .nda map and the .ndc pages are viewed, not copied;
every column is written once, in its final dtype, into a preallocated array
(:class:`_Sink`) or copied out of the map field by field; the ndc v17 join is done on one
value per runInfo run; the table takes the arrays without copying them.
"""

from __future__ import annotations

import contextlib
import mmap
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from nakcell.io._guard import file_errors, require
from nakcell.io.table import (
    REST,
    CyclerData,
    build_table,
    run_lengths,
    step_starts,
    step_type_from_current,
    steps_and_starts,
)

# Status byte -> state name (NewareNDA dicts.state_dict).
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
    19: "CV_DChg",
    20: "CCCV_DChg",
    21: "Control",
    22: "OCV",
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


# .nda v130 BTS 9.0 record (88 bytes; a 4-byte prefix then the fields NewareNDA reads at
# +5 step index, +6 status, +12 index, +24 step time in us, +32 V, +36 mA, +48.. charge
# capacity, charge energy, discharge capacity, discharge energy in mA s / mW s, +64
# wall clock in us since the epoch). A data record starts with the same 6 bytes as the
# one at offset 1024; 0x81 in byte 0 ends the data.
_BTS90 = _record(
    88,
    "step_index:u1@9 status:u1@10 index:<u4@16 time_us:<u8@28 v:<f4@36 i:<f4@40"
    " qc:<f4@52 ec:<f4@56 qd:<f4@60 ed:<f4@64 date_us:<u8@68",
)
# .nda v130 BTS 9.1 record (byte 0 = 0x55): +2 step index, +3 status, +8 index, +12 time
# s, +16 time ns, +20 mA, +24 V, +28 signed capacity, +32 signed energy (mA s / mW s,
# positive on charge), +44 wall clock s, +48 ns.
_BTS91_FIELDS = (
    "tag:u1@0 step_index:u1@2 status:u1@3 index:<u4@8 t_s:<u4@12 t_ns:<u4@16 i:<f4@20"
    " v:<f4@24 q:<f4@28 e:<f4@32 date_s:<u4@44 date_ns:<u4@48"
)
# ndc v5 type 1: 87-byte records at offset 125 of each 4096-byte page (45 per page, the
# last 56 bytes unused); byte 7 = 0x55 marks data. +8 index, +16 step index, +17
# status, +23 step time ms (u64), +31 V*1e4, +35 current, +43.. charge/discharge
# capacity and energy (int64, times the range scale in mA s / mW s), +75 date
# (u16 year, u8 month, day, hour, minute, second), +82 current range.
_NDC5 = _record(
    87,
    "tag:u1@7 index:<u4@8 step_index:u1@16 status:u1@17 time_ms:<u8@23 v:<i4@31 i:<i4@35"
    " qc:<i8@43 qd:<i8@51 ec:<i8@59 ed:<i8@67 year:<u2@75 month:u1@77 day:u1@78"
    " hour:u1@79 minute:u1@80 second:u1@81 range:<i4@82",
)
# ndc v17: after a 4096-byte header, 4096-byte pages with a 132-byte page header.
# type 1: float32 (V, A) pairs in bytes 132..4092; the record index is the pair's
# position + 1 and V == 0 marks an empty slot.
# type 18 (runInfo): 100-byte records in bytes 132..4032: +0 step time ms (i32), +5..
# charge/discharge capacity, charge/discharge energy (f32, Ah / Wh), +29 dt ms, +33 unix
# time s, +37 step, +41 index (0 = empty), +45 ms (i16).
_NDC17_VI = np.dtype([("v", "<f4"), ("i", "<f4")])
_NDC17_RUN = _record(
    100,
    "time_ms:<i4@0 qc:<f4@5 qd:<f4@9 ec:<f4@13 ed:<f4@17 dt_ms:<i4@29 unix:<i4@33"
    " step:<i4@37 index:<i4@41 msec:<i2@45",
)
# type 7 (step): 100-byte records in bytes 132..4032: +0 cycle (0-based), +4 step index,
# +24 status (i8), +33 index (0 = empty).
_NDC17_STEP = _record(100, "cycle:<i4@0 step_index:<i4@4 status:i1@24 index:<i4@33")
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


def read_nda(path: Path) -> CyclerData:
    """Read a Neware .nda file (v130 decoded here, other versions through NewareNDA)."""
    return _read(path, "neware_nda", "Neware .nda file")


def read_ndax(path: Path) -> CyclerData:
    """Read a Neware .ndax file (ndc v5 and v17 decoded here, others through NewareNDA)."""
    return _read(path, "neware_ndax", "Neware .ndax file")


def _read(path: Path, fmt: str, what: str) -> CyclerData:
    path = Path(path)
    # the .ndax XML first, while nothing else is held: its parse then adds nothing to the
    # read's peak memory
    extra = _ndax_meta(path) if fmt == "neware_ndax" else {}
    with file_errors(path, what):
        try:
            decode = decode_nda if fmt == "neware_nda" else decode_ndax
            cols = decode(path, combined=True)
            meta: dict[str, Any] = {"instrument": "Neware", "reader": "nakcell"}
            if cols.get("start_time"):
                meta["start_time"] = cols["start_time"]
            table = _table_from_columns(cols)
        except _UnsupportedError:
            table, meta = _read_newarenda(path, what)
    meta.update(extra)
    return CyclerData(table, fmt, str(path), meta)


def _read_newarenda(path: Path, what: str) -> tuple[Any, dict[str, Any]]:
    import NewareNDA

    df = NewareNDA.read(str(path))
    require(len(df) > 0, path, f"{what} with no data records")
    cols = {
        "step": df["Step"].to_numpy(np.int64),
        "time": df["Time"].to_numpy(np.float64),
        "current": df["Current(mA)"].to_numpy(np.float64),
        "voltage": df["Voltage"].to_numpy(np.float64),
        "cycle": df["Cycle"].to_numpy(np.int64),
        "rest": df["Status"].astype(str).str.contains("Rest").to_numpy(),
        "capacity": np.abs(df["Charge_Capacity(mAh)"].to_numpy(np.float64))
        + np.abs(df["Discharge_Capacity(mAh)"].to_numpy(np.float64)),
        "energy": np.abs(df["Charge_Energy(mWh)"].to_numpy(np.float64))
        + np.abs(df["Discharge_Energy(mWh)"].to_numpy(np.float64)),
    }
    meta: dict[str, Any] = {"instrument": "Neware", "reader": "NewareNDA"}
    ts = df["Timestamp"].iloc[0] if "Timestamp" in df else None
    if ts is not None and str(ts) != "NaT":
        meta["start_time"] = ts.isoformat()
    del df
    return _table_from_columns(cols), meta


def _table_from_columns(cols: dict[str, Any]) -> Any:
    """Tidy table from decoded columns (mA, mAh, mWh, step time s); consumes ``cols``.

    'step' may be any array that changes exactly where the step count changes (the
    decoders pass the one-byte step index where that holds).
    """
    _combine(cols)
    cols.pop("start_time", None)
    current = cols.pop("current")
    current *= 1e-3  # mA -> A, in place: the decoded array is ours
    st = step_type_from_current(current)
    rest = cols.pop("rest") if "rest" in cols else cols.pop("status") == 4  # 4 = Rest
    st[rest] = REST
    del rest
    step_id = cols.pop("step")
    time_s = _test_time(cols.pop("time"), step_id)
    cap = cols.pop("capacity")
    cap *= 1e-3
    en = cols.pop("energy")
    en *= 1e-3
    return build_table(
        time_s=time_s,
        current_A=current,
        voltage_V=cols.pop("voltage"),
        cycle=cols.pop("cycle"),
        instrument_step=step_id,
        step_type=st,
        capacity_Ah=cap,
        energy_Wh=en,
    )


def _test_time(time: np.ndarray, step_id: np.ndarray) -> np.ndarray:
    """Test time from NewareNDA's 'Time'.

    Depending on the file version 'Time' is either the test time (never decreasing) or the
    step time (restarting at each step); in the latter case each step's clock is offset by
    the durations of the steps before it.
    """
    if len(time) < 2 or not bool(np.any(time[1:] < time[:-1] - 1e-3)):
        return time
    starts = step_starts(step_id)
    ends = np.r_[starts[1:] - 1, len(step_id) - 1]
    offsets = np.r_[0.0, np.cumsum(time[ends])[:-1]]
    time += np.repeat(offsets, run_lengths(starts, len(step_id)))
    return time


# ---------------------------------------------------------------------------- helpers


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


# ---------------------------------------------------------------------------- .nda


def decode_nda(path: Path, combined: bool = False) -> dict[str, Any]:
    """Decode a v130 .nda into NewareNDA-unit columns (s, V, mA, mAh, mWh).

    Keys: index, step_index, status, step, cycle, time (step time, s), voltage, current,
    charge_capacity, discharge_capacity, charge_energy, discharge_energy, start_time.
    With ``combined`` only what the tidy table needs is kept, capacity and energy as
    |charge| + |discharge| (mAh, mWh), status as uint8 and, as 'step', the one-byte step
    index (it changes where the step count does). Raises :class:`_UnsupportedError` for
    versions not decoded here (the caller then uses NewareNDA).
    """
    with open(path, "rb") as fh:
        size = fh.seek(0, 2)
        require(size >= 6, path, "not a Neware .nda file (shorter than its 'NEWARE' magic)")
        mm = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
    try:
        require(mm[:6] == b"NEWARE", path, "not a Neware .nda file (no 'NEWARE' magic)")
        require(size > 1026, path, "Neware .nda file truncated inside its header", "byte 1024")
        if mm[14] != 130:
            raise _UnsupportedError(f"nda version {mm[14]}")
        decode = _nda_bts91 if mm[1024] == 0x55 else _nda_bts90
        cols = decode(path, mm, combined)
    finally:
        with contextlib.suppress(BufferError):  # a view kept by a traceback: closed when freed
            mm.close()
    cols["cycle"] = _software_cycle(cols["status"])
    if not combined:
        cols["status"] = cols["status"].astype(np.int64)
    return cols


def _nda_rows(
    path: Path, rec: np.ndarray, rows: np.ndarray, combined: bool
) -> tuple[dict[str, Any], np.ndarray | slice]:
    """Status, index and step of the data records ``rows`` of ``rec``, NewareNDA's way:
    repeated record indices dropped (first kept), rows ordered by index. Returns the
    columns and the rows (an index array, or a slice when they are all the records)."""
    require(len(rows) > 0, path, "Neware .nda file with no data records")
    sel: np.ndarray | slice = rows
    if rows[-1] == len(rows) - 1:  # every record, in order: a slice, no index array
        sel = slice(0, len(rows))
    del rows
    _check_status(path, rec["status"][sel])
    idx = rec["index"][sel]
    if len(idx) > 1 and not bool(np.all(idx[1:] > idx[:-1])):
        _, keep = np.unique(idx, return_index=True)
        sel = keep if isinstance(sel, slice) else sel[keep]
    del idx
    step_index = _pick(rec["step_index"], sel, np.uint8)
    cols: dict[str, Any] = {"status": _pick(rec["status"], sel, np.uint8)}
    if combined:
        cols["step"] = step_index  # changes where the step count does
    else:
        cols["index"] = _pick(rec["index"], sel, np.int64)
        cols["step_index"] = step_index.astype(np.int64)
        cols["step"] = _count_changes(step_index)
    return cols, sel


def _nda_bts90(path: Path, mm: mmap.mmap, combined: bool) -> dict[str, Any]:
    n = (len(mm) - 1024) // _BTS90.itemsize
    ident = np.frombuffer(mm[1024:1030], dtype=np.uint8)
    raw = np.frombuffer(mm, dtype=np.uint8, count=n * 88, offset=1024).reshape(n, 88)
    try:
        ends = np.flatnonzero(raw[:, 0] == 0x81)
        if len(ends):
            n = int(ends[0])
        if bool(np.any(raw[:n, 0] == 0x55)):
            raise _UnsupportedError("BTS 9.0 .nda with 0x55 records")
        rows = np.flatnonzero(np.all(raw[:n, :6] == ident, axis=1))
    finally:
        del raw
    rec = np.frombuffer(mm, dtype=_BTS90, count=n, offset=1024)
    start_time = None
    if len(rows):
        first = int(rec["date_us"][rows[0]])
        require(first < 2**62, path, "Neware .nda record with an impossible time stamp")
        start_time = _local(datetime.fromtimestamp(first / 1e6, UTC))
    cols, sel = _nda_rows(path, rec, rows, combined)
    del rows
    t = _pick(rec["time_us"], sel, np.float64)
    t /= 1e6
    cols["time"] = t
    cols["voltage"] = _pick(rec["v"], sel, np.float64)
    cols["current"] = _pick(rec["i"], sel, np.float64)
    # float32 mA s / mW s -> mAh / mWh in float32, as NewareNDA's columns are
    for kind, (chg, dchg) in (("capacity", ("qc", "qd")), ("energy", ("ec", "ed"))):
        a = _pick(rec[chg], sel, np.float32)
        a /= 3600.0
        b = _pick(rec[dchg], sel, np.float32)
        b /= 3600.0
        if combined:
            np.abs(a, out=a)
            a += np.abs(b, out=b)
            cols[kind] = a
        else:
            cols[f"charge_{kind}"], cols[f"discharge_{kind}"] = a, b
        del a, b
    if start_time is not None:
        cols["start_time"] = start_time
    return cols


def _nda_bts91(path: Path, mm: mmap.mmap, combined: bool) -> dict[str, Any]:
    nxt = mm.find(mm[1024:1026], 1026)
    require(nxt != -1, path, "Neware .nda (BTS 9.1) with a single record", "byte 1024")
    reclen = nxt - 1024
    if reclen < 52:
        raise _UnsupportedError(f"BTS 9.1 record length {reclen}")
    n = (len(mm) - 1024) // reclen
    dt = _record(reclen, _BTS91_FIELDS)
    rec = np.frombuffer(mm, dtype=dt, count=n, offset=1024)
    tag = rec["tag"]
    ends = np.flatnonzero(tag == 0x81)  # as in BTS 9.0: a 0x81 record ends the data
    rows = np.flatnonzero(tag[: ends[0] if len(ends) else n] == 0x55)
    del tag
    start_time = None
    if len(rows):
        secs = int(rec["date_s"][rows[0]]) + 1e-9 * int(rec["date_ns"][rows[0]])
        start_time = _local(datetime.fromtimestamp(secs, UTC))
    cols, sel = _nda_rows(path, rec, rows, combined)
    del rows
    t = _pick(rec["t_ns"], sel, np.float64)
    t *= 1e-9
    t += _pick(rec["t_s"], sel, np.float64)
    cols["time"] = t
    del t
    cols["voltage"] = _pick(rec["v"], sel, np.float64)
    cols["current"] = _pick(rec["i"], sel, np.float64)
    # signed capacity / energy (positive on charge): charge = max(x, 0), discharge =
    # max(-x, 0), so |charge| + |discharge| = |x| (NaN counted as 0, as the split does)
    for kind, field in (("capacity", "q"), ("energy", "e")):
        x = _pick(rec[field], sel, np.float64)
        x /= 3600.0
        if combined:
            np.abs(x, out=x)
            x[np.isnan(x)] = 0.0
            cols[kind] = x
        else:
            cols[f"charge_{kind}"] = np.where(x > 0, x, 0.0)
            cols[f"discharge_{kind}"] = np.where(x < 0, -x, 0.0)
        del x
    if start_time is not None:
        cols["start_time"] = start_time
    return cols


# ---------------------------------------------------------------------------- .ndax


def decode_ndax(path: Path, combined: bool = False) -> dict[str, Any]:
    """Decode an .ndax (ndc v5, or v17 data + runInfo + step) into NewareNDA-unit columns.

    Members are streamed from the zip a few pages at a time (nothing is extracted to
    disk, no member is held whole) and decoded straight into preallocated columns. Same
    keys as :func:`decode_nda` (and, with ``combined``, the same reduced set). Raises
    :class:`_UnsupportedError` for versions not decoded here.
    """
    # the file unbuffered: zipfile reads its blocks itself, and an 8 KiB buffer is a tenth
    # of a small file's table
    with open(path, "rb", buffering=0) as raw, zipfile.ZipFile(raw) as zf:
        names = set(zf.namelist())
        if "data.ndc" not in names:
            raise _UnsupportedError("no data.ndc")
        ftype, ver = _ndc_kind(path, zf, "data.ndc")
        split = {"data_runInfo.ndc", "data_step.ndc"} <= names
        if ver == 5 and ftype == 1 and not split:
            cols = _ndc5(path, zf, combined)
            require(len(cols["time"]) > 0, path, "Neware .ndax file with no data records")
            _check_status(path, cols["status"])
            cols["cycle"] = _software_cycle(cols["status"])
            if not combined:
                cols["status"] = cols["status"].astype(np.int64)
        elif ver == 17 and ftype == 1 and split:
            data = _ndc17_data(path, zf)
            for member, ft in (("data_runInfo.ndc", 18), ("data_step.ndc", 7)):
                if _ndc_kind(path, zf, member) != (ft, 17):
                    raise _UnsupportedError(f"{member}: not ndc v17 type {ft}")
            # runInfo / step: 100-byte records, one per logged interval / step (index 0 = empty)
            run = _records(path, zf, "data_runInfo.ndc", 132, 39, _NDC17_RUN, "index", None)
            steps = _records(path, zf, "data_step.ndc", 132, 39, _NDC17_STEP, "index", None)
            cols, status, lengths = _ndc17_merge(path, data, run, steps, combined)
            del data, run
            _check_status(path, status)  # the codes of the rows: one per runInfo run
            status = status.astype(np.uint8)  # known codes, all < 256
            # status is constant over each run, so the cycle rule gives the same answer
            # run by run as row by row (the rule only looks at status changes)
            cols["cycle"] = np.repeat(_software_cycle(status), lengths)
            cols["status"] = np.repeat(status if combined else status.astype(np.int64), lengths)
        else:
            raise _UnsupportedError(f"ndc version {ver} file type {ftype}")
    return cols


def _combine(cols: dict[str, Any]) -> dict[str, Any]:
    """Keep only what the tidy table needs; capacity = |charge| + |discharge| (same for
    energy), computed in place."""
    for unused in ("index", "step_index"):
        cols.pop(unused, None)
    for kind in ("capacity", "energy"):
        if kind not in cols:
            a = np.abs(cols.pop(f"charge_{kind}"))
            a += np.abs(cols.pop(f"discharge_{kind}"))
            cols[kind] = a
    return cols


def _ndc_kind(path: Path, zf: zipfile.ZipFile, member: str) -> tuple[int, int]:
    """(file type, ndc version): bytes 0 and 2 of an .ndc member."""
    with zf.open(member) as fh:
        head = fh.read(3)
    require(len(head) == 3, path, f"Neware .ndax {member} shorter than its header")
    return head[0], head[2]


def _n_pages(zf: zipfile.ZipFile, member: str) -> int:
    """Pages after the header of an .ndc member, from its size in the zip directory: a
    preallocation estimate only. A damaged size cannot ask for much: it is capped at 16x
    the compressed size plus 16 pages (the shared files compress 2-36x; sparse members
    hold few records), and the columns grow if the member holds more."""
    info = zf.getinfo(member)
    size = min(info.file_size, 16 * info.compress_size + 16 * _PAGE)
    return max(0, size - _PAGE) // _PAGE


def _page_records(
    path: Path, zf: zipfile.ZipFile, member: str, start: int, per_page: int, dtype: np.dtype
) -> Any:
    """Yield the records packed ``per_page`` to a page from byte ``start`` of the 4096-byte
    pages after an .ndc member's 4096-byte header, as (pages, per_page) arrays of
    ``dtype`` viewing the bytes read (no copy).

    Pages are read a few at a time, fewer for small members: the zip stream's own buffers
    (zlib's 32 KiB window and about three read sizes) are then the fixed part of the read's
    peak memory, and the per-block numpy calls stay few for large members.
    """
    chunk = max(1, min(16, _n_pages(zf, member) // 64))
    with zf.open(member) as fh:
        head = fh.read(_PAGE)
        require(len(head) == _PAGE, path, f"Neware .ndax {member} shorter than its header")
        del head
        while buf := fh.read(chunk * _PAGE):
            if len(buf) % _PAGE:
                raise _UnsupportedError(f"{member}: partial page")
            shape, strides = (len(buf) // _PAGE, per_page), (_PAGE, dtype.itemsize)
            yield np.ndarray(shape, dtype=dtype, buffer=buf, offset=start, strides=strides)


def _records(
    path: Path,
    zf: zipfile.ZipFile,
    member: str,
    start: int,
    per_page: int,
    dtype: np.dtype,
    key: str,
    value: int | None,
) -> dict[str, np.ndarray]:
    """Fields of the records packed ``per_page`` to a page from byte ``start`` whose
    ``key`` field equals ``value`` (or, for None, is non-zero); one array per field."""
    names = dtype.names or ()
    sink = _Sink({f: dtype[f] for f in names}, _n_pages(zf, member) * per_page)
    for rec in _page_records(path, zf, member, start, per_page, dtype):
        sel = np.nonzero(rec[key] != 0 if value is None else rec[key] == value)
        s = sink.reserve(len(sel[0]))
        for f in names:
            sink.cols[f][s] = rec[f][sel]
    return sink.finish()


def _ndc5(path: Path, zf: zipfile.ZipFile, combined: bool) -> dict[str, Any]:
    """ndc v5 data.ndc (records with byte 7 = 0x55), decoded page block by page block
    into the output columns: status and step index (uint8), time (s), V, mA and
    capacity / energy (mAh, mWh; combined: |charge| + |discharge|)."""
    out: dict[str, Any] = {"status": np.uint8, "step_index": np.uint8}
    out |= dict.fromkeys(("time", "voltage", "current"), np.float64)
    if combined:
        out |= dict.fromkeys(("capacity", "energy"), np.float64)
    else:
        out["index"] = np.int64
        for kind in ("capacity", "energy"):
            out |= dict.fromkeys((f"charge_{kind}", f"discharge_{kind}"), np.float64)
    sink = _Sink(out, _n_pages(zf, "data.ndc") * 45)
    o = sink.cols
    date: dict[str, int] | None = None
    unknown_range = False
    for rec in _page_records(path, zf, "data.ndc", 125, 45, _NDC5):
        r = rec[rec["tag"] == 0x55]  # the data records of these pages (a copy of them)
        if unknown_range or not len(r):
            continue  # the rest of the member is still read: a damaged page is an error
        scale = _ndc5_scale(r["range"])
        if scale is None:
            unknown_range = True
            continue
        if date is None:
            date = {k: int(r[k][0]) for k in ("year", "month", "day", "hour", "minute", "second")}
        s = sink.reserve(len(r))
        o["status"][s] = r["status"]
        o["step_index"][s] = r["step_index"]
        if not combined:
            o["index"][s] = r["index"]
        np.divide(r["time_ms"], 1000.0, out=o["time"][s])
        np.divide(r["v"], 10000.0, out=o["voltage"][s])
        np.multiply(r["i"], scale, out=o["current"][s])
        for kind, (chg, dchg) in (("capacity", ("qc", "qd")), ("energy", ("ec", "ed"))):
            q = r[chg] * scale
            q /= 3600.0  # mA s -> mAh
            d = r[dchg] * scale
            d /= 3600.0
            if combined:
                np.abs(q, out=q)
                np.add(q, np.abs(d, out=d), out=o[kind][s])
            else:
                o[f"charge_{kind}"][s], o[f"discharge_{kind}"][s] = q, d
    del o
    if unknown_range:
        raise _UnsupportedError("unknown current range")
    cols: dict[str, Any] = sink.finish()
    step_index = cols.pop("step_index")
    if combined:
        cols["step"] = step_index  # changes where the step count does
    else:
        cols["step_index"] = step_index.astype(np.int64)
        cols["step"] = _count_changes(step_index)
    if date is not None:
        try:
            t0 = datetime(**date)
        except ValueError as exc:
            raise _UnsupportedError(f"first record date: {exc}") from exc
        import pandas as pd

        cols["start_time"] = pd.Timestamp(t0).isoformat()
    return cols


def _ndc5_scale(rng: np.ndarray) -> float | np.ndarray | None:
    """Scale of each record's integer current, capacity and energy from its current range
    (one number when the block has a single range); None for a range not in the table."""
    r0 = int(rng[0])
    if bool(np.all(rng == r0)):
        return _RANGE_SCALE.get(r0)
    uniq = np.unique(rng)
    if not all(int(u) in _RANGE_SCALE for u in uniq):
        return None
    return np.array([_RANGE_SCALE[int(u)] for u in uniq])[np.searchsorted(uniq, rng)]


def _ndc17_data(path: Path, zf: zipfile.ZipFile) -> dict[str, np.ndarray]:
    """index, V, mA of the non-empty (V != 0) slots of a v17 type-1 data.ndc: float32
    (V, A) pairs in bytes 132..4092 of each page, index = position + 1."""
    sink = _Sink(
        {"index": np.int64, "voltage": np.float64, "current": np.float64},
        _n_pages(zf, "data.ndc") * ((_PAGE - 4 - 132) // 8),
    )
    o = sink.cols
    n = 0
    for vi in _page_records(path, zf, "data.ndc", 132, (_PAGE - 4 - 132) // 8, _NDC17_VI):
        nonempty = vi["v"] != 0
        keep = np.flatnonzero(nonempty)
        s = sink.reserve(len(keep))
        np.add(keep, n + 1, out=o["index"][s])
        o["voltage"][s] = vi["v"][nonempty]
        o["current"][s] = vi["i"][nonempty]
        o["current"][s] *= 1000.0  # A -> mA (in float64)
        n += vi.size
    del o
    return sink.finish()


def _ndc17_merge(
    path: Path, data: dict, run: dict, steps: dict, combined: bool
) -> tuple[dict[str, Any], np.ndarray, np.ndarray]:
    """Join data (V, I per record index) with runInfo and step as NewareNDA does.

    runInfo left-joined on record index, its step forward-filled, then the step table
    joined on step; rows without runInfo filled as NewareNDA's _data_interpolation does.
    Works run by run: a run is a data row with runInfo and the rows after it without, so
    runInfo values are expanded with ``np.repeat`` and no per-row join index is built.
    Consumes ``data``. Returns the columns, the status of each run (step table codes) and
    the run lengths.
    """
    index = data.pop("index")
    voltage, current = data.pop("voltage"), data.pop("current")
    run_step = _count_changes(run["step"])  # NewareNDA counts changes before de-duplicating
    r_idx = run["index"]
    if not (len(r_idx) > 1 and bool(np.all(r_idx[1:] > r_idx[:-1]))):
        r_idx, first = np.unique(r_idx, return_index=True)  # first of repeated indices
        for f in list(run):
            run[f] = run[f][first]
        run_step = run_step[first]
        del first
    require(len(index) > 0, path, "Neware .ndax data.ndc with no records")
    require(len(r_idx) > 0, path, "Neware .ndax data_runInfo.ndc with no records")

    # data rows whose index has a runInfo row (index and r_idx are both increasing)
    n = len(index)
    pos = np.searchsorted(index, r_idx)
    np.minimum(pos, n - 1, out=pos)
    found = index[pos] == r_idx
    del index
    hits = pos[found]  # first row of each run
    src = np.flatnonzero(found)  # its runInfo row
    del pos, found
    if not len(hits) or hits[0] != 0:
        raise _UnsupportedError("first data record has no runInfo")
    lengths = np.diff(hits, append=n)

    def rows(a: np.ndarray) -> np.ndarray:  # one value per run -> one per data row
        return np.repeat(a, lengths)

    step = run_step[src]
    require(
        bool(np.all(step <= len(steps["index"]))),
        path,
        "Neware .ndax runInfo refers to a step missing from data_step.ndc",
    )
    step -= 1
    status = steps["status"][step]
    cols: dict[str, Any] = {}
    if not combined:
        cols["step_index"] = rows(steps["step_index"][step].astype(np.int64))
    step += 1
    cols["step"] = rows(step)
    time = rows(run["time_ms"][src] / 1000.0)
    gaps = len(hits) != n
    if gaps:
        # time continues from the last runInfo row by its dt per row (NewareNDA
        # _data_interpolation); capacity and energy by dt * I and dt * I * V per row
        dq = rows(run["dt_ms"][src] / 1000.0)  # dt (s), then dt * I / 3600
        rows_since = np.arange(n, dtype=np.float64)
        rows_since -= rows(hits)
        rows_since *= dq
        time += rows_since
        del rows_since
        dq *= current
        dq /= 3600.0
        dq[hits] = 0.0
        dq_sum = _since_last(dq, hits, lengths)
        dq *= voltage
        de_sum = _since_last(dq, hits, lengths, out=dq)
        del dq
    cols["time"] = time
    del time
    for name, field in (
        ("charge_capacity", "qc"),
        ("discharge_capacity", "qd"),
        ("charge_energy", "ec"),
        ("discharge_energy", "ed"),
    ):
        a = rows(run[field][src].astype(np.float64) * 1000.0)  # Ah, Wh -> mAh, mWh
        if gaps:
            np.abs(a, out=a)
            inc = dq_sum if name.endswith("capacity") else de_sum
            clip = np.negative(inc) if name.startswith("discharge") else inc.copy()
            a += np.clip(clip, 0, None, out=clip)
            del clip, inc
            if name == "discharge_capacity":
                del dq_sum
        if combined:
            kind = "capacity" if name.endswith("capacity") else "energy"
            if kind in cols:
                np.abs(cols[kind], out=cols[kind])
                cols[kind] += np.abs(a, out=a)
            else:
                cols[kind] = a
        else:
            cols[name] = a
        del a
    cols["voltage"] = voltage
    cols["current"] = current
    secs = int(run["unix"][src[0]]) + int(run["msec"][src[0]]) / 1000.0
    cols["start_time"] = _local(datetime.fromtimestamp(secs, UTC))
    return cols, status, lengths


def _since_last(
    x: np.ndarray, hits: np.ndarray, lengths: np.ndarray, out: np.ndarray | None = None
) -> np.ndarray:
    """Sum of ``x`` over the rows after the run's first row up to each row (``out`` may
    be ``x``)."""
    c = np.cumsum(x, out=out)
    c -= np.repeat(c[hits], lengths)
    return c


def _ndax_meta(path: Path) -> dict[str, Any]:
    """Channel and procedure name from the .ndax XML, where present (never fails the read:
    a missing or malformed TestInfo gives no entries)."""
    import NewareNDA

    out: dict[str, Any] = {}
    try:
        md = NewareNDA.read_metadata(str(path))
        info = (md.get("TestInfo") or {}).get("TestInfo") or {}
        if "ChlID" in info:
            out["channel"] = str(info["ChlID"])
        if "StepName" in info:
            out["procedure"] = str(info["StepName"])
    except Exception:
        return {}
    return out
