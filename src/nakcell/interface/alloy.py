"""Alloy electrode thermodynamics: Na activity and potential vs pure Na (ideal for now)."""

from __future__ import annotations

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
