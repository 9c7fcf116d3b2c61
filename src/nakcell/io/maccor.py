"""Maccor text exports (tab-separated; "Rec"/"Rec#" header line after a free-form header).

Two layouts are known: MacTest's export (header block of ``key<TAB>value`` lines, then
``Rec  Cycle P  Cycle C  Step  TestTime  StepTime  Cap. [Ah]  Ener. [Wh]  Current [A]
Voltage [V]  Md  ES  DPT Time``) and MIMS's .001-style export (a "Today's Date" line, then
``Rec#  Cyc#  Step  Test (Min)  Step (Min)  Amp-hr  Watt-hr  Amps  Volts  State  ES  DPt
Time``). Headers may hold any byte (one real file has 0xFF in its Description), so the text
is read as latin-1. Maccor writes current unsigned with the state (C/D/R) beside it, and
capacity per step.

When the time column carries no unit, the unit (s, min or h) is the one that makes the test
time span match the wall-clock 'DPT Time' span; the choice is recorded in ``meta``.
Maccor raw binary data files are not read (no open specification); export them as text.
"""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path
from typing import Any

import numpy as np

from nakcell.io._guard import file_errors, require
from nakcell.io.table import DISCHARGE, OTHER, REST, STATE_LETTERS, CyclerData, build_table

_ALIASES = {
    "rec": ("Rec", "Rec#"),
    "cycle": ("Cycle C", "Cyc#", "Cycle"),
    "step": ("Step",),
    "time": ("TestTime", "Test (Min)", "Test (Sec)", "Test (Hr)", "Test Time"),
    "capacity": ("Cap. [Ah]", "Amp-hr", "Capacity"),
    "energy": ("Ener. [Wh]", "Watt-hr", "Energy"),
    "current": ("Current [A]", "Amps", "Current"),
    "voltage": ("Voltage [V]", "Volts", "Voltage"),
    "state": ("Md", "State"),
    "wallclock": ("DPT Time", "DPt Time"),
}
_TIME_UNITS = {"(Min)": 60.0, "(Sec)": 1.0, "(Hr)": 3600.0}


def read_text(path: Path) -> CyclerData:
    """Read a Maccor tab-separated text export.

    Only the header block is read as text; pandas parses the data rows from the file itself,
    only the columns the table needs (the state letter as a category), and the wall-clock
    column is read from the first and last data lines alone (it only sets the time unit).
    """
    import pandas as pd

    with open(path, "rb") as fh:
        head = fh.read(65536)
    head_lines = head.decode("latin-1").splitlines(keepends=True)[:200]
    h = next((k for k, ln in enumerate(head_lines) if re.match(r"Rec#?\t", ln)), None)
    require(h is not None, path, "no 'Rec' column header line in the first 200 lines")
    assert h is not None
    offset = len("".join(head_lines[:h]).encode("latin-1"))
    lines = [ln.rstrip("\r\n") for ln in head_lines]
    names = [c.strip() for c in lines[h].split("\t")]
    wanted = {a for key, al in _ALIASES.items() if key != "wallclock" for a in al}
    state_col = next((a for a in _ALIASES["state"] if a in names), None)
    with file_errors(path, "Maccor text data table"):
        with open(path, "rb") as fh:
            fh.seek(offset)
            # a file that fits in the header read is parsed from those bytes (pandas' file
            # reader allocates a fixed ~1 MB buffer, 1000x an 8-row table)
            src = io.BytesIO(head[offset:]) if len(head) < 65536 else fh
            df = pd.read_csv(
                src,
                sep="\t",
                engine="c",
                encoding="latin-1",
                skip_blank_lines=True,
                index_col=False,  # rows end with a tab the header line lacks
                usecols=lambda c: str(c).strip() in wanted,
                dtype={state_col: "category"} if state_col else None,
            )
        df.columns = [str(c).strip() for c in df.columns]
        cols = {
            k: next((a for a in names if a in df.columns), None) for k, names in _ALIASES.items()
        }
        cols["wallclock"] = next((a for a in _ALIASES["wallclock"] if a in names), None)
        missing = [k for k in ("time", "current", "voltage", "state") if cols[k] is None]
        require(not missing, path, f"Maccor header lacks {missing}", f"line {h + 1}")
        rec = df[cols["rec"] or df.columns[0]]
        if rec.dtype.kind not in "iu":  # text rows among the data (e.g. a repeated header)
            df = df[pd.to_numeric(rec, errors="coerce").notna()]
        del rec
        require(len(df) > 0, path, "Maccor file with no data rows", f"line {h + 2}")
        clock = _first_last_field(path, offset, names, cols["wallclock"])
        table, meta = _to_table(df, cols, path, clock)
    meta.update(_header_meta(lines[:h]))
    return CyclerData(table, "maccor_txt", str(path), meta)


def _first_last_field(
    path: Path, offset: int, names: list[str], col: str | None
) -> tuple[str, str] | None:
    """The ``col`` field of the first and of the last data line (read from the file's ends)."""
    if col is None:
        return None
    k = names.index(col)
    with open(path, "rb") as fh:
        fh.seek(offset)
        fh.readline()  # the column header line
        first = next((ln for ln in fh if ln.strip()), b"")
        size = fh.seek(0, 2)
        fh.seek(max(offset, size - 65536))
        tail = [ln for ln in fh.read().splitlines() if ln.strip()]
    if not first or not tail:
        return None
    a, b = first.decode("latin-1").split("\t"), tail[-1].decode("latin-1").split("\t")
    if len(a) <= k or len(b) <= k:
        return None
    return a[k].strip(), b[k].strip()


def _num(df: Any, col: str | None) -> np.ndarray | None:
    import pandas as pd

    if col is None:
        return None
    return pd.to_numeric(df[col], errors="coerce").to_numpy(np.float64)


def _to_table(
    df: Any, cols: dict[str, str | None], path: Path, clock: tuple[str, str] | None
) -> tuple[Any, dict[str, Any]]:
    t_raw = _num(df, cols["time"])
    i_raw = _num(df, cols["current"])
    v = _num(df, cols["voltage"])
    assert t_raw is not None and i_raw is not None and v is not None
    state = df[cols["state"]]
    if not hasattr(state, "cat"):
        state = state.astype(str).astype("category")
    lut = [STATE_LETTERS.get(str(c).strip(), OTHER) for c in state.cat.categories]
    st = np.array(lut, dtype=np.int8)[state.cat.codes.to_numpy()]
    del state
    current = np.abs(i_raw)
    current[st == DISCHARGE] *= -1.0
    current[st == REST] = 0.0
    meta: dict[str, Any] = {"instrument": "Maccor"}
    scale, how = _time_scale(cols, t_raw, clock)
    meta["time_unit_source"] = how
    cyc = _num(df, cols["cycle"])
    step_id = _num(df, cols["step"])
    return (
        build_table(
            time_s=t_raw * scale,
            current_A=current,
            voltage_V=v,
            cycle=np.ones(len(df), np.int64)
            if cyc is None
            else np.nan_to_num(cyc).astype(np.int64),
            instrument_step=st if step_id is None else step_id,
            step_type=st,
            capacity_Ah=_num(df, cols["capacity"]),
            energy_Wh=_num(df, cols["energy"]),
        ),
        meta,
    )


def _time_scale(
    cols: dict[str, str | None], t: np.ndarray, clock: tuple[str, str] | None
) -> tuple[float, str]:
    import pandas as pd

    name = cols["time"] or ""
    for tag, scale in _TIME_UNITS.items():
        if tag in name:
            return scale, f"header {name!r}"
    wc = cols["wallclock"]
    span = float(np.nanmax(t) - np.nanmin(t)) if len(t) else 0.0
    if clock is not None and span > 0:
        # only the span matters: the first and last stamps
        stamps = pd.to_datetime(pd.Series(clock), errors="coerce", format="mixed")
        if stamps.notna().all():
            wall = (stamps.iloc[1] - stamps.iloc[0]).total_seconds()
            tspan = float(t[-1] - t[0])
            if wall > 0 and tspan > 0:
                best = min((abs(np.log(tspan * s / wall)), s, u) for u, s in _SCALES)
                return best[1], f"matched to '{wc}' span ({best[2]})"
    return 60.0, "assumed minutes (no unit in header, no wall clock)"


_SCALES = (("s", 1.0), ("min", 60.0), ("h", 3600.0))


def _header_meta(lines: list[str]) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    for ln in lines:
        key, _, val = ln.partition("\t")
        key, val = key.strip(), val.strip()
        if key == "Channel:":
            meta["channel"] = val
        elif key == "Tester":
            meta["instrument"] = val
        elif key == "Name:":
            meta["test_name"] = val
        elif key == "Procedure":
            meta["procedure"] = val
        elif key == "Started":
            from datetime import datetime

            with contextlib.suppress(ValueError):
                meta["start_time"] = datetime.strptime(val, "%m/%d/%Y %I:%M:%S %p").isoformat()
    return meta
