"""Points per second on 2 cores: the Dask sweep vs a plain multiprocessing loop, same model.

Run: ``python benchmarks/sweep_vs_multiprocessing.py [--points 800] [--batch-size 50]``
(about 2 minutes on 2 cores).

Workload: the first ``--points`` points of ``examples/sweep-ccd.toml`` (seed-na cell, stepped
CCD test 2 -> 100 mA/cm2, 20 steps per half-cycle), the same points for every contender.

Contenders, all with 2 processes, all started by the "spawn" method (Dask's default), each
timed end to end (start-up of the processes included):
1. ``nakcell sweep`` engine: LocalCluster (2 workers x 1 thread), batches of
   ``--batch-size`` points (one vectorised model call each), every batch committed to
   DuckDB in its own transaction.
2. plain loop: ``multiprocessing.Pool(2).imap_unordered`` over the points, one model call
   per point, results kept in memory (no store): what one writes without the sweep tool.
   It is ~30x slower, so it runs the first ``--loop-points`` points only; rates compare.
3. batched pool: the same batches as (1) through ``Pool(2)``, in memory (no store, no
   scheduler): isolates what Dask + DuckDB cost from what batching gains.

Prints points/s of each and the ratios sweep / plain loop (goal >= 1) and sweep / batched pool
(the price of the scheduler, the store and crash safety).
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def _one_point(args: tuple) -> float | None:
    model, row = args
    from nakcell.cell.symmetric import simulate_symmetric

    cells, proto = model.cells(row[None, :])
    s = simulate_symmetric(cells, proto, steps_per_half=model.steps_per_half).summary(0)
    return s["ccd_mA_cm2"]


def _one_batch(args: tuple) -> int:
    from nakcell.sweep.batch import run_batch

    model, b, idx, hashes, rows = args
    return len(run_batch(model, b, idx, hashes, rows).hashes)


def _subset_spec(n: int, batch_size: int):
    """The example spec restricted to its first n points (an explicit list design)."""
    from nakcell.sweep.spec import load_spec

    spec = load_spec(ROOT / "examples" / "sweep-ccd.toml")
    rows = spec.design()[:n]
    return spec, rows, spec.point_hashes(rows)


def time_dask(n: int, batch_size: int) -> tuple[float, dict]:
    from nakcell.sweep.engine import _execute
    from nakcell.sweep.store import SweepStore

    spec, rows, hashes = _subset_spec(n, batch_size)
    with tempfile.TemporaryDirectory() as d:
        t0 = time.perf_counter()
        with SweepStore(Path(d) / "bench.duckdb") as st:
            st.prepare(spec, resume=False)
            new, workers = _execute(
                spec,
                st,
                np.arange(n),
                rows,
                hashes,
                batch_size,
                False,
                None,
                2,
                "none",
                None,
            )
            assert new == n and st.rows() == n
        return time.perf_counter() - t0, {"workers": workers}


def time_pool_points(n: int) -> float:
    spec, rows, _ = _subset_spec(n, 1)
    t0 = time.perf_counter()
    with mp.get_context("spawn").Pool(2) as pool:
        out = list(pool.imap_unordered(_one_point, [(spec.model, r) for r in rows], chunksize=4))
    assert len(out) == n
    return time.perf_counter() - t0


def time_pool_batches(n: int, batch_size: int) -> float:
    spec, rows, hashes = _subset_spec(n, batch_size)
    tasks = [
        (spec.model, b, np.arange(s, min(s + batch_size, n)), hashes[s : s + batch_size],
         rows[s : s + batch_size])
        for b, s in enumerate(range(0, n, batch_size))
    ]  # fmt: skip
    t0 = time.perf_counter()
    with mp.get_context("spawn").Pool(2) as pool:
        done = sum(pool.imap_unordered(_one_batch, tasks))
    assert done == n
    return time.perf_counter() - t0


def startup_cost() -> float:
    """Seconds for a spawned process to import the model and build its caches (once)."""
    t0 = time.perf_counter()
    with mp.get_context("spawn").Pool(1) as pool:
        pool.apply(_warm)
    return time.perf_counter() - t0


def cluster_startup() -> float:
    """Seconds to start the sweep's LocalCluster (2 workers), warm it and close it again."""
    import logging

    from distributed import Client, LocalCluster

    from nakcell.sweep.engine import warm_workers

    t0 = time.perf_counter()
    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster) as client,
    ):
        warm_workers(client)
    return time.perf_counter() - t0


def _warm() -> int:
    from nakcell.sweep.batch import warm_up

    return warm_up()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--points", type=int, default=800)
    ap.add_argument("--batch-size", type=int, default=50)
    ap.add_argument(
        "--loop-points",
        type=int,
        default=200,
        help="points for the slow one-point-per-call loop (its rate is compared, not its time)",
    )
    ap.add_argument("--repeat", type=int, default=2, help="best of N for the batched contenders")
    a = ap.parse_args()
    n, bs, m = a.points, a.batch_size, min(a.loop_points, a.points)
    print(f"workload: {n} points of examples/sweep-ccd.toml, 2 processes, batch {bs}")
    t_start = startup_cost()
    t_cluster = cluster_startup()
    print(
        f"start-up: Pool(1) spawn+import+caches {t_start:5.2f} s; "
        f"LocalCluster(2) start+warm+close {t_cluster:5.2f} s"
    )
    t_dask = t_pb = float("inf")
    for _ in range(a.repeat):  # interleaved, best of N: the machine is shared
        t_dask = min(t_dask, time_dask(n, bs)[0])
        t_pb = min(t_pb, time_pool_batches(n, bs))
    r_dask, r_pb = n / t_dask, n / t_pb
    t_pool = time_pool_points(m)
    r_pool = m / t_pool
    print(f"nakcell sweep (Dask LocalCluster + DuckDB): {t_dask:7.2f} s  {r_dask:8.1f} pts/s")
    print(f"multiprocessing, same batches, no store:   {t_pb:7.2f} s  {r_pb:8.1f} pts/s")
    print(
        f"plain multiprocessing loop, 1 point/call:  {t_pool:7.2f} s  {r_pool:8.1f} pts/s ({m} pts)"
    )
    print(f"ratio sweep / plain loop:     {r_dask / r_pool:6.2f}x  (goal >= 1x)")
    print(f"ratio sweep / batched pool:   {r_dask / r_pb:6.2f}x  (< 1x = scheduler + store cost)")
    steady = n / max(t_dask - t_cluster, 1e-9)
    print(
        f"sweep without its cluster start-up: {steady:8.1f} pts/s "
        f"({steady / r_pb:.2f}x the batched pool, which still includes its own start-up)"
    )


if __name__ == "__main__":
    main()
