"""Atomistic interfaces: surface energies and works of adhesion of metal(hkl) | NASICON(hkl).

Any ASE calculator can be used; the default is CHGNet 0.3.0, whose weights ship inside its
wheel (nothing is downloaded). Structures come from published crystallography
(:mod:`~nakcell.atomistic.crystals`), slabs and lateral matching from
:mod:`~nakcell.atomistic.slabs`, energies from :mod:`~nakcell.atomistic.energies`, DFT inputs
from :mod:`~nakcell.atomistic.dft`. See docs/atomistic.md.
"""

from __future__ import annotations

from nakcell.atomistic.api import InterfaceSpec, adhesion, build_interface, metal_surface
from nakcell.atomistic.calculators import Model, get_calculator
from nakcell.atomistic.energies import RelaxSettings, relax, surface_energy, work_of_adhesion
from nakcell.atomistic.wetting import contact_angle_from_wadh

__all__ = [
    "InterfaceSpec",
    "Model",
    "RelaxSettings",
    "adhesion",
    "build_interface",
    "contact_angle_from_wadh",
    "get_calculator",
    "metal_surface",
    "relax",
    "surface_energy",
    "work_of_adhesion",
]
