"""Symmetric metal | ceramic | metal cells under galvanostatic and stepped-current protocols.

One call simulates a *batch* of cells (different current densities and/or parameter sets):
every state is an array over the batch and each time step is a handful of numpy operations,
never a Python loop over cells.

Physics per electrode (see docs/physics.md for equations and sources):
- contact fraction f: initial value from plasticity (solid, Bowden-Tabor with the adhesive
  pressure W_adh / a) or capillarity (liquid, Laplace breakthrough); evolves by
  df/dt = k_up (f_max - f) - k_down f with stripping recession vs creep (solid) or viscous
  flow (liquid) supply;
- charge transfer: Butler-Volmer at the local current i/f, i0 scaled by sqrt(a_Na);
- constriction: Holm spots in flux tubes;
- alloy drift: Na inventory from Faraday's law, E = -(RT/F) ln a_Na (ideal solution);
- penetration: Griffith criterion on flaws pressurised by the plating overpotential (a liquid
  relaxes the pressure by flowing out); a filament then grows at the local plating rate and
  shorts the cell when it spans the pellet;
- bulk: L / sigma(T), optionally with lumped Joule heating.

Time integration: fixed step dt = half_cycle / steps_per_half (each segment of a
StepSequence gets its own whole number of steps near that dt); f by an exponential
(exact-for-frozen-rates) update that never steps across the quasi-steady contact of a
creeping electrode (computed in closed form), so it is stable and monotone for the stiff
n = 5 creep law; inventories exactly (piecewise-constant current).
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from nakcell.constants import F, R
from nakcell.interface.contact import (
    constriction_asr,
    liquid_contact_fraction,
    plastic_contact_fraction,
    young_dupre_cos_theta,
)
from nakcell.interface.kinetics import bv_overpotential, charge_transfer_asr
from nakcell.interface.penetration import stress_intensity
from nakcell.interface.voids import (
    contact_rates,
    viscous_supply_velocity,
)
from nakcell.materials.anodes import is_liquid_alloy
from nakcell.materials.anodes import molar_volume as _molar_volume
from nakcell.materials.cells import Cell
from nakcell.protocols import Galvanostatic, SteppedCCD, StepSequence

F_MIN = 1e-6  # floor on the contact fraction (numerical; a fully delaminated electrode)
X_MIN = 1e-9  # floor on the Na mole fraction (numerical)
RHO_CP_PELLET = 3.3e3 * 0.75e3  # J/(m3 K): NASICON ~3.3 g/cm3, c_p ~0.75 J/gK (assumption)

Protocol = Galvanostatic | SteppedCCD | StepSequence
STOP_REASONS = ("", "short circuit", "voltage limit", "Na depleted", "left liquid field")


# ------------------------------------------------------------------------ parameters
@dataclass
class _Batch:
    """Cell parameters as arrays over the batch (all SI)."""

    L: np.ndarray
    T0: np.ndarray
    p: np.ndarray
    i0: np.ndarray
    sigma_ref: np.ndarray
    T_ref: np.ndarray
    Ea: np.ndarray
    K_IC: np.ndarray
    c: np.ndarray
    x0: np.ndarray
    n_total0: np.ndarray
    sy: np.ndarray
    cA: np.ndarray
    cn: np.ndarray
    cQ: np.ndarray
    mu: np.ndarray
    W: np.ndarray
    a: np.ndarray
    r_host: np.ndarray
    h: np.ndarray
    metal_thickness: np.ndarray
    is_alloy: np.ndarray

    @classmethod
    def of(cls, cells: Sequence[Cell], n: int) -> _Batch:
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
            mu=arr(lambda c: c.anode.viscosity),
            W=arr(lambda c: max(c.anode.W_adh, c.interlayer_W_adh)),
            a=arr(lambda c: c.anode.spot_radius),
            r_host=arr(
                lambda c: c.anode.host_pore_radius if c.anode.host == "rGO" else c.anode.thickness
            ),
            h=arr(lambda c: c.heat_transfer),
            metal_thickness=arr(lambda c: c.anode.thickness),
            is_alloy=arr(lambda c: 0.0 < c.anode.x_Na < 1.0).astype(bool),
        )

    def sigma(self, T: np.ndarray) -> np.ndarray:
        return (
            self.sigma_ref
            * (self.T_ref / T)
            * np.exp(-self.Ea / (R / F) * (1 / T - 1 / self.T_ref))
        )


# ------------------------------------------------------------------------ helpers
def _liquid(x: np.ndarray, T: np.ndarray) -> np.ndarray:
    return is_liquid_alloy(x, T)


def _activity(x: np.ndarray, T: np.ndarray, alloy: np.ndarray) -> np.ndarray:
    """Na activity (pure-liquid reference) from the Na-K TDB for alloys; 1 for pure Na."""
    if not alloy.any():
        return np.ones_like(x)
    xc = np.clip(x, X_MIN, 1.0)
    t_one = _uniform(T)
    if t_one is not None:  # isothermal: ln(a/x) interpolated on a fine composition grid
        xs, ln_g = _ln_gamma_row(t_one)
        return np.where(alloy, xc * np.exp(np.interp(xc, xs, ln_g)), 1.0)
    from nakcell.thermo import a_Na

    return np.where(alloy, a_Na(xc, T, reference="liquid"), 1.0)


def _uniform(T: np.ndarray) -> float | None:
    """The temperature if all cells share it (rounded to 1 mK for caching), else None."""
    t = np.asarray(T, float)
    t0 = float(t.flat[0])
    return round(t0, 3) if t.size == 1 or bool((t == t0).all()) else None


_XS_FINE = (1.0 - np.cos(np.pi * np.linspace(0.0, 1.0, 1601))) / 2.0
_XS_FINE[0] = 1e-9


@functools.lru_cache(maxsize=64)
def _ln_gamma_row(T: float) -> tuple[np.ndarray, np.ndarray]:
    """ln(a_Na / x_Na) of the liquid at T on a composition grid clustered at both ends."""
    from nakcell.thermo import a_Na

    return _XS_FINE, np.log(a_Na(_XS_FINE, T, reference="liquid") / _XS_FINE)


@functools.lru_cache(maxsize=64)
def _gamma_row(T: float) -> tuple[np.ndarray, np.ndarray]:
    from nakcell.thermo.properties import surface_tension_NaK_array

    return _XS_FINE, surface_tension_NaK_array(_XS_FINE, T)[0]


def _gamma(x: np.ndarray, T: np.ndarray) -> np.ndarray:
    """Liquid surface tension (N/m); isothermal calls interpolate a cached 1-D row."""
    t_one = _uniform(T)
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
    tab, t0, dt_ = _butler_table()
    nx = tab.shape[1] - 1
    # grid uniform in u = arccos(1 - 2x) / pi: dense near x = 0 and 1 where gamma is steep
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
def _butler_table() -> tuple[np.ndarray, float, float]:
    from nakcell.thermo.properties import surface_tension_NaK_array

    temps = np.linspace(230.0, 420.0, 39)
    xs = (1.0 - np.cos(np.pi * np.linspace(0.0, 1.0, 201))) / 2.0
    xs[0] = 1e-9
    tab = surface_tension_NaK_array(xs[None, :], temps[:, None])[0]  # one vectorised solve
    return tab, float(temps[0]), float(temps[1] - temps[0])


def initial_contact(b: _Batch, x: np.ndarray, T: np.ndarray) -> np.ndarray:
    """Contact fraction at assembly: plastic (solid) or capillary (liquid)."""
    liquid = _liquid(x, T)
    hardness = 3.0 * b.sy  # Tabor (1951)
    f_solid = plastic_contact_fraction(b.p + b.W / b.a, hardness)
    g = _gamma(x, T)
    f_liq = liquid_contact_fraction(b.p, g, young_dupre_cos_theta(b.W, g), b.a)
    return np.clip(np.where(liquid, f_liq, f_solid), F_MIN, 1.0)


def temperature_constants(b: _Batch, T: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(electrolyte resistivity, creep supply prefactor, RT/F) at temperature T.

    The creep supply velocity of a solid anode is creep0 * f^-n (contacts carry p / f; Wang et
    al., Materialia 12 (2020) 100792 power law, Arrhenius in Q).
    """
    rho = 1.0 / b.sigma(T)
    arr = np.exp(-b.cQ / (R / F) * (1.0 / T - 1.0 / 298.15))
    creep0 = b.cA * arr * (b.p / 1e6) ** b.cn * b.a  # v_creep = creep0 * f^-n
    return rho, creep0, R * T / F


def contact_ceiling(b: _Batch, x: np.ndarray, T: np.ndarray, liquid: np.ndarray) -> np.ndarray:
    """Highest contact fraction: capillary (Laplace) contact for a liquid, 1 for a solid."""
    if not np.any(liquid):
        return np.ones_like(np.asarray(b.p, float))
    g = _gamma(x, T)
    f_liq = liquid_contact_fraction(b.p, g, young_dupre_cos_theta(b.W, g), b.a)
    return np.where(liquid, np.maximum(f_liq, F_MIN), 1.0)


def advance_contact(
    b: _Batch,
    f: np.ndarray,
    i_abs: np.ndarray,
    vm: np.ndarray,
    liquid: np.ndarray,
    strips: np.ndarray,
    plates: np.ndarray,
    f_max: np.ndarray,
    dt: float,
    creep0: np.ndarray,
    flow: np.ndarray,
) -> np.ndarray:
    """Contact fraction after ``dt`` at current |i| (A/m2): the shared anode-interface update.

    Exponential update with rates frozen at f, never stepping across the attractor. Rates from
    :func:`nakcell.interface.voids.contact_rates`. While a creeping solid is stripped, creep
    supply creep0 f^-n = recession i V_m / (F f) gives the quasi-steady contact
    f* = (creep0 F / (i V_m))^(1/(n-1)), a stable attractor (above it voids grow, below it creep
    closes them); elsewhere the attractor is the ceiling f_max. Used by the symmetric and the
    full cell alike.
    """
    v_rec = np.where(strips, i_abs * vm / (F * f), 0.0)
    v_sup = np.where(liquid, flow, creep0 * f ** (-b.cn))
    k_up, k_down = contact_rates(v_rec, v_sup, b.a, plates)
    k = k_up + k_down
    f_eq = np.where(k > 0, k_up * f_max / np.where(k > 0, k, 1.0), f)
    f_new = f_eq + (f - f_eq) * np.exp(-k * dt)
    with np.errstate(divide="ignore", over="ignore"):
        f_star = (creep0 * F / (np.maximum(i_abs, 1e-300) * vm)) ** (1.0 / (b.cn - 1.0))
    f_attr = np.where(strips & ~liquid, np.minimum(np.maximum(f_star, F_MIN), f_max), f_max)
    f_new = np.where(f >= f_attr, np.maximum(f_new, f_attr), np.minimum(f_new, f_attr))
    return np.minimum(np.maximum(f_new, F_MIN), 1.0)


def flaw_grows(
    b: _Batch,
    eta_plate: np.ndarray,
    vm: np.ndarray,
    liquid: np.ndarray,
    x: np.ndarray,
    T: np.ndarray,
) -> np.ndarray:
    """Whether metal plating into a surface flaw cracks the ceramic (Griffith / Porz).

    The plating overpotential eta pressurises metal in a flaw, p = F eta / V_m (Porz et al.,
    Adv. Energy Mater. 7 (2017) 1701003); a liquid flows out instead, so its pressure is capped
    at p_stack + 2 gamma / c (Laplace). The flaw grows when K = 1.12 p sqrt(pi c) >= K_IC.
    Used by the symmetric and the full cell alike.
    """
    p_flaw = F * eta_plate / vm
    if np.any(liquid):
        p_relax = b.p + 2.0 * _gamma(x, T) / b.c  # a liquid flows out of the flaw
        p_flaw = np.where(liquid, np.minimum(p_flaw, p_relax), p_flaw)
    return stress_intensity(p_flaw, b.c) >= b.K_IC


def interface_asr(cell: Cell, f: float | None = None) -> dict[str, float]:
    """Small-signal ASR (ohm m2) of one electrode interface at assembly (or at contact f).

    R_int = R_ct / f + R_constriction(f) with R_ct = RT/(F i0 sqrt(a_Na)) — what an EIS
    interface arc of the cell model would show.
    """
    b = _Batch.of([cell], 1)
    T = b.T0
    x = b.x0
    f0 = initial_contact(b, x, T) if f is None else np.array([f])
    rho = 1.0 / b.sigma(T)
    r_ct = charge_transfer_asr(b.i0 * np.sqrt(_activity(x, T, b.is_alloy)), T) / f0
    r_c = constriction_asr(rho, b.a, f0)
    return {
        "contact_fraction": float(f0[0]),
        "charge_transfer_asr": float(r_ct[0]),
        "constriction_asr": float(r_c[0]),
        "interface_asr": float(r_ct[0] + r_c[0]),
        "bulk_asr": float(b.L[0] * rho[0]),
    }


# ------------------------------------------------------------------------ result
@dataclass
class SymmetricResult:
    """Batch result. Arrays are (n_cells,) or (n_points, n_cells); all SI."""

    current_density: np.ndarray  # nominal |i| of the first half-cycle, per cell
    t: np.ndarray  # (m,)
    voltage: np.ndarray  # (m, n)
    contact_left: np.ndarray  # (m, n)
    contact_right: np.ndarray
    x_na_left: np.ndarray
    x_na_right: np.ndarray
    temperature: np.ndarray  # (m, n)
    halfcycle_mean_v: np.ndarray  # (n_half, n), NaN after stop
    halfcycle_current: np.ndarray  # (n_half, n), signed
    shorted: np.ndarray  # bool (n,)
    time_to_short: np.ndarray  # (n,) NaN where none
    stop_time: np.ndarray  # (n,) NaN where never stopped
    stop_reason: list[str]
    completed_cycles: np.ndarray  # (n,) int
    overpotential: np.ndarray  # (n,) V, mean |V| before any stop
    hysteresis: np.ndarray  # (n,) V
    asr: np.ndarray  # (n,) ohm m2
    ccd: np.ndarray  # (n,) A/m2, NaN where not a CCD test or no failure
    charge_moved: np.ndarray  # (n,) C/m2, integral of |i| dt while running (both directions)
    na_moved: np.ndarray  # (n,) mol/m2 net Na moved left -> right
    min_contact: np.ndarray  # (n,)
    left_liquid_time: np.ndarray  # (n,) s when an initially liquid electrode first solidified
    ccd_is_lower_bound: np.ndarray  # (n,) bool: no failure up to the protocol's last step
    dt: float
    protocol: Any = field(repr=False, default=None)
    cells: list[Cell] = field(repr=False, default_factory=list)

    def summary(self, k: int = 0) -> dict[str, Any]:
        """One cell's metrics in field units (the CLI's JSON)."""

        def opt(v: float, scale: float = 1.0) -> float | None:
            return None if not np.isfinite(v) else float(v) * scale

        return {
            "cell": self.cells[k if len(self.cells) > 1 else 0].name,
            "current_density_mA_cm2": float(self.current_density[k]) / 10.0,
            "overpotential_mV": opt(self.overpotential[k], 1e3),
            "hysteresis_mV": opt(self.hysteresis[k], 1e3),
            "asr_ohm_cm2": opt(self.asr[k], 1e4),
            "shorted": bool(self.shorted[k]),
            "time_to_short_h": opt(self.time_to_short[k], 1 / 3600),
            "stopped": self.stop_reason[k] or None,
            "stop_time_h": opt(self.stop_time[k], 1 / 3600),
            "cycles": int(self.completed_cycles[k]),
            "min_contact_fraction": float(self.min_contact[k]),
            "ccd_mA_cm2": opt(self.ccd[k], 0.1),
            "ccd_is_lower_bound": bool(self.ccd_is_lower_bound[k]),
            "left_liquid_field_h": opt(self.left_liquid_time[k], 1 / 3600),
        }


# ------------------------------------------------------------------------ engine
def simulate_symmetric(
    cells: Cell | Sequence[Cell],
    protocol: Protocol,
    *,
    steps_per_half: int = 60,
    max_points: int = 4000,
    thermal: bool = False,
    progress: bool = False,
) -> SymmetricResult:
    """Simulate a batch of symmetric cells under ``protocol``.

    The batch size is the number of cells or of current densities (one broadcasts to the
    other). ``steps_per_half`` sets dt = half_cycle / steps_per_half (convergence is shown in
    benchmarks/symmetric_convergence.py). ``thermal`` turns on lumped Joule heating of the
    pellet with convective loss from both faces.
    """
    cell_list = [cells] if isinstance(cells, Cell) else list(cells)
    if not cell_list:
        raise ValueError("no cells given")
    n = max(len(cell_list), protocol.batch_size)
    if len(cell_list) not in (1, n) or protocol.batch_size not in (1, n):
        raise ValueError(
            f"batch mismatch: {len(cell_list)} cells vs {protocol.batch_size} current densities"
        )
    b = _Batch.of(cell_list, n)
    seg_dur, seg_i = protocol.segments(n)  # (n_seg,), (n_seg, n) signed
    mags = np.abs(seg_i)
    n_half = seg_dur.size
    dt = dt_nominal = protocol.half_cycle / steps_per_half
    # steps per segment: the nominal dt, at least 4 steps, each segment resolved exactly
    seg_steps = np.maximum(4, np.round(seg_dur / dt).astype(int))
    if not isinstance(protocol, StepSequence):
        seg_steps = np.where(np.isclose(seg_dur, protocol.half_cycle), steps_per_half, seg_steps)
    step_seg = np.repeat(np.arange(n_half), seg_steps)
    step_dt = np.repeat(seg_dur / seg_steps, seg_steps)
    total_steps = int(step_seg.size)
    stride = max(1, int(np.ceil(total_steps / max_points)))

    # --- state
    T = b.T0.copy()
    nK = b.n_total0 * (1.0 - b.x0)  # K never crosses the Na+ conductor
    nL = b.n_total0 * b.x0
    nR = nL.copy()
    fL = initial_contact(b, b.x0, T)
    fR = fL.copy()
    fil = np.zeros(n)  # total filament length (m)
    running = np.ones(n, bool)
    shorted = np.zeros(n, bool)
    t_short = np.full(n, np.nan)
    t_stop = np.full(n, np.nan)
    reason = np.zeros(n, int)
    f_min = np.minimum(fL, fR)
    charge = np.zeros(n)
    na_net = np.zeros(n)
    c_area = 2.0 * b.h  # two faces
    liquid0 = _liquid(b.x0, T)
    t_solid = np.full(n, np.nan)
    heat_cap = RHO_CP_PELLET * b.L

    # --- accumulators
    hc_sum = np.zeros((n_half, n))
    hc_cnt = np.zeros((n_half, n))
    abs_sum = np.zeros(n)
    abs_cnt = np.zeros(n)
    rec: dict[str, list[np.ndarray]] = {k: [] for k in ("t", "V", "fL", "fR", "xL", "xR", "T")}

    def x_of(n_na: np.ndarray) -> np.ndarray:
        return np.minimum(np.maximum(n_na / np.maximum(n_na + nK, 1e-300), X_MIN), 1.0)

    has_alloy = bool(b.is_alloy.any())

    # temperature-dependent constants (refreshed each step only with the thermal option)
    def t_consts(T: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return temperature_constants(b, T)

    rho, creep0, rt_f = t_consts(T)
    flow = viscous_supply_velocity(b.p, b.r_host, b.mu, b.metal_thickness)
    bulk = b.L * rho

    def f_ceiling(x: np.ndarray, T: np.ndarray, liquid: np.ndarray) -> np.ndarray:
        return contact_ceiling(b, x, T, liquid)

    def advance_f(f, i_abs, vm, liquid, strips, plates, f_max):
        return advance_contact(b, f, i_abs, vm, liquid, strips, plates, f_max, dt, creep0, flow)

    iterator = range(total_steps)
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=total_steps, desc="symmetric cells", unit="step", leave=False)

    xL = x_of(nL)
    xR = x_of(nR)
    liq_range: tuple[float, float] | None = None
    if not thermal and np.all(T == T[0]):
        from nakcell.thermo import liquid_range_x_Na

        liq_range = liquid_range_x_Na(float(T[0]))  # isothermal: one lookup for the whole run
    t_melt = np.where(b.x0 >= 0.5, 370.87, 336.53)

    def liquid_of(x: np.ndarray, T: np.ndarray) -> np.ndarray:
        if liq_range is None:
            return _liquid(x, T)
        lo, hi = liq_range
        pure = (x >= 1.0 - 1e-12) | (x <= 1e-12)
        return np.where(pure, T > t_melt, (x >= lo) & (x <= hi))

    liqL = liquid_of(xL, T)
    liqR = liqL.copy()
    vmL = _molar_volume(xL)
    vmR = vmL.copy()
    sqrt_aL = np.sqrt(_activity(xL, T, b.is_alloy))
    sqrt_aR = sqrt_aL.copy()
    e_eq = np.zeros(n)
    t = 0.0
    for step in iterator:
        h = int(step_seg[step])
        dt = float(step_dt[step])
        t += dt
        i = np.where(running, seg_i[h], 0.0)
        i_abs = np.abs(i)
        sign = np.sign(i)
        left_strips = i > 0
        right_strips = i < 0

        fmaxL, fmaxR = f_ceiling(xL, T, liqL), f_ceiling(xR, T, liqR)
        # exponential update of the contact fractions (stable for the stiff creep law)
        fL = advance_f(fL, i_abs, vmL, liqL, left_strips, right_strips, fmaxL)
        fR = advance_f(fR, i_abs, vmR, liqR, right_strips, left_strips, fmaxR)

        # inventories: Faraday's law, exact for constant current over the step
        dn = i * dt / F
        nL = nL - dn
        nR = nR + dn
        charge += i_abs * dt
        na_net += dn
        depleted = (nL <= 0) | (nR <= 0)
        if has_alloy:
            nL = np.maximum(nL, 0.0)
            nR = np.maximum(nR, 0.0)
            xL, xR = x_of(nL), x_of(nR)
            liqL, liqR = liquid_of(xL, T), liquid_of(xR, T)
            vmL, vmR = _molar_volume(xL), _molar_volume(xR)
            sqrt_aL = np.sqrt(_activity(xL, T, b.is_alloy))
            sqrt_aR = np.sqrt(_activity(xR, T, b.is_alloy))
            e_eq = rt_f * (np.log(sqrt_aR) - np.log(sqrt_aL)) * 2.0  # E_L - E_R, Nernst
            froze = running & liquid0 & np.isnan(t_solid) & ~(liqL & liqR)
            t_solid = np.where(froze, t, t_solid)

        # voltage
        etaL = np.abs(bv_overpotential(i_abs / fL, b.i0 * sqrt_aL, T))  # alpha = 1/2
        etaR = np.abs(bv_overpotential(i_abs / fR, b.i0 * sqrt_aR, T))
        rcL = constriction_asr(rho, b.a, fL)
        rcR = constriction_asr(rho, b.a, fR)
        v_loss = i_abs * bulk + etaL + etaR + i_abs * (rcL + rcR)
        V = np.where(shorted, 0.0, sign * v_loss + e_eq)
        V = np.where(running | shorted, V, np.nan)

        # penetration on the plating side (the side that does not strip)
        eta_plate = np.where(left_strips, etaR + i_abs * rcR, etaL + i_abs * rcL)
        vm_plate = np.where(left_strips, vmR, vmL)
        f_plate = np.where(left_strips, fR, fL)
        liq_plate = np.where(left_strips, liqR, liqL)
        x_plate = np.where(left_strips, xR, xL)
        grows = running & (i_abs > 0) & flaw_grows(b, eta_plate, vm_plate, liq_plate, x_plate, T)
        fil = fil + np.where(grows, i_abs * vm_plate / (F * f_plate) * dt, 0.0)
        new_short = running & (fil >= b.L)
        shorted |= new_short
        t_short = np.where(new_short, t, t_short)

        # tester stops
        over = running & ~new_short & (np.abs(V) > protocol.v_limit)
        stop_now = new_short | over | (running & depleted)
        why = np.where(new_short, 1, np.where(running & depleted, 3, np.where(over, 2, 0)))
        reason = np.where(stop_now & (reason == 0), why, reason)
        t_stop = np.where(stop_now & np.isnan(t_stop), t, t_stop)
        ok = running & ~stop_now
        # accumulate metrics on running, unshorted steps
        hc_sum[h] += np.where(ok, V, 0.0)
        hc_cnt[h] += ok
        abs_sum += np.where(ok, np.abs(V), 0.0)
        abs_cnt += ok
        f_min = np.where(ok, np.minimum(f_min, np.minimum(fL, fR)), f_min)
        running = ok

        # lumped Joule heating (irreversible heat only)
        if thermal:
            q = np.abs(i * (V - e_eq))
            q = np.where(np.isfinite(q), q, 0.0)
            T_ss = b.T0 + q / c_area
            T = T_ss + (T - T_ss) * np.exp(-c_area / heat_cap * dt)
            rho, creep0, rt_f = t_consts(T)
            bulk = b.L * rho

        if step % stride == 0 or step == total_steps - 1:
            rec["t"].append(np.asarray(t))
            rec["V"].append(V)
            rec["fL"].append(fL)
            rec["fR"].append(fR)
            rec["xL"].append(xL)
            rec["xR"].append(xR)
            rec["T"].append(T.copy())
        if bar is not None and step % 500 == 0:
            bar.update(min(500, total_steps - step))
        if not running.any() and not shorted.any():
            break
        if not running.any() and shorted.all():
            break
    if bar is not None:
        bar.close()

    # --- metrics
    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        hc_mean = np.where(hc_cnt > 0, hc_sum / np.maximum(hc_cnt, 1), np.nan)
        full = hc_cnt >= seg_steps[:, None]  # complete segments (half-cycles)
        if not isinstance(protocol, StepSequence):  # a half-cycle cut short by the duration
            full &= np.isclose(seg_dur, protocol.half_cycle)[:, None]
        n_pairs = n_half // 2
        pos = hc_mean[0 : 2 * n_pairs : 2]
        neg = hc_mean[1 : 2 * n_pairs : 2]
        pair_ok = full[0 : 2 * n_pairs : 2] & full[1 : 2 * n_pairs : 2]
        hyst = np.where(pair_ok, pos - neg, np.nan)
        completed = pair_ok.cumprod(axis=0).sum(axis=0) if n_pairs else np.zeros(n, int)
        hysteresis = (
            np.nanmean(np.where(pair_ok, hyst, np.nan), axis=0) if n_pairs else np.full(n, np.nan)
        )
        overpot = np.where(abs_cnt > 0, abs_sum / np.maximum(abs_cnt, 1), np.nan)
        i_first = mags[0]
        ccd = np.full(n, np.nan)
        ccd_lb = np.zeros(n, bool)
        if isinstance(protocol, SteppedCCD):
            per_level = 2 * protocol.cycles_per_step
            levels = protocol.levels
            lvl_done = full.reshape(len(levels), per_level, n).all(axis=1)  # (n_lv, n)
            done_prefix = lvl_done.cumprod(axis=0).astype(bool)
            idx = done_prefix.sum(axis=0) - 1
            ccd = np.where(idx >= 0, levels[np.clip(idx, 0, None)], np.nan)
            ccd_lb = idx == len(levels) - 1
            # a cell that never failed has CCD >= stop: reported as the stop current with
            # stop_reason "" (the caller marks it as a lower bound)
        # ASR over the run: mean |V| / |i| weighted by the currents actually applied
        i_mean = np.nansum(np.where(hc_cnt > 0, mags * hc_cnt, 0.0), axis=0) / np.maximum(
            abs_cnt, 1
        )
        asr = np.where(abs_cnt > 0, overpot / np.where(i_mean > 0, i_mean, np.nan), np.nan)

    stack = {k: np.array(v) for k, v in rec.items()}
    return SymmetricResult(
        current_density=i_first,
        t=stack["t"],
        voltage=stack["V"],
        contact_left=stack["fL"],
        contact_right=stack["fR"],
        x_na_left=stack["xL"],
        x_na_right=stack["xR"],
        temperature=stack["T"],
        halfcycle_mean_v=hc_mean,
        halfcycle_current=seg_i,
        shorted=shorted,
        time_to_short=t_short,
        stop_time=t_stop,
        stop_reason=[STOP_REASONS[r] for r in reason],
        completed_cycles=np.asarray(completed, int),
        overpotential=overpot,
        hysteresis=hysteresis,
        asr=asr,
        ccd=ccd,
        charge_moved=charge,
        na_moved=na_net,
        min_contact=f_min,
        left_liquid_time=t_solid,
        ccd_is_lower_bound=ccd_lb,
        dt=dt_nominal,
        protocol=protocol,
        cells=cell_list,
    )
