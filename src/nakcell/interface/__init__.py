"""Metal | solid-electrolyte interface physics, vectorised over numpy arrays.

Every function gives its equation and source in its docstring; ``docs/physics.md`` collects
them. Inputs and outputs are SI (A/m2, ohm m2, Pa, m, K, V).
"""

from nakcell.interface.alloy import electrode_potential_vs_na, ideal_activity
from nakcell.interface.contact import (
    constriction_asr,
    holm_spot_resistance,
    liquid_contact_fraction,
    plastic_contact_fraction,
    young_dupre_cos_theta,
)
from nakcell.interface.kinetics import bv_current, bv_overpotential, charge_transfer_asr
from nakcell.interface.penetration import (
    critical_penetration_overpotential,
    flaw_pressure,
    stress_intensity,
)
from nakcell.interface.voids import (
    contact_rates,
    creep_supply_velocity,
    strip_velocity,
    viscous_supply_velocity,
)

__all__ = [
    "bv_current",
    "bv_overpotential",
    "charge_transfer_asr",
    "constriction_asr",
    "contact_rates",
    "creep_supply_velocity",
    "critical_penetration_overpotential",
    "electrode_potential_vs_na",
    "flaw_pressure",
    "holm_spot_resistance",
    "ideal_activity",
    "liquid_contact_fraction",
    "plastic_contact_fraction",
    "stress_intensity",
    "strip_velocity",
    "viscous_supply_velocity",
    "young_dupre_cos_theta",
]
