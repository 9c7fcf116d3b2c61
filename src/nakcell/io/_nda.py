"""Our own vectorised reader for Neware .nda files of version 130 (BTSDA 9.x).

NewareNDA (BSD-3) decodes these files one 88- or 56-byte record at a time in Python with
``struct``; here the record area of a memory map is viewed as a 2-D byte array and every field
is pulled out of all records at once with a strided numpy view, so only the columns the tidy
table needs are ever materialised.

Format facts used (learned from reading NewareNDA's reader and the files, no code copied):

* The file starts with ``NEWARE``; byte 14 is the format version (29 or 130).
* Version 130, records from byte 1024, fixed length, little-endian:

  - BTS 9.0 (the first record does not start with 0x55): 88-byte records; a data record
    starts with the same 6 bytes as the first record. From byte 4 on: step index (uint8, +5),
    status code (uint8, +6), record index (uint32, +12), step time in microseconds
    (uint64, +24), voltage in V (float32, +32), current in mA (float32, +36), charge
    capacity, charge energy, discharge capacity, discharge energy in mA s and mW s
    (float32, +48 ... +60), wall-clock time in microseconds since 1970 (uint64, +64).
    Auxiliary records start 00 00 00 00 65.
  - BTS 9.1 (records start with 0x55; the length is the distance to the next 0x55 + the same
    second byte, 56 in the files seen): step index (uint8, 2), status (uint8, 3), index
    (uint32, 8), step time s + ns (uint32 12, 16), current mA and voltage V (float32 20, 24),
    signed capacity and energy in mA s and mW s (float32 28, 32; positive = charge), cycle
    (uint32, 36), wall clock s + ns (uint32 44, 48).
  - A record starting with 0x81 ends the data.

* Records are kept once per index and sorted by it (as NewareNDA does).

Status codes (NewareNDA's table): 1 CC_Chg, 2 CC_DChg, 3 CV_Chg, 4 Rest, 5 Cycle, 7 CCCV_Chg,
8 CP_DChg, 9 CP_Chg, 10 CR_DChg, 13 Pause, 16 Pulse, 17 SIM, 19 CV_DChg, 20 CCCV_DChg,
21 Control, 22 OCV, 26 CPCV_DChg, 27 CPCV_Chg. Other versions go to NewareNDA.
"""

from __future__ import annotations

import mmap
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from nakcell.errors import NakcellFileError

REST_CODE = 4
#: status codes of the steps that open a cycle in Neware's 'charge first' cycle count
_CHARGE_OPENERS = (1, 7, 9)  # CC_Chg, CCCV_Chg, CP_Chg
#: discharge-type codes (and SIM), which arm the next cycle increment
_DISCHARGES = (2, 8, 10, 19, 20, 26, 17)


class UnsupportedVersionError(Exception):
    """A .nda layout this reader does not decode (the caller falls back to NewareNDA)."""


@dataclass
class NdaColumns:
    """What the tidy table needs, one value per kept record (sorted by record index)."""

    step_index: np.ndarray  # instrument step number (int64)
    status: np.ndarray  # status code (uint8)
    step_time_s: np.ndarray
    voltage_V: np.ndarray
    current_mA: np.ndarray
    capacity_mAh: np.ndarray  # charge + discharge capacity of the step, >= 0
    energy_mWh: np.ndarray
    start_time: datetime | None


def read_columns(path: Path) -> NdaColumns:
    with open(path, "rb") as fh:
        try:
            mm = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        except ValueError as exc:
            raise NakcellFileError(path, "empty file, not a Neware .nda", "byte 0") from exc
    try:
        return _parse(mm, path)
    finally:
        mm.close()


def _parse(mm: mmap.mmap, path: Path) -> NdaColumns:
    size = len(mm)
    if mm[:6] != b"NEWARE":
        raise NakcellFileError(path, "no 'NEWARE' signature", "byte 0")
    if size < 15 or mm[14] != 130:
        raise UnsupportedVersionError(mm[14] if size > 14 else None)
    if size < 1024 + 56:
        raise NakcellFileError(path, "no data records after the 1024-byte header", "byte 1024")
    bts91 = mm[1024] == 0x55
    if bts91:
        rec_len = mm.find(mm[1024:1026], 1026) - 1024
        if rec_len != 56:
            raise UnsupportedVersionError(f"BTS 9.1 record length {rec_len}")
    else:
        rec_len = 88
    n_rec = (size - 1024) // rec_len
    raw = np.frombuffer(mm, dtype=np.uint8, count=n_rec * rec_len, offset=1024)
    rec = raw.reshape(n_rec, rec_len)
    try:
        end = np.flatnonzero(rec[:, 0] == 0x81)
        if end.size:
            rec = rec[: end[0]]
        if bts91:
            keep = np.flatnonzero(rec[:, 0] == 0x55)
        else:
            ident = rec[0, :6].copy()
            keep = np.flatnonzero(np.all(rec[:, :6] == ident, axis=1))
        if keep.size == 0:
            raise NakcellFileError(path, "no data records", "byte 1024")
        out = _fields(rec, keep, bts91)
    finally:
        del rec, raw  # release the buffer export before the map is closed
    return out


def _field(rec: np.ndarray, keep: np.ndarray, offset: int, dtype: str) -> np.ndarray:
    """One field of the kept records: a strided (unaligned) view of the record bytes, then one
    gathered copy."""
    dt = np.dtype(dtype)
    return rec[:, offset : offset + dt.itemsize].view(dt)[keep, 0]


def _fields(rec: np.ndarray, keep: np.ndarray, bts91: bool) -> NdaColumns:
    if bts91:
        step = _field(rec, keep, 2, "u1")
        status = _field(rec, keep, 3, "u1")
        index = _field(rec, keep, 8, "<u4")
        t = _field(rec, keep, 12, "<u4").astype(np.float64)
        t += _field(rec, keep, 16, "<u4") * 1e-9
        current = _field(rec, keep, 20, "<f4").astype(np.float64)
        voltage = _field(rec, keep, 24, "<f4").astype(np.float64)
        cap = np.abs(_field(rec, keep, 28, "<f4").astype(np.float64))
        en = np.abs(_field(rec, keep, 32, "<f4").astype(np.float64))
        wall0 = int(_field(rec, keep[:1], 44, "<u4")[0]) + 1e-9 * int(
            _field(rec, keep[:1], 48, "<u4")[0]
        )
    else:
        step = _field(rec, keep, 4 + 5, "u1")
        status = _field(rec, keep, 4 + 6, "u1")
        index = _field(rec, keep, 4 + 12, "<u4")
        t = _field(rec, keep, 4 + 24, "<u8").astype(np.float64)
        t *= 1e-6
        voltage = _field(rec, keep, 4 + 32, "<f4").astype(np.float64)
        current = _field(rec, keep, 4 + 36, "<f4").astype(np.float64)
        cap = np.abs(_field(rec, keep, 4 + 48, "<f4").astype(np.float64))
        cap += np.abs(_field(rec, keep, 4 + 56, "<f4"))
        en = np.abs(_field(rec, keep, 4 + 52, "<f4").astype(np.float64))
        en += np.abs(_field(rec, keep, 4 + 60, "<f4"))
        wall0 = int(_field(rec, keep[:1], 4 + 64, "<u8")[0]) * 1e-6
    cap /= 3600.0  # mA s -> mAh
    en /= 3600.0  # mW s -> mWh
    # one record per index, in index order (the first occurrence of a repeated index is kept)
    order = np.argsort(index, kind="stable")
    si = index[order]
    first = np.r_[True, si[1:] != si[:-1]]
    order = order[first]
    if not (order.size == index.size and np.all(order[1:] > order[:-1])):
        step, status, t, voltage, current, cap, en = (
            a[order] for a in (step, status, t, voltage, current, cap, en)
        )
    start = None
    if 0 < wall0 < 4_102_444_800:  # before 2100
        start = datetime.fromtimestamp(wall0, UTC).astimezone()
    return NdaColumns(
        step_index=step.astype(np.int64),
        status=status,
        step_time_s=t,
        voltage_V=voltage,
        current_mA=current,
        capacity_mAh=cap,
        energy_mWh=en,
        start_time=start,
    )


def charge_first_cycles(status: np.ndarray) -> np.ndarray:
    """Neware's 'charge first' cycle number (BTSDA's circular statistic, as NewareNDA
    reproduces it): a new cycle starts at the first point of a charge step (CC, CCCV or CP
    charge) when a discharge-type step (or SIM) has been seen since the previous start; the
    file's first point is a start candidate too."""
    s = np.asarray(status)
    n = len(s)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    opener = np.isin(s, _CHARGE_OPENERS)
    cand = opener.copy()
    cand[1:] &= ~opener[:-1]
    cand[0] = True
    armed = np.isin(s, _DISCHARGES)
    cum = np.cumsum(armed, dtype=np.int64)
    pos = np.flatnonzero(cand)
    # discharges seen up to the previous candidate (one there counts for the next: only an
    # increment disarms)
    before = np.r_[0, cum[pos[:-1]] - armed[pos[:-1]]]
    inc = (cum[pos] - before) > 0
    inc &= ~armed[pos]  # a candidate is a charge point, never itself a discharge
    steps = np.zeros(n, dtype=np.int64)
    steps[pos[inc]] = 1
    return 1 + np.cumsum(steps, dtype=np.int64)
