"""Units at the edges: parse what people type ("25 mA/cm2", "30 min", "25C") into SI floats.

Inside nakcell every float is SI. This module is the one place where field units
(mA/cm2, ohm cm2, h, degC, mAh/g) are turned into SI and back, via pint.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass

import pint

from nakcell.errors import NakcellInputError


@functools.cache
def ureg() -> pint.UnitRegistry:
    """The shared pint registry (created once)."""
    reg = pint.UnitRegistry(autoconvert_offset_to_baseunit=True)
    reg.formatter.default_format = "~P"
    return reg


@dataclass(frozen=True)
class Kind:
    """A physical kind of quantity: its SI unit, the unit people type, and an example."""

    name: str
    si: str
    field: str
    example: str


KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind("current_density", "A/m**2", "mA/cm**2", "25 mA/cm2"),
        Kind("time", "s", "h", "30 min"),
        Kind("length", "m", "mm", "1.1 mm"),
        Kind("temperature", "K", "degC", "25C"),
        Kind("pressure", "Pa", "MPa", "1 MPa"),
        Kind("conductivity", "S/m", "S/cm", "1.4e-3 S/cm"),
        Kind("area_resistance", "ohm*m**2", "ohm*cm**2", "15 ohm cm2"),
        Kind("resistance", "ohm", "ohm", "100 ohm"),
        Kind("area", "m**2", "cm**2", "0.95 cm2"),
        Kind("voltage", "V", "mV", "10 mV"),
        Kind("energy_per_area", "J/m**2", "J/m**2", "0.185 J/m2"),
        Kind("surface_tension", "N/m", "mN/m", "110 mN/m"),
        Kind("mass_per_area", "kg/m**2", "mg/cm**2", "1.3 mg/cm2"),
        Kind("activation_energy", "eV", "eV", "0.3 eV"),
        Kind("molar_volume", "m**3/mol", "cm**3/mol", "23.78 cm3/mol"),
        Kind("density", "kg/m**3", "g/cm**3", "0.87 g/cm3"),
        Kind("viscosity", "Pa*s", "mPa*s", "0.5 mPa s"),
        Kind("fracture_toughness", "Pa*m**0.5", "MPa*m**0.5", "1.5 MPa m^0.5"),
        Kind("current_density_exchange", "A/m**2", "mA/cm**2", "10 mA/cm2"),
        Kind("creep_coefficient", "1/s", "1/s", "0.53 1/s"),
        Kind("fraction", "dimensionless", "dimensionless", "0.5"),
        Kind("heat_transfer_coefficient", "W/m**2/K", "W/m**2/K", "10 W/m2/K"),
        Kind("specific_capacity", "A*s/kg", "mA*h/g", "117.6 mAh/g"),
        Kind("capacitance_per_area", "F/m**2", "uF/cm**2", "88 uF/cm2"),
        Kind("frequency", "Hz", "Hz", "100 kHz"),
        Kind("mass", "kg", "mg", "1.3 mg"),
        Kind("molar_mass", "kg/mol", "g/mol", "455.8 g/mol"),
        Kind("diffusivity", "m**2/s", "cm**2/s", "1e-10 cm2/s"),
        Kind("volume", "m**3", "uL", "10 uL"),
        Kind("potential", "V", "V", "3.4 V"),
        Kind("rate_constant", "m/s", "m/s", "1e-11 m/s"),
        Kind("concentration", "mol/m**3", "mol/L", "1 mol/L"),
    )
}

_UNIT_POWER = re.compile(r"(?<=[A-Za-zΩµ])(\d)(?![\d.])")  # cm2 -> cm**2, m3 -> m**3
_TEMP_C = re.compile(r"^\s*([-+]?\d*\.?\d+(?:[eE][-+]?\d+)?)\s*(?:°\s*C|deg\s*C|degC|C)\s*$")
_TEMP_K = re.compile(r"^\s*([-+]?\d*\.?\d+(?:[eE][-+]?\d+)?)\s*K\s*$")


def _normalise(text: str) -> str:
    t = text.strip().replace("Ω", "ohm").replace("µ", "u").replace("μ", "u").replace("^", "**")
    t = re.sub(r"\bohms?\b", "ohm", t)
    t = t.replace("mAh", "mA*h").replace("Ah", "A*h")
    return _UNIT_POWER.sub(r"**\1", t)


def parse(value: object, kind: str, *, name: str, default_unit: str | None = None) -> float:
    """Parse ``value`` (number, numeric string or string with unit) into an SI float.

    A bare number is read in ``default_unit`` (the field unit of ``kind`` if not given).
    Wrong dimensions, non-numbers and non-finite values raise :class:`NakcellInputError`
    naming ``name`` and the expected unit.
    """
    k = KINDS[kind]
    unit = default_unit or k.field
    expected = f"a {kind.replace('_', ' ')} in {_pretty(unit)} (e.g. '{k.example}')"
    reg = ureg()
    if isinstance(value, bool):
        raise NakcellInputError(name, repr(value), expected)
    if isinstance(value, (int, float)):
        q = reg.Quantity(float(value), unit)
    elif isinstance(value, str):
        text = value.strip()
        if not text:
            raise NakcellInputError(name, "''", expected)
        if kind == "temperature":
            m_c, m_k = _TEMP_C.match(text), _TEMP_K.match(text)
            if m_c:
                return _finite(float(m_c.group(1)) + 273.15, name, value, expected)
            if m_k:
                return _finite(float(m_k.group(1)), name, value, expected)
        try:
            num = float(text)
        except ValueError:
            num = None
        if num is not None:
            q = reg.Quantity(num, unit)
        else:
            try:
                q = reg.Quantity(_normalise(text))
            except Exception as exc:  # pint raises many types on garbage
                raise NakcellInputError(name, repr(value), expected) from exc
            if not isinstance(q, pint.Quantity) or (q.dimensionless and kind != "fraction"):
                raise NakcellInputError(name, repr(value), expected)
    else:
        raise NakcellInputError(name, repr(value), expected)
    try:
        si = q.to(k.si).magnitude
    except pint.DimensionalityError as exc:
        raise NakcellInputError(name, repr(value), expected) from exc
    return _finite(float(si), name, value, expected)


def _finite(x: float, name: str, got: object, expected: str) -> float:
    if not math.isfinite(x):
        raise NakcellInputError(name, repr(got), expected + " (finite)")
    return x


def _pretty(unit: str) -> str:
    return unit.replace("**", "").replace("*", " ")


def to_field(value_si: float, kind: str, unit: str | None = None) -> float:
    """Convert an SI float to the field unit of ``kind`` (or ``unit``)."""
    k = KINDS[kind]
    if kind == "temperature" and (unit or k.field) == "degC":
        return value_si - 273.15
    return float(ureg().Quantity(value_si, k.si).to(unit or k.field).magnitude)


def parse_list(text: str, kind: str, *, name: str, default_unit: str | None = None) -> list[float]:
    """Parse a comma-separated list ("0.1,1,10,25" or "0.1 mA/cm2, 1 mA/cm2") into SI floats."""
    parts = [p for p in str(text).split(",") if p.strip()]
    if not parts:
        raise NakcellInputError(name, repr(text), f"a comma-separated list of {kind}")
    return [parse(p, kind, name=name, default_unit=default_unit) for p in parts]
