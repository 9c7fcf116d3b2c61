"""Liquid-alloy | ceramic interface submodel: Na-K held in a porous host, pressed on a ceramic.

Physics (equations and sources in docs/physics.md, "Liquid alloy electrode"):

- **contact** f: capillary equilibrium between the host's suction (set by how full it is) and
  the stack pressure, against the Laplace pressure of the ceramic's roughness valleys
  (:mod:`nakcell.interface.capillary`); no clamp. f relaxes towards that ceiling at the rate
  set by Darcy supply through the host against the stripping recession;
- **host filling** S: the alloy's volume over the host's pore volume; a stiff host empties as
  Na is stripped (only ``host_compliance`` of the volume change is taken up by the host);
- **composition at the face**: Na-K interdiffusion across the host (exact modal solution,
  :mod:`nakcell.interface.liquid_transport`); the face composition sets the Nernst term, the
  activity in i0 and the freeze-out check;
- **freeze-out**: the electrode stops being liquid when its face (or its mean) leaves the
  liquid field of the TDB at T; from then on the solid (creep) laws apply;
- penetration: Griffith on a flaw, the liquid's pressure capped by outflow (p + 2 gamma / c).
"""

from __future__ import annotations

import functools

import numpy as np

from nakcell.constants import F, R
from nakcell.interface import capillary as cap
from nakcell.interface import liquid_transport as lt
from nakcell.interface.alloy import X_MIN, na_activity, uniform_temperature
from nakcell.interface.base import F_MIN, InterfaceSubmodel, State
from nakcell.interface.contact import (
    constriction_asr,
    plastic_contact_fraction,
    young_dupre_cos_theta,
)
from nakcell.interface.interphase import film_for_measured
from nakcell.interface.kinetics import bv_overpotential, charge_transfer_asr
from nakcell.interface.params import arrhenius
from nakcell.interface.penetration import flaw_grows
from nakcell.interface.voids import advance_contact
from nakcell.materials.anodes import T_MELT_K, T_MELT_NA, is_liquid_alloy, molar_volume

ROUGHNESS_SPREAD = 0.5  # log-spread of the ceramic's valley radii (assumption, as contact.py)
HOST_SPREAD = 0.5  # log-spread of the host's pore radii (assumption)


class LiquidAlloyInterface(InterfaceSubmodel):
    """A liquid Na-K alloy (or molten metal) in a host on the ceramic (see the module doc)."""

    name = "liquid alloy"

    def __init__(self, params) -> None:  # type: ignore[no-untyped-def]
        super().__init__(params)
        p = params
        # film at 25 degC from the measured interface ASR at assembly (a "taken from" point)
        T25 = np.full(p.size, 298.15)
        self.r_film25 = np.zeros(p.size)
        s0 = self.init_state(T25)
        r_ct25 = R * 298.15 / (F * p.i0 * s0["sqrt_a"])
        self.r_film25 = film_for_measured(
            p.r_meas, s0["f"][None, :], r_ct25, 1.0 / p.sigma(T25), p.a
        )
        self._consts["r_film"] = self.r_film25 / p.arrhenius(T25)

    def temperature_constants(self, T: np.ndarray) -> dict[str, np.ndarray]:
        p = self.p
        arr = arrhenius(p.cQ, T)
        t_one = uniform_temperature(T)
        out: dict[str, object] = {
            "rho": 1.0 / p.sigma(T),
            "creep0": p.cA * arr * (p.p / 1e6) ** p.cn * p.a,
            "i0": p.i0 * p.arrhenius(T),
            "r_film": self.r_film25 / p.arrhenius(T),
            "t_melt": np.where(p.x0 >= 0.5, T_MELT_NA, T_MELT_K),
            "liq_range": None if t_one is None else liquid_bounds(t_one, float(p.T0.flat[0])),
            "perm": cap.host_permeability(p.r_host, p.host_eps, p.host_eps**-0.5),
        }
        out.update(self._transport(T))
        return out  # type: ignore[return-value]

    def _transport(self, T: np.ndarray) -> dict[str, object]:
        """Diffusion constants of the host-held liquid, recomputed only when T has moved by
        more than 0.5 K since the last evaluation (a heating cell; D~ changes ~1 %/K)."""
        cached = getattr(self, "_tr", None)
        if cached is not None and np.max(np.abs(T - cached[0])) <= 0.5:
            return cached[1]
        from nakcell.thermo.properties import interdiffusion_NaK

        p = self.p
        x0 = np.clip(p.x0, 1e-6, 1.0)
        h_host = p.metal_thickness / (p.host_eps * p.host_fill)  # host thickness (m)
        d_app = lt.effective_diffusivity(interdiffusion_NaK(x0, T), x0, p.host_eps) / p.host_eps
        rates = lt.mode_rates(d_app, h_host)
        tr = {
            "h_host": h_host,
            "d_app": d_app,  # diffusivity of x in the host-held liquid (Bruggeman, stagnant K)
            "rates": rates,
            "gain": lt.mode_gain(h_host, rates),
            "decay": {},  # exp(-lambda dt) per step length, filled on first use
        }
        self._tr = (np.array(T, float, copy=True), tr)
        return tr

    def is_liquid(self, x: np.ndarray, T: np.ndarray, x_hi: np.ndarray | None = None) -> np.ndarray:
        """Whether compositions x (or every composition in [x, x_hi]) are liquid at T."""
        c = self.constants(T)
        top = x if x_hi is None else x_hi
        if c["liq_range"] is None:
            return is_liquid_alloy(x, T) & (x_hi is None or is_liquid_alloy(top, T))
        lo, hi = c["liq_range"]
        pure = (top >= 1.0 - 1e-12) | (x <= 1e-12)
        return np.where(pure, T > c["t_melt"], (x >= lo) & (top <= hi))

    # ------------------------------------------------------------------ capillarity
    def saturation(self, s: State) -> np.ndarray:
        """Liquid volume / host pore volume; the host takes up ``host_chi`` of the change."""
        v_liq = (np.maximum(s["n_na"], 0.0) + s["n_k"]) * s["vm"]
        v0 = s["v_liq0"]
        v_pore = v0 / self.p.host_fill + self.p.host_chi * (v_liq - v0)
        return v_liq / np.maximum(v_pore, 1e-300)

    def ceiling(self, x: np.ndarray, T: np.ndarray, liquid: np.ndarray) -> np.ndarray:
        """Contact ceiling at assembly (host filled to ``host_fill``) at composition x."""
        s: State = {"x": x, "sat": self.p.host_fill, "liquid": liquid}
        return self.capillary(s, T)[0]

    def capillary(self, s: State, T: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(contact ceiling, Darcy supply velocity) of the liquid at its present filling."""
        p, c = self.p, self.constants(T)
        g = s["gamma"] = surface_tension(s["x"], T)
        cos_c = young_dupre_cos_theta(p.W, g)
        suction = cap.host_suction(g, p.host_cos, p.r_host, s["sat"], HOST_SPREAD)
        p_liq = cap.liquid_pressure(p.p, np.where(p.hosted, suction, 0.0))
        r, cos_f, eps = cap.face_pores(p.a, cos_c, p.r_host, p.host_cos, p.host_eps, p.hosted)
        f_cap = eps * cap.capillary_contact_fraction(p_liq, g, cos_f, r, ROUGHNESS_SPREAD)
        drive = cap.supply_drive(p_liq, g, cos_f, r)
        flow = cap.darcy_supply_velocity(drive, c["perm"], p.mu, c["h_host"])
        f_max = np.where(s["liquid"], np.maximum(f_cap, F_MIN), 1.0)
        return f_max, flow

    # ------------------------------------------------------------------ API
    def init_state(self, T: np.ndarray) -> State:
        p = self.p
        x = p.x0.copy()
        vm = np.asarray(molar_volume(x), float)
        s: State = {
            "x": x,
            "x_face": x.copy(),
            "n_na": p.n_total0 * p.x0,
            "n_k": p.n_total0 * (1.0 - p.x0),  # K never crosses the Na+ conductor
            "vm": vm,
            "v_liq0": p.n_total0 * vm,
            "modes": np.zeros((p.size, lt.N_MODES)),
            "t": 0.0,
            "t_frozen": np.full(p.size, np.nan),
        }
        s["liquid"] = self.is_liquid(x, T)
        s["sat"] = self.saturation(s)
        f_solid = plastic_contact_fraction(p.p + p.W / p.a, 3.0 * p.sy)
        f_liq, _ = self.capillary(s, T)
        s["f"] = np.clip(np.where(s["liquid"], f_liq, f_solid), F_MIN, 1.0)
        s["sqrt_a"] = np.sqrt(na_activity(x, T, p.is_alloy))
        return s

    def update(self, s, i_abs, strips, plates, dt, T) -> None:
        p, c = self.p, self.constants(T)
        f_max, flow = self.capillary(s, T)
        s["f"] = advance_contact(
            s["f"], i_abs, s["vm"], s["liquid"], strips, plates, f_max, dt,
            c["creep0"], flow, p.a, p.cn,
        )  # fmt: skip
        flux = np.where(strips, i_abs, 0.0) / F - np.where(plates, i_abs, 0.0) / F
        n_na = s["n_na"] - flux * dt
        s["n_na"] = n_na
        tot = np.maximum(np.maximum(n_na, 0.0) + s["n_k"], 1e-300)
        s["x"] = np.minimum(np.maximum(np.maximum(n_na, 0.0) / tot, X_MIN), 1.0)
        s["vm"] = np.asarray(molar_volume(s["x"]), float)
        s["sat"] = self.saturation(s)
        self._face(s, flux, dt, T)

    def _face(self, s: State, flux: np.ndarray, dt: float, T: np.ndarray) -> None:
        """Face composition from the diffusion modes; freeze-out; activity at the face."""
        c = self.constants(T)
        conc = self.p.host_eps / s["vm"]  # mol of alloy per m3 of host
        decay = c["decay"].get(dt)
        if decay is None:
            decay = c["decay"][dt] = np.exp(-c["rates"] * dt)
        s["modes"] = lt.relax_modes(s["modes"], flux / conc, c["gain"], decay)
        off = lt.face_offset(s["modes"], flux, conc, c["h_host"], c["d_app"])
        alloy = self.p.is_alloy
        s["x_face"] = np.where(alloy, np.clip(s["x"] + off, X_MIN, 1.0), s["x"])
        s["t"] += dt
        was = s["liquid"]
        lo, hi = np.minimum(s["x"], s["x_face"]), np.maximum(s["x"], s["x_face"])
        s["liquid"] = was & self.is_liquid(lo, T, hi)
        s["t_frozen"] = np.where(was & ~s["liquid"], s["t"], s["t_frozen"])
        s["sqrt_a"] = np.sqrt(na_activity(s["x_face"], T, alloy))

    def overpotential(self, s, i_abs, T) -> np.ndarray:
        c = self.constants(T)
        eta = np.abs(bv_overpotential(i_abs / s["f"], c["i0"] * s["sqrt_a"], T))
        eta_film = i_abs * c["r_film"] / s["f"]
        return eta + eta_film + i_abs * constriction_asr(c["rho"], self.p.a, s["f"])

    def potential(self, s, T) -> np.ndarray:
        """-(RT/F) ln a_Na at the face composition (Nernst)."""
        return -2.0 * R * T / F * np.log(s["sqrt_a"])

    def penetration(self, s, i_abs, eta_plate, dt, T) -> np.ndarray:
        p = self.p
        p_cap = None
        if np.any(s["liquid"]):  # a liquid flows out of the flaw: P <= p + 2 gamma / c
            relax = p.p + 2.0 * s["gamma"] / p.c
            p_cap = np.where(s["liquid"], relax, np.inf)
        grows = flaw_grows(eta_plate, s["vm"], p.c, p.K_IC, p_cap)
        return np.where(grows & (i_abs > 0), i_abs * s["vm"] / (F * s["f"]) * dt, 0.0)

    def asr(self, s, T) -> dict[str, np.ndarray]:
        c = self.constants(T)
        r_ct = charge_transfer_asr(c["i0"] * s["sqrt_a"], T) / s["f"]
        r_c = constriction_asr(c["rho"], self.p.a, s["f"])
        return {
            "charge_transfer_asr": r_ct,
            "film_asr": c["r_film"] / s["f"],
            "constriction_asr": r_c,
            "interface_asr": r_ct + r_c + c["r_film"] / s["f"],
        }


def liquid_bounds(T: float, anchor: float = 0.0) -> tuple[float, float]:
    """(x_lo, x_hi) of the liquid field at T (K), linear between the TDB's values on a 1 K grid
    through ``anchor`` (cached), so an isothermal run at the anchor costs one phase-field solve
    and a heating cell one per kelvin, not one per step."""
    from nakcell.thermo import liquid_range_x_Na

    t0 = round(anchor + float(np.floor(T - anchor + 1e-9)), 6)
    lo0, hi0 = liquid_range_x_Na(t0)
    w = T - t0
    if w < 1e-6:
        return lo0, hi0
    lo1, hi1 = liquid_range_x_Na(t0 + 1.0)
    return lo0 + w * (lo1 - lo0), hi0 + w * (hi1 - hi0)


# ------------------------------------------------------------------ surface tension
_XS_FINE = (1.0 - np.cos(np.pi * np.linspace(0.0, 1.0, 1601))) / 2.0
_XS_FINE[0] = 1e-9


@functools.lru_cache(maxsize=64)
def _gamma_row(T: float) -> tuple[np.ndarray, np.ndarray]:
    from nakcell.thermo.properties import surface_tension_NaK_array

    return _XS_FINE, surface_tension_NaK_array(_XS_FINE, T)[0]


def surface_tension(x: np.ndarray, T: np.ndarray) -> np.ndarray:
    """Liquid surface tension (N/m); isothermal calls interpolate a cached 1-D row (one
    vectorised Butler solve of 1601 compositions per temperature)."""
    t_one = uniform_temperature(T)
    if t_one is not None:
        xs, g = _gamma_row(round(t_one, 1))  # 0.1 K: < 0.01 mN/m
        return np.interp(np.asarray(x, float), xs, g)
    return _gamma_table(x, T)


def _gamma_table(x: np.ndarray, T: np.ndarray) -> np.ndarray:
    """Liquid surface tension (N/m): Butler model with the TDB's excess energies
    (:func:`nakcell.thermo.properties.surface_tension_NaK_array`), bilinear in a cached (T, x)
    table of 201 compositions (clustered at both ends) x 39 temperatures (230-420 K);
    interpolation error < 1 mN/m (tested).
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
    """(table (39 T x 201 x), T0, dT) of the Butler surface tension of liquid Na-K: one
    vectorised solve (:func:`nakcell.thermo.properties.surface_tension_NaK_array`)."""
    from nakcell.thermo.properties import surface_tension_NaK_array

    temps = np.linspace(230.0, 420.0, 39)
    xs = (1.0 - np.cos(np.pi * np.linspace(0.0, 1.0, 201))) / 2.0
    xs[0] = 1e-9
    tab = surface_tension_NaK_array(xs[None, :], temps[:, None])[0]
    return tab, float(temps[0]), float(temps[1] - temps[0])
