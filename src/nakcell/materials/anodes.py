"""Alkali-metal anodes: Na, K and Na-K alloys of any composition, bare or in an rGO host.

Composition is the Na mole fraction ``x_Na``. Whether the metal is liquid at the test
temperature follows from the assessed Na-K phase diagram (``nakcell.thermo``); liquid and
solid then get different interface physics
in :mod:`nakcell.interface` — the label "liquid" is never used as a shortcut.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nakcell.errors import NakcellInputError
from nakcell.materials._param import Sourced, param

M_NA = 22.98977e-3  # kg/mol, IUPAC standard atomic weight
M_K = 39.0983e-3  # kg/mol, IUPAC standard atomic weight
VM_NA = 23.78e-6  # m3/mol, solid Na at RT (rho 0.968 g/cm3; CRC Handbook)
VM_K = 45.36e-6  # m3/mol, solid K at RT (rho 0.862 g/cm3; CRC Handbook)

_IIDA = "Iida & Guthrie, The Physical Properties of Liquid Metals (Clarendon, 1988)"
_WANG_NA = (
    "Wang, Chang, Wolfenstine, Sakamoto, Materialia 12 (2020) 100792, "
    "doi:10.1016/j.mtla.2020.100792 (Na at room temperature)"
)

T_MELT_NA = 370.87  # K, melting point of Na (SGTE unary, Dinsdale, CALPHAD 15 (1991) 317)
T_MELT_K = 336.53  # K, melting point of K (SGTE unary, Dinsdale 1991)


def wt_pct_K_to_x_Na(wt_pct_K: float) -> float:
    """Na mole fraction of an alloy with ``wt_pct_K`` weight-% K."""
    if not 0.0 <= wt_pct_K <= 100.0:
        raise NakcellInputError("composition", f"{wt_pct_K} wt% K", "0-100 wt% K")
    n_na = (100.0 - wt_pct_K) / M_NA
    n_k = wt_pct_K / M_K
    return n_na / (n_na + n_k)


def x_Na_to_wt_pct_Na(x_Na: float | np.ndarray) -> float | np.ndarray:
    """Weight-% Na of an alloy with Na mole fraction ``x_Na``."""
    x = np.asarray(x_Na, dtype=float)
    w = 100.0 * x * M_NA / (x * M_NA + (1 - x) * M_K)
    return float(w) if w.ndim == 0 else w


def molar_volume(x_Na: float | np.ndarray) -> float | np.ndarray:
    """Molar volume (m3/mol) of Na-K at Na fraction ``x_Na``: ideal (Vegard-type) mixing."""
    return x_Na * VM_NA + (1.0 - x_Na) * VM_K


def is_liquid_alloy(x_Na: np.ndarray | float, T: np.ndarray | float) -> np.ndarray:
    """True where a Na-K metal of Na fraction ``x_Na`` is fully liquid at ``T`` (K).

    Pure metals: above their melting points. Alloys: inside the single-phase liquid field of
    the assessed Na-K TDB (``nakcell.thermo``; a two-phase slurry counts as not liquid).
    """
    from nakcell.thermo import in_liquid_field

    x = np.atleast_1d(np.asarray(x_Na, dtype=float))
    t = np.broadcast_to(np.asarray(T, dtype=float), x.shape)
    out = np.empty(x.shape, dtype=bool)
    pure = (x >= 1.0 - 1e-12) | (x <= 1e-12)
    out[pure] = t[pure] > np.where(x[pure] >= 0.5, T_MELT_NA, T_MELT_K)
    alloy = ~pure
    if alloy.any():
        t_round = np.round(t, 1)
        for tv in np.unique(t_round[alloy]):
            m = alloy & (t_round == tv)
            out[m] = in_liquid_field(x[m], float(tv))
    return out


@dataclass(frozen=True)
class Anode(Sourced):
    """A Na-bearing metal electrode. All values SI; composition as Na mole fraction."""

    name: str = "Na"
    x_Na: float = param(1.0, "fraction", "composition of the electrode", lo=0.0, hi=1.0)
    host: str = "none"
    thickness: float = param(
        300e-6,
        "length",
        "assumption: a 300 um Na foil, typical of lab symmetric cells (the seed gives none)",
        lo=0.0,
        lo_open=True,
    )
    # --- solid-state mechanics (used when the metal is solid) ---
    yield_stress: float = param(
        0.2e6, "pressure", _WANG_NA + ": 0.16-0.24 MPa in compression", lo=0.0, lo_open=True
    )
    creep_A: float = param(
        0.53, "creep_coefficient", _WANG_NA + ": eps_dot = A (sigma/MPa)^n, A = 0.53", lo=0.0
    )
    creep_n: float = param(5.0, "fraction", _WANG_NA + ": n = 5.0 (dislocation climb)", lo=1.0)
    creep_Q: float = param(
        45.4e3 / 96485.33212,  # J/mol -> eV per particle via F
        "activation_energy",
        "Na self-diffusion, 10.84 kcal/mol (Mundy, Phys. Rev. B 3 (1971) 2431), taken as "
        "the creep activation energy (climb controlled by self-diffusion)",
        lo=0.0,
    )
    # --- interfacial vacancy step (Lowack et al. 2026): pressure-free stripping limit ---
    vacancy_limit: float = param(
        24.0,  # A/m2 = 2.4 mA/cm2
        "current_density",
        "the pressure-free stripping limit of an untreated Na | NaSICON interface at 25 degC, "
        "read as the CCD of bare Na | Na3.4Zn0.1Zr1.9Si2.2P0.8O12, 2.4 mA/cm2 (Liu et al., Adv. "
        "Funct. Mater. 2024, doi:10.1002/adfm.202316528, abstract); assumption: a property of "
        "the Na side of the interface, the same on every ceramic (Lowack et al. find the same "
        "activation energy on three)",
        lo=0.0,
    )
    vacancy_Ea: float = param(
        0.14,
        "activation_energy",
        "Arrhenius energy of the Na stripping limit j_crit(T), 0.13-0.15 eV on three ceramics "
        "(Lowack et al., arXiv:2603.23340 (2026), abstract), midpoint",
        lo=0.0,
    )
    # --- liquid properties (used when the metal is liquid) ---
    viscosity: float = param(
        0.94e-3,
        "viscosity",
        "NaK-78 near 20 degC, Foust (ed.), Sodium-NaK Engineering Handbook Vol. 1 (1972) "
        "[approximate]",
        lo=0.0,
        lo_open=True,
    )
    # --- wetting on the electrolyte ---
    W_adh: float = param(
        0.166,
        "energy_per_area",
        "DFT, Na(110)/NASICON(110): Zhao et al. 2021 (seed), doi:10.21203/rs.3.rs-223685/v1",
        lo=0.0,
    )
    # --- interface geometry ---
    spot_radius: float = param(
        1e-6,
        "length",
        "assumption: contact-spot / roughness radius of a polished ceramic, ~1 um "
        "(Eckhardt et al., Adv. Mater. Interfaces 2023, doi:10.1002/admi.202202354 use um scale)",
        lo=0.0,
        lo_open=True,
    )
    host_pore_radius: float = param(
        100e-9,
        "length",
        "layered rGO host with nanoscale interlayer gaps (Lin et al., Nat. Nanotechnol. 11 "
        "(2016) 626); 100 nm assumed",
        lo=0.0,
        lo_open=True,
    )
    # --- liquid in its host (used by the liquid-alloy submodel, interface/liquid.py) ---
    host_cos_theta: float = param(
        0.5,
        "fraction",
        "assumption: cos(theta) = 0.5 (60 deg) of the alloy on rGO; the seed shows spontaneous "
        "uptake (theta < 90 deg, Fig 2b-e, Supplementary Movie 1) but gives no angle",
        lo=-1.0,
        hi=1.0,
    )
    host_porosity: float = param(
        0.97,
        "fraction",
        "7 wt% rGO as in the layered rGO host of Lin et al., Nat. Nanotechnol. 11 (2016) 626, "
        "doi:10.1038/nnano.2016.32 (abstract), is ~3 vol% carbon in a 0.87 g/cm3 alloy "
        "(rGO density ~2 g/cm3 assumed): porosity 0.97; the seed gives no rGO fraction",
        lo=0.0,
        hi=1.0,
        lo_open=True,
    )
    host_fill: float = param(
        1.0,
        "fraction",
        "assumption: the host holds exactly the alloy at assembly (saturation 1: the seed's "
        "rGO@Na-K is a self-supporting film with the alloy inside, Fig 2h-k; no excess reported)",
        lo=0.0,
        lo_open=True,
    )
    host_compliance: float = param(
        0.2,
        "fraction",
        "share of the metal's volume change taken up by the host's own dimension change: "
        "layered rGO host, 20 % dimension variation on cycling (Lin et al. 2016, abstract); "
        "the rest empties or fills its pores",
        lo=0.0,
        hi=1.0,
    )

    # ---------------------------------------------------------------- derived
    def molar_volume(self, x_Na: float | np.ndarray | None = None) -> float | np.ndarray:
        """Molar volume (m3/mol) by ideal (Vegard-type) mixing of Na and K."""
        return molar_volume(self.x_Na if x_Na is None else x_Na)

    def na_inventory(self) -> float:
        """Na per geometric area (mol/m2) in the electrode layer."""
        return self.thickness / float(self.molar_volume()) * self.x_Na

    def k_inventory(self) -> float:
        """K per geometric area (mol/m2)."""
        return self.thickness / float(self.molar_volume()) * (1.0 - self.x_Na)

    def is_liquid(self, T: float, x_Na: float | None = None) -> bool:
        """True when the metal at ``x_Na`` is fully liquid at T (K) (Na-K TDB)."""
        x = self.x_Na if x_Na is None else x_Na
        return bool(is_liquid_alloy(x, T)[0])

    def surface_tension(self, T: float, x_Na: float | None = None) -> float:
        """Liquid surface tension (N/m): Butler model with the TDB's excess energies
        (:func:`nakcell.thermo.properties.surface_tension_NaK`)."""
        from nakcell.thermo.properties import surface_tension_NaK

        x = self.x_Na if x_Na is None else x_Na
        return float(surface_tension_NaK(min(max(x, 1e-9), 1.0), T)[0])


# --------------------------------------------------------------------- presets
def Na(**overrides: object) -> Anode:
    """Solid sodium foil."""
    return Anode(name="Na", x_Na=1.0).replace(**overrides) if overrides else Anode(name="Na")


def K(**overrides: object) -> Anode:
    """Potassium foil. Mechanical values are Na's (no sourced K creep law found)."""
    a = (
        Anode(name="K", x_Na=0.0)
        .with_source("creep_A", "not sourced for K: Na value used (Wang et al. 2020)")
        .with_source(
            "vacancy_limit",
            "not sourced for K: Na's pressure-free stripping limit used (Liu et al. 2024, "
            "doi:10.1002/adfm.202316528, 2.4 mA/cm2)",
        )
    )
    return a.replace(**overrides) if overrides else a


def NaK(wt_pct_K: float = 56.0, host: str = "rGO", **overrides: object) -> Anode:
    """Na-K alloy of ``wt_pct_K`` weight-% K, bare or in an rGO host (seed: 56 wt% K)."""
    if host not in ("rGO", "none"):
        raise NakcellInputError("host", repr(host), "'rGO' or 'none'")
    x = wt_pct_K_to_x_Na(wt_pct_K)
    a = Anode(
        name=f"Na-K ({wt_pct_K:g} wt% K{', rGO' if host == 'rGO' else ''})",
        x_Na=x,
        host=host,
        thickness=10e-9 / 0.95e-4,  # 10 uL spread over the 0.95 cm2 pellet face
        W_adh=_interp_wadh(x),
        viscosity=_nak_viscosity(x),
    )
    a = a.with_source(
        "x_Na", f"seed methods: Na:K = {100 - wt_pct_K:g}:{wt_pct_K:g} wt% -> x_Na = {x:.3f}"
    )
    a = a.with_source(
        "thickness",
        "assumption: a 10 uL alloy drop over the 11 mm pellet (the seed gives no loading)",
    )
    a = a.with_source(
        "viscosity",
        "Na-K viscosity at 25 degC from the Sodium-NaK Engineering Handbook correlation "
        "(Foust 1972) via nakcell.thermo.properties.viscosity_NaK",
    )
    a = a.with_source(
        "W_adh",
        "DFT works of adhesion of the seed (Zhao et al. 2021): Na(110) 0.166 J/m2, NaK3(110) "
        "0.185 J/m2, linear in x_Na between them (clamped)",
    )
    return a.replace(**overrides) if overrides else a


def _nak_viscosity(x_Na: float) -> float:
    from nakcell.thermo.properties import viscosity_NaK

    return float(viscosity_NaK(x_Na, 298.15))


def _interp_wadh(x_Na: float) -> float:
    """W_adh on NASICON, linear in x_Na between NaK3 (x=0.25, 0.185) and Na (x=1, 0.166)."""
    return float(np.interp(x_Na, [0.25, 1.0], [0.185, 0.166]))


ANODES = {"Na": Na, "K": K, "NaK": NaK, "Na-K": NaK}
