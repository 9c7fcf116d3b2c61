"""Run a sweep on Dask: a LocalCluster by default, an existing scheduler by address.

The client keeps a bounded window of batch tasks in flight (two per worker thread), stores
each finished batch in one DuckDB transaction and submits the next. Batch tasks are pure
functions of their inputs, so when a worker dies the scheduler simply runs its tasks
elsewhere; when the client dies, everything committed stays and ``resume=True`` runs only
the points whose hash is not yet stored.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from nakcell.errors import NakcellInputError
from nakcell.sweep.batch import BatchResult, run_batch, warm_up
from nakcell.sweep.spec import SweepSpec
from nakcell.sweep.store import SweepStore


def plan(spec: SweepSpec, stored: set[str]) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """(indices, SI rows, hashes) of the design's points not in ``stored`` (first occurrence)."""
    rows = spec.design()
    hashes = spec.point_hashes(rows)
    seen = set(stored)
    keep: list[int] = []
    for i, h in enumerate(hashes):
        if h not in seen:
            seen.add(h)
            keep.append(i)
    idx = np.asarray(keep, dtype=np.int64)
    return idx, rows[idx] if len(idx) else rows[:0], [hashes[i] for i in keep]


def run_sweep(
    spec: SweepSpec,
    db: str | Path,
    *,
    resume: bool = False,
    scheduler: str | None = None,
    workers: int | None = None,
    batch_size: int | None = None,
    progress: str = "auto",
    on_batch: Callable[[BatchResult, int, Any], None] | None = None,
) -> dict[str, Any]:
    """Run (or resume) ``spec`` into the DuckDB file ``db``; returns the CLI's summary.

    ``progress``: "bar" (tqdm), "lines" (one stderr line per stored batch, at most one a
    second, for logs), "none", or "auto" (bar on a terminal, else lines).
    ``on_batch(result, new_rows, client)`` is called after each commit (tests use it to
    kill a worker mid-run).
    """
    t0 = time.perf_counter()
    bs = batch_size or spec.batch_size
    if bs < 1:
        raise NakcellInputError("batch_size", bs, "an integer >= 1")
    if workers is not None and workers < 1:
        raise NakcellInputError("--workers", workers, "an integer >= 1")
    with SweepStore(db) as store:
        store.prepare(spec, resume=resume)
        idx, rows, hashes = plan(spec, store.stored_hashes())
        new = 0
        n_workers = 0
        if len(idx):
            new, n_workers = _execute(
                spec, store, idx, rows, hashes, bs, resume, scheduler, workers, progress, on_batch
            )
        total_rows = store.rows()
        unique = store.unique_points()
    seconds = time.perf_counter() - t0
    return {
        "name": spec.name,
        "db": str(db),
        "points": spec.n_points,
        "rows": total_rows,
        "unique_points": unique,
        "new_points": new,
        "skipped_already_stored": spec.n_points - len(idx),
        "workers": n_workers,
        "seconds": seconds,
        "points_per_s": new / seconds if seconds > 0 else None,
    }


def _execute(
    spec: SweepSpec,
    store: SweepStore,
    idx: np.ndarray,
    rows: np.ndarray,
    hashes: list[str],
    bs: int,
    resume: bool,
    scheduler: str | None,
    workers: int | None,
    progress: str,
    on_batch: Callable[[BatchResult, int, Any], None] | None,
) -> tuple[int, int]:
    from distributed import Client, LocalCluster, as_completed

    cluster = None
    if scheduler is None:
        n = workers or max(1, min(os.cpu_count() or 1, 8))
        cluster = LocalCluster(
            n_workers=n,
            threads_per_worker=1,  # numpy-bound model: one process per core
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        )
        client = Client(cluster)
    else:
        try:
            client = Client(scheduler, timeout="20s")
        except (OSError, TimeoutError, ValueError) as exc:
            raise NakcellInputError(
                "--scheduler", repr(scheduler), f"a reachable scheduler address ({exc})"
            ) from None
    run_id = -1
    status = "failed"
    bar = None
    try:
        threads = sum(client.nthreads().values()) or 1
        run_id = store.begin_run(
            spec,
            scheduler=scheduler or "LocalCluster",
            workers=len(client.nthreads()),
            resumed=resume,
        )
        starts = list(range(0, len(idx), bs))
        window = 2 * threads
        # the model (a few kB) travels with each task rather than being scattered once:
        # scattered data die with their worker and cannot be recomputed
        model = spec.model

        def submit(b: int) -> Any:
            s = starts[b]
            return client.submit(
                run_batch,
                model,
                b,
                idx[s : s + bs],
                hashes[s : s + bs],
                rows[s : s + bs],
                pure=False,
                retries=0,
            )

        bar = _Progress(len(idx), progress)
        first = [submit(b) for b in range(min(window, len(starts)))]
        next_b = len(first)
        pending = as_completed(first)
        new_total = 0
        for fut in pending:
            res: BatchResult = fut.result()
            fut.release()
            new = store.commit_batch(spec, run_id, res)
            new_total += new
            bar.update(len(res.hashes), new_total)
            if next_b < len(starts):
                pending.add(submit(next_b))
                next_b += 1
            if on_batch is not None:
                on_batch(res, new, client)
        status = "complete"
        return new_total, len(client.nthreads())
    except KeyboardInterrupt:
        status = "interrupted"
        raise
    finally:
        if bar is not None:
            bar.close()
        if run_id > 0:
            store.finish_run(run_id, status)
        client.close()
        if cluster is not None:
            cluster.close()


def warm_workers(client: Any) -> list[int]:
    """Build each worker's model caches (used by the benchmark before timing)."""
    return list(client.run(warm_up).values())


class _Progress:
    """tqdm bar with points/s on a terminal; plain lines (at most 1/s) in logs."""

    def __init__(self, total: int, mode: str) -> None:
        if mode == "auto":
            mode = "bar" if sys.stderr.isatty() else "lines"
        self.mode = mode
        self.total = total
        self.done = 0
        self.t0 = time.perf_counter()
        self.last = -1.0
        self.bar = None
        if mode == "bar":
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="pt", desc="sweep", dynamic_ncols=True)

    def update(self, n: int, stored: int) -> None:
        self.done += n
        if self.bar is not None:
            self.bar.update(n)
        elif self.mode == "lines":
            now = time.perf_counter()
            if now - self.last >= 1.0 or self.done == self.total:
                self.last = now
                rate = self.done / max(now - self.t0, 1e-9)
                print(
                    f"sweep: {self.done}/{self.total} points done, {stored} stored, "
                    f"{rate:.1f} points/s",
                    file=sys.stderr,
                    flush=True,
                )

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
