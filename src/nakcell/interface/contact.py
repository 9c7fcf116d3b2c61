"""Contact between a metal and a ceramic: contact fraction, wetting, constriction."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import ndtr


def holm_spot_resistance(rho: ArrayLike, a: ArrayLike) -> np.ndarray:
    """Spreading resistance (ohm) of one circular spot of radius a on a half-space.

    R = rho / (4 a): equipotential disc on a half-space of resistivity rho
    (Holm, Electric Contacts, 4th ed. (1967), eq. 4.1; Newman, J. Electrochem. Soc. 113 (1966)
    501). The metal side is taken as equipotential (its resistivity is ~1e-9 of the ceramic's).
    """
    return np.asarray(rho, dtype=float) / (4.0 * np.asarray(a, dtype=float))


def constriction_asr(rho: ArrayLike, a: ArrayLike, f: ArrayLike) -> np.ndarray:
    """Constriction area-specific resistance (ohm m2) of many spots of radius a, fraction f.

    n = f / (pi a^2) spots per area, each a Holm spot in its own flux tube:
    ASR = rho pi a psi(sqrt f) / (4 f), psi(eps) = (1 - eps)^1.5 (Cooper, Mikic & Yovanovich,
    Int. J. Heat Mass Transfer 12 (1969) 279). psi -> 1 for sparse spots (Holm limit) and 0 at
    full contact. It is not simply 1/f, in line with Eckhardt et al., Adv. Mater. Interfaces
    (2023), doi:10.1002/admi.202202354.
    """
    f = np.clip(np.asarray(f, dtype=float), 1e-12, 1.0)
    t = 1.0 - np.sqrt(f)
    psi = t * np.sqrt(t)  # t^1.5 (two roots cost less than a general power)
    return (np.asarray(rho) * (np.pi / 4.0) * np.asarray(a)) * psi / f


def plastic_contact_fraction(pressure: ArrayLike, hardness: ArrayLike) -> np.ndarray:
    """Real contact fraction of a soft metal pressed on a hard flat: f = min(1, p / H).

    Bowden & Tabor, The Friction and Lubrication of Solids (1950): real area = load / hardness,
    with H ~ 3 sigma_y (Tabor, The Hardness of Metals, 1951).
    """
    return np.clip(np.asarray(pressure, dtype=float) / np.asarray(hardness, dtype=float), 0, 1)


def young_dupre_cos_theta(w_adh: ArrayLike, gamma_lv: ArrayLike) -> np.ndarray:
    """cos(theta) = W_adh / gamma_LV - 1 (Young-Dupre), clipped to [-1, 1].

    Young, Phil. Trans. R. Soc. 95 (1805) 65; Dupre, Theorie mecanique de la chaleur (1869).
    """
    return np.clip(np.asarray(w_adh, dtype=float) / np.asarray(gamma_lv) - 1.0, -1.0, 1.0)


def liquid_contact_fraction(
    pressure: ArrayLike,
    gamma_lv: ArrayLike,
    cos_theta: ArrayLike,
    r_median: ArrayLike,
    spread: float = 0.5,
) -> np.ndarray:
    """Fraction of a rough ceramic face wetted by a liquid metal pressed on it.

    A wetting liquid (cos theta >= 0) fills the roughness spontaneously: f = 1. A non-wetting
    one enters a valley of radius r only above the Laplace breakthrough pressure
    p_b = 2 gamma |cos theta| / r (Cassie-Baxter to Wenzel transition; de Gennes, Brochard-Wyart
    & Quere, Capillarity and Wetting Phenomena (2004), ch. 9). With log-normal valley radii
    (median r_median, log-spread ``spread``) the wetted fraction is
    f = P(r > 2 gamma |cos theta| / p) = Phi(ln(p r_median / (2 gamma |cos theta|)) / spread).
    """
    p = np.asarray(pressure, dtype=float)
    c = np.asarray(cos_theta, dtype=float)
    r_c = 2.0 * np.asarray(gamma_lv) * np.abs(c) / np.maximum(p, 1e-30)
    f_nonwet = ndtr(np.log(np.asarray(r_median) / np.maximum(r_c, 1e-300)) / spread)
    return np.where(c >= 0.0, 1.0, f_nonwet)
