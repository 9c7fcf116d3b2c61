"""Figures: Nyquist + Bode with a fit, DRT, Lin-KK residuals. Saved to files (Agg)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from nakcell.eis.drt import DRTResult
from nakcell.eis.kk import LinKKResult


def _plt():  # type: ignore[no-untyped-def]
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_fit(
    path: str | Path,
    frequency_Hz: NDArray[np.float64],
    Z: NDArray[np.complex128],
    Z_fit: NDArray[np.complex128] | None = None,
    title: str = "",
    area_cm2: float | None = None,
    label: str = "data",
) -> Path:
    """Nyquist (left) and Bode |Z| and phase (right) of data and, if given, the fit.
    With ``area_cm2`` both |Z| axes are in ohm cm2; ``label`` names the points ("model" for
    a simulated spectrum)."""
    plt = _plt()
    s = area_cm2 or 1.0
    unit = "ohm cm2" if area_cm2 else "ohm"
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4.2))
    ax1.plot(Z.real * s, -Z.imag * s, "o", ms=3, label=label)
    ax2.loglog(frequency_Hz, np.abs(Z) * s, "o", ms=3, label=f"|Z| {label}")
    ax3 = ax2.twinx()
    ax3.semilogx(frequency_Hz, -np.angle(Z, deg=True), "s", ms=3, color="C2", label="-phase")
    if Z_fit is not None:
        order = np.argsort(frequency_Hz)
        ax1.plot(Z_fit.real[order] * s, -Z_fit.imag[order] * s, "-", color="C1", label="fit")
        ax2.loglog(frequency_Hz[order], np.abs(Z_fit[order]) * s, "-", color="C1", label="|Z| fit")
        ax3.semilogx(frequency_Hz[order], -np.angle(Z_fit[order], deg=True), "-", color="C3")
    ax1.set_xlabel(f"Z' ({unit})")
    ax1.set_ylabel(f"-Z'' ({unit})")
    ax1.set_aspect("equal", adjustable="datalim")
    ax1.legend()
    ax2.set_xlabel("f (Hz)")
    ax2.set_ylabel(f"|Z| ({unit})")
    ax3.set_ylabel("-phase (deg)")
    fig.suptitle(title)
    fig.tight_layout()
    out = Path(path)
    fig.savefig(out, dpi=120)
    plt.close(fig)
    return out


def plot_drt(path: str | Path, result: DRTResult, title: str = "") -> Path:
    """gamma(tau) on a log tau axis, peaks marked."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.semilogx(result.tau_s, result.gamma_ohm, "-")
    for p in result.peaks:
        ax.axvline(p["tau_s"], color="0.7", lw=0.8)
    ax.set_xlabel("tau (s)")
    ax.set_ylabel("gamma (ohm)")
    ax.set_title(title or f"DRT, lambda = {result.lam:.2g}")
    fig.tight_layout()
    out = Path(path)
    fig.savefig(out, dpi=120)
    plt.close(fig)
    return out


def plot_kk(
    path: str | Path, frequency_Hz: NDArray[np.float64], result: LinKKResult, title: str = ""
) -> Path:
    """Lin-KK relative residuals (%) of Z' and Z'' against frequency."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.semilogx(frequency_Hz, 100 * result.residuals_real, "o-", ms=3, label="Z' residual")
    ax.semilogx(frequency_Hz, 100 * result.residuals_imag, "s-", ms=3, label="Z'' residual")
    ax.axhline(0, color="0.5", lw=0.8)
    ax.set_xlabel("f (Hz)")
    ax.set_ylabel("residual (% of |Z|)")
    verdict = "valid" if result.valid else "NOT valid"
    ax.set_title(title or f"Lin-KK: M = {result.M}, mu = {result.mu:.2f}, {verdict}")
    ax.legend()
    fig.tight_layout()
    out = Path(path)
    fig.savefig(out, dpi=120)
    plt.close(fig)
    return out
