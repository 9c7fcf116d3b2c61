"""Neware BTSDA exports: the record table (one row per logged point) that BTSDA writes as
CSV or as the ``record`` sheet of an Excel workbook.

Columns, as BTSDA names them: ``DataPoint``, ``Cycle Index``, ``Step Index``, ``Step
Type`` (``Rest``, ``CC Chg``, ``CC DChg``, ...), ``Time`` (step time) and ``Total Time``
or ``Cumulative Time`` (``h:mm:ss[.fff]``, hours may pass 24, or seconds),
``Current(A|mA)``, ``Voltage(V|mV)``, ``Capacity(Ah|mAh)``, ``Chg. Cap.(..)``, ``DChg.
Cap.(..)``, ``Energy(Wh|mWh)``, ``Chg. Energy(..)``, ``DChg. Energy(..)``. Capacity and
energy restart at each step, as in the binary files; the instrument's cycle index is kept.

BTSDA's layered "regular" export (cycle, step and record rows interleaved, the record
rows shifted right by two empty fields) is refused with the reason: export the record
layer alone.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np

from nakcell.io._guard import require
from nakcell.io.table import REST, CyclerData, build_table, step_type_from_current

#: header (without its unit) -> tidy key; the first one present wins
_KEYS: dict[str, tuple[str, ...]] = {
    "time": ("Total Time", "Cumulative Time"),
    "current": ("Current",),
    "voltage": ("Voltage",),
    "cycle": ("Cycle Index",),
    "step": ("Step Index",),
    "state": ("Step Type",),
    "q_chg": ("Chg. Cap.",),
    "q_dchg": ("DChg. Cap.",),
    "q": ("Capacity",),
    "e_chg": ("Chg. Energy",),
    "e_dchg": ("DChg. Energy",),
    "e": ("Energy",),
}
_UNIT = {"A": 1.0, "mA": 1e-3, "uA": 1e-6, "V": 1.0, "mV": 1e-3, "Ah": 1.0, "mAh": 1e-3}
_UNIT |= {"Wh": 1.0, "mWh": 1e-3, "": 1.0}
_HEADER = re.compile(r"^(.*?)\s*(?:\(([^)]*)\))?$")


def looks_like_bts_record(header: list[str]) -> bool:
    """A BTSDA record table: 'DataPoint', 'Cycle Index', 'Step Type' and a voltage."""
    h = {c.strip() for c in header}
    return {"DataPoint", "Cycle Index", "Step Type"} <= h and any(
        c.startswith("Voltage") for c in h
    )


def looks_like_bts_layered(first_lines: list[str]) -> bool:
    """BTSDA's layered export: a cycle header line, then step and record header lines
    starting with one and two empty fields."""
    return (
        len(first_lines) >= 3
        and first_lines[0].startswith("Cycle Index,")
        and first_lines[1].startswith(",Step Index")
        and first_lines[2].startswith(",,DataPoint")
    )


def read_csv(path: Path) -> CyclerData:
    """Read BTSDA's record table exported as CSV."""
    import pandas as pd

    from nakcell.io._guard import file_errors

    with open(path, "rb") as fh:
        head = fh.read(4096).decode("latin-1").splitlines()
    require(
        not looks_like_bts_layered(head),
        path,
        "Neware BTSDA layered export (cycle, step and record rows in one table) is not "
        "read: export the record layer alone (BTSDA: Export -> record) and read that",
    )
    with file_errors(path, "Neware BTSDA CSV export"):
        df = pd.read_csv(path, encoding="latin-1", dtype={"Step Type": str})
        cols = {str(c).strip(): df[c].to_numpy() for c in df.columns}
        return table_from_columns(path, cols, "neware_bts_csv")


def record_sheet(names: list[str]) -> str | None:
    """The name of a workbook's record sheet ('record', any case), or None."""
    return next((n for n in names if n.strip().lower() == "record"), None)


def read_excel(path: Path) -> CyclerData:
    """Read the ``record`` sheet of a BTSDA Excel export (first row: the headers)."""
    from nakcell.io._excel import open_workbook
    from nakcell.io._guard import file_errors

    wb = open_workbook(path)
    name = record_sheet(list(wb.sheet_names))
    require(name is not None, path, "Neware BTSDA workbook without a 'record' sheet")
    with file_errors(path, "Neware BTSDA Excel export"):
        rows = wb.get_sheet_by_name(name).to_python()
        require(len(rows) > 1, path, "Neware BTSDA export with no data rows", name)
        header = [str(h).strip() for h in rows[0]]
        require(looks_like_bts_record(header), path, "not a BTSDA record sheet", name)
        body = rows[1:]
        raw = {
            h: np.array([r[k] if k < len(r) else None for r in body], dtype=object)
            for k, h in enumerate(header)
            if h
        }
        return table_from_columns(path, raw, "neware_bts_xlsx")


def table_from_columns(path: Path, raw: dict[str, Any], fmt: str) -> CyclerData:
    """The tidy table from a record table's columns (header -> values)."""
    cols = _pick(path, raw)
    require(len(cols["voltage"]) > 0, path, "Neware BTSDA export with no data rows")
    current = cols["current"]
    st = step_type_from_current(current)
    if "state" in cols:
        st[np.char.startswith(cols["state"].astype(str), "Rest")] = REST
    cap = _combined(cols, "q")
    en = _combined(cols, "e")
    return CyclerData(
        build_table(
            time_s=cols["time"],
            current_A=current,
            voltage_V=cols["voltage"],
            cycle=cols["cycle"].astype(np.int64),
            instrument_step=cols["step"].astype(np.int64) if "step" in cols else None,
            step_type=st,
            capacity_Ah=cap,
            energy_Wh=en,
        ),
        fmt,
        str(path),
        {"instrument": "Neware", "reader": "nakcell (BTSDA record export)"},
    )


def _combined(cols: dict[str, np.ndarray], kind: str) -> np.ndarray | None:
    """|charge| + |discharge| where both are exported, else |total| (per step)."""
    if f"{kind}_chg" in cols and f"{kind}_dchg" in cols:
        return np.abs(cols[f"{kind}_chg"]) + np.abs(cols[f"{kind}_dchg"])
    return np.abs(cols[kind]) if kind in cols else None


def _pick(path: Path, raw: dict[str, Any]) -> dict[str, np.ndarray]:
    """Columns by tidy key, numeric ones in SI units (A, V, Ah, Wh, s)."""
    by_name: dict[str, tuple[str, str]] = {}
    for header in raw:
        m = _HEADER.match(header)
        name, unit = (m.group(1), m.group(2) or "") if m else (header, "")
        by_name.setdefault(name.strip(), (header, unit.strip()))
    out: dict[str, np.ndarray] = {}
    for key, names in _KEYS.items():
        hit = next((n for n in names if n in by_name), None)
        if hit is None:
            continue
        header, unit = by_name[hit]
        values = raw[header]
        if key == "state":
            out[key] = np.asarray(values).astype(str)
        elif key == "time":
            out[key] = _seconds(path, header, values)
        elif key in ("cycle", "step"):
            out[key] = _numbers(path, header, values)
        else:
            require(unit in _UNIT, path, f"column {header!r}: unit {unit!r} not known")
            out[key] = _numbers(path, header, values) * _UNIT[unit]
    missing = [k for k in ("time", "current", "voltage", "cycle") if k not in out]
    require(not missing, path, f"Neware BTSDA export without columns for {missing}")
    return out


def _numbers(path: Path, header: str, values: Any) -> np.ndarray:
    import pandas as pd

    x = pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(np.float64)
    bad = np.flatnonzero(~np.isfinite(x))
    require(
        not len(bad),
        path,
        f"column {header!r}: not a number",
        f"row {int(bad[0]) + 2 if len(bad) else 0}",
    )
    return x


def _seconds(path: Path, header: str, values: Any) -> np.ndarray:
    """Seconds from numbers or 'h:mm:ss[.fff]' text (hours may pass 24; 'd' days prefix
    as '1d 02:00:00' or '1 days 02:00:00')."""
    import pandas as pd

    s = pd.Series(values)
    if s.dtype.kind in "if":
        return s.to_numpy(np.float64)
    text = s.astype(str).str.strip()
    parts = text.str.extract(r"^(?:(\d+)\s*d(?:ays?)?\s*)?(\d+):(\d{1,2}):(\d{1,2}(?:\.\d*)?)$")
    nums = parts.apply(pd.to_numeric, errors="coerce")
    bad = np.flatnonzero(nums[[1, 2, 3]].isna().any(axis=1).to_numpy())
    require(
        not len(bad),
        path,
        f"column {header!r}: not a time h:mm:ss",
        f"row {int(bad[0]) + 2 if len(bad) else 0}",
    )
    days = nums[0].fillna(0).to_numpy(np.float64)
    return (
        days * 86400.0
        + nums[1].to_numpy(np.float64) * 3600.0
        + nums[2].to_numpy(np.float64) * 60.0
        + nums[3].to_numpy(np.float64)
    )
