"""Interface submodels: one electrode | ceramic interface of a symmetric (or full) cell.

The cell model is a time loop over two electrodes; each electrode is an
:class:`InterfaceSubmodel` that owns its state, its sourced parameters and its update, in the
spirit of PyBaMM's submodels. The time loop knows no physics.

Submodel API (all arrays over the submodel's own cells of the batch, SI units)
------------------------------------------------------------------------------
``Sub(params)``
    ``params`` is a :class:`nakcell.interface.params.BatchParams` already restricted to the
    submodel's cells (``BatchParams.subset``); one array per parameter.
``init_state(T) -> State``
    A ``dict[str, np.ndarray]`` at assembly. Keys every submodel provides (the cell reads
    them): ``"f"`` effective contact fraction (n,), ``"x"`` Na mole fraction (n,),
    ``"n_na"`` Na inventory (mol/m2), ``"liquid"`` bool (n,). Anything else is private
    (e.g. contact bins, composition profiles). States are replaced (``s[k] = new``), never
    edited in place: a submodel may cache on the identity of its state arrays.
``update(state, i_abs, strips, plates, dt, T) -> None``
    Advance ``state`` in place over ``dt`` (s) at current density ``i_abs`` (A/m2, >= 0);
    ``strips``/``plates`` are bool arrays (this electrode loses / gains Na). Contact, supply,
    Faraday inventory and any internal profiles. ``T`` (K) is the same array object while the
    temperature does not change, so T-dependent constants may be cached on identity.
``overpotential(state, i_abs, T) -> eta``
    Interface loss (V, >= 0) at ``i_abs``: charge transfer + film + constriction.
``potential(state, T) -> E``
    Equilibrium potential vs pure Na (V): -(RT/F) ln a_Na, 0 for pure Na.
``penetration(state, i_abs, eta, dt, T) -> dl``
    Filament advance (m) into the pellet over ``dt``; the cell passes ``i_abs`` = 0 where this
    electrode does not plate and ``eta`` = its :meth:`overpotential` (a submodel with a
    distribution of contacts may use its own local value). It must return 0 where
    ``i_abs`` = 0 and change no state: the cell skips the call in steps where no cell of the
    batch plates on this electrode.
``short(state) -> bool``  (default all False)
    An electronic short that needs no filament (e.g. liquid infiltration).
``exhausted(state) -> bool``
    The electrode has no Na left to strip.
``asr(state, T) -> dict``
    Small-signal interface resistances (ohm m2): ``charge_transfer_asr``, ``film_asr``,
    ``constriction_asr``, ``interface_asr`` (their sum).

Implementations: :class:`nakcell.interface.solid.SolidMetalInterface` (creeping solid metal),
:class:`nakcell.interface.liquid.LiquidAlloyInterface` (liquid alloy in a host).
:func:`submodel_for` tells which one an anode gets.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

import numpy as np

from nakcell.interface.params import BatchParams

State = dict[str, Any]

F_MIN = 1e-6  # floor on the contact fraction (numerical; a fully delaminated electrode)
X_MIN = 1e-9  # floor on the Na mole fraction (numerical)


class InterfaceSubmodel(ABC):
    """One electrode | ceramic interface over a subset of the batch (see the module doc)."""

    name = "interface"

    def __init__(self, params: BatchParams) -> None:
        self.p = params
        self._T_key: object = None
        self._consts: dict[str, np.ndarray] = {}

    # ----------------------------------------------------------------- constants
    def constants(self, T: np.ndarray) -> dict[str, np.ndarray]:
        """T-dependent constants, cached while ``T`` is the same array (object or values)."""
        if T is not self._T_key:
            key = self._T_key
            same = (
                isinstance(key, np.ndarray) and key.shape == np.shape(T) and np.array_equal(key, T)
            )
            if not same:
                self._consts = self.temperature_constants(T)
            self._T_key = T
        return self._consts

    def temperature_constants(self, T: np.ndarray) -> dict[str, np.ndarray]:
        """Constants that change only with temperature (override; default: resistivity)."""
        return {"rho": 1.0 / self.p.sigma(T)}

    # ----------------------------------------------------------------- API
    @abstractmethod
    def init_state(self, T: np.ndarray) -> State: ...

    @abstractmethod
    def update(
        self,
        s: State,
        i_abs: np.ndarray,
        strips: np.ndarray,
        plates: np.ndarray,
        dt: float,
        T: np.ndarray,
    ) -> None: ...

    @abstractmethod
    def overpotential(self, s: State, i_abs: np.ndarray, T: np.ndarray) -> np.ndarray: ...

    @abstractmethod
    def potential(self, s: State, T: np.ndarray) -> np.ndarray: ...

    @abstractmethod
    def penetration(
        self, s: State, i_abs: np.ndarray, eta_plate: np.ndarray, dt: float, T: np.ndarray
    ) -> np.ndarray: ...

    def short(self, s: State) -> np.ndarray:
        return np.zeros(self.p.size, bool)

    def exhausted(self, s: State) -> np.ndarray:
        return s["n_na"] <= 0.0

    @abstractmethod
    def asr(self, s: State, T: np.ndarray) -> dict[str, np.ndarray]: ...


def submodel_for(x_na: float, liquid_at_start: bool) -> str:
    """Which submodel an anode gets: ``"liquid"`` for alloys and molten metal, else ``"solid"``."""
    return "liquid" if (0.0 < x_na < 1.0) or liquid_at_start else "solid"
