"""DFT inputs for the structures built here: VASP (POSCAR, INCAR, KPOINTS) and Quantum ESPRESSO.

Settings are the seed's (Zhao et al. 2021, Methods): PBE exchange-correlation, PAW potentials,
520 eV plane-wave cutoff, 4x4x1 k-points, EDIFF 1e-5 eV, EDIFFG -0.01 eV/A. What the seed does
not state and we chose (marked "ours" in the files): Gaussian smearing of 0.05 eV, conjugate
gradient ionic steps (IBRION 2) at fixed cell (ISIF 2), up to 300 ionic steps, a dipole
correction along z for asymmetric slabs, and the PAW data sets (VASP's recommended ones).
POTCAR files are licensed and never written: ``POTCAR.spec`` lists the data set per element.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ase import Atoms

from nakcell.errors import NakcellFileError

RY_EV = 13.605693122994  # CODATA 2018 Rydberg energy, eV
BOHR_A = 0.529177210903  # CODATA 2018 Bohr radius, A

# VASP-recommended PAW data sets (VASP wiki, "Available PAW potentials").
VASP_PAW = {
    "Na": "Na_pv",
    "K": "K_sv",
    "Zr": "Zr_sv",
    "Hf": "Hf_pv",
    "Si": "Si",
    "P": "P",
    "O": "O",
    "Cu": "Cu",
    "Al": "Al",
}


@dataclass(frozen=True)
class DFTSettings:
    """Seed settings (Zhao et al. 2021): PBE, PAW, 520 eV, 4x4x1, EDIFF 1e-5, EDIFFG -0.01."""

    encut_eV: float = 520.0
    kpts: tuple[int, int, int] = (4, 4, 1)
    ediff_eV: float = 1e-5
    ediffg_eV_A: float = -0.01  # negative: force criterion, eV/A
    sigma_eV: float = 0.05  # ours
    nsw: int = 300  # ours


def write_vasp(atoms: Atoms, folder: Path, settings: DFTSettings = DFTSettings()) -> list[Path]:
    """POSCAR (sorted by element, selective dynamics where atoms are fixed), INCAR, KPOINTS,
    POTCAR.spec in ``folder``."""
    from ase.io import write

    folder = _mkdir(folder)
    order = sorted(range(len(atoms)), key=lambda i: (atoms.numbers[i], i))
    sorted_atoms = atoms[order]
    poscar = folder / "POSCAR"
    write(poscar, sorted_atoms, format="vasp", direct=True, sort=False)
    symbols = list(dict.fromkeys(sorted_atoms.get_chemical_symbols()))
    incar = folder / "INCAR"
    incar.write_text(
        "\n".join(
            [
                f"SYSTEM = {atoms.get_chemical_formula()} (nakcell)",
                "# seed settings (Zhao et al. 2021): PBE, PAW, 520 eV, EDIFF 1e-5, EDIFFG -0.01",
                "GGA = PE",
                f"ENCUT = {settings.encut_eV:g}",
                f"EDIFF = {settings.ediff_eV:.0E}",
                f"EDIFFG = {settings.ediffg_eV_A:g}",
                "PREC = Accurate",
                "# ours (not stated in the seed)",
                "ISMEAR = 0",
                f"SIGMA = {settings.sigma_eV:g}",
                "IBRION = 2",
                "ISIF = 2",
                f"NSW = {settings.nsw}",
                "LDIPOL = .TRUE.",
                "IDIPOL = 3",
                "LREAL = Auto",
                "LWAVE = .FALSE.",
                "LCHARG = .FALSE.",
                "",
            ]
        )
    )
    k1, k2, k3 = settings.kpts
    kpoints = folder / "KPOINTS"
    kpoints.write_text(f"seed k-mesh\n0\nGamma\n{k1} {k2} {k3}\n0 0 0\n")
    spec = folder / "POTCAR.spec"
    spec.write_text("\n".join(VASP_PAW.get(s, s) for s in symbols) + "\n")
    return [poscar, incar, kpoints, spec]


def write_espresso(atoms: Atoms, path: Path, settings: DFTSettings = DFTSettings()) -> Path:
    """pw.x relax input with the seed's settings converted to Rydberg units.

    Pseudopotential file names are placeholders (``<El>.pbe-paw.UPF``): point ``pseudo_dir`` at
    your PBE PAW set (e.g. PSlibrary) and rename. ecutrho = 8 x ecutwfc is the usual PAW choice
    (ours). EDIFF -> conv_thr (Ry), |EDIFFG| -> forc_conv_thr (Ry/Bohr); etot_conv_thr is
    QE's default.
    """
    from ase.io import write

    path = Path(path)
    _mkdir(path.parent)
    ecutwfc = settings.encut_eV / RY_EV
    input_data = {
        "control": {
            "calculation": "relax",
            "prefix": "nakcell",
            "pseudo_dir": "./pseudo",
            "forc_conv_thr": abs(settings.ediffg_eV_A) * BOHR_A / RY_EV,
            "tprnfor": True,
        },
        "system": {
            "ecutwfc": round(ecutwfc, 3),
            "ecutrho": round(8 * ecutwfc, 3),
            "occupations": "smearing",
            "smearing": "gaussian",
            "degauss": settings.sigma_eV / RY_EV,
        },
        "electrons": {"conv_thr": settings.ediff_eV / RY_EV},
    }
    pseudos = {s: f"{s}.pbe-paw.UPF" for s in set(atoms.get_chemical_symbols())}
    write(
        path,
        atoms,
        format="espresso-in",
        input_data=input_data,
        pseudopotentials=pseudos,
        kpts=settings.kpts,
    )
    return path


def _mkdir(folder: Path) -> Path:
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise NakcellFileError(folder, f"cannot create folder: {exc.strerror}") from exc
    return folder
