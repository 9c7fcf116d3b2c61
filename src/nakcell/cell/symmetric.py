"""Symmetric metal | ceramic | metal cells under galvanostatic and stepped-current protocols.

One call simulates a *batch* of cells (different current densities and/or parameter sets):
every state is an array over the batch and each time step is a handful of numpy operations,
never a Python loop over cells.

The cell owns the wiring, not the physics: each electrode is an interface submodel
(:mod:`nakcell.interface.base`; solid metal or liquid alloy, chosen per cell from its anode),
and the time loop here only moves charge, adds the series voltages

    V = sign(i) [ |i| L / sigma(T) + eta_L + eta_R ] + (E_L - E_R),

grows filaments from the plating side, applies the tester's stops and, with ``thermal``,
heats the pellet (lumped). docs/physics.md gives every equation and its source.

Time integration: fixed step dt = half_cycle / steps_per_half (each segment of a
StepSequence gets its own whole number of steps near that dt); inventories exactly
(piecewise-constant current); each submodel's contact update is exponential with frozen
rates (stable for the stiff n = 5 creep law).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from nakcell.cell.electrode import Electrode, build_submodels, submodel_kinds
from nakcell.constants import F
from nakcell.interface.params import BatchParams
from nakcell.materials.cells import Cell
from nakcell.protocols import Galvanostatic, SteppedCCD, StepSequence

RHO_CP_PELLET = 3.3e3 * 0.75e3  # J/(m3 K): NASICON ~3.3 g/cm3, c_p ~0.75 J/gK (assumption)

Protocol = Galvanostatic | SteppedCCD | StepSequence
STOP_REASONS = ("", "short circuit", "voltage limit", "Na depleted", "left liquid field")


def interface_asr(cell: Cell, f: float | None = None) -> dict[str, float]:
    """Small-signal ASR (ohm m2) of one electrode interface at assembly (or at contact f).

    The interface submodel's own resistances (charge transfer on the true contact, film,
    constriction): what an EIS interface arc of the cell model would show.
    """
    b = BatchParams.of([cell], 1)
    side = Electrode(b, submodel_kinds([cell], 1), b.T0.copy())
    if f is not None:  # every contact bin of a binned submodel at f, too
        st = side.states[0]
        for key in ("f", "fb"):
            if key in st:
                st[key] = np.full_like(st[key], f)
    parts = side.asr()
    out = {"contact_fraction": float(side.get("f")[0])}
    out.update({k: float(v[0]) for k, v in parts.items()})
    out["bulk_asr"] = float(b.L[0] / b.sigma(b.T0)[0])
    return out


def eis_stack(cell: Cell) -> Any:
    """The cell as a :class:`nakcell.eis.physical.PhysicalStack` at assembly.

    Bulk from L / sigma(T); each of the two interfaces from the interface submodel: the
    charge-transfer (+ film) ASR at full contact, the contact fraction f at assembly and the
    constriction ASR. Double-layer capacitance and permittivity are the EIS module's defaults.
    """
    from nakcell.eis.physical import Interface, PhysicalStack

    d = interface_asr(cell)
    f = max(d["contact_fraction"], 1e-6)
    itf = Interface(
        asr_ct_ohm_m2=(d["charge_transfer_asr"] + d.get("film_asr", 0.0)) * f,
        contact_fraction=f,
        asr_cstr_ohm_m2=d["constriction_asr"],
        name=cell.anode.name,
    )
    return PhysicalStack(
        interfaces=(itf, itf),
        thickness_m=cell.thickness,
        area_m2=cell.area,
        sigma_bulk_S_m=cell.electrolyte.conductivity(cell.temperature),
        label=cell.name,
    )


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
    ccd_note: list[str] = field(default_factory=list)  # what the CCD is, or why none
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
            "ccd_note": (self.ccd_note[k] if k < len(self.ccd_note) else "") or None,
            "left_liquid_field_h": opt(self.left_liquid_time[k], 1 / 3600),
        }


# ------------------------------------------------------------------------ engine
@dataclass
class _Grid:
    """The protocol's constant-current segments cut into time steps."""

    seg_dur: np.ndarray  # (n_seg,)
    seg_i: np.ndarray  # (n_seg, n) signed A/m2
    seg_steps: np.ndarray  # (n_seg,) steps per segment
    step_seg: np.ndarray  # (n_steps,) segment of each step
    step_dt: np.ndarray  # (n_steps,)
    dt_nominal: float

    @classmethod
    def of(cls, protocol: Protocol, n: int, steps_per_half: int) -> _Grid:
        seg_dur, seg_i = protocol.segments(n)
        dt = protocol.half_cycle / steps_per_half
        # steps per segment: the nominal dt, at least 4 steps, each segment resolved exactly
        seg_steps = np.maximum(4, np.round(seg_dur / dt).astype(int))
        seg_steps = np.where(protocol.whole_halves(seg_dur), steps_per_half, seg_steps)
        return cls(
            seg_dur,
            seg_i,
            seg_steps,
            np.repeat(np.arange(seg_dur.size), seg_steps),
            np.repeat(seg_dur / seg_steps, seg_steps),
            dt,
        )


@dataclass
class _Run:
    """Run bookkeeping over the batch: stops, filaments, accumulators, recorded traces."""

    n: int
    n_seg: int
    running: np.ndarray = field(init=False)
    shorted: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        n = self.n
        self.running = np.ones(n, bool)
        self.shorted = np.zeros(n, bool)
        self.t_short = np.full(n, np.nan)
        self.t_stop = np.full(n, np.nan)
        self.i_stop = np.full(n, np.nan)  # |i| (A/m2) when the cell stopped
        self.reason = np.zeros(n, int)
        self.fil = np.zeros(n)  # total filament length (m)
        self.charge = np.zeros(n)
        self.na_net = np.zeros(n)
        self.t_solid = np.full(n, np.nan)
        self.f_min = np.ones(n)
        self.f_start = np.ones(n)
        self.hc_sum = np.zeros((self.n_seg, n))
        self.hc_cnt = np.zeros((self.n_seg, n))
        self.abs_sum = np.zeros(n)
        self.abs_cnt = np.zeros(n)
        self.rec: dict[str, list[np.ndarray]] = {
            k: [] for k in ("t", "V", "fL", "fR", "xL", "xR", "T")
        }

    def stop(
        self,
        t: float,
        new_short: np.ndarray,
        depleted: np.ndarray,
        V: np.ndarray,
        v_limit: float,
        i_abs: np.ndarray,
        froze: np.ndarray | bool = False,
    ) -> np.ndarray:
        """Apply shorts and tester stops at time t; returns the cells still running.

        ``froze``: an initially liquid electrode left the liquid field (stop reason 4)."""
        self.shorted |= new_short
        self.t_short = np.where(new_short, t, self.t_short)
        run = self.running
        over = run & ~new_short & (np.abs(V) > v_limit)
        frz = run & froze
        stop_now = new_short | over | (run & depleted) | frz
        why = np.where(new_short, 1, np.where(run & depleted, 3, np.where(frz, 4, 0)))
        why = np.where((why == 0) & over, 2, why)
        self.reason = np.where(stop_now & (self.reason == 0), why, self.reason)
        first = stop_now & np.isnan(self.t_stop)
        self.t_stop = np.where(first, t, self.t_stop)
        self.i_stop = np.where(first, i_abs, self.i_stop)
        return run & ~stop_now

    def accumulate(self, h: int, ok: np.ndarray, V: np.ndarray, f_now: np.ndarray) -> None:
        self.hc_sum[h] += np.where(ok, V, 0.0)
        self.hc_cnt[h] += ok
        self.abs_sum += np.where(ok, np.abs(V), 0.0)
        self.abs_cnt += ok
        self.f_min = np.where(ok, np.minimum(self.f_min, f_now), self.f_min)

    def record(
        self, t: float, V: np.ndarray, left: Electrode, right: Electrode, T: np.ndarray
    ) -> None:
        r = self.rec
        r["t"].append(np.asarray(t))
        r["V"].append(V)
        r["fL"].append(left.get("f").copy())
        r["fR"].append(right.get("f").copy())
        r["xL"].append(left.get("x").copy())
        r["xR"].append(right.get("x").copy())
        r["T"].append(T.copy())


def _batch(
    cells: Cell | Sequence[Cell], protocol: Protocol, n_params: int | None = None
) -> tuple[list[Cell], int]:
    cell_list = [cells] if isinstance(cells, Cell) else list(cells)
    if not cell_list:
        raise ValueError("no cells given")
    if n_params is not None:
        if len(cell_list) != 1 or protocol.batch_size not in (1, n_params):
            raise ValueError("with params: one cell and a protocol of batch 1 or params.size")
        return cell_list, n_params
    n = max(len(cell_list), protocol.batch_size)
    if len(cell_list) not in (1, n) or protocol.batch_size not in (1, n):
        raise ValueError(
            f"batch mismatch: {len(cell_list)} cells vs {protocol.batch_size} current densities"
        )
    return cell_list, n


def simulate_symmetric(
    cells: Cell | Sequence[Cell],
    protocol: Protocol,
    *,
    steps_per_half: int = 60,
    max_points: int = 4000,
    thermal: bool = False,
    progress: bool = False,
    params: BatchParams | None = None,
) -> SymmetricResult:
    """Simulate a batch of symmetric cells under ``protocol``.

    The batch size is the number of cells or of current densities (one broadcasts to the
    other). ``steps_per_half`` sets dt = half_cycle / steps_per_half (convergence is shown in
    benchmarks/symmetric_convergence.py). ``thermal`` turns on lumped Joule heating of the
    pellet with convective loss from both faces.

    ``params``: the batch's parameter arrays, already built (a calibration sets the fitted
    columns directly instead of building one cell per row); ``cells`` is then one cell that
    gives every cell's submodel kind, and the batch size is ``params.size``.
    """
    cell_list, n = _batch(cells, protocol, None if params is None else params.size)
    b = BatchParams.of(cell_list, n) if params is None else params
    g = _Grid.of(protocol, n, steps_per_half)
    total = int(g.step_seg.size)
    stride = max(1, int(np.ceil(total / max_points)))
    T = b.T0.copy()
    kinds = submodel_kinds(cell_list, n)
    groups = build_submodels(b, kinds)  # shared by both electrodes
    left, right = Electrode(b, kinds, T, groups), Electrode(b, kinds, T, groups)
    run = _Run(n, g.seg_dur.size)
    run.f_min = np.minimum(left.get("f"), right.get("f")).copy()
    run.f_start = run.f_min.copy()
    liquid0 = left.get("liquid").copy()
    has_liquid = bool(np.any(kinds == "liquid"))
    bulk = b.L / b.sigma(T)
    bar = _progress_bar(total) if progress else None
    t = 0.0
    for step in range(total):
        h, dt = int(g.step_seg[step]), float(g.step_dt[step])
        t += dt
        i = np.where(run.running, g.seg_i[h], 0.0)
        i_abs = np.abs(i)
        ls, rs = i > 0, i < 0  # left strips / right strips
        left.update(i_abs, ls, rs, dt)
        right.update(i_abs, rs, ls, dt)
        run.charge += i_abs * dt
        run.na_net += i * dt / F
        eta_l, eta_r = left.overpotential(i_abs), right.overpotential(i_abs)
        e_eq = left.potential() - right.potential() if has_liquid else 0.0
        V = np.where(run.shorted, 0.0, np.sign(i) * (i_abs * bulk + eta_l + eta_r) + e_eq)
        V = np.where(run.running | run.shorted, V, np.nan)
        # penetration from the plating side (a side where no cell plates advances nothing:
        # skipped); electronic shorts the submodels report
        if rs.any():
            run.fil += left.penetration(np.where(rs, i_abs, 0.0), eta_l, dt)
        if ls.any():
            run.fil += right.penetration(np.where(ls, i_abs, 0.0), eta_r, dt)
        short = (run.fil >= b.L) | left.short() | right.short()
        froze: np.ndarray | bool = False
        if has_liquid:
            froze = run.running & liquid0 & np.isnan(run.t_solid)
            froze &= ~(left.get("liquid") & right.get("liquid"))
            run.t_solid = np.where(froze, t, run.t_solid)
        ok = run.stop(
            t,
            run.running & short,
            left.exhausted() | right.exhausted(),
            V,
            protocol.v_limit,
            i_abs,
            froze,
        )
        run.accumulate(h, ok, V, np.minimum(left.get("f"), right.get("f")))
        run.running = ok
        if thermal:
            T = _joule_step(b, T, np.abs(i * (V - e_eq)), dt)
            left.set_temperature(T)
            right.set_temperature(T)
            bulk = b.L / b.sigma(T)
        if step % stride == 0 or step == total - 1:
            run.record(t, V, left, right, T)
        if bar is not None and step % 500 == 0:
            bar.update(min(500, total - step))
        if not run.running.any():
            break
    if bar is not None:
        bar.close()
    return _result(run, g, protocol, cell_list)


def _joule_step(b: BatchParams, T: np.ndarray, q: np.ndarray, dt: float) -> np.ndarray:
    """Lumped pellet temperature after dt: C dT/dt = q - 2 h (T - T0), exact for frozen q
    (irreversible heat only; C = rho c_p L, convection from both faces)."""
    c_area, heat_cap = 2.0 * b.h, RHO_CP_PELLET * b.L
    T_ss = b.T0 + np.where(np.isfinite(q), q, 0.0) / c_area
    return T_ss + (T - T_ss) * np.exp(-c_area / heat_cap * dt)


def _progress_bar(total: int) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, desc="symmetric cells", unit="step", leave=False)


def _result(run: _Run, g: _Grid, protocol: Protocol, cells: list[Cell]) -> SymmetricResult:
    m = _metrics(run, g, protocol)
    stack = {k: np.array(v) for k, v in run.rec.items()}
    return SymmetricResult(
        current_density=np.abs(g.seg_i[0]),
        t=stack["t"],
        voltage=stack["V"],
        contact_left=stack["fL"],
        contact_right=stack["fR"],
        x_na_left=stack["xL"],
        x_na_right=stack["xR"],
        temperature=stack["T"],
        halfcycle_mean_v=m["hc_mean"],
        halfcycle_current=g.seg_i,
        shorted=run.shorted,
        time_to_short=run.t_short,
        stop_time=run.t_stop,
        stop_reason=[STOP_REASONS[r] for r in run.reason],
        completed_cycles=np.asarray(m["completed"], int),
        overpotential=m["overpot"],
        hysteresis=m["hysteresis"],
        asr=m["asr"],
        ccd=m["ccd"],
        charge_moved=run.charge,
        na_moved=run.na_net,
        min_contact=run.f_min,
        left_liquid_time=run.t_solid,
        ccd_is_lower_bound=m["ccd_lb"],
        ccd_note=m["ccd_note"],
        dt=g.dt_nominal,
        protocol=protocol,
        cells=cells,
    )


def _metrics(run: _Run, g: _Grid, protocol: Protocol) -> dict[str, np.ndarray]:
    """Half-cycle means, hysteresis, completed cycles, mean overpotential, ASR and CCD."""
    n_half, n = run.hc_sum.shape
    hc_cnt = run.hc_cnt
    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        hc_mean = np.where(hc_cnt > 0, run.hc_sum / np.maximum(hc_cnt, 1), np.nan)
        full = hc_cnt >= g.seg_steps[:, None]  # complete segments (half-cycles)
        if not isinstance(protocol, StepSequence):  # a half-cycle cut short by the duration
            full &= protocol.whole_halves(g.seg_dur)[:, None]
        n_pairs = n_half // 2
        pair_ok = full[0 : 2 * n_pairs : 2] & full[1 : 2 * n_pairs : 2]
        hyst = np.where(
            pair_ok, hc_mean[0 : 2 * n_pairs : 2] - hc_mean[1 : 2 * n_pairs : 2], np.nan
        )
        completed = pair_ok.cumprod(axis=0).sum(axis=0) if n_pairs else np.zeros(n, int)
        hysteresis = np.nanmean(hyst, axis=0) if n_pairs else np.full(n, np.nan)
        overpot = np.where(run.abs_cnt > 0, run.abs_sum / np.maximum(run.abs_cnt, 1), np.nan)
        ccd, ccd_lb = _ccd(full, protocol, n)
        # an electrode ran out of Na, or its alloy froze out (left the liquid field): the run
        # ended on the loading, not on a current-density failure, so no CCD
        exhausted = (run.reason == 3) | (run.reason == 4)
        ccd = np.where(exhausted, np.nan, ccd)
        ccd_lb = ccd_lb & ~exhausted
        # a voltage-limit stop with the contact kept is the cell's own resistance reaching the
        # tester limit, not a failure: the CCD is then a lower bound
        ccd_lb = ccd_lb | (np.isfinite(ccd) & _ohmic_stop(run))
        # ASR over the run: mean |V| / |i| weighted by the currents actually applied
        mags = np.abs(g.seg_i)
        i_mean = np.nansum(np.where(hc_cnt > 0, mags * hc_cnt, 0.0), axis=0) / np.maximum(
            run.abs_cnt, 1
        )
        asr = np.where(run.abs_cnt > 0, overpot / np.where(i_mean > 0, i_mean, np.nan), np.nan)
    return {
        "hc_mean": hc_mean,
        "completed": completed,
        "hysteresis": hysteresis,
        "overpot": overpot,
        "ccd": ccd,
        "ccd_lb": ccd_lb,
        "asr": asr,
        "ccd_note": _ccd_notes(run, protocol, ccd, ccd_lb),
    }


def _ohmic_stop(run: _Run) -> np.ndarray:
    """Voltage-limit stops where no contact was lost (min contact >= half the start)."""
    return (run.reason == 2) & (run.f_min >= 0.5 * run.f_start)


def _ccd_notes(run: _Run, protocol: Protocol, ccd: np.ndarray, lb: np.ndarray) -> list[str]:
    """One line per cell saying what the CCD is (or why there is none)."""
    if not isinstance(protocol, SteppedCCD):
        return [""] * run.n
    notes = []
    for k in range(run.n):
        i_ma = run.i_stop[k] / 10.0
        if run.reason[k] == 3:
            notes.append(f"not determined: electrode exhausted (Na depleted) at {i_ma:.3g} mA/cm2")
        elif run.reason[k] == 4:
            notes.append(f"not determined: alloy left the liquid field at {i_ma:.3g} mA/cm2")
        elif lb[k] and run.reason[k] == 2:
            notes.append(
                f"voltage limit at {i_ma:.3g} mA/cm2 with the contact kept (the cell's own "
                "resistance reaches the limit, no failure): lower bound"
            )
        elif lb[k]:
            notes.append(f"no failure up to {protocol.levels[-1] / 10.0:.3g} mA/cm2: lower bound")
        elif np.isnan(ccd[k]):
            why = STOP_REASONS[run.reason[k]] or "failure"
            notes.append(f"failed at the first level ({i_ma:.3g} mA/cm2, {why})")
        else:
            why = STOP_REASONS[run.reason[k]] or "failure"
            if run.reason[k] == 2 and run.f_min[k] < 0.5 * run.f_start[k]:  # contact lost
                why = f"voltage divergence from voids (contact {run.f_min[k]:.2g})"
            notes.append(f"{why} at {i_ma:.3g} mA/cm2")
    return notes


def _ccd(full: np.ndarray, protocol: Protocol, n: int) -> tuple[np.ndarray, np.ndarray]:
    """CCD (A/m2): the highest level whose cycles all completed; NaN if none / not a CCD test.

    A cell that never failed has CCD >= the last level (``ccd_is_lower_bound``).
    """
    if not isinstance(protocol, SteppedCCD):
        return np.full(n, np.nan), np.zeros(n, bool)
    levels = protocol.levels
    lvl_done = full.reshape(len(levels), 2 * protocol.cycles_per_step, n).all(axis=1)
    idx = lvl_done.cumprod(axis=0).astype(bool).sum(axis=0) - 1
    ccd = np.where(idx >= 0, levels[np.clip(idx, 0, None)], np.nan)
    return ccd, idx == len(levels) - 1
