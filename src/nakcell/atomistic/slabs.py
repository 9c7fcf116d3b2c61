"""Slabs and interfaces: facet, thickness, vacuum, termination, lateral matching with strain.

Built on ``ase.build.surface`` (which orients the slab with a1, a2 in the xy plane and a3 along
the surface normal). The electrolyte is always cut as whole bulk repeats, so every slab is
stoichiometric and its surface energy has a bulk reference; the *termination* is the position of
the cut inside the repeat. The metal, the soft (in the cell: liquid) side, is strained onto the
electrolyte's in-plane cell; the strain is reported, never hidden.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from ase import Atoms
from ase.build import make_supercell, surface
from ase.constraints import FixAtoms

from nakcell.errors import NakcellInputError

# Cation-oxygen bonds counted when choosing where to cut a NASICON: (cutoff A, weight).
# Cutoffs sit above the longest bond of each polyhedron (Si-O, P-O about 1.5-1.65 A; Zr/Hf-O about
# 2.0-2.2 A in NASICON, e.g. Kohler & Schulz, Mater. Res. Bull. 20, 1461 (1985)) and below the next
# neighbour shell. Tetrahedra are weighted 10x so a cut keeps PO4/SiO4 whole and breaks M-O bonds.
BOND_RULES: dict[str, tuple[float, float]] = {
    "Si": (1.9, 10.0),
    "P": (1.9, 10.0),
    "Zr": (2.45, 1.0),
    "Hf": (2.45, 1.0),
}


@dataclass(frozen=True)
class Match:
    """A lateral match: metal supercell matrix, principal strains of the metal, area."""

    matrix: np.ndarray  # (2, 2) integers: new metal in-plane vectors = matrix @ old
    principal_strains: tuple[float, float]  # Biot strains of the metal, dimensionless
    area_A2: float

    @property
    def strain_pct(self) -> float:
        """Largest absolute principal strain of the metal, %."""
        return 100.0 * max(abs(s) for s in self.principal_strains)


def parse_facet(text: str | tuple[int, int, int]) -> tuple[int, int, int]:
    """'110', '1,1,0', '1 -1 0' or a tuple -> (h, k, l)."""
    if isinstance(text, tuple):
        hkl = text
    else:
        t = str(text).strip().strip("()")
        try:
            if "," in t or " " in t:
                hkl = tuple(int(x) for x in t.replace(",", " ").split())
            elif t.lstrip("-").isdigit() and len(t.replace("-", "")) == 3:
                digits: list[int] = []
                sign = 1
                for ch in t:
                    if ch == "-":
                        sign = -1
                        continue
                    digits.append(sign * int(ch))
                    sign = 1
                hkl = tuple(digits)
            else:
                raise ValueError(t)
        except ValueError:
            hkl = ()
    if len(hkl) != 3 or not any(hkl):
        raise NakcellInputError("facet", repr(text), "Miller indices such as '110' or '1,-1,0'")
    return (int(hkl[0]), int(hkl[1]), int(hkl[2]))


def metal_slab(bulk: Atoms, facet: tuple[int, int, int], layers: int, vacuum_A: float) -> Atoms:
    """Slab of ``layers`` repeats of ``bulk`` along ``facet`` with ``vacuum_A`` on each side."""
    if layers < 2:
        raise NakcellInputError("layers", layers, "at least 2")
    slab = surface(bulk, facet, layers, vacuum=vacuum_A, periodic=True)
    return primitive_inplane(_wrap_inplane(slab))


def primitive_inplane(slab: Atoms, tol: float = 1e-3) -> Atoms:
    """The same slab on its smallest in-plane cell.

    ``ase.build.surface`` keeps the in-plane cell of the lattice it is given (for bcc(110) cut
    from the cubic cell: 2 atoms per layer). A smaller cell gives lateral matching more
    supercells to choose from. Every in-plane vector joining atom 0 to a like atom in its plane
    is tested as a translation of the whole slab; the valid ones span the primitive 2-D lattice.
    """
    cell = np.array(slab.cell)
    a2d = cell[:2, :2]
    pos = slab.positions
    nums = slab.numbers
    frac = _frac2d(pos[:, :2], a2d)
    same = np.flatnonzero((nums == nums[0]) & (np.abs(pos[:, 2] - pos[0, 2]) < tol))
    trans = [np.zeros(2)]
    for j in same[1:]:
        t = frac[j] - frac[0]
        moved = (frac + t) % 1.0
        diff = moved[:, None, :] - frac[None, :, :]
        diff -= np.round(diff)
        dist = np.linalg.norm(diff @ a2d, axis=2)
        dz = np.abs(pos[:, None, 2] - pos[None, :, 2])
        hit = (dist < tol) & (dz < tol) & (nums[:, None] == nums[None, :])
        if hit.any(axis=1).all():
            trans.append(t % 1.0)
    n_trans = len(trans)
    if n_trans == 1:
        return slab
    cands = []
    for t in trans:
        for n1, n2 in itertools.product((-1, 0, 1), repeat=2):
            v = (t + np.array([n1, n2])) @ a2d
            if np.linalg.norm(v) > tol:
                cands.append(v)
    cands.sort(key=lambda v: float(np.linalg.norm(v)))
    area = abs(np.linalg.det(a2d)) / n_trans
    v1 = cands[0]
    v2 = next(v for v in cands if abs(abs(_cross2(v1, v)) - area) < 1e-3 * area)
    if _cross2(v1, v2) < 0:
        v2 = -v2
    new_cell = cell.copy()
    new_cell[0, :2], new_cell[1, :2] = v1, v2
    new_cell[0, 2] = new_cell[1, 2] = 0.0
    f_new = _frac2d(pos[:, :2], new_cell[:2, :2]) % 1.0
    keep: list[int] = []
    for i in range(len(slab)):
        dup = False
        for k in keep:
            d = f_new[i] - f_new[k]
            d -= np.round(d)
            if (
                nums[i] == nums[k]
                and np.linalg.norm(d @ new_cell[:2, :2]) < tol
                and abs(pos[i, 2] - pos[k, 2]) < tol
            ):
                dup = True
                break
        if not dup:
            keep.append(i)
    out = slab[keep]
    out.set_cell(new_cell)
    out.wrap(pbc=[True, True, False])
    return out


def _cross2(u: np.ndarray, v: np.ndarray) -> float:
    return float(u[0] * v[1] - u[1] * v[0])


def _frac2d(xy: np.ndarray, a2d: np.ndarray) -> np.ndarray:
    return np.linalg.solve(a2d.T, xy.T).T


def electrolyte_slab(
    bulk: Atoms,
    facet: tuple[int, int, int],
    layers: int,
    vacuum_A: float,
    termination: float | None = None,
) -> tuple[Atoms, float, float]:
    """Stoichiometric slab of ``layers`` bulk repeats; returns (slab, cut, weighted cut bonds).

    ``termination``: position of the cut as a fraction (0..1) of the repeat distance d along
    the normal. ``None`` picks the cut that breaks the fewest weighted cation-O bonds
    (:data:`BOND_RULES`), ties broken by the widest empty gap around the plane. The slab is the
    window [cut, cut + layers d) of a taller stack, so it holds exactly ``layers`` repeats.
    """
    if layers < 1:
        raise NakcellInputError("layers", layers, "at least 1")
    ts = np.linspace(0.0, 1.0, 400, endpoint=False)
    if termination is None:
        scores = cut_scores(bulk, facet, ts)
        stack3, d = _stack(bulk, facet, 3)
        z = _anchor_heights(stack3)
        gap = np.array([np.min(np.abs(z - d * (1.0 + t))) for t in ts])
        best = np.flatnonzero(scores <= scores.min() + 1e-9)
        t_cut = float(ts[best[np.argmax(gap[best])]])
    else:
        if not 0.0 <= termination < 1.0:
            raise NakcellInputError("termination", termination, "a fraction in [0, 1)")
        t_cut = float(termination)
    score = float(cut_scores(bulk, facet, np.array([t_cut]))[0])
    tall, d = _stack(bulk, facet, layers + 2)
    z = _anchor_heights(tall)
    z_cut = d * (1.0 + t_cut)
    keep = (z >= z_cut - 1e-6) & (z < z_cut + layers * d - 1e-6)
    slab = tall[np.flatnonzero(keep)]
    if len(slab) != layers * len(bulk):
        raise NakcellInputError(
            "termination", t_cut, "a cut that does not pass through atoms (try another value)"
        )
    slab.center(vacuum=vacuum_A, axis=2)
    slab.pbc = True
    return _wrap_inplane(slab), t_cut, score


def cut_scores(bulk: Atoms, facet: tuple[int, int, int], ts: np.ndarray) -> np.ndarray:
    """Weighted number of cation-O bonds crossing a plane at height ``t`` d (one per t).

    Counted in the middle repeat of a three-repeat stack (periodic in-plane only), so every bond
    through the plane has both ends present.
    """
    from ase.neighborlist import neighbor_list

    stack3, d = _stack(bulk, facet, 3)
    stack3.pbc = [True, True, False]
    symbols = np.array(stack3.get_chemical_symbols())
    rmax = max(r for r, _ in BOND_RULES.values())
    i, j, dist = neighbor_list("ijd", stack3, rmax)
    rules_r = np.array([BOND_RULES.get(s, (0.0, 0.0))[0] for s in symbols])
    rules_w = np.array([BOND_RULES.get(s, (0.0, 0.0))[1] for s in symbols])
    keep = (symbols[j] == "O") & (rules_w[i] > 0) & (dist <= rules_r[i])
    i, j = i[keep], j[keep]
    z = _anchor_heights(stack3)
    lo, hi = np.minimum(z[i], z[j]), np.maximum(z[i], z[j])
    planes = d * (1.0 + np.asarray(ts))[:, None]
    crosses = (lo[None, :] < planes) & (hi[None, :] >= planes)
    return (crosses * rules_w[i][None, :]).sum(axis=1)


def _anchor_heights(stack: Atoms) -> np.ndarray:
    """Height that decides which side of a cut an atom goes to: its own, except an O bonded to
    Si or P, which follows its tetrahedral cation, so a cut never splits a PO4/SiO4 unit."""
    from ase.neighborlist import neighbor_list

    symbols = np.array(stack.get_chemical_symbols())
    z = stack.positions[:, 2].copy()
    tetra = {el for el, (_, w) in BOND_RULES.items() if w >= 10.0}
    i, j, dist = neighbor_list("ijd", stack, max(BOND_RULES[el][0] for el in tetra))
    sel = np.isin(symbols[i], list(tetra)) & (symbols[j] == "O")
    for oxygen in np.unique(j[sel]):
        mine = sel & (j == oxygen)
        z[oxygen] = stack.positions[i[mine][np.argmin(dist[mine])], 2]
    return z


def _stack(bulk: Atoms, facet: tuple[int, int, int], repeats: int) -> tuple[Atoms, float]:
    """``repeats`` bulk repeats along ``facet`` stacked by the true lattice vector, and the
    repeat distance d along the normal. (``ase.build.surface`` builds the stack correctly but
    its cell's third vector is the normal, not a lattice vector, so it is used as a finite
    stack only.)"""
    tall = surface(bulk, facet, repeats, vacuum=None, periodic=False)
    d = float(abs(bulk.get_volume()) / np.linalg.norm(np.cross(tall.cell[0], tall.cell[1])))
    tall.cell[2] = [0.0, 0.0, repeats * d]
    tall.pbc = [True, True, False]
    return tall, d


def match_cells(
    metal_cell: np.ndarray,
    target_cell: np.ndarray,
    *,
    max_strain: float = 0.05,
    nmax: int | None = None,
) -> Match:
    """Integer supercell of the metal's 2-D cell that fits ``target_cell`` with least strain.

    Cells are (2, 2) arrays of in-plane row vectors (xy components). Strain is the Biot strain
    U - I of the deformation F mapping the metal supercell onto the target (F = R U, polar
    decomposition); its principal values are the square roots of the eigenvalues of F^T F, minus 1.
    Among matches within 0.1 % of the least strain, the smallest supercell wins.
    """
    if not 0.0 < max_strain < 0.5:
        raise NakcellInputError("max_strain", max_strain, "a fraction between 0 and 0.5")
    if nmax is None:  # enough to span the target's longest vector with the metal's shortest
        ratio = np.linalg.norm(target_cell, axis=1).max() / np.linalg.norm(metal_cell, axis=1).min()
        nmax = int(min(12, np.ceil(ratio) + 1))
    rng = range(-nmax, nmax + 1)
    mats = np.array(list(itertools.product(rng, repeat=4)), dtype=float).reshape(-1, 2, 2)
    det = np.linalg.det(mats)
    mats = mats[det > 0.5]
    b = mats @ metal_cell  # (K, 2, 2) rows
    ft = np.linalg.solve(b, np.broadcast_to(target_cell, b.shape))  # B F^T = T
    f = np.transpose(ft, (0, 2, 1))
    c = np.transpose(f, (0, 2, 1)) @ f
    lam = np.linalg.eigvalsh(c)
    strains = np.sqrt(np.clip(lam, 1e-12, None)) - 1.0
    worst = np.abs(strains).max(axis=1)
    best = worst.min()
    if best > max_strain:
        raise NakcellInputError(
            "max_strain",
            f"{100 * max_strain:.2f} %",
            f"at least {100 * best:.2f} %: no metal supercell with entries up to {nmax} fits "
            "the electrolyte cell (raise --max-strain, change the facet or repeat the electrolyte)",
        )
    near = np.flatnonzero(worst <= best + 1e-3)
    dets = np.round(np.linalg.det(mats[near])).astype(int)
    pick = near[np.lexsort((worst[near], dets))[0]]
    s = strains[pick]
    return Match(
        matrix=mats[pick].astype(int),
        principal_strains=(float(s[0]), float(s[1])),
        area_A2=float(abs(np.linalg.det(target_cell))),
    )


def strain_onto(slab: Atoms, match: Match, target_cell: np.ndarray) -> Atoms:
    """Metal slab as the ``match`` supercell, strained so its in-plane cell is ``target_cell``."""
    p = np.eye(3, dtype=int)
    p[:2, :2] = match.matrix
    sup = make_supercell(slab, p, wrap=True)
    cell = np.array(sup.cell)
    new = cell.copy()
    new[0] = [target_cell[0, 0], target_cell[0, 1], 0.0]
    new[1] = [target_cell[1, 0], target_cell[1, 1], 0.0]
    new[2] = [0.0, 0.0, cell[2, 2]] if abs(cell[2, 0]) + abs(cell[2, 1]) < 1e-6 else cell[2]
    sup.set_cell(new, scale_atoms=True)
    sup.wrap()
    return sup


def stack(
    bottom: Atoms,
    top: Atoms,
    gap_A: float,
    vacuum_A: float,
    *,
    fix_bottom_fraction: float = 0.0,
) -> tuple[Atoms, Atoms, Atoms]:
    """Put ``top`` ``gap_A`` above ``bottom`` in ``bottom``'s in-plane cell.

    Returns (interface, bottom_alone, top_alone): the three share the cell and atom positions,
    so E(bottom) + E(top) - E(interface) is the adhesion energy of exactly this geometry.
    Atoms in the lowest ``fix_bottom_fraction`` of the bottom slab are fixed in all three.
    """
    if gap_A <= 0.5:
        raise NakcellInputError("gap", f"{gap_A} A", "a separation above 0.5 A")
    a = bottom.copy()
    b = top.copy()
    a.set_constraint()
    b.set_constraint()
    za, zb = a.positions[:, 2], b.positions[:, 2]
    a.positions[:, 2] += vacuum_A - za.min()
    b.positions[:, 2] += a.positions[:, 2].max() + gap_A - zb.min()
    height = b.positions[:, 2].max() + vacuum_A
    cell = np.array(a.cell)
    cell[2] = [0.0, 0.0, height]
    a.set_cell(cell)
    b.set_cell(cell)
    b.pbc = a.pbc = True
    inter = a + b
    n_a = len(a)
    if fix_bottom_fraction > 0:
        z = a.positions[:, 2]
        cut = z.min() + fix_bottom_fraction * (z.max() - z.min())
        fixed = np.flatnonzero(z < cut)
        a.set_constraint(FixAtoms(indices=fixed))
        inter.set_constraint(FixAtoms(indices=fixed))
    inter.info["n_bottom"] = n_a
    return inter, a, b


def inplane_cell(slab: Atoms) -> np.ndarray:
    """(2, 2) in-plane row vectors of a slab made by :func:`metal_slab`/:func:`electrolyte_slab`."""
    cell = np.array(slab.cell)
    if np.abs(cell[:2, 2]).max() > 1e-6:
        raise NakcellInputError("slab", "a cell with tilted in-plane vectors", "a1, a2 in xy")
    return cell[:2, :2].copy()


def surface_area_A2(slab: Atoms) -> float:
    """Area of the slab's in-plane cell, A^2."""
    cell = np.array(slab.cell)
    return float(np.linalg.norm(np.cross(cell[0], cell[1])))


def _wrap_inplane(slab: Atoms) -> Atoms:
    slab.wrap(pbc=[True, True, False])
    return slab
