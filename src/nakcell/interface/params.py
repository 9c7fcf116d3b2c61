"""Cell parameters as numpy arrays over a batch: what the interface submodels are built from.

One :class:`BatchParams` holds every sourced parameter the symmetric-cell engine needs, one
float array (SI) per parameter over the cells of a batch. Submodels receive the rows of their
own cells (:meth:`BatchParams.subset`), so each state and each parameter is a plain array and
every time step is a handful of numpy operations.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from nakcell.constants import F, R

if TYPE_CHECKING:
    from nakcell.materials.cells import Cell

T0 = 298.15  # K: every Arrhenius law of the interface submodels is anchored at 25 degC


def arrhenius(Ea: np.ndarray, T: np.ndarray) -> np.ndarray:
    """exp(-Ea/k (1/T - 1/298.15 K)), Ea in eV: a rate at T relative to its 25 degC value."""
    return np.exp(-Ea / (R / F) * (1.0 / T - 1.0 / T0))


@dataclass
class BatchParams:
    """Cell parameters as arrays over the batch (all SI)."""

    L: np.ndarray  # pellet thickness (m)
    T0: np.ndarray  # ambient / start temperature (K)
    p: np.ndarray  # stack pressure (Pa)
    i0: np.ndarray  # exchange current density at T_ref per true contact area (A/m2)
    sigma_ref: np.ndarray
    T_ref: np.ndarray
    Ea: np.ndarray  # electrolyte conductivity activation energy (eV)
    K_IC: np.ndarray
    c: np.ndarray  # surface flaw size (m)
    x0: np.ndarray  # Na mole fraction at assembly
    n_total0: np.ndarray  # metal inventory (mol/m2)
    sy: np.ndarray  # yield stress (Pa)
    cA: np.ndarray  # creep prefactor (1/s)
    cn: np.ndarray  # creep exponent
    cQ: np.ndarray  # creep activation energy (eV)
    jv: np.ndarray  # pressure-free (interfacial vacancy) stripping limit at 25 degC (A/m2)
    jv_Ea: np.ndarray  # its activation energy (eV)
    mu: np.ndarray  # liquid viscosity (Pa s)
    W: np.ndarray  # work of adhesion on the ceramic (J/m2)
    a: np.ndarray  # contact-spot radius (m)
    r_host: np.ndarray  # host pore radius (m)
    h: np.ndarray  # heat-transfer coefficient per face (W/m2K)
    metal_thickness: np.ndarray  # electrode thickness (m)
    is_alloy: np.ndarray  # bool
    host_cos: np.ndarray  # cos(theta) of the liquid on the host
    host_eps: np.ndarray  # host porosity
    host_fill: np.ndarray  # liquid volume / host pore volume at assembly
    host_chi: np.ndarray  # host compliance (share of the volume change it takes up)
    hosted: np.ndarray  # bool: the metal sits in a porous host (rGO)
    Ea_int: np.ndarray  # activation energy of i0 and of the film (eV)
    r_meas: np.ndarray  # measured interface ASR of one interface at 25 degC (ohm m2; 0: none)
    p_spread: np.ndarray  # log-normal spread of the local stack pressure
    n_bins: int = 1  # contact-spot bins per electrode (same over the batch)

    @classmethod
    def of(cls, cells: Sequence[Cell], n: int) -> BatchParams:
        """The parameters of ``cells`` (one cell broadcasts to all ``n``)."""

        def arr(fn: Callable[[Cell], float]) -> np.ndarray:
            v = np.array([float(fn(c)) for c in cells])
            return np.broadcast_to(v, (n,)).copy() if v.size == 1 else v

        return cls(
            L=arr(lambda c: c.thickness),
            T0=arr(lambda c: c.temperature),
            p=arr(lambda c: c.stack_pressure),
            i0=arr(lambda c: c.i0),
            sigma_ref=arr(lambda c: c.electrolyte.sigma_ref),
            T_ref=arr(lambda c: c.electrolyte.T_ref),
            Ea=arr(lambda c: c.electrolyte.Ea),
            K_IC=arr(lambda c: c.electrolyte.K_IC),
            c=arr(lambda c: c.electrolyte.flaw_size),
            x0=arr(lambda c: c.anode.x_Na),
            n_total0=arr(lambda c: c.anode.thickness / c.anode.molar_volume()),
            sy=arr(lambda c: c.anode.yield_stress),
            cA=arr(lambda c: c.anode.creep_A),
            cn=arr(lambda c: c.anode.creep_n),
            cQ=arr(lambda c: c.anode.creep_Q),
            jv=arr(lambda c: c.anode.vacancy_limit),
            jv_Ea=arr(lambda c: c.anode.vacancy_Ea),
            mu=arr(lambda c: c.anode.viscosity),
            W=arr(lambda c: max(c.anode.W_adh, c.interlayer_W_adh)),
            a=arr(lambda c: c.anode.spot_radius),
            r_host=arr(
                lambda c: c.anode.host_pore_radius if c.anode.host == "rGO" else c.anode.thickness
            ),
            h=arr(lambda c: c.heat_transfer),
            metal_thickness=arr(lambda c: c.anode.thickness),
            is_alloy=arr(lambda c: 0.0 < c.anode.x_Na < 1.0).astype(bool),
            host_cos=arr(lambda c: c.anode.host_cos_theta),
            host_eps=arr(lambda c: c.anode.host_porosity if c.anode.host == "rGO" else 1.0),
            host_fill=arr(lambda c: c.anode.host_fill if c.anode.host == "rGO" else 1.0),
            host_chi=arr(lambda c: c.anode.host_compliance if c.anode.host == "rGO" else 1.0),
            hosted=arr(lambda c: c.anode.host == "rGO").astype(bool),
            Ea_int=arr(lambda c: c.interface_Ea),
            r_meas=arr(lambda c: c.interface_asr_per_interface()),
            p_spread=arr(lambda c: c.pressure_spread),
            n_bins=max(int(c.contact_bins) for c in cells),
        )

    @property
    def size(self) -> int:
        return int(self.L.size)

    def subset(self, idx: np.ndarray) -> BatchParams:
        """The rows ``idx`` of every parameter (a submodel's own cells)."""
        return dataclasses.replace(
            self,
            **{
                f.name: getattr(self, f.name)[idx]
                for f in dataclasses.fields(self)
                if f.name != "n_bins"
            },
        )

    def arrhenius(self, T: np.ndarray) -> np.ndarray:
        """exp(-Ea_int/k (1/T - 1/298.15)): how i0 rises and the film ASR falls with T."""
        return arrhenius(self.Ea_int, T)

    def sigma(self, T: np.ndarray) -> np.ndarray:
        """Electrolyte conductivity (S/m): sigma T Arrhenius form anchored at (sigma_ref, T_ref)."""
        return (
            self.sigma_ref
            * (self.T_ref / T)
            * np.exp(-self.Ea / (R / F) * (1 / T - 1 / self.T_ref))
        )
