"""One electrode side of a batch: cells grouped by interface submodel, scattered to arrays.

The cell model assigns each cell's anode an interface submodel
(:func:`nakcell.interface.base.submodel_for`); an :class:`Electrode` holds one submodel
instance per kind with the rows of its cells, calls it on those rows and returns full-batch
arrays. With one kind in the batch (the usual case) no copying happens at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from nakcell.interface.base import InterfaceSubmodel, State, submodel_for
from nakcell.interface.liquid import LiquidAlloyInterface
from nakcell.interface.params import BatchParams
from nakcell.interface.solid import SolidMetalInterface

if TYPE_CHECKING:
    from nakcell.materials.cells import Cell

SUBMODELS: dict[str, type[InterfaceSubmodel]] = {
    "solid": SolidMetalInterface,
    "liquid": LiquidAlloyInterface,
}


def submodel_kinds(cells: Sequence[Cell], n: int) -> np.ndarray:
    """The submodel kind of each cell's anode at its start temperature, over the batch."""
    memo: dict[tuple[float, float], str] = {}  # the kind depends on (x_Na, T) only
    kinds = []
    for c in cells:
        key = (c.anode.x_Na, c.temperature)
        if key not in memo:
            memo[key] = _kind(c)
        kinds.append(memo[key])
    return np.array(kinds * n if len(kinds) == 1 else kinds)


def _kind(c: Cell) -> str:
    x = c.anode.x_Na
    if 0.0 < x < 1.0:  # an alloy: the liquid submodel handles its phase (no phase lookup)
        return "liquid"
    return submodel_for(x, c.anode.is_liquid(c.temperature))  # pure: T vs melting point


def build_submodels(params: BatchParams, kinds: np.ndarray) -> list[tuple[Any, InterfaceSubmodel]]:
    """(rows, submodel) per kind present; both electrodes of a cell may share them (the
    submodels keep no per-electrode state: that lives in the state dicts)."""
    n = params.size
    groups: list[tuple[Any, InterfaceSubmodel]] = []
    for kind, cls in SUBMODELS.items():
        rows = np.flatnonzero(kinds == kind)
        if rows.size == n:
            groups.append((slice(None), cls(params)))
        elif rows.size:
            groups.append((rows, cls(params.subset(rows))))
    return groups


class Electrode:
    """One side of every cell of the batch (left or right)."""

    def __init__(
        self,
        params: BatchParams,
        kinds: np.ndarray,
        T: np.ndarray,
        groups: list[tuple[Any, InterfaceSubmodel]] | None = None,
    ) -> None:
        self.n = params.size
        self.groups = groups if groups is not None else build_submodels(params, kinds)
        self.one = len(self.groups) == 1
        self.T_rows: list[np.ndarray] = []
        self.set_temperature(T)
        self.states: list[State] = [
            sub.init_state(t) for (_, sub), t in zip(self.groups, self.T_rows, strict=True)
        ]

    def set_temperature(self, T: np.ndarray) -> None:
        """New temperatures (the submodels recompute their T-dependent constants)."""
        self.T_rows = [T if self.one else T[rows] for rows, _ in self.groups]

    def _call(self, method: str, *args: Any, dtype: Any = float) -> np.ndarray:
        if self.one:
            sub = self.groups[0][1]
            return getattr(sub, method)(self.states[0], *args)
        out = np.empty(self.n, dtype)
        for (rows, sub), s in zip(self.groups, self.states, strict=True):
            out[rows] = getattr(sub, method)(s, *(a[rows] for a in args))
        return out

    def get(self, key: str) -> np.ndarray:
        """State ``key`` over the batch (``f``, ``x``, ``n_na``, ``liquid``)."""
        if self.one:
            return self.states[0][key]
        out = np.empty(self.n, self.states[0][key].dtype)
        for (rows, _), s in zip(self.groups, self.states, strict=True):
            out[rows] = s[key]
        return out

    def update(self, i_abs: np.ndarray, strips: np.ndarray, plates: np.ndarray, dt: float) -> None:
        for (rows, sub), s, t in zip(self.groups, self.states, self.T_rows, strict=True):
            if self.one:
                sub.update(s, i_abs, strips, plates, dt, t)
            else:
                sub.update(s, i_abs[rows], strips[rows], plates[rows], dt, t)

    def _with_t(self, method: str, *args: np.ndarray, dtype: Any = float) -> np.ndarray:
        if self.one:
            return getattr(self.groups[0][1], method)(self.states[0], *args, self.T_rows[0])
        out = np.empty(self.n, dtype)
        for (rows, sub), s, t in zip(self.groups, self.states, self.T_rows, strict=True):
            out[rows] = getattr(sub, method)(s, *(a[rows] for a in args), t)
        return out

    def overpotential(self, i_abs: np.ndarray) -> np.ndarray:
        return self._with_t("overpotential", i_abs)

    def potential(self) -> np.ndarray:
        return self._with_t("potential")

    def penetration(self, i_abs: np.ndarray, eta: np.ndarray, dt: float) -> np.ndarray:
        if self.one:
            sub = self.groups[0][1]
            return sub.penetration(self.states[0], i_abs, eta, dt, self.T_rows[0])
        out = np.empty(self.n)
        for (rows, sub), s, t in zip(self.groups, self.states, self.T_rows, strict=True):
            out[rows] = sub.penetration(s, i_abs[rows], eta[rows], dt, t)
        return out

    def exhausted(self) -> np.ndarray:
        return self._call("exhausted", dtype=bool)

    def short(self) -> np.ndarray:
        return self._call("short", dtype=bool)

    def asr(self) -> dict[str, np.ndarray]:
        parts = [
            sub.asr(s, t)
            for (_, sub), s, t in zip(self.groups, self.states, self.T_rows, strict=True)
        ]
        if self.one:
            return parts[0]
        out = {k: np.empty(self.n) for k in parts[0]}
        for (rows, _), part in zip(self.groups, parts, strict=True):
            for k, v in part.items():
                out[k][rows] = v
        return out
