"""Surface energies, works of adhesion, caching, Young-Dupre, DFT export."""

from __future__ import annotations

import numpy as np
import pytest
from ase.build import bulk, fcc100
from ase.calculators.emt import EMT

from nakcell.atomistic import api, cache, dft, slabs
from nakcell.atomistic.calculators import Model, get_calculator
from nakcell.atomistic.energies import (
    EV_PER_A2_TO_J_PER_M2,
    RelaxSettings,
    relax,
    surface_energy,
    work_of_adhesion,
)
from nakcell.atomistic.wetting import contact_angle_from_wadh

QUIET = RelaxSettings(fmax_eV_A=0.01, steps=200, progress=False)
QUIET_TIGHT = RelaxSettings(fmax_eV_A=0.001, steps=300, progress=False)

# Universal ML potentials trained on bulk-dominated data soften the potential energy surface
# and underestimate surface energies, by tens of percent (B. Deng et al., "Overcoming systematic
# softening in universal machine learning interatomic potentials by fine-tuning",
# arXiv:2405.07105 (2024); Focassio, Freitas, Schleder, ACS Appl. Mater. Interfaces (2024),
# doi:10.1021/acsami.4c03815). The window below accepts that known bias (down to -65 %) and
# still fails on unit slips (factor 2, eV vs J, A^2 vs m^2) or a sign error.
LOW, HIGH = 0.35, 1.15


def _emt_cu_bulk_and_slab(layers: int) -> tuple:
    model = Model(EMT(), "ASE EMT")
    rb = relax(bulk("Cu", "fcc", a=3.6, cubic=True), model, QUIET, cell="hydrostatic")
    slab = slabs.metal_slab(rb.atoms, (1, 0, 0), layers, 8.0)
    return model, rb, slab


def test_surface_energy_matches_the_slab_thickness_fit(tmp_cache):
    """gamma from the bulk reference equals gamma from the linear fit E_N = N e + 2 gamma A
    over slabs of 6..10 layers (Fiorentini & Methfessel, J. Phys. Condens. Matter 8, 6525
    (1996)), which uses no bulk energy at all."""
    model, rb, _ = _emt_cu_bulk_and_slab(6)
    energies, counts = [], []
    for n in (6, 8, 10):
        slab = slabs.metal_slab(rb.atoms, (1, 0, 0), n, 8.0)
        energies.append(relax(slab, model, QUIET).energy_eV)
        counts.append(len(slab))
        area = slabs.surface_area_A2(slab)
    _slope, intercept = np.polyfit(counts, energies, 1)
    gamma_fit = intercept / (2 * area) * EV_PER_A2_TO_J_PER_M2
    slab8 = slabs.metal_slab(rb.atoms, (1, 0, 0), 8, 8.0)
    res = surface_energy(rb, slab8, model, QUIET)
    print(f"EMT Cu(100): gamma = {res.gamma_J_m2:.4f}, thickness fit {gamma_fit:.4f} J/m2")
    assert res.gamma_J_m2 == pytest.approx(gamma_fit, rel=0.01)


def test_wadh_of_emt_copper_with_itself_is_twice_its_surface_energy(tmp_cache):
    model, rb, slab = _emt_cu_bulk_and_slab(6)
    gamma = surface_energy(rb, slab, model, QUIET).gamma_J_m2
    res = work_of_adhesion(slab, slab, model, QUIET, gaps_A=(1.4, 1.8, 2.2, 2.6))
    print(f"EMT Cu(100)|Cu(100): W = {res.w_adh_J_m2:.4f}, 2 gamma = {2 * gamma:.4f} J/m2")
    assert res.w_adh_J_m2 == pytest.approx(2 * gamma, rel=0.02)


def test_wadh_of_chgnet_sodium_with_itself_is_twice_its_surface_energy(chgnet, tmp_cache):
    rb = api.relaxed_metal_bulk("Na", chgnet, QUIET)
    slab = slabs.metal_slab(rb.atoms, (1, 1, 0), 6, 8.0)
    gamma = surface_energy(rb, slab, chgnet, QUIET).gamma_J_m2
    res = work_of_adhesion(slab, slab, chgnet, QUIET, gaps_A=(2.5, 2.99, 3.5))
    print(f"CHGNet Na(110)|Na(110): W = {res.w_adh_J_m2:.4f}, 2 gamma = {2 * gamma:.4f} J/m2")
    assert res.w_adh_J_m2 == pytest.approx(2 * gamma, rel=0.05)


@pytest.mark.parametrize(
    ("metal", "ref", "source"),
    [
        ("Na", 0.21, "PBE (Tran et al. 2016, Crystalium, as quoted in issue 8)"),
        ("K", 0.130, "experiment, isotropic (Tyson & Miller 1977)"),
    ],
)
def test_alkali_110_surface_energy_against_published(metal, ref, source, chgnet, tmp_cache):
    res = api.metal_surface(metal, "110", layers=8, model=chgnet, settings=QUIET)
    dev = 100 * (res.gamma_J_m2 - ref) / ref
    print(f"{metal}(110) CHGNet gamma = {res.gamma_J_m2:.4f} J/m2 vs {ref} {source}: {dev:+.1f} %")
    assert LOW * ref < res.gamma_J_m2 < HIGH * ref
    assert res.converged


def test_repeated_request_is_served_from_the_cache(tmp_cache):
    calls = {"n": 0}

    class Counting(EMT):
        def calculate(self, *args, **kwargs):
            calls["n"] += 1
            super().calculate(*args, **kwargs)

    model = Model(Counting(), "counting EMT")
    slab = fcc100("Cu", (1, 1, 5), vacuum=6.0, a=3.6)
    first = relax(slab, model, QUIET)
    n_first = calls["n"]
    second = relax(slab, model, QUIET)
    assert n_first > 1 and calls["n"] == n_first  # no calculator call the second time
    assert second.cached and not first.cached
    assert second.energy_eV == first.energy_eV
    np.testing.assert_allclose(second.atoms.positions, first.atoms.positions)
    assert list(tmp_cache.glob("atomistic/*.json"))
    # a different model label is a different entry
    assert cache.structure_key(slab, model="a") != cache.structure_key(slab, model="b")


def test_unconverged_relaxation_is_resumed_and_matches_a_fresh_one(tmp_cache):
    model = Model(EMT(), "ASE EMT")
    slab = fcc100("Cu", (1, 1, 6), vacuum=6.0, a=3.5)  # compressed: the layers must move
    short = relax(slab, model, RelaxSettings(fmax_eV_A=0.001, steps=2, progress=False))
    assert not short.converged and short.steps == 2
    resumed = relax(slab, model, RelaxSettings(fmax_eV_A=0.001, steps=300, progress=False))
    assert resumed.converged and not resumed.cached and resumed.steps > 2
    fresh = relax(slab, Model(EMT(), "ASE EMT (fresh)"), QUIET_TIGHT)
    assert resumed.energy_eV == pytest.approx(fresh.energy_eV, abs=1e-5)
    # a converged entry serves any later step limit
    assert relax(slab, model, RelaxSettings(fmax_eV_A=0.001, steps=5, progress=False)).cached


def test_young_dupre_contact_angles():
    assert contact_angle_from_wadh(0.2, 0.1) == pytest.approx(0.0)
    assert contact_angle_from_wadh(0.1, 0.1) == pytest.approx(90.0)
    assert contact_angle_from_wadh(0.15, 0.1) == pytest.approx(60.0)
    assert contact_angle_from_wadh(0.0, 0.1) == pytest.approx(180.0)
    assert contact_angle_from_wadh(0.5, 0.1) == pytest.approx(0.0)


def test_default_calculator_is_chgnet_from_the_wheel(chgnet):
    import chgnet as chgnet_pkg

    assert chgnet.label == "CHGNet 0.3.0"
    from pathlib import Path

    weights = list((Path(chgnet_pkg.__file__).parent / "pretrained" / "0.3.0").glob("*.pth.tar"))
    assert weights, "CHGNet 0.3.0 weights must ship inside the wheel"
    with pytest.raises(Exception, match="calculator"):
        get_calculator("mace-mp")


def test_vasp_and_espresso_inputs_carry_the_seed_settings(tmp_path):
    from ase.io import read

    atoms = fcc100("Cu", (2, 2, 3), vacuum=6.0, a=3.6)
    files = dft.write_vasp(atoms, tmp_path / "vasp")
    back = read(files[0], format="vasp")
    assert back.get_chemical_formula() == atoms.get_chemical_formula()
    np.testing.assert_allclose(back.cell, atoms.cell, atol=1e-6)
    incar = dict(
        line.split(" = ", 1)
        for line in (tmp_path / "vasp" / "INCAR").read_text().splitlines()
        if " = " in line and not line.startswith("#")
    )
    assert float(incar["ENCUT"]) == 520.0
    assert float(incar["EDIFF"]) == 1e-5
    assert float(incar["EDIFFG"]) == -0.01
    assert incar["GGA"] == "PE"
    assert (tmp_path / "vasp" / "KPOINTS").read_text().splitlines()[3].split() == ["4", "4", "1"]
    assert (tmp_path / "vasp" / "POTCAR.spec").read_text().split() == ["Cu"]
    qe = dft.write_espresso(atoms, tmp_path / "qe" / "pw.in")
    text = qe.read_text()
    # 520 eV = 38.219 Ry (1 Ry = 13.6057 eV); 4x4x1 mesh
    assert "ecutwfc          = 38.219" in text.replace("  ", " ") or "38.219" in text
    assert "K_POINTS automatic" in text and "4 4 1" in text
    back_qe = read(qe, format="espresso-in")
    np.testing.assert_allclose(back_qe.positions, atoms.positions, atol=1e-6)


def test_cache_only_mode_serves_cached_relaxations_and_refuses_to_compute(tmp_cache):
    """`nakcell reproduce` reads earlier relaxations without computing: a miss raises."""
    from ase.build import bulk

    from nakcell.atomistic import cache
    from nakcell.atomistic.energies import RelaxSettings, relax

    model = Model(EMT(), "ASE EMT")
    atoms = bulk("Cu", "fcc", a=3.7, cubic=True)
    atoms.rattle(0.05, seed=1)
    s = RelaxSettings(fmax_eV_A=0.01, steps=200, progress=False)
    with cache.cache_only(), pytest.raises(cache.CacheMissError):
        relax(atoms, model, s)
    first = relax(atoms, model, s)
    with cache.cache_only():
        again = relax(atoms, model, s)
    assert again.energy_eV == pytest.approx(first.energy_eV)
