"""Model cells for published points: the row's metal, electrolyte, treatment and conditions.

Only presets from :mod:`nakcell.materials` are used; nothing here sets a physical parameter.
A row whose metal, electrolyte or treatment has no preset is "not covered" (the reason is
returned instead of a cell). Conditions the paper does not state keep the preset's value
(e.g. the coin-cell stack pressure), and the runner says so in the row's model note.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from typing import Any

from nakcell.materials import (
    Cell,
    Na,
    Na3Hf2Si2PO12,
    Na3Zr2Si2PO12,
    Na5SmSi4O12,
    NaK,
    beta_alumina,
)
from nakcell.validate.published import Point

# electrolyte text -> (preset, note); first match wins
_ELECTROLYTES: tuple[tuple[str, Callable[[], Any], str], ...] = (
    (r"Na3Hf2Si2PO12", Na3Hf2Si2PO12, ""),
    (r"Na5SmSi4O12", Na5SmSi4O12, ""),
    (r"beta''-alumina|Al10\.67", beta_alumina, ""),
    (r"Zr2Si2PO12", Na3Zr2Si2PO12, ""),
    (r"Zr2Si2\.4P0\.6O12|Zr1\.9Si2\.2P0\.8O12", Na3Zr2Si2PO12, "NZSP preset for a doped NaSICON"),
    (r"^NASICON", Na3Zr2Si2PO12, "NZSP preset (composition not given)"),
    (r"^not specified", Na3Zr2Si2PO12, "electrolyte not given: NZSP preset assumed"),
)


def _metal(text: str) -> tuple[Any | None, str]:
    if text == "Na":
        return Na(), ""
    m = re.match(r"Na-K (\d+):(\d+) wt%( in rGO)?", text)
    if m:
        wt_k = float(m.group(2))
        host = "rGO" if m.group(3) else "none"
        return NaK(wt_k, host=host), ""
    return None, f"no anode preset for {text!r}"


def _electrolyte(text: str) -> tuple[Any | None, str]:
    for pattern, preset, note in _ELECTROLYTES:
        if re.search(pattern, text):
            return preset(), note
    return None, f"no electrolyte preset for {text!r}"


def _sno2(cell: Cell) -> Cell:
    """The seed's SnO2-coated pellet: the interlayer fields of ``seed-na-sno2``."""
    from nakcell.materials import seed_na_sno2

    ref = seed_na_sno2()
    out = dataclasses.replace(
        cell, interlayer=ref.interlayer, interlayer_W_adh=ref.interlayer_W_adh
    )
    return out.with_source("interlayer_W_adh", ref.source_of("interlayer_W_adh"))


# treatment text (regex) -> function applying the preset; the rest are not covered
_TREATMENTS: tuple[tuple[str, Callable[[Cell], Cell]], ...] = ((r"^SnO2", _sno2),)

# (treatment, metal, electrolyte) regexes -> interphase preset of nakcell.materials.interphases
# (the measured interface resistance a paper reports for that interface), where the model has
# such presets. A bare interface with no preset keeps the model's film-free interface.
_INTERPHASES: tuple[tuple[str, str, str, str], ...] = (
    (r"^bare$", r"^Na$", r"Hf2Si2PO12", "seed-Na"),
    (r"^bare$", r"^Na-K", r"Hf2Si2PO12", "seed-NaK"),
    (r"^bare$", r"^Na$", r"Zr|^NASICON|^not specified", "bare-NZSP"),
    (r"^Au", r".", r".", "Au"),
    (r"grain-boundary sealed", r".", r".", "GB-sealed"),
    (r"^Pb/C", r".", r".", "Pb/C"),
    # a surface cleaned of hydroxyls and carbon by heat treatment (Bay et al. 2020): the
    # model's film-free interface (charge transfer and constriction only)
    (r"^heat-treated", r"^Na$", r"beta''-alumina|Al10\.67", "none"),
)


def _interphase_name(point: Point) -> str | None:
    for treat, metal, electrolyte, name in _INTERPHASES:
        if (
            re.search(treat, point.treatment)
            and re.search(metal, point.metal)
            and re.search(electrolyte, point.electrolyte)
        ):
            return name
    return None


def _with_interphase(cell: Cell, point: Point) -> tuple[Cell, bool]:
    """The cell with the row's interphase preset, where the model has presets (else as is)."""
    name = _interphase_name(point)
    if name is None or not hasattr(cell, "with_interphase"):
        return cell, False
    try:
        from nakcell.materials.interphases import INTERPHASES
    except ImportError:  # a model without interphase presets
        return cell, False
    if name not in INTERPHASES:
        return cell, False
    return cell.with_interphase(name), True


def _treat(cell: Cell, point: Point) -> tuple[Cell | None, str]:
    cell, has_preset = _with_interphase(cell, point)
    if point.treatment == "bare" or has_preset:
        return cell, ""
    for pattern, fn in _TREATMENTS:
        if re.search(pattern, point.treatment):
            return fn(cell), ""
    return None, f"no interface preset for treatment {point.treatment!r}"


def build_cell(
    point: Point, temperature_C: float | None = None, pressure_MPa: float | None = None
) -> tuple[Cell | None, str]:
    """(cell, note) for ``point`` at its conditions (or at the temperature / stack pressure
    given, for a trend over them), or (None, why not covered)."""
    anode, why = _metal(point.metal)
    if anode is None:
        return None, why
    electrolyte, enote = _electrolyte(point.electrolyte)
    if electrolyte is None:
        return None, enote
    base = Cell(name=point.id, anode=anode, electrolyte=electrolyte)
    cell, why = _treat(base, point)
    if cell is None:
        return None, why
    t_c = point.temperature_C if temperature_C is None else temperature_C
    changes: dict[str, float] = {"temperature": t_c + 273.15}
    notes = [enote] if enote else []
    p_mpa = point.pressure_MPa if pressure_MPa is None else pressure_MPa
    if p_mpa is not None:
        changes["stack_pressure"] = p_mpa * 1e6
    else:
        notes.append(f"pressure not given: preset {cell.stack_pressure / 1e6:g} MPa")
    if point.thickness_mm is not None:
        changes["thickness"] = point.thickness_mm * 1e-3
    cell = dataclasses.replace(cell, **changes)
    if "Na-K" in point.metal and not cell.anode.is_liquid(cell.temperature):
        notes.append("alloy not liquid at this temperature")
    return cell, "; ".join(notes)
