"""Sourced parameter sets: anodes, electrolytes and cells. Every value has unit and source."""

from nakcell.materials.anodes import ANODES, Anode, K, Na, NaK, is_liquid_alloy, wt_pct_K_to_x_Na
from nakcell.materials.cells import (
    CELLS,
    Cell,
    get_cell,
    load_cell,
    seed_na,
    seed_na_sno2,
    seed_nak,
)
from nakcell.materials.electrolytes import (
    ELECTROLYTES,
    Electrolyte,
    Na3Hf2Si2PO12,
    Na3Zr2Si2PO12,
    Na5SmSi4O12,
    beta_alumina,
)

__all__ = [
    "ANODES",
    "CELLS",
    "ELECTROLYTES",
    "Anode",
    "Cell",
    "Electrolyte",
    "K",
    "Na",
    "Na3Hf2Si2PO12",
    "Na3Zr2Si2PO12",
    "Na5SmSi4O12",
    "NaK",
    "beta_alumina",
    "get_cell",
    "is_liquid_alloy",
    "load_cell",
    "seed_na",
    "seed_na_sno2",
    "seed_nak",
    "wt_pct_K_to_x_Na",
]
