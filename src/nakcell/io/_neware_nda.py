"""Neware .nda (binary) files: nakcell's own decoder for every version seen in public
test data (8, 22, 26, 29 and 130 in its BTS 9.0 and BTS 9.1 record forms).

Each version is a run of fixed-size records after a header; a record type byte marks the
data records. Layouts (offsets, scales) follow those documented by NewareNDA (BSD-3,
https://github.com/Solid-Energy-Systems/NewareNDA, NewareNDA.py) and fastnda (BSD-3,
https://github.com/g-kimbell/fastnda, nda.py); the code is our own. Each version is
checked against Neware's own BTSDA export of the same file and against NewareNDA or
fastnda (tests/test_data_neware.py).
"""

from __future__ import annotations

import contextlib
import mmap
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from nakcell.io._guard import require
from nakcell.io._neware_common import (
    COUNTERS,
    _check_status,
    _count_changes,
    _counter_pair,
    _local,
    _pick,
    _range_scale,
    _record,
    _software_cycle,
    _UnsupportedError,
)

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
# positive on charge), +36 cycle (0-based), +44 wall clock s, +48 ns.
_BTS91_FIELDS = (
    "tag:u1@0 step_index:u1@2 status:u1@3 index:<u4@8 t_s:<u4@12 t_ns:<u4@16 i:<f4@20"
    " cycle:<u4@36"
    " v:<f4@24 q:<f4@28 e:<f4@32 date_s:<u4@44 date_ns:<u4@48"
)

# .nda v29 and v26 (86-byte records; 0x55 0x00 in bytes 0-1 and four zero bytes at +82
# mark data): +2 index, +6 cycle (0-based), +10 step key (u4: step index u2, status,
# step counter), +12 status, +14 step time ms (u64), +22 V*1e4, +26 current, +38..
# charge / discharge capacity, charge / discharge energy (int64, times the range scale
# in mA s / mW s), +70 local date (u16 year, u8 month, day, hour, minute, second),
# +78 current range.
_NDA29 = _record(
    86,
    "tag:<u2@0 index:<u4@2 cycle:<u4@6 step_key:<u4@10 status:u1@12 time_ms:<u8@14"
    " v:<i4@22 i:<i4@26"
    " qc:<i8@38 qd:<i8@46 ec:<i8@54 ed:<i8@62 year:<u2@70 month:u1@72 day:u1@73"
    " hour:u1@74 minute:u1@75 second:u1@76 range:<i4@78 tail:<u4@82",
)
# .nda v22: as v29, but +70 is the wall clock in s since the epoch (u64)
_NDA22 = _record(
    86,
    "tag:<u2@0 index:<u4@2 cycle:<u4@6 step_key:<u4@10 status:u1@12 time_ms:<u8@14"
    " v:<i4@22 i:<i4@26"
    " qc:<i8@38 qd:<i8@46 ec:<i8@54 ed:<i8@62 unix:<u8@70 range:<i4@78 tail:<u4@82",
)
# .nda v8 (59-byte records; byte 0 = 0 marks data, the first record of the data section
# starts 0xFF with index 1): +1 index, +5 cycle (1-based), +9 step index, +10 status, +11 step
# time s (u32), +15 V*1e4, +19 current uA, +31 capacity and +39 energy (int64, uA s /
# uW s, unsigned: the current's sign says charge or discharge), +47 wall clock s (u64).
_NDA8 = _record(
    59,
    "tag:u1@0 index:<u4@1 cycle:<u4@5 step_index:u1@9 status:u1@10 time_s:<u4@11"
    " v:<i4@15 i:<i4@19 q:<i8@31 e:<i8@39 unix:<u8@47",
)
# where each version's data section starts: the first data record (index 1)
_NDA_START = {
    8: b"\xff\x01\x00\x00\x00",
    22: b"\x55\x00\x01\x00\x00\x00",
    26: b"\x55\x00\x01\x00\x00\x00",
    29: b"\x55\x00\x01\x00\x00\x00",
}


def decode_nda(path: Path, combined: bool = False) -> dict[str, Any]:
    """Decode an .nda (version 8, 22, 26, 29 or 130) into NewareNDA-unit columns (s, V,
    mA, mAh, mWh).

    Keys: index, step_index, status, step, cycle, time (step time, s), voltage, current,
    charge_capacity, discharge_capacity, charge_energy, discharge_energy (v8: capacity
    and energy, the only form it stores), start_time. With ``combined`` only what the
    tidy table needs is kept, capacity and energy as |charge| + |discharge| (mAh, mWh),
    status as uint8 and, as 'step', an array that changes where the step count does.
    Raises :class:`_UnsupportedError` for other versions (the caller then uses NewareNDA).
    """
    with open(path, "rb") as fh:
        size = fh.seek(0, 2)
        require(size >= 6, path, "not a Neware .nda file (shorter than its 'NEWARE' magic)")
        mm = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
    try:
        require(mm[:6] == b"NEWARE", path, "not a Neware .nda file (no 'NEWARE' magic)")
        require(size > 1026, path, "Neware .nda file truncated inside its header", "byte 1024")
        version = mm[14]
        if version == 130:
            decode = _nda_bts91 if mm[1024] == 0x55 else _nda_bts90
            cols = decode(path, mm, combined)
        elif version in _NDA_START:
            cols = _nda_fixed(path, mm, version, combined)
        else:
            raise _UnsupportedError(f"nda version {version}")
    finally:
        with contextlib.suppress(BufferError):  # a view kept by a traceback: closed when freed
            mm.close()
    if "cycle" not in cols:  # BTS 9.0 records carry no cycle counter
        cols["cycle"] = _software_cycle(cols["status"])
    if not combined:
        cols["status"] = cols["status"].astype(np.int64)
    return cols


def _nda_fixed(path: Path, mm: mmap.mmap, version: int, combined: bool) -> dict[str, Any]:
    """Versions 8, 22, 26 and 29: fixed-size records from the first data record on."""
    start = mm.find(_NDA_START[version])
    require(start != -1, path, f"Neware .nda (version {version}) with no first data record")
    dt = _NDA8 if version == 8 else _NDA22 if version == 22 else _NDA29
    n = (len(mm) - start) // dt.itemsize
    rec = np.frombuffer(mm, dtype=dt, count=n, offset=start)
    if version == 8:
        rows = np.flatnonzero(rec["tag"] == 0)
    else:  # 0x55 0x00 and a zero tail (aux records start 0x65)
        rows = np.flatnonzero((rec["tag"] == 0x55) & (rec["tail"] == 0))
    cols, sel = _nda_rows(path, rec, rows, combined, "step_index" if version == 8 else "step_key")
    del rows
    cols["cycle"] = _pick(rec["cycle"], sel, np.int64)
    if version != 8:
        cols["cycle"] += 1  # 0-based in these versions
    first = sel.start if isinstance(sel, slice) else int(sel[0])
    if version == 29 or version == 26:
        d = {k: int(rec[k][first]) for k in ("year", "month", "day", "hour", "minute", "second")}
        try:
            import pandas as pd

            cols["start_time"] = pd.Timestamp(datetime(**d)).isoformat()
        except ValueError:
            pass  # a damaged date: no start time, the data are still read
    elif int(rec["unix"][first]) < 2**34:
        cols["start_time"] = _local(datetime.fromtimestamp(int(rec["unix"][first]), UTC))
    if version == 8:
        _nda8_values(rec, sel, cols)
    else:
        _nda29_values(path, rec, sel, cols, combined)
    return cols


def _nda8_values(rec: np.ndarray, sel: np.ndarray | slice, cols: dict[str, Any]) -> None:
    """v8: step time s, V*1e4, uA, unsigned uA s / uW s (|capacity| is what it stores)."""
    cols["time"] = _pick(rec["time_s"], sel, np.float64)
    v = _pick(rec["v"], sel, np.float64)
    v /= 1e4
    cols["voltage"] = v
    i = _pick(rec["i"], sel, np.float64)
    i /= 1e3
    cols["current"] = i
    for kind, field in (("capacity", "q"), ("energy", "e")):
        q = _pick(rec[field], sel, np.float64)
        np.abs(q, out=q)
        q /= 3.6e6  # uA s -> mAh
        cols[kind] = q


def _nda29_values(
    path: Path, rec: np.ndarray, sel: np.ndarray | slice, cols: dict[str, Any], combined: bool
) -> None:
    """v22/26/29: step time ms, V*1e4, integer current, capacity and energy scaled by the
    record's current range (mA, mA s, mW s)."""
    scale = _range_scale(rec["range"][sel])
    if scale is None:
        raise _UnsupportedError("unknown current range")
    t = _pick(rec["time_ms"], sel, np.float64)
    t /= 1e3
    cols["time"] = t
    v = _pick(rec["v"], sel, np.float64)
    v /= 1e4
    cols["voltage"] = v
    i = _pick(rec["i"], sel, np.float64)
    i *= scale
    cols["current"] = i
    for kind, (chg, dchg) in COUNTERS:
        q = _pick(rec[chg], sel, np.float64)
        q *= scale
        d = _pick(rec[dchg], sel, np.float64)
        d *= scale
        _store_counters(cols, kind, *_counter_pair(q, d, combined))


def _store_counters(cols: dict[str, Any], kind: str, q: np.ndarray, d: np.ndarray | None) -> None:
    """``kind`` (combined, ``d`` None) or ``charge_kind`` and ``discharge_kind``."""
    if d is None:
        cols[kind] = q
    else:
        cols[f"charge_{kind}"], cols[f"discharge_{kind}"] = q, d


def _nda_rows(
    path: Path, rec: np.ndarray, rows: np.ndarray, combined: bool, key: str = "step_index"
) -> tuple[dict[str, Any], np.ndarray | slice]:
    """Status, index and step of the data records ``rows`` of ``rec``, NewareNDA's way:
    repeated record indices dropped (first kept), rows ordered by index; the step count
    changes where field ``key`` does. Returns the columns and the rows (an index array,
    or a slice when they are all the records)."""
    require(len(rows) > 0, path, "Neware .nda file with no data records")
    sel: np.ndarray | slice = rows
    if rows[0] == 0 and rows[-1] == len(rows) - 1:  # all records: a slice, no index array
        sel = slice(0, len(rows))
    del rows
    _check_status(path, rec["status"][sel])
    idx = rec["index"][sel]
    if len(idx) > 1 and not bool(np.all(idx[1:] > idx[:-1])):
        _, keep = np.unique(idx, return_index=True)
        sel = keep if isinstance(sel, slice) else sel[keep]
    del idx
    step_key = _pick(rec[key], sel, rec.dtype[key])
    cols: dict[str, Any] = {"status": _pick(rec["status"], sel, np.uint8)}
    if combined:
        cols["step"] = step_key  # changes where the step count does
    else:
        cols["index"] = _pick(rec["index"], sel, np.int64)
        if key == "step_key":  # u2 step index in its low bytes
            cols["step_index"] = (step_key & 0xFFFF).astype(np.int64)
        else:
            cols["step_index"] = step_key.astype(np.int64)
        cols["step"] = _count_changes(step_key)
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
    for kind, (chg, dchg) in COUNTERS:
        a = _pick(rec[chg], sel, np.float32)
        b = _pick(rec[dchg], sel, np.float32)
        _store_counters(cols, kind, *_counter_pair(a, b, combined))
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
    cols["cycle"] = _pick(rec["cycle"], sel, np.int64)
    cols["cycle"] += 1
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
