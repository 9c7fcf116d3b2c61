"""Fast, vectorised Na activity and liquid field for the cell model (no pycalphad per step).

``a_Na`` evaluates the Redlich-Kister liquid of the shipped TDB directly:
``ln a_Na = ln x_Na + mu_Na^ex / RT`` (Lukas, Fries & Sundman, *Computational Thermodynamics*,
CUP 2007, ch. 5), tested against pycalphad's chemical potentials from the same file.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from nakcell.constants import F, R
from nakcell.errors import NakcellInputError
from nakcell.thermo.diagram import liquid_field
from nakcell.thermo.systems import model

Array = np.ndarray


def a_Na(
    x_Na: Array | float, T: Array | float, system: str = "Na-K", reference: str = "liquid"
) -> Array:
    """Activity of Na in the liquid alloy at mole fraction ``x_Na`` and temperature ``T`` (K).

    ``reference="liquid"``: pure (supercooled, below 370.87 K) liquid Na, the usual solution
    reference. ``reference="stable"``: pure Na in its stable state at T (bcc below its melting
    point), the reference of a pure-Na counter electrode; then
    ``a = exp((mu_Na^L - G_Na^stable) / RT)``. Broadcasts over ``x_Na`` and ``T``.
    """
    m = model(system)
    x = np.asarray(x_Na, dtype=float)
    t = np.asarray(T, dtype=float)
    _check(x, t, m.t_min, m.t_max)
    _, mu_ex = m.excess("LIQUID", x, t)[1:]
    ln_a = np.log(x) + mu_ex / (R * t)
    if reference == "stable":
        g_l = m.g_pure("LIQUID", t)[1]
        g_s = g_l
        for s in m.solutions:
            g_s = np.minimum(g_s, m.g_pure(s, t)[1])
        ln_a = ln_a + (g_l - g_s) / (R * t)
    elif reference != "liquid":
        raise NakcellInputError("reference", repr(reference), "'liquid' or 'stable'")
    return np.exp(ln_a)


def potential_vs_Na(x_Na: Array | float, T: Array | float, system: str = "Na-K") -> Array:
    """Open-circuit potential (V) of the liquid alloy vs pure Na metal: -(RT/F) ln a_Na.

    The reference is pure Na in its stable state at T (bcc at room temperature).
    """
    t = np.asarray(T, dtype=float)
    return -(R * t / F) * np.log(a_Na(x_Na, t, system, reference="stable"))


def liquid_range_x_Na(T: float, system: str = "Na-K") -> tuple[float, float]:
    """(x_min, x_max) in x_Na of the single-phase liquid field at T (K); (nan, nan) if none.

    Computed from the same TDB (convex hull + common tangent) and memoised per (T, system).
    """
    m = model(system)
    t = float(T)
    _check(np.asarray(0.5), np.asarray(t), m.t_min, m.t_max)
    return _liquid_range(round(t, 6), system)


def in_liquid_field(x_Na: Array | float, T: float, system: str = "Na-K") -> Array:
    """True where x_Na lies in the single-phase liquid field at T: the cell model's check that a
    drifting electrode composition is still fully liquid."""
    lo, hi = liquid_range_x_Na(T, system)
    x = np.asarray(x_Na, dtype=float)
    if math.isnan(lo):
        return np.zeros(x.shape, dtype=bool)
    return (x >= lo) & (x <= hi)


@functools.lru_cache(maxsize=4096)
def _liquid_range(T: float, system: str) -> tuple[float, float]:
    lo, hi = liquid_field(model(system), T)
    return (float(lo), float(hi)) if not math.isnan(lo) else (math.nan, math.nan)


def _check(x: Array, t: Array, t_min: float, t_max: float) -> None:
    if not np.all(np.isfinite(x)) or np.any(x <= 0.0) or np.any(x > 1.0):
        raise NakcellInputError("x_Na", _show(x), "mole fractions in (0, 1]")
    if not np.all(np.isfinite(t)) or np.any(t < t_min) or np.any(t > t_max):
        raise NakcellInputError(
            "temperature", _show(t), f"temperatures within the database range {t_min:g}-{t_max:g} K"
        )


def _show(a: Array) -> str:
    flat = np.ravel(a)
    return (
        repr(float(flat[0]))
        if flat.size == 1
        else f"array of {flat.size} (min {np.nanmin(flat):g})"
    )
