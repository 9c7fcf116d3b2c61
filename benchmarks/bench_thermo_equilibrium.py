"""Single-point equilibrium and batch a_Na: nakcell vs plain pycalphad on the same TDB and point.

    python benchmarks/bench_thermo_equilibrium.py

Prints medians and ratios (>1 means nakcell is faster). No assertions: speed is measured here,
never in tests.
"""

from __future__ import annotations

import statistics
import time

import numpy as np


def _median(f, n: int) -> float:
    ts = []
    for _ in range(n):
        t0 = time.perf_counter()
        f()
        ts.append(time.perf_counter() - t0)
    return statistics.median(ts)


def main() -> None:
    from pycalphad import Database, equilibrium
    from pycalphad import variables as v

    from nakcell.constants import R
    from nakcell.thermo import a_Na
    from nakcell.thermo.equilibrium import equilibrium_point
    from nakcell.thermo.systems import tdb_path

    x, T = 0.572, 298.15  # the seed's 56 wt% K alloy at 25 C
    t0 = time.perf_counter()
    db = Database(str(tdb_path("Na-K")))
    phases = sorted(db.phases)
    conds = {v.T: T, v.P: 101325, v.N: 1, v.X("NA"): x}
    equilibrium(db, ["K", "NA", "VA"], phases, conds)
    cold_pyc = time.perf_counter() - t0
    t0 = time.perf_counter()
    equilibrium_point("Na-K", x, T)
    cold_nak = time.perf_counter() - t0

    plain = _median(lambda: equilibrium(db, ["K", "NA", "VA"], phases, conds), 15)
    temps = iter(T + 1e-4 * np.arange(1, 100))  # a new T each call: no memoisation
    ours = _median(lambda: equilibrium_point("Na-K", x, next(temps)), 15)
    memo = _median(lambda: equilibrium_point("Na-K", x, T), 15)
    wrapped = _median(lambda: equilibrium_point("Na-K", x, T, engine="pycalphad"), 15)
    print(f"single equilibrium at x_Na={x}, T={T} K")
    print(f"  cold: pycalphad {cold_pyc * 1e3:8.1f} ms   nakcell {cold_nak * 1e3:8.1f} ms")
    print(
        f"  warm: pycalphad {plain * 1e3:8.2f} ms   nakcell {ours * 1e3:8.2f} ms   "
        f"ratio pycalphad/nakcell = {plain / ours:6.1f}"
    )
    print(f"  nakcell, same T again (memoised fields) {memo * 1e3:8.3f} ms")
    print(
        f"  nakcell engine='pycalphad' wrapper {wrapped * 1e3:8.2f} ms   "
        f"ratio plain/wrapper = {plain / wrapped:5.2f}"
    )

    xs = np.linspace(0.2, 0.7, 200)
    mu_conds = {v.T: T, v.P: 101325, v.N: 1, v.X("NA"): xs}
    t_pyc = _median(lambda: equilibrium(db, ["K", "NA", "VA"], ["LIQUID"], mu_conds), 3)
    t_nak = _median(lambda: a_Na(xs, T), 200)
    eq = equilibrium(db, ["K", "NA", "VA"], ["LIQUID"], mu_conds)
    from pycalphad import calculate

    g0 = float(calculate(db, ["NA", "VA"], "LIQUID", T=T, P=101325, N=1).GM.values.squeeze())
    a_pyc = np.exp((eq.MU.sel(component="NA").values.squeeze() - g0) / (R * T))
    err = float(np.max(np.abs(a_Na(xs, T) / a_pyc - 1)))
    print(f"a_Na for {xs.size} compositions (one cell-model step)")
    print(
        f"  pycalphad (liquid only) {t_pyc * 1e3:8.1f} ms   nakcell {t_nak * 1e6:8.1f} us"
        f"   ratio = {t_pyc / t_nak:8.0f}   max rel. difference {err:.1e}"
    )


if __name__ == "__main__":
    main()
