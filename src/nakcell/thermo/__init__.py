"""Alloy thermodynamics (Na-K and, as data files, other alkali binaries), liquid properties
and wetting.

Fast API for the cell model (numpy only, no pycalphad call per step)::

    from nakcell.thermo import a_Na, liquid_range_x_Na, potential_vs_Na
    a_Na(np.array([0.5733, 0.6]), 298.15)        # activity of Na in the liquid
    liquid_range_x_Na(298.15)                     # (x_min, x_max) of the liquid field
    potential_vs_Na(0.5733, 298.15)               # V vs pure (bcc) Na: -(RT/F) ln a_Na
    in_liquid_field(x_array, 298.15)              # False where the alloy has left the liquid

See docs/thermo.md for equations and sources.
"""

from nakcell.thermo.activity import a_Na, in_liquid_field, liquid_range_x_Na, potential_vs_Na

__all__ = ["a_Na", "in_liquid_field", "liquid_range_x_Na", "potential_vs_Na"]
