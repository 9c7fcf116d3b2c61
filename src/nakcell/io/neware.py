"""Neware .nda (binary) and .ndax (zip of XML + binary .ndc) files.

nakcell decodes every version seen in public test data itself, vectorised with numpy
structured dtypes (``meta['reader'] == 'nakcell'``): .nda versions 8, 22, 26, 29 and 130
(BTS 9.0 and 9.1 records), :mod:`._neware_nda`; .ndax with ndc versions 2, 5, 14, 16 and
17, :mod:`._neware_ndc`. Any other version or record type (ndc v11, unknown current
ranges or status codes, ragged pages) is read with NewareNDA (``meta['reader'] ==
'NewareNDA'``), or refused with the reason where NewareNDA cannot read it either.

NewareNDA conventions are kept so the tidy table does not depend on the decoder: 'Step'
counts step-index changes, 'Cycle' is regenerated in NewareNDA's "charge first" mode
(:func:`._neware_common._software_cycle`), rows of an .nda are de-duplicated and ordered
by record index, and gaps in ndc runInfo are filled as NewareNDA's
``_data_interpolation`` does. Where NewareNDA and Neware's own BTSDA export disagree
(ndc v14/16 rows at exactly 0 V, which NewareNDA drops), the export is followed.

Test time is built from the step time 'Time' (see :func:`_test_time`), not from the
wall-clock 'Timestamp', which jumps when the wall clock or a paused channel does.

Memory: a read peaks at 1.2-1.8x the returned table (tracemalloc,
benchmarks/bench_data_readers.py). The .nda map and the .ndc pages are viewed, not copied;
every column is written once, in its final dtype, into a preallocated array or copied out
of the map field by field; the ndc runInfo join is done on one value per runInfo run; the
table takes the arrays without copying them.
"""

from __future__ import annotations

import html
import re
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from nakcell.io._guard import file_errors, require
from nakcell.io._neware_common import STATUS_NAMES, _UnsupportedError
from nakcell.io._neware_nda import decode_nda
from nakcell.io._neware_ndc import decode_ndax
from nakcell.io.table import (
    REST,
    CyclerData,
    build_table,
    run_lengths,
    step_starts,
    step_type_from_current,
)

__all__ = ["STATUS_NAMES", "decode_nda", "decode_ndax", "read_nda", "read_ndax"]


def read_nda(path: Path) -> CyclerData:
    """Read a Neware .nda file (v8, 22, 26, 29, 130 decoded here, others by NewareNDA)."""
    return _read(path, "neware_nda", "Neware .nda file")


def read_ndax(path: Path) -> CyclerData:
    """Read a Neware .ndax file (ndc v2, 5, 14, 16, 17 decoded here, others through NewareNDA)."""
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


_TESTINFO = re.compile(rb"<config\b[^>]*>\s*<TestInfo\b([^>]*?)/?>", re.S)
_ATTR = re.compile(rb'(\w+)="([^"]*)"')


def _ndax_meta(path: Path) -> dict[str, Any]:
    """Channel and procedure name from the attributes of ``config/TestInfo`` in the .ndax's
    TestInfo.xml, where present (never fails the read: a missing or malformed TestInfo
    gives no entries). Only that one element is looked at (a regular expression on its
    start tag, no XML parse of the members: NewareNDA.read_metadata parsed every XML
    member and took 4x the decode's time on small files). Text is GB2312 as Neware
    writes it, undecodable bytes replaced."""
    try:
        with zipfile.ZipFile(path) as zf:
            if "TestInfo.xml" not in zf.namelist():
                return {}
            xml = zf.read("TestInfo.xml")
    except Exception:
        return {}
    m = _TESTINFO.search(xml)
    if m is None:
        return {}
    attrs = {
        k.decode("ascii"): html.unescape(v.decode("gb2312", errors="replace"))
        for k, v in _ATTR.findall(m.group(1))
    }
    out: dict[str, Any] = {}
    if "ChlID" in attrs:
        out["channel"] = attrs["ChlID"]
    if "StepName" in attrs:
        out["procedure"] = attrs["StepName"]
    return out
