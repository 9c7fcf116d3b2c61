"""Interface physics against analytic limits and independent numbers."""

import math

import numpy as np
import pytest

from nakcell.constants import F, R
from nakcell.interface import (
    bv_current,
    bv_overpotential,
    charge_transfer_asr,
    constriction_asr,
    creep_supply_velocity,
    critical_penetration_overpotential,
    electrode_potential_vs_na,
    holm_spot_resistance,
    liquid_contact_fraction,
    strip_velocity,
    young_dupre_cos_theta,
)

T = 298.15


def test_rct_linear_regime_equals_RT_over_F_i0():
    i0 = 170.0  # A/m2
    i_small = 1e-3 * i0
    eta = bv_overpotential(i_small, i0, T)
    assert eta / i_small == pytest.approx(R * T / (F * i0), rel=1e-6)
    assert charge_transfer_asr(i0, T) == pytest.approx(R * T / (F * i0))


@pytest.mark.parametrize("alpha", [0.3, 0.5, 0.7])
def test_bv_overpotential_inverts_bv_current(alpha):
    i0 = 50.0
    i = np.array([-500.0, -1.0, 0.0, 3.0, 2000.0])
    eta = bv_overpotential(i, i0, T, alpha)
    assert bv_current(eta, i0, T, alpha) == pytest.approx(i, rel=1e-8, abs=1e-9)


def test_bv_tafel_slope_at_high_current():
    # alpha = 1/2: 2RT/F ln(10) per decade = 118 mV/decade at 25 degC (Bard & Faulkner)
    i0 = 1.0
    e1, e2 = bv_overpotential([1e4, 1e5], i0, T)
    assert (e2 - e1) == pytest.approx(2 * R * T / F * math.log(10), rel=1e-6)


def test_holm_one_spot_is_rho_over_4a():
    # Newman (1966): disc electrode on a half-space, R = 1 / (4 kappa a)
    rho, a = 714.0e-2, 5e-6  # ohm m, m
    assert holm_spot_resistance(rho, a) == pytest.approx(rho / (4 * a))


def test_sparse_spots_reduce_to_holm_per_spot():
    rho, a, f = 7.14, 1e-6, 1e-6
    asr = constriction_asr(rho, a, f)
    area_per_spot = math.pi * a**2 / f
    assert asr / area_per_spot == pytest.approx(rho / (4 * a), rel=2e-3)


def test_constriction_vanishes_at_full_contact_and_falls_monotonically():
    f = np.linspace(0.01, 1.0, 50)
    asr = constriction_asr(7.14, 1e-6, f)
    assert asr[-1] == pytest.approx(0.0, abs=1e-15)
    assert np.all(np.diff(asr) < 0)


def test_constriction_against_numerical_laplace_in_a_flux_tube():
    """Finite-volume solution of the axisymmetric Laplace problem (independent of the formula).

    A disc of radius a at potential 1 on top of a cylinder of radius b (insulating walls and
    top outside the disc), far bottom grounded at depth H: R_total - H rho / (pi b^2) is the
    constriction resistance; compare with rho psi / (4 a), psi = (1 - a/b)^1.5.
    """
    from scipy.sparse import lil_matrix
    from scipy.sparse.linalg import spsolve

    rho, a, b, H = 1.0, 1.0, 2.0, 6.0
    nr, nz = 60, 180
    dr, dz = b / nr, H / nz
    r_c = (np.arange(nr) + 0.5) * dr
    N = nr * nz
    A = lil_matrix((N, N))
    rhs = np.zeros(N)

    def idx(i, j):
        return j * nr + i

    for j in range(nz):
        for i in range(nr):
            k = idx(i, j)
            diag = 0.0
            if i > 0:
                g = (r_c[i] - dr / 2) * dz / dr
                A[k, idx(i - 1, j)] = -g
                diag += g
            if i < nr - 1:
                g = (r_c[i] + dr / 2) * dz / dr
                A[k, idx(i + 1, j)] = -g
                diag += g
            g_z = r_c[i] * dr / dz
            if j > 0:
                A[k, idx(i, j - 1)] = -g_z
                diag += g_z
            elif r_c[i] < a:  # top surface: disc at V = 1 (half cell to the boundary)
                diag += 2 * g_z
                rhs[k] += 2 * g_z
            if j < nz - 1:
                A[k, idx(i, j + 1)] = -g_z
                diag += g_z
            else:  # bottom grounded
                diag += 2 * g_z
            A[k, k] = diag
    V = spsolve(A.tocsr(), rhs)
    top = V[:nr]
    current = sum(
        2 * math.pi * r_c[i] * dr * (1.0 - top[i]) / (dz / 2) / rho for i in range(nr) if r_c[i] < a
    )
    r_con = 1.0 / current - rho * H / (math.pi * b**2)
    f = (a / b) ** 2
    predicted = constriction_asr(rho, a, f) / (math.pi * b**2)
    assert r_con == pytest.approx(predicted, rel=0.08)


def test_strip_velocity_na_is_8_9_um_per_h_at_1_mA_cm2():
    v = strip_velocity(10.0, 23.78e-6)  # 1 mA/cm2
    assert v * 3600 * 1e6 == pytest.approx(8.87, rel=0.01)


def test_creep_velocity_follows_power_law_and_contact_concentration():
    v1 = creep_supply_velocity(1e6, 1.0, 0.53, 5.0, 1e-6, T, 0.47)
    v2 = creep_supply_velocity(1e6, 0.5, 0.53, 5.0, 1e-6, T, 0.47)
    assert v1 == pytest.approx(0.53e-6)
    assert v2 / v1 == pytest.approx(2.0**5)


def test_young_dupre_limits():
    assert young_dupre_cos_theta(2 * 0.1, 0.1) == pytest.approx(1.0)  # W = 2 gamma: full wetting
    assert young_dupre_cos_theta(0.1, 0.1) == pytest.approx(0.0)  # theta = 90 deg
    assert young_dupre_cos_theta(0.0, 0.1) == pytest.approx(-1.0)


def test_nonwetting_liquid_fills_roughness_only_above_laplace_pressure():
    gamma, cos_t, r = 0.2, -0.5, 1e-6
    p_b = 2 * gamma * abs(cos_t) / r  # 0.2 MPa
    low, at, high = liquid_contact_fraction([0.1 * p_b, p_b, 10 * p_b], gamma, cos_t, r)
    assert low < 0.01 and at == pytest.approx(0.5) and high > 0.99
    assert liquid_contact_fraction(1.0, gamma, 0.3, r) == 1.0  # wetting: spontaneous


def test_penetration_threshold_matches_griffith_by_hand():
    # K_IC = 1.44 MPa m^0.5, c = 5 um, V_m(Na) = 23.78 cm3/mol, Y = 1.12
    eta = critical_penetration_overpotential(1.44e6, 5e-6, 23.78e-6)
    by_hand = 1.44e6 * 23.78e-6 / (1.12 * 96485.33 * math.sqrt(math.pi * 5e-6))
    assert eta == pytest.approx(by_hand)
    assert 0.05 < eta < 0.12


def test_nernst_potential_of_half_activity_is_17_8_mV():
    assert electrode_potential_vs_na(0.5, T) == pytest.approx(R * T / F * math.log(2))
    assert electrode_potential_vs_na(0.5, T) * 1e3 == pytest.approx(17.81, abs=0.01)
