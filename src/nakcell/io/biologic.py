"""BioLogic EC-Lab files: binary .mpr (through galvani) and ASCII .mpt (our own parser).

galvani's ``MPTfile`` insists on CRLF line ends and ASCII text; real .mpt files stored in
git have LF ends and latin-1 headers (``cm²``, ``µA``), so the text export is parsed here.
Both share one column-to-schema step, :func:`_to_table`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, MutableMapping
from pathlib import Path
from typing import Any

import numpy as np

from nakcell.io._guard import file_errors, require
from nakcell.io.table import (
    OTHER,
    REST,
    CyclerData,
    build_table,
    cycles_from_step_types,
    first_direction,
    integrate_per_step,
    running_step,
    step_capacity_from_cumulative,
    step_type_from_current,
)

# BioLogic 'mode' values (EC-Lab manual, "Data file columns"): 1 galvanostatic (CC),
# 2 potentiostatic (CV/CA), 3 rest (OCV).
_MODE_CC, _MODE_CV, _MODE_REST = 1, 2, 3


def read_mpr(path: Path) -> CyclerData:
    """Read a BioLogic .mpr (EC-Lab binary) file.

    Our own column reader (:mod:`nakcell.io._mpr`) copies only the columns the tidy table
    needs out of a memory map of the file; a file holding a column id it does not know is read
    with galvani instead (``meta['reader']`` says which).
    """
    from nakcell.io import _mpr

    with file_errors(path, "BioLogic .mpr file"):
        try:
            raw = _mpr.read_columns(path, _MPR_WANTED)
        except _mpr.UnknownColumnError:
            return _read_mpr_galvani(path)
        require(raw.n_points > 0, path, "BioLogic .mpr file with no data points")
        table = _to_table(raw.columns, path)
        raw.columns.clear()
    start = raw.start_time
    meta = {
        "instrument": "BioLogic",
        "start_time": start.isoformat() if start else None,
        "reader": "nakcell",
    }
    return CyclerData(table, "biologic_mpr", str(path), meta)


def _read_mpr_galvani(path: Path) -> CyclerData:
    from galvani import BioLogic

    with file_errors(path, "BioLogic .mpr file"):
        mpr = BioLogic.MPRfile(str(path))
        d = mpr.data
        require(d is not None and len(d) > 0, path, "BioLogic .mpr file with no data points")
        cols: dict[str, np.ndarray] = {n: np.asarray(d[n]) for n in d.dtype.names}
        if "flags" in cols and "mode" not in cols:
            cols["mode"] = cols["flags"].astype(np.int64) & 3
        table = _to_table(cols, path)
        start = getattr(mpr, "timestamp", None) or getattr(mpr, "startdate", None)
    meta = {
        "instrument": "BioLogic",
        "start_time": start.isoformat() if start else None,
        "reader": "galvani",
    }
    return CyclerData(table, "biologic_mpr", str(path), meta)


_HEADER_LINES = re.compile(rb"Nb header lines\s*:\s*(\d+)")


def read_mpt(path: Path) -> CyclerData:
    """Read a BioLogic EC-Lab ASCII export (.mpt): any line ends, latin-1 text, ',' decimals.

    Only the header is read as text; the table is parsed from the file by numpy's C
    ``loadtxt`` (only the columns :func:`_to_table` uses), or by pandas where the export uses
    decimal commas.
    """
    n_header, offsets, head_bytes = _mpt_header(path)
    header = head_bytes[: offsets[n_header - 1]].decode("latin-1").splitlines()
    names = head_bytes[offsets[n_header - 1] : offsets[n_header]].decode("latin-1")
    names_list = [c.strip() for c in names.rstrip("\r\n").split("\t")]
    first_row = head_bytes[offsets[n_header] : offsets[n_header] + 4096]
    first_row = _EOL.split(first_row)[0]
    comma_decimal = b"," in first_row
    use = [k for k, c in enumerate(names_list) if c in _MPT_COLUMNS]
    require(bool(use), path, "EC-Lab ASCII file without known columns", f"line {n_header}")
    with file_errors(path, "EC-Lab ASCII data table"):
        if comma_decimal:
            cols = _mpt_columns_pandas(path, offsets[n_header - 1], use, names_list)
        else:
            with open(path, "rb") as fh:
                fh.seek(offsets[n_header])
                arr = np.loadtxt(
                    fh, delimiter="\t", usecols=use, dtype=np.float64, ndmin=2, encoding=None
                )
            cols = {names_list[k]: arr[:, j] for j, k in enumerate(use)}
            del arr  # the column views keep it alive until _to_table has used them
        n = len(next(iter(cols.values())))
        require(n > 0, path, "EC-Lab ASCII file with no data rows", f"line {n_header + 1}")
        table = _to_table(cols, path)
    return CyclerData(table, "biologic_mpt", str(path), _mpt_meta(header))


def _mpt_header(path: Path) -> tuple[int, list[int], bytes]:
    """(number of header lines, byte offsets of the first lines, the bytes read so far)."""
    with open(path, "rb") as fh:
        head = fh.read(1 << 16)
        m = _HEADER_LINES.search(head[:400])
        require(m is not None, path, "EC-Lab ASCII file without 'Nb header lines'", "line 2")
        assert m is not None
        n_header = int(m.group(1))
        require(
            3 <= n_header < 100_000, path, f"implausible 'Nb header lines' {n_header}", "line 2"
        )
        while True:
            ends = [mt.end() for mt in _EOL.finditer(head)]
            offsets = [0, *ends[: n_header + 1]]
            if len(offsets) > n_header + 1 or len(head) >= path.stat().st_size:
                break
            more = fh.read(len(head))
            head += more
    # the first data row may still lack its line end when it is the file's last line
    require(
        len(offsets) > n_header,
        path,
        f"header says {n_header} lines but the file has {len(offsets) - 1}",
        "line 2",
    )
    if len(offsets) == n_header + 1:
        offsets.append(len(head))
    return n_header, offsets, head


def _mpt_columns_pandas(
    path: Path, start: int, use: list[int], names: list[str]
) -> dict[str, np.ndarray]:
    import pandas as pd

    with open(path, "rb") as fh:
        fh.seek(start)
        df = pd.read_csv(
            fh,
            sep="\t",
            decimal=",",
            engine="c",
            encoding="latin-1",
            usecols=use,
            dtype=np.float64,
        )
    return {names[k]: df.iloc[:, j].to_numpy() for j, k in enumerate(use)}


_EOL = re.compile(rb"\r\n|\n|\r")
#: the .mpr columns :func:`_to_table` can use ('mode' = the mode bits of the flags byte)
_MPR_WANTED = frozenset(
    {
        "time/s", "Ecell/V", "Ewe/V", "<Ewe>/V", "mode", "dq/mA.h", "dQ/mA.h", "I/mA",
        "control/V/mA", "control/mA", "freq/Hz", "half cycle", "cycle number", "Ns",
        "(Q-Qo)/mA.h",
    }
)  # fmt: skip
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
    return meta


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


def _col(cols: MutableMapping[str, np.ndarray], *names: str) -> np.ndarray | None:
    """Take (remove) the first present of ``names`` from ``cols`` as float64, so the caller
    holds the only reference and it is freed as soon as it is no longer used."""
    for n in names:
        if n in cols:
            a = np.asarray(cols.pop(n), dtype=np.float64)
            return a if a.flags.writeable else a.copy()
    return None


def _int_col(cols: MutableMapping[str, np.ndarray], name: str) -> np.ndarray | None:
    """Take an integer-valued column as int64 (NaN, from a text export, counts as 0)."""
    a = cols.pop(name, None)
    if a is None:
        return None
    a = np.asarray(a)
    if a.dtype.kind in "iu":
        return a.astype(np.int64, copy=False)
    return np.nan_to_num(a.astype(np.float64, copy=False)).astype(np.int64)


def _to_table(cols: MutableMapping[str, np.ndarray], path: Path) -> Any:
    """The tidy table from EC-Lab columns. Consumes ``cols`` (columns are popped and freed as
    they are used, to keep the peak memory near the table's size)."""
    t = _col(cols, "time/s")
    v = _col(cols, "Ecell/V", "Ewe/V", "<Ewe>/V", "<Ewe/V>")
    require(t is not None, path, "no 'time/s' column")
    require(v is not None, path, "no voltage column ('Ewe/V' or 'Ecell/V')")
    assert t is not None and v is not None
    n = len(t)
    mode = _int_col(cols, "mode")
    rest = np.zeros(n, dtype=bool) if mode is None else mode == _MODE_REST
    dq_mAh = _col(cols, "dq/mA.h", "dQ/mA.h")
    i_raw = _col(cols, "I/mA")
    if i_raw is not None:
        current = i_raw
        current *= 1e-3
    else:
        # No measured current: galvanostatic points carry the set current in 'control/V/mA';
        # elsewhere use the charge passed in the interval, dq/dt (exact on average; EC-Lab
        # exports the same quantity as '<I>/mA').
        current = np.zeros(n)
        if dq_mAh is not None and n > 1:
            dt = np.diff(t)
            with np.errstate(divide="ignore", invalid="ignore"):
                np.divide(dq_mAh[1:] * 3.6, dt, out=current[1:], where=dt > 0)
            del dt
        ctrl = _col(cols, "control/V/mA", "control/mA")
        if ctrl is not None and mode is not None:
            cc = mode == _MODE_CC
            current[cc] = ctrl[cc] * 1e-3
            del cc
        del ctrl
        current[rest] = 0.0
    del mode
    st = step_type_from_current(current)
    st[rest] = REST
    del rest
    freq = _col(cols, "freq/Hz")
    if freq is not None:
        st[freq > 0] = OTHER
    del freq
    key = np.zeros(n, dtype=np.int64)
    ns = _int_col(cols, "Ns")
    if ns is not None:
        ns *= 100_000
        key += ns
    del ns
    half = _int_col(cols, "half cycle")
    if half is not None:
        key += half
    del half
    q = _col(cols, "(Q-Qo)/mA.h")
    if q is None and dq_mAh is not None:
        q = np.cumsum(dq_mAh, out=dq_mAh)
    del dq_mAh
    step = running_step(key, st)
    cap = None
    if q is not None:
        cap = step_capacity_from_cumulative(q, step)
        del q
        cap *= 1e-3
    cyc = _int_col(cols, "cycle number")
    if cyc is not None:
        cycle = cyc + 1  # EC-Lab counts cycles from 0
    else:
        # .mpr files often lack 'cycle number'; EC-Lab's 'half cycle' pairs halves from the
        # file's first step, which may be a short top-up, so cycles are counted from the
        # first substantial direction instead (see first_direction).
        ref = cap if cap is not None else integrate_per_step(t, np.abs(current), step) / 3600
        cycle = cycles_from_step_types(st, first_direction(st, ref, step))
        del ref
    return build_table(
        time_s=t,
        current_A=current,
        voltage_V=v,
        cycle=cycle,
        instrument_step=key,
        step_type=st,
        capacity_Ah=cap,
    )
