"""Point equilibria of an alloy (phases and fractions), with nakcell's model or pycalphad.

``engine="nakcell"`` uses the numpy model (convex hull + common tangent, a few ms);
``engine="pycalphad"`` calls :func:`pycalphad.equilibrium` on the same TDB, with the Database
and the compiled phase records cached for the session. Tests check the two agree.
"""

from __future__ import annotations

import functools
import itertools
import math
import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from nakcell.errors import NakcellInputError
from nakcell.thermo.systems import MOLAR_MASS_G_MOL, model, normalise, tdb_path


@dataclass(frozen=True)
class PhaseState:
    """Stable phases at (x, T): name -> mole fraction of atoms, and each phase's x (first el.)."""

    T_K: float
    x: float
    fractions: dict[str, float]
    compositions: dict[str, float]


def equilibrium_point(system: str, x: float, T: float, engine: str = "nakcell") -> PhaseState:
    """Stable phases and their atom fractions at mole fraction ``x`` (first element) and T (K)."""
    m = model(system)
    if not (0.0 <= x <= 1.0):
        raise NakcellInputError("composition", repr(x), "a mole fraction between 0 and 1")
    if not (m.t_min <= T <= m.t_max):
        raise NakcellInputError(
            "temperature", f"{T:g} K", f"{m.t_min:g}-{m.t_max:g} K (database range)"
        )
    if engine == "pycalphad":
        return _pycalphad_point(normalise(system)[0], float(x), float(T))
    if engine != "nakcell":
        raise NakcellInputError("engine", repr(engine), "'nakcell' or 'pycalphad'")
    fields = _fields(normalise(system)[0], float(T))
    for f in fields:
        if f.x_lo - 1e-12 <= x <= f.x_hi + 1e-12:
            return PhaseState(T, x, {_base(f.phase): 1.0}, {_base(f.phase): x})
    for left, right in itertools.pairwise(fields):
        if left.x_hi < x < right.x_lo:
            w = (x - left.x_hi) / (right.x_lo - left.x_hi)  # lever rule
            fr = {_base(left.phase): 1.0 - w}
            fr[_base(right.phase)] = fr.get(_base(right.phase), 0.0) + w
            comp = {_base(left.phase): left.x_hi, _base(right.phase): right.x_lo}
            return PhaseState(T, x, fr, comp)
    raise ArithmeticError(f"no stable field found at x={x}, T={T}")  # pragma: no cover


@functools.lru_cache(maxsize=1024)
def _fields(system: str, T: float) -> tuple:
    """Stable fields at T, memoised: a cell at fixed temperature asks for the same T each step."""
    return tuple(model(system).fields(T))


def _base(label: str) -> str:
    return label.split("(")[0]


@functools.cache
def _pycalphad_setup(system: str) -> tuple[Any, list[str], list[str]]:
    from pycalphad import Database

    db = Database(str(tdb_path(system)))
    comps = sorted(
        {c for ph in db.phases.values() for sub in ph.constituents for c in map(str, sub)}
    )
    comps = [c for c in comps if c != "VA"] + ["VA"]
    return db, comps, sorted(db.phases)


def _pycalphad_point(system: str, x: float, T: float) -> PhaseState:
    from pycalphad import equilibrium
    from pycalphad import variables as v

    db, comps, phases = _pycalphad_setup(system)
    _, first, _ = normalise(system)
    xx = min(max(x, 1e-10), 1 - 1e-10)
    eq = equilibrium(db, comps, phases, {v.T: T, v.P: 101325, v.N: 1, v.X(first): xx})
    names = eq.Phase.values.squeeze()
    fracs = eq.NP.values.squeeze()
    xs = eq.X.sel(component=first).values.squeeze()
    out: dict[str, float] = {}
    comp: dict[str, float] = {}
    for n, f, xi in zip(names, fracs, xs, strict=True):
        if n and np.isfinite(f):
            out[str(n)] = out.get(str(n), 0.0) + float(f)
            comp[str(n)] = float(xi)
    return PhaseState(T, x, out, comp)


# ---- composition parsing ------------------------------------------------------------------
_COMP = re.compile(
    r"^\s*(?P<v>[-+]?\d*\.?\d+(?:[eE][-+]?\d+)?)\s*(?P<u>wt\s*%|at\s*%|mol\s*%|%)?\s*(?P<el>[A-Za-z]{1,2})\s*$"
)


def parse_composition(text: object, system: str = "Na-K") -> float:
    """'56 wt% K', '44 wt% Na', '42.7 at% K' -> mole fraction of the system's first element.

    A unit (wt% or at%) and an element of the system are required: '56 K' is refused.
    """
    name, first, second = normalise(system)
    expected = (
        f"a composition like '56 wt% {second.title()}' or '42.7 at% {second.title()}' (0-100 %)"
    )
    m = _COMP.match(str(text)) if isinstance(text, str) else None
    if not m or not m.group("u") or m.group("u").strip() == "%":
        raise NakcellInputError("composition", repr(text), expected)
    val = float(m.group("v"))
    el = m.group("el").upper()
    if el not in (first, second):
        raise NakcellInputError("composition", repr(text), f"an element of {name} ({expected})")
    if not (0.0 <= val <= 100.0) or not math.isfinite(val):
        raise NakcellInputError("composition", repr(text), expected)
    frac = val / 100.0
    if m.group("u").replace(" ", "").lower().startswith("wt"):
        other = second if el == first else first
        n_el = frac / MOLAR_MASS_G_MOL[el]
        n_other = (1 - frac) / MOLAR_MASS_G_MOL[other]
        frac = n_el / (n_el + n_other) if n_el + n_other > 0 else 0.0
    return frac if el == first else 1.0 - frac


def x_to_wt(x_first: float, system: str = "Na-K") -> float:
    """Mole fraction of the first element -> mass fraction of the second element (e.g. wt K)."""
    _, first, second = normalise(system)
    m1, m2 = x_first * MOLAR_MASS_G_MOL[first], (1 - x_first) * MOLAR_MASS_G_MOL[second]
    return m2 / (m1 + m2)
