"""Lin-KK and DRT against closed forms: a causal circuit passes, drifting data fail; an
RC's DRT is one peak at tau = RC holding R; a ZARC's DRT follows the Fuoss-Kirkwood form."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nakcell.eis import Circuit, read
from nakcell.eis.drt import drt
from nakcell.eis.kk import lin_kk

F = np.logspace(5, -2, 71)
W = 2 * np.pi * F


def two_arc(noise: float = 0.0, seed: int = 0) -> np.ndarray:
    z = Circuit("R0-p(R1,CPE1)-p(R2,C2)").impedance(
        np.array([10.0, 100.0, 1e-5, 0.85, 50.0, 1e-2]), W
    )
    rng = np.random.default_rng(seed)
    return z + noise * np.abs(z) * (rng.standard_normal(z.size) + 1j * rng.standard_normal(z.size))


def test_kk_passes_causal_circuit_with_noise_floor_residuals() -> None:
    r = lin_kk(F, two_arc(0.002))
    assert r.valid and r.mu <= 0.85
    assert r.rms < 0.004  # at the 0.2 % noise level, not above it


def test_kk_flags_drifting_spectrum() -> None:
    """A cell whose resistance grows 20 % during the sweep (time runs with falling
    frequency) is not stationary: Lin-KK must say so."""
    z = two_arc()
    drift = np.linspace(0.0, 0.2, F.size) * 100.0  # ohm added to Z' as the sweep goes on
    r = lin_kk(F, z + drift)
    assert not r.valid and r.max_abs > 0.01


def test_kk_mu_definition() -> None:
    r = lin_kk(F, two_arc(0.002))
    R = r.R_ohm
    mu = 1 - np.abs(R[R < 0]).sum() / np.abs(R[R >= 0]).sum()
    assert r.mu == pytest.approx(mu)


def test_kk_real_mpr_valid(shared_data: Path) -> None:
    """A measured spectrum of a clean solid-electrolyte cell passes (residual RMS < 1 %)."""
    s = read(shared_data / "eis" / "hybriddrt_PEIS_LPSCl_IonBlocking_-25C.mpr")
    assert lin_kk(s.frequency_Hz, s.Z_ohm).valid


def test_drt_of_rc_is_one_peak_at_rc_holding_r() -> None:
    R, C = 100.0, 1e-5
    z = Circuit("R0-p(R1,C1)").impedance(np.array([10.0, R, C]), W)
    z = z + 0.001 * np.abs(z) * np.random.default_rng(1).standard_normal(z.size)
    r = drt(F, z)
    big = [p for p in r.peaks if p["R_ohm"] > 0.05 * R]
    assert len(big) == 1
    # a delta-function DRT is smeared by any regularisation: the peak sits within 30 %
    assert big[0]["tau_s"] == pytest.approx(R * C, rel=0.3)
    assert r.R_pol_ohm == pytest.approx(R, rel=0.05)
    assert r.R_inf_ohm == pytest.approx(10.0, rel=0.05)


def test_drt_two_arcs_resolved() -> None:
    r = drt(F, two_arc(0.005))
    big = sorted((p for p in r.peaks if p["R_ohm"] > 10), key=lambda p: p["tau_s"])
    assert len(big) == 2
    assert big[1]["tau_s"] == pytest.approx(50.0 * 1e-2, rel=0.5)
    assert r.R_pol_ohm == pytest.approx(150.0, rel=0.03)


def test_drt_zarc_matches_fuoss_kirkwood_peak() -> None:
    """ZARC DRT: gamma(x) = R sin((1-a) pi) / (2 pi (cosh(a x) - cos((1-a) pi))), x =
    ln(tau/tau0) (Fuoss & Kirkwood 1941; Boukamp, J. Phys. Energy 2 (2020) 042001)."""
    R, tau0, a = 100.0, 1e-3, 0.8
    z = Circuit("R0-p(R1,CPE1)").impedance(np.array([5.0, R, tau0**a / R, a]), W)
    r = drt(F, z + 0.001 * np.abs(z) * np.random.default_rng(2).standard_normal(z.size))
    x = np.log(r.tau_s / tau0)
    exact = R * np.sin((1 - a) * np.pi) / (2 * np.pi * (np.cosh(a * x) - np.cos((1 - a) * np.pi)))
    i = np.argmax(r.gamma_ohm)
    assert r.tau_s[i] == pytest.approx(tau0, rel=0.2)
    assert r.gamma_ohm.max() == pytest.approx(exact.max(), rel=0.2)


# ------------------------------------------------------------------ how lambda was chosen


def test_noisy_zarc_lambda_by_discrepancy_not_at_floor() -> None:
    R, tau0, a = 100.0, 1e-3, 0.8
    z = Circuit("R0-p(R1,CPE1)").impedance(np.array([5.0, R, tau0**a / R, a]), W)
    rng = np.random.default_rng(4)
    r = drt(
        F, z + 0.005 * np.abs(z) * (rng.standard_normal(z.size) + 1j * rng.standard_normal(z.size))
    )
    assert r.lam_method == "discrepancy" and not r.lam_at_floor and not r.notes
    d = r.to_dict()
    assert d["lambda_method"] == "discrepancy" and d["lambda_at_floor"] is False


def test_unreachable_discrepancy_uses_l_curve_and_says_so() -> None:
    """A low-frequency inductive loop (negative-resistance feature) no gamma >= 0 can fit:
    the discrepancy target is out of reach, lambda comes from the L-curve corner, the ZARC
    peak is still where it belongs."""
    R, tau0, a = 100.0, 1e-3, 0.8
    zarc = Circuit("R0-p(R1,CPE1)").impedance(np.array([5.0, R, tau0**a / R, a]), W)
    loop = Circuit("p(R2,L2)").impedance(np.array([30.0, 30.0 * 2.0]), W)  # tau = L/R = 2 s
    z = zarc + loop
    z = z + 0.002 * np.abs(z) * np.random.default_rng(5).standard_normal(z.size)
    r = drt(F, z)
    assert r.lam_method == "l-curve"
    assert any("not reached" in n for n in r.notes)
    # the claim checked: even the floor lambda leaves more than the Lin-KK residual
    floor = drt(F, z, lam=1e-8)
    res = np.concatenate([(floor.Z_fit - z).real, (floor.Z_fit - z).imag]) / np.tile(np.abs(z), 2)
    assert np.sqrt(np.mean(res**2)) > lin_kk(F, z).rms
    big = max(r.peaks, key=lambda p: p["R_ohm"])
    assert big["tau_s"] == pytest.approx(tau0, rel=0.3)


def test_real_spectrum_at_floor_is_flagged(shared_data: Path) -> None:
    s = read(shared_data / "eis" / "impedancepy_exampleDataGamry.DTA")
    r = drt(s.frequency_Hz, s.Z_ohm)
    assert r.lam == pytest.approx(1e-8) and r.lam_at_floor
    assert any("floor" in n for n in r.notes)
    fixed = drt(s.frequency_Hz, s.Z_ohm, lam=1e-8)
    assert not fixed.lam_at_floor and fixed.lam_method == "given"  # a user's choice is theirs


def test_cli_drt_prints_floor_note(shared_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from nakcell.cli import main

    with pytest.raises(SystemExit) as e:
        main(["eis", "drt", str(shared_data / "eis" / "impedancepy_exampleDataGamry.DTA")])
    out = capsys.readouterr().out
    assert e.value.code == 0
    assert "AT ITS FLOOR" in out and "note: lambda fell to its floor" in out
