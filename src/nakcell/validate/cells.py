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

from nakcell.materials import Cell, Na, Na3Hf2Si2PO12, Na3Zr2Si2PO12, NaK, beta_alumina
from nakcell.validate.published import Point

# electrolyte text -> (preset, note); first match wins
_ELECTROLYTES: tuple[tuple[str, Callable[[], Any], str], ...] = (
    (r"Na3Hf2Si2PO12", Na3Hf2Si2PO12, ""),
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


def _treat(cell: Cell, treatment: str) -> tuple[Cell | None, str]:
    if treatment == "bare":
        return cell, ""
    for pattern, fn in _TREATMENTS:
        if re.search(pattern, treatment):
            return fn(cell), ""
    return None, f"no interface preset for treatment {treatment!r}"


def build_cell(point: Point, temperature_C: float | None = None) -> tuple[Cell | None, str]:
    """(cell, note) for ``point`` at its conditions, or (None, why not covered)."""
    anode, why = _metal(point.metal)
    if anode is None:
        return None, why
    electrolyte, enote = _electrolyte(point.electrolyte)
    if electrolyte is None:
        return None, enote
    base = Cell(name=point.id, anode=anode, electrolyte=electrolyte)
    cell, why = _treat(base, point.treatment)
    if cell is None:
        return None, why
    t_c = point.temperature_C if temperature_C is None else temperature_C
    changes: dict[str, float] = {"temperature": t_c + 273.15}
    notes = [enote] if enote else []
    if point.pressure_MPa is not None:
        changes["stack_pressure"] = point.pressure_MPa * 1e6
    else:
        notes.append(f"pressure not given: preset {cell.stack_pressure / 1e6:g} MPa")
    if point.thickness_mm is not None:
        changes["thickness"] = point.thickness_mm * 1e-3
    cell = dataclasses.replace(cell, **changes)
    if "Na-K" in point.metal and not cell.anode.is_liquid(cell.temperature):
        notes.append("alloy not liquid at this temperature")
    return cell, "; ".join(notes)
