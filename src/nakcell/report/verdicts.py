"""Verdicts over the plausible range of inputs the seed does not report.

A claim whose check needs an unreported input (alloy loading, half-cycle time, stack
pressure, per-interface vs per-cell reading of a resistance) is judged at every point of a
grid over those inputs' plausible ranges. Where every point gives the same verdict, that is
the verdict; where it flips inside the range, the claim is "not checkable" and names the
inputs it depends on (those whose change alone flips it somewhere on the grid).

A "model disagrees" also says which side is the more credible and why, from ``nakcell
validate``: how often the model lies inside the published range for the same quantity on
independent published points (the seed's own rows excluded).
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from nakcell.report.model import Claim, H

SEED_SOURCE = "doi:10.21203/rs.3.rs-223685/v1"


@dataclass(frozen=True)
class Unreported:
    """An input the seed does not report: the values tried, their labels, and why."""

    key: str
    name: str
    values: tuple[Any, ...]
    labels: tuple[str, ...]
    source: str

    def range_text(self) -> str:
        return f"{self.name}: {', '.join(self.labels)} ({self.source})"


LOADING = Unreported(
    "loading",
    "alloy loading",
    (2e-9, 10e-9, 50e-9),  # m3 of alloy per electrode
    ("2 uL", "10 uL", "50 uL"),
    "the seed says only 'drop the liquid Na-K alloy on the rGO film'; one small drop to a few "
    "drops on the 11 mm pellet (assumption; the model default is 10 uL)",
)
HALF_CYCLE = Unreported(
    "half_cycle",
    "half-cycle time",
    (0.1 * H, 0.5 * H, 1.0 * H),
    ("0.1 h", "0.5 h", "1 h"),
    "not in the seed; 0.5 and 1 h are the half-cycles of the independent Na | NASICON cycling "
    "rows of validation/published.csv, 0.1 h a short step often used at high current "
    "(assumption)",
)
PRESSURE = Unreported(
    "pressure",
    "stack pressure",
    (0.01e6, 0.2e6, 1.0e6),
    ("0.01 MPa", "0.2 MPa", "1 MPa"),
    "not in the seed; coin-cell springs give ~0.01-0.2 MPa (nakcell.calibrate priors), 1 MPa "
    "a tightly crimped cell (assumption)",
)
BASIS = Unreported(
    "basis",
    "per-interface vs per-cell resistance",
    ("per_interface", "per_cell"),
    ("per interface", "per cell"),
    "SFig 9 does not say whether 105 / 15 ohm cm2 is one interface or the symmetric cell's two",
)


def grid(*inputs: Unreported) -> list[dict[str, int]]:
    """Every combination of the inputs' values, as {key: index}."""
    return [
        dict(zip([u.key for u in inputs], idx, strict=True))
        for idx in itertools.product(*[range(len(u.values)) for u in inputs])
    ]


@dataclass
class GridPoint:
    """One point of a sweep: the input indices, the model's value there, and the verdict."""

    at: dict[str, int]
    model: float | str | None
    verdict: str
    note: str = ""

    def as_dict(self, inputs: Sequence[Unreported]) -> dict[str, Any]:
        d: dict[str, Any] = {u.name: u.labels[self.at[u.key]] for u in inputs if u.key in self.at}
        d.update({"model": self.model, "verdict": self.verdict, "note": self.note})
        return d


def combine(points: Sequence[GridPoint], inputs: Sequence[Unreported]) -> tuple[str, list[str]]:
    """The verdict over the whole grid, and the inputs it depends on.

    All points agree: that verdict and no dependence. Otherwise "not checkable" and the names
    of the inputs whose change alone (the others held) flips the verdict somewhere.
    """
    if not points:
        raise ValueError("no grid points")
    if len({p.verdict for p in points}) == 1:
        return points[0].verdict, []
    flips = []
    for u in inputs:
        rest: dict[tuple, set[str]] = defaultdict(set)
        for p in points:
            rest[tuple(sorted((k, v) for k, v in p.at.items() if k != u.key))].add(p.verdict)
        if any(len(v) > 1 for v in rest.values()):
            flips.append(u.name)
    return "not checkable", flips or [u.name for u in inputs]


def swept_claim(
    id: str,
    claim: str,
    paper: float | str | None,
    units: str,
    points: Sequence[GridPoint],
    inputs: Sequence[Unreported],
    reason: str,
    credibility: Callable[[], str] | None = None,
) -> Claim:
    """A claim judged over a grid: the combined verdict, the model's values over the grid
    (one value, or "lo to hi"), the ranges and their sources, and the grid itself."""
    verdict, dep = combine(points, inputs)
    nums = [p.model for p in points if isinstance(p.model, int | float)]
    texts = sorted({str(p.model) for p in points if not isinstance(p.model, int | float)})
    if nums and not texts and min(nums) == max(nums):
        model: float | str = float(nums[0])
    else:
        lo, hi = (min(nums), max(nums)) if nums else (0.0, 0.0)
        parts = [f"{lo:.3g}" if lo == hi else f"{lo:.3g} to {hi:.3g}"] if nums else []
        model = "; ".join(parts + texts) or "n/a"
    head = (
        f"depends on {', '.join(dep)}: the verdict flips inside the plausible range. "
        if dep
        else f"the same verdict at all {len(points)} points of the plausible range. "
    )
    c = Claim(id, claim, paper, model, units, verdict, head + reason)
    c.depends_on = dep
    c.ranges = [u.range_text() for u in inputs]
    c.sweep = [p.as_dict(inputs) for p in points]
    if verdict == "model disagrees" and credibility is not None:
        c.credibility = credibility()
    return c


# ----------------------------------------------------------------- credibility (validate)
def validation_summary(outcomes: Sequence[Any]) -> dict[str, dict[str, Any]]:
    """Per quantity, over the independent published points (not the seed's own) the model
    covers: how many, how many inside the published range, and their ids."""
    out: dict[str, dict[str, Any]] = {}
    for o in outcomes:
        p = o.point
        if p.source == SEED_SOURCE or o.inside_range is None:
            continue
        d = out.setdefault(p.quantity, {"n": 0, "inside": 0, "inside_ids": [], "miss_ids": []})
        d["n"] += 1
        d["inside"] += int(bool(o.inside_range))
        d["inside_ids" if o.inside_range else "miss_ids"].append(p.id)
    return out


#: quantities of validate that speak for the model's side of each kind of claim
QUANTITY_WORDS = {
    "ccd_mA_cm2": "critical current densities",
    "stripping_limit_mA_cm2": "stripping limits",
    "interface_resistance_ohm_cm2": "interface resistances",
}


def credibility(
    summary: dict[str, dict[str, Any]], quantities: Sequence[str], why_paper: str = ""
) -> str:
    """Which side is the more credible, from the model's record on independent published
    points of these quantities: >= 80 % inside (and >= 3 points): the model; < 50 %: the
    paper (the model misses this quantity elsewhere too); in between, or too few points:
    undecided. ``why_paper`` adds what counts against the paper's own numbers."""
    n = sum(summary.get(q, {}).get("n", 0) for q in quantities)
    k = sum(summary.get(q, {}).get("inside", 0) for q in quantities)
    words = " and ".join(QUANTITY_WORDS.get(q, q) for q in quantities)
    if n == 0:
        side = (
            "undecided: nakcell validate has no independent published " + words + " the model "
            "covers"
        )
    else:
        frac = k / n
        rec = (
            f"nakcell validate: the model lies inside the published range on {k} of {n} "
            f"independent published {words} ({100 * frac:.0f} %)"
        )
        if frac >= 0.8 and n >= 3:
            side = f"the model is the more credible side: {rec}"
        elif frac < 0.5:
            side = f"the paper is the more credible side: {rec}, so the model misses this quantity"
        else:
            side = f"undecided: {rec}"
    return side + (f"; against the paper: {why_paper}" if why_paper else "")
