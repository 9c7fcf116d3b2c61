"""Files a calibration writes: the calibrated cell (TOML), draws (Parquet), plots, summary."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from nakcell.calibrate.priors import EIS_PARAMS, NOISE_PREFIX

if TYPE_CHECKING:
    from nakcell.calibrate.result import Calibration


def write_all(cal: Calibration, out: Path, base_ref: str) -> dict[str, str]:
    out.mkdir(parents=True, exist_ok=True)
    files = {
        "cell": str(write_toml(cal, out / "calibrated.toml", base_ref)),
        "samples": str(write_parquet(cal, out / "posterior.parquet")),
        "corner": str(corner_plot(cal, out / "corner.png")),
        "predictive": str(predictive_plot(cal, out / "predictive.png")),
    }
    payload = cal.to_json(str(out))
    (out / "summary.json").write_text(json.dumps(_clean(payload), indent=2), encoding="utf-8")
    (out / "summary.md").write_text(summary_md(cal), encoding="utf-8")
    files["summary"] = str(out / "summary.md")
    return files


def _clean(o: Any) -> Any:
    if isinstance(o, float):
        return o if math.isfinite(o) else None
    if isinstance(o, dict):
        return {str(k): _clean(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [_clean(v) for v in o]
    if isinstance(o, (np.floating, np.integer, np.bool_)):
        return _clean(o.item())
    return o


def _toml_value(prior: Any, v: float) -> str:
    from nakcell.units import KINDS

    if prior.kind == "fraction":
        return repr(float(v))
    unit = KINDS[prior.kind].field.replace("**", "").replace("*", " ")
    return json.dumps(f"{float(prior.field(v)):.6g} {unit}")


def write_toml(cal: Calibration, path: Path, base_ref: str) -> Path:
    """The base cell with each identifiable-or-not fitted parameter at its posterior median.

    Written in the ``load_cell`` format (``base`` + overrides), so ``--cell path`` works in
    every command. Unidentifiable parameters are written too (at the median of a wide
    posterior) with a comment saying so.
    """
    summ = cal.summary()
    med = cal.medians()
    top: list[str] = []
    sec: dict[str, list[str]] = {"anode": [], "electrolyte": []}
    comments: list[str] = []
    for p in cal.problem.priors:
        if p.name in EIS_PARAMS or p.name.startswith(NOISE_PREFIX):
            continue
        v = med[p.name]
        s = summ[p.name]
        flag = "" if s["identifiable"] else "  # NOT constrained by the data: " + s["note"]
        if p.name == "anode.wt_pct_K":
            comments.append(f"# anode.wt_pct_K median {v:.4g} wt% (set x_Na accordingly)")
            continue
        head, _, leaf = p.name.partition(".")
        line = f"{leaf or head} = {_toml_value(p, v)}{flag}"
        if leaf and head in sec:
            sec[head].append(line)
        else:
            top.append(line)
    lines = [
        "# Calibrated by `nakcell calibrate`: posterior medians of the fitted parameters.",
        "# Intervals and identifiability: summary.md / summary.json beside this file.",
        *comments,
        f"name = {json.dumps(path.parent.name + '-calibrated')}",
        f"base = {json.dumps(base_ref)}",
        *top,
    ]
    for head, body in sec.items():
        if body:
            lines += ["", f"[{head}]", *body]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_parquet(cal: Calibration, path: Path) -> Path:
    import pandas as pd

    x = cal.samples
    cols = {}
    for j, p in enumerate(cal.problem.all_priors):
        cols[f"{p.name} [{p.unit}]"] = np.asarray(p.field(x[:, j]), float)
    chain = cal.run.chain
    cols["walker"] = np.tile(np.arange(chain.shape[1]), chain.shape[0])
    cols["step"] = np.repeat(np.arange(chain.shape[0]), chain.shape[1])
    cols["log_posterior"] = cal.run.log_prob.reshape(-1)
    pd.DataFrame(cols).to_parquet(path, index=False)
    return path


def corner_plot(cal: Calibration, path: Path) -> Path:
    """Pairwise scatter / marginal histograms in the sampling coordinate (log10 for logs)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    pri = cal.problem.all_priors
    y = cal.samples_y
    d = len(pri)
    lab = []
    vals = np.empty_like(y)
    for j, p in enumerate(pri):
        xf = np.asarray(p.field(p.to_x(y[:, j])), float)
        vals[:, j] = np.log10(xf) if p.log else xf
        lab.append(f"{'log10 ' if p.log else ''}{p.name}\n[{p.unit}]")
    summ = cal.summary()
    fig, axes = plt.subplots(d, d, figsize=(2.2 * d + 1, 2.2 * d + 1), squeeze=False)
    for i in range(d):
        for j in range(d):
            ax = axes[i, j]
            if j > i:
                ax.axis("off")
                continue
            if i == j:
                ax.hist(
                    vals[:, j], bins=40, color="C0" if summ[pri[j].name]["identifiable"] else "0.6"
                )
                ax.set_yticks([])
                if not summ[pri[j].name]["identifiable"]:
                    ax.set_title("not identifiable", fontsize=7)
            else:
                ax.plot(vals[:, j], vals[:, i], ",", alpha=0.3, color="C0")
            if i == d - 1:
                ax.set_xlabel(lab[j], fontsize=7)
            if j == 0 and i > 0:
                ax.set_ylabel(lab[i], fontsize=7)
            ax.tick_params(labelsize=6)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def predictive_plot(cal: Calibration, path: Path) -> Path:
    """Each observation: data against the posterior predictive band (model, model + noise)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    bands = cal.predictive()
    n = len(bands)
    fig, axes = plt.subplots(1, n, figsize=(4.6 * n, 3.6), squeeze=False)
    for ax, o, b in zip(axes[0], cal.problem.observations, bands, strict=True):
        _panel(ax, o, b)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _panel(ax: Any, o: Any, b: dict[str, Any]) -> None:
    kind = o.__class__.__name__
    q, qn, data = b["q"], b["qn"], b["data"]
    if kind == "Spectrum":  # Bode-style: Z' and -Z'' against frequency, log-log
        m = data.size // 2
        f = o.freq
        for part, sl, sign, c in (("Z'", slice(0, m), 1, "C0"), ("-Z''", slice(m, None), -1, "C1")):
            lo, hi = sorted((sign * qn[0][sl], sign * qn[1][sl]), key=lambda a: a[0])
            ax.fill_between(f, np.maximum(lo, 1e-12), np.maximum(hi, 1e-12), color=c, alpha=0.2)
            ax.plot(f, np.maximum(sign * q[1][sl], 1e-12), "-", color=c, label=f"{part} model")
            ax.plot(f, sign * data[sl], "o", ms=3, color=c, mec="k", label=f"{part} data")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("frequency (Hz)")
        ax.set_ylabel("ohm (band: 95 % + noise)")
    elif kind == "Trace":
        t = o.seg_time / 3600.0
        ax.fill_between(t, 1e3 * qn[0], 1e3 * qn[1], color="C1", alpha=0.2, label="95 % + noise")
        ax.fill_between(t, 1e3 * q[0], 1e3 * q[2], color="C1", alpha=0.5, label="95 % model")
        what = "data" if o.points is not None else "data (segment means)"
        ax.plot(t, 1e3 * data, "o", ms=3, color="k", label=what)
        ax.set_xlabel("time (h)")
        ax.set_ylabel("mean voltage (mV)")
    else:
        x = np.arange(data.size)
        yerr = np.abs(np.vstack([q[1] - q[0], q[2] - q[1]]))
        ax.errorbar(x, q[1], yerr=yerr, fmt="s", color="C1", label="posterior 95 %")
        sd = getattr(o, "sigma", 0.0)
        ax.errorbar(x + 0.1, data, yerr=sd, fmt="o", color="k", label="stated")
        ax.set_xticks([])
        ax.set_ylabel("SI value")
    ax.set_title(o.label[:60], fontsize=8)
    ax.legend(fontsize=6)


def summary_md(cal: Calibration) -> str:
    d = cal.diagnostics()
    lines = [
        "# Calibration summary",
        "",
        f"R-hat max {d['max_rhat']:.4f}, ESS min {d['min_ess']:.0f}, acceptance "
        f"{d['acceptance']:.2f}, {d['walkers']} walkers x {d['steps']} kept steps, "
        f"{d['evaluations']} evaluations in {d['seconds']:.1f} s "
        f"({d['ms_per_evaluation']:.3f} ms each). Converged: {d['converged']}.",
        "",
        "| parameter | median | 95 % interval | unit | identifiable | note |",
        "|---|---|---|---|---|---|",
    ]
    for k, s in cal.summary().items():
        if s["identifiable"]:
            iv = f"{s['q2.5']:.4g} - {s['q97.5']:.4g}"
        else:
            iv = f"({s['q2.5']:.3g} - {s['q97.5']:.3g}: prior-dominated)"
        lines.append(
            f"| {k} | {s['median']:.4g} | {iv} | {s['unit']} | "
            f"{'yes' if s['identifiable'] else 'NO'} | {s['note']} |"
        )
    lines += ["", "Priors:", ""]
    lines += [f"- {p.describe()}" for p in cal.problem.all_priors]
    lines += ["", "Observations:", ""]
    lines += [f"- {o.label}" for o in cal.problem.observations]
    c = cal.correlations()
    lines += ["", "Correlations (sampling coordinates):", ""]
    names = c["names"]
    for i, row in enumerate(c["matrix"]):
        strong = [f"{names[j]} {v:+.2f}" for j, v in enumerate(row) if j != i and abs(v) > 0.7]
        if strong:
            lines.append(f"- {names[i]}: {', '.join(strong)}")
    return "\n".join(lines) + "\n"
