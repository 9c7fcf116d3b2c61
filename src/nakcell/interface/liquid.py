"""Liquid-alloy | ceramic interface submodel (Na-K in a host), first version.

This first version reproduces the engine's earlier liquid behaviour (capillary contact ceiling
from a Laplace breakthrough on the roughness, viscous supply through the host, Nernst drift,
Griffith penetration with the pressure capped by outflow); the liquid-physics work (capillary
suction from the host, composition gradients, freeze-out, infiltration shorts) replaces it.
An alloy that leaves the liquid field falls back to the solid (creep) laws.
"""

from __future__ import annotations

import functools

import numpy as np

from nakcell.constants import F, R
from nakcell.interface.alloy import X_MIN, na_activity, uniform_temperature
from nakcell.interface.base import F_MIN, InterfaceSubmodel, State
from nakcell.interface.contact import (
    constriction_asr,
    liquid_contact_fraction,
    plastic_contact_fraction,
    young_dupre_cos_theta,
)
from nakcell.interface.kinetics import bv_overpotential, charge_transfer_asr
from nakcell.interface.penetration import flaw_grows
from nakcell.interface.voids import advance_contact, viscous_supply_velocity
from nakcell.materials.anodes import T_MELT_K, T_MELT_NA, is_liquid_alloy, molar_volume


class LiquidAlloyInterface(InterfaceSubmodel):
    """A liquid Na-K alloy (or molten metal) on the ceramic (see the module doc)."""

    name = "liquid alloy"

    def temperature_constants(self, T: np.ndarray) -> dict[str, np.ndarray]:
        p = self.p
        arr = np.exp(-p.cQ / (R / F) * (1.0 / T - 1.0 / 298.15))
        t_one = uniform_temperature(T)
        out: dict[str, object] = {
            "rho": 1.0 / p.sigma(T),
            "creep0": p.cA * arr * (p.p / 1e6) ** p.cn * p.a,
            "flow": viscous_supply_velocity(p.p, p.r_host, p.mu, p.metal_thickness),
            "i0": p.i0,
            "t_melt": np.where(p.x0 >= 0.5, T_MELT_NA, T_MELT_K),
            "liq_range": None,
        }
        if t_one is not None:
            from nakcell.thermo import liquid_range_x_Na

            out["liq_range"] = liquid_range_x_Na(t_one)  # isothermal: one lookup per run
        return out  # type: ignore[return-value]

    def is_liquid(self, x: np.ndarray, T: np.ndarray) -> np.ndarray:
        c = self.constants(T)
        if c["liq_range"] is None:
            return is_liquid_alloy(x, T)
        lo, hi = c["liq_range"]
        pure = (x >= 1.0 - 1e-12) | (x <= 1e-12)
        return np.where(pure, T > c["t_melt"], (x >= lo) & (x <= hi))

    def ceiling(self, x: np.ndarray, T: np.ndarray, liquid: np.ndarray) -> np.ndarray:
        """Highest contact fraction: capillary (Laplace) contact for a liquid, 1 for a solid."""
        if not np.any(liquid):
            return np.ones_like(x)
        p = self.p
        g = surface_tension(x, T)
        f_liq = liquid_contact_fraction(p.p, g, young_dupre_cos_theta(p.W, g), p.a)
        return np.where(liquid, np.maximum(f_liq, F_MIN), 1.0)

    def init_state(self, T: np.ndarray) -> State:
        p = self.p
        x = p.x0.copy()
        liquid = self.is_liquid(x, T)
        f_solid = plastic_contact_fraction(p.p + p.W / p.a, 3.0 * p.sy)
        f = np.where(liquid, self.ceiling(x, T, liquid), f_solid)
        s: State = {
            "f": np.clip(f, F_MIN, 1.0),
            "x": x,
            "n_na": p.n_total0 * p.x0,
            "n_k": p.n_total0 * (1.0 - p.x0),  # K never crosses the Na+ conductor
            "liquid": liquid,
        }
        self._derive(s, T)
        return s

    def _derive(self, s: State, T: np.ndarray) -> None:
        s["vm"] = np.asarray(molar_volume(s["x"]), float)
        s["sqrt_a"] = np.sqrt(na_activity(s["x"], T, self.p.is_alloy))

    def update(self, s, i_abs, strips, plates, dt, T) -> None:
        c = self.constants(T)
        f_max = self.ceiling(s["x"], T, s["liquid"])
        s["f"] = advance_contact(
            s["f"],
            i_abs,
            s["vm"],
            s["liquid"],
            strips,
            plates,
            f_max,
            dt,
            c["creep0"],
            c["flow"],
            self.p.a,
            self.p.cn,
        )
        dn = i_abs * dt / F
        n_na = s["n_na"] - np.where(strips, dn, 0.0) + np.where(plates, dn, 0.0)
        s["n_na"] = n_na
        tot = np.maximum(np.maximum(n_na, 0.0) + s["n_k"], 1e-300)
        s["x"] = np.minimum(np.maximum(np.maximum(n_na, 0.0) / tot, X_MIN), 1.0)
        s["liquid"] = self.is_liquid(s["x"], T)
        self._derive(s, T)

    def overpotential(self, s, i_abs, T) -> np.ndarray:
        c = self.constants(T)
        eta = np.abs(bv_overpotential(i_abs / s["f"], c["i0"] * s["sqrt_a"], T))
        return eta + i_abs * constriction_asr(c["rho"], self.p.a, s["f"])

    def potential(self, s, T) -> np.ndarray:
        """-(RT/F) ln a_Na vs pure Na (Nernst)."""
        return -2.0 * R * T / F * np.log(s["sqrt_a"])

    def penetration(self, s, i_abs, eta_plate, dt, T) -> np.ndarray:
        p = self.p
        p_cap = None
        if np.any(s["liquid"]):  # a liquid flows out of the flaw: P <= p + 2 gamma / c
            relax = p.p + 2.0 * surface_tension(s["x"], T) / p.c
            p_cap = np.where(s["liquid"], relax, np.inf)
        grows = flaw_grows(eta_plate, s["vm"], p.c, p.K_IC, p_cap)
        return np.where(grows & (i_abs > 0), i_abs * s["vm"] / (F * s["f"]) * dt, 0.0)

    def asr(self, s, T) -> dict[str, np.ndarray]:
        c = self.constants(T)
        r_ct = charge_transfer_asr(c["i0"] * s["sqrt_a"], T) / s["f"]
        r_c = constriction_asr(c["rho"], self.p.a, s["f"])
        return {
            "charge_transfer_asr": r_ct,
            "film_asr": np.zeros_like(r_ct),
            "constriction_asr": r_c,
            "interface_asr": r_ct + r_c,
        }


# ------------------------------------------------------------------ surface tension
_XS_FINE = (1.0 - np.cos(np.pi * np.linspace(0.0, 1.0, 1601))) / 2.0
_XS_FINE[0] = 1e-9


@functools.lru_cache(maxsize=64)
def _gamma_row(T: float) -> tuple[np.ndarray, np.ndarray]:
    from nakcell.thermo.properties import surface_tension_NaK_array

    return _XS_FINE, surface_tension_NaK_array(_XS_FINE, T)[0]


def surface_tension(x: np.ndarray, T: np.ndarray) -> np.ndarray:
    """Liquid surface tension (N/m); isothermal calls interpolate a cached 1-D row."""
    t_one = uniform_temperature(T)
    if t_one is not None:
        xs, g = _gamma_row(t_one)
        return np.interp(np.asarray(x, float), xs, g)
    return _gamma_table(x, T)


def _gamma_table(x: np.ndarray, T: np.ndarray) -> np.ndarray:
    """Liquid surface tension (N/m): Butler model with the TDB's excess energies
    (:func:`nakcell.thermo.properties.surface_tension_NaK`), bilinear in a cached (T, x) table
    of 201 compositions (clustered at both ends) x 39 temperatures (230-420 K); interpolation
    error < 1 mN/m (tested).
    """
    tab, t0, dt_ = butler_table()
    nx = tab.shape[1] - 1
    fx = np.arccos(1.0 - 2.0 * np.clip(np.asarray(x, float), 0.0, 1.0)) / np.pi * nx
    ix = np.minimum(fx.astype(int), nx - 1)
    wx = fx - ix
    ft = np.clip((np.asarray(T, float) - t0) / dt_, 0.0, tab.shape[0] - 1.000001)
    it = ft.astype(int)
    wt = ft - it
    g0 = tab[it, ix] * (1 - wx) + tab[it, ix + 1] * wx
    g1 = tab[it + 1, ix] * (1 - wx) + tab[it + 1, ix + 1] * wx
    return g0 * (1 - wt) + g1 * wt


@functools.cache
def butler_table() -> tuple[np.ndarray, float, float]:
    """(table (39 T x 201 x), T0, dT) of the Butler surface tension of liquid Na-K."""
    from nakcell.thermo.properties import surface_tension_NaK_array

    temps = np.linspace(230.0, 420.0, 39)
    xs = (1.0 - np.cos(np.pi * np.linspace(0.0, 1.0, 201))) / 2.0
    xs[0] = 1e-9
    tab = surface_tension_NaK_array(xs[None, :], temps[:, None])[0]  # one vectorised solve
    return tab, float(temps[0]), float(temps[1] - temps[0])
