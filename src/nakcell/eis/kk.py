"""Lin-KK: the linear Kramers-Kronig validity test of Schoenleber, Klotz & Ivers-Tiffee,
Electrochim. Acta 131 (2014) 20, doi:10.1016/j.electacta.2014.01.034.

The spectrum is fitted, linearly and with modulus weighting, by a Voigt chain
Z_KK = R0 + j w L [+ 1/(j w C)] + sum_k R_k / (1 + j w tau_k) with tau_k log-spaced from
1/w_max to 1/w_min (their eq. 10-12). Any such chain is KK-consistent, so residuals above
the noise mean the data violate causality, linearity or stationarity. The number of
elements M grows until mu = 1 - sum(|R_k|, R_k<0) / sum(|R_k|, R_k>=0) drops below c = 0.85
(their eq. 21, c from their section 4.2), which stops over-fitting the noise. We start the
search at one element per decade of the measured window (not at M = 1): with strong
inductive tails a two-element chain can already give mu < c while fitting nothing.

``valid`` is our summary, not the paper's (which judges the residual plot): the RMS of the
relative residuals below ``rms_threshold`` (default 1 %) and none above 5x that.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nakcell.errors import NakcellInputError


@dataclass(frozen=True)
class LinKKResult:
    """Outcome of the Lin-KK test; residuals are (data - fit) / |Z_data|."""

    valid: bool
    M: int
    mu: float
    tau_s: NDArray[np.float64]
    R_ohm: NDArray[np.float64]
    R0_ohm: float
    L_H: float
    C_F: float | None
    Z_fit: NDArray[np.complex128]
    residuals_real: NDArray[np.float64]
    residuals_imag: NDArray[np.float64]
    rms: float
    max_abs: float

    def to_dict(self) -> dict[str, object]:
        return {
            "valid": self.valid,
            "M": self.M,
            "mu": self.mu,
            "rms_residual": self.rms,
            "max_abs_residual": self.max_abs,
            "residuals_real": self.residuals_real.tolist(),
            "residuals_imag": self.residuals_imag.tolist(),
        }


def lin_kk(
    frequency_Hz: ArrayLike,
    Z: ArrayLike,
    *,
    c: float = 0.85,
    max_M: int = 60,
    capacitance: bool | None = None,
    rms_threshold: float = 0.01,
) -> LinKKResult:
    """Run Lin-KK on one spectrum. ``capacitance=None`` adds a series capacitor when the
    lowest-frequency phase is below -45 degrees (blocking electrodes), else not."""
    f = np.asarray(frequency_Hz, dtype=float)
    z = np.asarray(Z, dtype=complex)
    if f.ndim != 1 or z.shape != f.shape or f.size < 4:
        raise NakcellInputError("spectrum", f"f {f.shape}, Z {z.shape}", "equal 1-D arrays, >= 4")
    if not 0 < c < 1:
        raise NakcellInputError("c", c, "a number between 0 and 1 (0.85 in the paper)")
    w = 2 * np.pi * f
    if capacitance is None:
        lo = np.argmin(f)
        capacitance = bool(np.angle(z[lo], deg=True) < -45.0)
    weight = 1.0 / np.abs(z)
    best = None
    m_min = max(1, int(np.ceil(np.log10(f.max() / f.min()))))
    for M in range(min(m_min, max_M), min(max_M, f.size - 3) + 1):
        tau = _taus(w, M)
        x, zf = _solve(w, z, weight, tau, capacitance)
        R = x[3 : 3 + M]
        pos = np.sum(np.abs(R[R >= 0]))
        mu = 1.0 - np.sum(np.abs(R[R < 0])) / pos if pos > 0 else 0.0
        best = (M, mu, tau, x, zf)
        if mu <= c:
            break
    assert best is not None
    M, mu, tau, x, zf = best
    res_re = (z.real - zf.real) / np.abs(z)
    res_im = (z.imag - zf.imag) / np.abs(z)
    rms = float(np.sqrt(np.mean(np.concatenate([res_re, res_im]) ** 2)))
    mx = float(np.max(np.abs(np.concatenate([res_re, res_im]))))
    return LinKKResult(
        valid=bool(rms < rms_threshold and mx < 5 * rms_threshold),
        M=M,
        mu=float(mu),
        tau_s=tau,
        R_ohm=x[3 : 3 + M],
        R0_ohm=float(x[0]),
        L_H=float(x[1]),
        C_F=float(1.0 / x[2]) if capacitance and x[2] != 0 else None,
        Z_fit=zf,
        residuals_real=res_re,
        residuals_imag=res_im,
        rms=rms,
        max_abs=mx,
    )


def _taus(w: NDArray[np.float64], M: int) -> NDArray[np.float64]:
    """tau_1 = 1/w_max ... tau_M = 1/w_min, log-spaced (Schoenleber 2014, eq. 12)."""
    if M == 1:
        return np.array([1.0 / np.sqrt(w.max() * w.min())])
    return np.geomspace(1.0 / w.max(), 1.0 / w.min(), M)


def _solve(
    w: NDArray[np.float64],
    z: NDArray[np.complex128],
    weight: NDArray[np.float64],
    tau: NDArray[np.float64],
    capacitance: bool,
) -> tuple[NDArray[np.float64], NDArray[np.complex128]]:
    """Weighted linear least squares on real and imaginary parts together.
    Unknowns: R0, L, 1/C (0 when absent), R_1..R_M."""
    cols = [np.ones_like(w) + 0j, 1j * w, (1.0 / (1j * w)) if capacitance else 0j * w]
    basis = np.column_stack([*cols, 1.0 / (1.0 + 1j * np.outer(w, tau))])
    A = np.vstack([basis.real * weight[:, None], basis.imag * weight[:, None]])
    b = np.concatenate([z.real * weight, z.imag * weight])
    keep = np.ones(A.shape[1], dtype=bool)
    keep[2] = capacitance
    x = np.zeros(A.shape[1])
    x[keep] = np.linalg.lstsq(A[:, keep], b, rcond=None)[0]
    return x, np.asarray(basis @ x, dtype=complex)
