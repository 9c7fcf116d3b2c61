"""Views of a stored sweep: a metric as a heatmap over two parameters, or parallel coordinates."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from nakcell.errors import NakcellInputError
from nakcell.sweep.store import SweepStore

_AGG = {"max": "max", "mean": "avg", "min": "min"}
MAX_LINES = 2000  # parallel coordinates: an evenly spaced subset beyond this


def plot_sweep(
    db: str | Path,
    out: str | Path,
    *,
    metric: str | None = None,
    kind: str = "heatmap",
    x: str | None = None,
    y: str | None = None,
    agg: str = "max",
) -> dict[str, Any]:
    """Draw ``metric`` from the sweep in ``db`` into the PNG ``out``; returns what was drawn."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    if kind not in ("heatmap", "parallel"):
        raise NakcellInputError("--kind", repr(kind), "heatmap or parallel")
    if agg not in _AGG:
        raise NakcellInputError("--agg", repr(agg), "max, mean or min")
    with SweepStore(db, read_only=True) as st:
        if not st.has_sweep():
            raise NakcellInputError("--db", str(db), "a DuckDB file written by `nakcell sweep`")
        params = st.parameters()
        numeric = [
            r[0]
            for r in st.con.execute("DESCRIBE points").fetchall()
            if r[0] in st.metrics() and r[1] in ("DOUBLE", "INTEGER", "BIGINT")
        ]
        if metric is None:
            if not numeric:
                raise NakcellInputError("--metric", "nothing", "a sweep with a numeric metric")
            metric = numeric[0]
        if metric not in numeric:
            raise NakcellInputError("--metric", repr(metric), f"one of {numeric}")
        by_key = {p["key"]: p for p in params} | {p["column"]: p for p in params}
        if kind == "heatmap":
            fig, info = _heatmap(st, plt, params, by_key, metric, x, y, agg)
        else:
            fig, info = _parallel(st, plt, params, metric)
    fig.savefig(out, dpi=120, bbox_inches="tight")
    plt.close(fig)
    return {"plot": str(out), "kind": kind, "metric": metric, **info}


def _pick(by_key: dict[str, dict[str, str]], name: str | None, opt: str) -> dict[str, str]:
    if name not in by_key:
        keys = sorted({p["key"] for p in by_key.values()})
        raise NakcellInputError(opt, repr(name), f"a swept parameter: one of {keys}")
    return by_key[name]


def _heatmap(
    st: SweepStore,
    plt: Any,
    params: list[dict[str, str]],
    by_key: dict[str, dict[str, str]],
    metric: str,
    x: str | None,
    y: str | None,
    agg: str,
) -> tuple[Any, dict[str, Any]]:
    if len(params) < 2 and (x is None or y is None):
        raise NakcellInputError("--x/--y", "a sweep of one parameter", "two swept parameters")
    px = _pick(by_key, x if x is not None else params[0]["key"], "--x")
    py = _pick(by_key, y if y is not None else params[1]["key"], "--y")
    if px == py:
        raise NakcellInputError("--y", repr(y), "a parameter other than --x")
    cx, cy = px["column"], py["column"]
    q = (
        f'SELECT "{cx}", "{cy}", {_AGG[agg]}("{metric}") FROM points '
        f"WHERE error IS NULL GROUP BY 1, 2 ORDER BY 1, 2"
    )
    data = np.array(st.con.execute(q).fetchall(), dtype=float).reshape(-1, 3)
    if not len(data):
        raise NakcellInputError("--db", "no stored points", "a sweep with results")
    xs, ys = np.unique(data[:, 0]), np.unique(data[:, 1])
    z = np.full((len(ys), len(xs)), np.nan)
    z[np.searchsorted(ys, data[:, 1]), np.searchsorted(xs, data[:, 0])] = data[:, 2]
    fig, ax = plt.subplots(figsize=(6.4, 4.8))
    if len(xs) * len(ys) > 4 * len(data) or len(xs) > 200 or len(ys) > 200:
        sc = ax.scatter(data[:, 0], data[:, 1], c=data[:, 2], s=12, cmap="viridis")
    else:
        sc = ax.pcolormesh(_edges(xs), _edges(ys), z, cmap="viridis", shading="flat")
        if _geometric(xs):
            ax.set_xscale("log")
        if _geometric(ys):
            ax.set_yscale("log")
    ax.set_xlabel(f"{px['key']} ({px['unit']})")
    ax.set_ylabel(f"{py['key']} ({py['unit']})")
    fig.colorbar(sc, ax=ax, label=f"{metric} ({agg} over other parameters)")
    return fig, {"x": px["key"], "y": py["key"], "agg": agg, "cells": int(np.isfinite(z).sum())}


def _parallel(
    st: SweepStore, plt: Any, params: list[dict[str, str]], metric: str
) -> tuple[Any, dict[str, Any]]:
    cols = [p["column"] for p in params] + [metric]
    sel = ", ".join(f'"{c}"' for c in cols)
    q = (
        f'SELECT {sel} FROM points WHERE error IS NULL AND "{metric}" IS NOT NULL '
        "ORDER BY point_index"
    )
    data = np.array(st.con.execute(q).fetchall(), dtype=float).reshape(-1, len(cols))
    if not len(data):
        raise NakcellInputError("--db", "no stored points", "a sweep with results")
    if len(data) > MAX_LINES:
        data = data[np.linspace(0, len(data) - 1, MAX_LINES).astype(int)]
    lo, hi = data.min(axis=0), data.max(axis=0)
    norm = (data - lo) / np.where(hi > lo, hi - lo, 1.0)
    fig, ax = plt.subplots(figsize=(1.8 * len(cols) + 2, 4.8))
    cmap = plt.get_cmap("viridis")
    order = np.argsort(norm[:, -1])  # best drawn last (on top)
    xs = np.arange(len(cols))
    for k in order:
        ax.plot(xs, norm[k], color=cmap(norm[k, -1]), alpha=0.25, lw=0.8)
    labels = [f"{p['key']}\n({p['unit']})\n{lo[i]:.3g}..{hi[i]:.3g}" for i, p in enumerate(params)]
    labels.append(f"{metric}\n{lo[-1]:.3g}..{hi[-1]:.3g}")
    ax.set_xticks(xs, labels, fontsize=8)
    ax.set_yticks([0, 1], ["min", "max"])
    ax.set_xlim(-0.2, len(cols) - 0.8)
    return fig, {"lines": len(data)}


def _geometric(v: np.ndarray) -> bool:
    """Log-spaced values (a grid with scale = 'log') are drawn on a log axis."""
    if len(v) < 3 or v.min() <= 0:
        return False
    d = np.diff(np.log(v))
    return bool(np.allclose(d, d[0], rtol=1e-6)) and not np.allclose(np.diff(v), v[1] - v[0])


def _edges(v: np.ndarray) -> np.ndarray:
    if len(v) == 1:
        return np.array([v[0] - 0.5, v[0] + 0.5])
    if _geometric(v):
        return np.exp(_edges(np.log(v)))
    mid = (v[1:] + v[:-1]) / 2
    return np.concatenate([[2 * v[0] - mid[0]], mid, [2 * v[-1] - mid[-1]]])
