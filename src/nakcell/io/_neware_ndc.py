"""Neware .ndax files (a zip of XML and binary .ndc members): nakcell's own decoder for
every ndc version seen in public test data.

- ndc v2 and v5: one data.ndc of fixed records (v2: 94 bytes, 5 to a 512-byte page; v5:
  87 bytes, 45 to a 4096-byte page), each with step, status, time, V, I, capacities;
- ndc v14, v16 and v17: data.ndc holds (V, I) float32 pairs only; times, capacities and
  energies are in data_runInfo.ndc (one record per logged interval) and cycle, step index
  and status in data_step.ndc (one record per step). The versions differ in record sizes
  and units only (v14 runInfo records are 55 bytes, v16/v17 100; v16 stores V in 0.1 mV
  and mA, capacities in mA s; v14/v17 V and A, capacities in Ah).

In v14/16/17 pages a bit per slot (from byte 4 of the page, least significant bit first)
says which slots hold a record; a data record's index is its slot number + 1. Rows
without a runInfo record are filled as Neware's software does (time by dt per row,
capacity by I dt, energy by V I dt; NewareNDA ``_data_interpolation``).

Layouts follow those documented by NewareNDA (BSD-3, NewareNDAx.py) and fastnda (BSD-3,
https://github.com/g-kimbell/fastnda, ndax.py); the code is our own. Every version is
checked against Neware's own BTSDA export of the same file where one is public, and
against NewareNDA / fastnda (tests/test_data_neware.py).
"""

from __future__ import annotations

import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from nakcell.io._guard import require
from nakcell.io._neware_common import (
    _PAGE,
    COUNTERS,
    _check_status,
    _count_changes,
    _counter_pair,
    _local,
    _range_scale,
    _record,
    _Sink,
    _UnsupportedError,
)

# ndc v5 type 1: 87-byte records at offset 125 of each 4096-byte page (45 per page, the
# last 56 bytes unused); byte 7 = 0x55 marks data. +8 index, +16 step index, +17
# status, +23 step time ms (u64), +31 V*1e4, +35 current, +43.. charge/discharge
# capacity and energy (int64, times the range scale in mA s / mW s), +75 date
# (u16 year, u8 month, day, hour, minute, second), +82 current range.
_NDC5 = _record(
    87,
    "tag:u1@7 index:<u4@8 cycle:<u4@12 step_index:u1@16 status:u1@17 time_ms:<u8@23"
    " v:<i4@31 i:<i4@35"
    " qc:<i8@43 qd:<i8@51 ec:<i8@59 ed:<i8@67 year:<u2@75 month:u1@77 day:u1@78"
    " hour:u1@79 minute:u1@80 second:u1@81 range:<i4@82",
)
# ndc v2 type 1: 94-byte records from byte 5 of each 512-byte page (5 per page) after a
# 512-byte header, the fields at the offsets of v5 (from the record start); index 0 =
# an empty slot.
_NDC2 = _record(
    94,
    "index:<u4@8 cycle:<u4@12 step_index:u1@16 status:u1@17 time_ms:<u8@23 v:<i4@31 i:<i4@35"
    " qc:<i8@43 qd:<i8@51 ec:<i8@59 ed:<i8@67 year:<u2@75 month:u1@77 day:u1@78"
    " hour:u1@79 minute:u1@80 second:u1@81 range:<i4@82",
)
# ndc v14/16/17: after a 4096-byte header, 4096-byte pages with a 132-byte page header
# (bytes 2-3: records in the page; from byte 4: one bit per slot, set = a record).
# type 1: float32 (V, I) pairs in bytes 132..4092; the record index is the slot + 1.
# type 18 (runInfo): +0 step time ms (i32), +5.. charge/discharge capacity, charge/
# discharge energy (f32), +29 dt ms, +33 unix time s, +37 step, +41 index, +45 ms (i16).
# type 7 (step): +0 cycle (0-based), +4 step index, +24 status (i8).
_VI = np.dtype([("v", "<f4"), ("i", "<f4")])
_RUN_FIELDS = (
    "time_ms:<i4@0 qc:<f4@5 qd:<f4@9 ec:<f4@13 ed:<f4@17 dt_ms:<i4@29 unix:<i4@33"
    " step:<i4@37 index:<i4@41 msec:<i2@45"
)
_STEP_FIELDS = "cycle:<i4@0 step_index:<i4@4 status:i1@24"
# version -> (V scale to V, I scale to mA, runInfo record, capacity/energy scale to
# mAh/mWh, step record)
_SPLIT: dict[int, tuple[float, float, np.dtype, float, np.dtype]] = {
    14: (1.0, 1000.0, _record(55, _RUN_FIELDS), 1000.0, _record(37, _STEP_FIELDS)),
    16: (1e-4, 1.0, _record(100, _RUN_FIELDS), 1 / 3600, _record(100, _STEP_FIELDS)),
    17: (1.0, 1000.0, _record(100, _RUN_FIELDS), 1000.0, _record(100, _STEP_FIELDS)),
}
_PAGE_HEAD = 132


def _per_page(dtype: np.dtype) -> int:
    """Record slots in a v14/16/17 page (the page's last byte holds none)."""
    return (_PAGE - _PAGE_HEAD - 1) // dtype.itemsize


def decode_ndax(path: Path, combined: bool = False) -> dict[str, Any]:
    """Decode an .ndax (ndc v2, v5, or v14/16/17 data + runInfo + step) into
    NewareNDA-unit columns.

    Members are streamed from the zip a few pages at a time (nothing is extracted to
    disk, no member is held whole) and decoded straight into preallocated columns. Same
    keys as :func:`nakcell.io._neware_nda.decode_nda` (and, with ``combined``, the same
    reduced set). Raises :class:`_UnsupportedError` for versions not decoded here.
    """
    # the file unbuffered: zipfile reads its blocks itself, and an 8 KiB buffer is a tenth
    # of a small file's table
    with open(path, "rb", buffering=0) as raw, zipfile.ZipFile(raw) as zf:
        names = set(zf.namelist())
        if "data.ndc" not in names:
            raise _UnsupportedError("no data.ndc")
        ftype, ver = _ndc_kind(path, zf, "data.ndc")
        split = {"data_runInfo.ndc", "data_step.ndc"} <= names
        if ver in (2, 5) and ftype == 1 and not split:
            cols = _ndc5(path, zf, combined, ver)
            require(len(cols["time"]) > 0, path, "Neware .ndax file with no data records")
            _check_status(path, cols["status"])
            if not combined:
                cols["status"] = cols["status"].astype(np.int64)
        elif ver in _SPLIT and ftype == 1 and split:
            cols = _split(path, zf, ver, combined)
        else:
            raise _UnsupportedError(f"ndc version {ver} file type {ftype}")
    return cols


def _split(path: Path, zf: zipfile.ZipFile, ver: int, combined: bool) -> dict[str, Any]:
    """ndc v14/16/17: data.ndc joined with runInfo and step (see the module docstring)."""
    v_scale, i_scale, run_dt, q_scale, step_dt = _SPLIT[ver]
    for member, ft in (("data_runInfo.ndc", 18), ("data_step.ndc", 7)):
        if _ndc_kind(path, zf, member) != (ft, ver):
            raise _UnsupportedError(f"{member}: not ndc v{ver} type {ft}")
    data = _ndc_vi(path, zf, v_scale, i_scale)
    run = _records(path, zf, "data_runInfo.ndc", run_dt)
    steps = _records(path, zf, "data_step.ndc", step_dt)
    cols, status, lengths = _merge(path, data, run, steps, combined, q_scale)
    del data, run
    _check_status(path, status)  # the codes of the rows: one per runInfo run
    status = status.astype(np.uint8)  # known codes, all < 256
    cols["status"] = np.repeat(status if combined else status.astype(np.int64), lengths)
    return cols


def _ndc_kind(path: Path, zf: zipfile.ZipFile, member: str) -> tuple[int, int]:
    """(file type, ndc version): bytes 0 and 2 of an .ndc member."""
    with zf.open(member) as fh:
        head = fh.read(3)
    require(len(head) == 3, path, f"Neware .ndax {member} shorter than its header")
    return head[0], head[2]


def _n_pages(zf: zipfile.ZipFile, member: str, page: int = _PAGE) -> int:
    """Pages after the header of an .ndc member, from its size in the zip directory: a
    preallocation estimate only. A damaged size cannot ask for much: it is capped at 16x
    the compressed size plus 16 pages (the shared files compress 2-36x; sparse members
    hold few records), and the columns grow if the member holds more."""
    info = zf.getinfo(member)
    size = min(info.file_size, 16 * info.compress_size + 16 * page)
    return max(0, size - page) // page


def _page_records(
    path: Path,
    zf: zipfile.ZipFile,
    member: str,
    start: int,
    per_page: int,
    dtype: np.dtype,
    page: int = _PAGE,
    bitmask: bool = False,
) -> Any:
    """Yield the records packed ``per_page`` to a page from byte ``start`` of the pages
    after an .ndc member's one-page header, as (pages, per_page) arrays of ``dtype``
    viewing the bytes read (no copy); with ``bitmask``, as (records, slot is used) pairs
    (the bits from byte 4 of each page).

    Pages are read a few at a time, fewer for small members: the zip stream's own buffers
    (zlib's 32 KiB window and about three read sizes) are then the fixed part of the read's
    peak memory, and the per-block numpy calls stay few for large members.
    """
    chunk = max(1, min(16, _n_pages(zf, member, page) // 64)) * (_PAGE // page)
    nbits = (per_page + 7) // 8
    with zf.open(member) as fh:
        head = fh.read(page)
        require(len(head) == page, path, f"Neware .ndax {member} shorter than its header")
        del head
        while buf := fh.read(chunk * page):
            if len(buf) % page:
                raise _UnsupportedError(f"{member}: partial page")
            shape, strides = (len(buf) // page, per_page), (page, dtype.itemsize)
            rec = np.ndarray(shape, dtype=dtype, buffer=buf, offset=start, strides=strides)
            if not bitmask:
                yield rec
                continue
            raw = np.frombuffer(buf, dtype=np.uint8).reshape(-1, page)[:, 4 : 4 + nbits]
            bits = np.unpackbits(raw, axis=1, bitorder="little")[:, :per_page].view(bool)
            yield rec, bits


def _records(
    path: Path, zf: zipfile.ZipFile, member: str, dtype: np.dtype
) -> dict[str, np.ndarray]:
    """Fields of the used slots of a v14/16/17 member of ``dtype`` records; one array per
    field."""
    names = dtype.names or ()
    per = _per_page(dtype)
    sink = _Sink({f: dtype[f] for f in names}, _n_pages(zf, member) * per)
    for rec, used in _page_records(path, zf, member, _PAGE_HEAD, per, dtype, bitmask=True):
        sel = np.nonzero(used)
        s = sink.reserve(len(sel[0]))
        for f in names:
            sink.cols[f][s] = rec[f][sel]
    return sink.finish()


def _ndc5(path: Path, zf: zipfile.ZipFile, combined: bool, ver: int = 5) -> dict[str, Any]:
    """ndc v5 data.ndc (records with byte 7 = 0x55) or v2 (index != 0), decoded page
    block by page block into the output columns: status and step index (uint8), time (s), V, mA and
    capacity / energy (mAh, mWh; combined: |charge| + |discharge|)."""
    out: dict[str, Any] = {"status": np.uint8, "step_index": np.uint8, "cycle": np.int64}
    out |= dict.fromkeys(("time", "voltage", "current"), np.float64)
    if combined:
        out |= dict.fromkeys(("capacity", "energy"), np.float64)
    else:
        out["index"] = np.int64
        for kind in ("capacity", "energy"):
            out |= dict.fromkeys((f"charge_{kind}", f"discharge_{kind}"), np.float64)
    # (page size, first record, records per page, record)
    page, start, per, dt = (512, 5, 5, _NDC2) if ver == 2 else (_PAGE, 125, 45, _NDC5)
    sink = _Sink(out, _n_pages(zf, "data.ndc", page) * per)
    o = sink.cols
    date: dict[str, int] | None = None
    unknown_range = False
    for rec in _page_records(path, zf, "data.ndc", start, per, dt, page):
        # the data records of these pages (a copy of them)
        r = rec[rec["index"] != 0] if ver == 2 else rec[rec["tag"] == 0x55]
        if unknown_range or not len(r):
            continue  # the rest of the member is still read: a damaged page is an error
        scale = _range_scale(r["range"])
        if scale is None:
            unknown_range = True
            continue
        if date is None:
            date = {k: int(r[k][0]) for k in ("year", "month", "day", "hour", "minute", "second")}
        s = sink.reserve(len(r))
        o["status"][s] = r["status"]
        o["step_index"][s] = r["step_index"]
        np.add(r["cycle"], 1, out=o["cycle"][s])  # 0-based in the record
        if not combined:
            o["index"][s] = r["index"]
        np.divide(r["time_ms"], 1000.0, out=o["time"][s])
        np.divide(r["v"], 10000.0, out=o["voltage"][s])
        np.multiply(r["i"], scale, out=o["current"][s])
        for kind, (chg, dchg) in COUNTERS:
            q, d = _counter_pair(
                r[chg] * scale, r[dchg] * scale, combined, o[kind][s] if combined else None
            )
            if d is not None:
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


def _ndc_vi(
    path: Path, zf: zipfile.ZipFile, v_scale: float, i_scale: float
) -> dict[str, np.ndarray]:
    """index, V, mA of the used slots of a v14/16/17 type-1 data.ndc: float32 (V, I)
    pairs, index = slot + 1 (counting every slot of every page)."""
    per = _per_page(_VI)
    sink = _Sink(
        {"index": np.int64, "voltage": np.float64, "current": np.float64},
        _n_pages(zf, "data.ndc") * per,
    )
    o = sink.cols
    n = 0
    for vi, used in _page_records(path, zf, "data.ndc", _PAGE_HEAD, per, _VI, bitmask=True):
        keep = np.flatnonzero(used)
        s = sink.reserve(len(keep))
        np.add(keep, n + 1, out=o["index"][s])
        o["voltage"][s] = vi["v"][used]
        o["current"][s] = vi["i"][used]
        if v_scale != 1.0:
            o["voltage"][s] *= v_scale
        if i_scale != 1.0:
            o["current"][s] *= i_scale  # A -> mA (in float64)
        n += vi.size
    del o
    return sink.finish()


def _merge(
    path: Path, data: dict, run: dict, steps: dict, combined: bool, q_scale: float
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
        bool(np.all(step <= len(steps["status"]))),
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
    cols["cycle"] = rows(steps["cycle"][step - 1].astype(np.int64) + 1)  # 0-based
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
    if combined:  # |charge| + |discharge| per run, then one repeat (the gap fill adds |inc|)
        for kind, (c, d) in COUNTERS:
            per_run = np.abs(run[c][src].astype(np.float64))
            per_run += np.abs(run[d][src])
            per_run *= q_scale  # -> mAh, mWh
            a = rows(per_run)
            if gaps:
                a += np.abs(dq_sum if kind == "capacity" else de_sum)
            cols[kind] = a
    else:
        _split_columns(cols, run, src, rows, q_scale, (dq_sum, de_sum) if gaps else None)
    cols["voltage"] = voltage
    cols["current"] = current
    secs = int(run["unix"][src[0]]) + int(run["msec"][src[0]]) / 1000.0
    cols["start_time"] = _local(datetime.fromtimestamp(secs, UTC))
    return cols, status, lengths


def _split_columns(
    cols: dict[str, Any], run: dict, src: np.ndarray, rows: Any, q_scale: float, inc: Any
) -> None:
    """Charge and discharge capacity and energy per row (``inc``: the gap fill's capacity
    and energy increments since the last runInfo row, or None without gaps)."""
    for name, field in (
        ("charge_capacity", "qc"),
        ("discharge_capacity", "qd"),
        ("charge_energy", "ec"),
        ("discharge_energy", "ed"),
    ):
        a = rows(run[field][src].astype(np.float64) * q_scale)  # -> mAh, mWh
        if inc is not None:
            np.abs(a, out=a)
            x = inc[0] if name.endswith("capacity") else inc[1]
            clip = np.negative(x) if name.startswith("discharge") else x.copy()
            a += np.clip(clip, 0, None, out=clip)
        cols[name] = a


def _since_last(
    x: np.ndarray, hits: np.ndarray, lengths: np.ndarray, out: np.ndarray | None = None
) -> np.ndarray:
    """Sum of ``x`` over the rows after the run's first row up to each row (``out`` may
    be ``x``)."""
    c = np.cumsum(x, out=out)
    c -= np.repeat(c[hits], lengths)
    return c
