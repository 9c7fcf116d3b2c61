"""Batched complex nonlinear least squares for equivalent circuits.

``fit(frequencies, Z, circuit)`` fits one spectrum (Z 1-D) or many (Z 2-D, n_spectra x
n_freq, sharing one frequency grid) in one vectorised Levenberg-Marquardt loop: every
spectrum and every start point is a row of one parameter array, and each iteration
evaluates the circuit for all rows (and their finite-difference Jacobian columns) in one
broadcast, then solves all the small normal-equation systems with one batched
``numpy.linalg.solve``.

Method: Levenberg-Marquardt with Marquardt's diagonal scaling (Marquardt, J. SIAM 11 (1963)
431); bounds by change of variables (log for positive parameters, logistic for parameters
bounded on both sides); residuals weighted by modulus, w = 1/|Z|, or proportionally,
w' = 1/|Z'| and w'' = 1/|Z''| (Boukamp, Solid State Ionics 20 (1986) 31; Orazem & Tribollet
2008, ch. 19). ``chi2`` is Boukamp's pseudo-chi-square, sum of weighted squared residuals;
``stderr`` is the square root of the diagonal of s^2 (J^T J)^-1 with s^2 = chi2/(2N - P),
J the weighted Jacobian in the parameters themselves (as scipy's curve_fit reports).

Multi-start: each spectrum starts from its peak-based guess and from a log grid of time
constants (see :mod:`nakcell.eis.guess`); all starts run briefly, the best per spectrum is
refined to convergence. Series blocks of the same structure (two ``p(R,CPE)`` arcs) are
returned ordered by time constant, fastest first, so ``R1`` is the high-frequency arc.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nakcell.eis.circuits import Circuit, Node
from nakcell.eis.fit_checks import diagnose
from nakcell.eis.guess import initial_guesses
from nakcell.errors import NakcellInputError

Weighting = Literal["modulus", "proportional", "unit"]


@dataclass
class FitResult:
    """One fitted spectrum. Values in SI (ohm, F, H, s); ``asr_ohm_cm2`` when an area was
    given (each resistance-valued parameter times the area in cm2).

    ``success`` is True only for a converged, determined minimum: no parameter at a bound,
    every parameter with an effect, a well-conditioned covariance and relative standard
    errors below 100 % (:mod:`nakcell.eis.fit_checks`). Otherwise ``problems`` says why."""

    circuit: str
    parameters: dict[str, float]
    stderr: dict[str, float]
    units: dict[str, str]
    chi2: float
    chi2_reduced: float
    success: bool
    n_iter: int
    weighting: str
    asr_ohm_cm2: dict[str, float] = field(default_factory=dict)
    message: str = ""
    problems: list[str] = field(default_factory=list)

    def predict(self, frequency_Hz: ArrayLike) -> NDArray[np.complex128]:
        """Model impedance at ``frequency_Hz`` with the fitted parameters."""
        c = Circuit(self.circuit)
        p = np.array([self.parameters[n] for n in c.param_names])
        return c.impedance(p, 2 * np.pi * np.asarray(frequency_Hz, dtype=float))

    def to_dict(self) -> dict[str, object]:
        d: dict[str, object] = {
            "circuit": self.circuit,
            "parameters": self.parameters,
            "stderr": self.stderr,
            "units": self.units,
            "chi2": self.chi2,
            "chi2_reduced": self.chi2_reduced,
            "success": self.success,
            "message": self.message,
            "problems": self.problems,
            "weighting": self.weighting,
        }
        if self.asr_ohm_cm2:
            d["asr_ohm_cm2"] = self.asr_ohm_cm2
        return d


def fit(
    frequencies: ArrayLike,
    Z: ArrayLike,
    circuit: str | Circuit,
    *,
    initial_guess: ArrayLike | None = None,
    constants: Mapping[str, float] | None = None,
    bounds: Mapping[str, tuple[float, float]] | None = None,
    weighting: Weighting = "modulus",
    area_m2: float | None = None,
    n_starts: int | None = None,
    max_iter: int = 300,
) -> FitResult | list[FitResult]:
    """Fit ``circuit`` to one spectrum (``Z`` 1-D) or a batch (``Z`` 2-D, n_spectra x n_freq).

    ``frequencies`` in Hz (n_freq,); ``Z`` complex ohm with Z'' < 0 for capacitive arcs.
    ``initial_guess`` (n_params,) or (n_spectra, n_params) replaces the automatic guesses;
    ``constants`` fixes parameters by name; ``bounds`` overrides default bounds by name.
    ``n_starts``: start points per spectrum (default: 1 + a grid that grows with the number
    of arcs; 1 when an initial guess is given). Returns a :class:`FitResult` for 1-D ``Z``,
    else a list.
    """
    c = circuit if isinstance(circuit, Circuit) else Circuit(circuit)
    f = np.asarray(frequencies, dtype=float)
    z = np.asarray(Z, dtype=complex)
    single = z.ndim == 1
    z2 = np.atleast_2d(z)
    _check_inputs(f, z2, weighting)
    consts = dict(constants or {})
    for name in consts:
        if name not in c.param_names:
            raise NakcellInputError("constants", name, f"a parameter of {c.text}: {c.param_names}")
    free = [i for i, n in enumerate(c.param_names) if n not in consts]
    if not free:
        raise NakcellInputError("constants", sorted(consts), "at least one free parameter")
    lo, hi = _bounds(c, bounds)
    w = 2 * np.pi * f
    wr, wi = _weights(z2, weighting)

    n_spec = z2.shape[0]
    if initial_guess is not None:
        g = np.asarray(initial_guess, dtype=float)
        g = np.broadcast_to(g if g.ndim == 2 else g[None, :], (n_spec, c.n_params)).copy()
        if g.shape[1] != c.n_params:
            raise NakcellInputError("initial_guess", g.shape[1], f"{c.n_params} values")
        starts = g[:, None, :]
    else:
        ns = n_starts if n_starts is not None else _default_starts(c)
        starts = np.stack([initial_guesses(c, f, z2[i], ns) for i in range(n_spec)])
    for name, v in consts.items():
        starts[:, :, c.param_names.index(name)] = v
    problem = _Problem(c, w, free, starts[0, 0].copy(), lo[free], hi[free])

    u, cost, iters = _multistart(problem, starts[:, :, free], z2, wr, wi, max_iter)

    full = problem.full(problem.from_u(u), n_spec)
    for name, v in consts.items():
        full[:, c.param_names.index(name)] = v
    full = _canonical_order(c, full)
    u = problem.to_u(full[:, free])
    stderr = _stderr(problem, u, z2, wr, wi, cost)
    free_names = [c.param_names[j] for j in free]
    problems = diagnose(problem, u, z2, wr, wi, cost, free_names)
    converged = np.isfinite(cost) & (iters < max_iter)
    results = [
        _result(c, full[i], stderr[i], free, consts, float(cost[i]), int(iters[i]), f.size)
        for i in range(n_spec)
    ]
    for res, conv, why in zip(results, converged, problems, strict=True):
        res.problems = ([] if conv else ["iteration limit reached or non-finite model"]) + why
        res.success = not res.problems
        res.message = (
            "converged to a determined minimum" if res.success else "; ".join(res.problems)
        )
        res.weighting = weighting
        if area_m2 is not None:
            res.asr_ohm_cm2 = {
                n: res.parameters[n] * area_m2 * 1e4
                for n, u_ in zip(c.param_names, c.param_units, strict=True)
                if u_ == "ohm"
            }
    return results[0] if single else results


def _multistart(
    pb: _Problem,
    starts: NDArray[np.float64],
    z2: NDArray[np.complex128],
    wr: NDArray[np.float64],
    wi: NDArray[np.float64],
    max_iter: int,
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.int64]]:
    """Stage 1: all starts (n_spec, n_starts, n_free), a few iterations; stage 2: the best
    start per spectrum, to convergence."""
    n_spec, n_st, k = starts.shape
    rows = np.repeat(np.arange(n_spec), n_st)
    u0 = pb.to_u(starts.reshape(-1, k))
    if n_st > 1:
        u1, cost1, _ = _lm(pb, u0, z2[rows], wr[rows], wi[rows], max_iter=25)
        best = np.argmin(np.where(np.isfinite(cost1), cost1, np.inf).reshape(n_spec, n_st), 1)
        u0 = u1.reshape(n_spec, n_st, -1)[np.arange(n_spec), best]
    return _lm(pb, u0, z2, wr, wi, max_iter=max_iter)


def _result(
    c: Circuit,
    row: NDArray[np.float64],
    se_free: NDArray[np.float64],
    free: list[int],
    consts: Mapping[str, float],
    cost: float,
    n_iter: int,
    n_freq: int,
) -> FitResult:
    """One spectrum's parameters, standard errors and chi-square (verdict filled in later)."""
    se = {n: float("nan") for n in c.param_names}
    for k, j in enumerate(free):
        se[c.param_names[j]] = float(se_free[k])
    for n in consts:
        se[n] = 0.0
    return FitResult(
        circuit=c.text,
        parameters={n: float(row[j]) for j, n in enumerate(c.param_names)},
        stderr=se,
        units=dict(zip(c.param_names, c.param_units, strict=True)),
        chi2=cost,
        chi2_reduced=cost / max(2 * n_freq - len(free), 1),
        success=False,
        n_iter=n_iter,
        weighting="",
    )


def _default_starts(c: Circuit) -> int:
    from nakcell.eis.guess import roles

    k = roles(c)[1]
    return {0: 1, 1: 3, 2: 4}.get(k, 8)


def _check_inputs(f: NDArray[np.float64], z: NDArray[np.complex128], weighting: str) -> None:
    if f.ndim != 1 or f.size < 3:
        raise NakcellInputError("frequencies", f"shape {f.shape}", "a 1-D array of >= 3 values")
    if z.ndim != 2 or z.shape[1] != f.size:
        raise NakcellInputError("Z", f"shape {z.shape}", f"(n_freq,) or (n_spectra, {f.size})")
    if not (np.all(np.isfinite(f)) and np.all(f > 0)):
        raise NakcellInputError("frequencies", "non-finite or <= 0 values", "positive Hz")
    if not np.all(np.isfinite(z)):
        raise NakcellInputError("Z", "NaN or inf", "finite complex impedances")
    if weighting not in ("modulus", "proportional", "unit"):
        raise NakcellInputError("weighting", repr(weighting), "modulus, proportional or unit")


def _bounds(
    c: Circuit, user: Mapping[str, tuple[float, float]] | None
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    lo = np.array([b[0] for b in c.default_bounds], dtype=float)
    hi = np.array([b[1] for b in c.default_bounds], dtype=float)
    for name, (a, b) in (user or {}).items():
        if name not in c.param_names:
            raise NakcellInputError("bounds", name, f"a parameter of {c.text}: {c.param_names}")
        if not a < b:
            raise NakcellInputError(f"bounds[{name}]", (a, b), "lower < upper")
        j = c.param_names.index(name)
        lo[j], hi[j] = a, b
    return lo, hi


def _weights(
    z: NDArray[np.complex128], weighting: str
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    mod = np.abs(z)
    mod = np.where(mod > 0, mod, 1.0)
    if weighting == "modulus":
        return 1.0 / mod, 1.0 / mod
    if weighting == "unit":
        s = 1.0 / mod.max(axis=1, keepdims=True)
        return np.broadcast_to(s, z.shape).copy(), np.broadcast_to(s, z.shape).copy()
    # proportional: floor at 1e-3 |Z| so points on the real axis do not get infinite weight
    floor = 1e-3 * mod
    return 1.0 / np.maximum(np.abs(z.real), floor), 1.0 / np.maximum(np.abs(z.imag), floor)


class _Problem:
    """Free parameters in unconstrained coordinates u; p = T(u) per bound type."""

    def __init__(
        self,
        c: Circuit,
        w: NDArray[np.float64],
        free: list[int],
        template: NDArray[np.float64],
        lo: NDArray[np.float64],
        hi: NDArray[np.float64],
    ) -> None:
        self.c, self.w, self.free, self.template = c, w, free, template
        self.lo, self.hi = lo, hi
        self.kind = np.where(
            np.isfinite(lo) & np.isfinite(hi),
            1,
            np.where(np.isfinite(lo), 0, np.where(np.isfinite(hi), 2, 3)),
        )

    def from_u(self, u: NDArray[np.float64]) -> NDArray[np.float64]:
        uc = np.clip(u, -700, 700)
        lo = np.where(np.isfinite(self.lo), self.lo, 0.0)
        hi = np.where(np.isfinite(self.hi), self.hi, 0.0)
        return np.select(
            [self.kind == 0, self.kind == 1, self.kind == 2],
            [lo + np.exp(uc), lo + (hi - lo) / (1.0 + np.exp(-uc)), hi - np.exp(uc)],
            u,
        )

    def to_u(self, p: NDArray[np.float64]) -> NDArray[np.float64]:
        lo = np.where(np.isfinite(self.lo), self.lo, 0.0)
        hi = np.where(np.isfinite(self.hi), self.hi, 0.0)
        tiny = 1e-300
        with np.errstate(divide="ignore", invalid="ignore"):
            a = np.log(np.maximum(p - lo, tiny))
            span = hi - lo
            x = np.clip((p - lo) / np.where(span > 0, span, 1.0), 1e-12, 1 - 1e-12)
            b = np.log(x / (1 - x))
            d = np.log(np.maximum(hi - p, tiny))
        return np.select([self.kind == 0, self.kind == 1, self.kind == 2], [a, b, d], p)

    def dp_du(self, u: NDArray[np.float64]) -> NDArray[np.float64]:
        p = self.from_u(u)
        lo = np.where(np.isfinite(self.lo), self.lo, 0.0)
        hi = np.where(np.isfinite(self.hi), self.hi, 0.0)
        span = np.where(self.kind == 1, hi - lo, 1.0)
        return np.select(
            [self.kind == 0, self.kind == 1, self.kind == 2],
            [p - lo, (p - lo) * (hi - p) / span, -(hi - p)],
            np.ones_like(p),
        )

    def full(self, p_free: NDArray[np.float64], n: int) -> NDArray[np.float64]:
        out = np.broadcast_to(self.template, (n, self.c.n_params)).copy()
        out[:, self.free] = p_free
        return out

    def residuals(
        self,
        u: NDArray[np.float64],
        z: NDArray[np.complex128],
        wr: NDArray[np.float64],
        wi: NDArray[np.float64],
    ) -> NDArray[np.float64]:
        """Weighted residuals (rows of u, 2 n_freq); z/wr/wi broadcast against rows."""
        with np.errstate(all="ignore"):
            zm = self.c.impedance(self.full(self.from_u(u), u.shape[0]), self.w)
            d = zm - z
            r = np.concatenate([wr * d.real, wi * d.imag], axis=-1)
        return np.where(np.isfinite(r), r, 1e150)

    def residuals_and_jacobian(
        self,
        u: NDArray[np.float64],
        z: NDArray[np.complex128],
        wr: NDArray[np.float64],
        wi: NDArray[np.float64],
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Weighted residuals (n, 2m) and their Jacobian in u, (n, k, 2m)."""
        with np.errstate(all="ignore"):
            zm, dz = self.c.impedance_and_jacobian(self.full(self.from_u(u), u.shape[0]), self.w)
            d = zm - z
            r = np.concatenate([wr * d.real, wi * d.imag], axis=-1)
            dzu = dz[:, self.free, :] * self.dp_du(u)[:, :, None]
            J = np.concatenate([wr[:, None, :] * dzu.real, wi[:, None, :] * dzu.imag], axis=-1)
        return np.where(np.isfinite(r), r, 1e150), np.nan_to_num(J, posinf=0.0, neginf=0.0)


def _lm(
    pb: _Problem,
    u: NDArray[np.float64],
    z: NDArray[np.complex128],
    wr: NDArray[np.float64],
    wi: NDArray[np.float64],
    max_iter: int,
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.int64]]:
    """Batched Levenberg-Marquardt. Rows converge independently and drop out of the batch."""
    u = u.copy()
    n, k = u.shape
    r = pb.residuals(u, z, wr, wi)
    cost = np.sum(r * r, axis=1)
    lam = np.full(n, 1e-3)
    iters = np.zeros(n, dtype=np.int64)
    active = np.arange(n)
    eye = np.eye(k)
    stall = np.zeros(n, dtype=np.int64)
    for _ in range(max_iter):
        if active.size == 0:
            break
        ua = u[active]
        za, wra, wia = z[active], wr[active], wi[active]
        ra, J = pb.residuals_and_jacobian(ua, za, wra, wia)  # (a, 2m), (a, k, 2m)
        A = np.einsum("akm,alm->akl", J, J)
        g = np.einsum("akm,am->ak", J, ra)
        diag = np.einsum("akk->ak", A)
        D = np.maximum(diag, 1e-12 * (diag.max(axis=1, keepdims=True) + 1e-300))
        M = A + (lam[active][:, None, None] * D[:, :, None]) * eye[None]
        try:
            step = -np.linalg.solve(M, g[:, :, None])[:, :, 0]
        except np.linalg.LinAlgError:
            step = -(np.linalg.pinv(M) @ g[:, :, None])[:, :, 0]
        step = np.clip(np.nan_to_num(step), -5.0, 5.0)
        ut = ua + step
        rt = pb.residuals(ut, za, wra, wia)
        ct = np.sum(rt * rt, axis=1)
        ca = cost[active]
        better = ct < ca
        rel = np.where(better, (ca - ct) / np.maximum(ca, 1e-300), 0.0)
        u[active[better]] = ut[better]
        r[active[better]] = rt[better]
        cost[active[better]] = ct[better]
        lam[active] = np.where(better, np.maximum(lam[active] / 3.0, 1e-12), lam[active] * 4.0)
        iters[active] += 1
        small = better & ((rel < 1e-10) | (np.max(np.abs(step), axis=1) < 1e-9))
        stall[active] = np.where(better, 0, stall[active] + 1)
        done = small | (lam[active] > 1e10) | (stall[active] > 12) | (ca == 0)
        active = active[~done]
    return u, cost, iters


def _stderr(
    pb: _Problem,
    u: NDArray[np.float64],
    z: NDArray[np.complex128],
    wr: NDArray[np.float64],
    wi: NDArray[np.float64],
    cost: NDArray[np.float64],
) -> NDArray[np.float64]:
    n, k = u.shape
    r = pb.residuals(u, z, wr, wi)
    h = 1e-6 * (1.0 + np.abs(u))
    eye = np.eye(k)
    up = (u[:, None, :] + h[:, :, None] * eye[None]).reshape(-1, k)
    um = (u[:, None, :] - h[:, :, None] * eye[None]).reshape(-1, k)
    zr, wrr, wir = np.repeat(z, k, 0), np.repeat(wr, k, 0), np.repeat(wi, k, 0)
    rp = pb.residuals(up, zr, wrr, wir).reshape(n, k, -1)
    rm = pb.residuals(um, zr, wrr, wir).reshape(n, k, -1)
    J = (rp - rm) / (2 * h[:, :, None])
    J = J / pb.dp_du(u)[:, :, None]  # d r / d p
    A = np.einsum("akm,alm->akl", J, J)
    dof = max(r.shape[1] - k, 1)
    s2 = cost / dof
    out = np.full((n, k), np.nan)
    for i in range(n):
        try:
            cov = np.linalg.inv(A[i]) * s2[i]
            out[i] = np.sqrt(np.where(np.diag(cov) >= 0, np.diag(cov), np.nan))
        except np.linalg.LinAlgError:
            pass
    return out


def _canonical_order(c: Circuit, full: NDArray[np.float64]) -> NDArray[np.float64]:
    """Sort top-level series blocks of equal structure by time constant, fastest first."""
    root = c.root
    if root.kind != "series":
        return full
    groups: dict[str, list[Node]] = {}
    for ch in root.children:
        if ch.kind != "elem":
            groups.setdefault(ch.signature(), []).append(ch)
    out = full.copy()
    wgrid = np.geomspace(1e-6, 1e9, 301)
    for blocks in groups.values():
        if len(blocks) < 2:
            continue
        idx = [[leaf.start + i for leaf in b.leaves() for i in range(_np(leaf))] for b in blocks]
        taus = np.stack([_block_tau(b, full, wgrid) for b in blocks], axis=1)  # (n, nb)
        order = np.argsort(taus, axis=1)
        for pos, cols in enumerate(idx):
            src = np.array(idx)[order[:, pos]]  # (n, ncols) source columns per row
            out[:, cols] = np.take_along_axis(full, src, axis=1)
    return out


def _np(leaf: Node) -> int:
    assert leaf.element is not None
    return leaf.element.n_params


def _block_tau(b: Node, full: NDArray[np.float64], wgrid: NDArray[np.float64]) -> NDArray:
    """1/w at the -Z'' maximum of one block, per row (the block's characteristic time)."""
    with np.errstate(all="ignore"):
        zb = b.impedance(full, wgrid)
    mim = np.nan_to_num(-zb.imag, nan=-np.inf)
    return 1.0 / wgrid[np.argmax(mim, axis=1)]
