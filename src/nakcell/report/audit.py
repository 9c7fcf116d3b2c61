"""``nakcell audit``: physical plausibility of published symmetric-cell results.

Each row of the bundled CSV (``nakcell/data/literature_symmetric.csv``, every row with its
source) is checked against the one bound every solid-electrolyte cell obeys: the voltage of a
cell at current density i cannot be below the ohmic drop of its pellet, i L / sigma. Where
thickness and conductivity are both known, the implied ASR (overpotential / i) is compared
with that bulk minimum; otherwise the row is "not checkable" and says what is missing.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from nakcell.errors import NakcellFileError

REQUIRED = ("id", "electrolyte", "current_density_mA_cm2", "source")
NUMERIC = (
    "thickness_mm",
    "conductivity_S_cm",
    "temperature_C",
    "current_density_mA_cm2",
    "overpotential_mV",
    "interface_asr_ohm_cm2",
    "ccd_mA_cm2",
    "hours",
)


@dataclass
class AuditRow:
    id: str
    source: str
    verdict: str  # plausible | implausible | not checkable
    reason: str
    current_density_mA_cm2: float | None
    overpotential_mV: float | None
    implied_asr_ohm_cm2: float | None
    bulk_min_asr_ohm_cm2: float | None
    row: dict[str, Any]


def bundled_csv() -> Path:
    """Path of the bundled literature table."""
    return Path(str(resources.files("nakcell") / "data" / "literature_symmetric.csv"))


def load_rows(path: str | Path | None = None) -> list[dict[str, Any]]:
    """Read a literature CSV; numbers parsed, empty cells None. Errors name file and line."""
    p = Path(path) if path is not None else bundled_csv()
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise NakcellFileError(p, "no such file") from None
    except UnicodeDecodeError as exc:
        raise NakcellFileError(p, "not UTF-8 text", f"byte {exc.start}") from None
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
    if missing:
        raise NakcellFileError(p, f"missing column(s) {', '.join(missing)}", "line 1")
    rows = []
    for lineno, raw in enumerate(reader, start=2):
        row: dict[str, Any] = dict(raw)
        if not (row.get("source") or "").strip():
            raise NakcellFileError(p, "row without a source", f"line {lineno}")
        for c in NUMERIC:
            v = (row.get(c) or "").strip()
            if not v:
                row[c] = None
                continue
            try:
                row[c] = float(v)
            except ValueError:
                raise NakcellFileError(
                    p, f"column {c}: {v!r} is not a number", f"line {lineno}"
                ) from None
            if not math.isfinite(row[c]) or (c != "temperature_C" and row[c] < 0):
                raise NakcellFileError(p, f"column {c}: {v!r} out of range", f"line {lineno}")
        rows.append(row)
    return rows


def audit(path: str | Path | None = None) -> list[AuditRow]:
    """Check every row; see the module docstring for the rule."""
    out = []
    for r in load_rows(path):
        i = r["current_density_mA_cm2"]
        eta = r["overpotential_mV"]
        L, s = r["thickness_mm"], r["conductivity_S_cm"]
        bulk = (L / 10.0) / s if (L and s) else None  # ohm cm2
        implied = eta / i if (eta is not None and i) else None  # mV / (mA/cm2) = ohm cm2
        if implied is not None and bulk is not None:
            ratio = bulk / implied
            if implied < bulk:
                verdict = "implausible"
                reason = (
                    f"{eta:g} mV at {i:g} mA/cm2 implies an ASR of {implied:.3g} ohm cm2, "
                    f"{ratio:.0f}x below the pellet's bulk minimum L/sigma = {bulk:.3g} ohm cm2 "
                    f"({L:g} mm at {s:.3g} S/cm): the ohmic drop alone is {i * bulk:.0f} mV"
                )
            else:
                verdict = "plausible"
                reason = (
                    f"implied ASR {implied:.3g} ohm cm2 >= bulk minimum {bulk:.3g} ohm cm2; "
                    f"interfaces and the rest account for {implied - bulk:.3g} ohm cm2"
                )
        else:
            need = [
                n
                for n, v in (
                    ("overpotential", eta),
                    ("current density", i),
                    ("thickness", L),
                    ("conductivity", s),
                )
                if v is None
            ]
            verdict = "not checkable"
            reason = "needs " + ", ".join(need)
            if bulk is not None and i:
                reason += f"; the pellet's ohmic drop at {i:g} mA/cm2 would be {i * bulk:.0f} mV"
        out.append(AuditRow(r["id"], r["source"], verdict, reason, i, eta, implied, bulk, r))
    return out


def plot_audit(rows: list[AuditRow], path: str | Path) -> Path:
    """Current density vs overpotential of the rows, with ohmic-limit lines i L / sigma."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    path = Path(path)
    fig, ax = plt.subplots(figsize=(6.8, 4.8))
    i = np.logspace(-2, 2, 50)
    for L_mm, s in ((1.0, 1.4e-3), (1.0, 5e-3), (0.5, 1e-2)):
        ax.plot(
            i, i * (L_mm / 10 / s), "--", lw=0.9, label=f"ohmic limit {L_mm:g} mm, {s:.1e} S/cm"
        )
    colors = {"plausible": "tab:green", "implausible": "tab:red", "not checkable": "tab:gray"}
    for r in rows:
        if r.current_density_mA_cm2 and r.overpotential_mV:
            ax.scatter(
                r.current_density_mA_cm2,
                r.overpotential_mV,
                color=colors[r.verdict],
                zorder=3,
                s=36,
            )
            ax.annotate(
                r.id,
                (r.current_density_mA_cm2, r.overpotential_mV),
                fontsize=7,
                xytext=(4, 4),
                textcoords="offset points",
            )
        elif r.current_density_mA_cm2 and r.bulk_min_asr_ohm_cm2:
            ax.scatter(
                r.current_density_mA_cm2,
                r.current_density_mA_cm2 * r.bulk_min_asr_ohm_cm2,
                marker="^",
                color="tab:gray",
                s=30,
                zorder=3,
            )
    ax.scatter(
        [],
        [],
        marker="^",
        color="tab:gray",
        s=30,
        label="ohmic minimum of a row without overpotential",
    )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("current density (mA/cm²)")
    ax.set_ylabel("overpotential (mV)")
    ax.set_title("Published symmetric cells vs the ohmic limit (red: below it)", fontsize=10)
    ax.legend(fontsize=7, loc="upper left")
    ax.grid(alpha=0.3, which="both")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
