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
    DISCHARGE,
    OTHER,
    STATE_LETTERS,
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
    """Read a LANDdt Excel export (sheet 'Record'; 'Cycle' adds the active mass).

    The 'Record' sheet is walked row by row (python-calamine's lazy row iterator) into
    preallocated numpy columns, only those the table uses, so no Python object per cell is
    kept and the peak memory stays near the table's size.
    """
    from nakcell.io._excel import open_workbook

    wb = open_workbook(path)
    names = list(wb.sheet_names)
    record = next((n for n in names if n.lower().startswith("record")), None)
    require(record is not None, path, "LAND workbook without a 'Record' sheet")
    assert record is not None
    cyc_sheet = next((n for n in names if n.lower() == "cycle"), None)
    with file_errors(path, "LAND Record sheet"):
        cols, n = _record_columns(wb.get_sheet_by_name(record))
        require(n > 0, path, "LAND 'Record' sheet has no data rows", record)
        table = _to_table(cols, n, path)
    meta: dict[str, Any] = {"instrument": "LAND"}
    if cyc_sheet:
        with file_errors(path, "LAND Cycle sheet"):
            rows = wb.get_sheet_by_name(cyc_sheet).to_python()
        mass = _mass_from_cycle_sheet(rows)
        if mass:
            meta["active_mass_kg"] = mass
            meta["active_mass_source"] = "LAND 'Cycle' sheet: Charge-Cap / Charge-SCap"
    return CyclerData(table, "land_xlsx", str(path), meta)


_STEMS = ("testtime", "current", "voltage", "capacity", "energy", "cycle")


def _record_columns(sheet: Any) -> tuple[dict[str, np.ndarray], int]:
    from nakcell.io._excel import sheet_columns

    def used(name: str) -> bool:
        return name.partition("/")[0].replace(" ", "").lower() in _STEMS

    cols, n, _, _ = sheet_columns(sheet, used, labels=("State",))
    return cols, n


def _find(
    cols: dict[str, np.ndarray], stem: str, units: dict[str, float]
) -> tuple[np.ndarray, float] | None:
    for col in cols:
        name, _, unit = col.partition("/")
        if name.replace(" ", "").lower() == stem.lower() and unit in units:
            return cols[col], units[unit]
    return None


def _to_table(cols: dict[str, np.ndarray], n: int, path: Path) -> Any:
    t = _find(cols, "TestTime", _TIME)
    i = _find(cols, "Current", _CURRENT)
    v = _find(cols, "Voltage", _VOLTAGE)
    require(t is not None, path, "no 'TestTime/<h|min|s>' column", "Record")
    require(i is not None, path, "no 'Current/<A|mA|uA>' column", "Record")
    require(v is not None, path, "no 'Voltage/V' column", "Record")
    assert t is not None and i is not None and v is not None
    current = i[0] * i[1]
    state = cols.get("State")
    if state is not None:
        # state labels R, C_CC, D_CC, C_CV ...: the first letter gives the step type
        lut = np.array([STATE_LETTERS.get(str(x)[:1], OTHER) for x in cols["State names"]])
        st = lut.astype(np.int8)[state]
        # LANDdt records discharge current as negative; make sure of the sign convention.
        np.abs(current, out=current)
        current[st == DISCHARGE] *= -1.0
    else:
        from nakcell.io.table import step_type_from_current

        st = step_type_from_current(current)
    cap = _find(cols, "Capacity", _CAPACITY)
    en = _find(cols, "Energy", _ENERGY)
    cyc = _find(cols, "Cycle", {"": 1.0})
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
