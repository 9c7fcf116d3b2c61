"""Full-cell figures: capacity per cycle (Fig 5e/5f style) and discharge curves."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from nakcell.cell.full import FullResult


def plot_full(
    results: list[FullResult],
    path: str | Path,
    *,
    title: str | None = None,
    paper_points: list[tuple[float, float, str]] | None = None,
) -> Path:
    """Capacity (mAh/g NVP) per cycle for each result, and last-cycle discharge curves.

    ``paper_points``: (cycle, capacity mAh/g, label) marks for the paper's stated values.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    path = Path(path)
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(12, 4.6))
    for k, r in enumerate(results):
        cyc = np.arange(1, len(r.c_rate) + 1)
        ax.plot(
            cyc, r.capacity_mAh_g, "o-", ms=3, color=f"C{k}", label=f"{r.cell_name} ({r.model})"
        )
        rates = list(dict.fromkeys(float(x) for x in r.c_rate))
        shades = plt.get_cmap("viridis")(np.linspace(0.0, 0.85, max(len(rates), 1)))
        for j, rate in enumerate(rates):
            idx = int(np.flatnonzero(r.c_rate == rate)[-1])
            if idx >= len(r.curves):
                continue
            c = r.curves[idx]
            q = c["capacity"] / 3600.0
            ls = "-" if k == 0 else "--"
            # one colour per rate (legend) instead of labels that overlap at low rates
            color = shades[j] if len(rates) > 1 else f"C{k}"
            lab = f"{rate:g}C" if len(rates) > 1 and k == 0 else None
            ax2.plot(q, c["voltage"], ls, color=color, lw=1, label=lab)
        if len(rates) > 1 and k == 0:
            start = 1
            for rate in rates:
                cnt = int(np.sum(r.c_rate == rate))
                ax.annotate(
                    f"{rate:g}C",
                    (start + cnt / 2 - 0.5, 122),
                    ha="center",
                    va="top" if cnt < 3 else "baseline",
                    rotation=90 if cnt < 3 else 0,  # narrow groups: upright labels do not collide
                    fontsize=7,
                )
                start += cnt
    for cyc, cap, label in paper_points or []:
        ax.plot([cyc], [cap], "k*", ms=12)
        ax.annotate(label, (cyc, cap), textcoords="offset points", xytext=(5, 6), fontsize=8)
    ax.set_xlabel("cycle")
    ax.set_ylabel("discharge capacity (mAh/g NVP)")
    ax.set_ylim(0, 130)
    ax.set_xlim(left=0)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower left")
    ax2.set_xlabel("discharge capacity (mAh/g NVP)")
    ax2.set_ylabel("full-cell voltage (V)")
    ax2.set_title("last discharge at each rate (solid: first cell, dashed: second)", fontsize=9)
    ax2.grid(alpha=0.3)
    if ax2.get_legend_handles_labels()[0]:
        ax2.legend(fontsize=7, loc="lower left", ncol=2)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
