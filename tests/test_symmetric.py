"""Symmetric-cell model: analytic limits, conservation laws, and physics that must emerge."""

import numpy as np
import pytest

from nakcell.cell.symmetric import simulate_symmetric
from nakcell.constants import F, R
from nakcell.materials import get_cell, seed_na, seed_nak
from nakcell.protocols import Galvanostatic, SteppedCCD

MA = 10.0  # A/m2 per mA/cm2
H = 3600.0


@pytest.mark.parametrize("name", ["seed-nak", "seed-na", "seed-na-sno2"])
def test_overpotential_never_below_bulk_ohmic_drop(name):
    cell = get_cell(name)
    i = np.array([0.05, 0.5, 2.0, 10.0, 30.0]) * MA
    res = simulate_symmetric(cell, Galvanostatic(tuple(i), 0.25 * H, 3 * H), steps_per_half=30)
    floor = i * cell.bulk_asr()
    ran = np.isfinite(res.overpotential)  # a cell over the 5 V limit at once never runs
    assert ran[:3].all()
    assert np.all(res.overpotential[ran] >= floor[ran] * (1 - 1e-12))
    # point-wise: |V - E_eq| >= i L / sigma whenever current flows and the cell runs
    from nakcell.interface import electrode_potential_vs_na

    e_eq = electrode_potential_vs_na(res.x_na_left, 298.15) - electrode_potential_vs_na(
        res.x_na_right, 298.15
    )
    ok = np.isfinite(res.voltage)
    assert np.all(np.abs(res.voltage - e_eq)[ok] >= np.broadcast_to(floor, ok.shape)[ok] - 1e-12)


def test_pure_ohmic_cell_voltage_is_i_L_over_sigma():
    # infinitely fast kinetics, a bare liquid (full wetting contact), no measurable drift:
    # V = i L / sigma plus the concentration polarisation of the two faces, which for a thick
    # alloy is the semi-infinite constant-flux solution dx = 2 J sqrt(t / (pi D)) / c (Crank
    # 1975 eq. 3.7) and d ln a = Phi dx / x
    from nakcell.materials.anodes import NaK, molar_volume
    from nakcell.thermo.properties import interdiffusion_NaK, thermodynamic_factor_NaK

    cell = seed_nak().with_interphase("none")
    cell = cell.replace(i0=1e12, anode=NaK(host="none", thickness=1.0))
    i, t = 1.0 * MA, 60.0
    res = simulate_symmetric(cell, Galvanostatic(i, t, t), steps_per_half=10)
    x, T = cell.anode.x_Na, 298.15
    d_eff = float(interdiffusion_NaK(x, T)) / (1 - x)  # K at rest
    dx = 2 * i / F * np.sqrt(t / (np.pi * d_eff)) * float(molar_volume(x))
    eta_c = 2 * R * T / F * float(thermodynamic_factor_NaK(x, T)) * dx / x
    expected = i * cell.thickness / 0.14 + eta_c
    assert eta_c > 1e-5  # resolved, not negligible at this tolerance
    assert res.voltage[-1, 0] == pytest.approx(expected, rel=1e-4)


def test_small_current_asr_is_bulk_plus_two_linear_rct():
    cell = seed_nak().with_interphase("none")
    i = 0.01 * MA
    res = simulate_symmetric(cell, Galvanostatic(i, 60.0, 60.0), steps_per_half=10)
    from nakcell.thermo import a_Na

    a = float(a_Na(cell.anode.x_Na, 298.15))  # i0 scales with sqrt(a_Na) (alpha = 1/2)
    r_ct = R * 298.15 / (F * cell.i0 * np.sqrt(a))
    expected = cell.bulk_asr() + 2 * r_ct
    assert res.asr[0] == pytest.approx(expected, rel=2e-3)


def test_charge_conservation_na_moved_equals_integral_i_dt_over_F():
    cell = seed_nak()
    i, t_half = 5.0 * MA, 0.1 * H
    res = simulate_symmetric(cell, Galvanostatic(i, t_half, t_half), steps_per_half=40)
    moved = i * t_half / F
    assert res.na_moved[0] == pytest.approx(moved, rel=1e-12)
    n_na0 = cell.anode.na_inventory()
    n_k = cell.anode.k_inventory()
    assert res.x_na_right[-1, 0] == pytest.approx((n_na0 + moved) / (n_na0 + moved + n_k), rel=1e-9)
    assert res.x_na_left[-1, 0] == pytest.approx((n_na0 - moved) / (n_na0 - moved + n_k), rel=1e-9)


def test_solid_na_loses_contact_at_high_current_liquid_alloy_does_not():
    # 5 mA/cm2: twice solid Na's pressure-free stripping limit (2.4 mA/cm2 at 25 degC)
    assert 5.0 * MA > 2 * seed_na().anode.vacancy_limit
    res = simulate_symmetric(
        [seed_na(), seed_nak()], Galvanostatic(5.0 * MA, 0.1 * H, 0.2 * H), steps_per_half=40
    )
    assert res.min_contact[0] < 0.6
    # the alloy keeps its capillary contact: the host's face porosity (0.97), barely drained
    assert res.min_contact[1] > 0.99 * seed_nak().anode.host_porosity


def test_plating_beyond_griffith_threshold_shorts_solid_but_not_liquid():
    # sluggish kinetics force a large plating overpotential (> ~80 mV) at full contact
    slow = dict(i0=0.05, stack_pressure=5e6)
    na = seed_na().replace(**slow)
    nak = seed_nak().replace(**slow, thickness=1.0e-3)
    nak = nak.replace(anode=nak.anode.replace(thickness=5e-3))  # ample alloy
    i = 1.0 * MA
    res = simulate_symmetric(
        [na, nak], Galvanostatic(i, 1 * H, 300 * H, v_limit=50.0), steps_per_half=20
    )
    assert res.shorted[0] and not res.shorted[1]
    # filament grows at the local plating rate i V_m / (F f) with f = 1: t = L F / (i V_m)
    t_expected = na.thickness * F / (i * 23.78e-6)
    assert res.time_to_short[0] == pytest.approx(t_expected, rel=0.02)


def test_alloy_drift_raises_voltage_as_na_runs_out():
    # at 380 K every Na-K composition is liquid: the stripped side runs out of Na
    cell = seed_nak().replace(temperature=380.0)
    cap_s = cell.anode.na_inventory() * F / (10 * MA)
    res = simulate_symmetric(cell, Galvanostatic(10 * MA, 2 * cap_s, 2 * cap_s), steps_per_half=200)
    assert res.stop_reason[0] == "Na depleted"
    assert res.stop_time[0] == pytest.approx(cap_s, rel=0.02)


def test_plating_side_freezes_out_when_it_leaves_the_liquid_field():
    # at 25 C the plating side's x_Na reaches the liquidus (Na2K / Na) long before the other
    # side runs out: x(t) = (n_Na + i t / F) / (n + i t / F) = x_hi
    from nakcell.thermo import liquid_range_x_Na

    cell = seed_nak()
    a = cell.anode
    n_tot = a.na_inventory() + a.k_inventory()
    x_hi = liquid_range_x_Na(298.15)[1]
    t_freeze = (x_hi * n_tot - a.na_inventory()) / (1 - x_hi) * F / (10 * MA)
    cap_s = a.na_inventory() * F / (10 * MA)
    res = simulate_symmetric(cell, Galvanostatic(10 * MA, 2 * cap_s, 2 * cap_s), steps_per_half=200)
    assert res.stop_reason[0] == "left liquid field"
    assert res.stop_time[0] == pytest.approx(t_freeze, rel=0.02)
    assert res.left_liquid_time[0] == pytest.approx(res.stop_time[0])


def test_ccd_of_a_cell_that_never_fails_is_a_lower_bound():
    res = simulate_symmetric(seed_nak(), SteppedCCD(0.1 * MA, 0.1 * MA, 60.0, 0.5 * MA))
    assert res.ccd[0] == pytest.approx(0.5 * MA)
    assert res.ccd_is_lower_bound[0]


def test_batch_equals_single_runs():
    cells = [seed_na(), seed_nak()]
    proto = Galvanostatic(3.0 * MA, 0.2 * H, 0.8 * H)
    both = simulate_symmetric(cells, proto, steps_per_half=20)
    for k, c in enumerate(cells):
        one = simulate_symmetric(c, proto, steps_per_half=20)
        assert both.overpotential[k] == pytest.approx(one.overpotential[0], rel=1e-12)


def test_time_step_convergence_first_order():
    cell = seed_na().replace(stack_pressure=0.1e6)
    proto = Galvanostatic(2.0 * MA, 0.25 * H, 1.0 * H)
    vals = [
        simulate_symmetric(cell, proto, steps_per_half=n).overpotential[0]
        for n in (30, 60, 120, 240)
    ]
    d1, d2, d3 = abs(vals[1] - vals[0]), abs(vals[2] - vals[1]), abs(vals[3] - vals[2])
    assert d3 < d2 < d1
    # 2 mA/cm2 at 0.1 MPa is close to this cell's void-collapse current (stiffest case)
    assert abs(vals[2] - vals[3]) / vals[3] < 5e-3


def test_lumped_heating_reaches_the_convective_steady_state():
    # steady state of C dT/dt = |i V| - 2 h (T - T0): T - T0 = |i V| / (2 h)
    cell = seed_na().with_interphase("none").replace(stack_pressure=5e6)
    i = 25.0 * MA
    res = simulate_symmetric(cell, Galvanostatic(i, 3 * H, 3 * H), steps_per_half=300, thermal=True)
    dT = res.temperature[-1, 0] - 298.15
    assert dT == pytest.approx(abs(i * res.voltage[-1, 0]) / (2 * cell.heat_transfer), rel=1e-3)
    iso = simulate_symmetric(cell, Galvanostatic(i, 3 * H, 3 * H), steps_per_half=300)
    assert dT > 5.0 and abs(res.voltage[-1, 0]) < abs(iso.voltage[-1, 0])  # hotter -> conducts
