"""Distribution of relaxation times by Tikhonov regularisation on Gaussian RBFs.

Model (Wan, Saccoccio, Chen & Ciucci, Electrochim. Acta 184 (2015) 483, eq. 1-2, 13):
Z(w) = R_inf + j w L + int gamma(ln tau) / (1 + j w tau) d ln tau, with
gamma(y) = sum_m x_m exp(-(eps (y - y_m))^2), one Gaussian per measured frequency
(y_m = -ln w_m), eps set so each Gaussian's FWHM is ``fwhm_coeff`` times the spacing.
The integrals are done by quadrature on a fine grid. We minimise
||W (A x - Z)||^2 + lambda ||D1 gamma||^2 (first-derivative penalty on the fine grid,
Wan et al. eq. 15 with the derivative order 1), W = 1/|Z|, with gamma >= 0 (NNLS on the
stacked system).

lambda, from a grid of 28 values 10 ... 1e-8 (the floor), is chosen by Morozov's discrepancy
principle (Morozov, Soviet Math. Dokl. 7 (1966) 414): the largest lambda whose weighted
residual RMS is within ``discrepancy`` (1.0) times the noise level. The noise level is the
Lin-KK residual RMS of the same spectrum (:mod:`nakcell.eis.kk`) corrected for the Lin-KK
parameters, sigma^2 = SSR / (2N - p): the raw RMS underestimates the noise (Lin-KK's
elements absorb part of it), which left lambda at its floor on noisy synthetic spectra.
Where no lambda reaches the target (the spectrum holds features a gamma >= 0 cannot fit:
inductive loops, drift), lambda is the corner of the L-curve (maximum curvature of log
residual against log seminorm; Hansen & O'Leary, SIAM J. Sci. Comput. 14 (1993) 1487).
``lam_method`` says which rule chose lambda, ``lam_at_floor`` flags the floor, ``notes``
say why. (Generalised and Re/Im cross-validation, tried first, chose the smallest lambda
on our test spectra and split single ZARC peaks. pyDRTtools minimises GCV by SLSQP between
1e-7 and 1 from 1e-3, and also stops silently at its bound.)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import nnls

from nakcell.eis.kk import lin_kk
from nakcell.errors import NakcellInputError

LAM_GRID = np.logspace(1, -8, 28)  # candidate lambdas, largest first; 1e-8 is the floor


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
    lam_method: str = "given"
    lam_at_floor: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def R_pol_ohm(self) -> float:
        """Total polarisation resistance, the integral of gamma over ln tau."""
        return float(np.trapezoid(self.gamma_ohm, np.log(self.tau_s)))

    def to_dict(self) -> dict[str, object]:
        return {
            "lambda": self.lam,
            "lambda_method": self.lam_method,
            "lambda_at_floor": self.lam_at_floor,
            "notes": self.notes,
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

    method, notes = "given", []
    if lam is None:
        target = discrepancy * _noise_level(f, z, capacitance)
        lam, method, notes = _choose_lambda(solve, Ar, br, P, target)
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
        lam_method=method,
        lam_at_floor=bool(method != "given" and lam <= LAM_GRID[-1]),
        notes=notes,
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


def _noise_level(f: NDArray[np.float64], z: NDArray[np.complex128], capacitance: bool) -> float:
    """Noise level from Lin-KK's residual, corrected for the parameters Lin-KK fitted:
    sigma^2 = SSR / (n - p), n = 2N residuals, p = M RC elements + R, L (+ C). The raw RMS
    (SSR / n) underestimates sigma because Lin-KK's M elements absorb part of the noise."""
    kk = lin_kk(f, z, capacitance=capacitance)
    n = 2 * f.size
    p = kk.M + 2 + int(capacitance)
    return float(kk.rms * np.sqrt(n / max(n - p, 1)))


def _choose_lambda(
    solve: Callable[[float], NDArray[np.float64]],
    Ar: NDArray[np.float64],
    br: NDArray[np.float64],
    P: NDArray[np.float64],
    target: float,
) -> tuple[float, str, list[str]]:
    """lambda by the discrepancy principle where its target is reachable, else by the
    L-curve corner; says so, and says when the choice is the grid's floor."""
    rms, semi = [], []
    for cand in LAM_GRID:
        x = solve(float(cand))
        rms.append(float(np.sqrt(np.mean((Ar @ x - br) ** 2))))
        semi.append(float(np.linalg.norm(P @ x)))
    r = np.asarray(rms)
    notes: list[str] = []
    ok = np.nonzero(r <= target)[0]
    if ok.size:
        k, method = int(ok[0]), "discrepancy"
    else:
        k, method = _l_curve_corner(r, np.asarray(semi)), "l-curve"
        notes.append(
            f"discrepancy target {target:.3g} (noise level from Lin-KK) not reached: the best "
            f"non-negative DRT leaves {r.min():.3g}, so lambda is the L-curve corner"
        )
    lam = float(LAM_GRID[k])
    if k == LAM_GRID.size - 1:
        notes.append(
            f"lambda fell to its floor {lam:.0e}: the DRT is barely regularised, so small "
            "peaks may be noise; compare with a larger --lambda"
        )
    elif k == LAM_GRID.size - 2 and method == "l-curve":
        notes.append(
            f"the L-curve corner is one step above the floor ({lam:.1e}): no clear corner, "
            "small peaks may be noise"
        )
    elif k == 0:
        notes.append(f"lambda is at the top of its range ({lam:g}): the DRT may be over-smoothed")
    return lam, method, notes


def _l_curve_corner(rms: NDArray[np.float64], semi: NDArray[np.float64]) -> int:
    """Index of the L-curve's corner: the maximum curvature of (log residual, log seminorm)
    against log lambda (Hansen & O'Leary, SIAM J. Sci. Comput. 14 (1993) 1487)."""
    rho = np.log(np.maximum(rms, 1e-300))
    eta = np.log(np.maximum(semi, 1e-300))
    t = np.log(LAM_GRID)
    d1r, d1e = np.gradient(rho, t), np.gradient(eta, t)
    d2r, d2e = np.gradient(d1r, t), np.gradient(d1e, t)
    with np.errstate(all="ignore"):
        kappa = (d1r * d2e - d2r * d1e) / (d1r**2 + d1e**2) ** 1.5
    kappa = np.where(np.isfinite(kappa), kappa, -np.inf)
    return int(np.argmax(kappa))
