"""Alkali-metal anodes: Na, K and Na-K alloys of any composition, bare or in an rGO host.

Composition is the Na mole fraction ``x_Na``. Whether the metal is liquid at the test
temperature follows from a sourced liquidus (replaced by the CALPHAD description of
``nakcell.thermo`` where installed); liquid and solid then get different interface physics
in :mod:`nakcell.interface` — the label "liquid" is never used as a shortcut.
"""

from __future__ import annotations

import math
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

# Liquidus of Na-K as (wt% Na, T in degC) points, each from a source:
#   pure K 63.5 degC, pure Na 97.8 degC (CRC Handbook melting points);
#   eutectic -12.6 degC at 22.2 wt% Na (NaK-78; Foust (ed.), Sodium-NaK Engineering
#   Handbook Vol. 1, Gordon & Breach 1972);
#   liquid at 25 degC from 9.2 to 58.2 wt% Na (J. Am. Chem. Soc. 140 (2018) 3292).
# Piecewise-linear in wt% between them: a coarse bound, superseded by nakcell.thermo.
_LIQUIDUS_WT_NA = np.array([0.0, 9.2, 22.2, 58.2, 100.0])
_LIQUIDUS_C = np.array([63.5, 25.0, -12.6, 25.0, 97.8])


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


def liquidus_C(x_Na: float | np.ndarray) -> float | np.ndarray:
    """Liquidus temperature (degC) of Na-K at Na mole fraction ``x_Na`` (sourced points)."""
    w = x_Na_to_wt_pct_Na(x_Na)
    t = np.interp(w, _LIQUIDUS_WT_NA, _LIQUIDUS_C)
    return float(t) if np.ndim(t) == 0 else t


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

    # ---------------------------------------------------------------- derived
    def molar_volume(self, x_Na: float | np.ndarray | None = None) -> float | np.ndarray:
        """Molar volume (m3/mol) by ideal (Vegard-type) mixing of Na and K."""
        x = self.x_Na if x_Na is None else x_Na
        return x * VM_NA + (1 - np.asarray(x)) * VM_K if np.ndim(x) else x * VM_NA + (1 - x) * VM_K

    def na_inventory(self) -> float:
        """Na per geometric area (mol/m2) in the electrode layer."""
        return self.thickness / float(self.molar_volume()) * self.x_Na

    def k_inventory(self) -> float:
        """K per geometric area (mol/m2)."""
        return self.thickness / float(self.molar_volume()) * (1.0 - self.x_Na)

    def is_liquid(self, T: float, x_Na: float | None = None) -> bool:
        """True when the alloy at ``x_Na`` is above its liquidus at T (K)."""
        x = self.x_Na if x_Na is None else x_Na
        return bool(liquidus_C(x) < T - 273.15)

    def surface_tension(self, T: float, x_Na: float | None = None) -> float:
        """Liquid surface tension (N/m): ideal Butler model between Na and K.

        Pure metals: gamma(T) = gamma_m + dgamma/dT (T - T_m) with Na 0.191 N/m at 371 K,
        -0.1 mN/m/K; K 0.110 N/m at 336.7 K, -0.08 mN/m/K (Iida & Guthrie 1988). The alloy
        follows Butler, Proc. R. Soc. A 135 (1932) 348 with ideal bulk and surface
        (nakcell.thermo adds the excess terms).
        """
        x = self.x_Na if x_Na is None else x_Na
        return float(butler_ideal(x, T))


def _gamma_pure(T: float) -> tuple[float, float]:
    g_na = 0.191 - 0.1e-3 * (T - 371.0)
    g_k = 0.110 - 0.08e-3 * (T - 336.7)
    return g_na, g_k


def butler_ideal(x_Na: float, T: float) -> float:
    """Ideal-solution Butler surface tension of liquid Na-K (N/m) at Na fraction x_Na, T (K).

    gamma = gamma_i + (R T / A_i) ln(x_i^s / x_i) for i = Na, K, with molar surface areas
    A_i = 1.091 N_A^(1/3) V_i^(2/3) (Tanaka et al., Z. Metallkd. 87 (1996) 380).
    """
    from scipy.optimize import brentq

    from nakcell.constants import R

    if x_Na <= 0.0 or x_Na >= 1.0:
        g_na, g_k = _gamma_pure(T)
        return g_na if x_Na >= 1.0 else g_k
    n_a = 6.02214076e23
    g_na, g_k = _gamma_pure(T)
    a_na = 1.091 * n_a ** (1 / 3) * VM_NA ** (2 / 3)
    a_k = 1.091 * n_a ** (1 / 3) * VM_K ** (2 / 3)

    def gap(xs: float) -> float:
        return (g_na + R * T / a_na * math.log(xs / x_Na)) - (
            g_k + R * T / a_k * math.log((1 - xs) / (1 - x_Na))
        )

    xs = brentq(gap, 1e-12, 1 - 1e-12)
    return g_na + R * T / a_na * math.log(xs / x_Na)


# --------------------------------------------------------------------- presets
def Na(**overrides: object) -> Anode:
    """Solid sodium foil."""
    return Anode(name="Na", x_Na=1.0).replace(**overrides) if overrides else Anode(name="Na")


def K(**overrides: object) -> Anode:
    """Potassium foil. Mechanical values are Na's (no sourced K creep law found)."""
    a = Anode(name="K", x_Na=0.0).with_source(
        "creep_A", "not sourced for K: Na value used (Wang et al. 2020)"
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
    )
    a = a.with_source(
        "x_Na", f"seed methods: Na:K = {100 - wt_pct_K:g}:{wt_pct_K:g} wt% -> x_Na = {x:.3f}"
    )
    a = a.with_source(
        "thickness",
        "assumption: a 10 uL alloy drop over the 11 mm pellet (the seed gives no loading)",
    )
    a = a.with_source(
        "W_adh",
        "DFT works of adhesion of the seed (Zhao et al. 2021): Na(110) 0.166 J/m2, NaK3(110) "
        "0.185 J/m2, linear in x_Na between them (clamped)",
    )
    return a.replace(**overrides) if overrides else a


def _interp_wadh(x_Na: float) -> float:
    """W_adh on NASICON, linear in x_Na between NaK3 (x=0.25, 0.185) and Na (x=1, 0.166)."""
    return float(np.interp(x_Na, [0.25, 1.0], [0.185, 0.166]))


ANODES = {"Na": Na, "K": K, "NaK": NaK, "Na-K": NaK}
