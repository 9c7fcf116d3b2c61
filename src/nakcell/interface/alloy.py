"""Alloy electrode thermodynamics: Na activity and potential vs pure Na (ideal for now)."""

from __future__ import annotations

import functools

import numpy as np
from numpy.typing import ArrayLike

from nakcell.constants import F, R


def ideal_activity(x_Na: ArrayLike) -> np.ndarray:
    """Raoultian (ideal-solution) Na activity: a_Na = x_Na."""
    return np.clip(np.asarray(x_Na, dtype=float), 0.0, 1.0)


def electrode_potential_vs_na(a_Na: ArrayLike, T: ArrayLike) -> np.ndarray:
    """Equilibrium potential (V) of a Na-bearing alloy vs pure Na: E = -(RT/F) ln a_Na.

    Nernst equation for Na+ + e- = Na(alloy) against Na+ + e- = Na(s) (Bard & Faulkner 2001).
    """
    a = np.clip(np.asarray(a_Na, dtype=float), 1e-300, None)
    return -R * np.asarray(T, dtype=float) / F * np.log(a)


X_MIN = 1e-9
_XS_FINE = (1.0 - np.cos(np.pi * np.linspace(0.0, 1.0, 1601))) / 2.0
_XS_FINE[0] = 1e-9


def uniform_temperature(T: ArrayLike) -> float | None:
    """The temperature if all cells share it (rounded to 1 mK for caching), else None."""
    t = np.asarray(T, float)
    t0 = float(t.flat[0])
    return round(t0, 3) if t.size == 1 or bool((t == t0).all()) else None


@functools.lru_cache(maxsize=64)
def _ln_gamma_row(T: float) -> tuple[np.ndarray, np.ndarray]:
    """ln(a_Na / x_Na) of the liquid at T on a composition grid clustered at both ends."""
    from nakcell.thermo import a_Na

    return _XS_FINE, np.log(a_Na(_XS_FINE, T, reference="liquid") / _XS_FINE)


def na_activity(x: np.ndarray, T: np.ndarray, alloy: np.ndarray) -> np.ndarray:
    """Na activity (pure-liquid reference) from the Na-K TDB for alloys; 1 for pure Na.

    Isothermal batches interpolate ln(a/x) on a cached fine composition grid.
    """
    if not np.any(alloy):
        return np.ones_like(np.asarray(x, float))
    xc = np.clip(x, X_MIN, 1.0)
    t_one = uniform_temperature(T)
    if t_one is not None:
        xs, ln_g = _ln_gamma_row(t_one)
        return np.where(alloy, xc * np.exp(np.interp(xc, xs, ln_g)), 1.0)
    from nakcell.thermo import a_Na

    return np.where(alloy, a_Na(xc, T, reference="liquid"), 1.0)
