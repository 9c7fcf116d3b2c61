"""The one tidy table every reader returns: :class:`CyclerData`.

Columns (SI or tester-native units as named, one row per recorded point):

==============  ======================================================================
time_s          seconds since the first point of the file (float64, non-decreasing)
current_A       current, positive = charge (oxidation at the working electrode)
voltage_V       cell (or working-electrode) voltage
capacity_Ah     charge passed since the start of the *step*, unsigned (>= 0)
energy_Wh       energy passed since the start of the step, unsigned; NaN where unknown
cycle           the instrument's cycle number (int64)
step            running step index from 1, +1 whenever the instrument's step/state changes
step_type       one of ``STEP_TYPES`` (rest, charge, discharge, other)
==============  ======================================================================

Metadata (``CyclerData.meta``) carries what the file knows: instrument, channel, start
time (ISO 8601), area_m2 and active_mass_kg when the header gives them.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

COLUMNS: tuple[str, ...] = (
    "time_s",
    "current_A",
    "voltage_V",
    "capacity_Ah",
    "energy_Wh",
    "cycle",
    "step",
    "step_type",
)
STEP_TYPES: tuple[str, ...] = ("rest", "charge", "discharge", "other")
#: step types as small-integer codes (index into STEP_TYPES), used inside the readers
REST, CHARGE, DISCHARGE, OTHER = 0, 1, 2, 3
#: testers' state letters (Maccor's state column, the first letter of LAND's) -> step type
STATE_LETTERS: dict[str, int] = {"R": REST, "C": CHARGE, "D": DISCHARGE}

#: the table's column labels and step-type dtype, built once (pandas makes an Index of
#: column names in ~0.1 ms and a CategoricalDtype from a list in ~0.2 ms: per file, on a
#: 1500-point file more than parsing it)
_COLUMN_INDEX = pd.Index(COLUMNS)
_STEP_TYPE_DTYPE = pd.CategoricalDtype(list(STEP_TYPES))

#: |I| below this is treated as rest when a reader has no instrument state column (1 nA).
REST_CURRENT_A = 1e-9


@dataclass
class CyclerData:
    """A cycler file read into the tidy schema (``data``) plus what its header says (``meta``)."""

    data: pd.DataFrame
    format: str
    path: str
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def n_points(self) -> int:
        """Number of recorded points."""
        return len(self.data)

    def __repr__(self) -> str:
        return f"CyclerData(format={self.format!r}, n_points={self.n_points}, path={self.path!r})"


def build_table(
    *,
    time_s: Any,
    current_A: Any,
    voltage_V: Any,
    cycle: Any,
    instrument_step: Any | None = None,
    step_type: Any | None = None,
    capacity_Ah: Any | None = None,
    energy_Wh: Any | None = None,
    step: Any | None = None,
) -> pd.DataFrame:
    """Assemble the tidy table from per-point arrays, filling what the format lacks.

    ``instrument_step`` is anything that changes when the tester moves to another step
    (step number, sequence number, state code); with ``step_type`` it defines ``step``.
    ``step_type`` defaults to the sign of the current. ``capacity_Ah`` must already be
    per-step and unsigned (see :func:`step_capacity_from_cumulative`); when absent it is
    integrated from the current (trapezoidal rule within each step). ``step`` is the
    running step when the reader has already computed it (:func:`running_step` of the same
    ``instrument_step`` and ``step_type``), to save a second pass.

    The table takes ownership of the arrays it is given: writable float64 (int64 for
    ``cycle``) arrays become its columns without a copy and may be changed in place (time
    shifted to start at 0, capacity and energy made unsigned), so a reader's peak memory stays
    near the size of the table. Pass copies of arrays you still need.
    """
    t = _owned(time_s, np.float64)
    i = _owned(current_A, np.float64)
    v = _owned(voltage_V, np.float64)
    n = len(t)
    st = step_type_from_current(i) if step_type is None else as_codes(step_type)
    if step is None:
        key = np.asarray(instrument_step) if instrument_step is not None else np.zeros(n, np.int8)
        step = running_step(key, st)
    else:
        step = _owned(step, np.int64)
        if len(step) != n:
            raise ValueError(f"step has {len(step)} points, time_s has {n}")
    if capacity_Ah is None:
        cap = np.abs(i)
        cap = integrate_per_step(t, cap, step, out=cap)
        cap /= 3600.0
    else:
        cap = _owned(capacity_Ah, np.float64)
        np.abs(cap, out=cap)
    if energy_Wh is None:
        en = np.full(n, np.nan)
    else:
        en = _owned(energy_Wh, np.float64)
        np.abs(en, out=en)
    if n:
        t -= t[0]
    cols = [
        t, i, v, cap, en, _owned(cycle, np.int64), step,
        pd.Categorical.from_codes(st, dtype=_STEP_TYPE_DTYPE),
    ]  # fmt: skip
    return _frame(cols, n)


def _frame(cols: list[Any], n: int) -> pd.DataFrame:
    """The DataFrame of the :data:`COLUMNS` arrays, without copies.

    pandas' block manager is built directly from the arrays with the prebuilt column index,
    one block per column and no consolidation: the dict constructor re-infers the labels
    (0.16 ms, more than parsing a 1500-point .mpr file) and ``DataFrame._from_arrays``
    consolidates, copying the float columns into one 2-D block (time and a second copy of
    the table in memory). These are pandas internals, so the public constructor (same
    result, slower) is the fallback; tests/test_data_table.py checks both agree and that
    no column was copied.
    """
    index = pd.RangeIndex(n)
    try:
        from pandas.core.internals.construction import arrays_to_mgr

        mgr = arrays_to_mgr(cols, _COLUMN_INDEX, index, verify_integrity=False, consolidate=False)
        return pd.DataFrame._from_mgr(mgr, axes=mgr.axes)
    except (ImportError, AttributeError, TypeError):  # pragma: no cover - other pandas
        return _public_frame(cols, n)


def _public_frame(cols: list[Any], n: int) -> pd.DataFrame:
    """:func:`_frame` through pandas' public constructor."""
    data = dict(zip(COLUMNS, cols, strict=True))
    return pd.DataFrame(data, index=pd.RangeIndex(n), copy=False)


def _owned(a: Any, dtype: type) -> np.ndarray:
    """``a`` as a writable contiguous array of ``dtype``; copied only when it is not one."""
    arr = np.asarray(a)
    if arr.dtype != dtype or not arr.flags.writeable or not arr.flags.c_contiguous:
        arr = arr.astype(dtype)
    return arr


def as_codes(step_type: Any) -> np.ndarray:
    """Step types as int8 codes (index into STEP_TYPES), from codes or from names."""
    a = np.asarray(step_type)
    if a.dtype.kind in "iu":
        return a.astype(np.int8, copy=False)
    names = a.astype(str)
    out = np.full(names.shape, OTHER, dtype=np.int8)
    for code, name in enumerate(STEP_TYPES):
        out[names == name] = code
    return out


def step_type_from_current(current_A: np.ndarray, rest_A: float | None = None) -> np.ndarray:
    """rest / charge / discharge codes from the sign of the current.

    The rest threshold is ``rest_A`` or, by default, 0.1 % of the largest |I| in the file
    (and at least :data:`REST_CURRENT_A`), so instrument offset noise at rest is not read
    as charge.
    """
    i = np.asarray(current_A, dtype=np.float64)
    if rest_A is None:
        peak = max(float(i.max()), -float(i.min())) if i.size else 0.0
        if peak != peak:  # NaN points (max/min propagate them; nanmax is 3x slower)
            peak = max(float(np.nanmax(i)), -float(np.nanmin(i))) if np.isfinite(i).any() else 0.0
        rest_A = max(REST_CURRENT_A, 1e-3 * peak)
    # CHARGE = 1 and DISCHARGE = 2: codes from the two comparisons, no index arrays
    out = np.greater(i, rest_A).view(np.int8)
    out += np.less(i, -rest_A).view(np.int8) * np.int8(DISCHARGE)
    return out


def running_step(instrument_step: np.ndarray, step_type: np.ndarray) -> np.ndarray:
    """Running step index (from 1): +1 whenever the instrument step or the step type changes."""
    return steps_and_starts([np.asarray(instrument_step)], step_type)[0]


def steps_and_starts(
    keys: Sequence[np.ndarray], step_type: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Running step index (from 1) and the first index of each step (:func:`step_starts`).

    A step changes whenever any of ``keys`` (the instrument's step number, half-cycle
    counter, ... each in its own dtype) or the step type (when given) changes. The index is
    written run by run from the starts (no cumulative sum of a change mask).
    """
    arrays = [np.asarray(k) for k in keys]
    if step_type is not None:
        arrays.append(as_codes(step_type))
    n = len(arrays[0]) if arrays else 0
    if n == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    change = arrays[0][1:] != arrays[0][:-1]
    for a in arrays[1:]:
        change |= a[1:] != a[:-1]
    starts = _starts_of_changes(change)
    del change
    step = np.repeat(np.arange(1, len(starts) + 1, dtype=np.int64), run_lengths(starts, n))
    return step, starts


def step_starts(step: np.ndarray) -> np.ndarray:
    """Indices where each step begins."""
    s = np.asarray(step)
    if s.size == 0:
        return np.zeros(0, dtype=np.int64)
    return _starts_of_changes(s[1:] != s[:-1])


def _starts_of_changes(change: np.ndarray) -> np.ndarray:
    """Run starts (0 first) from ``change[k]``: point k+1 differs from point k."""
    inner = np.flatnonzero(change)
    out = np.empty(len(inner) + 1, dtype=np.int64)
    out[0] = 0
    np.add(inner, 1, out=out[1:])
    return out


def run_lengths(starts: np.ndarray, n: int) -> np.ndarray:
    """Lengths of the runs beginning at ``starts`` (from :func:`step_starts`) in ``n`` points."""
    out = np.empty(len(starts), dtype=np.int64)
    np.subtract(starts[1:], starts[:-1], out=out[:-1])
    out[-1:] = n - starts[-1:]
    return out


def step_capacity_from_cumulative(
    cumulative: np.ndarray,
    step: np.ndarray,
    resets: np.ndarray | None = None,
    *,
    starts: np.ndarray | None = None,
) -> np.ndarray:
    """Per-step unsigned capacity from a counter that does not restart at every step.

    The charge of the interval before a step's first point belongs to that step (the
    counter's change since the previous point). ``resets`` marks points where the
    instrument restarted the counter from zero (Arbin: each new cycle), where the increment
    is the counter's own value. ``starts`` is :func:`step_starts` of ``step`` when the
    caller has it. Returns a new array.
    """
    q = np.asarray(cumulative, dtype=np.float64)
    n = len(q)
    if n == 0:
        return np.zeros(0)
    starts = step_starts(step) if starts is None else starts
    if resets is None:
        # the counter less its value just before the step (at the first point: itself)
        base = q[np.maximum(starts - 1, 0)]
        out = np.repeat(base, run_lengths(starts, n))
        np.subtract(q, out, out=out)
        return np.abs(out, out=out)
    inc = np.empty(n)
    inc[0] = 0.0
    np.subtract(q[1:], q[:-1], out=inc[1:])
    r = np.asarray(resets, dtype=bool)
    inc[r] = q[r]
    inc[0] = 0.0
    out = _restart_cumsum(inc, step, starts)
    return np.abs(out, out=out)


def _restart_cumsum(
    inc: np.ndarray, step: np.ndarray, starts: np.ndarray | None = None
) -> np.ndarray:
    """Running sum of ``inc`` that restarts at every step, counting each step's first
    increment (the interval leading into it). Works in place on ``inc``."""
    n = len(inc)
    starts = step_starts(step) if starts is None else starts
    first_inc = inc[starts]  # small: one value per step
    total = np.cumsum(inc, out=inc)
    base = total[starts] - first_inc
    total -= np.repeat(base, run_lengths(starts, n))
    return total


def integrate_per_step(
    t: np.ndarray, y: np.ndarray, step: np.ndarray, out: np.ndarray | None = None
) -> np.ndarray:
    """Running integral of ``y`` over ``t`` restarting at each step.

    Trapezoidal within a step; the interval from the previous point to a step's first point
    belongs to the step and is counted at the step's first value (testers switch at the
    step boundary and sample after it), as instrument capacity counters do. ``out`` may be
    ``y`` itself (the result overwrites it).
    """
    t = np.asarray(t, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    n = len(t)
    if n == 0:
        return np.zeros(0)
    starts = step_starts(step)
    inner = starts[starts > 0]
    y_inner = y[inner]  # small: the first value of each step after the first
    # inc[k] = (y[k] + y[k-1]) / 2 * (t[k] - t[k-1]); one temporary, so out may be y
    tmp = np.diff(t)
    tmp *= 0.5
    tmp *= y[1:] + y[:-1]
    inc = np.empty(n) if out is None else out
    inc[1:] = tmp
    del tmp
    inc[0] = 0.0
    inc[inner] = y_inner * (t[inner] - t[inner - 1])
    return _restart_cumsum(inc, step)


def cycles_from_step_types(
    step_type: np.ndarray, first_kind: str | None = None, *, starts: np.ndarray | None = None
) -> np.ndarray:
    """Cycle numbers (from 1) for testers that do not record them.

    A cycle starts with the first active (charge or discharge) step of the file and a new
    one begins each time a step of that same kind follows one of the other kind, so a
    discharge-first test counts discharge+charge as cycle 1 (LANDdt's own convention, as its
    'Cycle' sheet shows). ``first_kind`` overrides the direction that opens a cycle.
    ``starts`` may give the first index of each step (:func:`step_starts` of a running step,
    whose type is constant within a step) to save finding the runs of equal type again.
    """
    st = as_codes(step_type)
    n = len(st)
    # the rule depends only on the sequence of step types: decide it per run of equal
    # types (few) and spread it back over the points (two passes over the points)
    starts = step_starts(st) if starts is None else starts
    kinds = st[starts]
    if len(kinds) <= _FEW_STEPS:
        cycle = _cycles_of_steps_loop(kinds.tolist(), first_kind)
    else:
        cycle = _cycles_of_steps(kinds, first_kind)
    return np.repeat(cycle, run_lengths(starts, n))


#: up to this many steps the per-step rules run as plain Python (each numpy call on a
#: handful of values costs ~5 us, more than the loop); above it, vectorised
_FEW_STEPS = 64


def _cycles_of_steps_loop(kinds: list[int], first_kind: str | None) -> np.ndarray:
    """:func:`_cycles_of_steps` for few steps, as the rule reads."""
    active = [k for k in kinds if k in (CHARGE, DISCHARGE)]
    if not active:
        return np.ones(len(kinds), dtype=np.int64)
    first = active[0] if first_kind is None else STEP_TYPES.index(first_kind)
    other = DISCHARGE if first == CHARGE else CHARGE
    out, cycle, last = [], 1, -1
    for k in kinds:
        if k == first and last == other:
            cycle += 1
        if k in (CHARGE, DISCHARGE):
            last = k
        out.append(cycle)
    return np.array(out, dtype=np.int64)


def _cycles_of_steps(kinds: np.ndarray, first_kind: str | None) -> np.ndarray:
    """Cycle number of each step from the step types (one value per step)."""
    active = (kinds == CHARGE) | (kinds == DISCHARGE)
    if not active.any():
        return np.ones(len(kinds), dtype=np.int64)
    first = int(kinds[np.argmax(active)]) if first_kind is None else STEP_TYPES.index(first_kind)
    other = DISCHARGE if first == CHARGE else CHARGE
    # last active kind seen before each step (forward fill over rests; -1 before any)
    idx = np.where(active, np.arange(len(kinds)), -1)
    np.maximum.accumulate(idx, out=idx)
    last = np.where(idx >= 0, kinds[np.maximum(idx, 0)], -1)
    prev_last = np.empty_like(last)
    prev_last[0] = -1
    prev_last[1:] = last[:-1]
    opens = (kinds == first) & (prev_last == other)
    return 1 + np.cumsum(opens, dtype=np.int64)


def first_direction(
    step_type: np.ndarray,
    capacity_Ah: np.ndarray,
    step: np.ndarray,
    *,
    starts: np.ndarray | None = None,
) -> str:
    """The direction ('charge' or 'discharge') that opens the test's cycles.

    It is that of the first active step passing at least half the median active-step
    capacity, so a short initial top-up or discharge to the start voltage does not decide.
    """
    st = as_codes(step_type)
    cap = np.asarray(capacity_Ah, dtype=np.float64)
    starts = step_starts(step) if starts is None else starts
    if len(starts) == 0:
        return "charge"
    caps = np.fmax.reduceat(cap, starts)  # fmax: NaN points ignored
    kinds = st[starts]
    if len(starts) <= _FEW_STEPS:  # plain Python: few steps cost less than numpy calls
        active = [
            (k, 0.0 if c != c else c)  # an all-NaN step has no capacity
            for k, c in zip(kinds.tolist(), caps.tolist(), strict=True)
            if k in (CHARGE, DISCHARGE)
        ]
        if not active:
            return "charge"
        median = statistics.median(c for _, c in active)
        return STEP_TYPES[next((k for k, c in active if c >= 0.5 * median), active[0][0])]
    np.copyto(caps, 0.0, where=np.isnan(caps))
    on = (kinds == CHARGE) | (kinds == DISCHARGE)
    if not on.any():
        return "charge"
    kinds, caps = kinds[on], caps[on]
    big = np.flatnonzero(caps >= 0.5 * float(np.median(caps)))
    return STEP_TYPES[int(kinds[big[0]] if big.size else kinds[0])]
