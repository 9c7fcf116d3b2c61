"""Report sections on what the seed's high currents imply: Joule heating (isothermal vs
heated, side by side) and the electronic-short diagnosis of its 8 mV at 25 mA/cm2."""

from __future__ import annotations

from typing import Any

from nakcell.report.model import Claim, Context, SectionResult
from nakcell.report.sections import register

#: the seed's Fig 5a statement and pellet (Zhao et al. 2021, main text and Methods)
SEED_V, SEED_I = 8e-3, 250.0  # V, A/m2 (8 mV at 25 mA/cm2)
THICKNESS_RANGE = (1.0e-3, 1.2e-3)  # m: "thickness is at the range of 1-1.2 mm" (Methods)


@register("heat", "Joule heating at the seed's high currents", after="symmetric")
def heat_section(ctx: Context) -> SectionResult:
    """Isothermal vs lumped-thermal runs of the Na-K cell at 25, 40 and 65 mA/cm2."""
    from nakcell.cell.heat import SEED_HIGH_CURRENTS_MA_CM2, joule_side_by_side

    cycles, steps = (2, 20) if ctx.quick else (5, 60)
    with ctx.step("heat", f"Joule heating side by side at {SEED_HIGH_CURRENTS_MA_CM2} mA/cm2"):
        rows = joule_side_by_side(ctx.nak, cycles=cycles, steps_per_half=steps)
    h = ctx.nak.heat_transfer
    data = {
        "rows": rows,
        "cycles": cycles,
        "heat_transfer_W_m2K": h,
        "method": (
            f"lumped pellet, C dT/dt = |i (V - E_eq)| - 2 h (T - T_amb), h = {h:g} W/(m2 K) per "
            "face (free convection); the pellet's conductivity and the interfaces follow T "
            "(docs/physics.md). Half-cycle: half of what the alloy loading holds, at most 0.5 h"
        ),
    }
    data["summary"] = _heat_summary(rows)
    return SectionResult(data)


def _heat_summary(rows: list[dict[str, Any]]) -> str:
    """One sentence per current: how far the pellet warms and what it does to |V|."""
    out = []
    for r in rows:
        iso, th = r["overpotential_isothermal_mV"], r["overpotential_thermal_mV"]
        v = (
            f"mean |V| {iso:.4g} -> {th:.4g} mV"
            if iso is not None and th is not None
            else (f"stopped: {r['stopped_isothermal'] or r['stopped_thermal']}")
        )
        out.append(f"{r['current_density_mA_cm2']:g} mA/cm2: +{r['temperature_rise_K']:.1f} K, {v}")
    return (
        "; ".join(out)
        + ". The heat comes from the model's volt-scale |V| (the pellet's bulk resistance): at "
        "the seed's own 8 mV, 25 mA/cm2 would dissipate only 0.2 mW/cm2. Free convection from "
        "both faces; a coin cell in a metal holder loses heat faster, so the rises are upper "
        "bounds"
    )  # fmt: skip


@register("short", "Short diagnosis of the seed's 8 mV at 25 mA/cm2", after="heat")
def short_section(ctx: Context) -> SectionResult:
    """Does the seed's 8 mV at 25 mA/cm2 need an electronic path through (or around) the
    pellet? Both readings of '8 mV hysteresis', over the stated thickness range."""
    from nakcell.cli.short import _seed_alloy_paths
    from nakcell.interface.infiltration import diagnose_short

    sigma = ctx.nak.electrolyte.conductivity(ctx.nak.temperature)
    rows = []
    for reading, v in (("|V| = 8 mV", SEED_V), ("peak-to-peak 8 mV (|V| = 4 mV)", SEED_V / 2)):
        for L in THICKNESS_RANGE:
            d = diagnose_short(v, SEED_I, L, ctx.nak.diameter, sigma)
            rows.append({"reading": reading, "thickness_mm": L * 1e3, **d.as_dict()})
    paths = _seed_alloy_paths(ctx.nak.stack_pressure, ctx.nak.thickness)
    data = {"rows": rows, "infiltration_paths": paths, "sigma_S_cm": sigma / 100}
    return SectionResult(data, [_short_claim(rows, sigma)])


def _short_claim(rows: list[dict[str, Any]], sigma: float) -> Claim:
    shorts = [r["implies_short"] for r in rows]
    fil = [x for r in rows if r["filament_diameter_um"] for x in r["filament_diameter_um"]]
    ratio = [r["ionic_to_measured"] for r in rows]
    verdict = (
        "inconsistent" if all(shorts) else "consistent" if not any(shorts) else "not checkable"
    )
    return Claim(
        "short-8mV",
        "the Na-K symmetric cell has no short circuit (8 mV at 25 mA/cm2 read as the ionic "
        "response of the cell, Fig 5a, 5d)",
        "no short",
        f"bulk alone {min(ratio):.0f}-{max(ratio):.0f}x the measured resistance",
        "",
        verdict,
        f"over both readings of '8 mV' and the stated 1.0-1.2 mm thickness at {sigma / 100:.2g} "
        "S/cm, the pellet's ionic path alone is "
        f"{min(ratio):.0f}-{max(ratio):.0f}x more resistive than the whole cell measured: an "
        "electronic path in parallel must carry most of the current"
        + (f" (one Na-K filament {min(fil):.0f}-{max(fil):.0f} um wide)" if fil else "")
        + ", or the conductivity is far above the stated value",
    )
