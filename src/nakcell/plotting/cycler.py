"""A measured cycler file at a glance: voltage against time, and per cycle the charge and
discharge capacity (mAh/g with a mass, else mAh) with the coulombic efficiency."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np


def plot_cycler_file(
    time_s: np.ndarray,
    voltage_V: np.ndarray,
    cycles: list[dict[str, Any]],
    path: str | Path,
    *,
    title: str = "",
) -> Path:
    """Save the figure to ``path``; the cycle panel is left out when ``cycles`` (from
    :func:`nakcell.analysis.cycles.cycle_metrics`) is empty."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    path = Path(path)
    two = bool(cycles)
    fig, axes = plt.subplots(1, 2 if two else 1, figsize=(12 if two else 8, 4.2), dpi=110)
    ax = axes[0] if two else axes
    ax.plot(np.asarray(time_s) / 3600.0, voltage_V, lw=0.8)
    ax.set_xlabel("time / h")
    ax.set_ylabel("voltage / V")
    ax.grid(alpha=0.3)
    if two:
        specific = all(c.get("charge_specific_capacity_mAh_g") is not None for c in cycles)
        unit, suffix = (
            ("mAh/g", "_specific_capacity_mAh_g") if specific else ("mAh", "_capacity_mAh")
        )
        n = [c["cycle"] for c in cycles]
        cap = axes[1]
        for k, direction in enumerate(("charge", "discharge")):
            y = [
                np.nan if c.get(direction + suffix) is None else c[direction + suffix]
                for c in cycles
            ]
            cap.plot(n, y, "o-", ms=3, color=f"C{k}", label=f"{direction} / {unit}")
        cap.set_xlabel("cycle")
        cap.set_ylabel(f"capacity / {unit}")
        cap.grid(alpha=0.3)
        ce = cap.twinx()
        eff = [
            np.nan if c.get("coulombic_efficiency_pct") is None else c["coulombic_efficiency_pct"]
            for c in cycles
        ]
        ce.plot(n, eff, "s", ms=3, color="C2", label="CE / %")
        ce.set_ylabel("coulombic efficiency / %")
        lines = cap.get_lines() + ce.get_lines()
        cap.legend(
            lines,
            [ln.get_label() for ln in lines],
            loc="upper center",
            bbox_to_anchor=(0.5, -0.16),
            ncol=3,
            frameon=False,
        )
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path
