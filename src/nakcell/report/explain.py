"""One line on why a symmetric-cell run stopped early, with the numbers behind it (for the
CLI, the app and the report)."""

from __future__ import annotations

from typing import Any

import numpy as np

from nakcell.constants import F


def _num(v: float) -> str:
    """Two to three significant digits, no trailing zeros (human output)."""
    return f"{v:.3g}" if abs(v) < 1000 else f"{v:.0f}"


def stop_explanation(res: Any, k: int = 0) -> str | None:
    """Why cell ``k`` of a :class:`~nakcell.cell.symmetric.SymmetricResult` stopped, e.g.
    ``"Na depleted after 0.2 h: 10 uL of alloy holds 4.9 mAh/cm2, a half-cycle needs 12.5"``;
    None when it ran the whole protocol."""
    reason = res.stop_reason[k]
    if not reason:
        return None
    cell = res.cells[k if len(res.cells) > 1 else 0]
    t_h = float(res.stop_time[k]) / 3600.0 if np.isfinite(res.stop_time[k]) else float("nan")
    head = f"{reason} after {_num(t_h)} h"
    i = _current_at_stop(res, k)  # A/m2
    if reason == "Na depleted":
        a = cell.anode
        vol_uL = a.thickness * cell.area * 1e9
        holds = a.na_inventory() * F / 3.6 / 1e4  # mAh/cm2
        half = getattr(res.protocol, "half_cycle", None)
        need = f", a half-cycle needs {_num(i * half / 3.6 / 1e4)}" if half else ""
        return f"{head}: {_num(vol_uL)} uL of alloy holds {_num(holds)} mAh/cm2{need}"
    if reason == "voltage limit":
        lim = getattr(res.protocol, "v_limit", None)
        v_ohm = i * cell.bulk_asr()
        tail = f" {_num(lim)} V" if lim else ""
        return (
            f"{head}: |V| reached the limit{tail} at {_num(i / 10)} mA/cm2 (the pellet's bulk "
            f"resistance alone drops {_num(v_ohm)} V)"
        )
    if reason == "short circuit":
        return f"{head}: a metal filament spanned the {_num(cell.thickness * 1e3)} mm pellet"
    if reason == "left liquid field":
        return f"{head}: " + _freeze_detail(res, k, cell, i)
    return head


def _current_at_stop(res: Any, k: int) -> float:
    """|i| (A/m2) of the half-cycle the run stopped in (a CCD's last step, not its first)."""
    cur = np.abs(np.asarray(res.halfcycle_current, dtype=float)[:, k])
    ran = np.flatnonzero(np.isfinite(np.asarray(res.halfcycle_mean_v, dtype=float)[:, k]))
    # the last half-cycle with a mean is the one cut short (its mean covers the part run)
    return float(cur[ran[-1]]) if ran.size else float(res.current_density[k])


def _freeze_detail(res: Any, k: int, cell: Any, i: float) -> str:
    """Which electrode's alloy left the liquid field, where, and the charge moved by then."""
    from nakcell.thermo.activity import liquid_range_x_Na

    T = float(cell.temperature)
    lo, hi = liquid_range_x_Na(T, "Na-K")
    ok = np.flatnonzero(np.isfinite(np.asarray(res.voltage)[:, k]))
    j = int(ok[-1]) if ok.size else 0
    xs = {"one": float(res.x_na_left[j, k]), "other": float(res.x_na_right[j, k])}
    dist = {n: min(abs(x - lo), abs(x - hi)) for n, x in xs.items()}
    name = min(dist, key=dist.__getitem__)
    x = xs[name]
    edge, solid = (
        ("Na-rich", "solid Na forms") if abs(x - hi) < abs(x - lo) else ("K-rich", "solid K forms")
    )
    q = float(res.charge_moved[k]) / 3.6e4  # mAh/cm2 passed (|i| dt, both directions)
    return (
        f"the {'plated' if edge == 'Na-rich' else 'stripped'} electrode's alloy was at "
        f"x_Na {x:.3f} (last recorded step), at the {edge} edge of the liquid field at "
        f"{T - 273.15:.0f} C "
        f"(x_Na {lo:.3f}-{hi:.3f}), so {solid}; {_num(q)} mAh/cm2 had passed at "
        f"{_num(i / 10)} mA/cm2"
    )
