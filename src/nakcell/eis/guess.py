"""Automatic initial guesses from the spectrum's geometry, no user input.

The circuit is walked once: every parallel block and every series distributed element
(W, Wo, Ws, G) is a *slot* holding one resistance and one time constant; series resistors
take the high-frequency intercept; a series inductor the inductive high-frequency tail; a
series capacitor/CPE the low-frequency (blocking) branch. Each element then maps the
(R, tau) of its slot onto its own parameters through its registered ``guess`` function.

Time constants come from the peaks of -Z'' (a parallel RC peaks at w = 1/RC; Orazem &
Tribollet 2008, sec. 9.2) and, for multi-start, from a log-spaced grid over the measured
window, so overlapping or hidden arcs are still found.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from nakcell.eis.circuits import Circuit, Node


@dataclass(frozen=True)
class Role:
    """What drives one leaf's guess: a fixed role ("series_R", "L", "blocking") or a slot."""

    kind: str
    slot: int = -1


def roles(circuit: Circuit) -> tuple[list[Role], int]:
    """A role per leaf (in parameter order) and the number of (R, tau) slots."""
    out: dict[int, Role] = {}
    n_slots = 0

    def in_slot(node: Node, slot: int) -> None:
        nonlocal n_slots
        for c in node.children:
            if c.kind == "parallel":
                n_slots += 1
                in_slot(c, n_slots - 1)
            elif c.kind == "series":
                in_slot(c, slot)
            else:
                out[id(c)] = Role("slot", slot)

    def top(node: Node) -> None:
        nonlocal n_slots
        items = node.children if node.kind == "series" else [node]
        for c in items:
            if c.kind == "parallel":
                n_slots += 1
                in_slot(c, n_slots - 1)
                continue
            assert c.element is not None
            sym = c.element.symbol
            if sym == "R":
                out[id(c)] = Role("series_R")
            elif sym == "L":
                out[id(c)] = Role("L")
            elif sym in ("C", "CPE"):
                out[id(c)] = Role("blocking")
            else:
                n_slots += 1
                out[id(c)] = Role("slot", n_slots - 1)

    top(circuit.root)
    return [out[id(leaf)] for leaf in circuit.root.leaves()], n_slots


def initial_guesses(
    circuit: Circuit,
    frequency_Hz: NDArray[np.float64],
    Z: NDArray[np.complex128],
    n_starts: int,
) -> NDArray[np.float64]:
    """``(n_starts, n_params)`` starting points for one spectrum (first = peak-based)."""
    order = np.argsort(frequency_Hz)
    f, z = frequency_Hz[order], Z[order]
    w = 2 * np.pi * f
    leaf_roles, k = roles(circuit)
    n_series_R = sum(r.kind == "series_R" for r in leaf_roles)

    cap = z.imag <= 0
    r_hf = float(z.real[cap][-1] if cap.any() else z.real[-1])
    r_hf = max(r_hf, 1e-6 * float(np.abs(z).max()))
    r_lf = float(z.real[0])
    blocking = any(r.kind == "blocking" for r in leaf_roles)
    r_pol = max(r_lf - r_hf, 0.05 * float(np.abs(z).max()))
    if blocking:  # the low-frequency real part then holds the arcs, not a DC resistance
        r_pol = max(float(np.ptp(z.real)), 0.05 * float(np.abs(z).max()))

    tau_lo, tau_hi = 1.0 / w[-1], 1.0 / w[0]
    slot_sets = _slot_taus(w, -z.imag, k, tau_lo, tau_hi, n_starts)
    out = np.empty((len(slot_sets), circuit.n_params))
    for s, (taus, rs) in enumerate(slot_sets):
        rs_scaled = np.asarray(rs) * (r_pol / max(sum(rs), 1e-300)) if k else rs
        vals: list[float] = []
        for leaf, role in zip(circuit.root.leaves(), leaf_roles, strict=True):
            e = leaf.element
            assert e is not None
            if role.kind == "series_R":
                R, tau = r_hf / n_series_R, 1.0
            elif role.kind == "L":
                im = float(z.imag[-1])
                R, tau = (im if im > 0 else 1e-3 * r_hf), 1.0 / w[-1]
            elif role.kind == "blocking":
                R, tau = max(float(-z.imag[0]), 1e-3 * r_pol), tau_hi
            else:
                R, tau = float(rs_scaled[role.slot]), float(taus[role.slot])
            vals.extend(float(v) for v in e.guess(R, tau))
        out[s] = vals
    lo = np.array([b[0] for b in circuit.default_bounds])
    hi = np.array([b[1] for b in circuit.default_bounds])
    span = np.where(np.isfinite(hi - lo), hi - lo, 1.0)
    return np.clip(out, lo + 1e-9 * span, np.where(np.isfinite(hi), hi - 1e-9 * span, np.inf))


def _slot_taus(
    w: NDArray[np.float64],
    mim: NDArray[np.float64],
    k: int,
    tau_lo: float,
    tau_hi: float,
    n_starts: int,
) -> list[tuple[list[float], list[float]]]:
    """Candidate (taus, Rs) per slot: detected -Z'' peaks first, then a log grid."""
    if k == 0:
        return [([], [])]
    starts: list[tuple[list[float], list[float]]] = []
    # local maxima of -Z'' (frequencies ascending)
    inner = (mim[1:-1] > mim[:-2]) & (mim[1:-1] >= mim[2:]) & (mim[1:-1] > 0)
    peaks = np.nonzero(inner)[0] + 1
    if peaks.size:
        top = peaks[np.argsort(mim[peaks])[::-1][:k]]
        taus = sorted(1.0 / w[top])
        rs = [2.0 * float(mim[i]) for i in top[np.argsort(1.0 / w[top])]]
        while len(taus) < k:  # fewer peaks than slots: add slower ones
            taus.append(taus[-1] * 30.0)
            rs.append(rs[-1])
        starts.append((taus, rs))
    if n_starts <= len(starts):
        return starts
    n_grid = 4 + k  # grid points over the window (plus one decade beyond each end)
    grid = np.geomspace(tau_lo * 0.3, tau_hi * 3.0, n_grid)
    combos = list(itertools.combinations(range(n_grid), k))
    if len(combos) > n_starts - len(starts):
        pick = np.linspace(0, len(combos) - 1, n_starts - len(starts)).round().astype(int)
        combos = [combos[i] for i in pick]
    for c in combos:
        starts.append(([float(grid[i]) for i in c], [1.0] * k))
    return starts
