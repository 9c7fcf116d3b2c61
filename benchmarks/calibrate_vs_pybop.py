"""Calibration speed and honesty: nakcell.calibrate beside PyBOP, in one process.

PyBOP (26.3): PyBaMM SPM with Chen2020, the two active-material volume fractions, a 301-point
0.5C discharge (5 min at 1 s), 1 mV Gaussian noise, Gaussian likelihood with known sigma;
per-evaluation cost from ``problem.evaluate_batch`` and an adaptive-covariance MCMC
(Haario-Bardenet, 3 chains) run to R-hat < 1.01 and ESS >= 1000.

nakcell: a 20-cycle symmetric-cell trace (seed-na; 5 cycles each at 0.05, 0.1, 0.2, 0.5
mA/cm2, 30 min half-cycles; the 40 half-cycle mean voltages with 1 mV noise), 4 parameters
(i0, electrolyte.sigma_ref, anode.creep_A, stack_pressure); per-evaluation cost in batches
of 1 to 8192 (4 time steps per half-cycle, the engine's minimum per segment), then side
by side with PyBOP in interleaved rounds (``--batch`` rows, 1 and 2 threads) and the full
posterior (point estimate + 4 lockstep ensembles of 256 walkers) to R-hat < 1.01 and
ESS >= 1000. Wall and CPU (process) times are both printed: the 2 cores are shared.

Both R-hat / ESS are computed by the same functions (nakcell.calibrate.inference).
Coverage: nakcell's from tests/test_calibrate_coverage.py's setting (``--coverage N``
datasets, default 50); PyBOP's over ``--pybop-coverage N`` datasets (default 0: each is a full
MCMC run of ~20 s or more on 2 cores).

Run: PYTHONPATH=src python benchmarks/calibrate_vs_pybop.py [--coverage 50] [--pybop-coverage 0]
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

PYBOP_MS = (0.8, 3.7)  # the measured PyBOP per-evaluation range (ms)


# --------------------------------------------------------------------------- nakcell side
def nak_problem(noise: float = 1e-3, seed: int = 1):  # type: ignore[no-untyped-def]
    from nakcell.calibrate.inference import Problem
    from nakcell.calibrate.model import CalibModel
    from nakcell.calibrate.observations import Trace
    from nakcell.calibrate.priors import build_priors
    from nakcell.materials import get_cell
    from nakcell.protocols import StepSequence

    cell = get_cell("seed-na")
    names = ["i0", "electrolyte.sigma_ref", "anode.creep_A", "stack_pressure"]
    cur = []
    for j in (0.5, 1.0, 2.0, 5.0):  # A/m2 = 0.05 .. 0.5 mA/cm2
        cur += [j, -j] * 5
    seq = StepSequence((1800.0,) * 40, tuple(cur), v_limit=1e3)
    obs = Trace(label="20-cycle trace", protocol=seq, seg_index=np.arange(40), sigma=noise)
    model = CalibModel(cell, tuple(names), steps_per_half=4)
    prob = Problem(model, build_priors(cell, names), [obs])
    # truth: the seed cell with i0 = 2 mA/cm2 (R_ct ~ 13 ohm cm2; the default sits on the
    # prior's upper edge, where no 95 % interval can hold it)
    truth = np.array([[20.0, cell.electrolyte.sigma_ref, cell.anode.creep_A, cell.stack_pressure]])
    clean = prob.predict(truth)[0][0]
    obs.data = clean + noise * np.random.default_rng(seed).standard_normal(clean.shape)
    return prob, truth[0]


def nak_cost(prob, sizes=(1, 64, 1024, 4096, 8192), threads=(1,)):  # type: ignore[no-untyped-def]
    """ms per evaluation (wall, CPU) of one log_posterior call per batch size (and threads)."""
    rng = np.random.default_rng(0)
    out, out_cpu = {}, {}
    prob.log_posterior(prob.sample_prior(rng, 4))  # warm caches
    for th in threads:
        prob.threads = th
        for n in sizes:
            y = prob.sample_prior(rng, n)
            t, c = time.perf_counter(), time.process_time()
            prob.log_posterior(y)
            out[n, th] = 1e3 * (time.perf_counter() - t) / n
            out_cpu[n, th] = 1e3 * (time.process_time() - c) / n
            print(
                f"  nakcell batch {n:5d}, {th} thread(s): {out[n, th]:.4f} ms per evaluation "
                f"(CPU {out_cpu[n, th]:.4f} ms)"
            )
    prob.threads = 1
    return out, out_cpu


def side_by_side(prob, pprob, rounds: int = 3, n_nak: int = 4096, threads: int = 2):  # type: ignore[no-untyped-def]
    """Interleaved rounds (PyBOP batch of 100, then ours at n_nak rows, 1 and ``threads``
    threads), so both see the same machine load; medians over the rounds."""
    rows = []
    for r in range(rounds):
        pw, pc = pybop_cost(pprob)
        nw, nc = nak_cost(prob, sizes=(n_nak,), threads=(1, threads))
        rows.append((pw, pc, nw[n_nak, 1], nc[n_nak, 1], nw[n_nak, threads], nc[n_nak, threads]))
        print(f"  round {r + 1}: load average {os.getloadavg()[0]:.2f}")
    med = np.median(np.array(rows), axis=0)
    pw, pc, w1, c1, w2, c2 = med
    print(
        f"  median of {rounds} rounds: PyBOP {pw:.3f} ms wall / {pc:.3f} ms CPU per evaluation "
        f"(evaluate_batch of 100, its threads); nakcell batch {n_nak}: 1 thread {w1:.3f} ms wall"
        f" / {c1:.3f} ms CPU, {threads} threads {w2:.3f} ms wall / {c2:.3f} ms CPU"
    )
    print(
        f"  per-evaluation ratio PyBOP / nakcell: CPU {pc / c1:.1f}x (1 thread) "
        f"{pc / c2:.1f}x ({threads} threads); wall {pw / w1:.1f}x (1 thread) "
        f"{pw / w2:.1f}x ({threads} threads, as PyBOP's batch)"
    )
    return med


def nak_posterior(prob, truth):  # type: ignore[no-untyped-def]
    from nakcell.calibrate.inference import run_posterior
    from nakcell.calibrate.result import Calibration

    run = run_posterior(
        prob, walkers=512, target_ess=1000, max_steps=3000, chunk=25, progress=print
    )
    cal = Calibration(prob, run)
    for (k, s), t, p in zip(cal.summary().items(), truth, prob.priors, strict=True):
        inside = s["q2.5"] <= float(p.field(t)) <= s["q97.5"]
        print(
            f"  {k:24s} {s['median']:.4g} [{s['q2.5']:.4g}, {s['q97.5']:.4g}] {s['unit']}"
            f" identifiable={s['identifiable']} truth inside={inside}"
        )
    return run


def nak_coverage(n: int) -> float:
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    import test_calibrate_coverage as tc

    tc.K = n
    t = time.perf_counter()
    tc.test_95_percent_intervals_cover_the_truth()  # prints the coverage
    return time.perf_counter() - t


# --------------------------------------------------------------------------- PyBOP side
def pybop_problem(noise: float = 1e-3, seed: int = 1):  # type: ignore[no-untyped-def]
    import pybamm
    import pybop

    model = pybamm.lithium_ion.SPM()
    pv = pybamm.ParameterValues("Chen2020")
    exp = pybamm.Experiment(["Discharge at 0.5C for 5 minutes (1 second period)"])
    sol = pybamm.Simulation(model, parameter_values=pv, experiment=exp).solve()
    t = sol["Time [s]"].data
    v = sol["Voltage [V]"].data
    rng = np.random.default_rng(seed)
    ds = pybop.Dataset(
        {
            "Time [s]": t,
            "Current [A]": sol["Current [A]"].data,
            "Voltage [V]": v + noise * rng.standard_normal(v.size),
        }
    )
    truth = [
        pv["Negative electrode active material volume fraction"],
        pv["Positive electrode active material volume fraction"],
    ]
    pv.update(
        {
            "Negative electrode active material volume fraction": pybop.Parameter(
                distribution=pybop.Uniform(0.5, 0.9)
            ),
            "Positive electrode active material volume fraction": pybop.Parameter(
                distribution=pybop.Uniform(0.5, 0.9)
            ),
        }
    )
    sim = pybop.pybamm.Simulator(pybamm.lithium_ion.SPM(), parameter_values=pv, protocol=ds)
    like = pybop.GaussianLogLikelihoodKnownSigma(ds, sigma=noise)
    return pybop.LogPosterior(sim, like), np.array(truth, float), t.size


def pybop_cost(problem, n: int = 100) -> float:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(0)
    names = list(problem.parameters.keys()) if hasattr(problem.parameters, "keys") else None
    xs = rng.uniform(0.55, 0.85, (n, 2))
    inputs = [dict(zip(names, x, strict=True)) for x in xs] if names else list(xs)
    problem.evaluate_batch(inputs[:2])
    t, c = time.perf_counter(), time.process_time()
    problem.evaluate_batch(inputs)
    ms = 1e3 * (time.perf_counter() - t) / n
    cpu = 1e3 * (time.process_time() - c) / n
    print(f"  PyBOP evaluate_batch of {n}: {ms:.3f} ms per evaluation (CPU {cpu:.3f} ms)")
    return ms, cpu


def pybop_posterior(problem, truth, max_iter: int = 12000):  # type: ignore[no-untyped-def]
    import pybop

    from nakcell.calibrate.inference import diagnostics

    it = 2000
    total = 0.0
    while True:
        opts = pybop.PintsSamplerOptions(
            n_chains=3, max_iterations=it, warm_up_iterations=it // 4, verbose=False
        )
        sampler = pybop.HaarioBardenetACMC(problem, options=opts)
        t = time.perf_counter()
        res = sampler.run()
        dt = time.perf_counter() - t
        total += dt
        ch = np.asarray(res.chains)  # (chains, iterations, d)
        kept = ch[:, ch.shape[1] // 4 :, :]
        d = diagnostics([c[:, None, :] for c in kept], float("nan"))
        print(
            f"  PyBOP ACMC 3 x {it}: {dt:.1f} s, R-hat {d['max_rhat']:.4f}, ESS {d['min_ess']:.0f}"
        )
        if (d["max_rhat"] < 1.01 and d["min_ess"] >= 1000) or it >= max_iter:
            flat = kept.reshape(-1, kept.shape[-1])
            q = np.quantile(flat, [0.025, 0.975], axis=0)
            print(f"  95 % intervals {q.T.tolist()}, truth {truth.tolist()}")
            return dt, total, d
        it *= 2


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--coverage", type=int, default=50)
    ap.add_argument("--pybop-coverage", type=int, default=0)
    ap.add_argument("--skip-pybop", action="store_true")
    ap.add_argument("--skip-pybop-posterior", action="store_true")
    ap.add_argument("--skip-nak-posterior", action="store_true")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--batch", type=int, default=8192, help="nakcell rows per call, side by side")
    a = ap.parse_args()

    print(f"load average at start: {os.getloadavg()[0]:.2f} (2 cores shared)")
    print("nakcell: 20-cycle symmetric trace, 4 parameters")
    prob, truth = nak_problem()
    cost, cost_cpu = nak_cost(prob)
    nak_s = float("nan")
    if not a.skip_nak_posterior:
        run = nak_posterior(prob, truth)
        d = run.diagnostics
        nak_s = run.seconds
        print(
            f"  posterior: {run.seconds:.1f} s wall, {run.cpu_seconds:.1f} s CPU to R-hat "
            f"{d['max_rhat']:.4f} / ESS {d['min_ess']:.0f}"
            f" ({run.evaluations} evaluations, {1e3 * run.seconds / run.evaluations:.3f} ms each)"
        )
    best, best_cpu = min(cost.values()), min(cost_cpu.values())
    print(
        f"  cost vs the issue's PyBOP {PYBOP_MS[0]}-{PYBOP_MS[1]} ms: "
        f"{PYBOP_MS[0] / best:.0f}x-{PYBOP_MS[1] / best:.0f}x lower per evaluation (wall), "
        f"{PYBOP_MS[0] / best_cpu:.0f}x-{PYBOP_MS[1] / best_cpu:.0f}x (CPU)"
    )
    if not a.skip_pybop:
        print("PyBOP: SPM Chen2020, 2 parameters")
        pprob, ptruth, npts = pybop_problem()
        print(f"  {npts} points")
        print("side by side (same process, interleaved):")
        side_by_side(prob, pprob, rounds=a.rounds, n_nak=a.batch)
        if not a.skip_pybop_posterior:
            dt, total, _ = pybop_posterior(pprob, ptruth)
            print(
                f"  time to R-hat < 1.01 and ESS >= 1000: PyBOP {dt:.1f} s (final run; "
                f"{total:.1f} s with the shorter tries) vs nakcell {nak_s:.1f} s"
            )
    if a.coverage:
        print(f"nakcell coverage over {a.coverage} synthetic datasets:")
        print(f"  ({nak_coverage(a.coverage):.1f} s)")
    if a.pybop_coverage:
        print("PyBOP coverage: not run in this version (each dataset is a full MCMC run)")
    print(f"load average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
