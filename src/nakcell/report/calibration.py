"""Calibration section: the seed's Na and Na-K cells fitted to the seed's own measurements
(:func:`nakcell.calibrate.seed_calibration`): which claims can hold at once, with which
parameter values, and whether those lie inside the published ranges."""

from __future__ import annotations

from typing import Any

from nakcell.report.model import Claim, Context, SectionResult
from nakcell.report.sections import register


@register(
    "calibration", "Calibration: could the seed's cells exist as described?", after="full_cell"
)
def calibration_section(ctx: Context) -> SectionResult:
    """Fit both seed cells to their claims, every subset of them; report what holds at once."""
    from nakcell.calibrate import seed_calibration

    if ctx.quick:
        return SectionResult(
            {
                "skipped": "not run in --quick mode (the fits take about a minute); run "
                "nakcell reproduce without --quick for this section",
                "rows": [],
                "cells": [],
                "method": "",
            }
        )
    with ctx.step("calibration", "fitting seed-na and seed-nak to the seed's measurements"):
        res = seed_calibration()
    cells = {k: v for k, v in res.items() if isinstance(v, dict) and "subsets" in v}
    rows = [_row(name, sub) for name, r in cells.items() for sub in r["subsets"]]
    data = {"method": res.get("method", ""), "rows": rows, "cells": _cells(cells)}
    return SectionResult(data, [_claim(name, r) for name, r in cells.items()])


def _values(sub: dict[str, Any]) -> str:
    return "; ".join(
        f"{k} = {v['value']:.3g} {v['unit']}"
        + ("" if v["plausible"] else f" (outside {v['published_range'][0]:.3g}-"
           f"{v['published_range'][1]:.3g})")
        for k, v in sub["values"].items()
    )  # fmt: skip


def _row(cell: str, sub: dict[str, Any]) -> dict[str, Any]:
    return {
        "cell": cell,
        "claims": " + ".join(sub["claims"]),
        "hold_at_once": sub["hold_at_once"],
        "plausible": sub["plausible"],
        "values": _values(sub),
        "checks": "; ".join(f"{c}: {t}" for c, t in sub["checks"].items()),
        "searched": sub["searched"],
    }


def _cells(cells: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "cell": name,
            "fitted": ", ".join(r["fitted"]),
            "all_hold_at_once": r["all_hold_at_once"],
            "all_hold_plausibly": r["all_hold_plausibly"],
            "largest_plausible_set": " + ".join(r["largest_plausible_set"]) or "none",
        }
        for name, r in cells.items()
    ]


def _claim(name: str, r: dict[str, Any]) -> Claim:
    full = r["subsets"][0]
    if r["all_hold_plausibly"]:
        verdict, how = "consistent", "all hold at once with values inside the published ranges"
    elif r["all_hold_at_once"]:
        verdict, how = (
            "inconsistent",
            "all hold at once only with values outside the published ranges",
        )
    else:
        verdict, how = "model disagrees", "no parameter set of the model makes them hold at once"
    c = Claim(
        f"calib-{name}",
        f"the seed's {name} measurements hold together: " + "; ".join(r["claims"]),
        "all hold",
        "all hold" if r["all_hold_at_once"] else
        f"largest plausible set: {' + '.join(r['largest_plausible_set']) or 'none'}",
        "",
        verdict,
        f"fitting {', '.join(r['fitted'])}: {how}. Best joint fit: {_values(full)}; checks: "
        + "; ".join(f"{k}: {t}" for k, t in full["checks"].items()),
    )  # fmt: skip
    if verdict == "model disagrees":
        c.credibility = (
            "undecided: the fitted parameters span their published ranges and beyond, so the "
            "model's failure to join the claims points at a mechanism it lacks or at the claims"
        )
    return c
