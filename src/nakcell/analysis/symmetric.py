"""Symmetric-cell (plating/stripping) metrics: overpotential per half-cycle, hysteresis,
area-specific resistance, short-circuit detection and the critical current density.

Definitions, as the symmetric-cell papers use them (CCD: Kasemchainan et al., Nat. Mater.
18, 1105 (2019), doi:10.1038/s41563-019-0438-9, and for Na|beta''-alumina Spencer Jolly et
al., ACS Appl. Mater. Interfaces 12, 678 (2020), doi:10.1021/acsami.9b17786; hysteresis and
stepped-current limit as reported by the seed, Zhao et al. 2021, doi:10.21203/rs.3.rs-223685/v1):

- half-cycle: one step with current (stripping on one side = plating on the other);
- overpotential of a half-cycle: time-weighted mean |V| over the step (also its maximum
  and its final value are reported);
- hysteresis of a cycle: mean V while I > 0 minus mean V while I < 0, i.e. the sum of the
  two half-cycles' overpotentials;
- ASR: overpotential / |current density| (ohm m2; reported in ohm cm2 by the CLI), and
  R = overpotential / |I| (ohm) when no area is known;
- short circuit: either a *collapse* (the cell's V/I falls below ``collapse_fraction`` of
  the previous half-cycle's while current flows, for ``min_points`` points in a row *and*
  for a persistent part of the half-cycle -- ``persist_fraction`` of its duration and at
  least ``persist_s`` -- so a metallic path carries the current; V passing through zero
  at a current reversal, between two samples, is not one) or a *noise signature* (the
  point-to-point voltage noise rises ``noise_factor``-fold above that of earlier
  half-cycles in ``noise_windows`` windows in a row: a soft short that forms and burns
  out);
- CCD from a stepped-current test: the current density of the half-cycle where the first
  short is detected; the last density completed without one is reported beside it. With
  no failure seen, there is no CCD: the largest density passed is reported as a lower
  bound (``ccd_lower_bound_A_m2``) and labelled so (``ccd_status``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from nakcell.analysis.cycles import step_summary
from nakcell.io.table import CyclerData

_ACTIVE = ("charge", "discharge")


@dataclass(frozen=True)
class ShortEvent:
    """A detected short circuit."""

    time_s: float
    kind: str  # "collapse" or "noise"
    step: int
    cycle: int
    current_A: float
    current_density_A_m2: float | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def half_cycle_metrics(
    data: CyclerData | pd.DataFrame, *, area_m2: float | None = None
) -> list[dict[str, Any]]:
    """Per half-cycle: duration, current (density), overpotential (mean, max, end),
    resistance V/I and ASR (with an area)."""
    steps = step_summary(data)
    if steps.empty:
        return []
    out = []
    for _, s in steps[steps["step_type"].isin(_ACTIVE)].iterrows():
        i_abs = abs(float(s["current_mean_A"]))
        eta = float(s["voltage_abs_mean_V"])
        row: dict[str, Any] = {
            "step": int(s["step"]),
            "cycle": int(s["cycle"]),
            "direction": "strip" if s["step_type"] == "charge" else "plate",
            "start_s": float(s["start_s"]),
            "duration_s": float(s["duration_s"]),
            "current_A": float(s["current_mean_A"]),
            "overpotential_V": eta,
            "overpotential_max_V": float(s["voltage_abs_max_V"]),
            "overpotential_end_V": abs(float(s["voltage_end_V"])),
            "resistance_ohm": eta / i_abs if i_abs > 0 else None,
        }
        if area_m2:
            j = i_abs / area_m2
            row["current_density_A_m2"] = j
            row["asr_ohm_m2"] = eta / j if j > 0 else None
        out.append(row)
    return out


def symmetric_cycle_metrics(
    data: CyclerData | pd.DataFrame, *, area_m2: float | None = None
) -> list[dict[str, Any]]:
    """Per cycle: stripping and plating overpotentials, hysteresis, ASR and charge passed."""
    df = data.data if isinstance(data, CyclerData) else data
    halves = pd.DataFrame(half_cycle_metrics(df, area_m2=area_m2))
    if halves.empty:
        return []
    t = df["time_s"].to_numpy(np.float64)
    v = df["voltage_V"].to_numpy(np.float64)
    i = df["current_A"].to_numpy(np.float64)
    st = df["step_type"].astype(str).to_numpy()
    cyc = df["cycle"].to_numpy()
    out = []
    for c, g in halves.groupby("cycle", sort=True):
        row: dict[str, Any] = {"cycle": int(c)}
        in_c = cyc == c
        means = {}
        for direction, kind, sign in (("strip", "charge", 1.0), ("plate", "discharge", -1.0)):
            h = g[g["direction"] == direction]
            row[f"{direction}_overpotential_V"] = (
                float(np.average(h["overpotential_V"], weights=np.maximum(h["duration_s"], 1e-12)))
                if len(h)
                else None
            )
            m = in_c & (st == kind)
            means[direction] = _tmean_masked(v, t, m)
            row[f"{direction}_charge_mAh"] = (
                abs(_trapz_masked(i, t, m, sign)) / 3.6 if m.any() else 0.0
            )
        if means["strip"] is not None and means["plate"] is not None:
            row["hysteresis_V"] = means["strip"] - means["plate"]
        else:
            row["hysteresis_V"] = None
        if area_m2 and "asr_ohm_m2" in g:
            row["asr_ohm_m2"] = float(np.nanmean(g["asr_ohm_m2"].astype(float)))
        r = g["resistance_ohm"].astype(float)
        row["resistance_ohm"] = float(np.nanmean(r)) if r.notna().any() else None
        out.append(row)
    return out


def detect_short(
    data: CyclerData | pd.DataFrame,
    *,
    area_m2: float | None = None,
    collapse_fraction: float = 0.2,
    min_points: int = 3,
    persist_fraction: float = 0.1,
    persist_s: float = 60.0,
    noise_factor: float = 10.0,
    noise_floor_V: float = 1e-3,
    noise_window: int = 20,
    noise_windows: int = 2,
) -> ShortEvent | None:
    """First short circuit in a symmetric-cell trace, or None.

    Collapse: V/I below ``collapse_fraction`` times the median V/I of the previous
    half-cycle, on ``min_points`` consecutive points with current that span at least
    ``persist_fraction`` of the half-cycle's duration and ``persist_s`` seconds (or run
    to its end, when the half-cycle is shorter than that). Noise: the robust
    point-to-point noise of ``noise_windows`` consecutive ``noise_window``-point windows
    exceeds both ``noise_factor`` times the median window noise of the earlier
    half-cycles and ``noise_floor_V``.
    """
    df = data.data if isinstance(data, CyclerData) else data
    t = df["time_s"].to_numpy(np.float64)
    v = df["voltage_V"].to_numpy(np.float64)
    i = df["current_A"].to_numpy(np.float64)
    st = df["step_type"].astype(str).to_numpy()
    step = df["step"].to_numpy()
    cyc = df["cycle"].to_numpy()
    on = np.isin(st, _ACTIVE)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where(on & (i != 0), np.abs(v) / np.abs(i), np.nan)
    active_steps = [s for s in pd.unique(step[on])]
    prev_r: float | None = None
    noise_hist: list[float] = []
    for s in active_steps:
        idx = np.flatnonzero(step == s)
        # collapse
        if prev_r is not None and prev_r > 0:
            low = r[idx] < collapse_fraction * prev_r
            need = max(persist_s, persist_fraction * (t[idx[-1]] - t[idx[0]]))
            k = _persistent_run(low, t[idx], min_points, need)
            if k is not None:
                return _event(idx[k], "collapse", t, i, step, cyc, area_m2)
        # noise
        w = _window_noise(v[idx], noise_window)
        if noise_hist and len(w):
            base = float(np.median(noise_hist))
            limit = max(noise_factor * base, noise_floor_V)
            k = _first_run(w > limit, noise_windows)
            if k is not None:
                return _event(idx[k * noise_window], "noise", t, i, step, cyc, area_m2)
        noise_hist.extend(w.tolist())
        rs = r[idx]
        rs = rs[np.isfinite(rs)]
        if rs.size:
            prev_r = float(np.median(rs))
    return None


def critical_current_density(
    data: CyclerData | pd.DataFrame, *, area_m2: float, **short_kw: Any
) -> dict[str, Any]:
    """CCD from a stepped-current symmetric-cell test (see the module docstring).

    Returns ``ccd_A_m2`` (only where a short was seen, else None), ``ccd_lower_bound_A_m2``
    (with no short: the largest density passed, which the CCD is at least),
    ``ccd_status`` (which of the two, in words), ``last_safe_A_m2`` (largest density of a
    half-cycle completed before the short), ``max_tested_A_m2`` and the short event.
    """
    halves = half_cycle_metrics(data, area_m2=area_m2)
    event = detect_short(data, area_m2=area_m2, **short_kw)
    js = [h["current_density_A_m2"] for h in halves]
    top = max(js) if js else None
    levels = len({round(j, 9) for j in js})
    out: dict[str, Any] = {
        "ccd_A_m2": None,
        "ccd_lower_bound_A_m2": top,
        "ccd_status": (
            "no failure seen: the CCD is at least the largest density passed"
            + ("" if levels > 1 else " (one current only: not a stepped CCD test)")
            if top is not None
            else "no half-cycle with current"
        ),
        "last_safe_A_m2": top,
        "max_tested_A_m2": top,
        "short": None,
    }
    if event is None:
        return out
    before = [h["current_density_A_m2"] for h in halves if h["step"] < event.step]
    out["ccd_A_m2"] = event.current_density_A_m2
    out["ccd_lower_bound_A_m2"] = None
    out["ccd_status"] = f"failure seen ({event.kind} short at {event.time_s:.0f} s)"
    out["last_safe_A_m2"] = max(before) if before else None
    out["short"] = event.as_dict()
    return out


def _event(
    k: int,
    kind: str,
    t: np.ndarray,
    i: np.ndarray,
    step: np.ndarray,
    cyc: np.ndarray,
    area_m2: float | None,
) -> ShortEvent:
    s = step[k]
    i_step = float(np.median(i[step == s]))
    return ShortEvent(
        time_s=float(t[k]),
        kind=kind,
        step=int(s),
        cycle=int(cyc[k]),
        current_A=i_step,
        current_density_A_m2=abs(i_step) / area_m2 if area_m2 else None,
    )


def _persistent_run(low: np.ndarray, t: np.ndarray, n: int, need_s: float) -> int | None:
    """Start of the first run of >= n True values lasting >= ``need_s`` (from its first
    point to the point after it, or to the end of the half-cycle)."""
    k, m = 0, len(low)
    while k < m:
        if not low[k]:
            k += 1
            continue
        j = k
        while j < m and low[j]:
            j += 1
        end = t[j] if j < m else t[m - 1]
        if j - k >= n and (end - t[k] >= need_s or (j == m and end - t[k] >= 0.5 * need_s)):
            return k
        k = j
    return None


def _first_run(mask: np.ndarray, n: int) -> int | None:
    """Index where the first run of >= n True values starts."""
    if n <= 1:
        hits = np.flatnonzero(mask)
        return int(hits[0]) if hits.size else None
    run = 0
    for k, m in enumerate(mask):
        run = run + 1 if m else 0
        if run >= n:
            return k - n + 1
    return None


def _window_noise(v: np.ndarray, w: int) -> np.ndarray:
    """Robust noise of each full window: 1.4826 * MAD of the second difference / sqrt(6).

    The second difference removes a linear drift; for white noise of standard deviation
    sigma it has standard deviation sigma*sqrt(6), and 1.4826*MAD estimates a standard
    deviation robustly.
    """
    n = len(v) // w
    if n == 0 or w < 4:
        return np.zeros(0)
    blocks = v[: n * w].reshape(n, w)
    d2 = np.diff(blocks, n=2, axis=1)
    mad = np.median(np.abs(d2 - np.median(d2, axis=1, keepdims=True)), axis=1)
    return 1.4826 * mad / np.sqrt(6.0)


def _tmean_masked(y: np.ndarray, t: np.ndarray, m: np.ndarray) -> float | None:
    if not m.any():
        return None
    # segment-wise trapezoid: only intervals whose both ends are in the mask
    both = m[1:] & m[:-1]
    dt = np.diff(t)[both]
    if dt.sum() <= 0:
        return float(np.mean(y[m]))
    return float(np.sum(0.5 * (y[1:] + y[:-1])[both] * dt) / dt.sum())


def _trapz_masked(y: np.ndarray, t: np.ndarray, m: np.ndarray, sign: float) -> float:
    both = m[1:] & m[:-1]
    return float(np.sum(0.5 * (y[1:] + y[:-1])[both] * np.diff(t)[both])) * sign
