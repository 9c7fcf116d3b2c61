"""Distribution of relaxation times by Tikhonov regularisation on Gaussian RBFs.

Model (Wan, Saccoccio, Chen & Ciucci, Electrochim. Acta 184 (2015) 483, eq. 1-2, 13):
Z(w) = R_inf + j w L + int gamma(ln tau) / (1 + j w tau) d ln tau, with
gamma(y) = sum_m x_m exp(-(eps (y - y_m))^2), one Gaussian per measured frequency
(y_m = -ln w_m), eps set so each Gaussian's FWHM is ``fwhm_coeff`` times the spacing.
The integrals are done by quadrature on a fine grid. We minimise
||W (A x - Z)||^2 + lambda ||D1 gamma||^2 (first-derivative penalty on the fine grid,
Wan et al. eq. 15 with the derivative order 1), W = 1/|Z|, with gamma >= 0 (NNLS on the
stacked system). lambda is chosen automatically by Morozov's discrepancy principle
(Morozov, Soviet Math. Dokl. 7 (1966) 414): the largest lambda whose weighted residual RMS
is within ``discrepancy`` (1.0) times the noise level, the noise level being estimated by the
Lin-KK residual RMS of the same spectrum (:mod:`nakcell.eis.kk`). (Generalised and Re/Im
cross-validation, tried first, chose the smallest lambda on our test spectra and split
single ZARC peaks.)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import nnls

from nakcell.eis.kk import lin_kk
from nakcell.errors import NakcellInputError


@dataclass(frozen=True)
class DRTResult:
    """gamma_ohm on tau_s (fine grid; gamma in ohm per unit ln tau), with the fitted
    R_inf, L, the chosen lambda and the peaks (tau at the maximum, resistance under it)."""

    tau_s: NDArray[np.float64]
    gamma_ohm: NDArray[np.float64]
    R_inf_ohm: float
    L_H: float
    lam: float
    Z_fit: NDArray[np.complex128]
    peaks: list[dict[str, float]]

    @property
    def R_pol_ohm(self) -> float:
        """Total polarisation resistance, the integral of gamma over ln tau."""
        return float(np.trapezoid(self.gamma_ohm, np.log(self.tau_s)))

    def to_dict(self) -> dict[str, object]:
        return {
            "lambda": self.lam,
            "R_inf_ohm": self.R_inf_ohm,
            "L_H": self.L_H,
            "R_pol_ohm": self.R_pol_ohm,
            "peaks": self.peaks,
            "tau_s": self.tau_s.tolist(),
            "gamma_ohm": self.gamma_ohm.tolist(),
        }


def drt(
    frequency_Hz: ArrayLike,
    Z: ArrayLike,
    *,
    lam: float | None = None,
    fwhm_coeff: float = 1.5,
    inductance: bool | None = None,
    capacitance: bool | None = None,
    discrepancy: float = 1.0,
    n_fine: int = 400,
) -> DRTResult:
    """DRT of one spectrum. ``lam=None`` picks lambda by the discrepancy principle (see the
    module notes). ``inductance=None`` fits a series inductance when any Z'' > 0;
    ``capacitance=None`` a series capacitance (blocking electrodes) when the lowest-frequency
    phase is below -45 degrees."""
    f = np.asarray(frequency_Hz, dtype=float)
    z = np.asarray(Z, dtype=complex)
    if f.ndim != 1 or z.shape != f.shape or f.size < 5:
        raise NakcellInputError("spectrum", f"f {f.shape}, Z {z.shape}", "equal 1-D arrays, >= 5")
    w = 2 * np.pi * f
    if inductance is None:
        inductance = bool(np.any(z.imag > 0))
    y_m = np.sort(-np.log(w))  # RBF centres at ln tau = -ln w
    dy = np.median(np.diff(y_m)) if y_m.size > 1 else 1.0
    eps = 2 * np.sqrt(np.log(2)) / (fwhm_coeff * dy) if fwhm_coeff > 0 else 1.0
    y = np.linspace(y_m[0] - 3 * dy, y_m[-1] + 3 * dy, n_fine)  # quadrature / output grid
    phi = np.exp(-((eps * (y[:, None] - y_m[None, :])) ** 2))  # (n_fine, M)
    kern = 1.0 / (1.0 + 1j * w[:, None] * np.exp(y)[None, :])  # (N, n_fine)
    qw = np.gradient(y)  # trapezoid-like weights
    A_rbf = (kern * qw[None, :]) @ phi  # (N, M)
    if capacitance is None:
        capacitance = bool(np.angle(z[np.argmin(f)], deg=True) < -45.0)
    cols = [np.ones_like(w) + 0j, 1j * w if inductance else None]
    if capacitance:
        cols.append(1.0 / (1j * w))
    extra = np.column_stack([c for c in cols if c is not None])
    A = np.column_stack([extra, A_rbf])
    n_extra = extra.shape[1]
    wt = 1.0 / np.abs(z)
    Ar = np.vstack([A.real * wt[:, None], A.imag * wt[:, None]])
    br = np.concatenate([z.real * wt, z.imag * wt])
    # penalty on d gamma / d y over the fine grid (extra parameters are not penalised)
    D = np.diff(phi, axis=0) / np.diff(y)[:, None]
    P = np.zeros((D.shape[0], A.shape[1]))
    P[:, n_extra:] = D * np.sqrt(np.diff(y))[:, None]
    # columns scaled so lambda is dimensionless
    cs = np.maximum(np.linalg.norm(Ar, axis=0), 1e-300)
    Ars, Ps = Ar / cs, P / cs
    zeros = np.zeros(P.shape[0])

    def solve(lam_: float) -> NDArray[np.float64]:
        xs, _ = nnls(np.vstack([Ars, np.sqrt(lam_) * Ps]), np.concatenate([br, zeros]))
        return xs / cs

    if lam is None:
        # Morozov's discrepancy principle: the largest lambda whose fit is within
        # ``discrepancy`` x the noise level, the noise level being Lin-KK's residual RMS
        target = discrepancy * lin_kk(f, z, capacitance=capacitance).rms
        lam = 1e-8
        for cand in np.logspace(1, -8, 28):
            x = solve(float(cand))
            rms = float(np.sqrt(np.mean((Ar @ x - br) ** 2)))
            if rms <= target:
                lam = float(cand)
                break
    x = solve(lam)
    gamma = phi @ x[n_extra:]
    zf = np.asarray(A @ x, dtype=complex)
    tau = np.exp(y)
    return DRTResult(
        tau_s=tau,
        gamma_ohm=gamma,
        R_inf_ohm=float(x[0]),
        L_H=float(x[1]) if inductance else 0.0,
        lam=float(lam),
        Z_fit=zf,
        peaks=_peaks(tau, gamma),
    )


def _peaks(tau: NDArray[np.float64], g: NDArray[np.float64]) -> list[dict[str, float]]:
    """Local maxima above 1 % of the largest; resistance = integral between the minima."""
    y = np.log(tau)
    if g.max() <= 0:
        return []
    idx = [i for i in range(1, g.size - 1) if g[i] > g[i - 1] and g[i] >= g[i + 1]]
    idx = [i for i in idx if g[i] > 0.01 * g.max()]
    out = []
    for i in idx:
        lo = i
        while lo > 0 and g[lo - 1] < g[lo]:
            lo -= 1
        hi = i
        while hi < g.size - 1 and g[hi + 1] < g[hi]:
            hi += 1
        R = float(np.trapezoid(g[lo : hi + 1], y[lo : hi + 1]))
        out.append({"tau_s": float(tau[i]), "f_Hz": float(1 / (2 * np.pi * tau[i])), "R_ohm": R})
    return out
