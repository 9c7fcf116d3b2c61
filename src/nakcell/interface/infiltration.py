"""Electronic short by liquid alloy: infiltration criteria and what a measured resistance implies.

Three paths can let a liquid Na-K alloy bridge a ceramic pellet electronically:
open (connected) porosity, grain boundaries, and the pellet's rim (a film or drop squeezed out
around the edge). Each fills by capillarity when the liquid's pressure plus the path's own
Laplace pull is positive (the same balance as the contact model,
:mod:`nakcell.interface.capillary`), at the Washburn rate. One metallic filament is a resistor
rho L / A in parallel with the ceramic's ionic L / (sigma A_cell): a measured total resistance
far below the ionic one can only come from such a path (or from a ceramic far more conductive
than reported). :func:`diagnose_short` does that arithmetic for a measured cell.

SI inside; :func:`diagnose_short` also reports field units for the report.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
from numpy.typing import ArrayLike

from nakcell.errors import NakcellInputError
from nakcell.interface.capillary import laplace_pressure
from nakcell.thermo.properties import RESISTIVITY_NAK_RT

Array = np.ndarray

# Liquid NaK resistivity: 33.5-72.0 uOhm cm, the range of the Wikipedia "Sodium-potassium
# alloy" infobox (citing the NaK handbook literature, Foust 1972; grade and temperature of the
# two ends not given, so the filament sizes span both).
RESISTIVITY_NAK_RANGE = (RESISTIVITY_NAK_RT, 72.0e-8)  # ohm m


def entry_pressure(gamma: ArrayLike, cos_theta: ArrayLike, radius: ArrayLike) -> Array:
    """External pressure (Pa) a liquid needs to enter a pore/gap of radius r: -2 gamma cos / r.

    Negative (spontaneous imbibition) for a wetting path, positive for a non-wetting one
    (Laplace breakthrough). A slit of width w has one curved direction, gamma cos / (w/2):
    the same pressure as a cylinder of radius r = w.
    """
    return -laplace_pressure(gamma, cos_theta, radius)


def infiltrates(
    liquid_pressure: ArrayLike, gamma: ArrayLike, cos_theta: ArrayLike, radius: ArrayLike
) -> Array:
    """True where the liquid (at pressure P vs the gas) enters a path of radius r: P > p_entry."""
    return np.asarray(liquid_pressure, float) > entry_pressure(gamma, cos_theta, radius)


def washburn_fill_time(
    depth: ArrayLike,
    radius: ArrayLike,
    gamma: ArrayLike,
    cos_theta: ArrayLike,
    viscosity: ArrayLike,
    pressure: ArrayLike = 0.0,
) -> Array:
    """Time (s) for liquid to run ``depth`` into a capillary of radius r under P + 2 gamma cos/r.

    Poiseuille flow behind an advancing meniscus: L dL/dt = r^2 dp / (8 mu), so
    t = 4 mu L^2 / (r^2 dp) (Washburn, Phys. Rev. 17 (1921) 273, with an applied pressure);
    infinite when dp <= 0. With P = 0 this is Washburn's 2 mu L^2 / (gamma r cos theta).
    """
    dp = np.asarray(pressure, float) + laplace_pressure(gamma, cos_theta, radius)
    with np.errstate(divide="ignore"):
        t = (
            4.0
            * np.asarray(viscosity, float)
            * np.asarray(depth, float) ** 2
            / (np.asarray(radius, float) ** 2 * dp)
        )
    return np.where(dp > 0.0, t, np.inf)


def filament_resistance(resistivity: ArrayLike, length: ArrayLike, diameter: ArrayLike) -> Array:
    """Resistance (ohm) of a cylindrical metal filament: 4 rho L / (pi d^2)."""
    return (
        4.0
        * np.asarray(resistivity, float)
        * np.asarray(length, float)
        / (np.pi * np.asarray(diameter, float) ** 2)
    )


@dataclass(frozen=True)
class ShortDiagnosis:
    """What a measured symmetric-cell resistance implies (SI; field-unit copies for the report)."""

    total_asr_ohm_cm2: float  # measured |V| / |i|
    ionic_asr_ohm_cm2: float  # L / sigma of the pellet (bulk alone, no interfaces)
    ionic_to_measured: float  # how many times the bulk alone exceeds the whole measurement
    sigma_needed_S_cm: float  # conductivity that would make bulk alone = the measurement
    electronic_resistance_ohm: float | None  # parallel path that closes the gap (None: no gap)
    filament_diameter_um: tuple[float, float] | None  # one Na-K cylinder, rho range
    rim_film_thickness_nm: tuple[float, float] | None  # a film around the pellet's rim
    implies_short: bool
    verdict: str

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def diagnose_short(
    voltage: float,
    current_density: float,
    thickness: float,
    diameter: float,
    sigma_ionic: float,
    resistivity: tuple[float, float] = RESISTIVITY_NAK_RANGE,
) -> ShortDiagnosis:
    """Whether a measured symmetric-cell voltage needs an electronic path through the pellet.

    ``voltage`` (V) and ``current_density`` (A/m2) give the total ASR R = |V|/|i|, which bounds
    the bulk ASR L/sigma from above (the interfaces only add). If L/sigma > R, the ionic path
    alone cannot carry the current at that voltage: an electronic path R_e = 1 / (1/R_tot -
    1/R_ion) (in ohm, over the pellet area pi D^2/4) must lie in parallel. It is given as one
    Na-K filament through the thickness (d = sqrt(4 rho L / (pi R_e))) and as a film of
    thickness t = rho L / (R_e pi D) around the rim, for the resistivity range of liquid NaK.
    """
    for name, v in (
        ("current_density", current_density),
        ("thickness", thickness),
        ("diameter", diameter),
        ("sigma_ionic", sigma_ionic),
    ):
        if not (math.isfinite(v) and v > 0):
            raise NakcellInputError(name, repr(v), "a positive finite number (SI units)")
    if not math.isfinite(voltage) or voltage == 0:
        raise NakcellInputError("voltage", repr(voltage), "a non-zero finite voltage (V)")
    area = math.pi * diameter**2 / 4.0
    asr = abs(voltage) / current_density  # ohm m2
    asr_ion = thickness / sigma_ionic
    r_tot, r_ion = asr / area, asr_ion / area
    ratio = asr_ion / asr
    short = r_ion > r_tot
    r_e = 1.0 / (1.0 / r_tot - 1.0 / r_ion) if short else None
    fil = rim = None
    if r_e is not None:
        fil = tuple(1e6 * math.sqrt(4.0 * rho * thickness / (math.pi * r_e)) for rho in resistivity)
        rim = tuple(1e9 * rho * thickness / (r_e * math.pi * diameter) for rho in resistivity)
    verdict = _verdict(asr, asr_ion, ratio, r_e, fil, rim, thickness, sigma_ionic)
    return ShortDiagnosis(
        total_asr_ohm_cm2=asr * 1e4,
        ionic_asr_ohm_cm2=asr_ion * 1e4,
        ionic_to_measured=ratio,
        sigma_needed_S_cm=thickness / asr / 100.0,
        electronic_resistance_ohm=r_e,
        filament_diameter_um=fil,
        rim_film_thickness_nm=rim,
        implies_short=short,
        verdict=verdict,
    )


def _verdict(asr, asr_ion, ratio, r_e, fil, rim, thickness, sigma) -> str:
    head = (
        f"measured {asr * 1e4:.3g} ohm cm2 in total; the pellet's bulk alone is "
        f"L/sigma = {thickness * 1e3:.3g} mm / {sigma / 100:.3g} S/cm = {asr_ion * 1e4:.3g} ohm cm2"
    )
    if r_e is None:
        return head + ": the ionic path can carry it (no electronic short needed)."
    return (
        head + f", {ratio:.3g}x the whole measurement: the numbers imply an electronic short "
        f"(or a ceramic {ratio:.3g}x more conductive than reported). A parallel path of "
        f"{r_e:.3g} ohm closes the gap: one Na-K filament {fil[0]:.3g}-{fil[1]:.3g} um wide "
        f"through the pellet, or a Na-K film {rim[0]:.3g}-{rim[1]:.3g} nm thick around its rim."
    )


# The seed's symmetric cell (Zhao et al. 2021, doi:10.21203/rs.3.rs-223685/v1):
SEED_CELL = {
    # "small voltage hysteresis about 8 mV at current density of 25 mA cm-2" (main text, Fig 5a)
    "voltage": 8e-3,
    "current_density": 250.0,  # A/m2 = 25 mA/cm2 (Fig 5a)
    "thickness": 1.1e-3,  # m: "thickness is at the range of 1-1.2 mm" (Methods)
    "diameter": 11e-3,  # m: "The diameter of the obtained pellet is 11 mm" (Methods)
    "sigma_ionic": 0.14,  # S/m: 1.4e-3 S/cm at room temperature (main text, SFig 4-6)
}


def seed_short_diagnosis(hysteresis_is_peak_to_peak: bool = False) -> ShortDiagnosis:
    """:func:`diagnose_short` on the seed's numbers. The seed calls 8 mV a "hysteresis": read as
    the cell's |V| (default, 0.32 ohm cm2) or as plating-to-stripping peak-to-peak (|V| = 4 mV)."""
    c = dict(SEED_CELL)
    if hysteresis_is_peak_to_peak:
        c["voltage"] = c["voltage"] / 2.0
    return diagnose_short(**c)


# Path sizes for the infiltration criteria, as Laplace-equivalent radii (a slit of width w
# counts as r = w): assumptions, since the seed reports no porosity, grain-boundary or cell
# geometry. Flow in a slit is 2/3 of that in a tube of r = w (w^2/12 vs r^2/8): not resolved.
PATHS = {
    "open pore": 0.5e-6,  # sub-um open pore of a sintered pellet (assumption)
    "grain boundary": 1e-9,  # ~1 nm grain-boundary core, HRTEM scale (assumption)
    "pellet rim": 10e-6,  # ~10 um gap between the pellet's side and the gasket (assumption)
}


def infiltration_paths(
    liquid_pressure: float,
    gamma: float,
    cos_theta: float,
    viscosity: float,
    thickness: float,
    paths: dict[str, float] | None = None,
) -> dict[str, dict[str, float | bool]]:
    """For each path (Laplace-equivalent radius, m): entry pressure, whether the liquid at
    ``liquid_pressure`` enters it, and the Washburn time to cross ``thickness``.

    A grain boundary is treated as a slit of the given width; whether the alloy wets the
    boundary itself (Smith's criterion gamma_gb > 2 gamma_sl, Trans. AIME 175 (1948) 15) needs
    interfacial energies nobody has measured for Na-K | NASICON, so the angle on the free
    surface stands in for it.
    """
    out: dict[str, dict[str, float | bool]] = {}
    for name, r in (paths or PATHS).items():
        p_in = float(entry_pressure(gamma, cos_theta, r))
        t = float(washburn_fill_time(thickness, r, gamma, cos_theta, viscosity, liquid_pressure))
        out[name] = {
            "size_m": r,
            "entry_pressure_Pa": p_in,
            "fills": bool(liquid_pressure > p_in),
            "fill_time_s": t,
        }
    return out
