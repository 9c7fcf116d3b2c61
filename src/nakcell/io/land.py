"""LAND (Wuhan LAND / LANHE) test data, as exported by LANDdt to Excel (.xlsx or .xls).

The instrument's own .cex file is a closed binary format that no open-source reader
parses; :func:`nakcell.io.detect.detect_format` refuses it with a message saying to export
Excel from LANDdt. The export's 'Record' sheet holds one row per point with unit-tagged
headers ("TestTime/h", "Current/mA", "Capacity/mAh", "State" = R / C_CC / D_CC / C_CV ...);
columns and units differ between LANDdt versions, so they are looked up by name and unit.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from nakcell.io._guard import file_errors, require
from nakcell.io.table import (
    CHARGE,
    DISCHARGE,
    OTHER,
    REST,
    CyclerData,
    build_table,
    cycles_from_step_types,
)

_TIME = {"h": 3600.0, "min": 60.0, "s": 1.0}
_CURRENT = {"A": 1.0, "mA": 1e-3, "uA": 1e-6, "µA": 1e-6}
_CAPACITY = {"Ah": 1.0, "mAh": 1e-3, "uAh": 1e-6, "µAh": 1e-6}
_ENERGY = {"Wh": 1.0, "mWh": 1e-3, "uWh": 1e-6, "µWh": 1e-6}
_VOLTAGE = {"V": 1.0, "mV": 1e-3}


def read_excel(path: Path) -> CyclerData:
    """Read a LANDdt Excel export (sheet 'Record'; 'Cycle' adds the active mass)."""
    import pandas as pd

    from nakcell.io._excel import read_sheets, sheet_names

    names = sheet_names(path)
    record = next((n for n in names if n.lower().startswith("record")), None)
    require(record is not None, path, "LAND workbook without a 'Record' sheet")
    assert record is not None
    cyc_sheet = next((n for n in names if n.lower() == "cycle"), None)
    sheets = read_sheets(path, [record] + ([cyc_sheet] if cyc_sheet else []))
    rows = sheets[record]
    require(len(rows) > 1, path, "LAND 'Record' sheet has no data rows", record)
    with file_errors(path, "LAND Record sheet"):
        df = pd.DataFrame(rows[1:], columns=[str(c).strip() for c in rows[0]])
        table = _to_table(df, path)
    meta: dict[str, Any] = {"instrument": "LAND"}
    if cyc_sheet:
        mass = _mass_from_cycle_sheet(sheets[cyc_sheet])
        if mass:
            meta["active_mass_kg"] = mass
            meta["active_mass_source"] = "LAND 'Cycle' sheet: Charge-Cap / Charge-SCap"
    return CyclerData(table, "land_xlsx", str(path), meta)


def _find(df: Any, stem: str, units: dict[str, float]) -> tuple[np.ndarray, float] | None:
    import pandas as pd

    for col in df.columns:
        name, _, unit = col.partition("/")
        if name.replace(" ", "").lower() == stem.lower() and unit in units:
            return pd.to_numeric(df[col], errors="coerce").to_numpy(np.float64), units[unit]
    return None


def _to_table(df: Any, path: Path) -> Any:
    t = _find(df, "TestTime", _TIME)
    i = _find(df, "Current", _CURRENT)
    v = _find(df, "Voltage", _VOLTAGE)
    require(t is not None, path, "no 'TestTime/<h|min|s>' column", "Record")
    require(i is not None, path, "no 'Current/<A|mA|uA>' column", "Record")
    require(v is not None, path, "no 'Voltage/V' column", "Record")
    assert t is not None and i is not None and v is not None
    current = i[0] * i[1]
    state = df["State"].astype(str).to_numpy() if "State" in df else None
    if state is not None:
        st = np.full(len(df), OTHER, dtype=np.int8)
        st[np.char.startswith(state.astype(str), "R")] = REST
        st[np.char.startswith(state.astype(str), "C")] = CHARGE
        st[np.char.startswith(state.astype(str), "D")] = DISCHARGE
        # LANDdt records discharge current as negative; make sure of the sign convention.
        current = np.where(st == DISCHARGE, -np.abs(current), current)
        current = np.where(st == CHARGE, np.abs(current), current)
    else:
        from nakcell.io.table import step_type_from_current

        st = step_type_from_current(current)
    cap = _find(df, "Capacity", _CAPACITY)
    en = _find(df, "Energy", _ENERGY)
    cyc = _find(df, "Cycle", {"": 1.0})
    cycle = cyc[0].astype(np.int64) if cyc is not None else cycles_from_step_types(st)
    step_key = state if state is not None else st
    return build_table(
        time_s=t[0] * t[1],
        current_A=current,
        voltage_V=v[0] * v[1],
        cycle=cycle,
        instrument_step=step_key,
        step_type=st,
        capacity_Ah=None if cap is None else cap[0] * cap[1],
        energy_Wh=None if en is None else en[0] * en[1],
    )


def _mass_from_cycle_sheet(rows: list[list[Any]]) -> float | None:
    if len(rows) < 2:
        return None
    head = [str(c) for c in rows[0]]
    try:
        ic, isc = head.index("Charge-Cap/mAh"), head.index("Charge-SCap/mAh/g")
    except ValueError:
        return None
    best: tuple[float, float] | None = None  # the largest capacity has the least rounding
    for r in rows[1:]:
        try:
            cap, scap = float(r[ic]), float(r[isc])
        except (TypeError, ValueError, IndexError):
            continue
        if cap > 0 and scap > 0 and (best is None or cap > best[0]):
            best = (cap, scap)
    return None if best is None else best[0] / best[1] * 1e-3  # mAh/(mAh/g) = g -> kg
