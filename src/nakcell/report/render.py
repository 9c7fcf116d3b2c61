"""Render results (and the sections' figures) through the Jinja2 templates in ``templates/``."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from nakcell.report.model import VERDICTS, Figure

#: column headers (with units) of the per-experiment table
SUMMARY_COLUMNS = {
    "cell": "cell",
    "overpotential_mV": "mean |V| (mV)",
    "hysteresis_mV": "hysteresis (mV)",
    "asr_ohm_cm2": "ASR (ohm cm²)",
    "cycles": "cycles",
    "stopped": "stopped because",
    "stop_time_h": "stopped at (h)",
    "shorted": "shorted",
    "min_contact_fraction": "min contact f",
    "ccd_mA_cm2": "CCD (mA/cm²)",
    "left_liquid_field_h": "left liquid field (h)",
}
DASH = "—"  # not applicable / not reached: explained under each table


def cell(v: Any, digits: int = 4) -> str:
    """A table cell: numbers to ``digits`` significant digits; None, NaN, False-as-missing to
    a dash (never 'None' or 'nan')."""
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return DASH
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        return f"{v:.{digits}g}"
    if isinstance(v, list | tuple):
        return ", ".join(cell(x, digits) for x in v)
    return str(v)


def verdict_class(v: str) -> str:
    v = v.replace("implausible", "inconsistent").replace("plausible", "consistent")
    return v.replace(" ", "-")


def _env() -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("nakcell.report", "templates"),
        autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["cell"] = cell
    env.filters["verdict_class"] = verdict_class
    return env


def render_report(
    results: Mapping[str, Any],
    sections: list[dict[str, Any]],
    *,
    interactive: bool = True,
) -> str:
    """The report page. ``sections``: per registered section ``{id, title, template, data,
    figures}``; figures with an interactive version are embedded (plotly.js inlined once)."""
    from markupsafe import Markup

    from nakcell.plotting.interactive import plotly_js, to_html_div

    def plot(fig: Figure, key: str) -> Markup:
        return Markup(to_html_div(fig.interactive, f"fig-{key}"))

    counts = {v: sum(c["verdict"] == v for c in results["claims"]) for v in VERDICTS}
    any_interactive = interactive and any(
        f.interactive is not None for s in sections for f in s["figures"].values()
    )
    return (
        _env()
        .get_template("report.html.j2")
        .render(
            r=results,
            sections=sections,
            counts=counts,
            columns=SUMMARY_COLUMNS,
            plot=plot,
            interactive=interactive,
            plotly_js=Markup(plotly_js()) if any_interactive else "",
            dash=DASH,
        )
    )
