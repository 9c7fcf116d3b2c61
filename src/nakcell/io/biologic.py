"""BioLogic EC-Lab files: binary .mpr and ASCII .mpt, both parsed here.

The .mpr container (modules, data-module versions 0/2/3, column ids) is read from a memory
map, copying out only the columns the table uses (:func:`mpr_columns`; format notes in
docs/data.md); galvani's ``MPRfile`` is used only for a data module holding a column id
this parser does not know. galvani's ``MPTfile`` insists on CRLF line ends and ASCII text;
real .mpt files stored in git have LF ends and latin-1 headers (``cm²``, ``µA``), so the
text export is parsed here too. Both share one column-to-schema step, :func:`_to_table`.
"""

from __future__ import annotations

import mmap
import re
from collections.abc import Callable, Collection, Mapping
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from nakcell.errors import NakcellFileError
from nakcell.io._guard import file_errors, require
from nakcell.io._mpr import (
    _FLAG_BITS,
    _data_layout,
    _drop_blanks,
    _mpr_modules,
    _mpr_settings,
    _mpr_start,
    _record_layout,
)
from nakcell.io.table import (
    OTHER,
    REST,
    CyclerData,
    build_table,
    cycles_from_step_types,
    first_direction,
    integrate_per_step,
    step_capacity_from_cumulative,
    step_type_from_current,
    steps_and_starts,
)

# BioLogic 'mode' values (EC-Lab manual, "Data file columns"): 1 galvanostatic (CC),
# 2 potentiostatic (CV/CA), 3 rest (OCV).
_MODE_CC, _MODE_CV, _MODE_REST = 1, 2, 3


def read_mpr(path: Path) -> CyclerData:
    """Read a BioLogic .mpr (EC-Lab binary) file into the tidy table.

    The container is parsed here (:func:`mpr_columns`): only the columns the table needs
    are copied out of a read-only memory map of the file, straight into float64 arrays.
    A column id this parser does not know is sized from the record length and named in
    ``meta['unread_columns']`` (:func:`_record_layout`); the others are read. Everything
    else that is wrong with the file raises :class:`NakcellFileError` naming the byte
    offset.
    """
    with file_errors(path, "BioLogic .mpr file"):
        cols, meta = _mpr_read(path, _table_needs)
        n = max((len(a) for a in cols.values()), default=0)
        require(n > 0, path, "BioLogic .mpr file with no data points")
        table = _to_table(cols, path)
        del cols
    return CyclerData(table, "biologic_mpr", str(path), {"instrument": "BioLogic", **meta})


def _mpr_columns_galvani(
    path: Path, keep: Collection[str] | None = None
) -> tuple[dict[str, np.ndarray], str | None]:
    """Fallback for data modules with column ids missing from :data:`nakcell.io._mpr._COLUMN_IDS`:
    galvani's ``MPRfile``, the columns (and flag bits) named in ``keep`` (default: those
    the table uses), and the start time."""
    from galvani import BioLogic

    keep = _MPR_USED if keep is None else keep
    mpr = BioLogic.MPRfile(str(path))
    d = mpr.data
    require(d is not None and len(d) > 0, path, "BioLogic .mpr file with no data points")
    cols = {n: np.asarray(d[n]) for n in d.dtype.names if n in keep}
    if "flags" in d.dtype.names:
        flags = np.asarray(d["flags"])
        for name, (mask, shift) in _FLAG_BITS.items():
            if name in keep:
                cols[name] = (flags & mask) >> shift
    start = getattr(mpr, "timestamp", None) or getattr(mpr, "startdate", None)
    return cols, (start.isoformat() if start else None)


#: the raw columns :func:`_to_table` can use (the others are not copied out)
_MPR_USED = frozenset(
    {
        "time/s", "Ewe/V", "<Ewe>/V", "mode", "dq/mA.h", "dQ/mA.h", "I/mA",
        "control/V/mA", "control/mA", "freq/Hz", "half cycle", "cycle number", "Ns",
        "(Q-Qo)/mA.h",
    }
)  # fmt: skip


def _table_needs(available: set[str]) -> set[str]:
    """The columns :func:`_to_table` will actually use, given those a file has: the set
    current and dq are only read when the file has no measured current / no (Q-Qo)."""
    need = available & _MPR_USED
    if "I/mA" in need:
        need -= {"control/V/mA", "control/mA"}
        if "(Q-Qo)/mA.h" in need:
            need -= {"dq/mA.h", "dQ/mA.h"}
    volts = [c for c in ("Ewe/V", "<Ewe>/V") if c in need]
    return need - set(volts[1:])


class _UnknownColumnError(Exception):
    """Kept for callers that caught it: :func:`mpr_columns` no longer raises it (an
    unknown column id is sized from the record and named)."""


def mpr_columns(
    path: Path, names: Collection[str] | Callable[[set[str]], Collection[str]] | None = None
) -> tuple[dict[str, np.ndarray], str | None]:
    """Raw data columns of a BioLogic .mpr file, and its acquisition start (ISO 8601).

    ``names`` picks the columns to copy out (all when None; a function gets the file's
    column names and returns those to copy); they come back in their
    stored types (float32 columns as float32) except that the float columns
    :func:`read_mpr` uses are float64. Flag bits come back as their own columns ('mode',
    'ox/red', ...). A name repeated in one file gets ' 2', ' 3' ... appended to its later
    copies. Raises :class:`NakcellFileError` on a damaged file (naming the byte offset or
    the module) and ``_UnknownColumnError`` when a column id is not in
    :data:`nakcell.io._mpr._COLUMN_IDS`.
    """
    cols, meta = _mpr_read(path, names)
    return cols, meta["start_time"]


def _mpr_read(
    path: Path, names: Collection[str] | Callable[[set[str]], Collection[str]] | None
) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """:func:`mpr_columns` with the file's metadata (start time, channel, active mass,
    electrode area: :func:`_mpr_settings`) in place of the start time alone."""
    with open(path, "rb") as f:
        try:
            mm = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        except ValueError:  # an empty file cannot be mapped
            raise NakcellFileError(path, "empty file, not a BioLogic .mpr file") from None
    with mm:
        modules = _mpr_modules(mm, path)
        data = [m for m in modules if m.name == "VMP data"]
        require(len(data) == 1, path, f"{len(data)} 'VMP data' modules, expected one")
        n, ids, first = _data_layout(mm, data[0], path)
        end = data[0].offset + data[0].length
        fields, flags_at, flag_names, off, unread = _record_layout(ids, n, end - first, path)
        require(
            first + n * off == end,
            path,
            f"'VMP data' module holds {end - first} bytes of records, but {n} points of "
            f"{off} bytes need {n * off}",
            f"byte {first}",
        )
        del ids
        cols: dict[str, np.ndarray] = {}
        if callable(names):
            names = names(set(fields) | set(flag_names))
        want = (lambda _: True) if names is None else (lambda c: c in names)
        picked = {c: ft for c, ft in fields.items() if want(c)}
        if flags_at is not None and any(want(c) for c in flag_names):
            picked["flags"] = ("u1", flags_at)
        if picked:
            # (a file without records may not be sized: the fields' own extent then)
            ends = max(o + np.dtype(t).itemsize for t, o in picked.values())
            layout = np.dtype(
                {
                    "names": list(picked),
                    "formats": [t for t, _ in picked.values()],
                    "offsets": [o for _, o in picked.values()],
                    "itemsize": max(off, ends) if n == 0 else off,
                }
            )
            rec = np.frombuffer(mm, dtype=layout, count=n, offset=first)
            for c in picked:
                if c == "flags":
                    continue
                stored = rec.dtype[c]
                out_type = np.float64 if c in _MPR_USED and stored.kind == "f" else stored
                cols[c] = np.array(rec[c], dtype=out_type)
            if "flags" in picked:
                flags = np.array(rec["flags"])
                for c in flag_names:
                    if want(c):
                        mask, shift = _FLAG_BITS[c]
                        cols[c] = (flags & mask) >> shift
                del flags
            del rec
        meta = {"start_time": _mpr_start(mm, modules), **_mpr_settings(mm, modules)}
        if unread:
            meta["unread_columns"] = unread
    return cols, meta


def _mpr_meta_only(path: Path) -> dict[str, Any]:
    """:func:`_mpr_settings` of a file whose data module is read by galvani."""
    with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        return _mpr_settings(mm, _mpr_modules(mm, path))


_HEADER_LINES = re.compile(rb"Nb header lines\s*:\s*(\d+)")


def read_mpt(path: Path) -> CyclerData:
    """Read a BioLogic EC-Lab ASCII export (.mpt): any line ends, latin-1 text, ',' decimals.

    Only the header is held as text; the table is parsed by pandas' C reader straight from
    the open file (only the columns :func:`_to_table` uses), so the file's bytes are never
    all in memory at once.
    """
    import pandas as pd

    with open(path, "rb") as f:
        buf = f.read(_MPT_CHUNK)
        m = _HEADER_LINES.search(buf[:400])
        require(m is not None, path, "EC-Lab ASCII file without 'Nb header lines'", "line 2")
        assert m is not None
        n_header = int(m.group(1))
        require(3 <= n_header <= _MPT_MAX_HEADER, path, f"header says {n_header} lines", "line 2")
        offsets, buf = _line_starts(f, buf, n_header)
        require(
            len(offsets) > n_header,
            path,
            f"header says {n_header} lines but the file has {len(offsets) - 1}",
            "line 2",
        )
        header = buf[: offsets[n_header - 1]].decode("latin-1").splitlines()
        first_row = _EOL.split(buf[offsets[n_header] : offsets[n_header] + 4096], 1)[0]
        comma_decimal = b"," in first_row
        del buf
        f.seek(offsets[n_header - 1])
        with file_errors(path, "EC-Lab ASCII data table"):
            df = pd.read_csv(
                f,
                sep="\t",
                decimal="," if comma_decimal else ".",
                engine="c",
                # the used column names and the numbers are ASCII; decoding as latin-1
                # makes pandas wrap the file in a text decoder (~4x the table in memory),
                # so undecodable header bytes (latin-1 'µ', '²') are replaced instead
                encoding="utf-8",
                encoding_errors="replace",
                usecols=lambda c: str(c).strip() in _MPT_COLUMNS,
                dtype=np.float64,
            )
            require(
                len(df) > 0, path, "EC-Lab ASCII file with no data rows", f"line {n_header + 1}"
            )
            cols = {str(c).strip(): df[c].to_numpy() for c in df.columns}
            del df
            table = _to_table(cols, path)
    return CyclerData(table, "biologic_mpt", str(path), _mpt_meta(header))


def _line_starts(f: BinaryIO, buf: bytes, n: int) -> tuple[list[int], bytes]:
    """Offsets of the first ``n + 1`` line starts of a file (any line ends) and the bytes
    read so far (``buf`` plus more, up to 4 kB past the last offset or the end of file).

    Each byte is scanned once; a trailing '\r' waits for the next read ('\r\n').
    """
    offsets, pos, eof = [0], 0, False
    while True:
        end = len(buf) - 1 if not eof and buf.endswith(b"\r") else len(buf)
        for e in _EOL.finditer(buf, pos, end):
            if len(offsets) > n:
                break
            offsets.append(e.end())
        pos = end
        if (len(offsets) > n and offsets[n] + 4096 <= len(buf)) or eof:
            return offsets, buf
        more = f.read(_MPT_CHUNK)
        eof = not more
        buf += more


#: bytes read at a time while looking for the end of an .mpt header
_MPT_CHUNK = 1 << 16
#: EC-Lab headers run to a few hundred lines; a larger count is a damaged file
_MPT_MAX_HEADER = 100_000


_EOL = re.compile(rb"\r\n|\n|\r")
#: the .mpt columns :func:`_to_table` can use (the others are not parsed)
_MPT_COLUMNS = frozenset(
    {
        "time/s", "Ecell/V", "Ewe/V", "<Ewe>/V", "<Ewe/V>", "mode", "dq/mA.h", "dQ/mA.h",
        "I/mA", "control/V/mA", "control/mA", "freq/Hz", "half cycle", "cycle number", "Ns",
        "(Q-Qo)/mA.h",
    }
)  # fmt: skip


def _mpt_meta(header: list[str]) -> dict[str, Any]:
    meta: dict[str, Any] = {"instrument": "BioLogic"}
    for ln in header:
        key, _, val = ln.partition(":")
        key, val = key.strip(), val.strip()
        if key == "Device":
            meta["instrument"] = f"BioLogic {val.split('(')[0].strip()}"
        elif key == "Run on channel":
            meta["channel"] = val.split("(")[0].strip()
        elif key == "Acquisition started on":
            meta["start_time"] = _mpt_date(val)
        elif key == "Mass of active material":
            meta["active_mass_kg"] = _number_unit(val, {"mg": 1e-6, "g": 1e-3, "µg": 1e-9})
        elif key == "Electrode surface area":
            meta["area_m2"] = _number_unit(val, {"cm²": 1e-4, "cm2": 1e-4, "mm²": 1e-6})
    return _drop_blanks(meta)


def _mpt_date(val: str) -> str | None:
    from datetime import datetime

    for fmt in ("%m/%d/%Y %H:%M:%S.%f", "%m/%d/%Y %H:%M:%S", "%d/%m/%Y %H:%M:%S"):
        try:
            return datetime.strptime(val, fmt).isoformat()
        except ValueError:
            continue
    return None


def _number_unit(val: str, units: Mapping[str, float]) -> float | None:
    parts = val.replace(",", ".").split()
    if len(parts) < 2 or parts[1] not in units:
        return None
    try:
        x = float(parts[0]) * units[parts[1]]
    except ValueError:
        return None
    return x if x > 0 else None


def _take(cols: dict[str, np.ndarray], *names: str) -> np.ndarray | None:
    """Remove the first of ``names`` present from ``cols`` and return it as float64."""
    for n in names:
        if n in cols:
            a = np.asarray(cols.pop(n), dtype=np.float64)
            # pandas hands out read-only views; the table arrays are modified in place
            return a if a.flags.writeable else a.copy()
    return None


def _take_int(cols: dict[str, np.ndarray], name: str) -> np.ndarray | None:
    """Remove ``name`` from ``cols`` and return it as integers (its own integer type, or
    int64 from floats with NaN -> 0)."""
    if name not in cols:
        return None
    a = np.asarray(cols.pop(name))
    if a.dtype.kind in "iub":
        return a
    return np.nan_to_num(a).astype(np.int64)


def _to_table(cols: dict[str, np.ndarray], path: Path) -> Any:
    """The tidy table from EC-Lab columns. Consumes ``cols``: each array is dropped (or
    modified in place) once used, so that only what the table needs is alive when it is
    built (peak memory)."""
    return build_table(**_table_arrays(cols, path))


def _table_arrays(cols: dict[str, np.ndarray], path: Path) -> dict[str, np.ndarray]:
    t = _take(cols, "time/s")
    v = _take(cols, "Ecell/V", "Ewe/V", "<Ewe>/V", "<Ewe/V>")
    require(t is not None, path, "no 'time/s' column")
    require(v is not None, path, "no voltage column ('Ewe/V' or 'Ecell/V')")
    assert t is not None and v is not None
    n = len(t)
    mode = _take_int(cols, "mode")
    rest = None if mode is None else mode == _MODE_REST
    dq_mAh = _take(cols, "dq/mA.h", "dQ/mA.h")
    ctrl = _take(cols, "control/V/mA", "control/mA")
    current = _take(cols, "I/mA")
    if current is not None:
        current *= 1e-3  # mA -> A
    else:
        # No measured current: galvanostatic points carry the set current in 'control/V/mA';
        # elsewhere use the charge passed in the interval, dq/dt (exact on average; EC-Lab
        # exports the same quantity as '<I>/mA').
        current = np.zeros(n)
        if dq_mAh is not None and n > 1:
            dt = current[1:]  # the intervals, then dq/dt in their place (no temporary)
            np.subtract(t[1:], t[:-1], out=dt)
            ok = dt > 0
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                np.divide(dq_mAh[1:], dt, out=dt, where=ok)
            np.copyto(dt, 0.0, where=~ok)
            del dt, ok
            current *= 3.6  # mAh/s -> A
        # np.copyto(where=) rather than boolean indexing: no index arrays, ~3x faster
        if ctrl is not None and mode is not None:
            ctrl *= 1e-3  # mA -> A
            np.copyto(current, ctrl, where=mode == _MODE_CC)
        if rest is not None:
            np.copyto(current, 0.0, where=rest)
    del ctrl
    st = step_type_from_current(current)
    if rest is not None:
        np.copyto(st, REST, where=rest)
    del mode, rest
    freq = _take(cols, "freq/Hz")
    if freq is not None:
        np.copyto(st, OTHER, where=freq > 0)
    del freq
    # a step changes with EC-Lab's sequence number Ns, its half-cycle counter or the type
    half = _take_int(cols, "half cycle")
    keys = [k for k in (_take_int(cols, "Ns"), half) if k is not None]
    step, starts = steps_and_starts(keys, st)
    del keys
    q = _take(cols, "(Q-Qo)/mA.h")
    if q is None and dq_mAh is not None:
        q = np.cumsum(dq_mAh)
    del dq_mAh
    cap = None
    if q is not None:
        q *= 1e-3  # mAh -> Ah
        cap = step_capacity_from_cumulative(q, step, starts=starts)
    del q
    cyc = _take_int(cols, "cycle number")
    if cyc is not None:
        cycle = cyc.astype(np.int64) + 1  # EC-Lab counts cycles from 0
    elif half is not None:
        # .mpr files often lack 'cycle number', but carry EC-Lab's own 'half cycle' counter;
        # its .mpt export writes cycle number = half cycle // 2 (every .mpr/.mpt pair in
        # tests/data/cyclers), so the same measurement has the same cycles in both formats.
        # A partial first cycle (a top-up before the first full half) is flagged by the
        # metrics (cycle_metrics 'complete'), not hidden by renumbering.
        cycle = half.astype(np.int64) // 2 + 1
    else:
        # no instrument counter: cycles from the first substantial direction
        ref = cap if cap is not None else integrate_per_step(t, np.abs(current), step) / 3600
        first = first_direction(st, ref, step, starts=starts)
        cycle = cycles_from_step_types(st, first, starts=starts)
        del ref
    del cyc, half
    cols.clear()
    return {
        "time_s": t,
        "current_A": current,
        "voltage_V": v,
        "cycle": cycle,
        "step": step,
        "step_type": st,
        "capacity_Ah": cap,
    }
