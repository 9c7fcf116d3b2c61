"""Binary CALPHAD model evaluated with numpy: Gibbs energies, chemical potentials, phase fields.

The Gibbs energy of each phase is read from the shipped TDB (see :mod:`nakcell.thermo.tdb`):

- substitutional solutions (LIQUID, BCC_A2 with a vacancy-only interstitial sublattice):
  ``G = x_A G_A + x_B G_B + RT (x_A ln x_A + x_B ln x_B) + x_A x_B sum_n L_n (x_A - x_B)^n``
  (Redlich & Kister, Ind. Eng. Chem. 40 (1948) 345; the CALPHAD form of Lukas, Fries &
  Sundman, *Computational Thermodynamics*, CUP 2007, eq. 5.20);
- stoichiometric compounds (e.g. NA2K): ``G = sum_s a_s G_s + dG(T)`` per formula unit.

Equilibria are found from the lower convex hull of G(x) of all phases at fixed T, then refined
by solving the equal-chemical-potential (common tangent) conditions. pycalphad computes the
same equilibria from the same TDB; tests compare the two.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq, fsolve

from nakcell.constants import R
from nakcell.thermo.tdb import TDB

Array = np.ndarray


@dataclass(frozen=True)
class Boundary:
    """One stable single-phase (or compound) field at fixed T: phase label and x_B range."""

    phase: str
    x_lo: float
    x_hi: float


class BinaryModel:
    """Gibbs energies of all phases of a binary system A-B from a parsed TDB.

    ``components`` is ``(A, B)``; compositions ``x`` are mole fractions of B.
    """

    def __init__(self, db: TDB, components: tuple[str, str]) -> None:
        self.db = db
        self.A, self.B = (c.upper() for c in components)
        self.solutions: dict[str, tuple] = {}
        self.compounds: dict[str, tuple[float, object]] = {}
        for name, ph in db.phases.items():
            subl = [s for s in ph.constituents if s != ("VA",)]
            if len(subl) == 1 and set(subl[0]) == {self.A, self.B}:
                self.solutions[name] = self._solution(name, ph)
            elif all(len(s) == 1 for s in ph.constituents) and ph.constituents:
                self.compounds[name] = self._compound(name, ph)
        self.t_min = max(p.value.bounds[0] for p in db.parameters)
        self.t_max = min(p.value.bounds[-1] for p in db.parameters)

    # ---- construction -------------------------------------------------------------------
    def _solution(self, name: str, ph) -> tuple:
        va = tuple(("VA",) for s in ph.constituents if s == ("VA",))
        # per mole of formula = per mole of atoms here (only the substitutional lattice holds atoms)
        sites = ph.sites[next(i for i, s in enumerate(ph.constituents) if s != ("VA",))]

        def arr(*sub: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
            return (*sub, *va) if va else sub

        g_a = self.db.value(self.db.find("G", name, arr((self.A,)))[0])
        g_b = self.db.value(self.db.find("G", name, arr((self.B,)))[0])
        ls = []
        for p in self.db.find("L", name, arr((self.A, self.B))):
            sign = 1.0 if p.constituents[0][0] == self.A or p.order % 2 == 0 else -1.0
            ls.append((p.order, sign, self.db.value(p)))
        return (g_a, g_b, ls, sites)

    def _compound(self, name: str, ph) -> tuple[float, object]:
        n_a = sum(a for a, s in zip(ph.sites, ph.constituents, strict=True) if s == (self.A,))
        n_b = sum(a for a, s in zip(ph.sites, ph.constituents, strict=True) if s == (self.B,))
        g = self.db.value(self.db.find("G", name, ph.constituents)[0])
        return (n_b / (n_a + n_b), lambda T, g=g, n=n_a + n_b: g(T) / n)

    # ---- Gibbs energies and chemical potentials (J/mol of atoms) --------------------------
    def excess(self, phase: str, x: Array, T: float | Array) -> tuple[Array, Array, Array]:
        """Excess G and the two partial molar excess Gibbs energies (mu_A^ex, mu_B^ex)."""
        _, _, ls, _ = self.solutions[phase]
        x = np.asarray(x, dtype=float)
        xa = 1.0 - x
        d = xa - x  # Redlich-Kister variable x_A - x_B
        s = np.zeros(np.broadcast(x, T).shape)
        ds = np.zeros_like(s)
        for n, sign, f in ls:
            ln = sign * f(np.asarray(T, dtype=float))
            s = s + ln * d**n
            if n:
                ds = ds + ln * n * d ** (n - 1)
        gex = xa * x * s
        # dG/dx_B along x_A = 1 - x_B (dd/dx_B = -2)
        dg = (xa - x) * s + xa * x * ds * (-2.0)
        return gex, gex - x * dg, gex + xa * dg

    def g_pure(self, phase: str, T: float | Array) -> tuple[Array, Array]:
        g_a, g_b, _, _ = self.solutions[phase]
        return g_a(T), g_b(T)

    def gm(self, phase: str, x: Array, T: float) -> Array:
        """Molar Gibbs energy of a solution phase at x_B = x."""
        x = np.clip(np.asarray(x, dtype=float), 1e-300, 1.0)
        ga, gb = self.g_pure(phase, T)
        xa = np.clip(1.0 - x, 1e-300, 1.0)
        gid = R * T * (xa * np.log(xa) + x * np.log(x))
        return (1 - x) * ga + x * gb + gid + self.excess(phase, x, T)[0]

    def mu(self, phase: str, x: Array, T: float | Array) -> tuple[Array, Array]:
        """Chemical potentials (mu_A, mu_B) in a solution phase at x_B = x."""
        x = np.asarray(x, dtype=float)
        ga, gb = self.g_pure(phase, T)
        _, ea, eb = self.excess(phase, x, T)
        return ga + R * T * np.log1p(-x) + ea, gb + R * T * np.log(x) + eb

    def g_compound(self, name: str, T: float) -> tuple[float, float]:
        xc, g = self.compounds[name]
        return xc, float(g(T))

    # ---- exact two-phase equilibria used by the assessment and the invariants -------------
    def liquidus_solution(
        self, T: float, solid: str, x_liq: float, x_solid: float, liquid: str = "LIQUID"
    ) -> tuple[float, float]:
        """(x_liquid, x_solid) of the liquid + solid-solution equilibrium at T (common tangent)."""

        def eqs(z: Array) -> Array:
            xl, xs = _expit(z[0]), _expit(z[1])
            la, lb = self.mu(liquid, xl, T)
            sa, sb = self.mu(solid, xs, T)
            return np.array([(la - sa) / (R * T), (lb - sb) / (R * T)])

        sol, _, ier, msg = fsolve(
            eqs, [_logit(x_liq), _logit(x_solid)], full_output=True, xtol=1e-12
        )
        if ier != 1 and float(np.max(np.abs(eqs(sol)))) > 1e-9:
            raise ArithmeticError(f"no {liquid}/{solid} equilibrium at {T} K: {msg}")
        return _expit(sol[0]), _expit(sol[1])

    def liquidus_compound(
        self, T: float, compound: str, rich_in_b: bool, liquid: str = "LIQUID"
    ) -> float:
        """x_B of the liquid in equilibrium with a stoichiometric compound at T.

        ``(1 - x_c) mu_A(x) + x_c mu_B(x) = G_c`` has one root on each side of x_c when the
        compound is more stable than the liquid of its own composition.
        """
        xc, gc = self.g_compound(compound, T)

        def f(x: float) -> float:
            ma, mb = self.mu(liquid, x, T)
            return float((1 - xc) * ma + xc * mb - gc)

        a, b = (xc, 1 - 1e-12) if rich_in_b else (1e-12, xc)
        return float(brentq(f, a, b, xtol=1e-13))

    def melting_point(self, element: str, solid: str, liquid: str = "LIQUID") -> float:
        """Temperature where the pure element's liquid and solid Gibbs energies are equal."""
        i = 0 if element.upper() == self.A else 1

        def f(T: float) -> float:
            return float(self.g_pure(liquid, T)[i] - self.g_pure(solid, T)[i])

        return float(brentq(f, self.t_min + 1e-6, self.t_max - 1e-6, xtol=1e-10))

    # ---- phase fields at fixed T ---------------------------------------------------------
    def fields(self, T: float, phases: tuple[str, ...] | None = None) -> list[Boundary]:
        """Stable single-phase fields across 0 < x_B < 1 at T (two-phase gaps between them).

        Solution phases are labelled ``PHASE(A)`` / ``PHASE(B)`` when they are stable on both
        sides (e.g. the Na-rich and K-rich bcc terminal solutions).
        """
        pts_x, pts_g, pts_p = self._grid(T, phases)
        hull = _lower_hull(pts_x, pts_g)
        runs: list[list] = []
        for i in hull:
            p = pts_p[i]
            if runs and runs[-1][0] == p and p not in self.compounds:
                runs[-1][2] = float(pts_x[i])
            else:
                runs.append([p, float(pts_x[i]), float(pts_x[i])])
        out = [self._refine(runs, k, T) for k in range(len(runs))]
        return self._label(out)

    def _grid(
        self, T: float, phases: tuple[str, ...] | None = None
    ) -> tuple[Array, Array, list[str]]:
        tail = np.geomspace(1e-9, 0.02, 120)
        xs = np.unique(np.concatenate([tail, np.linspace(0.02, 0.98, 961), 1 - tail]))
        px, pg, pp = [], [], []
        for name in self.solutions:
            if phases is not None and name not in phases:
                continue
            px.append(xs)
            pg.append(self.gm(name, xs, T))
            pp += [name] * xs.size
        for name in self.compounds:
            if phases is not None and name not in phases:
                continue
            xc, g = self.g_compound(name, T)
            px.append(np.array([xc]))
            pg.append(np.array([g]))
            pp.append(name)
        x, g = np.concatenate(px), np.concatenate(pg)
        order = np.lexsort((g, x))  # by x, then lowest G first
        x, g = x[order], g[order]
        keep = np.concatenate([[True], np.diff(x) > 0])  # one (the lowest) point per x
        idx = order[keep]
        return x[keep], g[keep], [pp[i] for i in idx]

    def _refine(self, runs: list[list], k: int, T: float) -> Boundary:
        p, lo, hi = runs[k]
        if p in self.compounds:
            return Boundary(p, lo, hi)
        lo = self._tangent(p, lo, runs[k - 1], T, right=False) if k > 0 else 0.0
        hi = self._tangent(p, hi, runs[k + 1], T, right=True) if k < len(runs) - 1 else 1.0
        return Boundary(p, lo, hi)

    def _tangent(self, p: str, x0: float, other: list, T: float, right: bool) -> float:
        """x_B of phase p on its common tangent with the neighbouring field ``other``."""
        q, qlo, qhi = other
        if q in self.compounds:
            xc, gc = self.g_compound(q, T)

            def f(x: float) -> float:
                ma, mb = self.mu(p, x, T)
                return float((1 - xc) * ma + xc * mb - gc)

            try:
                if right:
                    a, b = max(x0 - 0.02, 1e-12), min(x0 + 0.02, 0.5 * (x0 + xc))
                else:
                    a, b = max(x0 - 0.02, 0.5 * (x0 + xc)), min(x0 + 0.02, 1 - 1e-12)
                return float(brentq(f, a, b, xtol=1e-12))
            except ValueError:
                return x0
        xq = qlo if right else qhi

        def eqs(z: Array) -> Array:
            xp, xq_ = _expit(z[0]), _expit(z[1])
            ma, mb = self.mu(p, xp, T)
            na, nb = self.mu(q, xq_, T)
            return np.array([(ma - na) / (R * T), (mb - nb) / (R * T)])

        sol, _, ier, _ = fsolve(eqs, [_logit(x0), _logit(xq)], full_output=True, xtol=1e-12)
        ok = ier == 1 or float(np.max(np.abs(eqs(sol)))) < 1e-9
        return float(_expit(sol[0])) if ok else x0

    def _label(self, fields: list[Boundary]) -> list[Boundary]:
        counts: dict[str, int] = {}
        for f in fields:
            counts[f.phase] = counts.get(f.phase, 0) + 1
        out = []
        for f in fields:
            if counts[f.phase] > 1:
                side = self.A if 0.5 * (f.x_lo + f.x_hi) < 0.5 else self.B
                out.append(Boundary(f"{f.phase}({side})", f.x_lo, f.x_hi))
            else:
                out.append(f)
        return out


def _expit(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z)) if z > -700 else 0.0


def _logit(x: float) -> float:
    x = min(max(x, 1e-15), 1 - 1e-15)
    return math.log(x / (1 - x))


def _lower_hull(x: Array, g: Array) -> list[int]:
    """Indices of the lower convex hull of points (x, g) sorted by x (Andrew's monotone chain)."""
    hull: list[int] = []
    for i in range(x.size):
        while len(hull) >= 2:
            i1, i2 = hull[-2], hull[-1]
            cross = (x[i2] - x[i1]) * (g[i] - g[i1]) - (g[i2] - g[i1]) * (x[i] - x[i1])
            if cross <= 0:
                hull.pop()
            else:
                break
        hull.append(i)
    return hull
