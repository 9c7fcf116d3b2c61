"""Void growth on stripping: interface recession against metal supply (creep or flow)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from nakcell.constants import K_B_EV, F

MPA = 1e6


def strip_velocity(i: ArrayLike, molar_volume: ArrayLike, f: ArrayLike = 1.0) -> np.ndarray:
    """Local recession velocity (m/s) of metal at the contacts: v = |i| V_m / (F f).

    Faraday's law with the current carried by the true contact fraction f (Kasemchainan et al.,
    Nat. Mater. 18 (2019) 1105; Spencer Jolly et al., ACS AMI 12 (2020) 678). For Na,
    V_m = 23.78 cm3/mol gives 8.9 um/h at 1 mA/cm2.
    """
    return np.abs(np.asarray(i, dtype=float)) * np.asarray(molar_volume) / (F * np.asarray(f))


def creep_supply_velocity(
    pressure: ArrayLike,
    f: ArrayLike,
    A: ArrayLike,
    n: ArrayLike,
    length: ArrayLike,
    T: ArrayLike,
    Q_eV: ArrayLike,
    T_ref: float = 298.15,
) -> np.ndarray:
    """Velocity (m/s) at which power-law creep pushes solid metal back to the interface.

    The stack pressure is carried by the contacts, so their stress is p / f; the creep rate
    eps_dot = A (sigma / 1 MPa)^n exp(-Q/k (1/T - 1/T_ref)) (Wang et al., Materialia 12 (2020)
    100792 for Na: A = 0.53 /s, n = 5) acts over the contact length scale, v = eps_dot * length.
    """
    sigma = np.asarray(pressure, dtype=float) / np.asarray(f, dtype=float) / MPA
    arr = np.exp(-np.asarray(Q_eV) / K_B_EV * (1.0 / np.asarray(T) - 1.0 / T_ref))
    return np.asarray(A) * sigma ** np.asarray(n) * arr * np.asarray(length)


def viscous_supply_velocity(
    pressure: ArrayLike, pore_radius: ArrayLike, viscosity: ArrayLike, length: ArrayLike
) -> np.ndarray:
    """Mean Poiseuille velocity (m/s) of a liquid driven by ``pressure`` through pores.

    v = dp r^2 / (8 mu L) (Hagen-Poiseuille; the same law as Washburn's capillary filling,
    Washburn, Phys. Rev. 17 (1921) 273).
    """
    return (
        np.asarray(pressure, dtype=float)
        * np.asarray(pore_radius) ** 2
        / (8.0 * np.asarray(viscosity) * np.asarray(length))
    )


def contact_rates(
    v_recession: ArrayLike, v_supply: ArrayLike, length: ArrayLike, plating: ArrayLike
) -> tuple[np.ndarray, np.ndarray]:
    """Rates (1/s) at which contact is regained (k_up) and lost (k_down).

    df/dt = k_up (1 - f) - k_down f. Stripping: the contacts recede at v_recession while
    supply refills them at v_supply; the net (v_supply - v_recession) / length sets whether
    voids grow (k_down) or close (k_up) — no void growth while supply >= recession
    (Kasemchainan et al. 2019). Plating: metal is deposited under the remaining contacts and
    pushes the electrode back; voids left by stripping close only by supply (creep or flow),
    k_up = v_supply / length, so current stays focused at the contacts (Kasemchainan et al.
    2019: voids formed on stripping cause dendrites on the next plating).
    """
    vr = np.asarray(v_recession, dtype=float)
    vs = np.asarray(v_supply, dtype=float)
    net = vs - vr
    lam = np.asarray(length, dtype=float)
    k_up = np.where(plating, vs / lam, np.maximum(net, 0.0) / lam)
    k_down = np.where(plating, 0.0, np.maximum(-net, 0.0) / lam)
    return k_up, k_down


def advance_contact(
    f: np.ndarray,
    i_abs: np.ndarray,
    vm: np.ndarray,
    liquid: np.ndarray,
    strips: np.ndarray,
    plates: np.ndarray,
    f_max: np.ndarray,
    dt: float,
    creep0: np.ndarray,
    flow: np.ndarray,
    length: np.ndarray,
    n: np.ndarray,
) -> np.ndarray:
    """Contact fraction after ``dt`` at current |i| (A/m2): exponential update, rates frozen.

    Rates from :func:`contact_rates`, with supply ``flow`` (liquid) or creep0 f^-n (solid).
    While a creeping solid is stripped, creep supply creep0 f^-n = recession i V_m / (F f)
    gives the quasi-steady contact f* = (creep0 F / (i V_m))^(1/(n-1)), a stable attractor
    (above it voids grow, below it creep closes them); the update never steps across it.
    Elsewhere the attractor is the ceiling f_max.
    """
    v_rec = np.where(strips, i_abs * vm / (F * f), 0.0)
    v_sup = np.where(liquid, flow, creep0 * f ** (-n))
    k_up, k_down = contact_rates(v_rec, v_sup, length, plates)
    k = k_up + k_down
    f_eq = np.where(k > 0, k_up * f_max / np.where(k > 0, k, 1.0), f)
    f_new = f_eq + (f - f_eq) * np.exp(-k * dt)
    with np.errstate(divide="ignore", over="ignore"):
        f_star = (creep0 * F / (np.maximum(i_abs, 1e-300) * vm)) ** (1.0 / (n - 1.0))
    f_attr = np.where(strips & ~liquid, np.minimum(np.maximum(f_star, 1e-6), f_max), f_max)
    f_new = np.where(f >= f_attr, np.maximum(f_new, f_attr), np.minimum(f_new, f_attr))
    return np.minimum(np.maximum(f_new, 1e-6), 1.0)
