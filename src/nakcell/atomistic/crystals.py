"""Bulk crystals built from published crystallography (no downloads).

Metals: bcc Na and K from low-temperature X-ray lattice constants, and ordered bcc
approximants of Na-K alloys (the seed's "NaK3"). Electrolytes: an ordered model of monoclinic
NASICON Na3Zr2Si2PO12 shipped with the package (see ``data/PROVENANCE.md``) and its Hf analogue
Na3Hf2Si2PO12 by substitution. Every structure here is a *starting* geometry: energies are
always taken after relaxing it with the calculator in use (see :mod:`nakcell.atomistic.energies`).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

import numpy as np
from ase import Atoms

from nakcell.errors import NakcellInputError

# Experimental bcc lattice constants at 5 K, A: C. S. Barrett, "X-ray study of the alkali metals
# at low temperatures", Acta Crystallogr. 9, 671 (1956), doi:10.1107/S0365110X56001790.
# (Room-temperature values are larger: Na 4.29 A, K 5.33 A; DFT is compared with the 0 K side.)
A_BCC_EXP_A: dict[str, float] = {"Na": 4.225, "K": 5.225}


@dataclass(frozen=True)
class MetalSpec:
    """How a metal or ordered alloy approximant is built."""

    name: str
    prototype: str  # "A2" (bcc), "B2" (CsCl), "D0_3" (BiF3/Fe3Al type)
    elements: tuple[
        str, ...
    ]  # for D0_3: (minority on 4a, majority on 4b + 8c); B2: (0,0,0), (½,½,½)
    note: str


METALS: dict[str, MetalSpec] = {
    "Na": MetalSpec("Na", "A2", ("Na",), "bcc Na, Im-3m; a(5 K) = 4.225 A (Barrett 1956)"),
    "K": MetalSpec("K", "A2", ("K",), "bcc K, Im-3m; a(5 K) = 5.225 A (Barrett 1956)"),
    "NaK3": MetalSpec(
        "NaK3",
        "D0_3",
        ("Na", "K"),
        "ordered bcc approximant of liquid Na0.25K0.75 (D0_3, Fm-3m, 16-atom cubic cell: Na on "
        "4a, K on 4b+8c); no such solid compound exists (the only Na-K intermetallic is Na2K, "
        "C14); the seed's DFT used an 'NaK3' cell of this kind",
    ),
    "Na3K": MetalSpec(
        "Na3K",
        "D0_3",
        ("K", "Na"),
        "ordered bcc approximant of Na0.75K0.25 (D0_3, K on 4a, Na on 4b+8c); hypothetical",
    ),
    "NaK": MetalSpec(
        "NaK",
        "B2",
        ("Na", "K"),
        "ordered bcc approximant of Na0.5K0.5 (B2, CsCl type); hypothetical",
    ),
}

ELECTROLYTES: tuple[str, ...] = ("Na3Zr2Si2PO12", "Na3Hf2Si2PO12")

_NZSP_CIF = "Na3Zr2Si2PO12_ordered_C2_chgnet_relaxed_monoC.cif"


def metal_names() -> list[str]:
    return sorted(METALS)


def metal_bulk(name: str) -> Atoms:
    """Conventional cubic cell of metal ``name`` at its starting (experimental/Vegard) lattice.

    bcc: 2 atoms, a from Barrett (1956). Ordered approximants: lattice from Vegard's law between
    the bcc end members (starting guess only; it is relaxed before use).
    """
    spec = _metal_spec(name)
    if spec.prototype == "A2":
        el = spec.elements[0]
        a = A_BCC_EXP_A[el]
        return Atoms(
            [el, el], scaled_positions=[[0, 0, 0], [0.5, 0.5, 0.5]], cell=[a] * 3, pbc=True
        )
    if spec.prototype == "B2":
        a_vegard = 0.5 * sum(A_BCC_EXP_A[el] for el in spec.elements)
        return Atoms(
            list(spec.elements),
            scaled_positions=[[0, 0, 0], [0.5, 0.5, 0.5]],
            cell=[a_vegard] * 3,
            pbc=True,
        )
    # D0_3: fcc translations of 4a (0,0,0), 4b (1/2,1/2,1/2), 8c (1/4,1/4,1/4) and (3/4,3/4,3/4).
    minority, majority = spec.elements
    a_bcc = 0.25 * A_BCC_EXP_A[minority] + 0.75 * A_BCC_EXP_A[majority]  # Vegard, start only
    fcc = np.array([[0, 0, 0], [0, 0.5, 0.5], [0.5, 0, 0.5], [0.5, 0.5, 0]])
    symbols: list[str] = []
    frac: list[np.ndarray] = []
    for shift, el in (
        ((0, 0, 0), minority),
        ((0.5, 0.5, 0.5), majority),
        ((0.25, 0.25, 0.25), majority),
        ((0.75, 0.75, 0.75), majority),
    ):
        for t in fcc:
            symbols.append(el)
            frac.append((t + np.array(shift)) % 1.0)
    return Atoms(symbols, scaled_positions=frac, cell=[2 * a_bcc] * 3, pbc=True)


def composition(name: str) -> dict[str, float]:
    """Mole fractions of a metal or alloy approximant, e.g. NaK3 -> {'Na': 0.25, 'K': 0.75}."""
    spec = _metal_spec(name)
    symbols = metal_bulk(name).get_chemical_symbols()
    return {el: symbols.count(el) / len(symbols) for el in spec.elements}


def decorate_bcc(slab: Atoms, fractions: dict[str, float], seed: int = 0) -> Atoms:
    """Copy of a one-element slab with its sites given elements at ``fractions`` at random.

    Used for alloys whose ordered cell fits the electrolyte badly: the bcc lattice of the alloy
    (relaxed volume) is matched instead and decorated with a fixed seed, so the same request
    gives the same structure. Counts are rounded; the resulting composition is reported.
    """
    out = slab.copy()
    n = len(out)
    rng = np.random.default_rng(seed)
    order = rng.permutation(n)
    symbols = [""] * n
    start = 0
    items = sorted(fractions.items())
    for k, (el, x) in enumerate(items):
        count = n - start if k == len(items) - 1 else round(x * n)
        for idx in order[start : start + count]:
            symbols[idx] = el
        start += count
    out.set_chemical_symbols(symbols)
    return out


def electrolyte_bulk(name: str) -> Atoms:
    """80-atom monoclinic (C-centred setting) cell of ``name`` before relaxation.

    Na3Zr2Si2PO12: the shipped ordered model (``data/PROVENANCE.md``). Na3Hf2Si2PO12: the same
    with Zr -> Hf (Hf4+ and Zr4+ have nearly equal ionic radii, 0.71 vs 0.72 A in six-fold
    coordination: R. D. Shannon, Acta Crystallogr. A 32, 751 (1976)); relax it before use.
    """
    from ase.io import read

    if name not in ELECTROLYTES:
        raise NakcellInputError("electrolyte", repr(name), f"one of {', '.join(ELECTROLYTES)}")
    ref = resources.files("nakcell.atomistic") / "data" / _NZSP_CIF
    with resources.as_file(ref) as path:
        atoms = read(path, format="cif")
    assert isinstance(atoms, Atoms)
    if name == "Na3Hf2Si2PO12":
        syms = ["Hf" if s == "Zr" else s for s in atoms.get_chemical_symbols()]
        atoms.set_chemical_symbols(syms)
    atoms.info.pop("spacegroup", None)
    atoms.info.pop("occupancy", None)
    return atoms


def _metal_spec(name: str) -> MetalSpec:
    spec = METALS.get(name)
    if spec is None:
        raise NakcellInputError("metal", repr(name), f"one of {', '.join(metal_names())}")
    return spec
