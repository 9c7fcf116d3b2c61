"""Cells: an anode on each side (symmetric) of a ceramic pellet, with geometry and conditions.

Named cells reproduce the seed's methods section (Zhao et al. 2021,
doi:10.21203/rs.3.rs-223685/v1): 11 mm pellets, 1.0-1.2 mm thick, 1.4e-3 S/cm at RT.
Users can load their own from TOML (:func:`load_cell`).
"""

from __future__ import annotations

import dataclasses
import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nakcell.constants import F, R
from nakcell.errors import NakcellFileError, NakcellInputError
from nakcell.materials._param import Sourced, from_mapping, param
from nakcell.materials.anodes import ANODES, Anode, Na, NaK
from nakcell.materials.electrolytes import ELECTROLYTES, Electrolyte, Na3Hf2Si2PO12
from nakcell.materials.interphases import BASES, EA_INTERFACE, EA_INTERFACE_SRC, get_interphase

SEED = "Zhao et al. 2021 (seed), doi:10.21203/rs.3.rs-223685/v1"
# Exchange current density per true contact area, derived: the lowest room-temperature
# Na|NZSP interface resistance found, 1.5 ohm cm2 with a Pb/C interlayer (Li et al., Chem.
# Sci. 2022, RSC d2sc05120f), bounds R_ct from above, so i0 >= RT/(F * 1.5 ohm cm2).
_I0 = R * 298.15 / (F * 1.5e-4)
_I0_SRC = (
    "derived: i0 = RT/(F R_ct) with R_ct <= 1.5 ohm cm2, the lowest RT Na|NZSP interface "
    "resistance found (Li et al., Chem. Sci. 2022, RSC d2sc05120f)"
)


@dataclass(frozen=True)
class Cell(Sourced):
    """A symmetric cell: anode | electrolyte pellet | anode. All values SI."""

    name: str = "cell"
    anode: Anode = field(default_factory=Na)
    electrolyte: Electrolyte = field(default_factory=Na3Hf2Si2PO12)
    thickness: float = param(
        1.1e-3, "length", SEED + ": pellet 1.0-1.2 mm (midpoint)", lo=0.0, lo_open=True
    )
    diameter: float = param(11e-3, "length", SEED + ": pellet diameter 11 mm", lo=0.0, lo_open=True)
    temperature: float = param(298.15, "temperature", SEED + ": room temperature, 25 degC", lo=1.0)
    stack_pressure: float = param(
        0.2e6,
        "pressure",
        "assumption: coin-cell wave spring ~20 N on the 11 mm pellet (~0.2 MPa); the seed "
        "reports no stack pressure",
        lo=0.0,
    )
    i0: float = param(_I0, "current_density_exchange", _I0_SRC, lo=0.0, lo_open=True)
    interlayer: str = "none"
    interlayer_W_adh: float = param(
        0.0,
        "energy_per_area",
        "no interlayer",
        lo=0.0,
    )
    interphase: str = "none"
    interface_asr_measured: float = param(
        0.0,
        "area_resistance",
        "no film: interface = charge transfer + constriction (named presets set a measured value)",
        lo=0.0,
    )
    interface_basis: str = "per_interface"
    interface_Ea: float = param(EA_INTERFACE, "activation_energy", EA_INTERFACE_SRC, lo=0.0)
    pressure_spread: float = param(
        0.3,
        "fraction",
        "assumption: log-normal spread of the local stack pressure over the electrode face "
        "(flatness of coin-cell parts and pellet; no measurement found); sets the contact-spot "
        "bins that carry current focusing",
        lo=0.0,
        hi=2.0,
    )
    contact_bins: int = 5
    heat_transfer: float = param(
        10.0,
        "heat_transfer_coefficient",
        "free convection to room air, W/(m2 K) per face (Incropera, Fundamentals of Heat and "
        "Mass Transfer, 2--25 W/m2K); used only with the lumped thermal option",
        lo=0.0,
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.interface_basis not in BASES:
            raise NakcellInputError(
                f"{self.name}.interface_basis", repr(self.interface_basis), " or ".join(BASES)
            )
        if not isinstance(self.contact_bins, int) or not 1 <= self.contact_bins <= 50:
            raise NakcellInputError(f"{self.name}.contact_bins", self.contact_bins, "1-50")
        if not isinstance(self.anode, Anode):
            raise NakcellInputError(f"{self.name}.anode", repr(self.anode), "an Anode")
        if not isinstance(self.electrolyte, Electrolyte):
            raise NakcellInputError(
                f"{self.name}.electrolyte", repr(self.electrolyte), "an Electrolyte"
            )

    @property
    def area(self) -> float:
        """Electrode (pellet face) area in m2."""
        return math.pi * self.diameter**2 / 4.0

    def interface_asr_per_interface(self) -> float:
        """The measured interface ASR (ohm m2, 25 degC) of one interface under its basis."""
        m = self.interface_asr_measured
        return m / 2.0 if self.interface_basis == "per_cell" else m

    def with_interphase(self, name: str, basis: str | None = None) -> Cell:
        """A copy carrying the named interphase preset (:mod:`nakcell.materials.interphases`)."""
        ip = get_interphase(name)
        c = dataclasses.replace(
            self,
            interphase=name,
            interface_asr_measured=ip.asr,
            interface_basis=basis or ip.basis,
        )
        return c.with_source("interface_asr_measured", ip.source)

    def alloy_capacity(self) -> float:
        """Charge (C/m2) one electrode can strip (or the other plate) and stay liquid.

        For an alloy: the Na that takes x_Na to either edge of the liquid field at the cell's
        temperature (``nakcell.thermo.liquid_range_x_Na``); for a pure metal: its inventory.
        """
        a = self.anode
        n_na, n_k = a.na_inventory(), a.k_inventory()
        if not 0.0 < a.x_Na < 1.0:
            return n_na * F
        from nakcell.thermo import liquid_range_x_Na

        lo, hi = liquid_range_x_Na(self.temperature)
        strip = n_na - lo / (1.0 - lo) * n_k  # Na left when x_Na reaches lo
        plate = (hi / (1.0 - hi) * n_k - n_na) if hi < 1.0 else math.inf
        return float(max(min(strip, plate), 0.0) * F)

    def bulk_asr(self, T: float | None = None) -> float:
        """Bulk electrolyte ASR, L / sigma(T), in ohm m2."""
        return self.electrolyte.bulk_asr(self.thickness, self.temperature if T is None else T)

    def all_sources(self) -> list[dict[str, Any]]:
        """Every parameter of the cell, its anode and its electrolyte, with sources."""
        rows = self.sources()
        for r in rows:
            r["parameter"] = r["parameter"].replace("Cell.", "cell.")
        for r in self.anode.sources():
            r["parameter"] = r["parameter"].replace("Anode.", "anode.")
            rows.append(r)
        for r in self.electrolyte.sources():
            r["parameter"] = r["parameter"].replace("Electrolyte.", "electrolyte.")
            rows.append(r)
        return rows


def seed_nak(basis: str | None = None) -> Cell:
    """rGO@Na-K (44:56 wt%) | Na3Hf2Si2PO12 | rGO@Na-K, the seed's alloy symmetric cell."""
    c = Cell(name="seed-nak", anode=NaK(56.0, host="rGO"))
    return c.with_interphase("seed-NaK", basis)


def seed_na(basis: str | None = None) -> Cell:
    """Na | Na3Hf2Si2PO12 | Na, the seed's bare sodium cell (its measured 105 ohm cm2).

    ``basis`` reads the seed's number per cell (default) or per interface.
    """
    return Cell(name="seed-na", anode=Na()).with_interphase("seed-Na", basis)


def seed_na_sno2() -> Cell:
    """Na | SnO2-coated Na3Hf2Si2PO12 | Na (20 nm Sn, oxidised at 900 degC, seed methods).

    The SnO2 layer reacts with Na to a sodiophilic Na-Sn/Na2O layer; we model it only as a
    higher work of adhesion of Na on the coated face (complete wetting, theta = 0, gives
    W = 2 gamma_Na by Young-Dupre), which raises the solid contact fraction through the
    adhesive pressure W / a.
    """
    from nakcell.thermo.properties import surface_tension_Na

    gamma_na = float(surface_tension_Na(298.15))
    c = Cell(name="seed-na-sno2", anode=Na(), interlayer="SnO2", interlayer_W_adh=2 * gamma_na)
    c = c.with_interphase("seed-Na").with_source(
        "interface_asr_measured",
        "assumption: the seed reports no interface resistance for SnO2-coated pellets; the "
        "bare-Na value (105 ohm cm2, Supplementary Fig 9) is used",
    )
    return c.with_source(
        "interlayer_W_adh",
        "assumption: Na wets Sn-based chaperone layers (Gross et al., J. Mater. Chem. A 8 "
        "(2020) 17012); theta = 0 -> W = 2 gamma_Na, gamma_Na(25 degC) from Fink & Leibowitz "
        "(ANL/RE-95/2) via nakcell.thermo.properties, extrapolated below the melting point",
    )


CELLS = {"seed-nak": seed_nak, "seed-na": seed_na, "seed-na-sno2": seed_na_sno2}


def get_cell(name: str | Path) -> Cell:
    """A named cell (``seed-nak``, ``seed-na``, ``seed-na-sno2``) or a TOML file path."""
    key = str(name)
    if key in CELLS:
        return CELLS[key]()
    if key.endswith(".toml"):
        return load_cell(key)
    raise NakcellInputError(
        "cell", repr(key), f"one of {', '.join(CELLS)} or a path to a .toml cell file"
    )


def load_cell(path: str | Path) -> Cell:
    """Load a cell from TOML. Numbers are in field units; strings may carry units.

    Example::

        name = "thin-pellet"
        base = "seed-nak"            # optional: start from a named cell
        thickness = "0.5 mm"
        stack_pressure = "1 MPa"
        [anode]
        preset = "NaK"               # Na, K or NaK
        wt_pct_K = 78
        interphase = "Au"            # optional: a measured interface (materials/interphases.py)
        [electrolyte]
        preset = "NZSP"
        sigma_ref = "1e-3 S/cm"
    """
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise NakcellFileError(p, "no such file") from None
    except tomllib.TOMLDecodeError as exc:
        raise NakcellFileError(p, f"not valid TOML: {exc}") from None
    where = p.name
    base_name = data.pop("base", None)
    base = get_cell(base_name) if base_name else Cell()
    nak_args = ("wt_pct_K", "host")
    anode = _part(
        data, "anode", ANODES, Anode, base.anode, where, {"NaK": nak_args, "Na-K": nak_args}
    )
    electrolyte = _part(data, "electrolyte", ELECTROLYTES, Electrolyte, base.electrolyte, where)
    base = dataclasses.replace(base, anode=anode, electrolyte=electrolyte)
    if "interphase" in data:  # a named preset (materials/interphases.py) with its source
        name = data.pop("interphase")
        try:
            base = base.with_interphase(str(name), data.pop("interface_basis", None))
        except NakcellInputError as exc:
            raise NakcellInputError(f"{where}.interphase", exc.got, exc.expected) from None
    data.setdefault("name", p.stem)
    return from_mapping(Cell, data, where=where, base=base)


def _part(
    data: dict[str, Any],
    key: str,
    presets: dict[str, Any],
    cls: type,
    base: Any,
    where: str,
    preset_args: dict[str, tuple[str, ...]] | None = None,
) -> Any:
    """The ``[anode]`` or ``[electrolyte]`` table: an optional ``preset`` (with its own
    arguments, e.g. ``wt_pct_K``), then field overrides; errors name ``where.key.field``."""
    if key not in data:
        return base
    table = dict(data.pop(key))
    preset = table.pop("preset", None)
    if preset is not None:
        if preset not in presets:
            raise NakcellInputError(
                f"{where}.{key}.preset", repr(preset), f"one of {', '.join(presets)}"
            )
        kw = {k: table.pop(k) for k in (preset_args or {}).get(preset, ()) if k in table}
        base = presets[preset](**kw)
        if "wt_pct_K" in kw:  # the composition is the user's, not the seed's
            base = base.with_source(
                "x_Na", f"user input: {where}.{key}.wt_pct_K = {kw['wt_pct_K']!r}"
            )
    return from_mapping(cls, table, where=f"{where}.{key}", base=base)
