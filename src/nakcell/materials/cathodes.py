"""The NVP (Na3V2(PO4)3) composite cathode and the liquid interlayer of the seed's full cell.

Every value carries its unit and source. :func:`nvp_parameter_values` exports the set as a
``pybamm.ParameterValues`` for PyBaMM's half-cell model (working electrode = positive, a Na
metal counter electrode), so users can run PyBaMM themselves::

    import pybamm
    from nakcell.materials.cathodes import nvp_parameter_values
    model = pybamm.lithium_ion.SPMe({"working electrode": "positive"})
    sim = pybamm.Simulation(model, parameter_values=nvp_parameter_values(),
                            experiment=pybamm.Experiment(["Charge at 1C until 4 V"]))

Seed: Zhao et al. 2021, doi:10.21203/rs.3.rs-223685/v1 (methods: 30 wt% NVP, 65 wt% Super P,
5 wt% PVDF, ~1.3 mg/cm2; ~10 uL of 1 M NaClO4 in EC:DMC:EMC (5% FEC) between cathode and
pellet). Values the seed does not report are marked ``assumption`` or taken from a related
NASICON-type cathode with the caveat stated.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from nakcell.constants import F, R
from nakcell.errors import NakcellInputError
from nakcell.materials._param import Sourced, param

if TYPE_CHECKING:
    import pybamm

SEED = "Zhao et al. 2021 (seed), doi:10.21203/rs.3.rs-223685/v1"
_CHAYAMBUKA = (
    "Chayambuka et al., Electrochim. Acta 404 (2022) 139764, "
    "doi:10.1016/j.electacta.2021.139764 (PyBaMM set Chayambuka2022)"
)
_LATTICE = (
    "derived: rhombohedral R-3c Na3V2(PO4)3, a = 8.73 A, c = 21.80 A, Z = 6 (structure as "
    "reported for NVP, e.g. Jian et al., Adv. Energy Mater. 3 (2013) 156, "
    "doi:10.1002/aenm.201200558) -> rho = Z M / (N_A sqrt(3)/2 a^2 c) = 3.16 g/cm3"
)
LOADING_BASES = ("active", "total")


@dataclass(frozen=True)
class NVPCathode(Sourced):
    """Composite NVP | Super P | PVDF electrode on Al. All values SI."""

    name: str = "NVP"
    molar_mass: float = param(
        0.45576,
        "molar_mass",
        "Na3V2(PO4)3 formula mass, IUPAC atomic weights (Na 22.990, V 50.942, P 30.974, O 15.999)",
        lo=0.0,
        lo_open=True,
    )
    na_per_formula: float = param(
        2.0,
        "fraction",
        "V3+/V4+ couple extracts 2 Na per formula near 3.4 V (117.6 mAh/g); review "
        "'Polyanion sodium vanadium phosphate...' (LITERATURE.md 2d); Zeng et al., Front. Chem. "
        "2020, doi:10.3389/fchem.2020.00635",
        lo=0.0,
        lo_open=True,
    )
    density: float = param(3157.0, "density", _LATTICE, lo=0.0, lo_open=True)
    plateau_voltage: float = param(
        3.40,
        "potential",
        "3.4 V vs Na+/Na two-phase plateau (V3+/V4+): review (LITERATURE.md 2d); Zeng et al., "
        "Front. Chem. 2020, doi:10.3389/fchem.2020.00635",
        lo=0.0,
        lo_open=True,
    )
    edge_width: float = param(
        0.01,
        "fraction",
        "assumption: the two-phase plateau ends in single-phase edges 1% of the Na range wide "
        "(shape not fitted to data; sets only where the cut-off voltages are reached)",
        lo=0.0,
        lo_open=True,
        hi=0.2,
    )
    particle_radius: float = param(
        0.25e-6,
        "length",
        "assumption: carbon-coated sol-gel (citric acid) NVP primary particles of a few hundred "
        "nm; the seed reports no size",
        lo=0.0,
        lo_open=True,
    )
    diffusivity: float = param(
        1e-14,
        "diffusivity",
        "NVP value not found; related NASICON Na3.3Mn1.2Ti0.75Mo0.05(PO4)3/C, GITT/CV "
        "1e-9..1e-11 cm2/s (Sharma & Dhaka, arXiv 2505.10572); we take 1e-10 cm2/s, the middle, "
        "with that caveat",
        lo=0.0,
        lo_open=True,
    )
    rate_constant: float = param(
        1e-11,
        "rate_constant",
        "NVP value not found; related NASICON Na3V2(PO4)2F3 rate constant 3e-12..2e-10 m/s "
        "over composition, " + _CHAYAMBUKA + "; we take 1e-11 m/s (order-of-magnitude middle)",
        lo=0.0,
        lo_open=True,
    )
    wt_active: float = param(0.30, "fraction", SEED + ": 30 wt% NVP", lo=0.0, lo_open=True, hi=1.0)
    wt_carbon: float = param(0.65, "fraction", SEED + ": 65 wt% Super P", lo=0.0, hi=1.0)
    wt_binder: float = param(0.05, "fraction", SEED + ": 5 wt% PVDF", lo=0.0, hi=1.0)
    density_carbon: float = param(
        1.9e3,
        "density",
        "carbon black skeletal density ~1.8-2.1 g/cm3 (handbook range; Super P datasheet "
        "value not retrieved)",
        lo=0.0,
        lo_open=True,
    )
    density_binder: float = param(
        1.78e3, "density", "PVDF 1.78 g/cm3 (CRC Handbook, polymer densities)", lo=0.0, lo_open=True
    )
    mass_loading: float = param(
        1.3e-2,
        "mass_per_area",
        SEED + ": 'mass loading around 1.3 mg/cm2' (basis not stated; see loading_basis)",
        lo=0.0,
        lo_open=True,
    )
    loading_basis: str = "active"
    porosity: float = param(
        0.60,
        "fraction",
        "assumption: carbon-black-rich composite electrodes are highly porous (0.5-0.7); the "
        "seed reports no thickness",
        lo=0.05,
        hi=0.95,
    )
    conductivity: float = param(
        10.0,
        "conductivity",
        "assumption: electronic conductivity of a 65 wt% Super P composite, ~0.1 S/cm (carbon "
        "black networks 0.1-10 S/cm); not limiting at this loading",
        lo=0.0,
        lo_open=True,
    )
    v_min: float = param(
        2.5, "potential", "assumption: usual NVP window 2.5-4.0 V (seed states none)", lo=0.0
    )
    v_max: float = param(
        4.0, "potential", "assumption: usual NVP window 2.5-4.0 V (seed states none)", lo=0.0
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.loading_basis not in LOADING_BASES:
            raise NakcellInputError(
                "cathode.loading_basis", repr(self.loading_basis), "'active' or 'total'"
            )
        if abs(self.wt_active + self.wt_carbon + self.wt_binder - 1.0) > 1e-6:
            raise NakcellInputError(
                "cathode.wt_active+wt_carbon+wt_binder",
                f"{self.wt_active + self.wt_carbon + self.wt_binder:.4g}",
                "fractions summing to 1",
            )
        if not self.v_min < self.v_max:
            raise NakcellInputError(
                "cut-off voltages",
                f"v_min {self.v_min:g} V, v_max {self.v_max:g} V",
                "v_min < v_max",
            )
        if not self.v_min < self.plateau_voltage < self.v_max:
            raise NakcellInputError(
                "cut-off voltages",
                f"{self.v_min:g}-{self.v_max:g} V",
                f"a window around the {self.plateau_voltage:g} V plateau",
            )

    # ---------------------------------------------------------------- derived
    @property
    def specific_capacity(self) -> float:
        """Theoretical capacity (C/kg of NVP): n F / M (Faraday's law)."""
        return self.na_per_formula * F / self.molar_mass

    @property
    def active_loading(self) -> float:
        """NVP mass per area (kg/m2) under the chosen loading basis."""
        return self.mass_loading * (1.0 if self.loading_basis == "active" else self.wt_active)

    @property
    def electrode_loading(self) -> float:
        """Whole-electrode (NVP + carbon + binder) mass per area (kg/m2)."""
        return self.active_loading / self.wt_active

    @property
    def solid_density(self) -> float:
        """Mass-weighted skeletal density of the composite (kg/m3)."""
        inv = (
            self.wt_active / self.density
            + self.wt_carbon / self.density_carbon
            + self.wt_binder / self.density_binder
        )
        return 1.0 / inv

    @property
    def thickness(self) -> float:
        """Electrode thickness (m): mass / (skeletal density x (1 - porosity))."""
        return self.electrode_loading / (self.solid_density * (1.0 - self.porosity))

    @property
    def active_volume_fraction(self) -> float:
        """Volume fraction of NVP in the electrode."""
        return self.active_loading / self.density / self.thickness

    @property
    def c_max(self) -> float:
        """Concentration (mol/m3) of cyclable Na in NVP: n rho / M."""
        return self.na_per_formula * self.density / self.molar_mass

    @property
    def areal_capacity(self) -> float:
        """Theoretical areal capacity (C/m2)."""
        return self.specific_capacity * self.active_loading

    def assembled_stoichiometry(self) -> float:
        """Stoichiometry as assembled (discharged Na3V2(PO4)3): where U = (U0 + v_min) / 2.

        Assumption: the as-made electrode sits on the low-voltage edge, inside the window so
        that the first charge can start; it sets only the first charge's capacity.
        """
        from scipy.optimize import brentq

        target = 0.5 * (self.plateau_voltage + self.v_min)
        return float(brentq(lambda x: float(self.ocp(x)) - target, 0.5, 1.0 - 1e-12))

    def ocp(self, sto: Any, T: Any = 298.15) -> Any:
        """Open-circuit potential (V vs Na+/Na) at stoichiometry ``sto`` (0 = charged NaV2(PO4)3).

        U = U0 + (RT/F) ln((1 - x)/x) + (1 V)[exp(-x/w) - exp(-(1 - x)/w)]: a flat two-phase
        plateau at U0 (sourced) with ideal-solution and exponential single-phase edges of width w
        (assumption). Works on floats, numpy arrays and pybamm symbols.
        """
        import numpy as np

        try:
            import pybamm

            sym = isinstance(sto, pybamm.Symbol)
        except ImportError:  # pragma: no cover
            sym = False
        lg, ex = (pybamm.log, pybamm.exp) if sym else (np.log, np.exp)
        w = self.edge_width
        return (
            self.plateau_voltage
            + R * 298.15 / F * lg((1.0 - sto) / sto)
            + 1.0 * (ex(-sto / w) - ex(-(1.0 - sto) / w))
        )


@dataclass(frozen=True)
class LiquidInterlayer(Sourced):
    """The liquid electrolyte added between the cathode and the pellet. All values SI."""

    name: str = "1 M NaClO4 in EC:DMC:EMC"
    volume: float = param(10e-9, "volume", SEED + ": 'about 10 uL'", lo=0.0)
    concentration: float = param(
        1000.0,
        "concentration",
        SEED + ": 1 M NaClO4",
        lo=0.0,
        lo_open=True,
    )
    transference: float = param(
        0.45,
        "fraction",
        "related electrolyte 1 M NaPF6 in EC:PC, " + _CHAYAMBUKA + " (NaClO4 EC:DMC:EMC not found)",
        lo=0.0,
        lo_open=True,
        hi=1.0,
    )
    min_film: float = param(
        1e-6,
        "length",
        "numerical floor on the liquid film between cathode and pellet (when the pores take all "
        "the liquid)",
        lo=0.0,
        lo_open=True,
    )
    ceramic_transfer_asr: float = param(
        0.0,
        "area_resistance",
        "liquid|NASICON Na+ transfer resistance: no sourced value found; 0 is a lower bound "
        "(set it to study its effect)",
        lo=0.0,
    )

    def film_thickness(self, cathode: NVPCathode, area: float) -> float:
        """Liquid film (m) left between cathode and pellet after the cathode pores fill.

        (V - porosity x L_cathode x A) / A, floored at ``min_film``. Assumes the liquid stays on
        the electrode area (none wicks away) - an upper bound on the film.
        """
        pores = cathode.porosity * cathode.thickness * area
        return max((self.volume - pores) / area, self.min_film)


def nvp_parameter_values(
    cathode: NVPCathode | None = None,
    interlayer: LiquidInterlayer | None = None,
    *,
    area: float = math.pi * 11e-3**2 / 4.0,
    temperature: float = 298.15,
    counter_i0: float = 1e4,
) -> pybamm.ParameterValues:
    """The NVP half-cell set as ``pybamm.ParameterValues`` (PyBaMM names and SI units).

    The PyBaMM separator is the liquid film of the interlayer; the counter electrode is an
    ideal Na metal electrode (``counter_i0`` A/m2, default effectively non-polarising) so that
    the set gives NVP vs Na+/Na. ``nakcell.cell.full`` replaces the counter electrode's kinetics
    with its anode-interface model and adds the pellet and interfaces in series.
    """
    import pybamm

    from nakcell.cell._pybamm import disable_telemetry

    disable_telemetry()
    from pybamm.input.parameters.sodium_ion.Chayambuka2022 import (
        electrolyte_conductivity_Chayambuka2022,
        electrolyte_diffusivity_Chayambuka2022,
    )

    c = cathode or NVPCathode()
    il = interlayer or LiquidInterlayer()
    k = c.rate_constant
    c_max = c.c_max

    def j0(c_e: Any, c_s_surf: Any, c_s_max: Any, T: Any) -> Any:
        c_e0 = pybamm.Parameter("Initial concentration in electrolyte [mol.m-3]")
        return (
            pybamm.constants.F
            * k
            * (c_e / c_e0) ** 0.5
            * c_s_surf**0.5
            * (c_s_max - c_s_surf) ** 0.5
        )

    def ocp(sto: Any) -> Any:
        return c.ocp(sto)

    def counter_j0(c_e: Any, c_Li: Any, T: Any) -> Any:
        return pybamm.Scalar(counter_i0)

    side = math.sqrt(area)
    cap_ah = c.areal_capacity * area / 3600.0
    sto0 = c.assembled_stoichiometry()
    pv = pybamm.ParameterValues(
        {
            "chemistry": "lithium_ion",
            # geometry (a square of the pellet's area; the model is 1D)
            "Electrode height [m]": side,
            "Electrode width [m]": side,
            "Positive electrode thickness [m]": c.thickness,
            "Separator thickness [m]": il.film_thickness(c, area),
            "Negative electrode thickness [m]": 1e-4,
            "Lithium counter electrode thickness [m]": 1e-4,
            "Nominal cell capacity [A.h]": cap_ah,
            "Current function [A]": cap_ah,
            "Contact resistance [Ohm]": 0.0,
            # positive (NVP) electrode
            "Positive electrode conductivity [S.m-1]": c.conductivity,
            "Maximum concentration in positive electrode [mol.m-3]": c_max,
            "Positive particle diffusivity [m2.s-1]": c.diffusivity,
            "Positive electrode OCP [V]": ocp,
            "Positive electrode porosity": c.porosity,
            "Positive electrode active material volume fraction": c.active_volume_fraction,
            "Positive particle radius [m]": c.particle_radius,
            "Positive electrode Bruggeman coefficient (electrolyte)": 1.5,
            "Positive electrode Bruggeman coefficient (electrode)": 1.5,
            "Positive electrode charge transfer coefficient": 0.5,
            "Positive electrode exchange-current density [A.m-2]": j0,
            "Positive electrode OCP entropic change [V.K-1]": 0.0,
            "Positive electrode double-layer capacity [F.m-2]": 0.2,
            "Initial concentration in positive electrode [mol.m-3]": sto0 * c_max,
            # Na metal counter electrode (ideal unless nakcell replaces it)
            "Exchange-current density for lithium metal electrode [A.m-2]": counter_j0,
            "Negative electrode OCP [V]": 0.0,
            "Negative electrode conductivity [S.m-1]": 2.1e7,
            "Lithium metal partial molar volume [m3.mol-1]": 2.378e-5,
            "Negative electrode charge transfer coefficient": 0.5,
            "Negative electrode double-layer capacity [F.m-2]": 0.2,
            "Negative electrode OCP entropic change [V.K-1]": 0.0,
            # separator = the liquid film of the interlayer
            "Separator porosity": 1.0,
            "Separator Bruggeman coefficient (electrolyte)": 1.5,
            # electrolyte (related carbonate electrolyte, see LiquidInterlayer sources)
            "Initial concentration in electrolyte [mol.m-3]": il.concentration,
            "Cation transference number": il.transference,
            "Thermodynamic factor": 1.0,
            "Electrolyte diffusivity [m2.s-1]": electrolyte_diffusivity_Chayambuka2022,
            "Electrolyte conductivity [S.m-1]": electrolyte_conductivity_Chayambuka2022,
            # conditions
            "Reference temperature [K]": 298.15,
            "Ambient temperature [K]": temperature,
            "Initial temperature [K]": temperature,
            "Number of electrodes connected in parallel to make a cell": 1.0,
            "Number of cells connected in series to make a battery": 1.0,
            "Lower voltage cut-off [V]": c.v_min,
            "Upper voltage cut-off [V]": c.v_max,
            "Open-circuit voltage at 0% SOC [V]": c.v_min,
            "Open-circuit voltage at 100% SOC [V]": c.v_max,
            "citations": ["Chayambuka2022"],
        }
    )
    return pv
