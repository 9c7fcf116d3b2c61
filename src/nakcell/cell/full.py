"""Full cell: anode | Na3Hf2Si2PO12 pellet | liquid interlayer | NVP cathode, on PyBaMM.

PyBaMM's half-cell model (working electrode = positive, metal counter electrode) carries the
cathode and the liquid film between cathode and pellet (PyBaMM's "separator"). In series:

- the anode | ceramic interface: Butler-Volmer on the true contact area, taken by PyBaMM's
  counter-electrode kinetics with i0_eff = f i0 sqrt(a_Na) (the same equation as the
  symmetric cell, :mod:`nakcell.cell.symmetric`); constriction R_c(f) (Holm);
- the pellet's bulk resistance L / sigma(T) and the liquid | ceramic transfer resistance,
  through PyBaMM's "contact resistance" option;
- the alloy's Nernst shift E_an = -(RT/F) ln a_Na, applied as a shift of the cut-offs and of
  the reported voltage (V_cell = V_pybamm - E_an).

Between solver chunks the anode's contact fraction f and Na inventory advance with the
interface submodel (:mod:`nakcell.interface.base`; stripping on discharge, plating on charge);
the new f, a_Na enter the next chunk as PyBaMM input parameters: operator splitting with f
frozen during a chunk (``chunks`` per half-cycle). On charge the anode plates, and the
symmetric cell's Griffith check (the submodel's penetration) can grow a
filament to a short circuit. docs/full_cell.md explains the choices.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from nakcell.cell._pybamm import disable_telemetry
from nakcell.cell.electrode import Electrode, submodel_kinds
from nakcell.constants import F, R
from nakcell.errors import NakcellInputError
from nakcell.interface.params import BatchParams
from nakcell.materials import Cell, get_cell
from nakcell.materials.cathodes import LiquidInterlayer, NVPCathode, nvp_parameter_values
from nakcell.protocols import FullCellCycling

MODELS = ("SPM", "SPMe", "DFN")
DEFAULT_MODEL = "SPMe"
_I_IN = "Current function [A]"
_R_IN = "Contact resistance [Ohm]"
_J0_IN = "Anode exchange-current density [A.m-2]"
_VLO_IN = "Lower voltage cut-off [V]"
_VHI_IN = "Upper voltage cut-off [V]"
SUBSTEPS = 5  # anode-state sub-steps per solver chunk (the update is cheap, numpy on one cell)


@dataclass(frozen=True)
class Series:
    """Which series elements are on (all on by default; all off = plain PyBaMM)."""

    bulk: bool = True
    anode: bool = True
    interlayer: bool = True

    @classmethod
    def none(cls) -> Series:
        return cls(False, False, False)


@dataclass(frozen=True)
class FullCell:
    """A full cell: ``cell`` gives anode, pellet and conditions; plus cathode and interlayer."""

    cell: Cell
    cathode: NVPCathode = field(default_factory=NVPCathode)
    interlayer: LiquidInterlayer = field(default_factory=LiquidInterlayer)

    @property
    def name(self) -> str:
        return self.cell.name

    @property
    def area(self) -> float:
        return self.cell.area

    def one_c_current(self) -> float:
        """Current (A) of 1C: theoretical capacity of the NVP in one hour."""
        return self.cathode.areal_capacity * self.area / 3600.0

    def parameter_values(self) -> Any:
        """The plain PyBaMM set of this cell's cathode side (``pybamm.ParameterValues``)."""
        return nvp_parameter_values(
            self.cathode, self.interlayer, area=self.area, temperature=self.cell.temperature
        )

    def all_sources(self) -> list[dict[str, Any]]:
        rows = self.cell.all_sources()
        for obj, pre in ((self.cathode, "cathode."), (self.interlayer, "interlayer.")):
            for r in obj.sources():
                r["parameter"] = pre + r["parameter"].split(".", 1)[1]
                rows.append(r)
        return rows


def get_full_cell(
    name: str, *, temperature: float | None = None, **cathode_changes: Any
) -> FullCell:
    """The seed's full cell with the anode side of ``name`` (``seed-nak``, ``seed-na``, ...).

    ``temperature`` (K) replaces the cell's; ``cathode_changes`` replace NVPCathode fields.
    """
    cath = NVPCathode()
    if cathode_changes:
        cath = dataclasses.replace(cath, **cathode_changes)
    cell = get_cell(name)
    if temperature is not None:
        cell = cell.replace(temperature=temperature)
    return FullCell(cell, cath)


# ----------------------------------------------------------------------------- result
@dataclass
class FullResult:
    """Per-cycle results (arrays over cycles) and discharge curves; SI inside."""

    cell_name: str
    model: str
    c_rate: np.ndarray
    charge_capacity: np.ndarray  # C per kg NVP
    discharge_capacity: np.ndarray  # C per kg NVP
    mean_discharge_v: np.ndarray
    mean_charge_v: np.ndarray
    contact_fraction: np.ndarray  # anode contact at the end of each cycle
    anode_asr: np.ndarray  # anode interface ASR (R_ct/f + R_c) at the end of each cycle, ohm m2
    series_asr: np.ndarray  # ohmic series ASR (bulk + constriction + transfer), ohm m2
    x_na: np.ndarray
    stop_reason: str
    curves: list[dict[str, np.ndarray]]  # per cycle: discharge capacity (C/kg) vs V
    wall_s: float
    active_mass: float
    protocol: Any = dataclasses.field(repr=False, default=None)

    @property
    def capacity_mAh_g(self) -> np.ndarray:
        return self.discharge_capacity / 3600.0

    def retention_pct(self) -> float:
        c = self.capacity_mAh_g
        ok = np.isfinite(c)
        if ok.sum() < 1 or c[0] <= 0:
            return float("nan")
        return float(100.0 * c[ok][-1] / c[0])

    def per_cycle(self) -> list[dict[str, Any]]:
        return [
            {
                "cycle": k + 1,
                "C_rate": float(self.c_rate[k]),
                "capacity_mAh_g": _opt(self.capacity_mAh_g[k]),
                "charge_capacity_mAh_g": _opt(self.charge_capacity[k] / 3600.0),
                "mean_discharge_V": _opt(self.mean_discharge_v[k]),
                "mean_charge_V": _opt(self.mean_charge_v[k]),
                "retention_pct": _opt(100.0 * self.capacity_mAh_g[k] / self.capacity_mAh_g[0])
                if self.capacity_mAh_g[0] > 0
                else None,
                "anode_contact_fraction": _opt(self.contact_fraction[k]),
                "anode_interface_asr_ohm_cm2": _opt(self.anode_asr[k] * 1e4),
            }
            for k in range(len(self.c_rate))
        ]

    def by_rate(self) -> list[dict[str, Any]]:
        """Rate-test summary: the last cycle at each C-rate, in the order first run."""
        out: list[dict[str, Any]] = []
        seen: list[float] = []
        for r in self.c_rate:
            if float(r) not in seen:
                seen.append(float(r))
        for r in seen:
            idx = np.flatnonzero(self.c_rate == r)[-1]
            out.append(
                {
                    "C_rate": r,
                    "capacity_mAh_g": _opt(self.capacity_mAh_g[idx]),
                    "mean_discharge_V": _opt(self.mean_discharge_v[idx]),
                }
            )
        return out

    def summary(self) -> dict[str, Any]:
        c = self.capacity_mAh_g
        return {
            "cell": self.cell_name,
            "model": self.model,
            "capacity_mAh_g_first": _opt(c[0]),
            "capacity_mAh_g_last": _opt(c[np.isfinite(c)][-1]) if np.isfinite(c).any() else None,
            "retention_pct": _opt(self.retention_pct()),
            "stopped": self.stop_reason or None,
            "cycles": self.per_cycle(),
        }


def _opt(v: float) -> float | None:
    return float(v) if np.isfinite(v) else None


# ----------------------------------------------------------------------------- engine
def simulate_full(
    fc: FullCell | str,
    protocol: FullCellCycling,
    *,
    model: str = DEFAULT_MODEL,
    series: Series | None = None,
    chunks: int = 4,
    points_per_chunk: int = 25,
) -> FullResult:
    """Cycle a full cell under ``protocol`` (CC charge then CC discharge each cycle).

    ``model``: PyBaMM's SPM, SPMe (default) or DFN for the cathode side. ``series``: the
    series elements switched on. ``chunks``: solver chunks per half-cycle between anode-state
    updates (operator splitting).
    """
    pybamm = disable_telemetry()
    if isinstance(fc, str):
        fc = get_full_cell(fc)
    if model not in MODELS:
        raise NakcellInputError("model", repr(model), f"one of {', '.join(MODELS)}")
    if not isinstance(chunks, int) or chunks < 1:
        raise NakcellInputError("chunks", chunks, "an integer >= 1")
    series = series or Series()
    cath = fc.cathode
    v_min = cath.v_min if protocol.v_min is None else protocol.v_min
    v_max = cath.v_max if protocol.v_max is None else protocol.v_max
    if not v_min < v_max:
        raise NakcellInputError(
            "cut-off voltages", f"v_min {v_min:g} V >= v_max {v_max:g} V", "v_min < v_max"
        )
    t_wall = time.perf_counter()
    area = fc.area
    pv = fc.parameter_values()
    i0_plain = float(
        pv["Exchange-current density for lithium metal electrode [A.m-2]"](0, 0, 0).evaluate()
    )
    pv.update(
        {
            _I_IN: "[input]",
            _R_IN: "[input]",
            _VLO_IN: "[input]",
            _VHI_IN: "[input]",
            "Exchange-current density for lithium metal electrode [A.m-2]": (
                lambda c_e, c_li, T: pybamm.InputParameter(_J0_IN)
            ),
        }
    )
    opts = {"working electrode": "positive", "contact resistance": "true"}
    pmodel = getattr(pybamm.lithium_ion, model)(opts)
    solver_in = pybamm.IDAKLUSolver(output_variables=["Voltage [V]"])
    sim = pybamm.Simulation(pmodel, parameter_values=pv, solver=solver_in)
    sim.build()
    built = sim.built_model
    solver = sim.solver

    # ---- anode state (a batch of one, SI per geometric area)
    anode = _AnodeState(fc.cell)
    i_1c = fc.one_c_current()
    m_act = cath.active_loading * area
    transfer = fc.interlayer.ceramic_transfer_asr if series.interlayer else 0.0

    n = protocol.n_cycles
    out = {k: np.full(n, np.nan) for k in ("qc", "qd", "vd", "vc", "f", "asr", "ser", "x")}
    curves: list[dict[str, np.ndarray]] = []
    sol = None
    stop = ""

    def inputs(current: float) -> dict[str, float]:
        e_an = anode.nernst() if series.anode else 0.0
        r_ser = 0.0
        if series.bulk:
            r_ser += anode.bulk_asr()
        if series.anode:
            r_ser += anode.constriction_asr()
        r_ser += transfer
        return {
            _I_IN: current,
            _R_IN: r_ser / area,
            _J0_IN: anode.i0_eff() if series.anode else i0_plain,
            # only the cut-off of the running half-cycle is active (the other one is moved out
            # of reach: the voltage sits on it when the current reverses)
            _VLO_IN: v_min + e_an if current > 0 else -100.0,
            _VHI_IN: v_max + e_an if current < 0 else 100.0,
        }

    for cyc, rate in enumerate(protocol.rates):
        i_abs = rate * i_1c
        t_nominal = 3600.0 / rate
        res_cyc: dict[str, Any] = {}
        for phase, current in (("charge", -i_abs), ("discharge", i_abs)):
            t_step = 0.0
            ts: list[np.ndarray] = []
            vs: list[np.ndarray] = []
            ended = False
            n_chunk = 0
            dt = t_nominal / chunks
            t_interp = np.linspace(0.0, dt, points_per_chunk)
            while not ended and t_step < 2.0 * t_nominal:
                inp = inputs(current)
                e_an = anode.nernst() if series.anode else 0.0
                try:
                    new = solver.step(
                        sol, built, dt, t_eval=[0.0, dt], t_interp=t_interp, inputs=inp, save=False
                    )
                except pybamm.SolverError as exc:
                    if "event" in str(exc).lower():
                        ended = True  # cut-off reached at once (e.g. IR drop beyond the window)
                        break
                    raise
                seg_t = new.t - new.t[0]
                dur = float(seg_t[-1])
                v_seg = new["Voltage [V]"].entries - e_an
                ts.append(t_step + seg_t)
                vs.append(v_seg)
                t_step += dur
                if series.anode:
                    anode.advance(abs(current) / area, dur, strips=current > 0)
                    if anode.shorted():
                        stop = "short circuit (metal penetration on charge)"
                n_chunk += 1
                hit = "event" in new.termination
                if hit:
                    # PyBaMM's documented hack (BaseSolver.step) to step on past a cut-off
                    new.termination += " [experiment]"
                sol = new
                ended = hit or bool(stop)
            t_arr = np.concatenate(ts) if ts else np.zeros(1)
            v_arr = np.concatenate(vs) if vs else np.full(1, np.nan)
            q = i_abs * t_step / m_act  # C per kg NVP
            v_mean = float(np.trapezoid(v_arr, t_arr) / t_arr[-1]) if t_arr[-1] > 0 else np.nan
            res_cyc[phase] = (q, v_mean, t_arr, v_arr)
            if stop:
                break
        if stop:
            out["qc"][cyc] = res_cyc["charge"][0]
            break
        out["qc"][cyc], out["vc"][cyc] = res_cyc["charge"][0], res_cyc["charge"][1]
        out["qd"][cyc], out["vd"][cyc] = res_cyc["discharge"][0], res_cyc["discharge"][1]
        _, _, t_d, v_d = res_cyc["discharge"]
        curves.append({"capacity": i_abs * t_d / m_act, "voltage": v_d})
        out["f"][cyc] = anode.f[0]
        out["asr"][cyc] = anode.interface_asr()
        out["ser"][cyc] = anode.bulk_asr() + anode.constriction_asr() + transfer
        out["x"][cyc] = anode.x()[0]
        if out["qd"][cyc] <= 0:
            stop = f"no discharge capacity at {rate:g}C (cut-off reached at once)"
            break
        if anode.depleted():
            stop = "Na depleted at the anode"
            break

    return FullResult(
        cell_name=fc.name,
        model=model,
        c_rate=np.asarray(protocol.rates, float),
        charge_capacity=out["qc"],
        discharge_capacity=out["qd"],
        mean_discharge_v=out["vd"],
        mean_charge_v=out["vc"],
        contact_fraction=out["f"],
        anode_asr=out["asr"],
        series_asr=out["ser"],
        x_na=out["x"],
        stop_reason=stop,
        curves=curves,
        wall_s=time.perf_counter() - t_wall,
        active_mass=m_act,
        protocol=protocol,
    )


class _AnodeState:
    """The anode | ceramic interface of a full cell: the symmetric cell's submodel, one side."""

    def __init__(self, cell: Cell) -> None:
        b = BatchParams.of([cell], 1)
        self.b = b
        self.T = b.T0.copy()
        self.side = Electrode(b, submodel_kinds([cell], 1), self.T)
        self.sub = self.side.groups[0][1]
        self.state = self.side.states[0]
        self.filament = np.zeros(1)  # metal filament grown into the pellet on plating (m)

    @property
    def f(self) -> np.ndarray:
        return self.state["f"]

    def x(self) -> np.ndarray:
        return self.state["x"]

    def shorted(self) -> bool:
        """A filament has crossed the pellet (symmetric cell's penetration criterion)."""
        return bool(self.filament[0] >= self.b.L[0] or self.side.short()[0])

    def depleted(self) -> bool:
        return bool(self.side.exhausted()[0])

    def nernst(self) -> float:
        """E_an vs pure (solid) Na (V): -(RT/F) ln a_Na from the Na-K TDB; 0 for pure Na."""
        if not bool(self.b.is_alloy[0]):
            return 0.0
        from nakcell.thermo import potential_vs_Na

        return float(np.asarray(potential_vs_Na(self.x(), self.T)).ravel()[0])

    def i0_eff(self) -> float:
        """Exchange current per geometric area (A/m2): RT / (F R_ct) of the submodel."""
        r_ct = float(self.side.asr()["charge_transfer_asr"][0])
        return float(R * self.T[0] / (F * r_ct))

    def bulk_asr(self) -> float:
        return float(self.b.L[0] / self.b.sigma(self.T)[0])

    def constriction_asr(self) -> float:
        """Series ASR of the interface besides charge transfer: constriction + film."""
        d = self.side.asr()
        return float(d["constriction_asr"][0] + d["film_asr"][0])

    def interface_asr(self) -> float:
        """Small-signal anode interface ASR (ohm m2)."""
        return float(self.side.asr()["interface_asr"][0])

    def advance(self, i_abs: float, dt: float, *, strips: bool) -> None:
        """Advance the interface over dt at |i| (A/m2); strips on discharge."""
        if dt <= 0:
            return
        i = np.array([i_abs])
        s = np.array([strips])
        h = dt / SUBSTEPS
        for _ in range(SUBSTEPS):
            self.sub.update(self.state, i, s, ~s, h, self.T)
            if not strips:  # plating: can metal in a surface flaw crack the pellet?
                eta = self.sub.overpotential(self.state, i, self.T)
                self.filament = self.filament + self.sub.penetration(self.state, i, eta, h, self.T)


__all__ = [
    "DEFAULT_MODEL",
    "MODELS",
    "FullCell",
    "FullResult",
    "Series",
    "get_full_cell",
    "simulate_full",
]
