"""Cost per simulated cell-cycle: nakcell's 1000-cell symmetric batch vs PyBaMM's SPM.

Run: ``python benchmarks/symmetric_vs_pybamm.py``. Prints both costs and their ratio (goal:
nakcell >= 1000x cheaper per cell-cycle). The anchor is PyBaMM's single particle model with
the Chayambuka2022 Na-ion parameter set, cycled at 1C between its voltage limits, on the same
machine in the same process. nakcell's time step resolves the interface physics: see
benchmarks/symmetric_convergence.py (dt = half-cycle / 60 converges the overpotential to
< 0.1%).
"""

from __future__ import annotations

import os
import time

os.environ.setdefault("PYBAMM_DISABLE_TELEMETRY", "true")


def nakcell_cost(n_cells: int = 1000, n_cycles: int = 10, steps_per_half: int = 60) -> float:
    import numpy as np

    from nakcell.cell.symmetric import simulate_symmetric
    from nakcell.materials import seed_na
    from nakcell.protocols import Galvanostatic

    i = tuple(np.linspace(0.1, 5.0, n_cells) * 10.0)  # 0.1-5 mA/cm2, A/m2
    proto = Galvanostatic(i, 1800.0, n_cycles * 3600.0)
    simulate_symmetric(seed_na(), Galvanostatic(i[:2], 1800.0, 3600.0), steps_per_half=4)  # warm
    t0 = time.perf_counter()
    simulate_symmetric(seed_na(), proto, steps_per_half=steps_per_half)
    return (time.perf_counter() - t0) / (n_cells * n_cycles)


def pybamm_cost(n_cycles: int = 3) -> tuple[float, float]:
    import pybamm

    pybamm.telemetry.disable() if hasattr(pybamm, "telemetry") else None
    model = pybamm.lithium_ion.SPM()
    params = pybamm.ParameterValues("Chayambuka2022")
    v_lo = params["Lower voltage cut-off [V]"]
    v_hi = params["Upper voltage cut-off [V]"]
    exp = pybamm.Experiment(
        [(f"Discharge at 1C until {v_lo} V", f"Charge at 1C until {v_hi} V")] * n_cycles
    )
    t0 = time.perf_counter()
    sim = pybamm.Simulation(model, parameter_values=params, experiment=exp)
    sim.solve()
    total = time.perf_counter() - t0
    # second solve: model already built and discretised (solver cost only)
    t1 = time.perf_counter()
    sim2 = pybamm.Simulation(model, parameter_values=params, experiment=exp)
    sim2.solve()
    total2 = time.perf_counter() - t1
    return total / n_cycles, total2 / n_cycles


def main() -> None:
    ours = nakcell_cost()
    first, again = pybamm_cost()
    print(f"nakcell symmetric batch (1000 cells, dt = 30 s): {ours * 1e6:9.2f} us per cell-cycle")
    print(
        f"PyBaMM SPM Chayambuka2022, 1C cycles:           {first * 1e3:9.1f} ms per cycle "
        f"(incl. build), {again * 1e3:.1f} ms (second run)"
    )
    print(
        f"ratio (PyBaMM / nakcell): {first / ours:,.0f}x incl. build, {again / ours:,.0f}x "
        "second run (goal >= 1000x)"
    )


if __name__ == "__main__":
    main()
