"""Neware .nda (binary) and .ndax (zip of XML + binary) files, read with NewareNDA.

NewareNDA gives step time ('Time', restarting each step), per-step charge and discharge
capacity/energy in mAh/mWh, and the instrument state ('Status': CC_Chg, CC_DChg, Rest,
Pulse, ...). Test time is built from 'Time' (see :func:`_test_time`), not from
'Timestamp', which jumps when the wall clock or a paused channel does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from nakcell.io._guard import file_errors, require
from nakcell.io.table import REST, CyclerData, build_table, step_starts, step_type_from_current


def read_nda(path: Path) -> CyclerData:
    """Read a Neware .nda file.

    Version 130 (BTSDA 9.x) files are decoded by our vectorised reader
    (:mod:`nakcell.io._nda`); other versions by NewareNDA. ``meta['reader']`` says which.
    """
    from nakcell.io import _nda

    what = "Neware .nda file"
    with file_errors(path, what):
        try:
            c = _nda.read_columns(path)
        except _nda.UnsupportedVersionError:
            return _read(path, "neware_nda", what)
        current = c.current_mA
        current *= 1e-3
        st = step_type_from_current(current)
        st[c.status == _nda.REST_CODE] = REST
        cycle = _nda.charge_first_cycles(c.status)
        time_s = _test_time(c.step_time_s, c.step_index)
        cap, en = c.capacity_mAh, c.energy_mWh
        cap *= 1e-3
        en *= 1e-3
        table = build_table(
            time_s=time_s,
            current_A=current,
            voltage_V=c.voltage_V,
            cycle=cycle,
            instrument_step=c.step_index,
            step_type=st,
            capacity_Ah=cap,
            energy_Wh=en,
        )
    meta: dict[str, Any] = {"instrument": "Neware", "reader": "nakcell"}
    if c.start_time is not None:
        meta["start_time"] = c.start_time.isoformat()
    return CyclerData(table, "neware_nda", str(path), meta)


def read_ndax(path: Path) -> CyclerData:
    """Read a Neware .ndax file."""
    return _read(path, "neware_ndax", "Neware .ndax file")


def _read(path: Path, fmt: str, what: str) -> CyclerData:
    import NewareNDA

    with file_errors(path, what):
        df = NewareNDA.read(str(path))
        require(len(df) > 0, path, f"{what} with no data records")
        table = _to_table(df)
        meta: dict[str, Any] = {"instrument": "Neware", "reader": "NewareNDA"}
        ts = df["Timestamp"].iloc[0] if "Timestamp" in df else None
        if ts is not None and str(ts) != "NaT":
            meta["start_time"] = ts.isoformat()
    if fmt == "neware_ndax":
        meta.update(_ndax_meta(path))
    return CyclerData(table, fmt, str(path), meta)


def _to_table(df: Any) -> Any:
    step_id = df["Step"].to_numpy(np.int64)
    step_time = df["Time"].to_numpy(np.float64)
    current = df["Current(mA)"].to_numpy(np.float64) * 1e-3
    st = step_type_from_current(current)
    status = df["Status"]
    if hasattr(status, "cat"):  # categorical: test the few category names, not every row
        rest_codes = [k for k, c in enumerate(status.cat.categories) if "Rest" in str(c)]
        st[np.isin(status.cat.codes.to_numpy(), rest_codes)] = REST
    else:
        st[status.astype(str).str.contains("Rest").to_numpy()] = REST
    time_s = _test_time(step_time, step_id)
    cap = np.abs(df["Charge_Capacity(mAh)"].to_numpy(np.float64)) + np.abs(
        df["Discharge_Capacity(mAh)"].to_numpy(np.float64)
    )
    en = np.abs(df["Charge_Energy(mWh)"].to_numpy(np.float64)) + np.abs(
        df["Discharge_Energy(mWh)"].to_numpy(np.float64)
    )
    return build_table(
        time_s=time_s,
        current_A=current,
        voltage_V=df["Voltage"].to_numpy(np.float64),
        cycle=df["Cycle"].to_numpy(np.int64),
        instrument_step=step_id,
        step_type=st,
        capacity_Ah=cap * 1e-3,
        energy_Wh=en * 1e-3,
    )


def _test_time(time: np.ndarray, step_id: np.ndarray) -> np.ndarray:
    """Test time from NewareNDA's 'Time'.

    Depending on the file version 'Time' is either the test time (never decreasing) or the
    step time (restarting at each step); in the latter case each step's clock is offset by
    the durations of the steps before it.
    """
    if len(time) < 2 or bool(np.all(np.diff(time) >= -1e-3)):
        return time
    starts = step_starts(step_id)
    ends = np.r_[starts[1:] - 1, len(step_id) - 1]
    offsets = np.r_[0.0, np.cumsum(time[ends])[:-1]]
    lengths = np.diff(np.r_[starts, len(step_id)])
    out = time if time.flags.writeable else time.copy()
    out += np.repeat(offsets, lengths)
    return out


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
