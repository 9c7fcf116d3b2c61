"""Any delimited text table (CSV/TSV) with a column mapping.

``mapping`` maps tidy names to the file's headers, optionally with the column's unit after
a colon: ``{"time_s": "Time:h", "current_A": "I:mA", "voltage_V": "Ewe"}``. Without a
mapping the tidy names themselves are looked up (so a table written by nakcell reads back).
Required: time_s, current_A, voltage_V. Optional: capacity_Ah, energy_Wh, cycle, step.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from nakcell.errors import NakcellInputError
from nakcell.io._guard import file_errors, require
from nakcell.io.table import CyclerData, build_table, cycles_from_step_types, step_type_from_current

_SI = {"time_s": "s", "current_A": "A", "voltage_V": "V", "capacity_Ah": "A*h", "energy_Wh": "W*h"}
REQUIRED = ("time_s", "current_A", "voltage_V")
OPTIONAL = ("capacity_Ah", "energy_Wh", "cycle", "step")


def read_csv(path: Path, mapping: Mapping[str, str] | None = None) -> CyclerData:
    """Read a delimited text file with ``mapping`` (tidy name -> 'header' or 'header:unit')."""
    import pandas as pd

    bad = set(mapping or {}) - set(REQUIRED) - set(OPTIONAL)
    if bad:
        raise NakcellInputError(
            "mapping", sorted(bad), f"keys among {', '.join(REQUIRED + OPTIONAL)}"
        )
    raw = path.read_bytes()
    text = raw.decode("utf-8") if _is_utf8(raw) else raw.decode("latin-1")
    with file_errors(path, "delimited text table"):
        try:
            sep = csv.Sniffer().sniff(text[:8192], delimiters=",;\t").delimiter
        except csv.Error:
            sep = ","
        import io

        df = pd.read_csv(io.StringIO(text), sep=sep, engine="c")
        df.columns = [str(c).strip() for c in df.columns]
    require(len(df) > 0, path, "table with no data rows")
    spec = dict(mapping or {k: k for k in REQUIRED + OPTIONAL if k in df.columns})
    missing = [k for k in REQUIRED if k not in spec]
    require(
        not missing,
        path,
        f"no column for {missing}: pass a mapping such as "
        "--map time_s='Time:h' --map current_A='I:mA' --map voltage_V='U'",
    )
    cols: dict[str, np.ndarray] = {}
    for key, target in spec.items():
        header, _, unit = target.partition(":")
        require(header in df.columns, path, f"mapped column {header!r} ({key}) not in the header")
        values = pd.to_numeric(df[header], errors="coerce").to_numpy(np.float64)
        if unit and key in _SI:
            values = values * _factor(unit, _SI[key], key)
        cols[key] = values
    st = step_type_from_current(cols["current_A"])
    cycle = cols.get("cycle")
    return CyclerData(
        build_table(
            time_s=cols["time_s"],
            current_A=cols["current_A"],
            voltage_V=cols["voltage_V"],
            cycle=cycles_from_step_types(st) if cycle is None else np.nan_to_num(cycle),
            instrument_step=cols.get("step"),
            step_type=st,
            capacity_Ah=cols.get("capacity_Ah"),
            energy_Wh=cols.get("energy_Wh"),
        ),
        "csv",
        str(path),
        {"instrument": "unknown (generic table)", "mapping": spec},
    )


def _factor(unit: str, si: str, key: str) -> float:
    from nakcell.units import ureg

    try:
        return float(
            ureg().Quantity(1.0, unit.replace("mAh", "mA*h").replace("Ah", "A*h")).to(si).magnitude
        )
    except Exception as exc:
        raise NakcellInputError(key, repr(unit), f"a unit convertible to {si}") from exc


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
