"""Sodium-ion solid electrolytes with Arrhenius conductivity and fracture data.

sigma(T) = sigma_ref * (T_ref / T) * exp(-Ea/k_B * (1/T - 1/T_ref)), i.e. the usual
sigma*T = A exp(-Ea / k_B T) form anchored at a measured (sigma_ref, T_ref).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nakcell.constants import K_B_EV
from nakcell.materials._param import Sourced, param

_SINGH_REVIEW = (
    "typical NASICON total-conductivity activation energy (0.28-0.35 eV range); "
    "review Singh et al., Ionics 28 (2022) 5289, doi:10.1007/s11581-022-04765-3 "
    "[value not verified in retrieved text]"
)
_KIC_NASICON = (
    "Nonemacher et al., Ceram. Int. 45 (2019) 21308, doi:10.1016/j.ceramint.2019.07.114 "
    "(Vickers, 1.30-1.58 MPa m^0.5; midpoint); Wolfenstine et al., Ionics (2022) review ~1-1.5"
)
_FLAW = (
    "assumption: surface flaw of the order of the sintered grain size of a polished NASICON "
    "pellet (a few um); Porz et al., Adv. Energy Mater. 7 (2017) 1701003, "
    "doi:10.1002/aenm.201701003 show penetration starts at surface flaws"
)


@dataclass(frozen=True)
class Electrolyte(Sourced):
    """A Na+ conducting ceramic. All values SI."""

    name: str = "electrolyte"
    sigma_ref: float = param(0.14, "conductivity", "set by subclass", lo=0.0, lo_open=True)
    T_ref: float = param(298.15, "temperature", "room temperature, 25 degC", lo=1.0)
    Ea: float = param(0.30, "activation_energy", _SINGH_REVIEW, lo=0.0, hi=2.0)
    K_IC: float = param(1.44e6, "fracture_toughness", _KIC_NASICON, lo=0.0, lo_open=True)
    flaw_size: float = param(5e-6, "length", _FLAW, lo=0.0, lo_open=True)

    def conductivity(self, T: float | np.ndarray) -> float | np.ndarray:
        """Ionic conductivity (S/m) at temperature T (K): Arrhenius sigma*T form."""
        T = np.asarray(T, dtype=float)
        val = (
            self.sigma_ref * (self.T_ref / T) * np.exp(-self.Ea / K_B_EV * (1 / T - 1 / self.T_ref))
        )
        return float(val) if val.ndim == 0 else val

    def bulk_asr(self, thickness: float, T: float) -> float:
        """Bulk area-specific resistance L / sigma(T) in ohm m2."""
        return float(thickness / self.conductivity(T))


def Na3Hf2Si2PO12() -> Electrolyte:
    """The seed's NASICON, Na3Hf2Si2PO12 (Zhao et al. 2021, doi:10.21203/rs.3.rs-223685/v1)."""
    return Electrolyte(
        name="Na3Hf2Si2PO12",
        sigma_ref=1.4e-3 * 100,  # 1.4e-3 S/cm -> S/m
    ).with_source(
        "sigma_ref",
        "Zhao et al. 2021 (seed), doi:10.21203/rs.3.rs-223685/v1: 1.4e-3 S/cm at room temperature",
    )


def Na3Zr2Si2PO12() -> Electrolyte:
    """Parent NASICON Na3Zr2Si2PO12 (bulk conductivity, Bohnke et al. 1999)."""
    return Electrolyte(name="Na3Zr2Si2PO12", sigma_ref=6e-4 * 100).with_source(
        "sigma_ref",
        "Bohnke, Ronchetti, Mazza, Solid State Ionics 122 (1999) 127, "
        "doi:10.1016/S0167-2738(99)00062-4: bulk 6e-4 S/cm for Na3Zr2Si2PO12",
    )


def beta_alumina() -> Electrolyte:
    """Na-beta''-alumina (single-crystal conductivity range, lower end)."""
    return (
        Electrolyte(
            name="beta''-alumina",
            sigma_ref=0.01 * 100,
            Ea=0.275,
            K_IC=3.0e6,
        )
        .with_source(
            "sigma_ref",
            "Briant & Farrington, J. Solid State Chem. 33 (1980) 385, "
            "doi:10.1016/0022-4596(80)90161-9: 0.01-0.18 S/cm at 25 degC (single crystals; "
            "lower end taken; polycrystalline ceramics are lower)",
        )
        .with_source(
            "Ea",
            "Engstrom et al., Solid State Ionics 2 (1981), doi:10.1016/0167-2738(81)90027-8: "
            "0.17-0.33 eV (low-T activation energy; 0.275 eV for MgO-stabilised crystals)",
        )
        .with_source(
            "K_IC",
            "assumption: ~3 MPa m^0.5, typical of dense polycrystalline beta''-alumina "
            "[not verified in retrieved text]",
        )
    )


_SUN_NSS = "Sun et al., Nat. Commun. 14 (2023), doi:10.1038/s41467-023-42308-0, abstract"


def Na5SmSi4O12() -> Electrolyte:
    """Sodium samarium silicate Na5SmSi4O12 (Sun et al. 2023), one of Lowack et al.'s three
    ceramics. No fracture measurement found: NASICON's K_IC is kept (assumption)."""
    return (
        Electrolyte(name="Na5SmSi4O12", sigma_ref=2.9e-3 * 100, Ea=0.15)
        .with_source("sigma_ref", _SUN_NSS + ": room-temperature ionic conductivity 2.9e-3 S/cm")
        .with_source("Ea", _SUN_NSS + ": activation energy 0.15 eV (conductivity)")
        .with_source(
            "K_IC",
            "assumption: no fracture toughness of Na5SmSi4O12 found; NASICON's " + _KIC_NASICON,
        )
    )


ELECTROLYTES = {
    "Na3Hf2Si2PO12": Na3Hf2Si2PO12,
    "NHSP": Na3Hf2Si2PO12,
    "Na3Zr2Si2PO12": Na3Zr2Si2PO12,
    "NZSP": Na3Zr2Si2PO12,
    "beta-alumina": beta_alumina,
    "beta''-alumina": beta_alumina,
    "Na5SmSi4O12": Na5SmSi4O12,
    "NSS": Na5SmSi4O12,
}
