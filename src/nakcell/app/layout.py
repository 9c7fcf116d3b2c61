"""The app's page: tabs for the cell and its protocols, EIS, the alloy, the literature map and
a sweep's DuckDB file. Components only; behaviour is in :mod:`nakcell.app.callbacks`."""

from __future__ import annotations

import warnings
from typing import Any

from dash import dash_table, dcc, html

from nakcell.app.service import NAMED_CELLS

DEFAULT_CIRCUIT = "R0-p(R1,CPE1)-p(R2,CPE2)"
BOX = {"border": "1px solid #ddd", "borderRadius": "6px", "padding": "10px", "margin": "8px 0"}
# DataTable still ships with Dash; its notice about a future move is not the user's concern
warnings.filterwarnings("ignore", message="The dash_table.DataTable", category=DeprecationWarning)
ERR = {"color": "#cf222e", "fontFamily": "monospace", "minHeight": "1.2em"}


def _field(label: str, id: str, value: str, unit: str, help: str = "") -> html.Div:
    return html.Div(
        [
            html.Label(f"{label} ({unit})", htmlFor=id, style={"display": "block"}),
            dcc.Input(id=id, value=value, type="text", debounce=True, style={"width": "9em"}),
            html.Small(help, style={"color": "#666", "display": "block"}),
        ],
        style={"display": "inline-block", "marginRight": "1.2em", "verticalAlign": "top"},
    )


def _upload(id: str, text: str) -> dcc.Upload:
    return dcc.Upload(
        id=id,
        children=html.Div([text, " (drop a file here or click)"]),
        style={**BOX, "borderStyle": "dashed", "textAlign": "center", "cursor": "pointer"},
    )


def _table(id: str, editable: bool = False, **kw: Any) -> dash_table.DataTable:
    return dash_table.DataTable(
        id=id,
        editable=editable,
        page_size=25,
        style_table={"overflowX": "auto"},
        style_cell={
            "textAlign": "left",
            "whiteSpace": "normal",
            "height": "auto",
            "fontFamily": "system-ui, sans-serif",
            "fontSize": "13px",
            "maxWidth": "520px",
        },
        style_header={"fontWeight": "600", "background": "#f4f4f4"},
        **kw,
    )


def _cell_box() -> html.Div:
    cells = [{"label": c, "value": c} for c in NAMED_CELLS] + [
        {"label": "uploaded TOML", "value": "uploaded"}
    ]
    return html.Div(
        [
            html.Label("cell", htmlFor="cell"),
            dcc.Dropdown(
                id="cell",
                options=cells,
                value="seed-nak",
                clearable=False,
                style={"width": "16em"},
            ),
            _upload("cell-upload", "or upload a cell .toml"),
            html.Div(id="cell-upload-name", className="note"),
            html.P(
                "Main fields (edit a value; units as shown, or type your own, e.g. "
                "'0.5 mm'). The source column says where each value comes from.",
                className="note",
            ),
            _table(
                "cell-fields",
                editable=True,
                columns=[
                    {"name": "parameter", "id": "parameter", "editable": False},
                    {"name": "value", "id": "value", "editable": True},
                    {"name": "unit", "id": "unit", "editable": False},
                    {"name": "source", "id": "source", "editable": False},
                ],
            ),
            dcc.Store(id="cell-original"),
        ],
        style=BOX,
    )


def _protocol_box() -> html.Div:
    return html.Div(
        [
            dcc.RadioItems(
                id="proto",
                options=[
                    {"label": " galvanostatic", "value": "galvanostatic"},
                    {"label": " stepped-current CCD", "value": "ccd"},
                    {"label": " full-cell rate test (NVP, PyBaMM)", "value": "rate"},
                ],
                value="galvanostatic",
                inline=True,
                inputStyle={"marginLeft": "1em"},
            ),
            html.Div(
                [
                    _field(
                        "current density",
                        "current-density",
                        "1",
                        "mA/cm2",
                        "a comma list runs a batch",
                    ),
                    _field("half-cycle", "half-cycle", "0.5", "h"),
                    _field("duration", "duration", "5", "h"),
                ],
                id="form-galvanostatic",
            ),
            html.Div(
                [
                    _field("start", "ccd-start", "5", "mA/cm2"),
                    _field("step", "ccd-step", "5", "mA/cm2"),
                    _field("stop", "ccd-stop", "70", "mA/cm2"),
                ],
                id="form-ccd",
                style={"display": "none"},
            ),
            html.Div(
                [_field("C-rates", "rates", "0.1,1,10,20", "C", "one cycle each")],
                id="form-rate",
                style={"display": "none"},
            ),
            html.Button("Run", id="run", n_clicks=0),
            html.Span(id="progress-text", style={"marginLeft": "1em"}),
            html.Progress(id="progress", style={"marginLeft": "1em", "display": "none"}),
            html.Div(id="error", style=ERR),
            html.Div(id="why", style={"fontWeight": "600"}),
        ],
        style=BOX,
    )


def cell_tab() -> html.Div:
    return html.Div(
        [
            _cell_box(),
            _protocol_box(),
            dcc.Interval(id="poll", interval=400, disabled=True),
            dcc.Store(id="job"),
            dcc.Graph(id="trace", config={"displaylogo": False}),
            dcc.Graph(id="eta", config={"displaylogo": False}),
            _table("summary"),
        ]
    )


def eis_tab() -> html.Div:
    return html.Div(
        [
            html.Div(
                [
                    html.Button("Simulate from the cell", id="eis-sim", n_clicks=0),
                    html.Span(" uses the cell and fields of the Cell tab", className="note"),
                ],
                style=BOX,
            ),
            html.Div(
                [
                    _upload("eis-upload", "Upload a spectrum (.mpr .mpt .DTA .z .txt .csv)"),
                    _field("circuit", "eis-circuit", DEFAULT_CIRCUIT, "string"),
                    _field("area", "eis-area", "", "cm2", "empty: no ASR"),
                    html.Div(id="eis-file", className="note"),
                ],
                style=BOX,
            ),
            html.Div(id="eis-error", style=ERR),
            dcc.Loading(
                [
                    dcc.Graph(id="eis-nyquist", config={"displaylogo": False}),
                    _table("eis-params"),
                    html.Div(
                        [
                            dcc.Graph(id="eis-drt", style={"flex": "1 1 480px"}),
                            dcc.Graph(id="eis-kk", style={"flex": "1 1 480px"}),
                        ],
                        style={"display": "flex", "flexWrap": "wrap"},
                    ),
                ]
            ),
        ]
    )


def alloy_tab() -> html.Div:
    return html.Div(
        [
            html.Div(
                [
                    _field("composition", "alloy-wt", "56", "wt% K"),
                    _field("temperature", "alloy-T", "25", "degC"),
                    html.Div(id="alloy-error", style=ERR),
                    html.Div(id="alloy-info"),
                ],
                style=BOX,
            ),
            dcc.Loading(dcc.Graph(id="alloy-diagram")),
        ]
    )


def literature_tab() -> html.Div:
    return html.Div([dcc.Graph(id="audit-map"), _table("audit-table")])


def sweep_tab() -> html.Div:
    return html.Div(
        [
            html.Div(
                [
                    _field("DuckDB file", "db-path", "", "path", "a sweep's results.duckdb"),
                    _upload("db-upload", "or upload a .duckdb file"),
                    html.Label("table", htmlFor="db-table"),
                    dcc.Dropdown(id="db-table", style={"width": "20em"}),
                    html.Div(id="db-error", style=ERR),
                    dcc.Store(id="db-file"),
                ],
                style=BOX,
            ),
            _table("db-rows"),
        ]
    )


def page() -> html.Div:
    from nakcell.app.calibration import calibration_tab  # it imports this module's helpers

    return html.Div(
        [
            html.H2("nakcell: Na-K | NASICON | NVP digital twin"),
            dcc.Tabs(
                id="tabs",
                value="cell",
                children=[
                    dcc.Tab(label="Cell and protocol", value="cell", children=cell_tab()),
                    dcc.Tab(label="EIS", value="eis", children=eis_tab()),
                    dcc.Tab(label="Na-K alloy", value="alloy", children=alloy_tab()),
                    dcc.Tab(label="Literature map", value="audit", children=literature_tab()),
                    dcc.Tab(label="Sweep database", value="sweep", children=sweep_tab()),
                    dcc.Tab(label="Calibration", value="calib", children=calibration_tab()),
                ],
            ),
        ],
        style={"maxWidth": "1200px", "margin": "0 auto", "fontFamily": "system-ui, sans-serif"},
    )
