"""Interactive figures (Plotly): the same figures for report.html, the CLI and ``nakcell app``.

Each figure is a function of plain data (arrays and dicts in field units), so the report
builds it from a run's results and the app from a live simulation. The static PNGs for papers
come from the matplotlib functions beside this module.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from nakcell.cell.symmetric import SymmetricResult

COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf")
PAPER = "crimson"


def _layout(fig: go.Figure, title: str, height: int) -> go.Figure:
    fig.update_layout(
        title={"text": title, "font": {"size": 15}},
        height=height,
        margin={"l": 70, "r": 20, "t": 60, "b": 50},
        template="plotly_white",
        legend={"orientation": "h", "y": -0.12, "x": 0},
        hovermode="closest",
        font={"size": 13},
    )
    return fig


def _thin(t: np.ndarray, n: int = 1500) -> np.ndarray:
    """Indices that keep at most ~n points (the report stays small; hover still works)."""
    step = max(1, len(t) // n)
    return np.arange(0, len(t), step)


def symmetric_traces(res: SymmetricResult, labels: Sequence[str] | None = None) -> dict[str, Any]:
    """Plain data of a symmetric run: time (h), voltage (mV), min contact fraction per cell."""
    idx = _thin(res.t)
    cells = []
    for k in range(res.voltage.shape[1]):
        v = res.voltage[idx, k]
        ok = np.isfinite(v)
        f = np.minimum(res.contact_left[idx, k], res.contact_right[idx, k])
        stop = float(res.stop_time[k]) / 3600 if np.isfinite(res.stop_time[k]) else None
        cells.append(
            {
                "label": labels[k] if labels else f"{res.current_density[k] / 10:g} mA/cm²",
                "t_h": (res.t[idx][ok] / 3600.0).tolist(),
                "V_mV": (v[ok] * 1e3).tolist(),
                "contact": f[ok].tolist(),
                "stop_h": stop,
                "stopped": res.stop_reason[k] or None,
            }
        )
    return {"cells": cells}


def symmetric_figure(
    traces: Mapping[str, Any], *, title: str = "", paper_value_mV: float | None = None
) -> go.Figure:
    """V(t) of each cell, |V| on a log axis (with the paper's value, when given) and the
    minimum contact fraction, sharing the time axis. The log panel shows a stopped trace and
    a few-mV claim beside a volt-scale model; each trace ends with a marker where it stopped."""
    from plotly.subplots import make_subplots

    rows = 3 if paper_value_mV is not None else 2
    heights = [0.4, 0.4, 0.2] if rows == 3 else [0.72, 0.28]
    names = [*["cell voltage (mV)", "|V| (mV, log)"][: rows - 1], "min contact f"]
    fig = make_subplots(
        rows=rows, cols=1, shared_xaxes=False, row_heights=heights, vertical_spacing=0.09
    )
    fig.update_xaxes(matches="x", row=rows, col=1)  # contact shares the time axis of row 1
    for k, c in enumerate(traces["cells"]):
        col = COLORS[k % len(COLORS)]
        hover = "%{x:.3g} h, %{y:.4g} mV<extra>" + c["label"] + "</extra>"
        t, v = np.asarray(c["t_h"]), np.asarray(c["V_mV"])
        fig.add_scatter(
            x=t,
            y=v,
            name=c["label"],
            line={"color": col, "width": 1.2},
            hovertemplate=hover,
            legendgroup=c["label"],
            row=1,
            col=1,
        )
        if len(t):
            end = c["stopped"] or "end of protocol"
            fig.add_scatter(
                x=t[-1:],
                y=v[-1:],
                mode="markers",
                showlegend=False,
                marker={"color": col, "size": 9, "symbol": "x"},
                hovertemplate=f"{c['label']}: {end} at %{{x:.3g}} h<extra></extra>",
                legendgroup=c["label"],
                row=1,
                col=1,
            )
        if rows == 3:
            fig.add_scatter(
                x=t,
                y=np.abs(v),
                showlegend=False,
                legendgroup=c["label"],
                line={"color": col, "width": 1.2},
                hovertemplate=hover,
                row=2,
                col=1,
            )
        fig.add_scatter(
            x=t,
            y=c["contact"],
            showlegend=False,
            legendgroup=c["label"],
            line={"color": col, "width": 1.2},
            row=rows,
            col=1,
            hovertemplate="%{x:.3g} h, f = %{y:.3f}<extra></extra>",
        )
    if paper_value_mV is not None:
        for s in (1, -1):
            fig.add_hline(y=s * paper_value_mV, line={"color": PAPER, "dash": "dash"}, row=1, col=1)
        fig.add_hline(y=paper_value_mV, line={"color": PAPER, "dash": "dash"}, row=2, col=1)
        fig.add_scatter(
            x=[None],
            y=[None],
            name=f"paper: ±{paper_value_mV:g} mV",
            line={"color": PAPER, "dash": "dash"},
        )
        fig.update_yaxes(type="log", row=2, col=1)
        # log time too: a trace that stops after minutes shows beside one that runs 220 h
        fig.update_xaxes(type="log", title_text="time (h, log)", row=2, col=1)
    for r, name in enumerate(names, start=1):
        fig.update_yaxes(title_text=name, row=r, col=1)
    fig.update_yaxes(range=[0, 1.05], row=rows, col=1)
    fig.update_xaxes(title_text="time (h)", row=rows, col=1)
    return _layout(fig, title, 620 if rows == 3 else 480)


def full_traces(results: Sequence[Any]) -> dict[str, Any]:
    """Plain data of full-cell runs: capacity per cycle and each rate's last discharge curve."""
    out = []
    for r in results:
        curves = []
        for rate in dict.fromkeys(float(x) for x in r.c_rate):
            idx = int(np.flatnonzero(r.c_rate == rate)[-1])
            if idx < len(r.curves):
                c = r.curves[idx]
                q = np.asarray(c["capacity"]) / 3600.0
                sel = _thin(q, 300)
                curves.append(
                    {
                        "C_rate": rate,
                        "q_mAh_g": q[sel].tolist(),
                        "V": np.asarray(c["voltage"])[sel].tolist(),
                    }
                )
        cap = np.asarray(r.capacity_mAh_g, dtype=float)
        out.append(
            {
                "label": f"{r.cell_name} ({r.model})",
                "cycle": list(range(1, len(cap) + 1)),
                "C_rate": [float(x) for x in r.c_rate],
                "capacity_mAh_g": [None if not np.isfinite(x) else float(x) for x in cap],
                "curves": curves,
            }
        )
    return {"cells": out}


def full_figure(
    traces: Mapping[str, Any],
    title: str = "",
    paper_points: Sequence[tuple[float, float, str]] | None = None,
) -> go.Figure:
    """Capacity per cycle (left) and the last discharge curve at each rate (right)."""
    from plotly.colors import sample_colorscale
    from plotly.subplots import make_subplots

    fig = make_subplots(
        rows=1,
        cols=2,
        horizontal_spacing=0.1,
        subplot_titles=("capacity per cycle", "discharge curves, last cycle at each rate"),
    )
    for k, c in enumerate(traces["cells"]):
        col = COLORS[k % len(COLORS)]
        fig.add_scatter(
            x=c["cycle"],
            y=c["capacity_mAh_g"],
            mode="lines+markers",
            name=c["label"],
            marker={"size": 4, "color": col},
            customdata=c["C_rate"],
            row=1,
            col=1,
            hovertemplate="cycle %{x}, %{customdata:g}C: %{y:.1f} mAh/g<extra></extra>",
        )
        n = len(c["curves"])
        for j, cv in enumerate(c["curves"]):
            # one colour per rate (Viridis), dashes for the second cell
            rate_col = sample_colorscale("Viridis", [0.85 * j / max(n - 1, 1)])[0]
            fig.add_scatter(
                x=cv["q_mAh_g"],
                y=cv["V"],
                name=f"{c['label']}, {cv['C_rate']:g}C",
                line={
                    "color": rate_col if n > 1 else col,
                    "width": 1.3,
                    "dash": "solid" if k == 0 else "dash",
                },
                showlegend=n > 1 and k == 0,
                legendgroup=f"r{j}",
                hovertemplate=f"{cv['C_rate']:g}C: " + "%{x:.1f} mAh/g, %{y:.3f} V"
                "<extra>" + c["label"] + "</extra>",
                row=1,
                col=2,
            )
    for cyc, cap, label in paper_points or []:
        fig.add_scatter(
            x=[cyc],
            y=[cap],
            mode="markers",
            marker={"symbol": "star", "size": 13, "color": "black"},
            name=label,
            hovertemplate=label + "<extra></extra>",
            row=1,
            col=1,
        )
    fig.update_xaxes(title_text="cycle", row=1, col=1)
    fig.update_yaxes(title_text="discharge capacity (mAh/g NVP)", range=[0, 130], row=1, col=1)
    fig.update_xaxes(title_text="discharge capacity (mAh/g NVP)", row=1, col=2)
    fig.update_yaxes(title_text="full-cell voltage (V)", row=1, col=2)
    return _layout(fig, title, 480)


def nyquist_figure(
    spectra: Mapping[str, tuple[np.ndarray, np.ndarray]],
    *,
    title: str = "",
    unit: str = "ohm cm²",
    kind: str = "model",
) -> go.Figure:
    """Nyquist plot of ``{label: (Z, f_Hz)}`` (Z already in ``unit``), equal axes."""
    import plotly.graph_objects as go

    fig = go.Figure()
    for k, (name, (z, f)) in enumerate(spectra.items()):
        z = np.asarray(z)
        fig.add_scatter(
            x=z.real,
            y=-z.imag,
            customdata=np.asarray(f),
            name=f"{name} ({kind})",
            mode="lines" if kind == "model" else "markers",
            line={"color": COLORS[k % len(COLORS)]},
            hovertemplate="%{customdata:.3g} Hz: Z' %{x:.4g}, -Z'' %{y:.4g}<extra></extra>",
        )
    fig.update_xaxes(title_text=f"Z' ({unit})")
    fig.update_yaxes(title_text=f"-Z'' ({unit})", scaleanchor="x", scaleratio=1)
    return _layout(fig, title, 460)


def audit_figure(rows: Sequence[Mapping[str, Any]]) -> go.Figure:
    """Published symmetric cells (current density, overpotential) against ohmic-limit lines."""
    import plotly.graph_objects as go

    fig = go.Figure()
    i = np.logspace(-2, 2, 50)
    for L_mm, s in ((1.0, 1.4e-3), (1.0, 5e-3), (0.5, 1e-2)):
        fig.add_scatter(
            x=i,
            y=i * (L_mm / 10 / s),
            mode="lines",
            line={"dash": "dash"},
            name=f"ohmic limit {L_mm:g} mm, {s:.1e} S/cm",
            hovertemplate="%{x:.3g} mA/cm², %{y:.3g} mV<extra></extra>",
        )
    colors = {"plausible": "#2ca02c", "implausible": "#d62728", "not checkable": "#7f7f7f"}
    for verdict, col in colors.items():
        pts = [
            r
            for r in rows
            if r["verdict"] == verdict and r["current_density_mA_cm2"] and r["overpotential_mV"]
        ]
        if pts:
            fig.add_scatter(
                x=[r["current_density_mA_cm2"] for r in pts],
                y=[r["overpotential_mV"] for r in pts],
                text=[r["id"] for r in pts],
                mode="markers+text",
                textposition="top right",
                textfont={"size": 10},
                marker={"color": col, "size": 10},
                name=verdict,
                customdata=[r["source"] for r in pts],
                hovertemplate="%{text}: %{x:.3g} mA/cm², %{y:.3g} mV<br>%{customdata}"
                "<extra></extra>",
            )
    fig.update_xaxes(type="log", title_text="current density (mA/cm²)")
    fig.update_yaxes(type="log", title_text="overpotential (mV)")
    return _layout(fig, "Published symmetric cells vs the ohmic limit", 520)


def phase_diagram_figure(
    system: str = "Na-K", *, mark_wt_K: float | None = None, mark_T_C: float = 25.0
) -> go.Figure:
    """T-composition diagram (wt% of the second element) with the chosen alloy marked."""
    import plotly.graph_objects as go

    from nakcell.thermo.alloy import diagram, normalise, x_to_wt

    d = diagram(system)
    name, _, second = normalise(system)
    groups: dict[str, tuple[list[float], list[float]]] = {}
    for T_C, phase, lo, hi in d["fields"]:
        key = (
            "liquid field boundary"
            if phase == "LIQUID"
            else ("Na2K (stoichiometric)" if lo == hi else "bcc solvus")
        )
        for xb in {lo, hi}:
            if 1e-9 < xb < 1 - 1e-9:
                groups.setdefault(key, ([], []))[0].append(100 * x_to_wt(xb, name))
                groups[key][1].append(T_C)
    fig = go.Figure()
    for k, (key, (x, y)) in enumerate(groups.items()):
        fig.add_scatter(
            x=x,
            y=y,
            mode="markers",
            name=key,
            marker={"size": 3, "color": COLORS[k % len(COLORS)]},
            hovertemplate="%{x:.1f} wt%, %{y:.1f} °C<extra></extra>",
        )
    wt = "wt_" + second.title()
    for inv in d["invariants"]:
        fig.add_hline(
            y=inv["T_C"],
            line={"dash": "dot", "width": 0.8, "color": "black"},
            annotation_text=f"{inv['type']} {inv['T_C']:.1f} °C, {inv[wt]:.1f} wt%",
            annotation_position="top left",
        )
    if mark_wt_K is not None:
        fig.add_scatter(
            x=[mark_wt_K],
            y=[mark_T_C],
            mode="markers",
            name=(f"chosen alloy {mark_wt_K:g} wt% {second.title()}, {mark_T_C:g} °C"),
            marker={"symbol": "star", "size": 16, "color": PAPER},
        )
    fig.update_xaxes(title_text=f"wt% {second.title()}", range=[0, 100])
    fig.update_yaxes(title_text="T (°C)")
    return _layout(fig, f"{name} phase diagram (nakcell TDB)", 480)


def to_html_div(fig: go.Figure, div_id: str) -> str:
    """The figure as a <div> for a page that loads plotly.js once (see :func:`plotly_js`)."""
    import plotly.io as pio

    return pio.to_html(
        fig,
        full_html=False,
        include_plotlyjs=False,
        div_id=div_id,
        config={"displaylogo": False, "responsive": True},
    )


def plotly_js() -> str:
    """plotly.js itself, to inline once in a page (no CDN; the report works offline)."""
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def write_html(fig: go.Figure, path: str | Path) -> Path:
    """One self-contained interactive page (plotly.js inlined: opens with no network)."""
    import plotly.io as pio

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    pio.write_html(
        fig, str(path), include_plotlyjs=True, full_html=True, config={"displaylogo": False}
    )
    return path
