"""Capillary contact of a liquid alloy held in a porous host and pressed on a rough ceramic.

The liquid's pressure (relative to the gas in the cell) is set by two things: the stack
pressure that squeezes it, and the capillary suction of the host that holds it. A valley of
the ceramic's roughness fills only where its own meniscus can hold that pressure. Which
valleys fill, and so the wetted fraction f of the face, follows from Laplace's law alone:
there is no clamp and no fitted constant. Supply of liquid to the face during stripping is
Darcy flow through the host (the law behind Washburn filling).

All functions are numpy-vectorised over a batch of cells; inputs and outputs are SI.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import ndtr, ndtri

Array = np.ndarray


def laplace_pressure(gamma: ArrayLike, cos_theta: ArrayLike, radius: ArrayLike) -> Array:
    """Capillary pressure (Pa) of a meniscus in a cylindrical pore: 2 gamma cos(theta) / r.

    Young-Laplace (Young 1805; Laplace 1806); positive = suction into the pore (wetting,
    theta < 90 deg), negative = the pressure a non-wetting liquid needs to enter it
    (de Gennes, Brochard-Wyart & Quere, *Capillarity and Wetting Phenomena* (2004), ch. 1, 9).
    About 1.2 MPa for gamma = 0.12 N/m, theta = 60 deg, r = 100 nm.
    """
    return 2.0 * np.asarray(gamma, float) * np.asarray(cos_theta, float) / np.asarray(radius, float)


def meniscus_radius(r_median: ArrayLike, saturation: ArrayLike, spread: ArrayLike) -> Array:
    """Radius (m) of the largest filled pore of a host filled to ``saturation`` (volume fraction).

    A wetting liquid fills the narrowest pores first (capillary equilibrium; Leverett,
    Trans. AIME 142 (1941) 152). With pore radii log-normal by volume (median r_median,
    log-spread ``spread``) the filled volume fraction up to radius r is Phi(ln(r/r_m)/s), so
    r_S = r_m exp(s Phi^-1(S)); r_S -> infinity as S -> 1 (every pore full: no meniscus left
    inside the host).
    """
    s = np.clip(np.asarray(saturation, float), 1e-12, 1.0)
    with np.errstate(over="ignore"):
        return np.asarray(r_median, float) * np.exp(np.asarray(spread, float) * ndtri(s))


def host_suction(
    gamma: ArrayLike,
    cos_theta_host: ArrayLike,
    r_host: ArrayLike,
    saturation: ArrayLike,
    spread: ArrayLike = 0.5,
) -> Array:
    """Capillary suction (Pa, >= 0) with which a partly filled wetting host holds its liquid.

    P_c(S) = 2 gamma cos(theta_h) / r_S(S) (:func:`meniscus_radius`); 0 for a full host
    (S >= 1: excess liquid lies outside the pores, its free surface is flat on this scale)
    and for a non-wetting host (which would expel the liquid, not hold it).
    """
    s = np.asarray(saturation, float)
    r_s = meniscus_radius(r_host, np.minimum(s, 1.0 - 1e-16), spread)  # finite below 1
    p = laplace_pressure(gamma, np.maximum(cos_theta_host, 0.0), r_s)
    return np.where(s >= 1.0, 0.0, p)


def capillary_contact_fraction(
    liquid_pressure: ArrayLike,
    gamma: ArrayLike,
    cos_theta: ArrayLike,
    r_median: ArrayLike,
    spread: ArrayLike = 0.5,
) -> Array:
    """Fraction of a rough ceramic face wetted by a liquid at pressure P (Pa, vs the gas).

    A roughness valley of radius r (log-normal: median r_median, log-spread ``spread``) holds
    liquid when P + 2 gamma cos(theta) / r >= 0 (Laplace; the valley's own meniscus must hold
    the liquid's pressure). Hence, with p_c = 2 gamma |cos theta|:

    - wetting (cos theta > 0), P >= 0: every valley fills, f = 1;
    - wetting, P < 0 (the host sucks harder): only valleys with r <= p_c / |P| stay filled,
      f = Phi(ln(p_c / (|P| r_median)) / s);
    - non-wetting (cos theta < 0), P > 0: valleys with r >= p_c / P are forced full
      (Cassie-Wenzel breakthrough), f = Phi(ln(P r_median / p_c) / s);
    - non-wetting, P <= 0: f = 0.

    f rises monotonically with P in every case (tested), so stack pressure (raising P) and a
    coarser host (less suction) both raise the contact.
    """
    p = np.asarray(liquid_pressure, float)
    c = np.asarray(cos_theta, float)
    pc = np.maximum(2.0 * np.asarray(gamma, float) * np.abs(c), 1e-300)
    wet = c > 0.0
    # wetting: valleys r <= pc/|P| hold; non-wetting: valleys r >= pc/P are forced full
    ratio = np.where(wet, pc / np.maximum(-p, 1e-300), np.maximum(p, 1e-300) / pc)
    f = ndtr(np.log(ratio * np.asarray(r_median, float) ** np.where(wet, -1.0, 1.0)) / spread)
    full = np.where(wet, p >= 0.0, False) | ((c == 0.0) & (p >= 0.0))
    empty = ~wet & (p <= 0.0)
    return np.where(full, 1.0, np.where(empty, 0.0, f))


def liquid_pressure(stack_pressure: ArrayLike, suction: ArrayLike) -> Array:
    """Pressure (Pa) of the liquid at the ceramic face: P = p_stack - P_c,host.

    The stack pressure is taken as fully transmitted to the liquid (a compliant host; a stiff
    skeleton carries part of it, Bishop's effective stress chi <= 1, Bishop, Teknisk Ukeblad
    106 (1959) 859), so this is the upper bound of P.
    """
    return np.asarray(stack_pressure, float) - np.asarray(suction, float)


def host_permeability(r_host: ArrayLike, porosity: ArrayLike, tortuosity: ArrayLike) -> Array:
    """Darcy permeability (m2) of a bundle of tortuous capillaries: k = eps r^2 / (8 tau).

    Hagen-Poiseuille in each pore, Carman-Kozeny bundle (Carman, Trans. Inst. Chem. Eng. 15
    (1937) 150; Bear, *Dynamics of Fluids in Porous Media* (1972), sec. 5.10).
    """
    return (
        np.asarray(porosity, float)
        * np.asarray(r_host, float) ** 2
        / (8.0 * np.asarray(tortuosity, float))
    )


def darcy_supply_velocity(
    drive: ArrayLike, permeability: ArrayLike, viscosity: ArrayLike, length: ArrayLike
) -> Array:
    """Superficial velocity (m/s) of liquid drawn to the face: v = k max(dp, 0) / (mu L).

    Darcy (1856). ``drive`` is the pressure pushing liquid into the face's valleys
    (:func:`supply_drive`); a non-positive drive supplies nothing.
    """
    return (
        np.asarray(permeability, float)
        * np.maximum(np.asarray(drive, float), 0.0)
        / (np.asarray(viscosity, float) * np.asarray(length, float))
    )


def supply_drive(
    liquid_pressure: ArrayLike, gamma: ArrayLike, cos_theta: ArrayLike, r_valley: ArrayLike
) -> Array:
    """Pressure (Pa) driving liquid back into a stripped valley of radius r: P + 2 gamma cos / r.

    The liquid's pressure plus the valley's own capillary pull (negative for a non-wetting
    ceramic): the same balance as :func:`capillary_contact_fraction` at r = r_valley.
    """
    return np.asarray(liquid_pressure, float) + laplace_pressure(gamma, cos_theta, r_valley)


def face_pores(
    r_valley: ArrayLike,
    cos_theta_ceramic: ArrayLike,
    r_host: ArrayLike,
    cos_theta_host: ArrayLike,
    porosity: ArrayLike,
    hosted: ArrayLike,
) -> tuple[Array, Array, Array]:
    """(radius, cos theta, area fraction) of the openings through which liquid meets the face.

    Bare liquid on the ceramic: the ceramic's roughness valleys (radius a, angle theta_c,
    whole face). Liquid in a host pressed on the ceramic: the host's own pores where they end
    on the face (radius r_host; walls part host, part ceramic: cos = (cos_h + cos_c) / 2;
    area fraction = the host's porosity, since a random section of a porous body shows its
    volume fraction, Delesse's principle; Underwood, *Quantitative Stereology* (1970), ch. 2).
    """
    h = np.asarray(hosted, bool)
    cos_mix = 0.5 * (np.asarray(cos_theta_host, float) + np.asarray(cos_theta_ceramic, float))
    r = np.where(h, r_host, r_valley)
    c = np.where(h, cos_mix, cos_theta_ceramic)
    eps = np.where(h, porosity, 1.0)
    return r, c, eps


def equilibrium_contact(
    stack_pressure: ArrayLike,
    gamma: ArrayLike,
    cos_theta_ceramic: ArrayLike,
    cos_theta_host: ArrayLike,
    r_host: ArrayLike,
    saturation: ArrayLike,
    r_valley: ArrayLike,
    porosity: ArrayLike = 1.0,
    hosted: ArrayLike = True,
    spread: ArrayLike = 0.5,
) -> Array:
    """Capillary-equilibrium wetted fraction of the ceramic face (the contact ceiling).

    f = eps_face * :func:`capillary_contact_fraction` (p_stack - P_c,host(S), gamma,
    theta_face, r_face) with the face openings of :func:`face_pores`: responds to stack
    pressure, host pore radius and filling, both wetting angles and the roughness scale;
    nothing is clamped.
    """
    hosted = np.asarray(hosted, bool)
    suction = np.where(hosted, host_suction(gamma, cos_theta_host, r_host, saturation, spread), 0.0)
    p_liq = liquid_pressure(stack_pressure, suction)
    r, c, eps = face_pores(r_valley, cos_theta_ceramic, r_host, cos_theta_host, porosity, hosted)
    return eps * capillary_contact_fraction(p_liq, gamma, c, r, spread)
