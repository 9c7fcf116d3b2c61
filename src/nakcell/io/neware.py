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
from nakcell.io.table import REST, CyclerData, build_table, step_starts, step_type_from_current

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
_NDC17_RUN = _record(
    100,
    "time_ms:<i4@0 qc:<f4@5 qd:<f4@9 ec:<f4@13 ed:<f4@17 dt_ms:<i4@29 unix:<i4@33"
    " step:<i4@37 index:<i4@41 msec:<i2@45",
)
# type 7 (step): 100-byte records in bytes 132..4032: +0 cycle (0-based), +4 step index,
# +24 status (i8), +33 index (0 = empty).
_NDC17_STEP = _record(100, "cycle:<i4@0 step_index:<i4@4 status:i1@24 index:<i4@33")
_PAGE = 4096


class _Rows:
    """Selected rows of a structured record view, copied out one field at a time.

    Indexing the record array itself would copy whole records (up to 100 bytes each);
    here only the fields asked for are copied, as compact arrays.
    """

    def __init__(self, rec: np.ndarray, rows: np.ndarray) -> None:
        self.rec, self.rows = rec, rows

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, field: str) -> np.ndarray:
        return self.rec[field][self.rows]

    def first(self, field: str) -> Any:
        return self.rec[field][self.rows[0]]


class _UnsupportedError(Exception):
    """A version or record type nakcell does not decode: NewareNDA reads the file."""


def read_nda(path: Path) -> CyclerData:
    """Read a Neware .nda file (v130 decoded here, other versions through NewareNDA)."""
    return _read(path, "neware_nda", "Neware .nda file")


def read_ndax(path: Path) -> CyclerData:
    """Read a Neware .ndax file (ndc v5 and v17 decoded here, others through NewareNDA)."""
    return _read(path, "neware_ndax", "Neware .ndax file")


def _read(path: Path, fmt: str, what: str) -> CyclerData:
    path = Path(path)
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
    if fmt == "neware_ndax":
        meta.update(_ndax_meta(path))
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
    """Tidy table from decoded columns (mA, mAh, mWh, step time s); consumes ``cols``."""
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
    lengths = np.diff(np.r_[starts, len(step_id)])
    time += np.repeat(offsets, lengths)
    return time


# ---------------------------------------------------------------------------- helpers


def _count_changes(a: np.ndarray) -> np.ndarray:
    """1 + number of value changes up to each row (NewareNDA utils._count_changes)."""
    out = np.ones(len(a), dtype=np.int64)
    if len(a) > 1:
        np.cumsum(a[1:] != a[:-1], out=out[1:])
        out[1:] += 1
    return out


def _software_cycle(status: np.ndarray) -> np.ndarray:
    """Cycle number in NewareNDA's default 'chg' mode (utils._generate_cycle_number).

    A cycle starts at the first row of a run of CC/CCCV/CP charge that follows, since the
    previous such run began, at least one discharge-type (*_DChg) or SIM row. Vectorised:
    the cycle increments at a charge-run start when a discharge/SIM row lies between it
    and the previous charge-run start.
    """
    n = len(status)
    is_chg = np.isin(status, _CHARGE_START)
    start = is_chg.copy()
    start[1:] &= ~is_chg[:-1]
    arm = np.isin(status, _CYCLE_ARM)
    armed_before = np.concatenate(([0], np.cumsum(arm, dtype=np.int64)))  # arm rows < k
    pts = np.flatnonzero(start)
    prev = np.concatenate(([0], pts[:-1] + 1))
    inc = np.zeros(n, dtype=np.int64)
    inc[pts] = armed_before[pts] > armed_before[prev]
    if len(pts) and pts[0] == 0:
        inc[0] = 0
    return 1 + np.cumsum(inc)


def _check_status(path: Path, status: np.ndarray) -> None:
    known = np.fromiter(STATUS_NAMES, dtype=np.int64)
    if not bool(np.all(np.isin(status, known))):
        raise _UnsupportedError(f"{path}: status codes {sorted(set(status.tolist()) - set(known))}")


def _local(dt: datetime) -> str:
    """ISO time in the local zone, as NewareNDA stamps the first record."""
    import pandas as pd

    return pd.Timestamp(dt.astimezone()).isoformat()


# ---------------------------------------------------------------------------- .nda


def decode_nda(path: Path, combined: bool = False) -> dict[str, Any]:
    """Decode a v130 .nda into NewareNDA-unit columns (s, V, mA, mAh, mWh).

    Keys: index, step_index, status, step, cycle, time (step time, s), voltage, current,
    charge_capacity, discharge_capacity, charge_energy, discharge_energy, start_time.
    With ``combined`` only what the tidy table needs is kept, capacity and energy as
    |charge| + |discharge| (mAh, mWh). Raises :class:`_UnsupportedError` for versions not
    decoded here (the caller then uses NewareNDA).
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
        cols = _nda_bts91(path, mm) if mm[1024] == 0x55 else _nda_bts90(path, mm)
    finally:
        with contextlib.suppress(BufferError):  # a view kept by a traceback: closed when freed
            mm.close()
    require(len(cols["index"]) > 0, path, "Neware .nda file with no data records")
    _check_status(path, cols["status"])
    # NewareNDA: drop repeated record indices (first kept) and order by index.
    idx = cols["index"]
    if len(idx) > 1 and not bool(np.all(idx[1:] > idx[:-1])):
        _, keep = np.unique(idx, return_index=True)
        for k, a in cols.items():
            if isinstance(a, np.ndarray):
                cols[k] = a[keep]
    cols["step"] = _count_changes(cols["step_index"])
    cols["cycle"] = _software_cycle(cols["status"])
    return _combine(cols) if combined else cols


def _nda_bts90(path: Path, mm: mmap.mmap) -> dict[str, Any]:
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
    r = _Rows(np.frombuffer(mm, dtype=_BTS90, count=n, offset=1024), rows)
    cols = {
        "index": r["index"].astype(np.int64),
        "step_index": r["step_index"].astype(np.int64),
        "status": r["status"].astype(np.int64),
        "time": r["time_us"] / 1e6,
        "voltage": r["v"].astype(np.float64),
        "current": r["i"].astype(np.float64),
        "charge_capacity": r["qc"] / 3600.0,
        "discharge_capacity": r["qd"] / 3600.0,
        "charge_energy": r["ec"] / 3600.0,
        "discharge_energy": r["ed"] / 3600.0,
    }
    if len(r):
        first = int(r.first("date_us"))
        require(first < 2**62, path, "Neware .nda record with an impossible time stamp")
        cols["start_time"] = _local(datetime.fromtimestamp(first / 1e6, UTC))
    return cols


def _nda_bts91(path: Path, mm: mmap.mmap) -> dict[str, Any]:
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
    r = _Rows(rec, np.flatnonzero(tag[: ends[0] if len(ends) else n] == 0x55))
    q = r["q"].astype(np.float64) / 3600.0
    e = r["e"].astype(np.float64) / 3600.0
    cols = {
        "index": r["index"].astype(np.int64),
        "step_index": r["step_index"].astype(np.int64),
        "status": r["status"].astype(np.int64),
        "time": r["t_s"] + 1e-9 * r["t_ns"],
        "voltage": r["v"].astype(np.float64),
        "current": r["i"].astype(np.float64),
        "charge_capacity": np.where(q > 0, q, 0.0),
        "discharge_capacity": np.where(q < 0, -q, 0.0),
        "charge_energy": np.where(e > 0, e, 0.0),
        "discharge_energy": np.where(e < 0, -e, 0.0),
    }
    if len(r):
        secs = int(r.first("date_s")) + 1e-9 * int(r.first("date_ns"))
        cols["start_time"] = _local(datetime.fromtimestamp(secs, UTC))
    return cols


# ---------------------------------------------------------------------------- .ndax


def decode_ndax(path: Path, combined: bool = False) -> dict[str, Any]:
    """Decode an .ndax (ndc v5, or v17 data + runInfo + step) into NewareNDA-unit columns.

    Members are streamed from the zip a few pages at a time (nothing is extracted to
    disk, no member is held whole). Same keys as :func:`decode_nda`. Raises
    :class:`_UnsupportedError` for versions not decoded here.
    """
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        if "data.ndc" not in names:
            raise _UnsupportedError("no data.ndc")
        ftype, ver = _ndc_kind(path, zf, "data.ndc")
        split = {"data_runInfo.ndc", "data_step.ndc"} <= names
        if ver == 5 and ftype == 1 and not split:
            cols = _ndc5(path, _records(path, zf, "data.ndc", 125, 45, _NDC5, "tag", 0x55))
        elif ver == 17 and ftype == 1 and split:
            vi = _ndc17_data(path, zf)
            for member, ft in (("data_runInfo.ndc", 18), ("data_step.ndc", 7)):
                if _ndc_kind(path, zf, member) != (ft, 17):
                    raise _UnsupportedError(f"{member}: not ndc v17 type {ft}")
            # runInfo / step: 100-byte records, one per logged interval / step (index 0 = empty)
            run = _records(path, zf, "data_runInfo.ndc", 132, 39, _NDC17_RUN, "index", None)
            steps = _records(path, zf, "data_step.ndc", 132, 39, _NDC17_STEP, "index", None)
            cols = _ndc17_merge(path, vi, run, steps, combined)
        else:
            raise _UnsupportedError(f"ndc version {ver} file type {ftype}")
    require(len(cols["time"]) > 0, path, "Neware .ndax file with no data records")
    _check_status(path, cols["status"])
    cols["cycle"] = _software_cycle(cols["status"])
    return _combine(cols) if combined else cols


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


def _pages(path: Path, zf: zipfile.ZipFile, member: str, chunk: int = 4) -> Any:
    """Yield the 4096-byte pages after an .ndc member's 4096-byte header, ``chunk`` pages
    at a time, as (k, 4096) uint8 arrays."""
    with zf.open(member) as fh:
        head = fh.read(_PAGE)
        require(len(head) == _PAGE, path, f"Neware .ndax {member} shorter than its header")
        while buf := fh.read(chunk * _PAGE):
            if len(buf) % _PAGE:
                raise _UnsupportedError(f"{member}: partial page")
            yield np.frombuffer(buf, dtype=np.uint8).reshape(-1, _PAGE)


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
    parts: dict[str, list[np.ndarray]] = {f: [] for f in dtype.names or ()}
    for pages in _pages(path, zf, member):
        rec = pages[:, start : start + per_page * dtype.itemsize].reshape(-1).view(dtype)
        sel = np.flatnonzero(rec[key] != 0 if value is None else rec[key] == value)
        for f, lst in parts.items():
            lst.append(rec[f][sel])
    return {f: np.concatenate(lst) if lst else np.zeros(0, dtype[f]) for f, lst in parts.items()}


def _ndc5(path: Path, r: dict[str, np.ndarray]) -> dict[str, Any]:
    rng = r.pop("range")
    uniq = np.unique(rng)
    if not all(int(u) in _RANGE_SCALE for u in uniq):
        raise _UnsupportedError("unknown current range")
    scale = np.array([_RANGE_SCALE[int(u)] for u in uniq])[np.searchsorted(uniq, rng)]
    cols: dict[str, Any] = {
        "index": r.pop("index").astype(np.int64),
        "step_index": r.pop("step_index").astype(np.int64),
        "status": r.pop("status").astype(np.int64),
        "time": r.pop("time_ms") / 1000.0,
        "voltage": r.pop("v") / 10000.0,
        "current": r.pop("i") * scale,
    }
    for name, field in (
        ("charge_capacity", "qc"),
        ("discharge_capacity", "qd"),
        ("charge_energy", "ec"),
        ("discharge_energy", "ed"),
    ):
        a = r.pop(field) * scale
        a /= 3600.0  # mA s -> mAh
        cols[name] = a
    cols["step"] = _count_changes(cols["step_index"])
    if len(cols["time"]):
        f = {k: int(r[k][0]) for k in ("year", "month", "day", "hour", "minute", "second")}
        try:
            t0 = datetime(**f)
        except ValueError as exc:
            raise _UnsupportedError(f"first record date: {exc}") from exc
        import pandas as pd

        cols["start_time"] = pd.Timestamp(t0).isoformat()
    return cols


def _ndc17_data(path: Path, zf: zipfile.ZipFile) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(index, V, mA) of the non-empty (V != 0) slots of a v17 type-1 data.ndc: float32
    (V, A) pairs in bytes 132..4092 of each page, index = position + 1."""
    idx, vs, cs = [], [], []
    n = 0
    for pages in _pages(path, zf, "data.ndc"):
        vi = pages[:, 132 : _PAGE - 4].reshape(-1).view("<f4").reshape(-1, 2)
        keep = np.flatnonzero(vi[:, 0] != 0)
        idx.append(keep + (n + 1))
        vs.append(vi[keep, 0].astype(np.float64))
        c = vi[keep, 1].astype(np.float64)
        c *= 1000.0  # A -> mA
        cs.append(c)
        n += len(vi)
    cat = [np.concatenate(x) if x else np.zeros(0) for x in (idx, vs, cs)]
    return cat[0], cat[1], cat[2]


def _ndc17_merge(path: Path, vi: tuple, run: dict, steps: dict, combined: bool) -> dict[str, Any]:
    """Join data (V, I per record index) with runInfo and step as NewareNDA does.

    runInfo left-joined on record index, its step forward-filled, then the step table
    joined on step; rows without runInfo filled as NewareNDA's _data_interpolation does.
    Temporaries are dropped as soon as used: the peak is a few columns, not a full frame.
    """
    index, voltage, current = vi
    del vi
    run_step = _count_changes(run["step"])  # NewareNDA counts changes before de-duplicating
    r_idx, first = np.unique(run["index"], return_index=True)  # first of repeated indices
    run = {f: a[first] for f, a in run.items()}
    run_step = run_step[first]
    require(len(index) > 0, path, "Neware .ndax data.ndc with no records")
    require(len(r_idx) > 0, path, "Neware .ndax data_runInfo.ndc with no records")

    # left join on record index, then forward fill: src = runInfo row of the last hit
    pos = np.searchsorted(r_idx, index)
    np.minimum(pos, len(r_idx) - 1, out=pos)
    hit = r_idx[pos] == index
    del index
    if not bool(hit[0]):
        raise _UnsupportedError("first data record has no runInfo")
    last = np.arange(len(hit))
    last[~hit] = 0
    np.maximum.accumulate(last, out=last)  # row of the last runInfo hit at or before
    src = pos[last]
    del pos
    step = run_step[src]
    require(
        bool(np.all(step <= len(steps["index"]))),
        path,
        "Neware .ndax runInfo refers to a step missing from data_step.ndc",
    )
    step -= 1
    cols: dict[str, Any] = {"status": steps["status"][step].astype(np.int64)}
    if not combined:
        cols["step_index"] = steps["step_index"][step].astype(np.int64)
    step += 1
    cols["step"] = step
    cols["time"] = run["time_ms"][src] / 1000.0
    gaps = not bool(hit.all())
    if gaps:
        # time continues from the last runInfo row by its dt per row (NewareNDA
        # _data_interpolation); capacity and energy by dt * I and dt * I * V per row
        dt = run["dt_ms"][src] / 1000.0
        rows_since = np.arange(len(hit), dtype=np.float64)
        rows_since -= last
        rows_since *= dt
        cols["time"] += rows_since
        del rows_since
        dq = dt
        dq *= current
        dq /= 3600.0
        dq[hit] = 0.0
        dq_sum = _since_last(dq, last)
        dq *= voltage
        de_sum = _since_last(dq, last)
        del dq
    for name, field, cum in (
        ("charge_capacity", "qc", "q"),
        ("discharge_capacity", "qd", "-q"),
        ("charge_energy", "ec", "e"),
        ("discharge_energy", "ed", "-e"),
    ):
        a = run[field][src].astype(np.float64)
        a *= 1000.0  # Ah, Wh -> mAh, mWh
        if gaps:
            np.abs(a, out=a)
            inc = dq_sum if cum.endswith("q") else de_sum
            a += np.clip(-inc, 0, None) if cum.startswith("-") else np.clip(inc, 0, None)
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
    return cols


def _since_last(x: np.ndarray, last: np.ndarray) -> np.ndarray:
    """Sum of ``x`` over the rows after ``last`` (the last runInfo hit) up to each row."""
    c = np.cumsum(x)
    c -= c[last]
    return c


def _ndax_meta(path: Path) -> dict[str, Any]:
    """Channel and active mass from the .ndax XML, where present (never fails the read)."""
    import NewareNDA

    out: dict[str, Any] = {}
    try:
        md = NewareNDA.read_metadata(str(path))
    except Exception:
        return out
    info = (md.get("TestInfo") or {}).get("TestInfo") or {}
    if "ChlID" in info:
        out["channel"] = str(info["ChlID"])
    if "StepName" in info:
        out["procedure"] = str(info["StepName"])
    return out
