"""Measured vs simulated: protocol extraction from data, the simulator adapter, overlay.

``extract_protocol`` turns a measured file into the steps the tester ran (constant
current, voltage hold, rest) with their durations; ``simulate_protocol(cell_name,
protocol)`` hands them to a cell model and gets ``(time_s, voltage_V)`` back;
``compare_traces`` and ``plot_overlay`` put both on one time axis.

Integrator note: no cell model is wired here (the cell models live elsewhere in nakcell).
Register one with ``register_simulator("seed-nak", fn)`` where ``fn(protocol) ->
(time_s, voltage_V)`` runs the protocol's steps in order (``step.kind`` 'cc' at
``step.current_A`` for ``step.duration_s``, 'cv' at ``step.voltage_end_V``, 'rest'), e.g.
from the module that defines the cell, or pass a simulated trace file to the CLI
(``nakcell data compare FILE --sim trace.csv``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from nakcell.analysis.cycles import step_summary
from nakcell.errors import NakcellInputError
from nakcell.io.table import CyclerData

#: relative spread of current within a step below which it counts as constant current
CC_TOLERANCE = 0.05
#: voltage spread within a step below which a varying-current step counts as a hold (V)
CV_TOLERANCE_V = 0.01


@dataclass(frozen=True)
class ProtocolStep:
    """One tester step as read from the data."""

    kind: str  # "cc", "cv", "rest" or "other"
    current_A: float  # time-mean current, + = charge (0 for rest)
    duration_s: float
    voltage_start_V: float
    voltage_end_V: float
    cycle: int

    def describe(self) -> str:
        """The step in tester words, e.g. 'Charge at 1.2 mA for 2.00 h'."""
        hours = self.duration_s / 3600.0
        if self.kind == "rest":
            return f"Rest for {hours:.3g} h"
        if self.kind == "cv":
            return f"Hold at {self.voltage_end_V:.4g} V for {hours:.3g} h"
        verb = "Charge" if self.current_A > 0 else "Discharge"
        return f"{verb} at {abs(self.current_A) * 1e3:.4g} mA for {hours:.3g} h"


@dataclass
class Protocol:
    """The steps of a measured test, in order."""

    steps: list[ProtocolStep] = field(default_factory=list)

    @property
    def duration_s(self) -> float:
        return float(sum(s.duration_s for s in self.steps))

    def as_dicts(self) -> list[dict[str, Any]]:
        return [asdict(s) | {"text": s.describe()} for s in self.steps]


def extract_protocol(data: CyclerData | pd.DataFrame) -> Protocol:
    """The protocol a measured file ran: one :class:`ProtocolStep` per tester step.

    A step with current is 'cc' when its current varies by less than ``CC_TOLERANCE`` of
    its mean, 'cv' when instead its voltage stays within ``CV_TOLERANCE_V``, else 'other'.
    A step's duration runs from the previous step's last point to its own last point, so
    the steps add up to the test time.
    """
    df = data.data if isinstance(data, CyclerData) else data
    steps = step_summary(df)
    if steps.empty:
        return Protocol()
    i = df["current_A"].to_numpy(np.float64)
    v = df["voltage_V"].to_numpy(np.float64)
    step_ids = df["step"].to_numpy()
    out = []
    for s in steps.itertuples(index=False):
        m = step_ids == s.step
        if s.step_type == "rest":
            kind = "rest"
        elif s.step_type in ("charge", "discharge"):
            ii, vv = i[m], v[m]
            mean = abs(float(s.current_mean_A))
            if mean > 0 and float(np.std(ii)) <= CC_TOLERANCE * mean:
                kind = "cc"
            elif float(np.ptp(vv)) <= CV_TOLERANCE_V:
                kind = "cv"
            else:
                kind = "other"
        else:
            kind = "other"
        out.append(
            ProtocolStep(
                kind=kind,
                current_A=0.0 if kind == "rest" else float(s.current_mean_A),
                duration_s=float(s.duration_s),
                voltage_start_V=float(s.voltage_start_V),
                voltage_end_V=float(s.voltage_end_V),
                cycle=int(s.cycle),
            )
        )
    return Protocol(out)


Simulator = Callable[[Protocol], tuple[np.ndarray, np.ndarray]]
_SIMULATORS: dict[str, Simulator] = {}


def register_simulator(cell_name: str, fn: Simulator) -> None:
    """Make ``simulate_protocol(cell_name, ...)`` call ``fn(protocol) -> (time_s, V)``."""
    _SIMULATORS[cell_name] = fn


def simulate_protocol(cell_name: str, protocol: Protocol) -> tuple[np.ndarray, np.ndarray]:
    """Run ``protocol`` on the named cell model; returns (time_s, voltage_V) arrays.

    Adapter for the integrator: a cell model registers itself with
    :func:`register_simulator`. Until one is registered for ``cell_name`` this raises a
    :class:`NakcellInputError` saying so (no made-up trace is ever returned).
    """
    fn = _SIMULATORS.get(cell_name)
    if fn is None and _is_model_cell(cell_name):
        from nakcell.cell.replay import simulate_data_protocol

        return simulate_data_protocol(cell_name, protocol)
    if fn is None:
        known = ", ".join(sorted(_SIMULATORS)) or "none registered yet"
        raise NakcellInputError(
            "cell",
            repr(cell_name),
            f"a cell model registered with nakcell.analysis.compare.register_simulator "
            f"(known: {known}); or give a simulated trace with --sim FILE",
        )
    t, v = fn(protocol)
    t, v = np.asarray(t, dtype=np.float64), np.asarray(v, dtype=np.float64)
    if t.shape != v.shape or t.ndim != 1 or t.size < 2:
        raise NakcellInputError(
            "simulator", f"arrays of shapes {t.shape}, {v.shape}", "two equal 1-D arrays"
        )
    return t, v


def _is_model_cell(name: str) -> bool:
    """A named cell of nakcell.materials or a .toml cell file: replayed by the built-in model."""
    from nakcell.materials import CELLS

    return name in CELLS or name.endswith(".toml")


def read_trace(path: str | Path) -> tuple[np.ndarray, np.ndarray]:
    """A simulated trace from a CSV with columns ``time_s`` and ``voltage_V``."""
    from nakcell.errors import NakcellFileError
    from nakcell.io._guard import file_errors

    p = Path(path)
    if not p.is_file():
        raise NakcellFileError(p, "no such file")
    with file_errors(p, "trace CSV"):
        df = pd.read_csv(p)
    missing = {"time_s", "voltage_V"} - set(df.columns)
    if missing or len(df) < 2:
        raise NakcellFileError(p, "needs columns time_s and voltage_V and at least two rows")
    t = pd.to_numeric(df["time_s"], errors="coerce").to_numpy(np.float64)
    v = pd.to_numeric(df["voltage_V"], errors="coerce").to_numpy(np.float64)
    ok = np.isfinite(t) & np.isfinite(v)
    if ok.sum() < 2:
        raise NakcellFileError(p, "fewer than two numeric (time_s, voltage_V) rows")
    return t[ok], v[ok]


def compare_traces(
    t_meas: np.ndarray, v_meas: np.ndarray, t_sim: np.ndarray, v_sim: np.ndarray
) -> dict[str, Any]:
    """RMS, largest and mean (sim - meas) voltage difference over the common time span.

    The simulated trace is linearly interpolated at the measured times that fall inside it.
    """
    tm, vm = np.asarray(t_meas, float), np.asarray(v_meas, float)
    ts, vs = np.asarray(t_sim, float), np.asarray(v_sim, float)
    order = np.argsort(ts, kind="stable")
    ts, vs = ts[order], vs[order]
    inside = (tm >= ts[0]) & (tm <= ts[-1]) & np.isfinite(vm)
    if not inside.any():
        return {"n_points": 0, "overlap_s": 0.0, "rmse_V": None, "max_abs_V": None, "bias_V": None}
    diff = np.interp(tm[inside], ts, vs) - vm[inside]
    return {
        "n_points": int(inside.sum()),
        "overlap_s": float(tm[inside][-1] - tm[inside][0]),
        "rmse_V": float(np.sqrt(np.mean(diff**2))),
        "max_abs_V": float(np.max(np.abs(diff))),
        "bias_V": float(np.mean(diff)),
    }


def plot_overlay(
    t_meas: np.ndarray,
    v_meas: np.ndarray,
    t_sim: np.ndarray | None,
    v_sim: np.ndarray | None,
    out: str | Path,
    *,
    title: str = "",
    sim_label: str = "simulated",
) -> Path:
    """Measured (and simulated) voltage against time in hours, saved as an image."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 4.5), dpi=110)
    ax.plot(np.asarray(t_meas) / 3600.0, v_meas, lw=1.0, label="measured")
    if t_sim is not None and v_sim is not None:
        ax.plot(np.asarray(t_sim) / 3600.0, v_sim, lw=1.0, ls="--", label=sim_label)
    ax.set_xlabel("time / h")
    ax.set_ylabel("voltage / V")
    ax.set_title(title)
    ax.legend(loc="best")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    p = Path(out)
    fig.savefig(p)
    plt.close(fig)
    return p
