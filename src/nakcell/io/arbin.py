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
    step_capacity_from_cumulative,
    step_type_from_current,
    steps_and_starts,
)

#: mdb-export gets this long per table before the file is declared unreadable.
MDB_TIMEOUT_S = 60.0
_OLE_EPOCH = datetime(1899, 12, 30)
_T = TypeVar("_T")


def read_res(path: Path) -> CyclerData:
    """Read an Arbin .res file (MS Access) with mdbtools' ``mdb-export``."""
    import pandas as pd

    with file_errors(path, "Arbin .res data table"):
        cols, n = _mdb_table(path, "Channel_Normal_Table", _parse_res_columns)
        require(n > 0, path, "Arbin .res file with no data points", "Channel_Normal_Table")
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
            del cols  # the columns now live in parts only, so _to_table can free each
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


def _to_table(cols: dict[str, np.ndarray], path: Path) -> Any:
    """The tidy table from Arbin's columns; ``cols`` is emptied as they are used, so each
    raw column is freed as soon as the table no longer needs it (the peak stays near the
    table's size). ``Q`` / ``E`` may hold Charge_ + Discharge_Capacity / _Energy already
    summed (the .res parser does that per block)."""
    need = ["Test_Time", "Step_Index", "Cycle_Index", "Current", "Voltage"]
    missing = [c for c in need if c not in cols]
    require(not missing, path, f"Arbin data without columns {missing}")

    def num(c: str) -> np.ndarray:
        return np.asarray(pd_to_numeric(cols.pop(c)), dtype=np.float64)

    for total, parts in (("Q", "_Capacity"), ("E", "_Energy")):
        if "Charge" + parts in cols and "Discharge" + parts in cols:
            x = num("Charge" + parts)
            cols[total] = x + num("Discharge" + parts)
            del x
    current = num("Current")
    st = step_type_from_current(current)
    step, starts = steps_and_starts([num("Step_Index")], st)
    cap = en = None
    cycle = num("Cycle_Index")
    # Arbin restarts its capacity and energy counters at each new cycle.
    resets = np.r_[False, cycle[1:] != cycle[:-1]]
    if "Q" in cols:
        cap = step_capacity_from_cumulative(cols.pop("Q"), step, resets, starts=starts)
    if "E" in cols:
        en = step_capacity_from_cumulative(cols.pop("E"), step, resets, starts=starts)
    del resets, starts
    cycle_int = cycle.astype(np.int64)
    del cycle
    return build_table(
        time_s=num("Test_Time"),
        current_A=current,
        voltage_V=num("Voltage"),
        cycle=cycle_int,
        step=step,
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
    """A small table (the Global_Table: a row per test) by pandas; its few bytes are read
    first, since pandas reads a pipe in 256 kB blocks (more than a small data table)."""
    import io

    import pandas as pd

    try:
        return pd.read_csv(io.BytesIO(stream.read()))
    except pd.errors.EmptyDataError:
        return None


#: rows per numpy ``loadtxt`` call on mdb-export's pipe: at least this many, and at most
#: 1/16 of those already read, so the block being parsed stays small next to the columns
_RES_BLOCK_ROWS = 256


def _parse_res_columns(stream: BinaryIO) -> tuple[dict[str, np.ndarray], int] | None:
    """The Channel_Normal_Table columns the table needs, parsed from mdb-export's CSV
    ``stream``, and the number of data rows read; None when there is no header.

    numpy's C ``loadtxt`` parses blocks of rows and each block's columns are copied out
    (Charge_ + Discharge_Capacity summed into ``Q``, the energies into ``E``), so the text
    never exists as one array of every column. Points of another Test_ID than the first
    point's are dropped, and the points are put in Data_Point order when they are not. Text
    in a parsed column raises ValueError (-> a NakcellFileError).
    """
    head = stream.readline().decode("latin-1").strip()
    if not head:
        return None
    names = [c.strip().strip('"') for c in head.split(",")]
    use = [k for k, c in enumerate(names) if c in _RES_COLUMNS]
    if not use:
        return {}, 0
    at = {names[k]: j for j, k in enumerate(use)}  # column -> its position in a block
    plan: list[tuple[str, int, int | None]] = []  # (output, column, column added to it)
    for name in ("Test_Time", "Step_Index", "Cycle_Index", "Current", "Voltage", "Data_Point"):
        if name in at:
            plan.append((name, at[name], None))
    for total, part in (("Q", "_Capacity"), ("E", "_Energy")):
        if "Charge" + part in at and "Discharge" + part in at:
            plan.append((total, at["Charge" + part], at["Discharge" + part]))
    test_col = at.get("Test_ID")
    blocks: dict[str, list[np.ndarray]] = {out: [] for out, _, _ in plan}
    first_test = 0.0
    rows = 0
    while True:
        size = max(_RES_BLOCK_ROWS, rows // 16)
        a = _loadtxt_block(stream, use, size, rows)
        got = len(a)
        if test_col is not None and got:
            if rows == 0:
                first_test = a[0, test_col]
            keep = a[:, test_col] == first_test
            if not keep.all():
                a = a[keep]
        for out, j, plus in plan:
            blocks[out].append(a[:, j].copy() if plus is None else a[:, j] + a[:, plus])
        del a
        rows += got
        if got < size:
            break
    cols: dict[str, np.ndarray] = {}
    for out in list(blocks):  # one column at a time: the blocks of each freed at once
        parts = blocks.pop(out)
        cols[out] = np.concatenate(parts) if len(parts) > 1 else parts[0]
        del parts
    point = cols.pop("Data_Point", None)
    if point is not None and np.any(np.diff(point) < 0):
        order = np.argsort(point, kind="stable")
        del point
        for k in cols:
            cols[k] = cols[k][order]
    return cols, rows


def _loadtxt_block(stream: BinaryIO, use: list[int], size: int, before: int) -> np.ndarray:
    """The next ``size`` rows (fewer at the end) of ``use`` columns, as a 2-D float64 array;
    a conversion error names the row counted from the first data row (``before`` rows
    were read by earlier blocks)."""
    import re
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "input contained no data" at the end
            return np.loadtxt(
                stream,
                delimiter=",",
                usecols=use,
                dtype=np.float64,
                ndmin=2,
                quotechar='"',
                max_rows=size,
            )
    except ValueError as exc:
        msg = re.sub(r"at row (\d+)", lambda m: f"at row {int(m[1]) + before}", str(exc))
        raise ValueError(msg) from None


def _mdb_exe(path: Path) -> str:
    exe = shutil.which("mdb-export")
    if exe is None:
        raise NakcellFileError(
            path,
            "reading Arbin .res needs mdbtools' mdb-export (Debian: apt-get install mdbtools; "
            "./install.sh --dev does this)",
        )
    return exe


#: Arbin CSV header base names the table uses (the unit, where given, follows in brackets)
_CSV_BASE = (
    "Test_Time", "Step_Index", "Cycle_Index", "Current", "Voltage", "Charge_Capacity",
    "Discharge_Capacity", "Charge_Energy", "Discharge_Energy",
)  # fmt: skip
#: unit in a header's brackets -> factor to the SI units of .res (s, A, V, Ah, Wh)
_CSV_UNITS = {
    "s": 1.0, "A": 1.0, "mA": 1e-3, "V": 1.0, "mV": 1e-3, "Ah": 1.0, "mAh": 1e-3,
    "Wh": 1.0, "mWh": 1e-3, "": 1.0,
}  # fmt: skip


def looks_like_arbin_csv(first_line: str) -> bool:
    """An Arbin data-table export: 'Data_Point' and 'Test_Time' headers with current and
    voltage (comma, semicolon or tab separated)."""
    return "Data_Point" in first_line and "Test_Time" in first_line and "Voltage" in first_line


def read_csv(path: Path) -> CyclerData:
    """Read an Arbin data table exported as CSV (MITS Pro / Data Watcher, or the .res
    Channel_Normal_Table written out): the .res column names, with or without units in
    brackets ('Test_Time(s)', 'Current(A)'), separated by ',', ';' or tab; ';' files may
    use a decimal comma. Only the columns the table needs are parsed (pyarrow's CSV reader,
    or pandas' where pyarrow is not installed)."""
    with open(path, "rb") as fh:
        head = fh.read(65536).decode("latin-1")
    lines = head.splitlines()
    require(len(lines) >= 2, path, "Arbin CSV with no data rows")
    first = lines[0]
    sep = max((";", ",", "\t"), key=first.count)
    decimal = "," if sep == ";" and "," in lines[1] else "."
    names = {}
    for h in first.split(sep):
        base, _, unit = h.strip().strip('"').partition("(")
        unit = unit.rstrip(")")
        if base in _CSV_BASE:
            require(unit in _CSV_UNITS, path, f"Arbin CSV column {h!r}: unit {unit!r} unknown")
            names[h.strip().strip('"')] = (base, _CSV_UNITS[unit])
    require(bool(names), path, f"Arbin CSV header without the .res columns {_CSV_BASE[:5]}")
    with file_errors(path, "Arbin CSV table"):
        raw = _csv_columns(path, sep, decimal, list(names))
        require(len(next(iter(raw.values()), [])) > 0, path, "Arbin CSV with no data rows")
        cols: dict[str, np.ndarray] = {}
        for h, (base, factor) in names.items():
            x = raw.pop(h)
            cols[base] = x * factor if factor != 1.0 else x
        table = _to_table(cols, path)
    return CyclerData(table, "arbin_csv", str(path), {"instrument": "Arbin"})


def _csv_columns(path: Path, sep: str, decimal: str, use: list[str]) -> dict[str, np.ndarray]:
    """The columns ``use`` as float64 (an empty cell is NaN; a cell that is not a number
    refuses the file): pyarrow's CSV reader where installed (the ``all`` extra; 4-5x
    pandas' C reader on the shared Arbin CSV, same values), else pandas."""
    try:
        import pyarrow as pa
        from pyarrow import csv as pacsv
    except ImportError:
        pa = None
    if pa is not None:
        convert = pacsv.ConvertOptions(
            include_columns=use,
            decimal_point=decimal,
            column_types=dict.fromkeys(use, pa.float64()),
        )
        # UTF-8 first: another encoding makes pyarrow transcode in Python (10x slower)
        for encoding in ("utf8", "latin-1"):
            try:
                tb = pacsv.read_csv(
                    path,
                    read_options=pacsv.ReadOptions(use_threads=False, encoding=encoding),
                    parse_options=pacsv.ParseOptions(delimiter=sep),
                    convert_options=convert,
                )
                return {c: tb.column(c).to_numpy(zero_copy_only=False) for c in use}
            except (pa.ArrowInvalid, UnicodeDecodeError):
                continue  # bad UTF-8, or a cell that is not a number: next try, pandas
    import pandas as pd

    # a cell that is not a number raises here (ValueError naming it): refused, not NaN
    df = pd.read_csv(
        path, sep=sep, decimal=decimal, usecols=use, encoding="latin-1", dtype=np.float64
    )
    return {c: df[c].to_numpy(np.float64) for c in use}
