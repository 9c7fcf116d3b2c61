"""``nakcell reproduce``: re-run the seed's experiments for both anodes and check each
quantitative claim against the physics, writing results.json, figures (PNG) and an
interactive, self-contained report.html.

The work is split: each registered section (:mod:`nakcell.report.sections`) runs its
experiments and returns results, claims and figures; :mod:`nakcell.report.render` renders them
through Jinja2 templates. Seed: Zhao et al. 2021, doi:10.21203/rs.3.rs-223685/v1. Protocol
details the seed does not state (half-cycle time, test durations, CCD steps) are marked as
assumptions in the report.
"""

from __future__ import annotations

import datetime as _dt
import json
import platform
import time
from pathlib import Path
from typing import Any

import numpy as np

from nakcell import __version__
from nakcell.cell.symmetric import interface_asr
from nakcell.cli._common import dumps
from nakcell.materials import get_cell
from nakcell.report.model import HALF_CYCLE, SEED, Claim, Context, Experiment, SectionResult
from nakcell.report.sections import Section, load_builtin

__all__ = ["Claim", "Experiment", "load_results", "run_reproduce", "run_sections"]


def run_reproduce(
    out: str | Path,
    *,
    default_cell: str = "seed-nak",
    quick: bool = False,
    tester_file: str | Path | None = None,
    interactive: bool = True,
) -> Path:
    """Run every section of the report; return the path of report.html.

    ``tester_file`` is the measured cycler file the tester-data section runs the metrics
    pipeline on (default: the shared LANDdt export, when found; see
    :func:`nakcell.analysis.report.find_tester_file`). ``interactive=False`` embeds the PNGs
    instead of the Plotly figures.
    """
    from nakcell.analysis.report import find_tester_file
    from nakcell.report.render import render_report

    t0 = time.perf_counter()
    tester = find_tester_file(tester_file)  # a bad path fails before the long runs
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    ctx = Context(
        out, quick, get_cell(default_cell), get_cell("seed-na"), get_cell("seed-na-sno2"), tester
    )
    done = run_sections(ctx, load_builtin())
    results = _results(ctx, done, time.perf_counter() - t0)
    (out / "results.json").write_text(dumps(results), encoding="utf-8")
    view = [
        {"id": s.id, "title": s.title, "template": s.template, "data": r.data, "figures": r.figures}
        for s, r in done
    ]
    path = out / "report.html"
    path.write_text(render_report(results, view, interactive=interactive), encoding="utf-8")
    return path


def run_sections(ctx: Context, sections: list[Section]) -> list[tuple[Section, SectionResult]]:
    """Run each section in registry order."""
    return [(s, s.run(ctx)) for s in sections]


def _results(
    ctx: Context, done: list[tuple[Section, SectionResult]], runtime: float
) -> dict[str, Any]:
    cells = (ctx.nak, ctx.na, ctx.na_sno2)
    results: dict[str, Any] = {
        "nakcell_version": __version__,
        "created_utc": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "runtime_s": runtime,
        "timings_s": ctx.timings,
        "seed": SEED,
        "time_step_s": HALF_CYCLE / ctx.steps_per_half,
        "claims": [c.__dict__ for _, r in done for c in r.claims],
        "sections": {},
        "interfaces": {c.name: _asr_field(interface_asr(c)) for c in cells},
        "parameters": {c.name: c.all_sources() for c in cells},
        "versions": _versions(),
    }
    for sec, r in done:
        if sec.top_level:
            results.update(r.data)
        else:
            results["sections"][sec.id] = r.data
    return results


def load_results(path: str | Path) -> dict[str, Any]:
    """Read a results.json written by :func:`run_reproduce`."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def _asr_field(d: dict[str, float]) -> dict[str, float]:
    return {
        (k + "_ohm_cm2" if k.endswith("asr") else k): (v * 1e4 if k.endswith("asr") else v)
        for k, v in d.items()
    }


def _versions() -> dict[str, str]:
    import jinja2
    import matplotlib
    import plotly
    import scipy

    return {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "matplotlib": matplotlib.__version__,
        "plotly": plotly.__version__,
        "jinja2": jinja2.__version__,
        "nakcell": __version__,
    }
