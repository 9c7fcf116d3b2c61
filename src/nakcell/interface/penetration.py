"""Metal penetration into flaws of the ceramic on plating (Porz / Griffith)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from nakcell.constants import F

Y_EDGE_CRACK = 1.12  # geometry factor of a surface (edge) crack, Tada, Paris & Irwin (2000)


def flaw_pressure(eta: ArrayLike, molar_volume: ArrayLike) -> np.ndarray:
    """Pressure (Pa) that plating at overpotential eta can build in a confined flaw: F eta / V_m.

    Porz et al., Adv. Energy Mater. 7 (2017) 1701003, doi:10.1002/aenm.201701003.
    """
    return F * np.maximum(np.asarray(eta, dtype=float), 0.0) / np.asarray(molar_volume)


def stress_intensity(pressure: ArrayLike, flaw_size: ArrayLike) -> np.ndarray:
    """Mode-I stress intensity (Pa m^0.5) of a pressurised surface flaw: Y P sqrt(pi c)."""
    return Y_EDGE_CRACK * np.asarray(pressure, dtype=float) * np.sqrt(np.pi * np.asarray(flaw_size))


def critical_penetration_overpotential(
    K_IC: ArrayLike, flaw_size: ArrayLike, molar_volume: ArrayLike
) -> np.ndarray:
    """Plating overpotential (V) at which a metal-filled flaw grows: K_I(F eta / V_m) = K_IC."""
    return (
        np.asarray(K_IC, dtype=float)
        * np.asarray(molar_volume)
        / (Y_EDGE_CRACK * F * np.sqrt(np.pi * np.asarray(flaw_size)))
    )


def flaw_grows(
    eta_plate: ArrayLike,
    molar_volume: ArrayLike,
    flaw_size: ArrayLike,
    K_IC: ArrayLike,
    p_cap: ArrayLike | None = None,
) -> np.ndarray:
    """Whether metal plated into a surface flaw cracks the ceramic (Griffith / Porz).

    The plating overpotential pressurises metal in the flaw, P = F eta / V_m (Porz et al.
    2017); ``p_cap`` (Pa, optional) caps P where the metal can flow out instead (a liquid:
    p_stack + 2 gamma / c). The flaw grows when K = 1.12 P sqrt(pi c) >= K_IC.
    """
    p = F * np.asarray(eta_plate, dtype=float) / np.asarray(molar_volume)
    if p_cap is not None:
        p = np.minimum(p, p_cap)
    return stress_intensity(p, flaw_size) >= np.asarray(K_IC)
