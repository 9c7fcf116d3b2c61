"""Reading a ``nakcell calibrate --out DIR`` folder for the app (no web code here).

The draws come from ``posterior.parquet`` (one column ``"name [unit]"`` per parameter, in
field units); the table's mean, median and 2.5/97.5 % are computed here from those draws.
Identifiability and its note come from ``summary.json`` (they need the prior, which the
Parquet file does not hold); the diagnostics (R-hat, ESS, acceptance) come from it too.
A missing folder or file, or an unreadable one, raises a :class:`nakcell.errors.NakcellError`
whose one line names the problem.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from nakcell.errors import NakcellFileError, NakcellInputError

SAMPLES = "posterior.parquet"
SUMMARY = "summary.json"
#: Parquet columns that are bookkeeping, not parameters
META_COLUMNS = ("walker", "step", "log_posterior")
_COLUMN = re.compile(r"^(?P<name>.+?) \[(?P<unit>[^\]]*)\]$")


@dataclass
class CalibrationView:
    """What the Calibration tab shows of one output folder."""

    folder: Path
    draws: dict[str, np.ndarray]  # parameter -> posterior draws (field units)
    units: dict[str, str]
    identifiable: dict[str, bool | None]  # None: summary.json absent or silent
    notes: dict[str, str]
    diagnostics: dict[str, Any] = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        return list(self.draws)


def calibration_folder(path: str | Path | None) -> Path:
    """The folder ``path`` (``~`` expanded) if it exists and holds a posterior file."""
    text = str(path or "").strip().strip("'\"")
    if not text:
        raise NakcellInputError(
            "calibration folder", "nothing", "the --out folder of a calibration"
        )
    folder = Path(text).expanduser()
    if not folder.exists():
        raise NakcellFileError(folder, "no such folder", "calibration folder")
    if not folder.is_dir():
        raise NakcellFileError(folder, "not a folder (give the --out folder)", "calibration folder")
    if not (folder / SAMPLES).is_file():
        raise NakcellFileError(
            folder, f"no {SAMPLES} in it (not a `nakcell calibrate --out` folder)"
        )
    return folder


def read_draws(path: Path) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """Posterior draws and units from a calibration's Parquet file."""
    import pandas as pd

    try:
        df = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several types for a damaged file
        msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise NakcellFileError(path, f"unreadable Parquet file ({msg})") from None
    draws: dict[str, np.ndarray] = {}
    units: dict[str, str] = {}
    for col in df.columns:
        m = _COLUMN.match(str(col))
        if col in META_COLUMNS or m is None:
            continue
        draws[m["name"]] = df[col].to_numpy(dtype=float)
        units[m["name"]] = m["unit"]
    if not draws:
        raise NakcellFileError(path, "no parameter column ('name [unit]') in it")
    return draws, units


def _read_summary(folder: Path) -> dict[str, Any]:
    p = folder / SUMMARY
    if not p.is_file():
        return {}
    try:
        return json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise NakcellFileError(p, f"unreadable JSON ({exc})") from None


def load_calibration(path: str | Path | None) -> CalibrationView:
    """Draws, identifiability and diagnostics of the calibration written to ``path``."""
    folder = calibration_folder(path)
    draws, units = read_draws(folder / SAMPLES)
    summ = _read_summary(folder)
    params = summ.get("parameters", {})
    ident = {k: params[k].get("identifiable") if k in params else None for k in draws}
    notes = {k: str(params.get(k, {}).get("note") or "") for k in draws}
    return CalibrationView(folder, draws, units, ident, notes, summ.get("diagnostics", {}))


def _yes_no(v: bool | None) -> str:
    return "unknown (no summary.json)" if v is None else ("yes" if v else "NO")


def parameter_rows(view: CalibrationView) -> list[dict[str, Any]]:
    """One row per parameter: mean, median, 2.5 / 97.5 % of the draws, unit, identifiable."""
    rows = []
    for k, x in view.draws.items():
        q = np.quantile(x, [0.025, 0.5, 0.975])
        rows.append(
            {
                "parameter": k,
                "mean": float(f"{np.mean(x):.4g}"),
                "median": float(f"{q[1]:.4g}"),
                "2.5 %": float(f"{q[0]:.4g}"),
                "97.5 %": float(f"{q[2]:.4g}"),
                "unit": view.units[k],
                "identifiable": _yes_no(view.identifiable[k]),
                "note": view.notes[k],
            }
        )
    return rows


def diagnostic_rows(view: CalibrationView) -> list[dict[str, Any]]:
    """R-hat and ESS per parameter (from summary.json), acceptance and run size."""
    d = view.diagnostics
    if not d:
        return [{"quantity": "diagnostics", "value": f"no {SUMMARY} in the folder"}]
    rows: list[dict[str, Any]] = []
    names = view.names
    for what, key in (("R-hat", "rhat"), ("ESS", "ess")):
        for k, v in zip(names, d.get(key) or [], strict=False):
            rows.append({"quantity": f"{what} {k}", "value": _fmt(v)})
    for label, key in (
        ("acceptance", "acceptance"),
        ("max R-hat", "max_rhat"),
        ("min ESS", "min_ess"),
        ("walkers", "walkers"),
        ("kept steps", "steps"),
        ("converged (R-hat < 1.01, ESS >= 1000)", "converged"),
    ):
        if key in d:
            rows.append({"quantity": label, "value": _fmt(d[key])})
    rows.append({"quantity": "draws", "value": len(next(iter(view.draws.values())))})
    return rows


def _fmt(v: Any) -> Any:
    if isinstance(v, float):
        return float(f"{v:.4g}")
    return "n/a" if v is None else v


def pair(view: CalibrationView, x: str | None, y: str | None) -> tuple[str, str]:
    """The two parameters to plot against each other (defaults: the first two)."""
    names = view.names
    for v in (x, y):
        if v is not None and v not in names:
            raise NakcellInputError("parameter", repr(v), f"one of {', '.join(names)}")
    x = x or names[0]
    y = y or (names[1] if len(names) > 1 else names[0])
    return x, y


def log_scaled(x: np.ndarray) -> bool:
    """Draws spread over more than ~1.5 decades (all positive) are shown as log10."""
    return bool(np.all(x > 0) and np.quantile(x, 0.975) / np.quantile(x, 0.025) > 30)


def axis(view: CalibrationView, k: str) -> tuple[np.ndarray, str]:
    """Values to plot for ``k`` and their axis title (log10 for wide positive posteriors, as
    in corner.png; ``NOT identifiable`` appended where summary.json says so)."""
    x = view.draws[k]
    tag = " (NOT identifiable)" if view.identifiable[k] is False else ""
    if log_scaled(x):
        return np.log10(x), f"log10 {k} [{view.units[k]}]{tag}"
    return x, f"{k} [{view.units[k]}]{tag}"
