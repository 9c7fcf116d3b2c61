"""100 cycles at 10C: nakcell's full cell vs PyBaMM's own SPM and DFN on the same NVP set.

Run: ``python benchmarks/full_cell_vs_pybamm.py [--cycles 100]``. The anchors are PyBaMM's
half-cell SPM and DFN (working electrode = positive) with ``nvp_parameter_values()``, driven by
``pybamm.Experiment`` (CC charge to 4.0 V, CC discharge to 2.5 V at 10C), in the same process
on the same machine. nakcell runs its default (SPMe + pellet + anode interface + interlayer,
with the anode state updated 4 times per half-cycle). Prints wall times, ratios, and the
capacities so the physics can be compared too (the anchors have no series elements).
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("PYBAMM_DISABLE_TELEMETRY", "true")


def pybamm_run(model_name: str, cycles: int, rate: float) -> tuple[float, float, float]:
    from nakcell.cell._pybamm import disable_telemetry
    from nakcell.cell.full import get_full_cell

    pybamm = disable_telemetry()
    fc = get_full_cell("seed-nak")
    pv = fc.parameter_values()
    pv["Nominal cell capacity [A.h]"] = fc.one_c_current()
    model = getattr(pybamm.lithium_ion, model_name)({"working electrode": "positive"})
    exp = pybamm.Experiment(
        [(f"Charge at {rate}C until 4 V", f"Discharge at {rate}C until 2.5 V")] * cycles
    )
    t0 = time.perf_counter()
    sim = pybamm.Simulation(model, parameter_values=pv, experiment=exp)
    sol = sim.solve()
    wall = time.perf_counter() - t0
    m = fc.cathode.active_loading * fc.area
    caps = []
    for cyc in (sol.cycles[0], sol.cycles[-1]):
        d = cyc.steps[1]
        caps.append(rate * fc.one_c_current() * (d.t[-1] - d.t[0]) / m / 3600)
    return wall, caps[0], caps[1]


def nakcell_run(cycles: int, rate: float, model: str = "SPMe") -> tuple[float, float, float]:
    from nakcell.cell.full import simulate_full
    from nakcell.protocols import FullCellCycling

    t0 = time.perf_counter()
    r = simulate_full("seed-nak", FullCellCycling.long_cycling(rate, cycles), model=model)
    wall = time.perf_counter() - t0
    return wall, float(r.capacity_mAh_g[0]), float(r.capacity_mAh_g[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cycles", type=int, default=100)
    ap.add_argument("--rate", type=float, default=10.0)
    ap.add_argument("--repeats", type=int, default=3, help="best of N (shared machines are noisy)")
    a = ap.parse_args()
    from nakcell.cell.full import simulate_full
    from nakcell.protocols import FullCellCycling

    simulate_full("seed-nak", FullCellCycling((10.0,)), chunks=1)  # imports and caches, untimed
    runs = {
        "nakcell full (SPMe + series)": lambda: nakcell_run(a.cycles, a.rate),
        "nakcell full (SPM + series)": lambda: nakcell_run(a.cycles, a.rate, "SPM"),
        "PyBaMM SPM (Experiment)": lambda: pybamm_run("SPM", a.cycles, a.rate),
        "PyBaMM SPMe (Experiment)": lambda: pybamm_run("SPMe", a.cycles, a.rate),
        "PyBaMM DFN (Experiment)": lambda: pybamm_run("DFN", a.cycles, a.rate),
    }
    rows = {
        name: min((fn() for _ in range(a.repeats)), key=lambda r: r[0]) for name, fn in runs.items()
    }
    ours = rows["nakcell full (SPMe + series)"][0]
    print(f"{a.cycles} cycles at {a.rate:g}C, seed-nak | NHSP | NVP, best of {a.repeats}")
    print(f"{'run':<32}{'wall s':>9}{'cap1 mAh/g':>12}{'capN mAh/g':>12}{'ours / it':>11}")
    for name, (wall, c1, cn) in rows.items():
        print(f"{name:<32}{wall:9.2f}{c1:12.2f}{cn:12.2f}{ours / wall:11.2f}")


if __name__ == "__main__":
    main()
