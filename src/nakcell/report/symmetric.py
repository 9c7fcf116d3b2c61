"""Symmetric-cell experiments of the seed (Fig 5a, 5b, 5d; SFig 10, 11) and their claims."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from nakcell.cell.symmetric import SymmetricResult, interface_asr, simulate_symmetric
from nakcell.constants import F
from nakcell.materials import Cell
from nakcell.protocols import Galvanostatic, SteppedCCD
from nakcell.report.explain import stop_explanation
from nakcell.report.model import (
    HALF_CYCLE,
    MA_CM2,
    Claim,
    Context,
    Experiment,
    Figure,
    H,
    SectionResult,
    fmt,
    loading_needed,
    mv,
)
from nakcell.report.sections import register


@dataclass
class _Spec:
    exp: Experiment
    cells: list[Cell]
    protocol: Any
    fig_title: str
    paper_value_mV: float | None = None


def _specs(nak: Cell, na: Cell, na_sno2: Cell) -> list[_Spec]:
    """The seed's symmetric experiments; protocol details it does not state are assumptions."""
    ample = nak.replace(
        name="seed-nak (ample alloy)",
        anode=nak.anode.replace(thickness=4 * loading_needed(nak, 25 * MA_CM2, HALF_CYCLE)),
    )
    both, ccd = [nak.name, na.name], "one 0.5 h/0.5 h cycle each (assumed)"
    return [
        _Spec(
            Experiment("fig5a", "Galvanostatic cycling at 25 mA/cm2", "fig5a.png",
                       "Na-K cell cycles stably > 220 h with a voltage hysteresis of about 8 mV",
                       "25 mA/cm2, 0.5 h half-cycles (assumed), 220 h", both),
            [nak, na], Galvanostatic(25 * MA_CM2, HALF_CYCLE, 220 * H),
            "Fig 5a equivalent: 25 mA/cm², 0.5 h half-cycles", 8.0,
        ),
        _Spec(
            Experiment("fig5a-ample", "Fig 5a with 4x the alloy one half-cycle needs",
                       "fig5a_ample.png", "(what-if: the seed reports no alloy loading)",
                       "25 mA/cm2, 0.5 h half-cycles, 220 h; alloy layer 4x the Na one "
                       "half-cycle moves", [ample.name]),
            [ample], Galvanostatic(25 * MA_CM2, HALF_CYCLE, 220 * H),
            "What-if: Fig 5a with ample alloy", 8.0,
        ),
        _Spec(
            Experiment("fig5b", "Galvanostatic cycling at 40 mA/cm2", "fig5b.png",
                       "Na-K cell cycles 'very stable' with a small overpotential",
                       "40 mA/cm2, 0.5 h half-cycles (assumed), 100 h (assumed)", both),
            [nak, na], Galvanostatic(40 * MA_CM2, HALF_CYCLE, 100 * H),
            "Fig 5b equivalent: 40 mA/cm², 0.5 h half-cycles",
        ),
        _Spec(
            Experiment("fig5d", "Stepped-current test up to 65 mA/cm2", "fig5d.png",
                       "Na-K cell operates up to 65 mA/cm2 with no obvious short circuit",
                       f"5 to 70 mA/cm2 in 5 mA/cm2 steps, {ccd}", both),
            [nak, na], SteppedCCD(5 * MA_CM2, 5 * MA_CM2, HALF_CYCLE, 70 * MA_CM2),
            "Fig 5d equivalent: stepped current density",
        ),
        _Spec(
            Experiment("sfig10", "Galvanostatic cycling at 0.1 mA/cm2", "sfig10.png",
                       "Na cell 'can't work normally even at 0.1 mA/cm2'",
                       "0.1 mA/cm2, 0.5 h half-cycles (assumed), 50 h (assumed)",
                       [na.name, nak.name]),
            [na, nak], Galvanostatic(0.1 * MA_CM2, HALF_CYCLE, 50 * H),
            "SFig 10 equivalent: 0.1 mA/cm²",
        ),
        _Spec(
            Experiment("sfig11", "CCD of Na with a SnO2-coated pellet", "sfig11.png",
                       "limiting current of Na | SnO2-Na3Hf2Si2PO12 is only 1.0 mA/cm2",
                       f"0.1 to 2.0 mA/cm2 in 0.1 mA/cm2 steps, {ccd}",
                       [na_sno2.name, na.name]),
            [na_sno2, na], SteppedCCD(0.1 * MA_CM2, 0.1 * MA_CM2, HALF_CYCLE, 2.0 * MA_CM2),
            "SFig 11 equivalent: stepped current, SnO2-coated vs bare pellet",
        ),
    ]  # fmt: skip


def _run(ctx: Context, spec: _Spec) -> tuple[SymmetricResult, Figure]:
    from nakcell.plotting import plot_symmetric
    from nakcell.plotting.interactive import symmetric_figure, symmetric_traces

    exp = spec.exp
    labels = [c.name for c in spec.cells]
    with ctx.step(exp.id, exp.title):
        res = simulate_symmetric(spec.cells, spec.protocol, steps_per_half=ctx.steps_per_half)
        plot_symmetric(
            res,
            ctx.out / exp.figure,
            title=spec.fig_title,
            labels=labels,
            paper_value_mV=spec.paper_value_mV,
        )
    exp.summaries = [res.summary(k) for k in range(len(spec.cells))]
    traces = symmetric_traces(res, labels)
    fig = symmetric_figure(traces, title=spec.fig_title, paper_value_mV=spec.paper_value_mV)
    return res, Figure(exp.figure, exp.title, fig)


@register("symmetric", "Symmetric cells", top_level=True)
def symmetric_section(ctx: Context) -> SectionResult:
    """Run every symmetric experiment; judge the seed's symmetric-cell claims."""
    exps, res, figs = [], {}, {}
    for spec in _specs(ctx.nak, ctx.na, ctx.na_sno2):
        res[spec.exp.id], figs[spec.exp.id] = _run(ctx, spec)
        exps.append(spec.exp)
    claims = (
        _claims_25(ctx.nak, res["fig5a"])
        + _claims_high_current(ctx.nak, res["fig5b"], res["fig5d"])
        + _claims_na(res["sfig10"], res["sfig11"])
        + _claims_interface(ctx.nak, ctx.na)
        + _claims_conductivity(ctx.nak)
    )
    return SectionResult({"experiments": [e.__dict__ for e in exps]}, claims, figs)


def floor_asr(cell: Cell) -> float:
    """Bulk ASR (ohm m2) of the thinnest pellet the seed reports (1.0 mm): most favourable."""
    return 1.0e-3 / cell.electrolyte.conductivity(cell.temperature)


def _claims_25(nak: Cell, r5a: SymmetricResult) -> list[Claim]:
    i25, paper_h = 25 * MA_CM2, 8e-3
    fa = floor_asr(nak)
    floor_v = i25 * fa
    h_mv = mv(r5a.hysteresis[0])
    s = r5a.summary(0)
    need = loading_needed(nak, i25, HALF_CYCLE)
    ok = not s["stopped"] and s["cycles"] * 2 * HALF_CYCLE >= 220 * H - 1
    hyst = Claim(
        "sym-25-hysteresis",
        "voltage hysteresis about 8 mV at 25 mA/cm2 (Na-K symmetric cell, Fig 5a)",
        8.0,
        h_mv if h_mv is not None else "no complete cycle",
        "mV",
        "inconsistent" if paper_h < floor_v else "consistent",
        f"a 1.0 mm pellet at 1.4e-3 S/cm has a bulk ASR of at least {fa * 1e4:.1f} "
        f"ohm cm2, so |V| cannot be below {floor_v * 1e3:.0f} mV at 25 mA/cm2 (the "
        f"hysteresis, plating minus stripping plateau, not below {2 * floor_v * 1e3:.0f} mV). "
        "Even read most favourably as the plateau |V|, 8 mV implies a total ASR of "
        f"{paper_h / i25 * 1e4:.2f} ohm cm2, {fa / (paper_h / i25):.0f}x below the "
        f"bulk minimum. Model hysteresis (1.1 mm): {fmt(h_mv)} mV"
        + ("" if h_mv is not None else " (no complete cycle: see the duration claim)"),
    )
    why = (
        "no failure in 220 h"
        if ok
        else f"model stops: {stop_explanation(r5a, 0)}; each 0.5 h half-cycle "
        f"moves {i25 * HALF_CYCLE / 3.6 / 1e4:.1f} mAh/cm2 of Na, but the assumed 10 uL alloy "
        f"holds {nak.anode.na_inventory() * F / 3.6 / 1e4:.1f} mAh/cm2 of Na; cycling needs "
        f">= {need * nak.area * 1e9:.0f} uL of alloy on the 11 mm pellet (or shorter half-cycles) "
        "- the seed reports neither, so this depends on unreported parameters"
    )
    duration = Claim(
        "sym-25-duration",
        "Na-K symmetric cell cycles stably for more than 220 h at 25 mA/cm2 (Fig 5a)",
        220.0,
        s["stop_time_h"] if s["stopped"] else 220.0,
        "h",
        "consistent" if ok else "model disagrees",
        why + f"; the cell would also sit at |V| ~ {fmt(s['overpotential_mV'])} mV, set by the "
        "pellet's bulk resistance",
    )
    return [hyst, duration]


def _claims_high_current(nak: Cell, r5b: SymmetricResult, r5d: SymmetricResult) -> list[Claim]:
    fa = floor_asr(nak)
    s5b, s5d = r5b.summary(0), r5d.summary(0)
    v65 = 65 * MA_CM2 * fa
    return [
        Claim(
            "sym-40-overpotential",
            "small overpotential at 40 mA/cm2 (Na-K, Fig 5b)",
            "small",
            s5b["overpotential_mV"],
            "mV",
            "inconsistent",
            f"bulk ohmic drop alone is {40 * MA_CM2 * fa * 1e3:.0f} mV for a 1.0 mm pellet "
            f"(model, 1.1 mm: {fmt(s5b['overpotential_mV'])} mV mean |V|; stopped: "
            f"{s5b['stopped']})",
        ),
        Claim(
            "sym-65-ccd",
            "Na-K cell operates up to 65 mA/cm2 without short circuit (Fig 5d)",
            65.0,
            s5d["ccd_mA_cm2"],
            "mA/cm2",
            "model disagrees" if (s5d["ccd_mA_cm2"] or 0) < 65 else "consistent",
            f"model CCD {fmt(s5d['ccd_mA_cm2'])} mA/cm2 ({s5d['stopped'] or 'no failure'}); "
            "no short circuit by penetration (a liquid anode relaxes flaw pressure), but the "
            f"bulk ohmic drop at 65 mA/cm2 is >= {v65:.2f} V and the alloy's Na is exhausted "
            "within a half-cycle at the assumed loading",
        ),
    ]


def _claims_na(r10: SymmetricResult, r11: SymmetricResult) -> list[Claim]:
    s10, s11 = r10.summary(0), r11.summary(0)
    ccd11 = s11["ccd_mA_cm2"]
    return [
        Claim(
            "sym-na-0.1",
            "Na symmetric cell can't work normally even at 0.1 mA/cm2 (SFig 10)",
            "fails",
            "fails" if s10["stopped"] else "works",
            "",
            "model disagrees" if not s10["stopped"] else "consistent",
            f"model Na cell at 0.1 mA/cm2: mean |V| {fmt(s10['overpotential_mV'])} mV, min "
            f"contact fraction {s10['min_contact_fraction']:.2f}, {s10['cycles']} cycles, "
            f"{s10['stopped'] or 'no failure'}: Na creep (Wang et al. 2020) at the assumed "
            "0.2 MPa resupplies the interface far faster than 0.1 mA/cm2 strips it. A failure "
            "here needs a resistive interphase or defects the model does not contain",
        ),
        Claim(
            "sym-na-sno2-ccd",
            "limiting current of Na with a SnO2-modified pellet is 1.0 mA/cm2 (SFig 11)",
            1.0,
            ccd11 if ccd11 is not None else "not reached",
            "mA/cm2",
            "consistent" if ccd11 is not None and abs(ccd11 - 1.0) <= 0.15 else "model disagrees",
            f"model CCD {'>= ' if s11['ccd_is_lower_bound'] else ''}{fmt(ccd11)} mA/cm2 "
            f"({s11['stopped'] or 'no failure in the tested range'})",
        ),
    ]


def _claims_interface(nak: Cell, na: Cell) -> list[Claim]:
    out = []
    for cell_name, asr, paper in (
        ("Na-K", interface_asr(nak), 15.0),
        ("Na", interface_asr(na), 105.0),
    ):
        m = asr["interface_asr"] * 1e4
        f_needed = asr["charge_transfer_asr"] * asr["contact_fraction"] * 1e4 / paper
        side = "below" if paper < asr["bulk_asr"] * 1e4 else "above"
        out.append(
            Claim(
                f"eis-interface-{cell_name.lower()}",
                f"interface resistance {cell_name}|Na3Hf2Si2PO12 = {paper:g} ohm cm2 (SFig 9)",
                paper,
                m,
                "ohm cm2",
                "model disagrees" if abs(np.log10(m / paper)) > 0.3 else "consistent",
                f"model: R_ct/f + R_constriction at assembly = {m:.2f} ohm cm2 per interface "
                f"(contact fraction {asr['contact_fraction']:.2f}, i0 from the best reported "
                f"Na|NZSP interface). Matching {paper:g} ohm cm2 with this i0 would need f = "
                f"{f_needed:.3f}, or a resistive interphase; the paper's value is also {side} "
                f"the pellet's bulk ASR of {asr['bulk_asr'] * 1e4:.0f} ohm cm2",
            )
        )
    return out


def _claims_conductivity(nak: Cell) -> list[Claim]:
    i25, paper_h = 25 * MA_CM2, 8e-3
    fa = floor_asr(nak)
    i_at_8mV = paper_h / fa / MA_CM2  # mA/cm2 a 1.0 mm pellet passes at 8 mV (ohmic only)
    return [
        Claim(
            "conductivity-units",
            "Na3Hf2Si2PO12 conductivity reaches 1.4e-3 S cm^-2 at room temperature",
            1.4e-3,
            1.4e-3,
            "S/cm",
            "not checkable",
            "an input of the model, not a result: the paper states it in S cm^-2, which is not "
            "a conductivity unit; nakcell reads it as 1.4e-3 S/cm (its own SFig 4-6 are not in "
            "the text). Every ohmic bound in this report scales with it: a conductivity "
            f"matching 8 mV at 25 mA/cm2 through a 1.0 mm pellet would be {0.1 / (8 / 25):.2f} "
            "S/cm, above any reported NASICON (best bulk value found: 1.5e-2 S/cm, Ma et al., "
            "J. Mater. Chem. A 2019)",
        ),
        Claim(
            "fig5c-best",
            "25-40 mA/cm2 with small overpotential is the best value for solid-state sodium "
            "batteries at room temperature so far (Fig 5c)",
            25.0,
            i_at_8mV,
            "mA/cm2 at 8 mV",
            "inconsistent",
            f"the claimed point (25 mA/cm2, ~8 mV) lies {fa / (paper_h / i25):.0f}x below the "
            "ohmic limit of its own pellet (see nakcell audit and the literature map below): "
            f"at 8 mV a 1.0 mm pellet passes at most {i_at_8mV:.3f} mA/cm2 (the model value), "
            "so the point is not attainable with the stated electrolyte; the highest "
            "room-temperature Na | ceramic plating current with numbers in the bundled table "
            "is 12 mA/cm2 (Na-beta''-alumina, Bay et al.)",
        ),
    ]
