"""The Calibration tab: layout, figures and callbacks (the reading is in
:mod:`nakcell.app.calib_service`). A bad folder shows one error line; the app keeps running."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
from dash import Dash, Input, Output, State, dcc, html, no_update
from plotly.subplots import make_subplots

from nakcell.app import calib_service as cs
from nakcell.app.layout import BOX, ERR, _table

GREY, BLUE = "#999999", "#1f77b4"


def calibration_tab() -> html.Div:
    pick = {"width": "22em", "display": "inline-block", "marginRight": "1em"}
    return html.Div(
        [
            html.Div(
                [
                    html.Label("calibration folder (path)", htmlFor="cal-path"),
                    dcc.Input(id="cal-path", type="text", debounce=True, style={"width": "40em"}),
                    html.Small(
                        " the --out folder of `nakcell calibrate`",
                        style={"color": "#666"},
                    ),
                    html.Div(id="cal-error", style=ERR),
                ],
                style=BOX,
            ),
            html.H4("Parameters (posterior)"),
            _table(
                "cal-params",
                style_data_conditional=[
                    {"if": {"filter_query": '{identifiable} = "NO"'}, "color": GREY}
                ],
            ),
            html.H4("Diagnostics"),
            _table("cal-diag"),
            html.H4("Marginal posteriors (grey: not identifiable from the data)"),
            dcc.Graph(id="cal-hist"),
            html.H4("Pair"),
            html.Div(
                [
                    dcc.Dropdown(id="cal-x", clearable=False, style=pick),
                    dcc.Dropdown(id="cal-y", clearable=False, style=pick),
                ]
            ),
            dcc.Graph(id="cal-pair"),
        ]
    )


def hist_figure(view: cs.CalibrationView) -> go.Figure:
    names = view.names
    cols = min(3, len(names))
    rows = -(-len(names) // cols)
    axes = [cs.axis(view, k) for k in names]
    fig = make_subplots(rows, cols, subplot_titles=[t for _, t in axes])
    for i, (k, (v, _)) in enumerate(zip(names, axes, strict=True)):
        hist = go.Histogram(
            x=v,
            nbinsx=40,
            marker_color=GREY if view.identifiable[k] is False else BLUE,
            name=k,
            showlegend=False,
        )
        r, c = divmod(i, cols)
        fig.add_trace(hist, r + 1, c + 1)
        fig.update_yaxes(showticklabels=False, row=r + 1, col=c + 1)
    fig.update_annotations(font_size=11)
    fig.update_layout(height=260 * rows, bargap=0.02, margin={"t": 40, "b": 30})
    return fig


def pair_figure(view: cs.CalibrationView, x: str, y: str) -> go.Figure:
    (a, ta), (b, tb) = cs.axis(view, x), cs.axis(view, y)
    grey = view.identifiable[x] is False or view.identifiable[y] is False
    fig = go.Figure(
        [
            go.Histogram2dContour(x=a, y=b, colorscale="Greys" if grey else "Blues", ncontours=12),
            go.Scatter(  # SVG: no WebGL needed (headless browsers, old GPUs)
                x=a, y=b, mode="markers", marker={"size": 2, "color": "black", "opacity": 0.25}
            ),
        ]
    )
    fig.update_xaxes(title=ta)
    fig.update_yaxes(title=tb)
    fig.update_layout(height=480, showlegend=False, margin={"t": 20})
    return fig


def _columns(rows: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [{"name": k, "id": k} for k in (rows[0] if rows else {})]


def _options(view: cs.CalibrationView) -> list[dict[str, str]]:
    return [{"label": cs.axis(view, k)[1], "value": k} for k in view.names]


def register_calibration(app: Dash) -> None:
    from nakcell.app.callbacks import EMPTY, _fail

    @app.callback(
        Output("cal-params", "data"),
        Output("cal-params", "columns"),
        Output("cal-diag", "data"),
        Output("cal-diag", "columns"),
        Output("cal-hist", "figure"),
        Output("cal-x", "options"),
        Output("cal-x", "value"),
        Output("cal-y", "options"),
        Output("cal-y", "value"),
        Output("cal-error", "children"),
        Input("cal-path", "value"),
        prevent_initial_call=True,
    )
    def open_calibration(path: str | None) -> tuple:
        try:
            view = cs.load_calibration(path)
        except Exception as exc:
            return [], [], [], [], EMPTY, [], None, [], None, _fail(exc)
        p, d, o = cs.parameter_rows(view), cs.diagnostic_rows(view), _options(view)
        x, y = cs.pair(view, None, None)
        return p, _columns(p), d, _columns(d), hist_figure(view), o, x, o, y, ""

    @app.callback(
        Output("cal-pair", "figure"),
        Output("cal-error", "children", allow_duplicate=True),
        Input("cal-x", "value"),
        Input("cal-y", "value"),
        State("cal-path", "value"),
        prevent_initial_call=True,
    )
    def pair(x: str | None, y: str | None, path: str | None) -> tuple:
        if not x or not y:
            return EMPTY, no_update
        try:
            view = cs.load_calibration(path)
            x, y = cs.pair(view, x, y)
        except Exception as exc:
            return EMPTY, _fail(exc)
        return pair_figure(view, x, y), no_update
