"""Arbin files: the MS Access .res database (through Debian's ``mdb-export``) and Arbin's
Excel export (sheets ``Global_Info`` and ``Channel_<n>_<k>``).

Both carry the same columns: Test_Time, Step_Index, Cycle_Index, Current (A), Voltage (V),
Charge_/Discharge_Capacity (Ah) and _Energy (Wh), the latter counted up through each cycle
(not per step), so they are turned into per-step values here.

galvani's ``res2sqlite`` also shells out to mdb-export but copies every table into SQLite
first; reading the one data table as CSV is several times faster (see benchmarks/).
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

import numpy as np

from nakcell.errors import NakcellFileError
from nakcell.io._guard import file_errors, require
from nakcell.io.table import (
    CyclerData,
    build_table,
    running_step,
    step_capacity_from_cumulative,
    step_type_from_current,
)

#: mdb-export gets this long per table before the file is declared unreadable.
MDB_TIMEOUT_S = 60.0
_OLE_EPOCH = datetime(1899, 12, 30)
_T = TypeVar("_T")


def read_res(path: Path) -> CyclerData:
    """Read an Arbin .res file (MS Access) with mdbtools' ``mdb-export``."""
    import pandas as pd

    with file_errors(path, "Arbin .res data table"):
        cols = _mdb_table(
            path, "Channel_Normal_Table", lambda out: _parse_csv_numeric(out, _RES_COLUMNS)
        )
        n = len(next(iter(cols.values()), ()))
        require(n > 0, path, "Arbin .res file with no data points", "Channel_Normal_Table")
        test_id = cols.get("Test_ID")
        if test_id is not None and np.any(test_id != test_id[0]):
            keep = test_id == test_id[0]
            cols = {k: v[keep] for k, v in cols.items()}
        point = cols.get("Data_Point")
        if point is not None and np.any(np.diff(point) < 0):
            order = np.argsort(point, kind="stable")
            cols = {k: v[order] for k, v in cols.items()}
        del test_id, point
        table = _to_table(cols, path)
        del cols
    meta: dict[str, Any] = {"instrument": "Arbin"}
    try:
        g = _mdb_table(path, "Global_Table", _read_csv_or_none)
    except (NakcellFileError, ValueError, pd.errors.ParserError):
        g = None
    if g is not None and len(g):
        row = g.iloc[0]
        if "Channel_Index" in g:
            meta["channel"] = str(row["Channel_Index"])
        if "Start_DateTime" in g and _finite(row["Start_DateTime"]):
            meta["start_time"] = (
                _OLE_EPOCH + timedelta(days=float(row["Start_DateTime"]))
            ).isoformat()
        if "Test_Name" in g:
            meta["test_name"] = str(row["Test_Name"])
        # Arbin stores MASS in g (Arbin MITS Pro manual, "Global Table"); 0 means not set.
        if "MASS" in g and _finite(row["MASS"]) and float(row["MASS"]) > 0:
            meta["active_mass_kg"] = float(row["MASS"]) * 1e-3
    return CyclerData(table, "arbin_res", str(path), meta)


_XLSX_NAMES = {
    "Test_Time(s)": "Test_Time",
    "Current(A)": "Current",
    "Voltage(V)": "Voltage",
    "Charge_Capacity(Ah)": "Charge_Capacity",
    "Discharge_Capacity(Ah)": "Discharge_Capacity",
    "Charge_Energy(Wh)": "Charge_Energy",
    "Discharge_Energy(Wh)": "Discharge_Energy",
    "Step_Index": "Step_Index",
    "Cycle_Index": "Cycle_Index",
}


def read_excel(path: Path) -> CyclerData:
    """Read an Arbin Excel export: every ``Channel_*`` sheet, in order, as one table.

    Each sheet is walked row by row into numpy columns (only those the table uses), see
    :func:`nakcell.io._excel.sheet_columns`.
    """
    from nakcell.io._excel import open_workbook, sheet_columns

    wb = open_workbook(path)
    names = [n for n in wb.sheet_names if n.lower().startswith("channel_")]
    require(bool(names), path, "Arbin workbook without a 'Channel_*' data sheet")
    parts: list[dict[str, np.ndarray]] = []
    first_row: list[Any] = []
    date_col: int | None = None
    with file_errors(path, "Arbin Excel data sheet"):
        for n in names:
            sheet = wb.get_sheet_by_name(n)
            cols, rows, header, first = sheet_columns(sheet, lambda c: c in _XLSX_NAMES)
            if rows:
                parts.append({_XLSX_NAMES[k]: v for k, v in cols.items()})
                if not first_row:
                    first_row = first
                    date_col = header.index("Date_Time") if "Date_Time" in header else None
        require(bool(parts), path, "Arbin workbook whose data sheets are empty", names[0])
        if len(parts) == 1:
            data = parts[0]
        else:
            keys = [k for k in parts[0] if all(k in p for p in parts)]
            data = {k: np.concatenate([p.pop(k) for p in parts]) for k in keys}
        del parts
        table = _to_table(data, path)
        meta: dict[str, Any] = {"instrument": "Arbin", "channel": names[0].split("_")[1]}
        if date_col is not None and date_col < len(first_row):
            stamp = first_row[date_col]
            if isinstance(stamp, datetime):
                meta["start_time"] = stamp.isoformat()
    return CyclerData(table, "arbin_xlsx", str(path), meta)


def _to_table(df: Any, path: Path) -> Any:
    need = ["Test_Time", "Step_Index", "Cycle_Index", "Current", "Voltage"]
    missing = [c for c in need if c not in df]
    require(not missing, path, f"Arbin data without columns {missing}")

    def num(c: str) -> np.ndarray:
        return np.asarray(pd_to_numeric(df[c]), dtype=np.float64)

    current = num("Current")
    st = step_type_from_current(current)
    step_id = num("Step_Index")
    step = running_step(step_id, st)
    cap = en = None
    cycle = num("Cycle_Index")
    # Arbin restarts its capacity and energy counters at each new cycle.
    resets = np.r_[False, cycle[1:] != cycle[:-1]]
    if "Charge_Capacity" in df and "Discharge_Capacity" in df:
        q = num("Charge_Capacity") + num("Discharge_Capacity")
        cap = step_capacity_from_cumulative(q, step, resets)
    if "Charge_Energy" in df and "Discharge_Energy" in df:
        e = num("Charge_Energy") + num("Discharge_Energy")
        en = step_capacity_from_cumulative(e, step, resets)
    return build_table(
        time_s=num("Test_Time"),
        current_A=current,
        voltage_V=num("Voltage"),
        cycle=cycle.astype(np.int64),
        instrument_step=step_id,
        step_type=st,
        capacity_Ah=cap,
        energy_Wh=en,
    )


def pd_to_numeric(s: Any) -> Any:
    import pandas as pd

    return pd.to_numeric(s, errors="coerce")


def _finite(x: Any) -> bool:
    try:
        return bool(np.isfinite(float(x)))
    except (TypeError, ValueError):
        return False


#: the Channel_Normal_Table columns the table is made from (the others are not parsed)
_RES_COLUMNS = frozenset(
    {
        "Test_ID", "Data_Point", "Test_Time", "Step_Index", "Cycle_Index", "Current",
        "Voltage", "Charge_Capacity", "Discharge_Capacity", "Charge_Energy",
        "Discharge_Energy",
    }
)  # fmt: skip


def _mdb_table(path: Path, table: str, parse: Callable[[BinaryIO], _T | None]) -> _T:
    """Run mdb-export on one table of the database and hand its output pipe to ``parse``
    (the CSV text is never held whole in memory); ``parse`` returns None when the output
    is empty. mdb-export is killed after :data:`MDB_TIMEOUT_S`."""
    import tempfile
    import threading

    exe = _mdb_exe(path)
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen([exe, str(path), table], stdout=subprocess.PIPE, stderr=err)
        timer = threading.Timer(MDB_TIMEOUT_S, proc.kill)
        timer.start()
        try:
            assert proc.stdout is not None
            out = parse(proc.stdout)
            proc.stdout.close()
            rc = proc.wait()
        finally:
            timer.cancel()
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        if rc < 0:
            raise NakcellFileError(path, f"mdb-export took over {MDB_TIMEOUT_S:g} s", table)
        if rc != 0 or out is None:
            err.seek(0)
            lines = err.read().decode("latin-1", "replace").strip().splitlines()
            reason = lines[0][:200] if lines else f"exit code {rc}"
            raise NakcellFileError(path, f"not a readable Arbin .res database ({reason})", table)
    return out


def _read_csv_or_none(stream: BinaryIO) -> Any:
    import pandas as pd

    try:
        return pd.read_csv(stream)
    except pd.errors.EmptyDataError:
        return None


def _parse_csv_numeric(stream: Any, columns: frozenset[str]) -> dict[str, np.ndarray] | None:
    """Numeric ``columns`` of mdb-export's CSV from ``stream``: numpy's C ``loadtxt`` on the
    selected columns (a dict of float64 column views of one array), None when there is no
    header. Text in a selected column raises ValueError (-> a NakcellFileError)."""
    head = stream.readline().decode("latin-1").strip()
    if not head:
        return None
    names = [c.strip().strip('"') for c in head.split(",")]
    use = [k for k, c in enumerate(names) if c in columns]
    if not use:
        return {}
    arr = np.loadtxt(stream, delimiter=",", usecols=use, dtype=np.float64, ndmin=2, quotechar='"')
    return {names[k]: arr[:, j] for j, k in enumerate(use)}


def _mdb_exe(path: Path) -> str:
    exe = shutil.which("mdb-export")
    if exe is None:
        raise NakcellFileError(
            path,
            "reading Arbin .res needs mdbtools' mdb-export (Debian: apt-get install mdbtools; "
            "./install.sh --dev does this)",
        )
    return exe
