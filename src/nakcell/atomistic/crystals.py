"""Bulk crystals built from published crystallography (no downloads).

Metals: bcc Na and K from low-temperature X-ray lattice constants, and ordered bcc
approximants of Na-K alloys (the seed's "NaK3"). Electrolytes: monoclinic (C2/c) NASICON
Na3Zr2Si2PO12 and its Hf analogue Na3Hf2Si2PO12, built by space-group expansion of the
R-3c NASICON framework's Wyckoff positions (:data:`NASICON_R3C`), the exact group-subgroup
transformation R-3c -> C2/c and an ordering of Na and Si/P that keeps C2/c
(:func:`nasicon_c2c`); the earlier shipped CHGNet-relaxed C2 ordering stays available
(``model="chgnet-c2"``, see ``data/PROVENANCE.md``). Every structure here is a *starting*
geometry: energies are always taken after relaxing it with the calculator in use (see
:mod:`nakcell.atomistic.energies`).
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
ELECTROLYTE_MODELS: tuple[str, ...] = ("c2c", "chgnet-c2")

_NZSP_CIF = "Na3Zr2Si2PO12_ordered_C2_chgnet_relaxed_monoC.cif"

#: R-3c (No. 167, hexagonal axes, origin at -3) NASICON framework, Wyckoff site -> (letter,
#: representative fractional coordinates), and the hexagonal a, c in A. Source: the published
#: rhombohedral NASICON prim of Z. Deng et al., Nat. Commun. 13, 4470 (2022),
#: doi:10.1038/s41467-022-32190-7, file inputs/prim.json of GitHub
#: caneparesearch/NASICON_KMC_paper_data @ 69eb10b7 (MIT; copied in tests/data/structures and
#: atomistic/data with its licence). Its 42 sites were symmetrised with spglib (symprec 1e-3:
#: R-3c, Wyckoff b, e, c, e, f, f) and one representative of each orbit is listed; rebuilding
#: the R-3c cell from these six reproduces the prim (tests/test_atomistic_structures.py).
#: It is a DFT (relaxed, Si-rich NASICON) geometry, not an X-ray refinement: the measured
#: monoclinic Na3Zr2Si2PO12 coordinates (H. Kohler, H. Schulz, Mater. Res. Bull. 20, 1461
#: (1985); J. P. Boilot, G. Collin, Ph. Colomban, Mater. Res. Bull. 22, 669 (1987)) could not be
#: retrieved here; pass them as ``wyckoff``/``lattice`` to use them instead.
NASICON_R3C: dict[str, tuple[str, tuple[float, float, float]]] = {
    "Na1": ("6b", (0.0, 0.0, 0.0)),
    "Na2": ("18e", (0.63967, 0.0, 0.25)),
    "M": ("12c", (0.0, 0.0, 0.14719)),
    "T": ("18e", (0.29544, 0.0, 0.25)),
    "O1": ("36f", (0.18214, 0.02102, 0.19199)),
    "O2": ("36f", (0.18534, 0.16651, 0.08652)),
}
NASICON_R3C_HEX_A: tuple[float, float] = (9.1863, 22.181)  # a, c (A), same source

#: Rows: the C2/c cell vectors in hexagonal ones, a_m = -(2a_h + b_h), b_m = -b_h (the
#: 2-fold axis), c_m = (2a_h + b_h + c_h)/3 (a rhombohedral lattice vector); V_m = 2/3 V_h,
#: Z = 4. Then the origin is moved by (1/4, 1/4, 1/2) to the ITA standard setting of C2/c
#: (unique axis b, cell choice 1), where Na1 (6b) lands on 4d and the 18e orbits split into
#: 4e (on the 2-fold axes) + 8f.
_HEX_TO_C2C = np.array([[-2.0, -1.0, 0.0], [0.0, -1.0, 0.0], [2 / 3, 1 / 3, 1 / 3]])
_C2C_ORIGIN_SHIFT = np.array([0.25, 0.25, 0.5])
NA_ORDERINGS: tuple[str, ...] = ("4d+8f", "4e+8f")


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


def electrolyte_bulk(name: str, model: str = "c2c", na_sites: str = "4e+8f") -> Atoms:
    """80-atom monoclinic (C-centred) cell of ``name`` before relaxation.

    ``model="c2c"`` (default): :func:`nasicon_c2c`, built from Wyckoff positions, space group
    C2/c, Na on ``na_sites``. ``model="chgnet-c2"``: the shipped ordered C2 approximant
    (``data/PROVENANCE.md``), Zr -> Hf for the Hf compound. Hf4+ and Zr4+ have nearly equal
    ionic radii (0.71 vs 0.72 A in six-fold coordination: R. D. Shannon, Acta Crystallogr. A
    32, 751 (1976)); relax before use.
    """
    from ase.io import read

    if name not in ELECTROLYTES:
        raise NakcellInputError("electrolyte", repr(name), f"one of {', '.join(ELECTROLYTES)}")
    metal = "Hf" if name == "Na3Hf2Si2PO12" else "Zr"
    if model == "c2c":
        return nasicon_c2c(metal=metal, na_sites=na_sites)
    if model != "chgnet-c2":
        raise NakcellInputError(
            "electrolyte model", repr(model), f"one of {', '.join(ELECTROLYTE_MODELS)}"
        )
    ref = resources.files("nakcell.atomistic") / "data" / _NZSP_CIF
    with resources.as_file(ref) as path:
        atoms = read(path, format="cif")
    assert isinstance(atoms, Atoms)
    if metal == "Hf":
        syms = ["Hf" if s == "Zr" else s for s in atoms.get_chemical_symbols()]
        atoms.set_chemical_symbols(syms)
    atoms.info.pop("spacegroup", None)
    atoms.info.pop("occupancy", None)
    return atoms


def nasicon_r3c(
    metal: str = "Zr",
    wyckoff: dict[str, tuple[str, tuple[float, float, float]]] | None = None,
    hex_a_c: tuple[float, float] | None = None,
) -> Atoms:
    """The undistorted R-3c NASICON framework, hexagonal cell (126 sites, Z = 6), every Na
    site (6b + 18e) filled and every tetrahedral site Si: Na4M2Si3O12.

    Built by space-group expansion (:func:`ase.spacegroup.crystal`) of ``wyckoff`` (default
    :data:`NASICON_R3C`) with ``hex_a_c`` (default :data:`NASICON_R3C_HEX_A`).
    """
    from ase.spacegroup import crystal

    w = NASICON_R3C if wyckoff is None else wyckoff
    missing = {"Na1", "Na2", "M", "T", "O1", "O2"} - set(w)
    if missing:
        raise NakcellInputError("wyckoff", f"sites {sorted(w)}", f"also {sorted(missing)}")
    a, c = NASICON_R3C_HEX_A if hex_a_c is None else hex_a_c
    if not (a > 0 and c > 0):
        raise NakcellInputError("hex_a_c", f"{(a, c)}", "two positive lengths in A")
    order = ("Na1", "Na2", "M", "T", "O1", "O2")
    symbols = ["Na", "Na", metal, "Si", "O", "O"]
    atoms = crystal(
        symbols,
        basis=[w[k][1] for k in order],
        spacegroup=167,
        cellpar=[a, a, c, 90.0, 90.0, 120.0],
        primitive_cell=False,
    )
    # remember which R-3c orbit each atom came from (Na1/Na2 both Na)
    kinds = atoms.get_array("spacegroup_kinds")
    atoms.set_array("r3c_site", np.array([order[k] for k in kinds]))
    return atoms


def nasicon_c2c(
    metal: str = "Zr",
    na_sites: str = "4e+8f",
    lattice: tuple[float, float, float, float] | None = None,
    wyckoff: dict[str, tuple[str, tuple[float, float, float]]] | None = None,
) -> Atoms:
    """Monoclinic C2/c NASICON Na3M2Si2PO12 (M = Zr or Hf), 80 atoms, one ordered model.

    Steps: (1) the R-3c framework from Wyckoff positions (:func:`nasicon_r3c`); (2) its cell
    re-expressed exactly in the C2/c subgroup cell (:data:`_HEX_TO_C2C`, origin shifted to the
    standard setting), where the sites split into Na1 4d, Na2 4e, Na3 8f, M 8f, T1 4e, T2 8f,
    O 6 x 8f; (3) the ordering that keeps C2/c: P on T1 (4e), Si on T2 (8f), and 12 Na on
    ``na_sites`` ("4e+8f": Na2 + Na3, Na1 empty; "4d+8f": Na1 + Na3, Na2 empty). Real
    Na3Zr2Si2PO12 has Si/P disorder and partly filled Na sites; this is the ordered
    approximant with the full C2/c symmetry. ``lattice`` = (a, b, c, beta) in A and degrees
    (e.g. measured ones) replaces the cell, keeping fractional coordinates; by default the
    R-3c source's metric is kept (a = 15.91, b = 9.19, c = 9.10 A, beta = 125.65 deg).
    """
    if metal not in ("Zr", "Hf"):
        raise NakcellInputError("metal", repr(metal), "'Zr' or 'Hf'")
    if na_sites not in NA_ORDERINGS:
        raise NakcellInputError("na_sites", repr(na_sites), f"one of {', '.join(NA_ORDERINGS)}")
    frac, src, symbols, cell = _c2c_framework(metal, wyckoff)
    on_2fold = _on_4e(frac)  # (0, y, 1/4)-type: the 4e orbits
    symbols[(src == "T") & on_2fold] = "P"
    empty = (src == "Na1") if na_sites == "4e+8f" else ((src == "Na2") & on_2fold)
    keep_mask = ~empty
    if lattice is not None:
        a, b, c, beta = lattice
        if not (a > 0 and b > 0 and c > 0 and 90.0 < beta < 180.0):
            raise NakcellInputError(
                "lattice", f"{lattice}", "(a, b, c in A > 0, beta in deg, 90 < beta < 180)"
            )
        from ase.geometry import cellpar_to_cell

        cell = cellpar_to_cell([a, b, c, 90.0, beta, 90.0])
    atoms = Atoms(list(symbols[keep_mask]), scaled_positions=frac[keep_mask], cell=cell, pbc=True)
    atoms.info["model"] = f"C2/c ordered NASICON, Na on {na_sites}, P on 4e"
    return atoms


def _c2c_framework(
    metal: str, wyckoff: dict[str, tuple[str, tuple[float, float, float]]] | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """All 84 sites of the R-3c framework in the C2/c cell: fractional coordinates, R-3c
    orbit of each site, element (Na, M, Si, O) and the cell."""
    hexa = nasicon_r3c(metal, wyckoff)
    cell = _HEX_TO_C2C @ hexa.cell[:]
    frac = np.linalg.solve(cell.T, hexa.positions.T).T + _C2C_ORIGIN_SHIFT
    frac = np.round(frac, 10) % 1.0
    # the hexagonal cell holds 3/2 C2/c cells: keep one copy of each site
    keep: list[int] = []
    for k in range(len(frac)):
        if keep:
            d = (frac[keep] - frac[k] + 0.5) % 1.0 - 0.5
            if np.min(np.linalg.norm(d @ cell, axis=1)) < 1e-3:
                continue
        keep.append(k)
    if len(keep) != 84:  # 16 Na + 8 M + 12 T + 48 O sites
        raise NakcellInputError("wyckoff", f"{len(keep)} sites in the C2/c cell", "84")
    symbols = np.array(hexa.get_chemical_symbols(), dtype=object)[keep]
    return frac[keep], hexa.get_array("r3c_site")[keep], symbols, cell


def _on_4e(frac: np.ndarray) -> np.ndarray:
    """Sites of C2/c 4e orbits (0, y, 1/4), (0, -y, 3/4) + C-centring: x in {0, 1/2}, z in
    {1/4, 3/4} (standard setting)."""
    x2 = (2.0 * frac[:, 0]) % 1.0
    z2 = (2.0 * frac[:, 2]) % 1.0
    tol = 1e-6
    return (np.minimum(x2, 1.0 - x2) < tol) & (np.abs(z2 - 0.5) < tol)


def _metal_spec(name: str) -> MetalSpec:
    spec = METALS.get(name)
    if spec is None:
        raise NakcellInputError("metal", repr(name), f"one of {', '.join(metal_names())}")
    return spec
