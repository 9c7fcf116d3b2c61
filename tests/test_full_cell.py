"""Full cell anode | NHSP | liquid interlayer | NVP on PyBaMM: checked against plain PyBaMM,
Faraday's law, and the symmetric cell's interface physics."""

import json
import subprocess
import sys

import numpy as np
import pytest

from nakcell.cell._pybamm import disable_telemetry
from nakcell.cell.full import FullCell, Series, get_full_cell, simulate_full
from nakcell.cell.symmetric import interface_asr
from nakcell.cli.full import parse_c_rate
from nakcell.errors import NakcellInputError
from nakcell.materials.cathodes import NVPCathode, nvp_parameter_values
from nakcell.protocols import FullCellCycling

pybamm = disable_telemetry()

# Independent of our code: 2 Na per Na3V2(PO4)3, IUPAC atomic weights, CODATA Faraday constant
M_NVP_G = 3 * 22.98977 + 2 * 50.9415 + 3 * (30.973762 + 4 * 15.999)
THEORETICAL_MAH_G = 2 * 96485.33212 / M_NVP_G / 3.6  # 117.6 mAh/g, as the literature states


def test_theoretical_capacity_is_the_literature_117_6_mAh_g():
    assert pytest.approx(117.6, abs=0.05) == THEORETICAL_MAH_G
    assert NVPCathode().specific_capacity / 3600 == pytest.approx(THEORETICAL_MAH_G, rel=1e-4)


def test_telemetry_is_off():
    assert pybamm.telemetry._posthog.disabled


def test_zero_series_elements_equal_plain_pybamm():
    """Series elements off: our stepped cycling equals PyBaMM's own Experiment, same set."""
    fc = get_full_cell("seed-nak")
    rate = 2.0
    ours = simulate_full(fc, FullCellCycling((rate, rate)), series=Series.none(), chunks=3)

    pv = nvp_parameter_values(fc.cathode, fc.interlayer, area=fc.area)
    pv["Nominal cell capacity [A.h]"] = fc.one_c_current()
    exp = pybamm.Experiment(
        [(f"Charge at {rate}C until 4 V", f"Discharge at {rate}C until 2.5 V")] * 2,
        period="2 seconds",
    )
    model = pybamm.lithium_ion.SPMe({"working electrode": "positive"})
    sol = pybamm.Simulation(model, parameter_values=pv, experiment=exp).solve()
    for k in range(2):
        d = sol.cycles[k].steps[1]
        t = d.t - d.t[0]
        q_plain = rate * fc.one_c_current() * t / (fc.cathode.active_loading * fc.area) / 3600
        v_plain = d["Voltage [V]"].entries
        assert ours.capacity_mAh_g[k] == pytest.approx(q_plain[-1], rel=1e-4)
        c = ours.curves[k]
        q = np.linspace(5.0, 0.95 * q_plain[-1], 40)
        v_ours = np.interp(q, c["capacity"] / 3600, c["voltage"])
        assert np.max(np.abs(v_ours - np.interp(q, q_plain, v_plain))) < 2e-3


def test_c10_capacity_approaches_theoretical_times_active_fraction():
    fc = get_full_cell("seed-nak")
    r = simulate_full(fc, FullCellCycling((0.1,)))
    per_electrode = r.capacity_mAh_g[0] * fc.cathode.wt_active  # mAh per g of whole electrode
    assert per_electrode == pytest.approx(THEORETICAL_MAH_G * 0.30, rel=0.03)
    assert per_electrode < THEORETICAL_MAH_G * 0.30


def test_series_resistance_lowers_the_discharge_voltage_by_iR():
    """At 5C the bulk pellet (L/sigma = 78.6 ohm cm2) lowers the mean discharge V by ~ i L/sigma."""
    fc = get_full_cell("seed-nak")
    proto = FullCellCycling((5.0,))
    plain = simulate_full(fc, proto, series=Series.none(), chunks=2)
    bulk = simulate_full(
        fc, proto, series=Series(bulk=True, anode=False, interlayer=False), chunks=2
    )
    i = 5.0 * fc.one_c_current() / fc.area  # A/m2
    drop = i * 1.1e-3 / (1.4e-3 * 100)  # 1.1 mm pellet at 1.4e-3 S/cm
    assert plain.mean_discharge_v[0] - bulk.mean_discharge_v[0] == pytest.approx(drop, rel=0.05)


def test_na_anode_voids_only_above_its_stripping_limit_while_liquid_nak_keeps_contact():
    """Same physics as the symmetric cell: solid Na keeps contact while the stripping current
    stays below the pressure-free limit j_v (2.4 mA/cm2 at 25 degC; 10C = 1.5 mA/cm2 here) and
    voids above it (20C = 3.1 mA/cm2); liquid Na-K refills at any rate."""
    fc = get_full_cell("seed-na")
    j_1c = fc.one_c_current() / fc.cell.area  # A/m2
    j_v = fc.cell.anode.vacancy_limit
    assert 10 * j_1c < j_v < 20 * j_1c
    f0_na = interface_asr(fc.cell)["contact_fraction"]
    f0_nak = interface_asr(get_full_cell("seed-nak").cell)["contact_fraction"]
    na10 = simulate_full("seed-na", FullCellCycling((10.0, 10.0)), chunks=2)
    na20 = simulate_full("seed-na", FullCellCycling((20.0, 20.0)), chunks=2)
    nak = simulate_full("seed-nak", FullCellCycling((20.0, 20.0)), chunks=2)
    assert na10.contact_fraction[-1] >= 0.999 * f0_na
    assert na20.contact_fraction[-1] < 0.99 * f0_na
    assert nak.contact_fraction[-1] == pytest.approx(f0_nak, rel=1e-3)
    assert na20.anode_asr[-1] > nak.anode_asr[-1]


def test_total_loading_basis_means_less_current_for_the_same_c_rate():
    a = get_full_cell("seed-nak")
    t = get_full_cell("seed-nak", loading_basis="total")
    assert t.one_c_current() == pytest.approx(a.one_c_current() * 0.30)
    assert isinstance(t, FullCell)


@pytest.mark.parametrize(
    ("text", "value"), [("10", 10.0), ("10C", 10.0), ("C/10", 0.1), ("0.5c", 0.5)]
)
def test_c_rate_parser(text, value):
    assert parse_c_rate(text) == pytest.approx(value)


@pytest.mark.parametrize("bad", ["0", "-1", "C/0", "fast", "nan"])
def test_c_rate_parser_rejects(bad):
    with pytest.raises(NakcellInputError):
        parse_c_rate(bad)


def test_protocol_rejects_reversed_cutoffs_and_nonpositive_rates():
    with pytest.raises(NakcellInputError):
        FullCellCycling((1.0,), v_min=4.0, v_max=2.5)
    with pytest.raises(NakcellInputError):
        FullCellCycling.rate_test((1.0, 0.0))
    with pytest.raises(NakcellInputError):
        NVPCathode(v_min=4.1, v_max=4.0)


def nakcell(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "nakcell.cli", *args], capture_output=True, text=True, timeout=300
    )


@pytest.mark.parametrize(
    "args",
    [
        ("--rate", "0"),
        ("--rates", "1,-2"),
        ("--v-min", "4", "--v-max", "3"),
        ("--cell", "no-such-cell"),
    ],
)
def test_cli_bad_input_exits_2_with_one_line(args):
    p = nakcell("full", *args, "--cycles", "1")
    assert p.returncode == 2
    assert p.stderr.strip().count("\n") == 0 and p.stderr.startswith("nakcell: error:")


def test_cli_rates_json_lists_rate_capacity_voltage():
    p = nakcell("full", "--cell", "seed-nak", "--rates", "1,10", "--cycles-per-rate", "1", "--json")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert [r["C_rate"] for r in out] == [1.0, 10.0]
    assert set(out[0]) == {"C_rate", "capacity_mAh_g", "mean_discharge_V"}
    assert out[1]["capacity_mAh_g"] < out[0]["capacity_mAh_g"] < THEORETICAL_MAH_G
    assert out[1]["mean_discharge_V"] < out[0]["mean_discharge_V"] < 3.4


def test_cli_long_cycling_json(tmp_path):
    png = tmp_path / "f.png"
    p = nakcell("full", "--rate", "10", "--cycles", "3", "--json", "--plot", str(png))
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert {"capacity_mAh_g_first", "capacity_mAh_g_last", "retention_pct"} <= set(out)
    assert len(out["cycles"]) == 3
    assert out["retention_pct"] == pytest.approx(
        100 * out["capacity_mAh_g_last"] / out["capacity_mAh_g_first"]
    )
    assert png.stat().st_size > 10_000


def test_cli_params_lists_every_cathode_value_with_a_source():
    p = nakcell("full", "--params", "--json")
    assert p.returncode == 0, p.stderr
    rows = {r["parameter"]: r for r in json.loads(p.stdout)}
    assert rows["cathode.mass_loading"]["value"] == pytest.approx(1.3)
    for name, r in rows.items():
        if name.startswith(("cathode.", "interlayer.")):
            assert len(r["source"]) > 10, name


def test_a_weak_pellet_shorts_on_charge_by_the_symmetric_cells_criterion():
    """Penetration uses the symmetric cell's Griffith check: with a near-zero K_IC the solid Na
    anode's plating overpotential cracks a flaw, a filament crosses the pellet, the cell stops."""
    import dataclasses

    from nakcell.cell.full import FullCell

    base = get_full_cell("seed-na")
    weak = dataclasses.replace(base.cell.electrolyte, K_IC=1.0)  # 1 Pa m^0.5
    fc = FullCell(dataclasses.replace(base.cell, electrolyte=weak, thickness=1e-6))
    r = simulate_full(fc, FullCellCycling((1.0, 1.0)), chunks=2)
    assert r.stop_reason.startswith("short circuit")
    assert np.isnan(r.capacity_mAh_g[0])
    ok = simulate_full(base, FullCellCycling((1.0,)), chunks=2)
    assert ok.stop_reason == ""


def test_warmer_pellet_lowers_the_series_drop_by_the_arrhenius_change_of_L_over_sigma():
    """sigma T = A exp(-Ea/kT), anchored at 1.4e-3 S/cm, 25 degC, Ea 0.30 eV (materials).

    The cathode's own temperature effect (RT/F in its kinetics) is removed by subtracting the
    runs with no series elements at each temperature.
    """
    k_b = 8.617333262e-5
    sigma = lambda T: 0.14 * (298.15 / T) * np.exp(-0.30 / k_b * (1 / T - 1 / 298.15))  # noqa: E731
    only_bulk = Series(bulk=True, anode=False, interlayer=False)
    drop = {}
    for T in (298.15, 333.15):
        fc = get_full_cell("seed-nak", temperature=T)
        proto = FullCellCycling((10.0,))
        v_bulk = simulate_full(fc, proto, series=only_bulk, chunks=1).mean_discharge_v[0]
        v_none = simulate_full(fc, proto, series=Series.none(), chunks=1).mean_discharge_v[0]
        drop[T] = v_none - v_bulk
    i = 10.0 * get_full_cell("seed-nak").one_c_current() / get_full_cell("seed-nak").area
    for T in drop:
        assert drop[T] == pytest.approx(i * 1.1e-3 / sigma(T), rel=0.05)
    assert drop[298.15] - drop[333.15] == pytest.approx(
        i * 1.1e-3 * (1 / sigma(298.15) - 1 / sigma(333.15)), rel=0.1
    )
