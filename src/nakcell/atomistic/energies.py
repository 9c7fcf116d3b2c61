"""Surface energies and works of adhesion with relaxation, cached by structure hash.

Equations (per unit area A of the in-plane cell, two free surfaces per slab):

- surface energy, gamma = (E_slab - N e_bulk) / (2 A)  (e.g. Tran et al., Sci. Data 3, 160080
  (2016), eq. 1, doi:10.1038/sdata.2016.80);
- work of separation/adhesion, W = (E_a + E_b - E_ab) / A, where E_a, E_b are the relaxed
  isolated slabs and E_ab the relaxed joined slab in the same cell (Finnis, J. Phys. Condens.
  Matter 8, 5811 (1996), doi:10.1088/0953-8984/8/32/003);
- Dupre: W = gamma_a + gamma_b - gamma_ab, so gamma_interface = gamma_a + gamma_b - W.

All energies are in eV and A inside, returned in J/m^2 (1 eV/A^2 = 16.02176634 J/m^2).
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from ase import Atoms
from ase.constraints import FixAtoms

from nakcell.atomistic import cache
from nakcell.atomistic.calculators import Model
from nakcell.errors import NakcellInputError

EV_PER_A2_TO_J_PER_M2 = 16.02176634  # CODATA 2018: e = 1.602176634e-19 C exactly


@dataclass(frozen=True)
class RelaxSettings:
    """Optimiser settings: force tolerance (eV/A), step limit, progress bar (None: only when
    stderr is a terminal; True: always; False: never)."""

    fmax_eV_A: float = 0.05
    steps: int = 200
    progress: bool | None = None


@dataclass
class Relaxed:
    """A relaxed structure, its energy and whether the optimiser converged."""

    atoms: Atoms
    energy_eV: float
    steps: int
    converged: bool
    cached: bool


@dataclass
class SurfaceResult:
    gamma_J_m2: float
    n_atoms: int
    area_A2: float
    model: str
    seconds: float
    e_slab_eV: float
    e_bulk_per_atom_eV: float
    volume_per_atom_A3: float
    converged: bool
    cached: bool
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class AdhesionResult:
    w_adh_J_m2: float
    gamma_metal_J_m2: float | None
    gamma_electrolyte_J_m2: float | None
    gamma_interface_J_m2: float | None
    strain_pct: float
    n_atoms: int
    area_A2: float
    gap_A: float
    model: str
    seconds: float
    converged: bool
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def relax(
    atoms: Atoms,
    model: Model,
    settings: RelaxSettings,
    *,
    cell: str = "fixed",
    desc: str = "relax",
) -> Relaxed:
    """Relax positions (``cell='fixed'``), plus cell shape and size (``'full'``) or volume only
    (``'hydrostatic'``), with ASE's BFGS (and FrechetCellFilter for the cell). Cached."""
    if cell not in ("fixed", "full", "hydrostatic"):
        raise NakcellInputError("cell", repr(cell), "'fixed', 'full' or 'hydrostatic'")
    # The key holds the force tolerance but not the step limit: a converged entry serves any
    # limit, and an unconverged one is resumed from its last geometry when more steps are asked.
    key = cache.structure_key(
        atoms, task="relax", model=model.label, cell=cell, fmax=settings.fmax_eV_A
    )
    hit = cache.load(key)
    done = 0
    start = atoms
    if hit is not None:
        out = atoms.copy()
        out.set_cell(hit["cell"], scale_atoms=False)
        out.positions = np.array(hit["positions"])
        done = int(hit["steps"])
        if hit["converged"] or done >= settings.steps:
            return Relaxed(out, float(hit["energy_eV"]), done, bool(hit["converged"]), True)
        start = out
    if cache.only_cached():
        raise cache.CacheMissError(desc)

    from ase.filters import FrechetCellFilter
    from ase.optimize import BFGS

    work = start.copy()
    work.calc = model.calc
    target: Any = work
    if cell != "fixed":
        target = FrechetCellFilter(work, hydrostatic_strain=cell == "hydrostatic")
    opt = BFGS(target, logfile=None)
    bar = _progress(settings, desc, len(work))
    if bar is not None and done:
        bar.update(done)
    n_steps = 0
    converged = False
    try:
        for step_converged in opt.irun(fmax=settings.fmax_eV_A, steps=settings.steps - done):
            converged = bool(step_converged)
            n_steps = opt.nsteps
            if bar is not None:
                fmax = float(np.sqrt((target.get_forces() ** 2).sum(axis=1).max()))
                bar.set_postfix_str(f"fmax={fmax:.3f} eV/A")
                bar.update(1)
    finally:
        if bar is not None:
            bar.close()
    energy = float(work.get_potential_energy())
    cache.store(
        key,
        {
            "energy_eV": energy,
            "cell": np.asarray(work.cell).tolist(),
            "positions": work.positions.tolist(),
            "steps": done + n_steps,
            "converged": bool(converged),
            "model": model.label,
        },
    )
    work.calc = None
    return Relaxed(work, energy, done + n_steps, bool(converged), False)


def single_point(atoms: Atoms, model: Model) -> float:
    """Energy of ``atoms`` as given (eV), cached."""
    return single_point_info(atoms, model)[0]


def single_point_info(atoms: Atoms, model: Model) -> tuple[float, bool]:
    """(energy in eV, whether it came from the cache)."""
    key = cache.structure_key(atoms, task="single_point", model=model.label)
    hit = cache.load(key)
    if hit is not None:
        return float(hit["energy_eV"]), True
    work = atoms.copy()
    work.calc = model.calc
    energy = float(work.get_potential_energy())
    cache.store(key, {"energy_eV": energy, "model": model.label})
    return energy, False


def surface_energy(
    relaxed_bulk: Relaxed,
    slab: Atoms,
    model: Model,
    settings: RelaxSettings,
) -> SurfaceResult:
    """gamma = (E_slab - N e_bulk) / (2A), the slab relaxed at fixed cell.

    ``slab`` must be cut from ``relaxed_bulk.atoms`` as whole repeats (checked), so N e_bulk
    is exact stoichiometry and the slab carries no strain.
    """
    t0 = time.perf_counter()
    rb = relaxed_bulk
    e_bulk = rb.energy_eV / len(rb.atoms)
    ratio = _ratio(slab, rb.atoms)
    want = {el: n * ratio for el, n in Counter(rb.atoms.get_chemical_symbols()).items()}
    if dict(Counter(slab.get_chemical_symbols())) != want:
        raise NakcellInputError("slab", slab.get_chemical_formula(), "whole repeats of the bulk")
    rs = relax(slab, model, settings, desc="slab")
    area = _area(slab)
    gamma = (rs.energy_eV - len(slab) * e_bulk) / (2.0 * area) * EV_PER_A2_TO_J_PER_M2
    return SurfaceResult(
        gamma_J_m2=gamma,
        n_atoms=len(slab),
        area_A2=area,
        model=model.label,
        seconds=time.perf_counter() - t0,
        e_slab_eV=rs.energy_eV,
        e_bulk_per_atom_eV=e_bulk,
        volume_per_atom_A3=float(rb.atoms.get_volume() / len(rb.atoms)),
        converged=rs.converged and rb.converged,
        cached=rs.cached and rb.cached,
        extra={"relaxed_slab": rs.atoms, "slab_steps": rs.steps},
    )


def work_of_adhesion(
    bottom: Atoms,
    top: Atoms,
    model: Model,
    settings: RelaxSettings,
    *,
    gaps_A: tuple[float, ...] = (1.8, 2.2, 2.6, 3.0, 3.5),
    vacuum_A: float = 8.0,
    fix_bottom_fraction: float = 0.0,
    strain_pct: float = 0.0,
) -> AdhesionResult:
    """W = (E_bottom + E_top - E_interface)/A, each relaxed at fixed cell.

    ``top`` must already share ``bottom``'s in-plane cell (see :func:`slabs.strain_onto`). The
    starting separation is the lowest-energy rigid one among ``gaps_A`` (single points); the
    lateral registry is the one given (no registry scan).
    """
    from nakcell.atomistic.slabs import stack

    t0 = time.perf_counter()
    energies = []
    for gap in gaps_A:
        inter, _, _ = stack(bottom, top, gap, vacuum_A, fix_bottom_fraction=fix_bottom_fraction)
        energies.append(single_point(inter, model))
    gap = float(gaps_A[int(np.argmin(energies))])
    inter, a, b = stack(bottom, top, gap, vacuum_A, fix_bottom_fraction=fix_bottom_fraction)
    ra = relax(a, model, settings, desc="bottom slab")
    rb = relax(b, model, settings, desc="top slab")
    ri = relax(inter, model, settings, desc="interface")
    area = _area(inter)
    w = (ra.energy_eV + rb.energy_eV - ri.energy_eV) / area * EV_PER_A2_TO_J_PER_M2
    return AdhesionResult(
        w_adh_J_m2=w,
        gamma_metal_J_m2=None,
        gamma_electrolyte_J_m2=None,
        gamma_interface_J_m2=None,
        strain_pct=strain_pct,
        n_atoms=len(inter),
        area_A2=area,
        gap_A=gap,
        model=model.label,
        seconds=time.perf_counter() - t0,
        converged=ra.converged and rb.converged and ri.converged,
        extra={
            "e_bottom_eV": ra.energy_eV,
            "e_top_eV": rb.energy_eV,
            "e_interface_eV": ri.energy_eV,
            "rigid_gap_scan": dict(zip([f"{g:.2f}" for g in gaps_A], energies, strict=True)),
            "relaxed_bottom": ra.atoms,
            "relaxed_top": rb.atoms,
            "relaxed_interface": ri.atoms,
            "cached": ra.cached and rb.cached and ri.cached,
        },
    )


def fix_lower(atoms: Atoms, fraction: float) -> Atoms:
    """Copy of ``atoms`` with its lowest ``fraction`` (by height) fixed."""
    out = atoms.copy()
    z = out.positions[:, 2]
    cut = z.min() + fraction * (z.max() - z.min())
    out.set_constraint(FixAtoms(indices=np.flatnonzero(z < cut)))
    return out


def _ratio(slab: Atoms, bulk: Atoms) -> int:
    n, m = len(slab), len(bulk)
    if n % m:
        raise NakcellInputError("slab", f"{n} atoms", f"a multiple of the bulk cell's {m} atoms")
    return n // m


def _area(atoms: Atoms) -> float:
    cell = np.asarray(atoms.cell)
    return float(np.linalg.norm(np.cross(cell[0], cell[1])))


def _progress(settings: RelaxSettings, desc: str, n_atoms: int) -> Any:
    if settings.progress is False:
        return None
    from tqdm import tqdm

    return tqdm(
        total=settings.steps,
        desc=f"{desc} ({n_atoms} atoms)",
        unit="step",
        file=sys.stderr,
        leave=settings.progress is True,
        disable=None if settings.progress is None else False,
    )
