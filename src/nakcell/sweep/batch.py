"""One batch of sweep points: a single vectorised model call, on whatever worker runs it.

Workers only compute; they never touch the store. A batch that raises as a whole is re-run
point by point so one bad point costs its own row (with the error text), not the batch.
"""

from __future__ import annotations

import os
import time
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

from nakcell.sweep.spec import METRICS, Model


@dataclass
class BatchResult:
    """Column-wise results of one batch (metrics in the summary's field units)."""

    batch: int
    index: np.ndarray  # (n,) point indices in the design
    hashes: list[str]
    rows: np.ndarray  # (n, k) SI parameter values
    metrics: dict[str, list[Any]]
    error: list[str | None]
    seconds: float  # wall time of the model call(s) on the worker
    worker: str


def run_batch(
    model: Model, batch: int, index: np.ndarray, hashes: list[str], rows: np.ndarray
) -> BatchResult:
    """Simulate ``rows`` (SI, shape (n, len(model.keys))) in one call of the cell model."""
    from nakcell.cell.symmetric import simulate_symmetric

    t0 = time.perf_counter()
    n = len(rows)
    metrics: dict[str, list[Any]] = {m: [None] * n for m in model.metrics}
    errors: list[str | None] = [None] * n
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            cells, proto = model.cells(rows)
            res = simulate_symmetric(
                cells, proto, steps_per_half=model.steps_per_half, thermal=model.thermal
            )
            for k in range(n):
                s = res.summary(k)
                for m in model.metrics:
                    metrics[m][k] = s[m]
        except Exception:  # isolate the failing point(s): one model call each
            for k in range(n):
                try:
                    cells, proto = model.cells(rows[k : k + 1])
                    s = simulate_symmetric(
                        cells, proto, steps_per_half=model.steps_per_half, thermal=model.thermal
                    ).summary(0)
                    for m in model.metrics:
                        metrics[m][k] = s[m]
                except Exception as exc:
                    errors[k] = f"{type(exc).__name__}: {exc}"
    for m, typ in METRICS.items():
        if m in metrics and typ == "DOUBLE":
            metrics[m] = [None if v is None or not np.isfinite(v) else float(v) for v in metrics[m]]
    return BatchResult(
        batch=batch,
        index=np.asarray(index),
        hashes=list(hashes),
        rows=np.asarray(rows, float),
        metrics=metrics,
        error=errors,
        seconds=time.perf_counter() - t0,
        worker=f"{os.uname().nodename}:{os.getpid()}",
    )


def warm_up() -> int:
    """Build the model's per-process caches (surface-tension table) before timing."""
    from nakcell.interface.liquid import butler_table

    butler_table()
    return os.getpid()
