"""Voltage-time traces of symmetric cells."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from nakcell.cell.symmetric import SymmetricResult


def plot_symmetric(
    result: SymmetricResult,
    path: str | Path,
    *,
    title: str | None = None,
    labels: list[str] | None = None,
    paper_value_mV: float | None = None,
) -> Path:
    """Draw V(t) of every cell of ``result`` (and contact fractions) to a PNG at ``path``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    path = Path(path)
    log = paper_value_mV is not None  # a |V| panel on a log axis beside the paper's value
    fig, axes = plt.subplots(
        3 if log else 2,
        1,
        figsize=(8, 7.2 if log else 5.2),
        sharex=True,
        gridspec_kw={"height_ratios": [3, 2.2, 1] if log else [3, 1]},
    )
    ax, ax2 = axes[0], axes[-1]
    t_h = result.t / 3600.0
    n = result.voltage.shape[1]
    for k in range(n):
        lab = labels[k] if labels else f"{result.current_density[k] / 10:g} mA/cm²"
        v_mV = result.voltage[:, k] * 1e3
        ok = np.isfinite(v_mV)
        (line,) = ax.plot(t_h, v_mV, lw=0.8, label=lab)
        if ok.any():  # mark where each trace ends, so a short one is not lost
            last = np.flatnonzero(ok)[-1]
            ax.plot(t_h[last], v_mV[last], "x", ms=8, color=line.get_color())
            if log:
                axes[1].semilogy(t_h, np.abs(v_mV), lw=0.8, color=line.get_color())
                axes[1].plot(t_h[last], abs(v_mV[last]), "x", ms=8, color=line.get_color())
        f_min = np.minimum(result.contact_left[:, k], result.contact_right[:, k])
        ax2.plot(t_h, np.where(ok, f_min, np.nan), lw=0.8)
        if result.shorted[k]:
            ax.axvline(result.time_to_short[k] / 3600, color="k", ls=":", lw=0.8)
    if paper_value_mV is not None:
        for s in (1, -1):
            ax.axhline(s * paper_value_mV, color="crimson", ls="--", lw=1.0)
        ax.plot([], [], color="crimson", ls="--", label=f"paper: ±{paper_value_mV:g} mV")
        axes[1].axhline(paper_value_mV, color="crimson", ls="--", lw=1.0)
        axes[1].set_ylabel("|V| (mV, log)")
        axes[1].grid(alpha=0.3, which="both")
        ax.plot([], [], "kx", ls="", label="end of trace")
    ax.set_ylabel("cell voltage (mV)")
    ax2.set_ylabel("min contact f")
    ax2.set_xlabel("time (h)")
    ax2.set_ylim(0, 1.05)
    ax.legend(fontsize=8, loc="best")
    ax.grid(alpha=0.3)
    ax2.grid(alpha=0.3)
    if title:
        ax.set_title(title, fontsize=10)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
