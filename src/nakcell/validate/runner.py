"""Run the model at each published point's conditions and compare (no physics here).

Interface resistances come from :func:`nakcell.cell.symmetric.interface_asr` (one electrode
interface at assembly). Critical current densities come from :func:`simulate_symmetric` with
a :class:`~nakcell.protocols.SteppedCCD` ramp (the row's ``model_ramp_mA_cm2`` and
``half_cycle_h``), stripping limits from a one-way current ramp
(:class:`~nakcell.protocols.StepSequence`), the stripping limit's activation energy from an
Arrhenius fit of those limits at the row's temperatures, its pressure exponent from a
log-log fit over the row's stack pressures, and hysteresis from a
:class:`~nakcell.protocols.Galvanostatic` run. Cells that share a protocol are simulated as
one batch.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from nakcell.constants import F, R
from nakcell.materials import CELLS, Cell
from nakcell.validate.cells import build_cell
from nakcell.validate.published import TRENDS, Point

# One-way ramp: the stripping limit is the first current at which |V|/j exceeds this multiple
# of its value at the first step (the voltage has left its linear, ohmic-kinetic course), or at
# which the run stops (voltage limit, short). An operational reading of Lowack et al.'s "the
# voltage no longer increases linearly but in an exponential fashion" (arXiv:2603.23340).
NONLINEAR_FACTOR = 1.5
K_B_EV = R / F  # Boltzmann constant in eV/K

Progress = Callable[[str], None]


@dataclass
class Outcome:
    """Model vs published for one point."""

    point: Point
    model: float | None = None
    bound: str = ""  # "" (a value), ">=" (no failure up to it), "<" (failed at the first step)
    note: str = ""
    derived_role: str = "check"

    @property
    def covered(self) -> bool:
        return self.model is not None

    @property
    def inside_range(self) -> bool | None:
        """True/False where the model result decides it; None where not covered or undecided."""
        p, m = self.point, self.model
        if m is None:
            return None
        if self.bound == ">=":
            if p.high is not None and m > p.high:
                return False
            return True if p.high is None and (p.low is None or m >= p.low) else None
        if self.bound == "<":
            if p.low is not None and m <= p.low:
                return False
            return True if p.low is None and (p.high is None or m <= p.high) else None
        return p.contains(m)

    @property
    def ratio(self) -> float | None:
        if self.model is None or self.point.value == 0:
            return None
        return self.model / self.point.value

    def to_dict(self) -> dict[str, Any]:
        p = self.point
        return {
            "id": p.id,
            "source": p.source,
            "where": p.where,
            "system": f"{p.metal} | {p.electrolyte} ({p.treatment})",
            "quantity": p.quantity,
            "unit": p.unit,
            "conditions": _conditions(p),
            "published": p.value,
            "low": p.low,
            "high": p.high,
            "range_basis": p.range_basis,
            "model": self.model,
            "model_bound": self.bound or None,
            "ratio": self.ratio,
            "inside_range": self.inside_range,
            "role": p.role,
            "role_from_model_sources": self.derived_role,
            "model_note": self.note or None,
        }


def _conditions(p: Point) -> str:
    parts = [f"{'/'.join(f'{t:g}' for t in p.temperatures_C)} degC"]
    if p.pressures_MPa:
        parts.append(f"{'/'.join(f'{x:g}' for x in p.pressures_MPa)} MPa")
    if p.current_mA_cm2 is not None:
        parts.append(f"{p.current_mA_cm2:g} mA/cm2")
    if p.half_cycle_h is not None:
        parts.append(f"{p.half_cycle_h:g} h steps")
    return ", ".join(parts)


# --------------------------------------------------------------------- model runs
V_LIMIT = 5.0  # V, the least tester limit of the protocols here (the engine's default)
TESTER_HEADROOM = 2.0  # the limit is at least this multiple of the cell's linear voltage


def _linear_asr(cell: Cell) -> float:
    """The cell's linear resistance 2 R_int + R_bulk at assembly (ohm m2)."""
    from nakcell.cell.symmetric import interface_asr

    d = interface_asr(cell)
    return float(2.0 * d["interface_asr"] + d["bulk_asr"])


def _tester_limit(cells: Sequence[Cell], j_top_mA: float) -> float:
    """A tester limit (V) that the cells' own linear voltage never reaches on the ramp:
    max(5 V, 2 j_top (2 R_int + R_bulk)). Failure is then read from the voltage leaving its
    linear course (or a short), never from the ohmic drop of a preset resistance reaching a
    fixed limit: most rows give no interface resistance, so the model's preset can be far
    above the paper's own cell (bare NZSP: 2 x 2708 ohm cm2), and a fixed 5 V would stop the
    model cell where the paper's cell ran on."""
    worst = max(_linear_asr(c) for c in cells)
    return max(V_LIMIT, TESTER_HEADROOM * j_top_mA * 10.0 * worst)


def _simulate(cells: Sequence[Cell], protocol: Any) -> Any:
    from nakcell.cell.symmetric import simulate_symmetric

    return simulate_symmetric(list(cells), protocol)


def _ran_out(why: str | None) -> bool:
    """Whether a run stopped because an electrode ran out of metal or left its liquid field:
    the loading or the protocol ended it, not a failure of the interface."""
    return bool(why) and any(w in str(why) for w in ("deplet", "exhaust", "liquid field"))


def _departure(v: np.ndarray, levels: np.ndarray) -> int | None:
    """Index of the first level whose |V|/j exceeds NONLINEAR_FACTOR x its value at the first
    level, or where the run had stopped (no voltage); None if the whole ramp stayed linear."""
    r = np.abs(v) / levels
    bad = ~np.isfinite(r) | (r > NONLINEAR_FACTOR * r[0])
    return int(np.argmax(bad)) if bad.any() else None


def _ccd_batch(cells: Sequence[Cell], ramp: tuple[float, float, float], half_h: float) -> list:
    """CCD: the last level completed before the voltage left its linear course (or a stop)."""
    from nakcell.protocols import SteppedCCD

    a, b, c = ramp
    proto = SteppedCCD(
        start=a * 10,
        step=b * 10,
        stop=c * 10,
        half_cycle=half_h * 3600,
        v_limit=_tester_limit(cells, c),
    )
    res = _simulate(cells, proto)
    levels = proto.levels / 10.0  # mA/cm2
    per_level = np.abs(res.halfcycle_mean_v).reshape(levels.size, -1, len(cells))
    with np.errstate(invalid="ignore"):
        v = per_level.mean(axis=1)  # NaN where a half-cycle of the level did not complete
    out = []
    for k in range(len(cells)):
        why = res.stop_reason[k] or ""
        i = _departure(v[:, k], levels)
        if i is None:
            out.append((float(levels[-1]), ">=", "no failure up to the last step"))
        elif not np.isfinite(v[i, k]) and _ran_out(why):
            out.append((None, "", f"not determined: {why} at {levels[i]:g} mA/cm2"))
        elif i == 0:
            out.append((a, "<", f"failed at the first step ({why or 'voltage left linear'})"))
        else:
            out.append((float(levels[i - 1]), "", _failure(why, v[i, k])))
    return out


def _failure(why: str, v_at_failure: float) -> str:
    """What ended the linear course: the engine's stop reason, or a resistance rise."""
    if np.isfinite(v_at_failure):
        return f"|V|/j above {NONLINEAR_FACTOR:g} x its first-step value"
    return why or "stopped"


def _ramp_batch(cells: Sequence[Cell], ramp: tuple[float, float, float], step_h: float) -> list:
    """Stripping limit: the first step whose |V|/j left its linear course (or a stop)."""
    from nakcell.protocols import StepSequence

    a, b, c = ramp
    levels = np.arange(a, c + 0.5 * b, b)
    proto = StepSequence(
        durations=tuple([step_h * 3600] * levels.size),
        current_densities=tuple(float(x) * 10 for x in levels),
        v_limit=_tester_limit(cells, c),
    )
    res = _simulate(cells, proto)
    v = np.abs(res.halfcycle_mean_v)  # (n_steps, n)
    out = []
    for k in range(len(cells)):
        why = res.stop_reason[k] or ""
        i = _departure(v[:, k], levels)
        if i is None:
            out.append((float(levels[-1]), ">=", "linear up to the last step"))
        elif i == 0 and not np.isfinite(v[0, k]):
            out.append((a, "<", f"stopped in the first step ({why})"))
        elif not np.isfinite(v[i, k]) and _ran_out(why):
            why = f"{why} at {levels[i]:g} mA/cm2 (the loading, not a failure)"
            out.append((float(levels[i - 1]), ">=", why) if i else (None, "", why))
        else:
            out.append((float(levels[i]), "", _failure(why, v[i, k])))
    return out


SLOWER = 4  # the second ramp of the quasi-static limit: steps SLOWER times smaller


def _quasi_static_batch(
    cells: Sequence[Cell], ramp: tuple[float, float, float], step_h: float
) -> list:
    """Stripping limit at zero ramp rate, from the ramp and one SLOWER times slower.

    On a ramp the voids need time to grow before the voltage shows them, so the detected limit
    lags the onset by a current that grows as sqrt(ramp rate): the contact lost is the
    integral of (i - j_lim) dt = r t^2 / 2 (measured on the model: the lag falls from 0.57 to
    0.26 mA/cm2 for a 5x slower ramp, 1/sqrt(5) = 0.45). With j(r) = j0 + c sqrt(r),
    j0 = (sqrt(S) j(r/S) - j(r)) / (sqrt(S) - 1). Literature stripping limits are read as this
    rate-independent onset (the parameters taken from them are); where either ramp gives
    only a bound, the slower ramp's result stands.
    """
    a, b, c = ramp
    fast = _ramp_batch(cells, ramp, step_h)
    slow = _ramp_batch(cells, (a, b / SLOWER, c), step_h)
    out = []
    root = math.sqrt(SLOWER)
    for (jf, bf, _wf), (js, bs, ws) in zip(fast, slow, strict=True):
        if jf is None or js is None or bf or bs:
            out.append((js, bs, ws))
            continue
        j0 = max((root * js - jf) / (root - 1.0), a)
        out.append((j0, "", f"{ws}; zero-rate onset from {jf:g} and {js:g} mA/cm2 at two ramps"))
    return out


def _galv_batch(cells: Sequence[Cell], current: float, half_h: float) -> list:
    from nakcell.protocols import Galvanostatic

    proto = Galvanostatic(current * 10, half_cycle=half_h * 3600, duration=4 * half_h * 3600)
    res = _simulate(cells, proto)
    out = []
    for k in range(len(cells)):
        h = res.hysteresis[k]
        if np.isfinite(h):
            out.append((float(h) * 1e3, "", ""))
        else:
            out.append((None, "", f"not determined: {res.stop_reason[k] or 'no full cycle'}"))
    return out


def _fit_trend(p: Point, xs: Sequence[float], limits: Sequence[tuple]) -> tuple[float | None, str]:
    """A trend quantity from the stripping limits resolved at two or more of the row's
    conditions ``xs`` (a limit that is only a bound is left out and named); (None, why)
    otherwise. Arrhenius: Ea = -k_B d ln j / d(1/T) in eV; pressure exponent: d ln j / d ln P."""
    arrhenius = p.quantity == "stripping_limit_activation_eV"
    unit = "degC" if arrhenius else "MPa"
    shown = ", ".join(
        f"{g[1]}{g[0]:g}" if g[0] is not None else "n/d" for g in limits
    )  # fmt: skip
    where = f"limits {shown} mA/cm2 at {'/'.join(f'{x:g}' for x in xs)} {unit}"
    ok = [(x, g[0]) for x, g in zip(xs, limits, strict=True) if g[0] is not None and not g[1]]
    if len({x for x, _ in ok}) < 2:
        return None, f"limit resolved at fewer than two conditions ({where})"
    x = np.asarray([x for x, _ in ok], float)
    abscissa = 1.0 / (x + 273.15) if arrhenius else np.log(x)
    slope = np.polyfit(abscissa, np.log([v for _, v in ok]), 1)[0]
    used = "" if len(ok) == len(limits) else f"; fit on {'/'.join(f'{v:g}' for v, _ in ok)} {unit}"
    value = -slope * K_B_EV if arrhenius else slope
    return float(value), where + used


# --------------------------------------------------------------------- orchestration
_KIND = {
    "ccd_mA_cm2": "ccd",
    "stripping_limit_mA_cm2": "ramp",
    "stripping_limit_activation_eV": "ramp",
    "hysteresis_mV": "galv",
    "stripping_limit_pressure_exponent": "ramp",
}
_RUNNERS: dict[str, Callable[..., list]] = {
    "ccd": _ccd_batch,
    "ramp": _quasi_static_batch,
    "galv": _galv_batch,
}


def _group_key(p: Point) -> tuple | None:
    kind = _KIND[p.quantity]
    if p.half_cycle_h is None:
        return None
    if kind == "galv":
        return None if p.current_mA_cm2 is None else (kind, p.current_mA_cm2, p.half_cycle_h)
    return None if p.ramp_mA_cm2 is None else (kind, p.ramp_mA_cm2, p.half_cycle_h)


def _runs(p: Point) -> list[tuple[float, float | None]]:
    """The (temperature degC, stack pressure MPa or None) of each model run for ``p``: one,
    or one per value of the column a trend quantity runs over."""
    if TRENDS.get(p.quantity) == "temperature_C":
        return [(t, p.pressure_MPa) for t in p.temperatures_C]
    if TRENDS.get(p.quantity) == "pressure_MPa":
        return [(p.temperature_C, x) for x in p.pressures_MPa]
    return [(p.temperature_C, p.pressure_MPa)]


def _plan(
    points: Sequence[Point], outcomes: dict[str, Outcome], built: list[Cell]
) -> dict[tuple, list[tuple[str, int, Cell, str]]]:
    """Interface resistances now; simulated points grouped by protocol: key -> members
    (point id, index of the run among the point's conditions, cell, note)."""
    from nakcell.cell.symmetric import interface_asr

    groups: dict[tuple, list[tuple[str, int, Cell, str]]] = {}
    for p in points:
        o = outcomes[p.id]
        key = None if p.quantity == "interface_resistance_ohm_cm2" else _group_key(p)
        if p.quantity != "interface_resistance_ohm_cm2" and key is None:
            o.note = "no model protocol given in the row"
            continue
        for k, (t_c, p_mpa) in enumerate(_runs(p)):
            cell, note = build_cell(p, t_c, p_mpa)
            if cell is None:
                o.note = f"not covered: {note}"
                break
            built.append(cell)
            if key is None:
                o.model = float(interface_asr(cell)["interface_asr"]) * 1e4
                o.note = note
            else:
                groups.setdefault(key, []).append((p.id, k, cell, note))
    return groups


def _collect(
    points: Sequence[Point], outcomes: dict[str, Outcome], results: dict[tuple[str, int], tuple]
) -> None:
    for p in points:
        o = outcomes[p.id]
        runs = _runs(p)
        got = [results.get((p.id, k)) for k in range(len(runs))]
        if any(g is None for g in got):
            continue
        if p.quantity in TRENDS:
            xs = [t if TRENDS[p.quantity] == "temperature_C" else x for t, x in runs]
            o.model, why = _fit_trend(p, xs, got)
            o.note = "; ".join(x for x in (why, got[0][3]) if x)
        else:
            value, bound, why, note = got[0]
            o.model, o.bound = value, bound
            o.note = "; ".join(x for x in (why, note) if x)


def run_validation(points: Sequence[Point], progress: Progress | None = None) -> list[Outcome]:
    """Model vs published for every point (batched by protocol)."""
    say = progress or (lambda _msg: None)
    outcomes = {p.id: Outcome(point=p) for p in points}
    built: list[Cell] = []
    say(f"validate: {len(points)} points; interface resistances at assembly")
    groups = _plan(points, outcomes, built)
    results: dict[tuple[str, int], tuple] = {}
    for i, (key, members) in enumerate(groups.items(), start=1):
        kind, arg, half = key
        say(f"validate: [{i}/{len(groups)}] {kind} run, {len(members)} cell(s), {_describe(key)}")
        batch = _RUNNERS[kind]([m[2] for m in members], arg, half)
        for (pid, k, _cell, note), (value, bound, why) in zip(members, batch, strict=True):
            results[(pid, k)] = (value, bound, why, note)
    _collect(points, outcomes, results)
    sources_text = _sources_text(built)
    for o in outcomes.values():
        o.derived_role = "source" if _cites(sources_text, o.point) else "check"
    return [outcomes[p.id] for p in points]


def _describe(key: tuple) -> str:
    kind, arg, half = key
    if kind == "galv":
        return f"{arg:g} mA/cm2, {half:g} h half-cycles"
    a, b, c = arg
    return f"{a:g} to {c:g} mA/cm2 in {b:g} steps of {half:g} h"


# --------------------------------------------------------------------- source / check
def _sources_text(built: Sequence[Cell]) -> list[str]:
    """Every parameter source of the cells run and of the named cells."""
    cells = list(built) + [make() for make in CELLS.values()]
    return [str(r["source"]) for c in cells for r in c.all_sources()]


_UNIT_RE = {
    "interface_resistance_ohm_cm2": r"(ohm|\u03a9)\s*[\u00b7*.]?\s*cm",
    "ccd_mA_cm2": r"mA\s*(/|cm)",
    "stripping_limit_mA_cm2": r"mA\s*(/|cm)",
    "stripping_limit_activation_eV": r"eV",
    "hysteresis_mV": r"mV",
    "stripping_limit_pressure_exponent": r"(pressure )?exponent",
}


def _cites(sources: Sequence[str], p: Point) -> bool:
    """Whether some parameter source cites this point: its DOI/arXiv id, and its value (or its
    published range "low-high") with the quantity's unit, e.g. "105 ohm cm2" or "0.13-0.15 eV"
    next to the paper's id."""
    ident = p.source.split(":", 1)[1].lower()
    keys = {k for k in {ident, ident.rsplit("/", 1)[-1]} if len(k) >= 6}
    num = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?(?:e[-+]?\d+)?)\s*(?:-\s*(\d+(?:\.\d+)?)\s*)?")
    unit = re.compile(_UNIT_RE[p.quantity], re.IGNORECASE)
    for s in sources:
        if not any(k in s.lower() for k in keys):
            continue
        for m in num.finditer(s):
            if not unit.match(s, m.end()):
                continue
            a = float(m.group(1))
            b = float(m.group(2)) if m.group(2) else None
            if _same(a, p.value) or (b is not None and _same(b, p.value)):
                return True
            if b is not None and _same(a, p.low) and _same(b, p.high):
                return True
    return False


def _same(x: float, y: float | None) -> bool:
    return y is not None and math.isclose(x, y, rel_tol=1e-6)
