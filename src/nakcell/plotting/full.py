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
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(11, 4.2))
    for k, r in enumerate(results):
        cyc = np.arange(1, len(r.c_rate) + 1)
        ax.plot(
            cyc, r.capacity_mAh_g, "o-", ms=3, color=f"C{k}", label=f"{r.cell_name} ({r.model})"
        )
        rates = list(dict.fromkeys(float(x) for x in r.c_rate))
        last_label_v = np.inf
        for rate in rates:
            idx = int(np.flatnonzero(r.c_rate == rate)[-1])
            if idx >= len(r.curves):
                continue
            c = r.curves[idx]
            q = c["capacity"] / 3600.0
            ls = "-" if k == 0 else "--"
            ax2.plot(q, c["voltage"], ls, color=f"C{k}", lw=1)
            if len(rates) > 1 and k == 0 and q[-1] > 0:
                # label each rate mid-curve, skipping labels that would overlap
                v_mid = float(np.interp(0.5 * q[-1], q, c["voltage"]))
                if last_label_v - v_mid > 0.03:
                    ax2.annotate(
                        f"{rate:g}C",
                        (0.5 * q[-1], v_mid),
                        fontsize=7,
                        xytext=(0, 2),
                        textcoords="offset points",
                    )
                    last_label_v = v_mid
        if len(rates) > 1 and k == 0:
            start = 1
            for rate in rates:
                cnt = int(np.sum(r.c_rate == rate))
                ax.annotate(f"{rate:g}C", (start + cnt / 2 - 0.5, 124), ha="center", fontsize=7)
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
    ax2.set_title(
        "discharge curves (last cycle at each rate; solid: first cell, dashed: second)",
        fontsize=9,
    )
    ax2.grid(alpha=0.3)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
