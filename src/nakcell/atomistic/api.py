"""High-level requests: a metal's surface energy, a metal | electrolyte work of adhesion.

Each request relaxes the bulk with the chosen calculator first (so slabs carry none of the
calculator's lattice mismatch), builds slabs from it, relaxes them and returns energies. Every
relaxation is cached by structure hash (:mod:`nakcell.atomistic.cache`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np
from ase import Atoms

from nakcell.atomistic import crystals, slabs
from nakcell.atomistic.calculators import Model, get_calculator
from nakcell.atomistic.energies import (
    EV_PER_A2_TO_J_PER_M2,
    AdhesionResult,
    Relaxed,
    RelaxSettings,
    SurfaceResult,
    relax,
    single_point_info,
    surface_energy,
    work_of_adhesion,
)
from nakcell.errors import NakcellInputError

# Published surface energies to set our numbers against (J/m^2). Not used in any computation.
REFERENCE_GAMMA_J_M2: dict[tuple[str, tuple[int, int, int]], tuple[float, str]] = {
    ("Na", (1, 1, 0)): (
        0.21,
        "PBE slab DFT, Crystalium database (R. Tran et al., Sci. Data 3, 160080 (2016), "
        "doi:10.1038/sdata.2016.80), as quoted in nakcell issue 8 (~0.21 J/m2)",
    ),
}
# Isotropic experimental surface energies of the solid near 0 K, from liquid surface tension:
# W. R. Tyson, W. A. Miller, Surf. Sci. 62, 267 (1977), doi:10.1016/0039-6028(77)90442-3.
EXPERIMENT_GAMMA_J_M2: dict[str, float] = {"Na": 0.261, "K": 0.130}

DEFAULT_SETTINGS = RelaxSettings(fmax_eV_A=0.05, steps=600)


@dataclass(frozen=True)
class InterfaceSpec:
    """Everything that defines a metal | electrolyte interface geometry."""

    metal: str
    electrolyte: str
    facet: tuple[int, int, int] = (1, 1, 0)
    metal_facet: tuple[int, int, int] | None = None  # None: same as ``facet``
    metal_layers: int = 4
    electrolyte_layers: int = 1
    electrolyte_repeat: tuple[int, int] = (1, 1)
    vacuum_A: float = 8.0
    max_strain: float = 0.10
    termination: float | None = None


def relaxed_metal_bulk(metal: str, model: Model, settings: RelaxSettings) -> Relaxed:
    """Metal bulk at the calculator's equilibrium volume (cubic cell kept).

    Every atom of these cubic cells sits on a site fixed by symmetry, so only the volume
    relaxes: a Birch-Murnaghan fit (ase.eos; F. Birch, Phys. Rev. 71, 809 (1947)) to 9 energies
    from -6 % to +6 % in lattice constant, which is robust on the flat energy curves of alkali
    metals (B = 3-7 GPa), where a stress-tolerance stop leaves the lattice ~0.2 % off.
    ``steps=0`` keeps the experimental lattice.
    """
    bulk = crystals.metal_bulk(metal)
    if settings.steps == 0:
        e0, hit0 = single_point_info(bulk, model)
        return Relaxed(bulk, e0, 0, False, hit0)
    from ase.eos import EquationOfState

    volumes, energies, hits = [], [], []
    for s in np.linspace(0.94, 1.06, 9):
        trial = bulk.copy()
        trial.set_cell(np.asarray(bulk.cell) * s, scale_atoms=True)
        e, hit = single_point_info(trial, model)
        volumes.append(trial.get_volume())
        energies.append(e)
        hits.append(hit)
    v0, _, _ = EquationOfState(volumes, energies, eos="birchmurnaghan").fit()
    out = bulk.copy()
    out.set_cell(np.asarray(bulk.cell) * np.cbrt(v0 / bulk.get_volume()), scale_atoms=True)
    e0, hit0 = single_point_info(out, model)
    inside = min(volumes) < v0 < max(volumes)
    return Relaxed(out, e0, len(volumes), bool(inside), all(hits) and hit0)


def relaxed_electrolyte_bulk(name: str, model: Model, settings: RelaxSettings) -> Relaxed:
    """Electrolyte bulk relaxed in cell shape, volume and positions."""
    bulk = crystals.electrolyte_bulk(name)
    return relax(bulk, model, _bulk_settings(settings, 0.02), cell="full", desc=f"{name} bulk")


def _bulk_settings(settings: RelaxSettings, fmax_eV_A: float = 0.01) -> RelaxSettings:
    """Bulk references are relaxed tighter than slabs (metals 0.01 eV/A, the 80-atom NASICON
    0.02 eV/A, cell forces included; a residual 0.01 eV/A changes gamma by < 1e-3 J/m2);
    ``steps=0`` (single points only) is kept as given."""
    steps = 0 if settings.steps == 0 else max(settings.steps, 300)
    return RelaxSettings(
        fmax_eV_A=min(settings.fmax_eV_A, fmax_eV_A), steps=steps, progress=settings.progress
    )


def metal_surface(
    metal: str,
    facet: str | tuple[int, int, int] = "110",
    *,
    layers: int = 8,
    vacuum_A: float = 8.0,
    model: Model | None = None,
    settings: RelaxSettings = DEFAULT_SETTINGS,
) -> SurfaceResult:
    """Relaxed surface energy of ``metal(facet)``, with published values set beside it."""
    hkl = slabs.parse_facet(facet)
    model = model or get_calculator()
    t0 = time.perf_counter()
    rb = relaxed_metal_bulk(metal, model, settings)
    slab = slabs.metal_slab(rb.atoms, hkl, layers, vacuum_A)
    res = surface_energy(rb, slab, model, settings)
    res.seconds = time.perf_counter() - t0
    ref = REFERENCE_GAMMA_J_M2.get((metal, hkl))
    if ref is not None:
        res.extra["reference_gamma_J_m2"] = ref[0]
        res.extra["reference_source"] = ref[1]
        res.extra["deviation_pct"] = 100.0 * (res.gamma_J_m2 - ref[0]) / ref[0]
    if metal in EXPERIMENT_GAMMA_J_M2:
        exp = EXPERIMENT_GAMMA_J_M2[metal]
        res.extra["experiment_gamma_J_m2"] = exp
        res.extra["experiment_source"] = "Tyson & Miller, Surf. Sci. 62, 267 (1977), isotropic"
        res.extra["deviation_from_experiment_pct"] = 100.0 * (res.gamma_J_m2 - exp) / exp
    res.extra["a_bcc_equivalent_A"] = float(np.cbrt(2.0 * res.volume_per_atom_A3))
    return res


def build_interface(
    spec: InterfaceSpec, metal_bulk: Atoms, electrolyte_bulk: Atoms
) -> tuple[Atoms, Atoms, slabs.Match, dict[str, Any]]:
    """Electrolyte slab (bottom) and the metal slab strained onto its in-plane cell (top).

    Alloys: the ordered cell is used when it fits within ``max_strain``; otherwise the alloy's
    bcc lattice (same volume per atom) is matched and decorated at random with a fixed seed
    (:func:`crystals.decorate_bcc`); ``metal_decoration`` in the result says which.
    """
    e_slab, t_cut, score = slabs.electrolyte_slab(
        electrolyte_bulk, spec.facet, spec.electrolyte_layers, spec.vacuum_A, spec.termination
    )
    r1, r2 = spec.electrolyte_repeat
    if r1 < 1 or r2 < 1:
        raise NakcellInputError("electrolyte_repeat", spec.electrolyte_repeat, "positive integers")
    e_slab = e_slab.repeat((r1, r2, 1))
    target = slabs.inplane_cell(e_slab)
    metal_facet = spec.metal_facet or spec.facet
    fractions = crystals.composition(spec.metal)
    candidates: list[tuple[float, str, Atoms, slabs.Match]] = []
    errors: list[NakcellInputError] = []
    hosts = [("ordered", metal_bulk)]
    if len(fractions) > 1:
        a_bcc = float(np.cbrt(2.0 * metal_bulk.get_volume() / len(metal_bulk)))
        bcc = Atoms("Na2", scaled_positions=[[0, 0, 0], [0.5] * 3], cell=[a_bcc] * 3, pbc=True)
        hosts.append(("random bcc (seed 0)", bcc))
    for label, host in hosts:
        slab = slabs.metal_slab(host, metal_facet, spec.metal_layers, spec.vacuum_A)
        try:
            m = slabs.match_cells(slabs.inplane_cell(slab), target, max_strain=spec.max_strain)
        except NakcellInputError as exc:
            errors.append(exc)
            continue
        candidates.append((m.strain_pct, label, slab, m))
    if not candidates:
        raise errors[-1]
    # the ordered cell unless the random bcc one is more than 1 % (absolute) less strained
    candidates.sort(key=lambda c: c[0] + (0.0 if c[1] == "ordered" else 1.0))
    _, decoration, m_slab, match = candidates[0]
    m_top = slabs.strain_onto(m_slab, match, target)
    if decoration != "ordered":
        m_top = crystals.decorate_bcc(m_top, fractions, seed=0)
    symbols = m_top.get_chemical_symbols()
    info = {
        "termination_cut": t_cut,
        "cut_bond_score": score,
        "metal_supercell": match.matrix.tolist(),
        "metal_principal_strains": list(match.principal_strains),
        "metal_decoration": decoration,
        "metal_composition": {el: symbols.count(el) / len(symbols) for el in sorted(fractions)},
    }
    return e_slab, m_top, match, info


def adhesion(
    spec: InterfaceSpec,
    *,
    model: Model | None = None,
    settings: RelaxSettings = DEFAULT_SETTINGS,
    fix_bottom_fraction: float = 0.0,
) -> AdhesionResult:
    """W_adh of metal(hkl) on electrolyte(hkl) and the surface/interface energies behind it.

    gamma_metal is that of the *strained* metal slab used in the interface (it includes the
    elastic energy of the reported strain, which cancels in W); gamma_electrolyte that of the
    stoichiometric electrolyte slab; gamma_interface = gamma_metal + gamma_electrolyte - W.
    """
    # fail fast on an impossible match (experimental lattices) before any relaxation
    build_interface(
        spec, crystals.metal_bulk(spec.metal), crystals.electrolyte_bulk(spec.electrolyte)
    )
    model = model or get_calculator()
    t0 = time.perf_counter()
    rm = relaxed_metal_bulk(spec.metal, model, settings)
    re = relaxed_electrolyte_bulk(spec.electrolyte, model, settings)
    bottom, top, match, info = build_interface(spec, rm.atoms, re.atoms)
    res = work_of_adhesion(
        bottom,
        top,
        model,
        settings,
        vacuum_A=spec.vacuum_A,
        fix_bottom_fraction=fix_bottom_fraction,
        strain_pct=match.strain_pct,
    )
    area = res.area_A2
    e_m = rm.energy_eV / len(rm.atoms)
    e_e = re.energy_eV / len(re.atoms)
    g_m = (res.extra["e_top_eV"] - len(top) * e_m) / (2 * area) * EV_PER_A2_TO_J_PER_M2
    g_e = (res.extra["e_bottom_eV"] - len(bottom) * e_e) / (2 * area) * EV_PER_A2_TO_J_PER_M2
    res.gamma_metal_J_m2 = g_m
    res.gamma_electrolyte_J_m2 = g_e
    res.gamma_interface_J_m2 = g_m + g_e - res.w_adh_J_m2
    res.extra.update(info)
    res.extra["n_metal_atoms"] = len(top)
    res.extra["n_electrolyte_atoms"] = len(bottom)
    res.seconds = time.perf_counter() - t0
    return res
