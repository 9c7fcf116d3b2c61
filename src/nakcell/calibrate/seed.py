"""The seed's cells fitted to the seed's own measurements: which claims can hold at once?

Claims (Zhao et al. 2021, doi:10.21203/rs.3.rs-223685/v1):

* Na | NHSP | Na (``seed-na``): interface resistance 105 ohm cm2 (Supplementary Fig 9, read
  as the Na cell's value as the issue does; the text says the interface resistance "decreased
  significantly from 105 to 15 ohm cm2", which may instead be one cell before/after cycling),
  read per cell (both interfaces, ``R_int_cell``) as the engine's seed interphase presets do;
  "can't work normally even at 0.1 mA/cm2" (Supplementary Fig 10), read as: fails (short or
  voltage limit) within 10 h at 0.1 mA/cm2 (the time is our assumption; the text gives none).
* Na-K | NHSP | Na-K (``seed-nak``): interface resistance 15 ohm cm2 (Supplementary Fig 9);
  "voltage hysteresis about 8 mV at 25 mA/cm2" over 220 h (Fig 5a).

Stated uncertainties are ours (the paper gives none): +-10 % on the resistances, +-2 mV on
the hysteresis (one cycle of 2 x 0.5 h half-cycles, the report's assumed Fig 5a protocol).
Method: for every subset of a cell's claims, a point estimate (vectorised differential
evolution) over the published prior ranges (:mod:`nakcell.calibrate.priors`); each claim is
checked at that estimate (a statement holds within 2 standard deviations; an event holds with
model probability > 0.5). If all hold, the subset "holds at once, plausibly". If not, the fit
is repeated over ranges widened by 2 decades either side (log parameters; linear ones by one
span): all holding there means "holds at once, but only with values outside the published
ranges" (those values are flagged); otherwise "cannot hold at once" in this model. Events
also report how many of 1000 parameter sets drawn over the box make them hold (the event
likelihood is flat where the model never fails). The 220 h endurance of Fig 5a is checked at
each estimate (a 220 h simulation), not fitted.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import replace
from typing import Any

import numpy as np

from nakcell.calibrate.inference import Problem, point_estimate
from nakcell.calibrate.model import CalibModel
from nakcell.calibrate.observations import Event, Scalar, parse_statement
from nakcell.calibrate.priors import Prior, build_priors
from nakcell.materials import get_cell

SEED_CLAIMS: dict[str, dict[str, Any]] = {
    "seed-na": {
        "fit": [
            "interface_asr_measured",
            "i0",
            "anode.vacancy_limit",
            "anode.creep_A",
            "stack_pressure",
        ],
        "claims": {
            "SFig 9: R_int 105 ohm cm2 (cell)": "R_int_cell = 105 +- 10.5 ohm cm2",
            "SFig 10: fails at 0.1 mA/cm2": "fails within 10 h at 0.1 mA/cm2",
        },
    },
    "seed-nak": {
        # anode.thickness: the alloy loading is unreported (the default 300 um is assumed)
        "fit": [
            "interface_asr_measured",
            "electrolyte.sigma_ref",
            "stack_pressure",
            "anode.thickness",
        ],
        "claims": {
            "SFig 9: R_int 15 ohm cm2 (cell)": "R_int_cell = 15 +- 1.5 ohm cm2",
            "Fig 5a: hysteresis 8 mV at 25 mA/cm2": "hysteresis = 8 +- 2 mV at 25 mA/cm2",
        },
        "after": ("Fig 5a: 220 h at 25 mA/cm2 (0.5 h half-cycles)", 220 * 3600.0, 250.0),
    },
}
WIDEN_DECADES = 2.0


def _widen(p: Prior) -> Prior:
    if p.log:
        f = 10.0**WIDEN_DECADES
        return replace(p, lo=p.lo / f, hi=p.hi * f)
    span = p.hi - p.lo
    return replace(p, lo=max(p.lo - span, 1e-12), hi=p.hi + span)


def _holds(obs: Any, pred: np.ndarray) -> tuple[bool, str]:
    if isinstance(obs, Scalar):
        if pred[0, 0] >= 1e3:
            return False, "the model cell stops (fails) before completing one cycle"
        z = float((pred[0, 0] - obs.data[0]) / obs.sigma)
        kind = "area_resistance" if obs.quantity.startswith("r_") else "voltage"
        from nakcell.units import KINDS, to_field

        unit = KINDS[kind].field.replace("**", "").replace("*", " ")
        m, d = to_field(float(pred[0, 0]), kind), to_field(float(obs.data[0]), kind)
        return abs(z) <= 2.0, f"model {m:.4g} {unit} vs stated {d:.4g} {unit} (z = {z:+.1f})"
    p = float(np.exp(obs.loglike(pred, None))[0])
    t = float(pred[0, 0])
    tt = "never within the simulated time" if not math.isfinite(t) else f"at {t / 3600:.3g} h"
    return p > 0.5, f"model fails {tt} (probability the claim holds {p:.2f})"


def _fit(
    cell_name: str, fit: list[str], statements: list[str], seed: int, widen: bool
) -> dict[str, Any]:
    cell = get_cell(cell_name)
    pri = build_priors(cell, fit)
    if widen:
        pri = [_widen(p) for p in pri]
    obs = [parse_statement(s) for s in statements]
    prob = Problem(CalibModel(cell, tuple(fit), steps_per_half=8), pri, obs)
    y, lp = point_estimate(prob.log_posterior, prob.bounds(), seed=seed, maxiter=25, popsize=8)
    x = prob.to_x(y[None, :])
    preds = prob.predict(x)
    checks = {o.label: _holds(o, pr) for o, pr in zip(obs, preds, strict=True)}
    # the event likelihood is flat where the model never fails: say how often any of 1000
    # parameter sets drawn over the widened box makes each claim hold (one batched call)
    scan = prob.to_x(prob.sample_prior(np.random.default_rng(seed), 1000))
    for o, pr in zip(obs, prob.predict(scan), strict=True):
        if isinstance(o, Event):
            ok = np.exp(o.loglike(pr, None)) > 0.5
            ok_, txt = checks[o.label]
            checks[o.label] = (
                ok_,
                f"{txt}; holds for {int(ok.sum())} of 1000 sets drawn over the widened ranges",
            )
    published = build_priors(cell, fit)
    values = {}
    for j, p in enumerate(published):
        v = float(x[0, j])
        values[p.name] = {
            "value": float(p.field(v)),
            "unit": p.unit,
            "published_range": [float(p.field(p.lo)), float(p.field(p.hi))],
            "plausible": bool(p.lo <= v <= p.hi),
        }
    return {"x": x, "values": values, "checks": checks, "log_posterior": lp}


def _endurance(cell_name: str, fit: list[str], x: np.ndarray, hours: float, j: float) -> str:
    from nakcell.protocols import Galvanostatic

    b = CalibModel(get_cell(cell_name), tuple(fit), steps_per_half=6).batch(x)
    res = b.simulate(Galvanostatic(current_density=j, half_cycle=1800.0, duration=hours))
    if res.stop_reason[0]:
        return f"fails: {res.stop_reason[0]} at {res.stop_time[0] / 3600:.3g} h"
    return f"holds: {res.completed_cycles[0]} cycles, mean |V| {1e3 * res.overpotential[0]:.3g} mV"


def seed_calibration(*, seed: int = 0) -> dict[str, Any]:
    """For each seed cell: every subset of its claims, fitted; which hold at once, with which
    parameter values, and whether those values lie in the published ranges."""
    out: dict[str, Any] = {"method": __doc__.split("Method:")[1].strip() if __doc__ else ""}
    for cell_name, spec in SEED_CLAIMS.items():
        claims: dict[str, str] = spec["claims"]
        rows = []
        for r in range(len(claims), 0, -1):
            for subset in itertools.combinations(claims, r):
                stated = [claims[c] for c in subset]
                fit = _fit(cell_name, spec["fit"], stated, seed, widen=False)
                plausible = all(fit["checks"][claims[c]][0] for c in subset)
                if not plausible:  # can they hold with values outside the published ranges?
                    fit = _fit(cell_name, spec["fit"], stated, seed, widen=True)
                holds = plausible or all(fit["checks"][claims[c]][0] for c in subset)
                row: dict[str, Any] = {
                    "claims": list(subset),
                    "hold_at_once": holds,
                    "checks": {c: fit["checks"][claims[c]][1] for c in subset},
                    "values": fit["values"],
                    "plausible": plausible,
                    "searched": "published ranges"
                    if plausible
                    else f"published ranges, then widened by {WIDEN_DECADES:g} decades",
                }
                if "after" in spec:
                    label, hours, j = spec["after"]
                    row["checks"][label] = _endurance(cell_name, spec["fit"], fit["x"], hours, j)
                rows.append(row)
        best = next((r for r in rows if r["hold_at_once"] and r["plausible"]), None)
        out[cell_name] = {
            "claims": claims,
            "fitted": spec["fit"],
            "subsets": rows,
            "all_hold_at_once": rows[0]["hold_at_once"],
            "all_hold_plausibly": rows[0]["hold_at_once"] and rows[0]["plausible"],
            "largest_plausible_set": best["claims"] if best else [],
        }
    return out


def describe(result: dict[str, Any]) -> str:
    """Plain-text summary of :func:`seed_calibration` (for the report)."""
    lines = []
    for cell_name in SEED_CLAIMS:
        r = result[cell_name]
        lines.append(
            f"{cell_name}: all claims hold at once: {r['all_hold_at_once']}, with plausible "
            f"values: {r['all_hold_plausibly']}; largest plausible set: "
            f"{r['largest_plausible_set']}"
        )
        for row in r["subsets"]:
            vals = ", ".join(
                f"{k} {v['value']:.3g} {v['unit']}{'' if v['plausible'] else ' (OUT of range)'}"
                for k, v in row["values"].items()
            )
            lines.append(f"  {row['claims']}: hold={row['hold_at_once']}; {vals}")
            for c, t in row["checks"].items():
                lines.append(f"    - {c}: {t}")
    return "\n".join(lines)


__all__ = ["SEED_CLAIMS", "Event", "describe", "seed_calibration"]
