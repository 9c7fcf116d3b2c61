"""Cycle metrics, symmetric-cell metrics, short/CCD detection and protocol extraction on
synthetic traces whose answers are analytic."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from nakcell.analysis import (
    cell_kind,
    critical_current_density,
    cycle_metrics,
    detect_short,
    half_cycle_metrics,
    symmetric_cycle_metrics,
)
from nakcell.analysis.compare import (
    compare_traces,
    extract_protocol,
    register_simulator,
    simulate_protocol,
)
from nakcell.errors import NakcellInputError
from nakcell.io.table import build_table


def _trace(segments: list[tuple[float, float, object]], dt: float = 10.0) -> pd.DataFrame:
    """Concatenate (current_A, duration_s, voltage(t_in_segment, I) -> V) segments."""
    ts, cs, vs, keys = [], [], [], []
    t0 = 0.0
    for k, (i, dur, vfun) in enumerate(segments):
        n = round(dur / dt)
        t = t0 + dt * np.arange(1, n + 1) if k else dt * np.arange(0, n + 1)
        tau = t - t0
        ts.append(t)
        cs.append(np.full(len(t), i))
        vs.append(np.asarray(vfun(tau, i), dtype=float) * np.ones(len(t)))  # type: ignore[operator]
        keys.append(np.full(len(t), k))
        t0 = t[-1]
    t, i, v, key = (np.concatenate(x) for x in (ts, cs, vs, keys))
    return build_table(
        time_s=t, current_A=i, voltage_V=v, cycle=np.ones(len(t)), instrument_step=key
    )


# ---------------------------------------------------------------- full cell


def test_capacity_ce_energy_and_mean_voltage_are_analytic() -> None:
    """1 mA charge for 2 h with V ramping 3.0->4.0 V, then 1 mA discharge for 1.8 h at
    3.5 V flat: Q = I t, CE = 1.8/2, mean V of a linear ramp = (3.0+4.0)/2."""
    i = 1e-3
    df = _trace(
        [
            (i, 7200.0, lambda tau, _: 3.0 + tau / 7200.0),
            (-i, 6480.0, lambda tau, _: 3.5),
        ]
    )
    area, mass = 1e-4, 10e-6  # 1 cm2, 10 mg
    (c,) = cycle_metrics(df, area_m2=area, mass_kg=mass)
    assert c["charge_capacity_mAh"] == pytest.approx(2.0, rel=1e-9)
    assert c["discharge_capacity_mAh"] == pytest.approx(1.8, rel=1e-9)
    assert c["coulombic_efficiency_pct"] == pytest.approx(90.0, rel=1e-9)
    assert c["charge_mean_voltage_V"] == pytest.approx(3.5, rel=1e-6)
    assert c["discharge_energy_mWh"] == pytest.approx(1.8 * 3.5, rel=1e-9)
    assert c["charge_specific_capacity_mAh_g"] == pytest.approx(2.0 / 0.010)
    assert c["discharge_areal_capacity_mAh_cm2"] == pytest.approx(1.8)
    assert cell_kind(df) == "full"


def test_retention_relative_to_first_cycle() -> None:
    segs = []
    for frac in (1.0, 0.9, 0.8):
        segs += [(1e-3, 3600.0, lambda tau, _: 3.8), (-1e-3, 3600.0 * frac, lambda tau, _: 3.6)]
    df = _trace(segs)
    # cycles from the step pattern: charge opens each cycle
    from nakcell.io.table import cycles_from_step_types

    df["cycle"] = cycles_from_step_types(df["step_type"].astype(str).to_numpy())
    m = cycle_metrics(df)
    assert [round(r["retention_pct"], 6) for r in m] == [100.0, 90.0, 80.0]


# ---------------------------------------------------------------- symmetric cell


def _square_wave(
    n_cycles: int, i: float, half_s: float, v_of: object, dt: float = 5.0
) -> pd.DataFrame:
    segs = []
    for _ in range(n_cycles):
        segs += [(i, half_s, v_of), (-i, half_s, v_of)]
    df = _trace(segs, dt)
    from nakcell.io.table import cycles_from_step_types

    df["cycle"] = cycles_from_step_types(df["step_type"].astype(str).to_numpy())
    return df


def test_square_wave_overpotential_and_hysteresis() -> None:
    """V = +-25 mV square wave: overpotential 25 mV per half-cycle, hysteresis 50 mV."""
    df = _square_wave(3, 0.5e-3, 3600.0, lambda tau, i: 0.025 * np.sign(i))
    assert cell_kind(df) == "symmetric"
    halves = half_cycle_metrics(df)
    assert len(halves) == 6
    for h in halves:
        assert h["overpotential_V"] == pytest.approx(0.025, rel=1e-9)
        assert h["duration_s"] == pytest.approx(3600.0, rel=1e-12)
    for c in symmetric_cycle_metrics(df):
        assert c["hysteresis_V"] == pytest.approx(0.050, rel=1e-9)
        assert c["strip_charge_mAh"] == pytest.approx(0.5, rel=0.01)


def test_ohmic_cell_asr_equals_r_times_area() -> None:
    """V = I R with R = 20 ohm and A = 0.95 cm2: ASR = 19 ohm cm2, at two currents."""
    r_ohm, area = 20.0, 0.95e-4
    for i in (0.1e-3, 1e-3):
        df = _square_wave(2, i, 1800.0, lambda tau, ii: ii * r_ohm)
        for h in half_cycle_metrics(df, area_m2=area):
            assert h["resistance_ohm"] == pytest.approx(r_ohm, rel=1e-9)
            assert h["asr_ohm_m2"] == pytest.approx(r_ohm * area, rel=1e-9)
            assert h["current_density_A_m2"] == pytest.approx(i / area, rel=1e-9)


def test_voltage_collapse_is_detected_at_its_time() -> None:
    """An ohmic 10 ohm cell shorts (V -> 0.1 ohm x I) at t_s = 4.5 h, mid half-cycle."""
    t_short = 4.5 * 3600

    def build(with_short: bool) -> pd.DataFrame:
        df = _square_wave(4, 1e-3, 3600.0, lambda tau, i: 10.0 * i)
        if with_short:
            late = df["time_s"] >= t_short
            df.loc[late, "voltage_V"] = 0.1 * df.loc[late, "current_A"]
        return df

    assert detect_short(build(False)) is None
    ev = detect_short(build(True))
    assert ev is not None and ev.kind == "collapse"
    assert ev.time_s == pytest.approx(t_short, abs=5.0)


def test_noise_signature_is_detected_at_its_time() -> None:
    """Clean 20 mV plateaus with 0.05 mV white noise; from t_s on the noise is 5 mV
    (a soft short flickering), which the collapse test alone would miss."""
    rng = np.random.default_rng(1)
    t_s = 3.0 * 3600 + 1000.0

    def build(with_noise: bool) -> pd.DataFrame:
        df = _square_wave(3, 1e-3, 3600.0, lambda tau, i: 0.020 * np.sign(i))
        df["voltage_V"] += rng.normal(0, 5e-5, len(df))
        if with_noise:
            late = df["time_s"] >= t_s
            df.loc[late, "voltage_V"] += rng.normal(0, 5e-3, int(late.sum()))
        return df

    assert detect_short(build(False)) is None
    ev = detect_short(build(True))
    assert ev is not None and ev.kind == "noise"
    # found within one 20-point window (100 s) after onset
    assert t_s - 100.0 <= ev.time_s <= t_s + 100.0


def test_ccd_from_stepped_current() -> None:
    """0.1, 0.2, 0.3, 0.4 mA/cm2 on 1 cm2, two cycles each, ohmic 50 ohm; the cell shorts
    at 0.4 mA/cm2: CCD = 0.4 mA/cm2 = 4 A/m2, last safe 0.3 mA/cm2."""
    area = 1e-4
    segs = []
    for j_mA_cm2 in (0.1, 0.2, 0.3, 0.4):
        i = j_mA_cm2 * 1e-3 * 1.0  # mA/cm2 x 1 cm2 -> A
        for _ in range(2):
            segs += [(i, 1800.0, lambda tau, ii: 50 * ii), (-i, 1800.0, lambda tau, ii: 50 * ii)]
    df = _trace(segs)
    # shorts 900 s into the first 0.4 mA/cm2 half-cycle (6 cycles x 3600 s before it)
    t_short = 6 * 3600.0 + 900.0
    late = df["time_s"] >= t_short
    df.loc[late, "voltage_V"] = 0.0005 * np.sign(df.loc[late, "current_A"])
    out = critical_current_density(df, area_m2=area)
    assert out["ccd_A_m2"] == pytest.approx(4.0, rel=1e-6)
    assert out["last_safe_A_m2"] == pytest.approx(3.0, rel=1e-6)
    assert out["short"]["kind"] == "collapse"
    assert out["short"]["time_s"] == pytest.approx(t_short, abs=10.0)
    clean = critical_current_density(_trace(segs), area_m2=area)
    assert clean["ccd_A_m2"] is None and clean["max_tested_A_m2"] == pytest.approx(4.0)


# ---------------------------------------------------------------- protocol / compare


def test_protocol_extraction_recovers_steps() -> None:
    df = _trace(
        [
            (0.0, 600.0, lambda tau, _: 3.0),
            (2e-3, 3600.0, lambda tau, _: 3.0 + tau / 3600),
            (-1e-3, 7200.0, lambda tau, _: 4.0 - tau / 7200),
        ]
    )
    p = extract_protocol(df)
    assert [s.kind for s in p.steps] == ["rest", "cc", "cc"]
    assert [s.current_A for s in p.steps] == pytest.approx([0.0, 2e-3, -1e-3])
    assert [s.duration_s for s in p.steps] == pytest.approx([600.0, 3600.0, 7200.0])
    assert p.steps[1].describe() == "Charge at 2 mA for 1 h"


def test_compare_traces_offset() -> None:
    t = np.linspace(0, 100, 101)
    v = 3 + 0.01 * t
    r = compare_traces(t, v, t[::5], v[::5] + 0.02)
    assert r["rmse_V"] == pytest.approx(0.02) and r["bias_V"] == pytest.approx(0.02)


def test_simulate_protocol_adapter() -> None:
    with pytest.raises(NakcellInputError, match="register_simulator"):
        simulate_protocol("no-such-cell", extract_protocol(_trace([(1e-3, 100.0, lambda t, i: 3)])))

    def fake(protocol):  # a model with V = 3 V whatever the protocol
        return np.array([0.0, protocol.duration_s]), np.array([3.0, 3.0])

    register_simulator("test-flat", fake)
    t, v = simulate_protocol("test-flat", extract_protocol(_trace([(1e-3, 100.0, lambda t, i: 3)])))
    assert t[-1] == pytest.approx(100.0) and np.all(v == 3.0)


def test_report_section_on_the_shared_land_export(shared_data, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The section names the missing seed data and carries the LAND file's cycle-1
    capacities as LANDdt's own 'Cycle' sheet gives them (0.0176 / 0.0256 mAh)."""
    from nakcell.analysis.report import data_section

    out = data_section(shared_data / "cyclers" / "NJK_CC_156_C30_C_x30.xlsx", tmp_path)
    assert "not available" in out["html"] and "LAND" in out["html"]
    c1 = out["cycles"][0]
    assert c1["charge_capacity_mAh"] == pytest.approx(0.0176, abs=1.5e-4)
    assert c1["discharge_capacity_mAh"] == pytest.approx(0.0256, abs=1.5e-4)
    # 'Charge-SCap/mAh/g' of cycle 1 in the same sheet: 175.6 mAh/g
    assert c1["charge_specific_capacity_mAh_g"] == pytest.approx(175.6, rel=0.01)
    assert Path(out["figure"]).stat().st_size > 1000


def test_compare_replays_a_measured_symmetric_protocol_on_the_cell_model() -> None:
    """A measured +-I square wave replayed on seed-na: in the linear regime |V| = I (R_bulk +
    2 R_int(f)) / A, computed independently from the cell's parameters. At assembly the contact
    is the assembly value; creep under the stack pressure then closes contact (solid
    Na, docs/physics.md), so mid-step |V| lies between the assembly value and full contact."""
    from nakcell.cell.symmetric import interface_asr
    from nakcell.materials import get_cell

    cell = get_cell("seed-na")
    i_a = 0.95e-5  # 10 uA on 0.95 cm2 ~ 0.01 mA/cm2: linear regime
    d = _trace([(i_a, 1800.0, lambda t, i: 0.01), (-i_a, 1800.0, lambda t, i: -0.01)])
    t, v = simulate_protocol("seed-na", extract_protocol(d))

    def v_at(f: float | None) -> float:
        asr = interface_asr(cell, f)
        return i_a * (asr["bulk_asr"] + 2 * asr["interface_asr"]) / cell.area

    k = int(np.argmin(np.abs(t - 900.0)))  # mid first step
    assert v_at(1.0) < v[k] <= v[0] < v_at(None)  # contact closes from its assembly value
    assert t[-1] == pytest.approx(3600.0, rel=1e-6)


def test_reversal_zero_crossing_is_not_a_short() -> None:
    """+-11 uA, 12 h half-cycles sampled each 60 s, a stable 20 mV polarisation that
    relaxes through zero after each reversal (V = eta (1 - 2 exp(-tau / 600 s))): |V|/|I|
    is under 0.2x the previous half-cycle's on 4-5 points in a row at every reversal
    (the old rule, 3 points, called that a short). It lasts ~250 s of 43,200 s: no
    short, and no CCD -- a labelled lower bound at the one current tested."""
    eta, i, half = 0.020, 11e-6, 12 * 3600.0

    def relax(tau: np.ndarray, ii: float) -> np.ndarray:
        return np.sign(ii) * eta * (1.0 - 2.0 * np.exp(-tau / 600.0))

    segs = [(i if k % 2 == 0 else -i, half, relax) for k in range(4)]
    df = _trace(segs, dt=60.0)
    v, t = df["voltage_V"].to_numpy(), df["time_s"].to_numpy()
    low = np.abs(v) < 0.2 * eta
    first_rev = (t > half) & (t < half + 3600)
    assert low[first_rev].sum() >= 4  # what a 3-point rule fires on
    assert detect_short(df, persist_fraction=0.0, persist_s=0.0) is not None
    assert detect_short(df) is None
    out = critical_current_density(df, area_m2=1e-4)
    assert out["ccd_A_m2"] is None and out["short"] is None
    assert out["ccd_lower_bound_A_m2"] == pytest.approx(i / 1e-4, rel=1e-3)
    assert "no failure seen" in out["ccd_status"] and "one current only" in out["ccd_status"]
