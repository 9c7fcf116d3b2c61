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
import functools
import io
import operator
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from nakcell.io._guard import file_errors, require
from nakcell.io.table import (
    CHARGE,
    DISCHARGE,
    OTHER,
    REST,
    STATE_LETTERS,
    CyclerData,
    build_table,
    cycles_from_step_types,
    first_direction,
    running_step,
    step_capacity_from_cumulative,
)

_ALIASES = {
    "rec": ("Rec", "Rec#"),
    "cycle": ("Cycle C", "Cyc#", "Cycle"),
    "step": ("Step",),
    "time": ("TestTime", "Test (Min)", "Test (Sec)", "Test (Hr)", "Test Time"),
    "capacity": ("Cap. [Ah]", "Amp-hr", "mAmp-hr", "Capacity"),
    "energy": ("Ener. [Wh]", "Watt-hr", "mWatt-hr", "Energy"),
    "current": ("Current [A]", "Amps", "mAmps", "Current"),
    "voltage": ("Voltage [V]", "Volts", "mVolts", "Voltage"),
    "state": ("Md", "State"),
    "wallclock": ("DPT Time", "DPt Time"),
}
_TIME_UNITS = {"(Min)": 60.0, "(Sec)": 1.0, "(Hr)": 3600.0}
#: MIMS exports written in milli units ('mAmp-hr', 'mWatt-hr', 'mAmps', 'mVolts')
_MILLI = re.compile(r"m(Amp|Watt|Volt)")
#: a test time written as a duration, 'Nd hh:mm:ss[.fff]' (MIMS 'TestTime' without a unit)
_DURATION = re.compile(r"\s*(\d+)d\s+(\d+):(\d+):(\d+(?:[.,]\d*)?)\s*")


def read_text(path: Path) -> CyclerData:
    """Read a Maccor tab-separated text export.

    Only the header block is read as text. The data rows are parsed into the table's own
    float64 / int64 / int8 arrays, reading only the columns the table needs: by pandas' C
    parser straight from the file (in 64 KiB reads), or, for a file that fits in the first
    64 KiB and holds only plain decimal numbers, by plain Python (pandas' fixed cost is
    ~10x that of parsing a few rows). The wall-clock column is read from the first and last
    data lines alone, and only when the time column names no unit.
    """
    with open(path, "rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        # never more than the file: a 64 KiB read of a 2 kB file allocates 64 KiB first
        head = fh.read(min(size, _HEAD) if size > 0 else _HEAD)
    whole = len(head) < _HEAD
    head_lines = head.decode("latin-1").splitlines(keepends=True)[:200]
    h = next((k for k, ln in enumerate(head_lines) if re.match(r"Rec#?\t", ln)), None)
    require(h is not None, path, "no 'Rec' column header line in the first 200 lines")
    assert h is not None
    start = len("".join(head_lines[: h + 1]).encode("latin-1"))  # first byte after 'Rec'
    lines = [ln.rstrip("\r\n") for ln in head_lines[: h + 1]]
    names = [c.strip() for c in lines[h].split("\t")]
    idx = {k: next((names.index(a) for a in al if a in names), None) for k, al in _ALIASES.items()}
    missing = [k for k in ("time", "current", "voltage", "state") if idx[k] is None]
    require(not missing, path, f"Maccor header lacks {missing}", f"line {h + 1}")
    header_meta = _header_meta(lines[:h])
    cols = {k: (names[i] if i is not None else None) for k, i in idx.items()}
    form = _number_form(head[start:], idx)
    data = head[start:] if whole else None
    del head, head_lines, lines  # text no longer needed is freed before the table is built
    with file_errors(path, "Maccor text data table"):
        parsed = (
            _parse_small(data, idx, form)
            if data is not None and data.count(b"\n") <= _SMALL_LINES
            else None
        )
        if parsed is None:
            parsed = _parse_pandas(path, start, data, len(names), idx, form)
        del data
        num, st = parsed
        del parsed
        require(len(st) > 0, path, "Maccor file with no data rows", f"line {h + 2}")
        clock = functools.partial(_first_last_field, path, start, idx["wallclock"])
        table, meta = _to_table(num, st, cols, clock, form)
    meta.update(header_meta)
    return CyclerData(table, "maccor_txt", str(path), meta)


#: bytes read for the header; a file no larger is parsed from them
_HEAD = 65536
#: up to this many data lines (in a file within _HEAD) plain Python parses them; above,
#: pandas' C parser is faster (measured: 74 lines 1.1 vs 2.2 ms, 214 lines 2.3 vs 1.7 ms)
_SMALL_LINES = 120


@dataclass(frozen=True)
class _Form:
    """How the file writes its numbers, decided once from its first data lines."""

    comma: bool = False  # decimal comma ('0,1377')
    duration: bool = False  # test time as 'Nd hh:mm:ss[.fff]'


def _number_form(data: bytes, idx: dict[str, int | None]) -> _Form:
    """The decimal separator and the test-time format of a file, from its first data lines.

    The voltage field always carries a fraction: '3,4512' (and no '.') means decimal
    commas for the whole file (MacTest in a German/French locale). The time field either is
    a number or a duration 'Nd hh:mm:ss'.
    """
    vi, ti = idx["voltage"], idx["time"]
    assert vi is not None and ti is not None
    for ln in data[:_CLOCK_READ].decode("latin-1").splitlines()[:50]:
        f = ln.split("\t")
        if len(f) <= max(vi, ti) or not f[0].strip().isdigit():
            continue
        v = f[vi].strip()
        return _Form(
            comma="," in v and "." not in v,
            duration=_DURATION.fullmatch(f[ti]) is not None,
        )
    return _Form()


def _duration_s(text: str) -> float:
    """Seconds of a MIMS duration 'Nd hh:mm:ss[.fff]' (NaN when it is not one)."""
    try:
        return _split_duration(text)
    except (ValueError, AttributeError, TypeError):
        pass
    m = _DURATION.fullmatch(text) if isinstance(text, str) else None
    if m is None:
        return float("nan")
    d, h, mi, sec = m.groups()
    return ((int(d) * 24 + int(h)) * 60 + int(mi)) * 60 + float(sec.replace(",", "."))


def _durations_s(s: Any) -> np.ndarray:
    """:func:`_duration_s` of a column of strings. The fields, joined, with the day mark
    turned into a ':', are four numeric columns that pandas' C parser splits (~0.1 us a
    field); where any line does not come out as four plain numbers, each field goes
    through :func:`_duration_s` instead."""
    import pandas as pd

    vals = s.tolist()
    n = len(vals)
    try:
        text = "\n".join(vals)  # TypeError where a field is missing (NaN)
        if n == 0 or text.count("d") != n or text.count(":") != 2 * n:
            raise ValueError("not one 'Nd h:m:s' per line")
        parts = pd.read_csv(
            io.StringIO(text.replace("d", ":")),
            sep=":",
            header=None,
            engine="c",
            skipinitialspace=True,
            skip_blank_lines=False,
            dtype=np.float64,  # ValueError on anything but numbers
        ).to_numpy()
    except (TypeError, ValueError, pd.errors.ParserError):
        return np.array([_duration_s(x) for x in vals], dtype=np.float64)
    if parts.shape == (n, 4) and np.isfinite(parts).all() and (parts >= 0).all():
        out = parts[:, 0] * 24.0
        out += parts[:, 1]
        out *= 60.0
        out += parts[:, 2]
        out *= 60.0
        out += parts[:, 3]
        return out
    return np.array([_duration_s(x) for x in vals], dtype=np.float64)


def _split_duration(x: str) -> float:
    """'  1d 10:09:35.47' -> seconds (ValueError when it is not of that shape: the day
    count, hours and minutes integers, the seconds a plain decimal number)."""
    d, sep, rest = x.partition("d")
    h, m, sec = rest.split(":")
    if not sep or not _PLAIN_SECONDS.fullmatch(sec.strip()):
        raise ValueError(x)
    return ((int(d) * 24 + int(h)) * 60 + int(m)) * 60 + float(sec)


#: the seconds field of a duration
_PLAIN_SECONDS = re.compile(r"\d+(?:\.\d*)?")


#: the numeric columns parsed (``rec`` only tells data rows from text rows)
_NUMERIC = ("rec", "cycle", "step", "time", "capacity", "energy", "current", "voltage")
#: a number as the plain-Python path accepts it (anything else goes to pandas, whose
#: reading of 'NA', 'inf', '1_0', ' 1', 20-digit integers ... then decides); at most 15
#: characters, so integers stay exact as float64 and ``float()`` rounds as pandas does
#: (tests/test_data_maccor.py checks it on random such numbers)
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,2})?")


def _parse_small(
    data: bytes, idx: dict[str, int | None], form: _Form | None = None
) -> tuple[dict[str, np.ndarray | None], np.ndarray] | None:
    """Parse the data rows of a small file in plain Python, as pandas would read them.

    Returns None (and pandas decides) unless the text is simple: no quote, NUL or lone CR,
    every numeric field a plain decimal number (:data:`_PLAIN_NUMBER`) or empty (NaN).
    Blank lines are skipped; rows whose ``Rec`` is empty are dropped; missing trailing
    fields are empty, extra ones are ignored (as pandas does with these columns).
    """
    if b'"' in data or b"\x00" in data or data.count(b"\r") != data.count(b"\r\n"):
        return None
    form = form or _Form()
    if form.comma:
        data = data.replace(b",", b".")
    ti = idx["time"] if form.duration else None
    keys = [k for k in _NUMERIC if idx[k] is not None]
    where = [idx[k] for k in keys]
    si = idx["state"]
    assert si is not None
    rows: list[list[float]] = []
    states: list[int] = []
    nan = float("nan")
    match = _PLAIN_NUMBER.fullmatch
    # a whole row's numeric fields checked by one regex (one call a row, not one a
    # field); a row it does not fit takes the field-by-field loop
    plain = [i for i in where if i != ti]
    get = operator.itemgetter(*plain, ti if ti is not None else plain[0])
    whole = re.compile("\t".join([f"(?:{_PLAIN_NUMBER.pattern})?"] * len(plain)))
    top, np_ = max(where), len(plain)
    for ln in data.decode("latin-1").split("\n"):
        if ln.endswith("\r"):
            ln = ln[:-1]
        if not ln:
            continue
        f = ln.split("\t")
        n = len(f)
        row: list[float] | None = None
        if n > top:
            vals = get(f)
            if whole.fullmatch("\t".join(vals[:np_])) and max(map(len, vals[:np_])) <= 15:
                row = [float(v) if v else nan for v in vals[:np_]]
                if ti is not None:
                    row.insert(where.index(ti), _duration_s(vals[-1]) if vals[-1] else nan)
        if row is None:
            row = []
            for i in where:
                v = f[i] if i < n else ""
                if not v:
                    row.append(nan)
                elif i == ti:
                    row.append(_duration_s(v))
                elif len(v) <= 15 and match(v):
                    row.append(float(v))
                else:
                    return None
        if row[0] != row[0]:  # no Rec number: not a data row
            continue
        rows.append(row)
        states.append(STATE_LETTERS.get(f[si].strip(), OTHER) if si < n else OTHER)
    a = np.array(rows, dtype=np.float64).reshape(len(rows), len(keys)).T
    num: dict[str, np.ndarray | None] = dict.fromkeys(_NUMERIC)
    for k, col in zip(keys, a, strict=True):
        num[k] = np.array(col)  # own contiguous copy: the table takes it over
    cyc = num["cycle"]
    if cyc is not None:  # as np.nan_to_num (no inf here), which costs 10x more
        cyc[np.isnan(cyc)] = 0.0
        num["cycle"] = cyc.astype(np.int64)
    return num, np.array(states, dtype=np.int8)


class _Latin1Reads:
    """A binary source read as latin-1 by pandas' C parser, at most 64 KiB at a time.

    The parser takes bytes as UTF-8 and asks for 256 KiB per read, each read a new bytes
    object counted against the table; ``encoding="latin-1"`` would make pandas wrap the
    file in a text decoder (~4x the table in memory). Here a piece holding a non-ASCII byte
    is re-encoded from latin-1 to UTF-8 (the parser then decodes it back to the same text).
    ``first`` is returned before the file's bytes.
    """

    def __init__(self, fh: BinaryIO, first: bytes = b"") -> None:
        self.fh = fh
        self.first = first

    def read(self, n: int = -1) -> bytes:
        if self.first:
            piece, self.first = self.first, b""
            return piece
        piece = self.fh.read(_HEAD if n < 0 else min(n, _HEAD))
        return piece if piece.isascii() else piece.decode("latin-1").encode("utf-8")

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.fh)


def _parse_pandas(
    path: Path,
    start: int,
    data: bytes | None,
    n_names: int,
    idx: dict[str, int | None],
    form: _Form | None = None,
) -> tuple[dict[str, np.ndarray | None], np.ndarray]:
    """Parse the data rows with pandas' C reader, only the needed columns, then move each
    column out of the frame into the table's own array (one column copy at a time)."""
    import pandas as pd

    use = {k: i for k, i in idx.items() if i is not None and k != "wallclock"}
    si = use["state"]
    form = form or _Form()
    with contextlib.ExitStack() as stack:
        if data is not None:
            fh: BinaryIO = io.BytesIO(data)
        else:
            fh = stack.enter_context(open(path, "rb"))
            fh.seek(start)
        # a header line of n_names fields in place of the file's sets the column count
        # (short rows are padded, as with the file's own header); the names are positions
        numbers = "\t".join(map(str, range(n_names))).encode() + b"\n"
        df = pd.read_csv(
            _Latin1Reads(fh, numbers),
            sep="\t",
            engine="c",
            encoding="utf-8",
            header=0,
            names=list(range(n_names)),
            skip_blank_lines=True,
            index_col=False,  # rows end with a tab the header line lacks
            usecols=sorted(use.values()),
            decimal="," if form.comma else ".",
        )
    rec = df[use["rec"]]
    keep = None
    if rec.dtype.kind not in "iu":  # text rows among the data (e.g. a repeated header)
        keep = pd.to_numeric(rec, errors="coerce").notna().to_numpy()
    del rec
    # a large frame gives up each column once it is copied (peak memory near the table);
    # a small one is read in place (pandas' pop costs ~0.8 ms a column, more than parsing
    # a few hundred rows)
    take = df.pop if len(df) > _POP_ROWS else df.__getitem__
    # the state letters by their distinct values (pandas' categorical parse is 2x slower)
    codes, letters = pd.factorize(take(si))
    lut = [STATE_LETTERS.get(str(c).strip(), OTHER) for c in letters]
    # code -1 (an empty state field) is the last entry: OTHER
    st = np.array([*lut, OTHER], dtype=np.int8)[codes]
    del codes
    if keep is not None:
        st = st[keep]
    num: dict[str, np.ndarray | None] = dict.fromkeys(_NUMERIC)
    for k in _NUMERIC:
        i = use.get(k)
        if i is None or k == "rec":
            continue
        s = take(i)  # out of a large frame: freed with ``s`` once copied
        if k == "time" and form.duration:
            a = _durations_s(s)
        elif s.dtype == np.float64 or (k in ("cycle", "step") and s.dtype == np.int64):
            a = s.to_numpy()
        else:
            a = pd.to_numeric(s, errors="coerce").to_numpy(np.float64)
        del s
        if k == "cycle" and a.dtype != np.int64:
            a = np.nan_to_num(a).astype(np.int64)
        if keep is not None:
            a = a[keep]
        elif not a.flags.writeable:  # a view of the frame (copy-on-write): the table needs
            a = a.copy()  # its own arrays, changed in place
        num[k] = a
    del df
    return num, st


#: above this many rows the pandas path pops each column out of the frame
_POP_ROWS = 50_000


#: bytes read from each end of the data for the wall-clock stamps (a few long lines)
_CLOCK_READ = 8192


def _first_last_field(path: Path, start: int, col: int | None) -> tuple[str, str] | None:
    """Field ``col`` of the first and of the last non-blank line after the column header
    (8 KiB read from each end of the data; any line ends)."""
    if col is None:
        return None
    with open(path, "rb") as fh:
        fh.seek(start)
        first = next((ln for ln in fh.read(_CLOCK_READ).splitlines() if ln.strip()), None)
        size = fh.seek(0, 2)
        fh.seek(max(start, size - _CLOCK_READ))
        tail = fh.read().splitlines()
    # the last line that reaches the column (a file may end inside its last row)
    last = next((ln for ln in reversed(tail) if ln.count(b"\t") >= col), None)
    if first is None or last is None:
        return None
    a, b = first.decode("latin-1").split("\t"), last.decode("latin-1").split("\t")
    if len(a) <= col or len(b) <= col:
        return None
    return a[col].strip(), b[col].strip()


def _to_table(
    num: dict[str, np.ndarray | None],
    st: np.ndarray,
    cols: dict[str, str | None],
    clock: Callable[[], tuple[str, str] | None],
    form: _Form | None = None,
) -> tuple[Any, dict[str, Any]]:
    """The tidy table from the parsed columns (which it takes over and changes in place)."""
    t, i, v = num["time"], num["current"], num["voltage"]
    assert t is not None and i is not None and v is not None
    for k in ("capacity", "energy", "current", "voltage"):
        a = num[k]
        if a is not None and _MILLI.match(cols[k] or ""):
            a *= 1e-3
    np.abs(i, out=i)
    i[st == DISCHARGE] *= -1.0
    i[st == REST] = 0.0
    meta: dict[str, Any] = {"instrument": "Maccor"}
    if form is not None and form.duration:
        scale, how = 1.0, f"durations 'Nd hh:mm:ss' in {cols['time']!r}"
    else:
        scale, how = _time_scale(cols, t, clock)
    meta["time_unit_source"] = how
    if form is not None and form.comma:
        meta["decimal_separator"] = ","
    meta["voltage_unit_source"] = _voltage_unit(v, num["capacity"], num["energy"], cols)
    t *= scale
    cyc = num["cycle"]
    step_id = num["step"]
    if cyc is not None and len(cyc) and cyc.min() == cyc.max() and _alternations(st) > 1:
        # the procedure never advanced Maccor's cycle counter ('Adv Cycle'), yet the cell
        # was charged and discharged several times: cycles from the step types instead
        cyc = None
        meta["cycle_source"] = "step types (the file's cycle counter never changes)"
    elif cyc is not None:
        meta["cycle_source"] = f"the file's {cols['cycle']!r}"
    if cyc is None:
        cyc = _cycles_from_states(st, num["capacity"], step_id)
    step = running_step(st if step_id is None else step_id, st)
    cap, en = num["capacity"], num["energy"]
    if cap is not None and _continues(cap, step):
        # MIMS counts charge from the last change of state, not of step (a CV step goes on
        # from its CC step's value): per-step values from the increments
        cap = _per_step(cap, step)
        en = _per_step(en, step) if en is not None else None
        meta["capacity_counter"] = "runs on across steps of one state; made per step"
    return (
        build_table(
            time_s=t,
            current_A=i,
            voltage_V=v,
            cycle=cyc,
            step_type=st,
            capacity_Ah=cap,
            energy_Wh=en,
            step=step,
        ),
        meta,
    )


def _step_edges(step: np.ndarray) -> np.ndarray:
    """Indices k > 0 where a new step begins."""
    return np.flatnonzero(step[1:] != step[:-1]) + 1


def _continues(q: np.ndarray, step: np.ndarray) -> bool:
    """True when the counter goes on from the previous step's last value at some step
    start (it did not drop back towards zero) after a step that had counted charge."""
    k = _step_edges(step)
    prev, now = q[k - 1], q[k]
    return bool(np.any((prev > 0) & (now >= prev)))


def _per_step(q: np.ndarray, step: np.ndarray) -> np.ndarray:
    """Per-step values of a counter that restarts only where it drops (a step starting
    below the previous step's last value restarted it; one that does not went on)."""
    k = _step_edges(step)
    resets = np.zeros(len(q), dtype=bool)
    resets[k[q[k] < q[k - 1]]] = True
    q = np.nan_to_num(q)
    out = step_capacity_from_cumulative(q, step, resets)
    # the file's first step keeps the counter's opening value (a file that starts inside a
    # step, mid-test, opens above 0: the metrics flag that first cycle as partial)
    out[: k[0] if len(k) else len(q)] += abs(q[0]) if len(q) else 0.0
    return out


def _time_scale(
    cols: dict[str, str | None], t: np.ndarray, clock: Callable[[], tuple[str, str] | None]
) -> tuple[float, str]:
    """Seconds per unit of the time column, and how that was decided (``clock()`` gives the
    first and last wall-clock stamps; it is called only when the header names no unit)."""
    name = cols["time"] or ""
    for tag, scale in _TIME_UNITS.items():
        if tag in name:
            return scale, f"header {name!r}"
    wc = cols["wallclock"]
    span = float(np.nanmax(t) - np.nanmin(t)) if len(t) else 0.0
    stamps = clock() if span > 0 else None
    wall = _wall_span(stamps) if stamps is not None else None
    if wall is not None:
        tspan = float(t[-1] - t[0])
        if wall > 0 and tspan > 0:
            best = min((abs(np.log(tspan * s / wall)), s, u) for u, s in _SCALES)
            return best[1], f"matched to '{wc}' span ({best[2]})"
    return 60.0, "assumed minutes (no unit in header, no wall clock)"


def _alternations(st: np.ndarray) -> int:
    """How often the direction of current changes (charge <-> discharge, rests skipped)."""
    act = st[(st == CHARGE) | (st == DISCHARGE)]
    return int(np.count_nonzero(act[1:] != act[:-1])) if len(act) else 0


def _cycles_from_states(
    st: np.ndarray, cap: np.ndarray | None, step_id: np.ndarray | None
) -> np.ndarray:
    """Cycle numbers from the step types, opened by the first substantial direction."""
    if len(st) == 0 or not _alternations(st):
        return np.ones(len(st), np.int64)
    step = running_step(st if step_id is None else step_id, st)
    ref = cap if cap is not None else np.ones(len(st))
    first = first_direction(st, np.nan_to_num(ref), step)
    return cycles_from_step_types(st, first)


_SCALES = (("s", 1.0), ("min", 60.0), ("h", 3600.0))


def _voltage_unit(
    v: np.ndarray, cap: np.ndarray | None, en: np.ndarray | None, cols: dict[str, str | None]
) -> str:
    """Check the voltage column's unit against the file's own energy / capacity counters
    (both per step, so E/Q is the step's mean voltage): V or mV, whichever the header's
    'Volts' does not contradict. A MIMS export in milli units writes 'mAmp-hr', 'mAmps'
    and mV under a plain 'Volts' header (1853.8 'Volts' at rest, 157.28 mWh over
    44.28 mAh = 3.55 V). ``v`` is rescaled in place when the counters say mV."""
    name = cols["voltage"]
    if cap is None or en is None:
        return f"header {name!r}"
    on = (cap > 0) & (en > 0)
    if on.sum() < 3:
        return f"header {name!r}"
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_v = float(np.nanmedian(en[on] / cap[on]))
    col = float(np.nanmedian(np.abs(v[on])))
    if not (mean_v > 0 and col > 0):
        return f"header {name!r}"
    ratio = col / mean_v
    if 0.2 < ratio * 1e-3 < 5.0 and not 0.2 < ratio < 5.0:
        v *= 1e-3
        return f"mV: the column is 1000x the energy/capacity counters' mean voltage ({name!r})"
    return f"header {name!r} (agrees with energy/capacity)"


#: MacTest / MIMS wall-clock stamps ('5/11/2021 3:40:24 PM', '03/31/2016 16:05:31'), tried
#: before pandas' format inference (which reads these the same way, ~30x slower)
_CLOCK_FORMATS = ("%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %H:%M:%S")


def _wall_span(stamps: tuple[str, str]) -> float | None:
    """Seconds from the first to the second wall-clock stamp; None when either is no date."""
    import pandas as pd

    for fmt in _CLOCK_FORMATS:
        try:
            a, b = (datetime.strptime(s, fmt) for s in stamps)
        except ValueError:
            continue
        return (b - a).total_seconds()
    both = pd.to_datetime(pd.Series(stamps), errors="coerce", format="mixed")
    if not both.notna().all():
        return None
    return float((both.iloc[1] - both.iloc[0]).total_seconds())


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
            with contextlib.suppress(ValueError):
                meta["start_time"] = datetime.strptime(val, "%m/%d/%Y %I:%M:%S %p").isoformat()
    return meta
