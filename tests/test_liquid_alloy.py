"""Liquid-alloy electrode physics against analytic limits and independent solutions."""

import math

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from nakcell.constants import F
from nakcell.interface import capillary as cap
from nakcell.interface import infiltration as inf
from nakcell.interface import liquid_transport as lt
from nakcell.thermo import liquid_range_x_Na
from nakcell.thermo.properties import thermodynamic_factor_NaK
from nakcell.thermo.wetting import washburn_time

GAMMA = 0.1224  # N/m, Butler value of the seed alloy at 25 C (nakcell.thermo)
COS_C = 0.444  # Young-Dupre on NASICON with the seed's DFT W_adh
COS_H = 0.5


# ------------------------------------------------------------------ capillary contact
def test_laplace_suction_is_about_one_mpa_in_100_nm_pores():
    assert cap.laplace_pressure(0.12, 0.5, 100e-9) == pytest.approx(1.2e6)


def test_host_suction_at_half_saturation_is_the_median_pore_laplace_pressure():
    # Phi^-1(0.5) = 0: the meniscus sits in the median pore
    p = cap.host_suction(GAMMA, COS_H, 100e-9, 0.5, spread=0.7)
    assert p == pytest.approx(2 * GAMMA * COS_H / 100e-9, rel=1e-12)
    assert cap.host_suction(GAMMA, COS_H, 100e-9, 1.0) == 0.0  # full host: no suction
    assert cap.host_suction(GAMMA, -0.3, 100e-9, 0.5) == 0.0  # non-wetting host holds nothing


def test_half_the_face_wets_where_the_median_valley_just_holds_the_pressure():
    # analytic: P + 2 gamma cos / a = 0 fills exactly the valleys r <= a (half, by the median)
    a = 1e-6
    p_liq = -2 * GAMMA * COS_C / a
    assert cap.capillary_contact_fraction(p_liq, GAMMA, COS_C, a) == pytest.approx(0.5)
    # non-wetting: breakthrough of the median valley at P = 2 gamma |cos| / a
    assert cap.capillary_contact_fraction(2 * GAMMA * 0.3 / a, GAMMA, -0.3, a) == pytest.approx(0.5)


def test_single_valley_size_limit_is_a_step_at_the_laplace_pressure():
    a = 1e-6
    p_b = 2 * GAMMA * 0.3 / a
    f = cap.capillary_contact_fraction(np.array([0.98, 1.02]) * p_b, GAMMA, -0.3, a, spread=1e-4)
    assert f[0] < 1e-6 and f[1] > 1 - 1e-6


@pytest.mark.parametrize(
    ("cos_c", "sat", "hosted"),
    [(COS_C, 0.6, True), (-0.3, 0.9, True), (-0.3, 1.0, False), (COS_C, 1.0, False)],
)
def test_contact_rises_monotonically_with_stack_pressure(cos_c, sat, hosted):
    p = np.linspace(-2e6, 5e6, 300)  # below 0: a liquid under tension (e.g. a sucking host)
    f = cap.equilibrium_contact(p, GAMMA, cos_c, COS_H, 100e-9, sat, 1e-6, 0.97, hosted)
    assert np.all(np.diff(f) >= 0) and f[-1] > f[0] + 0.3
    assert np.all((f >= 0) & (f <= 1))


@pytest.mark.parametrize("cos_c", [COS_C, -0.3])
def test_contact_rises_monotonically_with_host_pore_radius(cos_c):
    # a finer host sucks harder and starves the ceramic face (partly drained host, 0.2 MPa)
    r = np.geomspace(10e-9, 10e-6, 200)
    f = cap.equilibrium_contact(0.2e6, GAMMA, cos_c, COS_H, r, 0.6, 1e-6, 0.97, True)
    assert np.all(np.diff(f) >= 0) and f[-1] == pytest.approx(0.97)
    assert f[0] < (0.6 if cos_c > 0 else 0.01)


def test_contact_at_zero_pressure_full_host_is_the_face_porosity_when_wetting():
    # no stack pressure, no suction (host full): wetting face pores fill, f = porosity
    f = cap.equilibrium_contact(0.0, GAMMA, COS_C, COS_H, 100e-9, 1.0, 1e-6, 0.97, True)
    assert f == pytest.approx(0.97)
    # a bare non-wetting liquid at zero pressure touches nothing (Cassie state)
    f_non = cap.equilibrium_contact(0.0, GAMMA, -0.3, COS_H, 100e-9, 1.0, 1e-6, 1.0, False)
    assert f_non == 0.0


def test_host_contact_scales_only_with_capillary_pressure_at_zero_stack_pressure():
    # analytic: with p = 0 every pressure is 2 gamma cos / r, so scaling all radii changes
    # nothing (Laplace's law has no other length)
    args = (GAMMA, COS_C, COS_H)
    f1 = cap.equilibrium_contact(0.0, *args, 100e-9, 0.7, 1e-6, 0.97, True)
    f2 = cap.equilibrium_contact(0.0, *args, 1e-6, 0.7, 1e-5, 0.97, True)
    assert f1 == pytest.approx(f2, rel=1e-12) and f1 < 0.97


def test_darcy_supply_of_a_single_tube_is_poiseuille():
    # eps = tau = 1: mean Poiseuille velocity dp r^2 / (8 mu L)
    k = cap.host_permeability(100e-9, 1.0, 1.0)
    v = cap.darcy_supply_velocity(1e5, k, 1e-3, 1e-4)
    assert v == pytest.approx(1e5 * (100e-9) ** 2 / (8 * 1e-3 * 1e-4))
    assert cap.darcy_supply_velocity(-1e5, k, 1e-3, 1e-4) == 0.0


# ------------------------------------------------------------------ composition gradients
C, L, D = 3.0e4, 100e-6, 2e-9  # mol/m3, m, m2/s
J = 250.0 / F  # 25 mA/cm2 of Na


def _modal_face_offset(t_end, steps=400):
    rates = lt.mode_rates(D, L)
    amps = np.zeros((1, lt.N_MODES))
    for _ in range(steps):
        amps = lt.advance_modes(amps, J, C, L, rates, t_end / steps)
    return float(lt.face_offset(amps, J, C, L, D)[0])


def test_steady_face_offset_is_the_parabolic_profile():
    off = _modal_face_offset(5 * L**2 / D, steps=10)
    assert off == pytest.approx(-J * L / (3 * C * D), rel=3e-3)


def test_short_times_follow_the_semi_infinite_constant_flux_solution():
    t = 0.005 * L**2 / D
    # x_face - x_0 = (x_face - x_mean) + (x_mean - x_0), the mean falling by J t / (c L)
    drop = _modal_face_offset(t, steps=1) - J * t / (C * L)
    assert drop == pytest.approx(float(lt.short_time_face_offset(J, C, D, t)), rel=0.01)
    # a slab 1e4 times thicker is semi-infinite on this time scale: same answer
    t2 = 0.005 * L**2 / D
    rates = lt.mode_rates(D, 1e4 * L)
    amps = lt.advance_modes(np.zeros((1, lt.N_MODES)), J, C, 1e4 * L, rates, t2)
    off = float(lt.face_offset(amps, J, C, 1e4 * L, D)[0]) - J * t2 / (C * 1e4 * L)
    assert off == pytest.approx(float(lt.short_time_face_offset(J, C, D, t2)), rel=0.05)


def test_modes_match_a_uniform_method_of_lines_solution():
    n = 400
    dz = L / n

    def rhs(_t, x):
        g = np.empty(n + 1)
        g[1:-1] = np.diff(x) / dz
        g[0] = J / (C * D)  # dx/dz at the face (depletion)
        g[-1] = 0.0
        return D * np.diff(g) / dz

    t_end = 0.2 * L**2 / D
    sol = solve_ivp(rhs, (0, t_end), np.full(n, 0.5), method="BDF", rtol=1e-8, atol=1e-12)
    x = sol.y[:, -1]
    face = x[0] - J / (C * D) * dz / 2  # half a cell back to z = 0 with the face gradient
    off_ref = face - x.mean()
    off = _modal_face_offset(t_end)
    assert off == pytest.approx(off_ref, rel=0.01)


def test_depletion_limit_empties_the_face():
    x_mean = 0.57
    i_lim = float(lt.depletion_current_density(x_mean, C, L, D))
    off = lt.steady_face_offset(i_lim / F, C, L, D)
    assert x_mean + off == pytest.approx(0.0, abs=1e-12)


def test_stagnant_potassium_raises_the_effective_diffusivity():
    assert lt.effective_diffusivity(1e-9, 0.6) == pytest.approx(1e-9 / 0.4)
    assert lt.effective_diffusivity(1e-9, 0.6, 0.81) == pytest.approx(1e-9 / 0.4 * 0.729)


def test_darken_factor_tends_to_one_in_the_dilute_limits():
    # Henry + Raoult: d ln a / d ln x -> 1 as x -> 0 and x -> 1
    phi = thermodynamic_factor_NaK(np.array([1e-4, 1 - 1e-4]), 298.15)
    np.testing.assert_allclose(phi, 1.0, atol=2e-3)


def test_plating_face_freezes_when_it_leaves_the_liquid_field():
    lo, hi = liquid_range_x_Na(298.15)
    assert lo < 0.572 < hi  # the seed alloy is liquid at 25 C
    assert not lt.freezes_out(0.572, lo, hi)
    assert lt.freezes_out(hi + 1e-3, lo, hi)


# ------------------------------------------------------------------ infiltration / short
def test_seed_numbers_imply_an_electronic_short():
    d = inf.seed_short_diagnosis()
    assert d.total_asr_ohm_cm2 == pytest.approx(0.32)
    assert d.ionic_asr_ohm_cm2 == pytest.approx(0.11 / 1.4e-3)
    assert d.implies_short and "electronic short" in d.verdict
    # the filament it reports has exactly the missing parallel resistance
    r_e = d.electronic_resistance_ohm
    rho = inf.RESISTIVITY_NAK_RANGE[0]
    r_fil = inf.filament_resistance(rho, 1.1e-3, d.filament_diameter_um[0] * 1e-6)
    assert r_fil == pytest.approx(r_e)
    area = math.pi * 0.011**2 / 4
    r_par = 1 / (1 / r_e + area / (d.ionic_asr_ohm_cm2 * 1e-4))
    assert r_par * area * 1e4 == pytest.approx(0.32)


def test_a_resistance_above_the_bulk_needs_no_short():
    d = inf.diagnose_short(3.0, 250.0, 1.1e-3, 11e-3, 0.14)  # 120 ohm cm2 > 78.6
    assert not d.implies_short and d.electronic_resistance_ohm is None


def test_infiltration_criteria_follow_laplace():
    r = 0.5e-6
    assert inf.infiltrates(0.0, GAMMA, COS_C, r)  # wetting: spontaneous
    p_b = 2 * GAMMA * 0.3 / r
    assert not inf.infiltrates(0.99 * p_b, GAMMA, -0.3, r)
    assert inf.infiltrates(1.01 * p_b, GAMMA, -0.3, r)


def test_washburn_fill_time_without_pressure_is_washburns_law():
    theta = math.acos(COS_C)
    t = inf.washburn_fill_time(1.1e-3, 0.5e-6, GAMMA, COS_C, 8.4e-4)
    assert t == pytest.approx(washburn_time(1.1e-3, 0.5e-6, theta, 8.4e-4, GAMMA))
    assert np.isinf(inf.washburn_fill_time(1.1e-3, 0.5e-6, GAMMA, -0.3, 8.4e-4))


# ------------------------------------------------------------------ in the cell model
def _strip_30_percent(cells):
    from nakcell.cell.symmetric import simulate_symmetric
    from nakcell.protocols import Galvanostatic

    t = 0.3 * cells[0].anode.na_inventory() * F / 50.0  # 5 mA/cm2, 30 % of the Na
    return simulate_symmetric(cells, Galvanostatic(50.0, t, t), steps_per_half=100)


def test_cell_contact_rises_with_stack_pressure():
    from nakcell.materials import seed_nak

    c0 = seed_nak()
    res = _strip_30_percent([c0.replace(stack_pressure=p) for p in (0.0, 0.05e6, 0.2e6, 1e6)])
    f = res.min_contact
    assert np.all(np.diff(f) >= 0) and f[-1] > f[0] + 0.05
    assert f[-1] == pytest.approx(c0.anode.host_porosity)  # enough pressure: every face pore
    assert np.all(np.diff(res.overpotential) <= 0)  # and less loss


def test_cell_contact_rises_with_host_pore_radius():
    from nakcell.materials import seed_nak

    c0 = seed_nak()
    radii = (10e-9, 30e-9, 100e-9, 1e-6)
    cells = [c0.replace(anode=c0.anode.replace(host_pore_radius=r)) for r in radii]
    f = _strip_30_percent(cells).min_contact
    assert np.all(np.diff(f) >= 0) and f[-1] > f[0] + 0.05


def test_cell_contact_at_assembly_is_the_capillary_equilibrium():
    from nakcell.interface.contact import young_dupre_cos_theta
    from nakcell.materials import seed_nak
    from nakcell.thermo.properties import surface_tension_NaK

    c = seed_nak().replace(stack_pressure=0.0)
    c = c.replace(anode=c.anode.replace(host_fill=0.7))  # a partly filled host at assembly
    a = c.anode
    g = surface_tension_NaK(a.x_Na, 298.15)[0]
    expected = cap.equilibrium_contact(
        0.0, g, young_dupre_cos_theta(a.W_adh, g), a.host_cos_theta, a.host_pore_radius, 0.7,
        a.spot_radius, a.host_porosity, True,
    )  # fmt: skip
    res = _strip_30_percent([c])
    assert res.contact_left[0, 0] == pytest.approx(float(expected), rel=2e-3)
    assert float(expected) < 0.97  # partly drained host at zero pressure: below full contact


def test_short_check_cli_prints_the_seed_verdict_and_rejects_bad_input():
    import json
    import subprocess
    import sys

    def run(*args):
        cmd = [sys.executable, "-m", "nakcell.cli", "short-check", *args]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=120)

    p = run("--json")
    assert p.returncode == 0, p.stderr
    d = json.loads(p.stdout)
    assert d["implies_short"] and d["total_asr_ohm_cm2"] == pytest.approx(0.32)
    assert d["ionic_asr_ohm_cm2"] == pytest.approx(78.571, rel=1e-4)
    bad = run("--thickness", "-1 mm")
    assert bad.returncode == 2 and "thickness" in bad.stderr and "Traceback" not in bad.stderr


def test_liquid_bounds_match_the_phase_diagram_at_nodes_and_between():
    from nakcell.interface.liquid import liquid_bounds

    for t in (298.15, 305.0):
        assert liquid_bounds(t, anchor=t) == pytest.approx(liquid_range_x_Na(t), abs=1e-12)
    # between grid nodes (1 K apart): linear interpolation, within 1e-3 of the exact field
    lo, hi = liquid_bounds(298.65, anchor=298.15)
    lo_x, hi_x = liquid_range_x_Na(298.65)
    assert lo == pytest.approx(lo_x, abs=1e-3) and hi == pytest.approx(hi_x, abs=1e-3)
