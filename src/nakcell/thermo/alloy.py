"""What the CLI and the report ask of an alloy: its state at (x, T) and its phase diagram."""

from __future__ import annotations

import functools
import hashlib
import json
import math
from pathlib import Path
from typing import Any

import numpy as np

from nakcell.thermo.activity import a_Na, liquid_range_x_Na
from nakcell.thermo.diagram import invariants, liquidus_T
from nakcell.thermo.equilibrium import equilibrium_point, x_to_wt
from nakcell.thermo.properties import density_NaK, surface_tension_NaK, viscosity_NaK
from nakcell.thermo.systems import model, normalise, tdb_path

T0 = 273.15


def alloy_state(system: str, x: float, T: float, engine: str = "nakcell") -> dict[str, Any]:
    """Liquidus, phases, liquid fraction, liquid properties and a_Na at x (first element), T (K).

    Properties are those of the alloy when fully liquid and ``None`` otherwise.
    """
    name, first, second = normalise(system)
    st = equilibrium_point(name, x, T, engine=engine)
    liq = st.fractions.get("LIQUID", 0.0)
    t_liq = liquidus_T(model(name), x)
    out: dict[str, Any] = {
        "system": name,
        "x_" + first.title(): x,
        "x_" + second.title(): 1.0 - x,
        "wt_" + second.title(): 100.0 * x_to_wt(x, name),
        "temperature_C": T - T0,
        "liquidus_C": t_liq - T0 if math.isfinite(t_liq) else None,
        "phases": {k: round(v, 6) for k, v in st.fractions.items()},
        "liquid_fraction": liq,
        "engine": engine,
    }
    full = liq > 1 - 1e-9 and name == "Na-K"
    if full:
        sigma, xs = surface_tension_NaK(x, T)
        out.update(
            density_g_cm3=float(density_NaK(x, T)) / 1000.0,
            viscosity_mPa_s=float(viscosity_NaK(x, T)) * 1000.0,
            surface_tension_mN_m=sigma * 1000.0,
            surface_x_Na=xs,
            a_Na=float(a_Na(x, T)) if x > 0 else 0.0,
        )
    else:
        out.update(density_g_cm3=None, viscosity_mPa_s=None, surface_tension_mN_m=None, a_Na=None)
    lo, hi = liquid_range_x_Na(T, name)
    out["liquid_field_x_" + first.title()] = None if math.isnan(lo) else [lo, hi]
    out["sources"] = {
        "thermodynamics": f"{tdb_path(name).name} (nakcell assessment, see docs/thermo.md)",
        "density": "Foust, Sodium-NaK Engineering Handbook I (1972) eqs 1.5, 1.8, ideal mixing",
        "viscosity": "Foust 1972 eq. 1.18 (NaK); Fink & Leibowitz ANL/RE-95/2 (1995) for Na",
        "surface_tension": "Butler model (Tanaka et al. 1996) on Fink & Leibowitz Na and K data",
    }
    return out


def _cache_dir() -> Path:
    from nakcell.cache import cache_root

    return cache_root()


def diagram(system: str = "Na-K") -> dict[str, Any]:
    """Invariants of the system ({type, T_C, wt_<B>, x_<B>}) and its phase boundaries.

    Computed once per TDB content and cached in memory and on disk (``$NAKCELL_CACHE`` or
    ``~/.cache/nakcell``), so a second call is instant.
    """
    name = normalise(system)[0]
    digest = hashlib.sha256(tdb_path(name).read_bytes()).hexdigest()[:16]
    return _diagram(name, digest)


@functools.cache
def _diagram(name: str, digest: str) -> dict[str, Any]:
    path = _cache_dir() / f"diagram-{name}-{digest}.json"
    if path.is_file():
        try:
            return json.loads(path.read_text())
        except (OSError, json.JSONDecodeError):
            pass
    out = _compute_diagram(name)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(out))
    except OSError:
        pass
    return out


def _compute_diagram(name: str) -> dict[str, Any]:
    m = model(name)
    second = normalise(name)[2]
    invs = []
    for inv in invariants(m, t_lo=m.t_min + 0.5, t_hi=400.0):
        x_first = inv.x_B
        invs.append(
            {
                "type": inv.type,
                "T_C": inv.T_K - T0,
                "wt_" + second.title(): 100.0 * x_to_wt(x_first, name),
                "x_" + second.title(): 1.0 - x_first,
                "phases": list(inv.phases),
            }
        )
    boundaries = []
    for T in np.arange(m.t_min + 1.0, 380.0, 1.0):
        for f in m.fields(float(T)):
            boundaries.append([float(T) - T0, f.phase, f.x_lo, f.x_hi])
    return {"system": name, "invariants": invs, "fields": boundaries}


def plot_diagram(
    system: str, path: str | Path, mark_wt: float | None = 56.0, mark_T_C: float = 25.0
) -> Path:
    """Save the T-composition diagram (wt% of the second element) with the seed alloy marked."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    d = diagram(system)
    name, _, second = normalise(system)
    fig, ax = plt.subplots(figsize=(6, 4.5))
    for T_C, phase, lo, hi in d["fields"]:
        marker, ms, color = (
            (".", 2, "b") if phase == "LIQUID" else (("|", 3, "k") if lo == hi else (".", 1, "0.5"))
        )
        for xb in {lo, hi}:
            if 1e-9 < xb < 1 - 1e-9:
                ax.plot([100 * x_to_wt(xb, name)], [T_C], marker, ms=ms, color=color)
    ax.plot([], [], "b.", label="liquid field boundary")
    ax.plot([], [], "k|", label="Na2K (stoichiometric)")
    ax.plot([], [], ".", color="0.5", label="bcc solvus")
    for inv in d["invariants"]:
        ax.axhline(inv["T_C"], color="k", lw=0.5, ls=":")
        ax.annotate(
            f"{inv['type']} {inv['T_C']:.1f} C",
            (inv["wt_" + second.title()], inv["T_C"]),
            fontsize=7,
        )
    if mark_wt is not None:
        ax.plot(
            [mark_wt],
            [mark_T_C],
            "r*",
            ms=12,
            label=f"seed alloy {mark_wt:g} wt% {second.title()}, {mark_T_C:g} C",
        )
    ax.set_xlabel(f"wt% {second.title()}")
    ax.set_ylabel("T (C)")
    ax.set_xlim(0, 100)
    ax.set_title(f"{name} (nakcell TDB)")
    ax.legend(fontsize=7, loc="upper center")
    out = Path(path)
    fig.savefig(out, dpi=150, bbox_inches="tight")
    plt.close(fig)
    return out
