"""Phase-diagram features of a binary model: invariant reactions, liquid field, liquidus.

``invariants`` finds them generically: it scans the sequence of stable fields
(``BinaryModel.fields``) in 1 K steps and bisects to 1e-5 K where the sequence changes.
``eutectic`` and ``peritectic`` solve a known liquid + solid-solution + compound invariant
directly (a tangent-line condition, no scan); the assessment uses these.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
from scipy.optimize import brentq, minimize_scalar

from nakcell.thermo.model import BinaryModel, Boundary


@dataclass(frozen=True)
class Invariant:
    """An invariant reaction: type, temperature (K), liquid composition x_B, phases involved."""

    type: str  # "eutectic", "peritectic", "melting"
    T_K: float
    x_B: float
    phases: tuple[str, ...]

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def liquid_field(model: BinaryModel, T: float, liquid: str = "LIQUID") -> tuple[float, float]:
    """(x_lo, x_hi) of the single-phase liquid field at T (x = x_B); (nan, nan) if none.

    If the liquid is stable in more than one field (not the case for Na-K), the widest is given.
    """
    best = (math.nan, math.nan)
    for f in model.fields(T):
        if f.phase == liquid and (math.isnan(best[0]) or f.x_hi - f.x_lo > best[1] - best[0]):
            best = (f.x_lo, f.x_hi)
    return best


def liquidus_T(
    model: BinaryModel, x: float, liquid: str = "LIQUID", t_hi: float | None = None
) -> float:
    """Liquidus temperature (K) at composition x_B: the lowest T above which x is all liquid."""
    t_hi = t_hi if t_hi is not None else min(model.t_max, 1500.0)

    def inside(T: float) -> bool:
        lo, hi = liquid_field(model, T, liquid)
        return bool(lo - 1e-12 <= x <= hi + 1e-12)

    if not inside(t_hi):
        return math.nan
    ts = np.linspace(model.t_min + 1e-6, t_hi, 60)
    flags = [inside(t) for t in ts]
    if flags[0]:
        return math.nan  # liquid down to the lower limit of the database
    k = max(i for i, f in enumerate(flags) if not f)
    a, b = ts[k], ts[k + 1]
    while b - a > 1e-4:
        m = 0.5 * (a + b)
        a, b = (a, m) if inside(m) else (m, b)
    return 0.5 * (a + b)


def _signature(fields: list[Boundary]) -> tuple[str, ...]:
    return tuple(f.phase for f in fields)


def invariants(
    model: BinaryModel, liquid: str = "LIQUID", t_lo: float | None = None, t_hi: float = 1200.0
) -> list[Invariant]:
    """Melting points, eutectics and peritectics of the binary, sorted by temperature."""
    t_lo = t_lo if t_lo is not None else model.t_min + 1e-6
    out: list[Invariant] = []
    for el, x in ((model.A, 0.0), (model.B, 1.0)):
        for solid in model.solutions:
            if solid == liquid:
                continue
            try:
                tm = model.melting_point(el, solid, liquid)
            except ValueError:
                continue
            out.append(Invariant("melting", tm, x, (liquid, solid)))
            break
    ts = np.arange(t_lo, min(t_hi, model.t_max), 1.0)
    sigs = [_signature(model.fields(t)) for t in ts]
    for k in range(len(ts) - 1):
        if sigs[k] == sigs[k + 1]:
            continue
        a, b, sa, sb = ts[k], ts[k + 1], sigs[k], sigs[k + 1]
        while b - a > 1e-5:
            m = 0.5 * (a + b)
            sm = _signature(model.fields(m))
            if sm == sa:
                a = m
            else:
                b, sb = m, sm
        inv = _classify(model, sa, sb, a, b, liquid)
        if inv is not None:
            out.append(inv)
    return sorted(out, key=lambda i: i.T_K)


def _classify(
    model: BinaryModel,
    below: tuple[str, ...],
    above: tuple[str, ...],
    a: float,
    b: float,
    liquid: str,
) -> Invariant | None:
    """Name the reaction between the field sequences just below (T=a) and above (T=b)."""
    if liquid not in above:
        return None
    f_above = model.fields(b)
    i = above.index(liquid)
    lf = f_above[i]
    left = above[i - 1] if i > 0 else None
    right = above[i + 1] if i + 1 < len(above) else None
    t = 0.5 * (a + b)
    if liquid not in below and left and right:
        return Invariant("eutectic", t, 0.5 * (lf.x_lo + lf.x_hi), (liquid, left, right))
    new = [p for p in below if p not in above and p in model.compounds]
    if not new or liquid not in below:
        return None
    c = new[0]
    j = below.index(c)
    nbrs = [below[k] for k in (j - 1, j + 1) if 0 <= k < len(below)]
    if liquid not in nbrs:
        return None
    others = [p for p in nbrs if p != liquid]
    x_l = lf.x_hi if j > below.index(liquid) else lf.x_lo
    return Invariant("peritectic", t, x_l, (liquid, *others, c))


def _tangent_line(model: BinaryModel, T: float, liquid: str, solid: str, side_b: bool):
    """Common tangent of liquid and the solid solution on side A (x<0.5) or B: (x_l, x_s, line)."""
    fs = model.fields(T, phases=(liquid, solid))
    lf = next(f for f in fs if f.phase == liquid)
    sf = [f for f in fs if f.phase.startswith(solid)]
    sf = sf[-1] if side_b else sf[0]
    xl0, xs0 = (lf.x_hi, sf.x_lo) if side_b else (lf.x_lo, sf.x_hi)
    xl, xs = model.liquidus_solution(T, solid, xl0, xs0, liquid)
    gl = float(model.gm(liquid, xl, T))
    gs = float(model.gm(solid, xs, T))
    slope = (gs - gl) / (xs - xl)
    return xl, xs, lambda x: gl + slope * (np.asarray(x) - xl)


def peritectic(
    model: BinaryModel, compound: str, solid: str, liquid: str = "LIQUID", t_range=(200.5, 400.0)
) -> Invariant:
    """L + solid = compound: the T at which the compound touches the liquid+solid tangent."""
    xc = model.compounds[compound][0]

    def h(T: float) -> float:
        _, _, line = _tangent_line(model, T, liquid, solid, side_b=xc > 0.5)
        return model.g_compound(compound, T)[1] - float(line(xc))

    t = brentq(h, *t_range, xtol=1e-9)
    xl, _, _ = _tangent_line(model, t, liquid, solid, side_b=xc > 0.5)
    return Invariant("peritectic", float(t), float(xl), (liquid, solid, compound))


def eutectic(
    model: BinaryModel, compound: str, solid: str, liquid: str = "LIQUID", t_range=(200.5, 400.0)
) -> Invariant:
    """L = solid + compound with the solid on the far side from the compound's other neighbour.

    T where the liquid first touches the line joining the solid-solution tangent point and the
    compound.
    """
    xc, _ = model.compounds[compound]
    side_b = xc < 0.5  # the solid lies on the other side of the liquid from the compound

    def line_and_gap(T: float) -> tuple[float, float]:
        _, gc = model.g_compound(compound, T)

        def f(x: float) -> float:
            ma, mb = model.mu(solid, x, T)
            return float((1 - xc) * ma + xc * mb - gc)

        lo, hi = (xc + 1e-9, 1 - 1e-12) if side_b else (1e-12, xc - 1e-9)
        xs = brentq(f, lo, hi, xtol=1e-14)
        gs = float(model.gm(solid, xs, T))
        slope = (gc - gs) / (xc - xs)
        a, b = sorted((xs, xc))
        xx = np.linspace(a, b, 4001)[1:-1]
        gap = model.gm(liquid, xx, T) - (gs + slope * (xx - xs))
        k = int(np.argmin(gap))
        lo_, hi_ = xx[max(k - 1, 0)], xx[min(k + 1, xx.size - 1)]
        r = minimize_scalar(
            lambda x: float(model.gm(liquid, x, T) - (gs + slope * (x - xs))),
            bounds=(lo_, hi_),
            method="bounded",
            options={"xatol": 1e-12},
        )
        return float(r.fun), float(r.x)

    t = brentq(lambda T: line_and_gap(T)[0], *t_range, xtol=1e-9)
    return Invariant("eutectic", float(t), line_and_gap(t)[1], (liquid, solid, compound))
