"""Is a converged fit a determined one? Checks run on every fitted spectrum.

A least-squares minimum is reported as a failure (``success: false``) with the reasons when

1. a parameter sits at a finite bound: within 1e-6 of the span of a two-sided bound (a CPE
   exponent at 0 or 1), or within 1e-9 relative of a non-zero one-sided bound. Its standard
   error is then meaningless (the minimum is on the boundary, not where the gradient is 0);
2. a parameter has no effect on the model over the measured frequencies (its Jacobian
   column is zero): an R in parallel with a capacitor that shorts it everywhere, an R that
   ran to 0 in series;
3. the covariance is singular or ill-conditioned: the condition number of the Jacobian with
   columns scaled to unit norm exceeds ``COND_MAX`` (1e7, i.e. 1e14 for J^T J, where
   float64 inversion loses all digits); the parameters in the near-null direction are named;
4. a parameter's relative standard error exceeds ``REL_SE_MAX`` (1, i.e. 100 %): the data do
   not determine it (R = 3e12 ohm +- 1e15 is a runaway, not a value).

Jacobians are taken with respect to ln|p| (relative sensitivities), analytically from
:meth:`nakcell.eis.circuits.Circuit.impedance_and_jacobian`. Covariance as in
:func:`nakcell.eis.fit.fit`: s^2 (J^T J)^-1, s^2 = chi2 / (2N - P) (Press et al., Numerical
Recipes 3rd ed., section 15.5; Orazem & Tribollet 2008, ch. 19).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from nakcell.eis.fit import _Problem

COND_MAX = 1e7
REL_SE_MAX = 1.0
BOUND_TOL = 1e-6


def diagnose(
    pb: _Problem,
    u: NDArray[np.float64],
    z: NDArray[np.complex128],
    wr: NDArray[np.float64],
    wi: NDArray[np.float64],
    cost: NDArray[np.float64],
    names: list[str],
) -> list[list[str]]:
    """Reasons (possibly none) why each row's fit is not a determined minimum."""
    _, Ju = pb.residuals_and_jacobian(u, z, wr, wi)  # (n, k, 2m) in u
    p = pb.from_u(u)
    dpdu = pb.dp_du(u)
    out = []
    dof = max(2 * z.shape[1] - u.shape[1], 1)
    for i in range(u.shape[0]):
        out.append(_row(pb, p[i], dpdu[i], Ju[i], float(cost[i]) / dof, names))
    return out


def _row(
    pb: _Problem,
    p: NDArray[np.float64],
    dpdu: NDArray[np.float64],
    Ju: NDArray[np.float64],
    s2: float,
    names: list[str],
) -> list[str]:
    at_bound, reasons = _at_bounds(pb, p, names)
    with np.errstate(all="ignore"):
        scale = np.where(p != 0, np.abs(p), 1.0)
        Js = Ju / dpdu[:, None] * scale[:, None]  # d r / d ln|p|, (k, 2m)
    bad = ~np.isfinite(Js).all(axis=1)
    norms = np.where(bad, 0.0, np.linalg.norm(np.nan_to_num(Js), axis=1))
    dead = norms <= 1e-12 * max(float(norms.max()), 1e-300)
    for j in np.nonzero(dead & ~at_bound)[0]:
        reasons.append(
            f"{names[j]} = {p[j]:.4g} has no effect on the model at the measured frequencies"
        )
    live = ~dead & ~at_bound  # a parameter held by an active bound is fixed, not estimated
    if live.sum() == 0:
        return reasons
    Jn = Js[live] / norms[live, None]
    sv, vt = np.linalg.svd(Jn.T, full_matrices=False)[1:]
    cond = float(sv[0] / sv[-1]) if sv[-1] > 0 else np.inf
    live_names = [n for n, keep in zip(names, live, strict=True) if keep]
    if cond > COND_MAX:
        v = np.abs(vt[-1])
        who = [live_names[j] for j in np.nonzero(v > 0.3 * v.max())[0]]
        reasons.append(
            f"covariance is {'singular' if not np.isfinite(cond) else 'ill-conditioned'} "
            f"(condition number {cond:.2g} > {COND_MAX:.0g}): {', '.join(who)} are not "
            "separately determined by the data"
        )
        return reasons
    cov = np.linalg.inv(Jn @ Jn.T) / np.outer(norms[live], norms[live]) * s2
    rel = np.sqrt(np.clip(np.diag(cov), 0, None))  # stderr of ln|p| = relative stderr of p
    pl = p[live]
    for j in np.nonzero(rel > REL_SE_MAX)[0]:
        reasons.append(
            f"{live_names[j]} = {pl[j]:.4g} +- {100 * rel[j]:.3g} %: not determined by the data"
        )
    return reasons


def _at_bounds(
    pb: _Problem, p: NDArray[np.float64], names: list[str]
) -> tuple[NDArray[np.bool_], list[str]]:
    out = []
    flags = np.zeros(p.size, dtype=bool)
    for j, (lo, hi) in enumerate(zip(pb.lo, pb.hi, strict=True)):
        for b, side in ((lo, "lower"), (hi, "upper")):
            if not np.isfinite(b):
                continue
            if np.isfinite(lo) and np.isfinite(hi):
                near = abs(p[j] - b) <= BOUND_TOL * (hi - lo)
            else:
                near = b != 0 and abs(p[j] - b) <= 1e-9 * abs(b)
            if near:
                flags[j] = True
                out.append(f"{names[j]} = {p[j]:.4g} is at its {side} bound {b:g}")
    return flags, out
