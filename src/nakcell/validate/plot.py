"""Parity figure of ``nakcell validate``: model against published, log-log, with ranges."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from nakcell.validate.runner import Outcome

_MARKERS = {
    "interface_resistance_ohm_cm2": ("o", "interface resistance (ohm cm²)"),
    "ccd_mA_cm2": ("s", "CCD (mA/cm²)"),
    "stripping_limit_mA_cm2": ("D", "stripping limit (mA/cm²)"),
    "stripping_limit_activation_eV": ("*", "stripping-limit Ea (eV)"),
    "hysteresis_mV": ("P", "hysteresis (mV)"),
    "stripping_limit_pressure_exponent": ("X", "stripping-limit pressure exponent"),
}
_COLORS = {"source": "tab:orange", "check": "tab:blue"}


def _xerr(o: Outcome, lo_axis: float, hi_axis: float) -> tuple[float, float]:
    p = o.point
    low = p.low if p.low is not None else lo_axis
    high = p.high if p.high is not None else hi_axis
    return max(p.value - low, 0.0), max(high - p.value, 0.0)


def _legend(seen: set[tuple[str, str]]) -> list:
    from matplotlib.lines import Line2D

    def handle(marker: str, color: str, label: str) -> Line2D:
        return Line2D([], [], ls="", marker=marker, color=color, mec="k", mew=0.5, label=label)

    out = [handle("o", c, r) for r, c in _COLORS.items() if any(s[0] == r for s in seen)]
    quantities = {q for _, q in seen}
    out += [handle(m, "0.7", lab) for q, (m, lab) in _MARKERS.items() if q in quantities]
    out.append(handle("^", "0.7", "model: no failure up to the ramp's end"))
    out.append(handle("v", "0.7", "model: failed at the ramp's first step"))
    return out


def plot_validation(outcomes: Sequence[Outcome], path: str | Path) -> Path:
    """Draw model vs published for every covered point to a PNG at ``path``.

    Horizontal bars: the published range (to the plot edge where the paper gives only a
    bound). Triangles: the model gave a bound (up: no failure up to the ramp's end; down:
    failed at its first step). Orange: points a model parameter was taken from; blue:
    independent checks. Misses are labelled with their id.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    path = Path(path)
    shown = [o for o in outcomes if o.model is not None and o.model > 0]
    vals = [v for o in shown for v in (o.model, o.point.value) if v and v > 0]
    lo_axis = min(vals, default=0.01) / 5
    hi_axis = max(vals, default=100.0) * 5
    fig, ax = plt.subplots(figsize=(7.2, 6.4))
    ax.plot([lo_axis, hi_axis], [lo_axis, hi_axis], color="0.6", lw=0.8, ls="--", zorder=0)
    seen: set[tuple[str, str]] = set()
    n_miss = 0  # alternates the miss labels above/below their points (neighbours overlap)
    for o in shown:
        p = o.point
        marker = _MARKERS[p.quantity][0]
        if o.bound == ">=":
            marker = "^"
        elif o.bound == "<":
            marker = "v"
        xe = _xerr(o, lo_axis, hi_axis)
        seen.add((p.role, p.quantity))
        ax.errorbar(
            [p.value], [o.model], xerr=[[xe[0]], [xe[1]]], fmt=marker, ms=7,
            color=_COLORS[p.role], mec="k", mew=0.5, elinewidth=1.0, capsize=2,
        )  # fmt: skip
        if o.inside_range is False:
            dy = 4 if n_miss % 2 else -9
            ax.annotate(p.id, (p.value, o.model), fontsize=6.5, xytext=(4, dy),
                        textcoords="offset points")  # fmt: skip
            n_miss += 1
    n_in = sum(1 for o in shown if o.inside_range)
    n_dec = sum(1 for o in shown if o.inside_range is not None)
    ax.set(
        xscale="log", yscale="log", xlim=(lo_axis, hi_axis), ylim=(lo_axis, hi_axis),
        xlabel="published (field units)", ylabel="model (same units)",
        title=f"nakcell validate: {n_in} of {n_dec} decided points inside the published range",
    )  # fmt: skip
    ax.grid(True, which="both", alpha=0.25)
    ax.legend(handles=_legend(seen), fontsize=7, loc="upper left")
    fig.tight_layout()
    fig.savefig(path, dpi=130)
    plt.close(fig)
    return path
