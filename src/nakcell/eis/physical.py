"""Physical impedance spectra: each circuit element computed from a physical quantity, so
an interface resistance read off a spectrum traces back to what made it.

Stack (series, Eckhardt et al., Adv. Mater. Interfaces 2023, doi:10.1002/admi.202202354:
bulk, grain boundary, constriction, charge transfer):

* bulk: R_b = L / (sigma_b A), C_b = eps0 eps_b A / L (geometric capacitance);
* grain boundary (brick-layer model with apparent "specific" values, Haile, West & Campbell,
  J. Mater. Res. 13 (1998) 1576): R_gb = L / (sigma_gb A), C_gb = eps0 eps_gb A / L;
* each interface: R_cstr + p(R_ct, C_dl), with charge transfer on the true contact area
  f A: R_ct = ASR_ct / (f A), C_dl = c_dl f A (R_CT ~ 1/A, C_CT ~ A: Eckhardt et al. 2023),
  and the constriction resistance R_cstr = ASR_cstr / A in series.

Limitation: Fleig & Maier (J. Electrochem. Soc. 144 (1997) 302) show that constriction can
appear in the low-frequency arc when the non-contacting surface couples capacitively; this
lumped model keeps it as a series resistor, so it adds to the interface resistance but sits
at the arc's high-frequency end. ``holm_constriction_asr`` gives a value from spot geometry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nakcell.eis.circuits import Circuit
from nakcell.errors import NakcellInputError

EPS0 = 8.8541878128e-12  # F/m, CODATA 2018


@dataclass(frozen=True)
class Interface:
    """One metal | electrolyte interface (SI units).

    asr_ct_ohm_m2: charge-transfer ASR at full contact (per true contact area);
    contact_fraction: f in (0, 1]; c_dl_F_m2: double-layer capacitance per true contact area;
    asr_cstr_ohm_m2: constriction ASR per geometric area (0 at full contact).
    """

    asr_ct_ohm_m2: float
    contact_fraction: float = 1.0
    c_dl_F_m2: float = 88e-6 * 1e4  # 88 uF/cm2: Eckhardt et al. 2023 (LLZO|Li, "SEI case")
    asr_cstr_ohm_m2: float = 0.0
    name: str = ""

    def __post_init__(self) -> None:
        _pos("asr_ct_ohm_m2", self.asr_ct_ohm_m2)
        _pos("c_dl_F_m2", self.c_dl_F_m2)
        if not 0 < self.contact_fraction <= 1:
            raise NakcellInputError("contact_fraction", self.contact_fraction, "0 < f <= 1")
        if not self.asr_cstr_ohm_m2 >= 0:
            raise NakcellInputError("asr_cstr_ohm_m2", self.asr_cstr_ohm_m2, ">= 0")

    def asr_ohm_m2(self) -> float:
        """Interface ASR per geometric area: ASR_ct / f + ASR_cstr."""
        return self.asr_ct_ohm_m2 / self.contact_fraction + self.asr_cstr_ohm_m2


@dataclass(frozen=True)
class PhysicalStack:
    """Electrolyte pellet plus its interfaces, all SI.

    Defaults are the seed's pellet (Zhao et al. 2021, doi:10.21203/rs.3.rs-223685/v1:
    11 mm diameter -> 0.95 cm2, 1.0-1.2 mm thick -> 1.1 mm, 1.4e-3 S/cm at RT, taken as the
    bulk value since the paper gives no bulk/GB split) and eps_b = 150 (Eckhardt et al. 2023,
    an LLZO value: no NASICON permittivity is sourced; at 1.4e-3 S/cm the bulk arc sits near
    1.7e7 Hz for any eps_b within 10x, above the measured window).
    """

    interfaces: tuple[Interface, ...]
    thickness_m: float = 1.1e-3
    area_m2: float = 0.95e-4
    sigma_bulk_S_m: float = 1.4e-3 * 100
    eps_r_bulk: float = 150.0
    sigma_gb_S_m: float | None = None
    eps_r_gb: float | None = None
    label: str = ""
    notes: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for n in ("thickness_m", "area_m2", "sigma_bulk_S_m", "eps_r_bulk"):
            _pos(n, getattr(self, n))
        if (self.sigma_gb_S_m is None) != (self.eps_r_gb is None):
            raise NakcellInputError(
                "sigma_gb_S_m/eps_r_gb", "only one given", "both or neither for a GB arc"
            )
        if self.sigma_gb_S_m is not None:
            _pos("sigma_gb_S_m", self.sigma_gb_S_m)
            _pos("eps_r_gb", self.eps_r_gb or 0.0)

    def circuit(self) -> tuple[Circuit, dict[str, float]]:
        """The equivalent circuit and its element values computed from the physics."""
        L, A = self.thickness_m, self.area_m2
        parts = ["p(R_b,C_b)"]
        vals = {"R_b": L / (self.sigma_bulk_S_m * A), "C_b": EPS0 * self.eps_r_bulk * A / L}
        if self.sigma_gb_S_m is not None and self.eps_r_gb is not None:
            parts.append("p(R_gb,C_gb)")
            vals["R_gb"] = L / (self.sigma_gb_S_m * A)
            vals["C_gb"] = EPS0 * self.eps_r_gb * A / L
        for i, itf in enumerate(self.interfaces, start=1):
            if itf.asr_cstr_ohm_m2 > 0:
                parts.append(f"R_cstr{i}")
                vals[f"R_cstr{i}"] = itf.asr_cstr_ohm_m2 / A
            parts.append(f"p(R_ct{i},C_dl{i})")
            vals[f"R_ct{i}"] = itf.asr_ct_ohm_m2 / (itf.contact_fraction * A)
            vals[f"C_dl{i}"] = itf.c_dl_F_m2 * itf.contact_fraction * A
        return Circuit("-".join(parts)), vals

    def spectrum(self, frequency_Hz: ArrayLike | None = None) -> PhysicalSpectrum:
        """Z over ``frequency_Hz`` (default: the seed's 100 kHz to 10 mHz, 10 per decade)."""
        f = (
            np.logspace(5, -2, 71)
            if frequency_Hz is None
            else np.asarray(frequency_Hz, dtype=float)
        )
        c, vals = self.circuit()
        z = c.impedance(np.array([vals[n] for n in c.param_names]), 2 * np.pi * f)
        A_cm2 = self.area_m2 * 1e4
        return PhysicalSpectrum(
            frequency_Hz=f,
            Z_ohm=z,
            circuit=c.text,
            elements=vals,
            bulk_asr_ohm_cm2=vals["R_b"] * A_cm2,
            gb_asr_ohm_cm2=vals.get("R_gb", 0.0) * A_cm2,
            interface_asr_ohm_cm2=[itf.asr_ohm_m2() * 1e4 for itf in self.interfaces],
            area_m2=self.area_m2,
        )


@dataclass(frozen=True)
class PhysicalSpectrum:
    """A computed spectrum with the element values behind it (SI) and ASRs in ohm cm2."""

    frequency_Hz: NDArray[np.float64]
    Z_ohm: NDArray[np.complex128]
    circuit: str
    elements: dict[str, float]
    bulk_asr_ohm_cm2: float
    gb_asr_ohm_cm2: float
    interface_asr_ohm_cm2: list[float]
    area_m2: float

    def to_dict(self) -> dict[str, object]:
        return {
            "circuit": self.circuit,
            "elements": self.elements,
            "bulk_asr_ohm_cm2": self.bulk_asr_ohm_cm2,
            "gb_asr_ohm_cm2": self.gb_asr_ohm_cm2,
            "interface_asr_ohm_cm2": self.interface_asr_ohm_cm2,
            "area_m2": self.area_m2,
            "frequency_Hz": self.frequency_Hz.tolist(),
            "Z_real_ohm": self.Z_ohm.real.tolist(),
            "Z_imag_ohm": self.Z_ohm.imag.tolist(),
        }


@runtime_checkable
class HasEISStack(Protocol):
    """What a cell model offers to be simulated: its physical stack."""

    def eis_stack(self) -> PhysicalStack: ...


def spectrum_from_cell(
    cell: PhysicalStack | HasEISStack, frequency_Hz: ArrayLike | None = None
) -> PhysicalSpectrum:
    """Adapter point for the cell model: a cell exposing ``eis_stack() -> PhysicalStack``
    (thickness, area, bulk/GB conductivity and permittivity, and per interface its
    charge-transfer ASR, contact fraction, double-layer capacitance, constriction ASR) gets
    its spectrum here. The cell model (``nakcell.cells``) provides ``eis_stack``; this module
    does not import it, so the dependency points one way."""
    if isinstance(cell, PhysicalStack):
        return cell.spectrum(frequency_Hz)
    if isinstance(cell, HasEISStack):
        return cell.eis_stack().spectrum(frequency_Hz)
    raise NakcellInputError(
        "cell", type(cell).__name__, "a PhysicalStack or an object with eis_stack()"
    )


def holm_constriction_asr(rho_ohm_m: float, spot_radius_m: float, contact_fraction: float) -> float:
    """Constriction ASR of sparse circular contact spots on a half-space, ohm m2.

    One spot: R = rho / (4 a) (Holm, Electric Contacts, 4th ed. 1967, sec. 4); n spots per
    area in parallel with f = n pi a^2 gives ASR = rho pi a / (4 f). Valid for f << 1
    (spot interaction, Greenwood 1966, neglected).
    """
    _pos("rho_ohm_m", rho_ohm_m)
    _pos("spot_radius_m", spot_radius_m)
    if not 0 < contact_fraction <= 1:
        raise NakcellInputError("contact_fraction", contact_fraction, "0 < f <= 1")
    return rho_ohm_m * np.pi * spot_radius_m / (4.0 * contact_fraction)


def _pos(name: str, v: float) -> None:
    if not (isinstance(v, (int, float)) and np.isfinite(v) and v > 0):
        raise NakcellInputError(name, v, "a positive finite number (SI)")
