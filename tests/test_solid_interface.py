"""Solid-metal interface: void collapse against creep supply, current focusing, Arrhenius
kinetics and film, interphase presets; stepped-CCD protocols of fixed capacity.

Closed forms: the creep balance f* = (A a p^n F / (i V_m))^(1/(n-1)) and the critical current
i_c = F A a p H^(n-1) / V_m (contact stress capped at the hardness H = 3 sigma_y).
"""

import math

import numpy as np
import pytest

from nakcell.cell.symmetric import interface_asr, simulate_symmetric
from nakcell.constants import K_B_EV, F
from nakcell.interface.params import BatchParams
from nakcell.interface.solid import SolidMetalInterface
from nakcell.materials import seed_na, seed_nak
from nakcell.materials.interphases import INTERPHASES
from nakcell.protocols import Galvanostatic, SteppedCCD

MA = 10.0
H = 3600.0
VM_NA = 23.78e-6


def _one_bin(p: float):
    return (
        seed_na()
        .with_interphase("none")
        .replace(stack_pressure=p, pressure_spread=0.0, contact_bins=1)
    )


def _creep_gain(cell) -> float:
    """A(T)/A(25 degC): the Arrhenius factor of the creep law."""
    q = cell.anode.creep_Q
    return math.exp(-q / K_B_EV * (1 / cell.temperature - 1 / 298.15))


def _j_v(cell) -> float:
    """The pressure-free stripping limit at the cell's temperature (A/m2)."""
    a = cell.anode
    return a.vacancy_limit * math.exp(-a.vacancy_Ea / K_B_EV * (1 / cell.temperature - 1 / 298.15))


def _creep_part(cell) -> float:
    """The creep share of the critical current, worked by hand: the contacts (fraction
    p/H_T) flow at the equivalent stress sigma_y(T) = H_T / 3, sigma_y(T) =
    sigma_y (A_T/A)^(-1/n), so i = F A_T a sigma_y(T)^n (p / H_T) / V_m."""
    a = cell.anode
    g = _creep_gain(cell)
    sy_t = a.yield_stress / 1e6 * g ** (-1 / a.creep_n)
    p = cell.stack_pressure / 1e6
    return F * a.creep_A * g * a.spot_radius * sy_t**a.creep_n * (p / (3 * sy_t)) / VM_NA


def _i_crit(cell) -> float:
    return _j_v(cell) + _creep_part(cell)


def test_contact_settles_at_the_creep_balance_below_i_crit_and_collapses_above():
    cell = _one_bin(0.2e6)
    jv, dc = _j_v(cell), _creep_part(cell)
    proto = Galvanostatic((jv + 0.5 * dc, jv + 3 * dc), 5 * H, 5 * H, v_limit=100.0)
    res = simulate_symmetric(cell, proto, steps_per_half=400)
    a = cell.anode
    # creep at sigma_c / 3 balances the part of the current beyond j_v
    f_star = (a.creep_A * a.spot_radius * (0.2 / 3) ** a.creep_n * F / (0.5 * dc * VM_NA)) ** (
        1 / (a.creep_n - 1)
    )
    assert f_star > 0.2 / 0.6  # still below the hardness cap
    assert res.contact_left[-1, 0] == pytest.approx(f_star, rel=0.02)
    assert res.min_contact[1] < 1e-3 or res.stop_reason[1] == "voltage limit"


def test_a_current_below_the_vacancy_limit_opens_no_voids_at_any_pressure():
    # Lowack et al. 2026: below j_crit the anode voltage stays linear in the current
    cell = _one_bin(0.01e6)
    res = simulate_symmetric(
        cell, Galvanostatic(0.9 * _j_v(cell), 5 * H, 5 * H), steps_per_half=200
    )
    f0 = interface_asr(cell)["contact_fraction"]
    assert res.stop_reason[0] == ""
    assert res.min_contact[0] >= 0.999 * f0


def test_critical_current_is_linear_in_stack_pressure():
    # Spencer Jolly et al. 2020: the pressure needed to avoid voids rises linearly with current
    lo, hi = _one_bin(0.1e6), _one_bin(0.2e6)
    assert _creep_part(hi) == pytest.approx(2 * _creep_part(lo), rel=1e-12)
    i = _j_v(lo) + 1.5 * _creep_part(lo)  # above the 0.1 MPa limit, below the 0.2 MPa one
    res = simulate_symmetric([lo, hi], Galvanostatic(i, 5 * H, 5 * H), steps_per_half=400)
    assert res.stop_reason[0] == "voltage limit"
    assert res.stop_reason[1] == "" and res.min_contact[1] > 0.2


def test_current_focuses_on_the_bins_that_keep_contact():
    cell = seed_na().replace(pressure_spread=0.5, contact_bins=5)
    b = BatchParams.of([cell], 1)
    sub = SolidMetalInterface(b)
    T = b.T0.copy()
    s = sub.init_state(T)
    ik = sub.split(s, np.array([10.0]), T)[:, 0]
    assert ik.mean() == pytest.approx(10.0, rel=1e-12)  # charge is conserved
    assert np.all(np.diff(s["fb"][:, 0]) >= 0) and np.all(np.diff(ik) >= 0)
    fb = s["fb"].copy()
    fb[0] = 1e-6  # a bin that lost its contact carries (almost) nothing
    s["fb"] = fb  # states are replaced, never edited in place (the submodel caches on them)
    ik2 = sub.split(s, np.array([10.0]), T)[:, 0]
    assert ik2[0] < 1e-3 and ik2[1:].mean() == pytest.approx(12.5, rel=1e-3)


@pytest.mark.parametrize(("basis", "expected"), [("per_cell", 52.5), ("per_interface", 105.0)])
def test_seed_na_interface_asr_is_the_seed_measurement_in_either_reading(basis, expected):
    r = interface_asr(seed_na(basis))["interface_asr"] * 1e4
    assert r == pytest.approx(expected, rel=1e-6)
    assert r >= 10.0


def test_interface_resistance_falls_with_temperature_by_its_activation_energy():
    cell = seed_na()
    ea = cell.interface_Ea
    d0 = interface_asr(cell.replace(temperature=273.15))
    d1 = interface_asr(cell.replace(temperature=323.15))
    ratio = math.exp(ea / K_B_EV * (1 / 273.15 - 1 / 323.15))
    assert d0["film_asr"] / d1["film_asr"] == pytest.approx(ratio, rel=0.02)
    assert d0["interface_asr"] > interface_asr(cell)["interface_asr"] > d1["interface_asr"]


def test_interphase_presets_carry_a_doi_or_the_seed():
    for name, ip in INTERPHASES.items():
        if name == "none":
            continue
        assert "doi:" in ip.source
        assert ip.per_interface("per_cell") == pytest.approx(ip.asr / 2)
    au = seed_na().with_interphase("Au")
    assert interface_asr(au)["interface_asr"] * 1e4 == pytest.approx(146.0, rel=1e-6)


def test_fixed_capacity_steps_move_the_same_charge_each_half_cycle():
    cap = 0.5 * 3.6e4  # 0.5 mAh/cm2
    proto = SteppedCCD.fixed_capacity(1.0 * MA, 1.0 * MA, 3.0 * MA, cap)
    dur, i = proto.segments(1)
    assert np.allclose(dur * np.abs(i[:, 0]), cap)
    res = simulate_symmetric(seed_nak(), proto, steps_per_half=20)
    assert res.charge_moved[0] == pytest.approx(cap * len(dur), rel=1e-9)


def test_a_run_that_exhausts_an_electrode_reports_no_ccd():
    cell = seed_nak().replace(temperature=380.0)  # all Na-K liquid: only exhaustion stops it
    # 0.5 h half-cycles: 5 mA/cm2 already moves more Na than the 10 uL loading holds
    res = simulate_symmetric(cell, SteppedCCD(5 * MA, 5 * MA, 0.5 * H, 20 * MA), steps_per_half=20)
    assert res.stop_reason[0] == "Na depleted"
    assert np.isnan(res.ccd[0]) and not res.ccd_is_lower_bound[0]
    assert res.ccd_note[0].startswith("not determined: electrode exhausted")


def test_alloy_ccd_default_fits_the_loading():
    from nakcell.cli.cell import default_ccd

    cell = seed_nak()
    cap = default_ccd(cell)[3]
    assert cap is not None and 0 < cap <= cell.alloy_capacity()
    assert cell.alloy_capacity() < cell.anode.na_inventory() * F  # liquid field binds first


def test_critical_current_rises_with_temperature_by_the_vacancy_and_creep_energies():
    cold, warm = _one_bin(0.2e6), _one_bin(0.2e6).replace(temperature=323.15)
    # j_v by exp(-Ea_v/k (1/T - 1/T0)) (Lowack et al. 2026: 0.13-0.15 eV); the creep share
    # by (A_T/A)^(1/n) = exp(-Q/(n k) (1/T - 1/T0)) (the flow stress falls as A rises)
    ea_v = cold.anode.vacancy_Ea
    assert _j_v(warm) / _j_v(cold) == pytest.approx(
        math.exp(ea_v / K_B_EV * (1 / 298.15 - 1 / 323.15)), rel=1e-12
    )
    gain = _i_crit(warm) / _i_crit(cold)
    assert 1.3 < gain
    i = 1.15 * _i_crit(cold)  # collapses at 25 degC; below the 50 degC limit
    res = simulate_symmetric([cold, warm], Galvanostatic(i, 5 * H, 5 * H), steps_per_half=400)
    assert res.stop_reason[0] == "voltage limit"
    assert res.stop_reason[1] == ""


def test_joule_heating_reaches_the_lumped_steady_state_side_by_side():
    from nakcell.cell.heat import joule_side_by_side

    cell = seed_nak()
    (row,) = joule_side_by_side(cell, (25.0,), cycles=3)
    # C dT/dt = |i V| - 2 h dT: the heated run settles at |i V| / (2 h) (time constant ~2 min)
    assert row["temperature_rise_K"] == pytest.approx(row["steady_rise_K"], rel=0.02)
    assert row["overpotential_thermal_mV"] < row["overpotential_isothermal_mV"]  # warmer pellet
    assert row["heat_flux_mW_cm2"] == pytest.approx(
        25.0 * row["overpotential_isothermal_mV"] / 1e3, rel=1e-9
    )


@pytest.mark.parametrize("t_c", [25.0, 50.0])
def test_default_na_ccd_ramp_fails_by_voids_between_j_v_and_the_critical_current(t_c):
    # the stepped ramp (0.1 mA/cm2 steps of 0.5 h) must fail by void collapse once the current
    # passes the hand-derived critical current of the highest-pressure contact bin, and not
    # below the pressure-free limit j_v (Lowack et al.'s interfacial step)
    cell = seed_na().replace(temperature=273.15 + t_c)
    res = simulate_symmetric(
        cell, SteppedCCD(start=0.1 * MA, step=0.1 * MA, stop=10 * MA, half_cycle=0.5 * H)
    )
    top = cell.replace(stack_pressure=cell.stack_pressure * math.exp(2 * 0.3))  # +2 sigma bin
    assert not res.ccd_is_lower_bound[0]
    assert "voids" in res.ccd_note[0]
    assert _j_v(cell) - 0.1 * MA <= res.ccd[0] <= _i_crit(top) + 0.1 * MA


def test_a_voltage_limit_with_contact_kept_is_a_lower_bound_not_a_ccd():
    # seed-nak at 50-55 mA/cm2: the pellet's bulk (78.6 ohm cm2) alone drops ~4 V
    res = simulate_symmetric(
        seed_nak(),
        SteppedCCD(
            start=45 * MA, step=5 * MA, half_cycle=0.05 * H, stop=70 * MA, capacity=0.5 * MA * H
        ),
    )
    assert res.stop_reason[0] == "voltage limit"
    assert res.ccd_is_lower_bound[0]
    assert "contact kept" in res.ccd_note[0]
