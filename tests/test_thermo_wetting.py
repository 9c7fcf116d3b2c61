"""Young, Young-Dupre and Washburn: analytic identities and the seed's wetting claim."""

import math

import pytest

from nakcell.errors import NakcellInputError
from nakcell.thermo.equilibrium import parse_composition
from nakcell.thermo.properties import surface_tension_Na, surface_tension_NaK
from nakcell.thermo.wetting import (
    adhesion_from_contact_angle,
    contact_angle_from_adhesion,
    contact_angle_young,
    washburn_depth,
    washburn_time,
)


def test_young_dupre_limits_and_round_trip():
    g = 0.12
    assert contact_angle_from_adhesion(2 * g, g) == pytest.approx(0.0)
    assert contact_angle_from_adhesion(g, g) == pytest.approx(math.pi / 2)
    assert contact_angle_from_adhesion(3 * g, g) == 0.0  # spreading
    th = math.radians(37.0)
    assert contact_angle_from_adhesion(adhesion_from_contact_angle(th, g), g) == pytest.approx(th)


def test_young_equation():
    assert math.degrees(contact_angle_young(0.5, 0.44, 0.12)) == pytest.approx(60.0)


def test_washburn_square_root_law():
    eta, g, r, th = 8e-4, 0.12, 1e-6, math.radians(30)
    t = washburn_time(1e-3, r, th, eta, g)
    assert washburn_depth(t, r, th, eta, g) == pytest.approx(1e-3)
    assert washburn_time(2e-3, r, th, eta, g) == pytest.approx(4 * t)
    assert washburn_time(1e-3, 2 * r, th, eta, g) == pytest.approx(t / 2)
    assert washburn_time(1e-3, r, math.radians(95), eta, g) == math.inf


def test_seed_claim_nak_wets_nhsp_better_than_na_with_its_dft_adhesion():
    # Seed (Zhao et al. 2021): W_a = 0.185 J/m2 (NaK3 | NHSP) vs 0.166 J/m2 (Na | NHSP), and
    # "the surface wettability on NHSP is better than that on pure sodium".
    T = 298.15
    g_nak, _ = surface_tension_NaK(parse_composition("56 wt% K"), T)
    theta_nak = contact_angle_from_adhesion(0.185, g_nak)
    theta_na = contact_angle_from_adhesion(0.166, float(surface_tension_Na(T)))
    assert theta_nak < theta_na
    assert theta_nak < math.pi / 2 < theta_na


def test_bad_wetting_input_raises():
    with pytest.raises(NakcellInputError):
        contact_angle_from_adhesion(0.1, -0.1)
    with pytest.raises(NakcellInputError):
        washburn_time(-1.0, 1e-6, 0.3, 1e-3, 0.1)
