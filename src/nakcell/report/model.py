"""The report's data model: experiments, claims, the run context, and section results.

Every section of ``nakcell reproduce`` runs on a :class:`Context` and returns a
:class:`SectionResult` (plain data for results.json, claims, figures); the template renders the
data. Nothing here writes HTML.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from nakcell.constants import F

if TYPE_CHECKING:
    from nakcell.materials import Cell

MA_CM2 = 10.0  # A/m2 per mA/cm2
H = 3600.0
HALF_CYCLE = 0.5 * H  # assumption: the seed states no half-cycle time
SEED = "Zhao et al. 2021, doi:10.21203/rs.3.rs-223685/v1"
VERDICTS = ("consistent", "inconsistent", "model disagrees", "not checkable")


@dataclass
class Experiment:
    """One in-silico experiment with the paper's statement beside the model's numbers."""

    id: str
    title: str
    figure: str
    paper: str
    protocol: str
    cells: list[str]
    summaries: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Claim:
    """A quantitative claim of the seed and the model's verdict on it."""

    id: str
    claim: str
    paper_value: float | str | None
    model_value: float | str | None
    units: str
    verdict: str  # one of VERDICTS
    reason: str
    #: unreported inputs whose plausible range flips the verdict ("not checkable (depends on X)")
    depends_on: list[str] = field(default_factory=list)
    #: the unreported inputs swept, each "name: values (source)"
    ranges: list[str] = field(default_factory=list)
    #: the grid: one row per input combination with the model's value and verdict there
    sweep: list[dict[str, Any]] = field(default_factory=list)
    #: for "model disagrees": which side is the more credible and why (nakcell validate)
    credibility: str = ""


@dataclass
class Figure:
    """A figure of the report: the static PNG (for papers) and, when there is one, the
    interactive Plotly figure embedded in report.html."""

    png: str
    title: str
    interactive: Any = None  # plotly.graph_objects.Figure


@dataclass
class SectionResult:
    """What one section returns: ``data`` goes into results.json; ``claims`` into the claims
    table; ``figures`` (name -> :class:`Figure`) into the template."""

    data: dict[str, Any]
    claims: list[Claim] = field(default_factory=list)
    figures: dict[str, Figure] = field(default_factory=dict)


@dataclass
class Context:
    """Inputs shared by every section of one ``reproduce`` run."""

    out: Path
    quick: bool
    nak: Cell
    na: Cell
    na_sno2: Cell
    tester: Path | None = None
    timings: dict[str, float] = field(default_factory=dict)
    #: results shared between sections (e.g. the validation run), computed once
    cache: dict[str, Any] = field(default_factory=dict)

    @property
    def steps_per_half(self) -> int:
        return 20 if self.quick else 60

    @contextmanager
    def step(self, key: str, what: str) -> Iterator[None]:
        """Print one progress line to stderr and time the block into ``timings[key]``."""
        print(f"[reproduce] {key}: {what} ...", file=sys.stderr, flush=True)
        ts = time.perf_counter()
        try:
            yield
        finally:
            self.timings[key] = time.perf_counter() - ts


def loading_needed(cell: Cell, i: float, half: float) -> float:
    """Alloy thickness (m) whose Na covers one half-cycle of charge (ideal, full use)."""
    n_na = i * half / F
    vm = float(cell.anode.molar_volume())
    return n_na / cell.anode.x_Na * vm


def mv(v: float) -> float | None:
    """Volts to mV, None when not finite."""
    return float(v) * 1e3 if np.isfinite(v) else None


def fmt(v: Any) -> str:
    """Three significant digits for text; 'n/a' for None."""
    if v is None:
        return "n/a"
    if isinstance(v, float):
        return f"{v:.3g}"
    return str(v)
