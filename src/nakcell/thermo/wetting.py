"""Wetting: Young, Young-Dupre and Washburn capillary spreading (SI units).

- Young (1805): gamma_SV = gamma_SL + gamma_LV cos(theta).
- Young-Dupre: W_a = gamma_LV (1 + cos theta), so theta = arccos(W_a / gamma_LV - 1),
  clipped to 0 deg (complete wetting, W_a >= 2 gamma_LV) and 180 deg (W_a <= 0).
- Washburn, Phys. Rev. 17 (1921) 273: L^2 = gamma r cos(theta) t / (2 eta) for a liquid
  entering a cylindrical pore of radius r; the time to reach depth L is
  t = 2 eta L^2 / (gamma r cos theta), infinite when theta >= 90 deg (no spontaneous entry).
"""

from __future__ import annotations

import math

from nakcell.errors import NakcellInputError


def contact_angle_from_adhesion(work_of_adhesion: float, gamma_lv: float) -> float:
    """Young-Dupre contact angle (rad) from W_a (J/m2) and the liquid surface tension (N/m)."""
    _positive("surface_tension", gamma_lv)
    if not math.isfinite(work_of_adhesion):
        raise NakcellInputError("work_of_adhesion", repr(work_of_adhesion), "a finite J/m2 value")
    c = work_of_adhesion / gamma_lv - 1.0
    return math.acos(min(1.0, max(-1.0, c)))


def adhesion_from_contact_angle(theta: float, gamma_lv: float) -> float:
    """Young-Dupre work of adhesion (J/m2) from the contact angle (rad) and gamma_LV (N/m)."""
    _positive("surface_tension", gamma_lv)
    return gamma_lv * (1.0 + math.cos(theta))


def contact_angle_young(gamma_sv: float, gamma_sl: float, gamma_lv: float) -> float:
    """Young's contact angle (rad) from the three interfacial tensions (N/m)."""
    _positive("surface_tension", gamma_lv)
    c = (gamma_sv - gamma_sl) / gamma_lv
    return math.acos(min(1.0, max(-1.0, c)))


def washburn_time(
    depth: float, pore_radius: float, theta: float, viscosity: float, gamma_lv: float
) -> float:
    """Time (s) for a liquid to penetrate ``depth`` (m) into pores of radius ``pore_radius`` (m)."""
    for name, v in (("depth", depth), ("pore_radius", pore_radius), ("viscosity", viscosity)):
        _positive(name, v)
    _positive("surface_tension", gamma_lv)
    c = math.cos(theta)
    if c <= 0.0:
        return math.inf
    return 2.0 * viscosity * depth**2 / (gamma_lv * pore_radius * c)


def washburn_depth(
    time: float, pore_radius: float, theta: float, viscosity: float, gamma_lv: float
) -> float:
    """Penetration depth (m) after ``time`` (s): sqrt(gamma r cos(theta) t / (2 eta))."""
    _positive("viscosity", viscosity)
    c = math.cos(theta)
    if c <= 0.0 or time <= 0.0:
        return 0.0
    return math.sqrt(gamma_lv * pore_radius * c * time / (2.0 * viscosity))


def _positive(name: str, v: float) -> None:
    if not (isinstance(v, (int, float)) and math.isfinite(v) and v > 0):
        raise NakcellInputError(name, repr(v), "a positive finite number (SI units)")
