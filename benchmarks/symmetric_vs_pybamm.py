"""Cost per simulated cell-cycle, end to end: nakcell's CLI on a 1000-cell batch vs PyBaMM's SPM.

Run: ``python benchmarks/symmetric_vs_pybamm.py``. Both sides are timed as one fresh process
each, start-up included (imports, parameter and model build, solve, output):

- nakcell: ``nakcell cycle --cell seed-na --current-density <1000 values> --duration 10 h``
  (1000 cells x 10 cycles, 0.5 h half-cycles, dt = 30 s);
- PyBaMM: a process that imports PyBaMM and cycles its single particle model with the
  Chayambuka2022 Na-ion parameter set at 1C between its voltage limits (3 cycles).

Prints both costs and their ratio (goal: nakcell >= 1000x cheaper per cell-cycle), plus the
in-process costs without start-up. nakcell's time step resolves the interface physics: see
benchmarks/symmetric_convergence.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("PYBAMM_DISABLE_TELEMETRY", "true")
SRC = str(Path(__file__).resolve().parents[1] / "src")

PYBAMM_SCRIPT = """
import pybamm
model = pybamm.lithium_ion.SPM()
params = pybamm.ParameterValues("Chayambuka2022")
lo, hi = params["Lower voltage cut-off [V]"], params["Upper voltage cut-off [V]"]
exp = pybamm.Experiment([(f"Discharge at 1C until {lo} V", f"Charge at 1C until {hi} V")] * {n})
pybamm.Simulation(model, parameter_values=params, experiment=exp).solve()
"""


def _run(args: list[str]) -> float:
    env = {**os.environ, "PYTHONPATH": SRC + os.pathsep + os.environ.get("PYTHONPATH", "")}
    t0 = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True, env=env)
    return time.perf_counter() - t0


def nakcell_cli_cost(n_cells: int = 1000, n_cycles: int = 10) -> float:
    """Seconds per cell-cycle of one ``nakcell cycle`` process on an n-cell batch."""
    currents = ",".join(f"{0.1 + 4.9 * k / (n_cells - 1):.5f}" for k in range(n_cells))
    args = [sys.executable, "-m", "nakcell.cli", "cycle", "--cell", "seed-na"]
    args += ["--current-density", currents, "--half-cycle", "0.5", "--duration", str(n_cycles)]
    return _run([*args, "--json"]) / (n_cells * n_cycles)


def pybamm_cli_cost(n_cycles: int = 3) -> float:
    """Seconds per cycle of one fresh process running PyBaMM's SPM."""
    return _run([sys.executable, "-c", PYBAMM_SCRIPT.replace("{n}", str(n_cycles))]) / n_cycles


def nakcell_inprocess_cost(n_cells: int = 1000, n_cycles: int = 10) -> float:
    import numpy as np

    sys.path.insert(0, SRC)
    from nakcell.cell.symmetric import simulate_symmetric
    from nakcell.materials import seed_na
    from nakcell.protocols import Galvanostatic

    i = tuple(np.linspace(0.1, 5.0, n_cells) * 10.0)
    simulate_symmetric(seed_na(), Galvanostatic(i[:2], 1800.0, 3600.0), steps_per_half=4)
    t0 = time.perf_counter()
    simulate_symmetric(seed_na(), Galvanostatic(i, 1800.0, n_cycles * 3600.0))
    return (time.perf_counter() - t0) / (n_cells * n_cycles)


def main() -> None:
    ours = nakcell_cli_cost()
    theirs = pybamm_cli_cost()
    print(
        f"nakcell cycle CLI, 1000 cells x 10 cycles, one process: {ours * 1e6:9.1f} us/cell-cycle"
    )
    print(f"PyBaMM SPM Chayambuka2022, 1C, one process:           {theirs * 1e3:9.1f} ms/cycle")
    print(f"ratio end to end (PyBaMM / nakcell): {theirs / ours:,.0f}x (goal >= 1000x)")
    print(f"nakcell in-process (no start-up): {nakcell_inprocess_cost() * 1e6:.1f} us/cell-cycle")


if __name__ == "__main__":
    main()
