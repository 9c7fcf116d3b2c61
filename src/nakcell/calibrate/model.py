"""The batched forward model a calibration evaluates: parameter rows -> cells -> predictions.

One :class:`Batch` holds n parameter sets. Everything an observation asks for (interface
resistances, a simulation under a protocol, an impedance spectrum) is computed once per batch
for all n sets together, with one call of the symmetric-cell engine per protocol.

Cells are built with :func:`nakcell.sweep.spec.apply_point` (``dataclasses.replace``) where
an observation needs them (interface resistances, EIS). The simulation does not: when every
fitted parameter maps one-to-one onto an array of :class:`nakcell.interface.params.BatchParams`
(``DIRECT``), the engine's parameter arrays are the base cell's with those columns set, which
skips building and reading one cell per row (~0.06 ms per evaluation of ~0.3 ms; the arrays
are checked equal to ``BatchParams.of(cells)`` in tests/test_calibrate.py).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from nakcell.calibrate.priors import EIS_PARAMS, default_value
from nakcell.materials import Cell


@dataclass
class CalibModel:
    """A base cell plus the names of the physical parameters being fitted."""

    cell: Cell
    names: tuple[str, ...]  # physical parameters (registry names and eis.*), not noise
    steps_per_half: int = 8

    def cell_keys(self) -> list[str]:
        return [k for k in self.names if k not in EIS_PARAMS]

    def batch(self, theta: np.ndarray) -> Batch:
        """A batch for rows of SI values (n, len(names))."""
        theta = np.atleast_2d(np.asarray(theta, float))
        return Batch(self, {k: theta[:, j] for j, k in enumerate(self.names)}, theta.shape[0])

    def value(self, name: str, b: Batch) -> np.ndarray:
        """Parameter ``name`` over the batch (fitted value or the cell's own)."""
        if name in b.values:
            return b.values[name]
        return np.full(b.n, default_value(self.cell, name))


@dataclass
class Batch:
    model: CalibModel
    values: dict[str, np.ndarray]
    n: int
    _cache: dict[Any, Any] = field(default_factory=dict)

    def cells(self) -> list[Cell]:
        if "cells" not in self._cache:
            from nakcell.sweep.spec import apply_point

            keys = self.model.cell_keys()
            base = self.model.cell
            if not keys:
                self._cache["cells"] = [base] * self.n
            else:
                cols = np.column_stack([self.values[k] for k in keys])
                first = apply_point(base, keys, cols[0])
                if any(k in _RULE_KEYS for k in keys):
                    rest = [apply_point(base, keys, row) for row in cols[1:]]
                else:
                    rest = [_clone(first, keys, row) for row in cols[1:]]
                self._cache["cells"] = [first, *rest]
        return self._cache["cells"]

    def interface(self) -> dict[str, np.ndarray]:
        """Small-signal ASRs at assembly (ohm m2), contact fraction, per cell."""
        if "itf" not in self._cache:
            from nakcell.cell.symmetric import interface_asr

            cells = self.cells()
            uniq: dict[int, dict[str, float]] = {}
            rows = []
            for c in cells:
                key = id(c)
                if key not in uniq:
                    uniq[key] = interface_asr(c)
                rows.append(uniq[key])
            self._cache["itf"] = {k: np.array([r.get(k, 0.0) for r in rows]) for k in rows[0]}
        return self._cache["itf"]

    def params(self) -> Any:
        """The engine's parameter arrays (:class:`BatchParams`) over the batch, or None when a
        fitted parameter has no one-to-one array (then the engine reads the cells)."""
        keys = self.model.cell_keys()
        if any(k not in DIRECT for k in keys):
            return None
        if "params" not in self._cache:
            from nakcell.interface.params import BatchParams

            base = self.model.cell
            cols = {}
            for k in keys:
                field_name, scale = DIRECT[k], 1.0
                if k == "interface_asr_measured":  # per interface, under the cell's basis
                    scale = _copy(base, {k: 1.0}).interface_asr_per_interface()
                cols[field_name] = np.array(self.values[k], float) * scale
            bp = BatchParams.of([base], self.n)
            self._cache["params"] = dataclasses.replace(bp, **cols)
        return self._cache["params"]

    def simulate(self, protocol: Any) -> Any:
        """One batched call of the symmetric-cell engine under ``protocol`` (cached)."""
        key = ("sim", id(protocol))
        if key not in self._cache:
            from nakcell.cell.symmetric import simulate_symmetric

            params = self.params()
            self._cache[key] = simulate_symmetric(
                self.model.cell if params is not None else self.cells(),
                protocol,
                steps_per_half=self.model.steps_per_half,
                max_points=100000,
                params=params,
            )
        return self._cache[key]


# fitted name -> the BatchParams array that BatchParams.of reads from that attribute alone
# (no rule, no other attribute involved); the submodel kind never depends on these
DIRECT: dict[str, str] = {
    "i0": "i0",
    "stack_pressure": "p",
    "heat_transfer": "h",
    "thickness": "L",
    "interface_Ea": "Ea_int",
    "pressure_spread": "p_spread",
    "interface_asr_measured": "r_meas",
    "electrolyte.sigma_ref": "sigma_ref",
    "electrolyte.Ea": "Ea",
    "electrolyte.K_IC": "K_IC",
    "electrolyte.flaw_size": "c",
    "anode.yield_stress": "sy",
    "anode.creep_A": "cA",
    "anode.creep_n": "cn",
    "anode.creep_Q": "cQ",
    "anode.vacancy_limit": "jv",
    "anode.vacancy_Ea": "jv_Ea",
    "anode.viscosity": "mu",
    "anode.spot_radius": "a",
}


_RULE_KEYS = frozenset({"anode.wt_pct_K", "anode.W_adh"})


def _copy(obj: Any, changes: dict[str, float]) -> Any:
    new = object.__new__(type(obj))
    new.__dict__.update(obj.__dict__)
    new.__dict__.update(changes)
    return new


def _clone(cell: Cell, keys: Sequence[str], row: np.ndarray) -> Cell:
    """``cell`` with ``keys`` set to ``row`` (SI), without re-validation (see module doc)."""
    top: dict[str, float] = {}
    parts: dict[str, dict[str, float]] = {"anode": {}, "electrolyte": {}}
    for k, v in zip(keys, row, strict=True):
        head, _, leaf = k.partition(".")
        if leaf:
            parts[head][leaf] = float(v)
        else:
            top[k] = float(v)
    for head, ch in parts.items():
        if ch:
            top[head] = _copy(getattr(cell, head), ch)  # type: ignore[assignment]
    return _copy(cell, top)


def eis_impedance(b: Batch, freq: np.ndarray) -> np.ndarray:
    """Impedance (n, m) of each cell of the batch: the physical stack of
    :mod:`nakcell.eis.physical` (bulk R||C, then per interface R_cstr + R_ct||C_dl), computed
    as arrays over the batch. Checked against ``PhysicalStack.spectrum`` in the tests."""
    from nakcell.eis.physical import EPS0

    cells = b.cells()
    L = np.array([c.thickness for c in cells])
    A = np.array([c.area for c in cells])
    sig = np.array([float(c.electrolyte.conductivity(c.temperature)) for c in cells])
    itf = b.interface()
    f = itf["contact_fraction"]
    c_dl = b.model.value("eis.c_dl", b)
    eps = b.model.value("eis.eps_r_bulk", b)
    w = 2 * np.pi * np.asarray(freq, float)[None, :]
    r_b = (L / (sig * A))[:, None]
    c_b = (EPS0 * eps * A / L)[:, None]
    # charge transfer (+ the interphase film, in the same arc as the engine's eis_stack),
    # already per geometric area (/ f)
    r_ct = ((itf["charge_transfer_asr"] + itf.get("film_asr", 0.0)) / A)[:, None]
    c_ct = (c_dl * f * A)[:, None]
    r_cs = (itf["constriction_asr"] / A)[:, None]
    z_b = r_b / (1 + 1j * w * r_b * c_b)
    z_i = r_cs + r_ct / (1 + 1j * w * r_ct * c_ct)
    return z_b + 2.0 * z_i


def columns(names: Sequence[str], theta: np.ndarray) -> dict[str, np.ndarray]:
    return {k: np.asarray(theta)[:, j] for j, k in enumerate(names)}
