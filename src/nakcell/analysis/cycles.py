"""Per-step and per-cycle metrics of a tidy cycler table.

Capacity of a step is the largest value of the instrument's per-step counter
(``capacity_Ah``); energy likewise, or the trapezoidal integral of |V I| dt where the file
has no energy column. The mean voltage of a half-cycle is energy / capacity (the
capacity-weighted mean voltage). Coulombic efficiency is the capacity of a cycle's second
direction over its first, in the order they ran within the file's cycles (discharge/charge
for a charge-first full cell, charge/discharge for a discharge-first half cell, as LANDdt
and most testers report it).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from nakcell.io.table import CyclerData, step_starts

_ACTIVE = ("charge", "discharge")


def step_summary(data: CyclerData | pd.DataFrame) -> pd.DataFrame:
    """One row per step: cycle, type, start/end time, duration, capacity, energy, currents,
    voltages (start, end, mean |V| over time)."""
    df = data.data if isinstance(data, CyclerData) else data
    if len(df) == 0:
        return pd.DataFrame()
    with warnings.catch_warnings():  # all-NaN steps (damaged files) give NaN, not warnings
        warnings.simplefilter("ignore", RuntimeWarning)
        return _step_summary(df)


def _step_summary(df: pd.DataFrame) -> pd.DataFrame:
    t = df["time_s"].to_numpy(np.float64)
    i = df["current_A"].to_numpy(np.float64)
    v = df["voltage_V"].to_numpy(np.float64)
    step = df["step"].to_numpy()
    starts = step_starts(step)
    ends = np.r_[starts[1:], len(df)]
    cap = df["capacity_Ah"].to_numpy(np.float64)
    en = df["energy_Wh"].to_numpy(np.float64)
    power_W = np.abs(v * i)
    rows = []
    for a, b in zip(starts, ends, strict=True):
        # a step owns the interval from the previous point to its first point
        lo = a - 1 if a > 0 else a
        ts, vs, is_ = t[a:b], v[a:b], i[a:b]
        dur = ts[-1] - t[lo]
        c = float(np.nanmax(cap[a:b])) if np.isfinite(cap[a:b]).any() else float("nan")
        if np.isfinite(en[a:b]).any():
            e = float(np.nanmax(en[a:b]))
        else:
            e = _step_integral(power_W, t, a, b) / 3600.0
        rows.append(
            {
                "step": int(step[a]),
                "cycle": int(df["cycle"].iat[a]),
                "step_type": str(df["step_type"].iat[a]),
                "start_s": float(t[lo]),
                "end_s": float(ts[-1]),
                "duration_s": float(dur),
                "n_points": int(b - a),
                "capacity_Ah": c,
                # the counter at the step's first point: > 0 where the file starts inside it
                "capacity_start_Ah": float(cap[a]),
                "energy_Wh": e,
                "current_mean_A": _step_mean(i, t, a, b),
                "current_abs_max_A": float(np.nanmax(np.abs(is_))),
                "voltage_start_V": float(vs[0]),
                "voltage_end_V": float(vs[-1]),
                "voltage_abs_mean_V": _step_mean(np.abs(v), t, a, b),
                "voltage_abs_max_V": float(np.nanmax(np.abs(vs))),
            }
        )
    return pd.DataFrame(rows)


def cycle_metrics(
    data: CyclerData | pd.DataFrame,
    *,
    area_m2: float | None = None,
    mass_kg: float | None = None,
) -> list[dict[str, Any]]:
    """Per-cycle capacities (Ah, mAh, mAh/g with a mass, mAh/cm2 with an area), energies,
    mean voltages, coulombic efficiency and retention.

    Retention is a cycle's second-direction capacity over that of the first *complete*
    cycle. The first and the last cycle of a file may be partial (the file starts or ends
    inside a cycle): each row carries ``complete`` and, where False, ``partial_reason``
    (:func:`_partial_reason`); partial cycles get no retention and are never its
    reference. Cycles with no charge and no discharge step (rest only) are left out.
    """
    steps = step_summary(data)
    if steps.empty:
        return []
    active = steps[steps["step_type"].isin(_ACTIVE)]
    if active.empty:
        return []
    first_dir = _first_direction(active)
    second_dir = "discharge" if first_dir == "charge" else "charge"
    out: list[dict[str, Any]] = []
    ref: float | None = None
    for cyc, g in active.groupby("cycle", sort=True):
        row: dict[str, Any] = {"cycle": int(cyc)}
        for kind in _ACTIVE:
            s = g[g["step_type"] == kind]
            q = float(s["capacity_Ah"].sum()) if len(s) else 0.0
            e = float(s["energy_Wh"].sum()) if len(s) else 0.0
            row[f"{kind}_capacity_mAh"] = q * 1e3
            row[f"{kind}_energy_mWh"] = e * 1e3
            row[f"{kind}_mean_voltage_V"] = e / q if q > 0 else None
            row[f"{kind}_time_s"] = float(s["duration_s"].sum()) if len(s) else 0.0
            if mass_kg:
                # mAh/g = (Ah * 1e3) / (kg * 1e3)
                row[f"{kind}_specific_capacity_mAh_g"] = q / mass_kg
            if area_m2:
                # mAh/cm2 = Ah*1e3 / (m2*1e4)
                row[f"{kind}_areal_capacity_mAh_cm2"] = q * 1e3 / (area_m2 * 1e4)
        row["_opens_at_mAh"] = float(g["capacity_start_Ah"].iloc[0]) * 1e3
        q1 = row[f"{first_dir}_capacity_mAh"]
        q2 = row[f"{second_dir}_capacity_mAh"]
        row["coulombic_efficiency_pct"] = 100.0 * q2 / q1 if q1 > 0 and q2 > 0 else None
        out.append(row)
    _flag_partial(out, first_dir, second_dir)
    for row in out:
        row.pop("_opens_at_mAh", None)
        q2 = row[f"{second_dir}_capacity_mAh"]
        if ref is None and row["complete"] and q2 > 0:
            ref = q2
        ok = ref and row["complete"] and q2 > 0
        row["retention_pct"] = 100.0 * q2 / ref if ok else None
    return out


#: an end cycle holding less than this fraction of the typical capacity of a direction
#: was cut by the start or the end of the file
PARTIAL_FRACTION = 0.5


def _flag_partial(rows: list[dict[str, Any]], first_dir: str, second_dir: str) -> None:
    """Set ``complete`` (and ``partial_reason``) on every row; only the first and the last
    cycle of a file can be partial."""
    for row in rows:
        row["complete"] = True
    if not rows:
        return
    keys = [f"{d}_capacity_mAh" for d in (first_dir, second_dir)]
    both = [r for r in rows if all(r[k] > 0 for k in keys)]
    typical = {k: float(np.median([r[k] for r in both])) if both else 0.0 for k in keys}
    ends = [(rows[0], "first")] + ([(rows[-1], "last")] if len(rows) > 1 else [])
    for row, where in ends:
        reason = _partial_reason(row, keys, typical, where)
        if reason:
            row["complete"] = False
            row["partial_reason"] = reason


def _partial_reason(
    row: dict[str, Any], keys: list[str], typical: dict[str, float], where: str
) -> str | None:
    """Why the ``where`` ('first'/'last') cycle of a file is partial, or None: a direction
    missing, or one holding under PARTIAL_FRACTION of its median over the cycles that
    have both directions; for the first, also a first step whose capacity counter does not
    open at zero (the file starts inside it)."""
    opens = row.get("_opens_at_mAh", 0.0)
    if where == "first" and opens == opens and opens > 0.01 * max(row[k] for k in keys):
        return (
            f"first cycle of the file: it starts inside a step (the step's capacity counter "
            f"opens at {opens:.4g} mAh, not 0)"
        )
    for k in keys:
        direction = k.removesuffix("_capacity_mAh")
        if row[k] <= 0:
            return f"{where} cycle of the file has no {direction}"
        if typical[k] > 0 and row[k] < PARTIAL_FRACTION * typical[k]:
            return (
                f"{where} cycle of the file: {direction} {row[k]:.4g} mAh is under "
                f"{PARTIAL_FRACTION:.0%} of the median {typical[k]:.4g} mAh (cut by the file)"
            )
    return None


def _first_direction(active: pd.DataFrame) -> str:
    """The direction that comes first within the file's cycles, so that CE pairs a cycle's
    two halves in the order they ran: the majority over the cycles holding both
    directions (by the cycle numbers the file gives: EC-Lab's half-cycle counter opens
    cycle 2 with the charge after a first, discharge-only, cycle). Without such a cycle,
    the direction of the first active step holding at least half the median capacity."""
    votes: dict[str, int] = {}
    for _, g in active.groupby("cycle", sort=False):
        kinds = g["step_type"].astype(str).tolist()
        if len(set(kinds)) == 2:
            votes[kinds[0]] = votes.get(kinds[0], 0) + 1
    if votes:
        return max(sorted(votes), key=lambda k: votes[k])
    caps = active["capacity_Ah"].fillna(0.0).to_numpy()
    med = float(np.median(caps))
    for kind, c in zip(active["step_type"], caps, strict=True):
        if c >= 0.5 * med:
            return str(kind)
    return str(active["step_type"].iloc[0])


def cell_kind(data: CyclerData | pd.DataFrame) -> str:
    """'symmetric' or 'full', from the data alone.

    A symmetric (plating/stripping) cell's voltage follows the sign of its current and stays
    near zero: with current in both directions, over the points with current,
    sign(V) == sign(I) for >= 90 % and the median |V| < 1 V. A full or half cell keeps one
    voltage sign whatever the current direction, so the agreement is the charge fraction.
    """
    df = data.data if isinstance(data, CyclerData) else data
    st = df["step_type"].astype(str).to_numpy()
    on = np.isin(st, _ACTIVE)
    if not on.any():
        return "full"
    v = df["voltage_V"].to_numpy(np.float64)[on]
    i = df["current_A"].to_numpy(np.float64)[on]
    if not ((i > 0).any() and (i < 0).any()):
        return "full"  # one direction only: nothing says symmetric
    agree = float(np.mean(np.sign(v) == np.sign(i)))
    return "symmetric" if agree >= 0.9 and float(np.nanmedian(np.abs(v))) < 1.0 else "full"


def _trapz(y: np.ndarray, t: np.ndarray) -> float:
    if len(t) < 2:
        return 0.0
    return float(np.sum(0.5 * (y[1:] + y[:-1]) * np.diff(t)))


def _step_integral(y: np.ndarray, t: np.ndarray, a: int, b: int) -> float:
    """Integral of y dt over step [a, b): trapezoid inside, first value on the lead-in."""
    lead = float(y[a] * (t[a] - t[a - 1])) if a > 0 else 0.0
    return _trapz(y[a:b], t[a:b]) + lead


def _step_mean(y: np.ndarray, t: np.ndarray, a: int, b: int) -> float:
    """Time-weighted mean of y over step [a, b) (plain mean for a zero-length step)."""
    dur = t[b - 1] - (t[a - 1] if a > 0 else t[a])
    if dur <= 0:
        return float(np.nanmean(y[a:b]))
    return _step_integral(y, t, a, b) / dur


def _tmean(y: np.ndarray, t: np.ndarray) -> float:
    """Time-weighted mean (plain mean for a single point or zero duration)."""
    dur = t[-1] - t[0] if len(t) else 0.0
    if len(t) < 2 or dur <= 0:
        return float(np.nanmean(y)) if len(y) else float("nan")
    return _trapz(y, t) / dur
