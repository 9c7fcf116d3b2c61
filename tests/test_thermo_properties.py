"""Liquid-metal properties against published values not used to build the correlations."""

import math

import numpy as np
import pytest

from nakcell.thermo.properties import (
    butler,
    density_Na,
    density_NaK,
    surface_tension_K,
    surface_tension_Na,
    surface_tension_NaK,
    viscosity_Na,
    viscosity_NaK,
)


def test_na_density_matches_moose_fink_leibowitz_implementation():
    # idaholab/moose unit/src/SodiumPropertiesTest.C: rho(500 K) = 896.9929544 kg/m3 (ANL/RE-95/2)
    assert float(density_Na(500.0)) == pytest.approx(896.9929544, rel=1e-6)


@pytest.mark.parametrize(
    ("t_c", "rho_g_cm3"),
    [(21.0, 0.866), (100.0, 0.855), (550.0, 0.749)],
)
def test_nak78_density_against_published_values(t_c, rho_g_cm3):
    # NaK-77/78 densities quoted in the Wikipedia NaK article infobox (from the NaK handbook
    # literature): 0.866 g/cm3 at 21 C, 0.855 at 100 C, 0.749 at 550 C. Ideal molar-volume
    # mixing neglects the (negative) excess volume: stated accuracy 2 %.
    x_na = 1 - 0.6733  # 77.8 wt% K
    assert float(density_NaK(x_na, t_c + 273.15)) / 1000 == pytest.approx(rho_g_cm3, rel=0.02)


@pytest.mark.parametrize(("T", "sigma_mN_m"), [(900.0, 145.3), (1000.0, 135.3), (1100.0, 125.3)])
def test_na_surface_tension_against_tabulated_values(T, sigma_mN_m):
    # J. Thermodyn. Catal. 7 (2016) 163, Table 4 (saturation-curve data for Na).
    assert float(surface_tension_Na(T)) * 1000 == pytest.approx(sigma_mN_m, rel=0.01)


def test_butler_ideal_equal_area_limit_is_analytic():
    # Ideal solution, equal molar areas A: exp(-sigma A/RT) = sum x_i exp(-sigma_i A/RT).
    R, T, A = 8.314462618, 400.0, 6.0e4
    s1, s2, x = 0.20, 0.10, 0.3
    sigma, _ = butler(x, T, (s1, s2), (A, A), lambda _x: (0.0, 0.0), beta=1.0)
    b = A / (R * T)
    expected = -math.log(x * math.exp(-s1 * b) + (1 - x) * math.exp(-s2 * b)) / b
    assert sigma == pytest.approx(expected, rel=1e-9)


def test_nak_surface_is_enriched_in_k_and_tension_lies_between_the_pure_metals():
    T = 298.15
    sigma, xs = surface_tension_NaK(0.572, T)
    assert xs < 0.572
    assert float(surface_tension_K(T)) < sigma < float(surface_tension_Na(T))
    assert surface_tension_NaK(1.0, T)[0] == pytest.approx(float(surface_tension_Na(T)))


def test_viscosities_decrease_with_temperature_and_are_positive():
    T = np.array([300.0, 350.0, 400.0, 500.0])
    for eta in (viscosity_NaK(0.327, T), viscosity_Na(T)):
        assert np.all(eta > 0) and np.all(np.diff(eta) < 0)


def test_vectorised_butler_agrees_with_the_scalar_root_solve():
    # the (x, T) grid the cell model tabulates: 230-420 K, x clustered at both ends
    from nakcell.thermo.properties import surface_tension_NaK_array

    xs = np.array([1e-9, 1e-4, 0.02, 0.1, 0.3, 0.5733, 0.7, 0.9, 0.999, 1 - 1e-7])
    ts = np.array([230.0, 260.0, 298.15, 340.0, 420.0])
    g, s = surface_tension_NaK_array(xs[None, :], ts[:, None])
    for i, t in enumerate(ts):
        for j, x in enumerate(xs):
            g_ref, s_ref = surface_tension_NaK(float(x), float(t))
            # 0.01 mN/m (the brief asks < 1 mN/m); the residue is the scalar solver's absolute
            # xtol on x^S ~ 1e-11 at x = 1e-9, which the logit iteration resolves better
            assert abs(g[i, j] - g_ref) < 1e-5
            assert s[i, j] == pytest.approx(s_ref, rel=1e-3, abs=1e-12)


def test_vectorised_butler_ideal_equal_area_limit_is_analytic():
    # ideal liquid, equal molar areas: exp(-sigma A/RT) = sum x_i exp(-sigma_i A/RT)
    from nakcell.thermo.properties import _butler_newton

    R, A = 8.314462618, 6.0e4
    x = np.array([0.01, 0.3, 0.7, 0.99])
    T = np.array([300.0, 400.0, 500.0, 350.0])
    s1, s2 = np.full(4, 0.20), np.full(4, 0.10)
    area = (np.full(4, A), np.full(4, A))
    g, _ = _butler_newton(x, T, (s1, s2), area, lambda z: (0 * z, 0 * z), beta=1.0)
    b = A / (R * T)
    expected = -np.log(x * np.exp(-s1 * b) + (1 - x) * np.exp(-s2 * b)) / b
    np.testing.assert_allclose(g, expected, rtol=1e-10)
