"""The app's behaviour: each callback parses its form through :mod:`nakcell.app.service`
(the CLI's parsing and errors), runs nakcell's Python API and draws the shared figures of
:mod:`nakcell.plotting.interactive`. A nakcell error becomes the CLI's one line in the form;
the server keeps running."""

from __future__ import annotations

import itertools
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import numpy as np
from dash import Dash, Input, Output, State, ctx, no_update

from nakcell.app import service as sv
from nakcell.errors import NakcellError

#: background runs (id -> state); a run is a thread so the page can show progress
JOBS: dict[str, dict[str, Any]] = {}
_RUNS = itertools.count(1)
EMPTY: dict[str, Any] = {"data": [], "layout": {"height": 60}}


def _fail(exc: BaseException) -> str:
    if isinstance(exc, NakcellError):
        return sv.error_line(exc)
    return f"nakcell: error: {type(exc).__name__}: {exc}"  # unexpected: still one line


def _columns(rows: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [{"name": k, "id": k} for k in (rows[0] if rows else {})]


def _current_cell(name: str, toml: str | None, rows: Any, original: Any) -> Any:
    base = sv.get_cell(name, toml)
    if rows and original and rows != original:
        if name == "uploaded" and toml:
            raise sv.NakcellInputError("cell", "edits to an uploaded TOML", "edit the file")
        return sv.cell_from_form(name, rows, original, "app-cell.toml")
    return base


def register_cell(app: Dash) -> None:
    @app.callback(
        Output("cell-fields", "data"),
        Output("cell-original", "data"),
        Output("cell-upload-name", "children"),
        Output("error", "children", allow_duplicate=True),
        Input("cell", "value"),
        Input("cell-upload", "contents"),
        State("cell-upload", "filename"),
        prevent_initial_call="initial_duplicate",
    )
    def pick_cell(name: str, contents: str | None, filename: str | None) -> tuple:
        try:
            toml = None
            if ctx.triggered_id == "cell-upload" and contents:
                toml = str(sv.decode_upload(contents, filename or "cell.toml"))
                name = "uploaded"
                app.server.config["NAKCELL_TOML"] = toml
            elif name == "uploaded":
                toml = app.server.config.get("NAKCELL_TOML")
            rows = sv.cell_rows(sv.get_cell(name, toml))
            label = f"uploaded: {filename}" if toml else ""
            return rows, rows, label, ""
        except Exception as exc:
            return no_update, no_update, no_update, _fail(exc)

    @app.callback(
        Output("cell-fields", "data", allow_duplicate=True),
        Input("cell-fields", "data_timestamp"),
        State("cell-fields", "data"),
        State("cell-original", "data"),
        prevent_initial_call=True,
    )
    def mark_edits(_ts: int, rows: list[dict[str, Any]], original: list[dict[str, Any]]) -> Any:
        """An edited value's source is the user, not the paper the default came from."""
        before = {r["parameter"]: r for r in original or []}
        out = []
        for r in rows or []:
            o = before.get(r["parameter"])
            if o is not None and str(r["value"]) != str(o["value"]):
                r = {**r, "source": f"set here (default {o['value']} {o['unit']}: {o['source']})"}
            elif o is not None:
                r = {**r, "source": o["source"]}
            out.append(r)
        return out

    @app.callback(
        Output("form-galvanostatic", "style"),
        Output("form-ccd", "style"),
        Output("form-rate", "style"),
        Input("proto", "value"),
    )
    def show_form(kind: str) -> tuple:
        return tuple(
            {"display": "block" if k == kind else "none"} for k in ("galvanostatic", "ccd", "rate")
        )


def _run_job(job: dict[str, Any], cell: Any, name: str, form: sv.ProtocolForm) -> None:
    try:
        proto = job["protocol"]
        if form.kind == "rate":
            job["result"] = sv.run_full_rate(cell, proto)
        else:
            job["result"] = sv.run_symmetric(cell, proto)
    except Exception as exc:
        job["error"] = _fail(exc)
    job["done"] = time.perf_counter()


def register_run(app: Dash) -> None:
    @app.callback(
        Output("job", "data"),
        Output("poll", "disabled"),
        Output("error", "children"),
        Output("progress", "style"),
        Input("run", "n_clicks"),
        Input("current-density", "value"),
        State("cell", "value"),
        State("cell-fields", "data"),
        State("cell-original", "data"),
        State("proto", "value"),
        State("half-cycle", "value"),
        State("duration", "value"),
        State("ccd-start", "value"),
        State("ccd-step", "value"),
        State("ccd-stop", "value"),
        State("rates", "value"),
        prevent_initial_call=True,
    )
    def start(_n, i, name, rows, original, kind, half, dur, a, b, c, rates) -> tuple:
        form = sv.ProtocolForm(
            kind, i or "", half or "", dur or "", a or "", b or "", c or "", rates or ""
        )
        try:
            cell = _current_cell(name, app.server.config.get("NAKCELL_TOML"), rows, original)
            proto = sv.build_protocol(form)
        except Exception as exc:
            return no_update, True, _fail(exc), {"display": "none"}
        job_id = uuid.uuid4().hex
        job = {
            "t0": time.perf_counter(),
            "protocol": proto,
            "kind": kind,
            "cell": cell.name,
            "n": next(_RUNS),
        }
        JOBS[job_id] = job
        threading.Thread(target=_run_job, args=(job, cell, name, form), daemon=True).start()
        return job_id, False, "", {"marginLeft": "1em", "display": "inline-block"}

    @app.callback(
        Output("trace", "figure"),
        Output("eta", "figure"),
        Output("summary", "data"),
        Output("summary", "columns"),
        Output("why", "children"),
        Output("progress-text", "children"),
        Output("progress", "style", allow_duplicate=True),
        Output("poll", "disabled", allow_duplicate=True),
        Output("error", "children", allow_duplicate=True),
        Input("poll", "n_intervals"),
        State("job", "data"),
        prevent_initial_call=True,
    )
    def poll(_n: int, job_id: str | None) -> tuple:
        job = JOBS.get(job_id or "")
        if job is None:
            # a tick fired before the last job's "done" was applied: leave the poll alone
            # (disabling it here raced a run started meanwhile and left it never polled)
            return (no_update,) * 9
        if "done" not in job:
            el = time.perf_counter() - job["t0"]
            n_half = getattr(job["protocol"], "n_halfcycles", None)
            what = f", {n_half} half-cycles" if n_half else ""
            return (no_update,) * 5 + (
                f"running {job['cell']}{what}: {el:.1f} s",
                no_update,
                False,
                no_update,
            )
        JOBS.pop(job_id, None)
        hide = {"display": "none"}
        took = f"done in {job['done'] - job['t0']:.1f} s (run {job['n']})"
        if "error" in job:
            return (no_update,) * 5 + (took, hide, True, job["error"])
        return (*_figures(job), took, hide, True, "")


def _figures(job: dict[str, Any]) -> tuple:
    import plotly.graph_objects as go

    from nakcell.plotting.interactive import full_figure, symmetric_figure

    r = job["result"]
    if job["kind"] == "rate":
        fig = full_figure(r["traces"], f"{job['cell']} full cell: rate test")
        return fig, EMPTY, r["by_rate"], _columns(r["by_rate"]), ""
    fig = symmetric_figure(r["traces"], title=f"{job['cell']}: voltage and contact fraction")
    eta = go.Figure(
        go.Scatter(
            x=r["eta"]["i_mA_cm2"],
            y=r["eta"]["V_mV"],
            mode="markers",
            hovertemplate="%{x:.3g} mA/cm², %{y:.4g} mV<extra></extra>",
        )
    )
    eta.update_layout(
        title="overpotential (mean |V| per half-cycle) against current density",
        xaxis_title="current density (mA/cm²)",
        yaxis_title="mean |V| (mV)",
        template="plotly_white",
        height=360,
    )
    rows = [{k: v for k, v in s.items() if k != "ccd_is_lower_bound"} for s in r["summaries"]]
    rows = [
        {k: (float(f"{v:.4g}") if isinstance(v, float) else v) for k, v in s.items()} for s in rows
    ]
    why = " | ".join(w for w in r["why"] if w)
    return fig, eta, rows, _columns(rows), why


def register_eis(app: Dash) -> None:
    @app.callback(
        Output("eis-nyquist", "figure"),
        Output("eis-params", "data"),
        Output("eis-params", "columns"),
        Output("eis-drt", "figure"),
        Output("eis-kk", "figure"),
        Output("eis-file", "children"),
        Output("eis-error", "children"),
        Input("eis-sim", "n_clicks"),
        Input("eis-upload", "contents"),
        State("eis-upload", "filename"),
        State("eis-circuit", "value"),
        State("eis-area", "value"),
        State("cell", "value"),
        State("cell-fields", "data"),
        State("cell-original", "data"),
        prevent_initial_call=True,
    )
    def eis(_n, contents, filename, circuit, area, name, rows, original) -> tuple:
        try:
            if ctx.triggered_id == "eis-upload" and contents:
                path = sv.decode_upload(contents, filename or "spectrum.txt")
                r = sv.eis_analyse(path, circuit, area or None)
                return (*_eis_file(r), f"{filename}: {_fit_status(r['fit'])}", "")
            cell = _current_cell(name, app.server.config.get("NAKCELL_TOML"), rows, original)
            return (*_eis_model(cell), "", "")
        except Exception as exc:
            return (no_update,) * 6 + (_fail(exc),)


def _eis_model(cell: Any) -> tuple:
    from nakcell.plotting.interactive import nyquist_figure

    s = sv.eis_simulate(cell)
    fig = nyquist_figure({cell.name: (s["Z_cm2"], s["f"])}, title=f"{cell.name}: model spectrum")
    rows = [
        {"element": k, "value (SI: ohm, F, s)": float(f"{v:.4g}")} for k, v in s["elements"].items()
    ]
    return fig, rows, _columns(rows), EMPTY, EMPTY


def _se(v: float | None) -> str:
    """A standard error for the table: 'undetermined' where the fit cannot give one."""
    return f"{v:.2g}" if v is not None and np.isfinite(v) else "undetermined"


def _fit_status(res: Any) -> str:
    """The fit's verdict as ``nakcell eis fit`` states it: converged and determined, or why not."""
    if res.success:
        return f"fit converged, every parameter determined (chi2 {res.chi2:.3g})"
    why = "; ".join(getattr(res, "problems", []) or [res.message or "did not converge"])
    return f"fit not trustworthy: {why}"


def _eis_file(r: dict[str, Any]) -> tuple:
    import plotly.graph_objects as go

    from nakcell.plotting.interactive import nyquist_figure

    s, res = r["spectrum"], r["fit"]
    f = s.frequency_Hz
    fig = nyquist_figure(
        {"data": (s.Z_ohm, f)},
        title=f"{Path(s.source).name}: fit of {res.circuit}",
        unit="ohm",
        kind="measured",
    )
    fig.add_scatter(x=r["Z_fit"].real, y=-r["Z_fit"].imag, mode="lines", name=f"fit: {res.circuit}")
    rows = [
        {
            "parameter": k,
            "value": float(f"{v:.4g}"),
            "unit": res.units.get(k, ""),
            "std err": _se(res.stderr.get(k)),
        }
        for k, v in res.parameters.items()
    ]
    d, kk = r["drt"], r["kk"]
    drt = go.Figure(go.Scatter(x=d.tau_s, y=d.gamma_ohm, mode="lines", name="DRT"))
    drt.update_xaxes(type="log", title_text="τ (s)")
    drt.update_layout(
        title=f"DRT (λ = {d.lam:.2g}), R_pol {d.R_pol_ohm:.4g} ohm",
        yaxis_title="γ (ohm)",
        template="plotly_white",
        height=360,
    )
    kkf = go.Figure()
    kkf.add_scatter(x=f, y=kk.residuals_real * 100, mode="markers", name="real")
    kkf.add_scatter(x=f, y=kk.residuals_imag * 100, mode="markers", name="imag")
    kkf.update_xaxes(type="log", title_text="frequency (Hz)")
    kkf.update_layout(
        title=f"Lin-KK residuals ({'valid' if kk.valid else 'not valid'}, "
        f"M = {kk.M}, rms {kk.rms * 100:.2g} %)",
        yaxis_title="residual (%)",
        template="plotly_white",
        height=360,
    )
    return fig, rows, _columns(rows), drt, kkf


def register_alloy(app: Dash) -> None:
    @app.callback(
        Output("alloy-diagram", "figure"),
        Output("alloy-info", "children"),
        Output("alloy-error", "children"),
        Input("alloy-wt", "value"),
        Input("alloy-T", "value"),
    )
    def alloy(wt: str, T: str) -> tuple:
        from nakcell.cli.thermo import _temperature_K
        from nakcell.plotting.interactive import phase_diagram_figure
        from nakcell.thermo.alloy import alloy_state
        from nakcell.thermo.equilibrium import parse_composition

        try:
            text = str(wt).strip()
            x = parse_composition(text if "%" in text else f"{text} wt% K", "Na-K")
            T_K = _temperature_K(str(T) if any(ch.isalpha() for ch in str(T)) else f"{T} C")
            st = alloy_state("Na-K", x, T_K)
        except Exception as exc:
            return no_update, no_update, _fail(exc)
        fig = phase_diagram_figure("Na-K", mark_wt_K=st["wt_K"], mark_T_C=st["temperature_C"])
        phases = ", ".join(f"{k} {v:.2f}" for k, v in st["phases"].items())
        liq = st["liquidus_C"]
        info = f"{st['wt_K']:.1f} wt% K at {st['temperature_C']:.1f} °C: {phases}" + (
            f"; liquidus {liq:.1f} °C" if liq is not None else ""
        )
        return fig, info, ""


def register_audit(app: Dash) -> None:
    @app.callback(
        Output("audit-map", "figure"),
        Output("audit-table", "data"),
        Output("audit-table", "columns"),
        Input("tabs", "value"),
    )
    def literature(tab: str) -> tuple:
        if tab != "audit":
            return no_update, no_update, no_update
        from nakcell.plotting.interactive import audit_figure
        from nakcell.report.audit import audit

        rows = [{k: v for k, v in r.__dict__.items() if k != "row"} for r in audit()]
        show = [{k: r[k] for k in ("id", "verdict", "reason", "source")} for r in rows]
        return audit_figure(rows), show, _columns(show)


def register_sweep(app: Dash) -> None:
    @app.callback(
        Output("db-table", "options"),
        Output("db-file", "data"),
        Output("db-error", "children"),
        Input("db-path", "value"),
        Input("db-upload", "contents"),
        State("db-upload", "filename"),
        prevent_initial_call=True,
    )
    def open_db(path: str | None, contents: str | None, filename: str | None) -> tuple:
        try:
            if ctx.triggered_id == "db-upload" and contents:
                path = str(sv.decode_upload(contents, filename or "sweep.duckdb"))
            if not path:
                return [], None, ""
            return sv.duckdb_tables(path), path, ""
        except Exception as exc:
            return [], None, _fail(exc)

    @app.callback(
        Output("db-rows", "data"),
        Output("db-rows", "columns"),
        Output("db-error", "children", allow_duplicate=True),
        Input("db-table", "value"),
        State("db-file", "data"),
        prevent_initial_call=True,
    )
    def rows(table: str | None, path: str | None) -> tuple:
        if not table or not path:
            return [], [], no_update
        try:
            data = sv.duckdb_rows(path, table)
        except Exception as exc:
            return [], [], _fail(exc)
        return data, _columns(data), ""


def register(app: Dash) -> None:
    from nakcell.app.calibration import register_calibration

    for f in (
        register_cell,
        register_run,
        register_eis,
        register_alloy,
        register_audit,
        register_sweep,
        register_calibration,
    ):
        f(app)
