"""Benchmark: start-up of a single-cell run — the Butler surface-tension table and first steps.

Goal (issue 15, item 9): a single-cell ``nakcell cycle --cell seed-nak`` spends < 0.5 s beyond
imports. Prints (1) the 39 x 201 (T, x) Butler table, vectorised vs the scalar Brent solve it
replaced (ratio), and (2) the first ``simulate_symmetric`` call on seed-nak (setup + 4 steps)
in a fresh process, after imports. Usage:

    python benchmarks/startup_surface_tension.py [--scalar-points 400]

The scalar solve is timed on ``--scalar-points`` random table points and scaled to the 7,839
of the table (its cost is the same per point), so the benchmark stays short.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

import numpy as np

GOAL_S = 0.5
FIRST_CALL = """
import time
import nakcell.cell.symmetric as s, nakcell.materials as m, nakcell.protocols as p
c = m.get_cell("seed-nak")
t = time.perf_counter()
s.simulate_symmetric(c, p.Galvanostatic(250.0, 60.0, 120.0), steps_per_half=2)
print(time.perf_counter() - t)
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scalar-points", type=int, default=400)
    args = ap.parse_args()
    from nakcell.thermo.properties import surface_tension_NaK, surface_tension_NaK_array

    temps = np.linspace(230.0, 420.0, 39)
    xs = (1.0 - np.cos(np.pi * np.linspace(0.0, 1.0, 201))) / 2.0
    xs[0] = 1e-9
    X, T = np.meshgrid(xs, temps)
    surface_tension_NaK_array(0.5, 300.0)  # warm the TDB model
    t0 = time.perf_counter()
    surface_tension_NaK_array(X, T)
    t_vec = time.perf_counter() - t0
    idx = np.random.default_rng(0).integers(0, X.size, args.scalar_points)
    t0 = time.perf_counter()
    for k in idx:
        surface_tension_NaK(float(X.flat[k]), float(T.flat[k]))
    t_scalar = (time.perf_counter() - t0) / args.scalar_points * X.size
    print(
        f"Butler table ({X.size} points): vectorised {t_vec * 1e3:.1f} ms, scalar ~{t_scalar:.2f} s"
    )
    print(f"  ratio scalar / vectorised: {t_scalar / t_vec:.0f}x")
    out = subprocess.run([sys.executable, "-c", FIRST_CALL], capture_output=True, text=True)
    first = float(out.stdout.strip().splitlines()[-1])
    verdict = "meets" if first < GOAL_S else "misses"
    print(f"first simulate_symmetric call on seed-nak (setup + 4 steps): {first:.3f} s")
    print(f"  {verdict} the < {GOAL_S} s start-up goal ({first / GOAL_S:.2f} of it)")


if __name__ == "__main__":
    main()
