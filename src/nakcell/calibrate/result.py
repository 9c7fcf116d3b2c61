"""A calibration's result: posterior summary, identifiability, correlations and its files.

Identifiability rule (docs/calibration.md): a parameter is *identifiable* when its posterior
95 % interval, in the prior's sampling coordinate (log for log-uniform priors), is narrower
than half of the prior's 95 % interval. Otherwise the data do not pin it down: it is flagged
``identifiable: false`` and reported as "not constrained by the data", never as a tight
interval. A posterior that leans on one prior edge is additionally marked "a bound only".
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from nakcell.calibrate.inference import Problem, RunInfo, stack
from nakcell.calibrate.priors import NOISE_PREFIX, Prior

IDENTIFIABLE_RATIO = 0.5


def interval_ratio(prior: Prior, y: np.ndarray) -> float:
    """Posterior 95 % width / prior 95 % width, in y."""
    lo, hi = prior.y_bounds
    q = np.quantile(y, [0.025, 0.975])
    return float((q[1] - q[0]) / (0.95 * (hi - lo)))


def summarise(prior: Prior, x: np.ndarray) -> dict[str, Any]:
    """Field-unit summary of posterior draws ``x`` (SI) of one parameter."""
    y = prior.to_y(x)
    ratio = interval_ratio(prior, y)
    lo, hi = prior.y_bounds
    ylo, yhi = np.quantile(y, [0.025, 0.975])
    edge = 0.02 * (hi - lo)
    note = ""
    if ratio >= IDENTIFIABLE_RATIO:
        note = "not constrained by the data (posterior ~ prior)"
        if ylo - lo < edge and yhi - lo < 0.8 * (hi - lo):
            note = "a bound only: an upper limit"
        elif hi - yhi < edge and yhi - ylo < 0.8 * (hi - lo) and ylo - lo > edge:
            note = "a bound only: a lower limit"
    fld = prior.field
    return {
        "mean": float(fld(np.mean(x))),
        "median": float(fld(np.median(x))),
        "q2.5": float(fld(np.quantile(x, 0.025))),
        "q97.5": float(fld(np.quantile(x, 0.975))),
        "unit": prior.unit,
        "identifiable": bool(ratio < IDENTIFIABLE_RATIO),
        "width_ratio": ratio,
        "note": note,
        "prior": prior.describe(),
    }


@dataclass
class Calibration:
    problem: Problem
    run: RunInfo

    @property
    def samples_y(self) -> np.ndarray:
        return stack(self.run.chain)

    @property
    def samples(self) -> np.ndarray:
        """Posterior draws in SI, (N, d)."""
        return self.problem.to_x(self.samples_y)

    def summary(self) -> dict[str, dict[str, Any]]:
        x = self.samples
        return {p.name: summarise(p, x[:, j]) for j, p in enumerate(self.problem.all_priors)}

    def correlations(self) -> dict[str, Any]:
        """Pearson correlations of the draws in y (log for log-uniform priors)."""
        y = self.samples_y
        c = np.corrcoef(y.T) if y.shape[1] > 1 else np.ones((1, 1))
        return {"names": self.problem.names, "matrix": np.round(c, 3).tolist()}

    def diagnostics(self) -> dict[str, Any]:
        d = dict(self.run.diagnostics)
        d.update(
            seconds=self.run.seconds,
            cpu_seconds=self.run.cpu_seconds,
            evaluations=self.run.evaluations,
            ms_per_evaluation=1e3 * self.run.seconds / max(self.run.evaluations, 1),
            map_log_posterior=self.run.map_logp,
            converged=bool(d.get("max_rhat", 9) < 1.01 and d.get("min_ess", 0) >= 1000),
        )
        return d

    def medians(self) -> dict[str, float]:
        """Posterior medians (SI) of the physical parameters."""
        x = self.samples
        return {
            p.name: float(np.median(x[:, j]))
            for j, p in enumerate(self.problem.priors)
            if not p.name.startswith(NOISE_PREFIX)
        }

    def predictive(self, n: int = 200, seed: int = 0) -> list[dict[str, np.ndarray]]:
        """Posterior predictive bands per observation: 2.5/50/97.5 % of the model (no noise)
        and of model + noise, from ``n`` posterior draws (one batched model call)."""
        rng = np.random.default_rng(seed)
        x = self.samples
        pick = x[rng.choice(len(x), size=min(n, len(x)), replace=False)]
        preds = self.problem.predict(pick)
        out = []
        k = len(self.problem.priors)
        for o, pr in zip(self.problem.observations, preds, strict=True):
            noisy = pr
            if o.noise is not None:
                s = pick[:, k][:, None]
                k += 1
                if o.__class__.__name__ == "Spectrum":
                    s = s * np.concatenate([np.abs(o.z), np.abs(o.z)])[None, :]
                noisy = pr + s * rng.standard_normal(pr.shape)
            q = np.nanquantile(pr, [0.025, 0.5, 0.975], axis=0)
            qn = np.nanquantile(noisy, [0.025, 0.975], axis=0)
            out.append({"label": o.label, "data": o.data, "q": q, "qn": qn})
        return out

    def to_json(self, out: str | None) -> dict[str, Any]:
        keep = ("mean", "median", "q2.5", "q97.5", "identifiable", "unit", "note")
        return {
            "parameters": {k: {f: v[f] for f in keep} for k, v in self.summary().items()},
            "diagnostics": self.diagnostics(),
            "correlations": self.correlations(),
            "out": out,
        }

    def write(self, out_dir: str | Path, base_cell_ref: str) -> dict[str, str]:
        """calibrated.toml, posterior.parquet, summary.json/.md, corner.png, predictive.png."""
        from nakcell.calibrate.outputs import write_all

        return write_all(self, Path(out_dir), base_cell_ref)
