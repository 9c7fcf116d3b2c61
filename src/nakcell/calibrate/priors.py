"""Priors for calibration: one per parameter, named as sweeps name them.

Rule (docs/calibration.md): a prior is **uniform in the sampling coordinate** over a range
with a source. Positive quantities spanning more than a factor of 3 are log-uniform
(scale-free: "we know the decade, not the digit"); the others are uniform.

Where the range comes from, in order:

1. ``PUBLISHED_RANGES`` below: a range from the literature, with its citation;
2. otherwise the field's default value (itself sourced, see ``Cell.all_sources()``) with one
   decade either side, log-uniform, and the source says so ("default +- 1 decade, not a
   published range"), so a reader sees which priors are wide guesses;
3. ``--prior NAME=LO..HI`` on the command line, or ``priors=`` in the API, overrides both.

Every prior is also clipped to the field's physical bounds (``ParamDef.lo/hi``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from nakcell.constants import F, R
from nakcell.errors import NakcellInputError
from nakcell.materials import Cell
from nakcell.units import KINDS, parse, to_field

_RT_F = R * 298.15 / F
# i0 from an interface resistance: i0 = RT / (F R_ct) (small-signal Butler-Volmer).
_R_CT_LO, _R_CT_HI = 1.5e-4, 5e-1  # ohm m2: 1.5 to 5000 ohm cm2

# name -> (lo SI, hi SI, log, source)
PUBLISHED_RANGES: dict[str, tuple[float, float, bool, str]] = {
    "i0": (
        _RT_F / _R_CT_HI,
        _RT_F / _R_CT_LO,
        True,
        "i0 = RT/(F R_ct) for Na|NASICON interface resistances from 1.5 ohm cm2 (Pb/C "
        "interlayer, Li et al., Chem. Sci. 2022, RSC d2sc05120f; the lowest found) to 5000 ohm "
        "cm2 (assumption: bare Na on untreated NASICON is reported in the 1e2-1e3 ohm cm2 "
        "decades, seed SFig 9: 105 ohm cm2; upper end widened by a factor ~5)",
    ),
    "interface_asr_measured": (
        0.1e-4,
        5000e-4,
        True,
        "the interphase (measured interface) resistance, 0.1-5000 ohm cm2: below the lowest RT "
        "Na|NZSP value found (1.5 ohm cm2, Li et al., Chem. Sci. 2022) up to bare Na on "
        "untreated NASICON (assumption, as for i0); the seed's SFig 9 105 and 15 ohm cm2 inside",
    ),
    "electrolyte.sigma_ref": (
        1e-5 * 100,
        5e-3 * 100,
        True,
        "NASICON total RT conductivity 1e-5 to 5e-3 S/cm (review Singh et al., Ionics 28 "
        "(2022) 5289, doi:10.1007/s11581-022-04765-3 [range not verified in retrieved text]; "
        "seed NHSP 1.4e-3 S/cm inside)",
    ),
    "electrolyte.Ea": (
        0.20,
        0.45,
        False,
        "NASICON activation energies 0.2-0.45 eV (assumption around the 0.28-0.35 eV range "
        "of Singh et al. 2022, widened)",
    ),
    "anode.creep_A": (
        0.53 / 30,
        0.53 * 30,
        True,
        "Na creep prefactor: Wang et al., Materialia 12 (2020) 100792 fit A = 0.53 /s at "
        "n = 5; assumption: a factor 30 either side for sample-to-sample scatter (grain size, "
        "impurities, strain rate)",
    ),
    "anode.vacancy_limit": (
        3.0,
        120.0,
        True,
        "pressure-free Na stripping limit at 25 degC: the independent published stripping "
        "limits and CCDs of Na on NaSICON-family and beta''-alumina ceramics span 0.3 mA/cm2 "
        "(Wang et al. 2022, doi:10.1039/D1TA10816F, >= 0.3) to 12 mA/cm2 (Bay et al. 2020, "
        "doi:10.1002/aenm.201902899); validation/published.csv",
    ),
    "anode.vacancy_Ea": (
        0.09,
        0.15,
        False,
        "activation energy of the Na stripping limit: 0.10 +- 0.01 eV with a Sn-Na interlayer "
        "to 0.13-0.15 eV bare (Lowack et al., arXiv:2603.23340, abstract)",
    ),
    "anode.yield_stress": (
        0.16e6,
        1.0e6,
        True,
        "Na yield stress 0.16-0.24 MPa in compression (Wang et al. 2020); assumption: up to "
        "1 MPa for thin foils (size effect)",
    ),
    "stack_pressure": (
        0.01e6,
        10e6,
        True,
        "stack pressures of alkali-metal | ceramic symmetric cells, from a coin-cell spring "
        "(~0.01-0.2 MPa) to pressed cells (several MPa; Kasemchainan et al., Nat. Mater. 18 "
        "(2019) 1105 use up to 7 MPa) [assumption: 10 MPa upper end]",
    ),
    "thickness": (
        0.3e-3,
        2.0e-3,
        False,
        "assumption: sintered NASICON pellets 0.3-2 mm (seed 1.0-1.2 mm inside)",
    ),
    "anode.spot_radius": (
        0.1e-6,
        10e-6,
        True,
        "assumption: contact-spot radius 0.1-10 um, a decade around the 1 um default "
        "(Eckhardt et al., Adv. Mater. Interfaces 2023, doi:10.1002/admi.202202354: um scale)",
    ),
    "anode.W_adh": (
        0.05,
        0.6,
        True,
        "assumption: 0.05-0.6 J/m2 around the seed's DFT values 0.166-0.185 J/m2 (complete "
        "wetting gives 2 gamma_Na ~ 0.4 J/m2)",
    ),
    # calibration-only nuisance parameters of the physical EIS model
    "eis.c_dl": (
        1e-6 * 1e4 * 0.1,
        1e-3 * 1e4,
        True,
        "double-layer capacitance per true area 0.1 uF/cm2 to 1 mF/cm2, a wide range around "
        "Eckhardt et al. 2023's 88 uF/cm2 at LLZO|Li (assumption)",
    ),
    "eis.eps_r_bulk": (
        10.0,
        1000.0,
        True,
        "assumption: relative permittivity 10-1000 around Eckhardt et al. 2023's eps_b = 150",
    ),
}
# the physical EIS stack's calibration-only parameters (not Cell fields): key -> units kind
EIS_PARAMS: dict[str, str] = {"eis.c_dl": "capacitance_per_area", "eis.eps_r_bulk": "fraction"}
NOISE_PREFIX = "noise."


@dataclass(frozen=True)
class Prior:
    """Uniform prior in the sampling coordinate y (log x when ``log``) on [lo, hi] (SI)."""

    name: str
    kind: str  # nakcell.units kind ("fraction" for dimensionless)
    lo: float
    hi: float
    log: bool
    source: str

    def __post_init__(self) -> None:
        if not (math.isfinite(self.lo) and math.isfinite(self.hi) and self.hi > self.lo):
            raise NakcellInputError(f"prior {self.name}", f"[{self.lo}, {self.hi}]", "lo < hi")
        if self.log and self.lo <= 0:
            raise NakcellInputError(f"prior {self.name}", self.lo, "a positive lower bound")

    @property
    def unit(self) -> str:
        return KINDS[self.kind].field.replace("**", "").replace("*", " ")

    @property
    def y_bounds(self) -> tuple[float, float]:
        if self.log:
            return math.log(self.lo), math.log(self.hi)
        return self.lo, self.hi

    def to_y(self, x: np.ndarray) -> np.ndarray:
        return np.log(x) if self.log else np.asarray(x, float)

    def to_x(self, y: np.ndarray) -> np.ndarray:
        return np.exp(y) if self.log else np.asarray(y, float)

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """n draws in SI."""
        a, b = self.y_bounds
        return self.to_x(rng.uniform(a, b, n))

    def field(self, x: float | np.ndarray) -> np.ndarray:
        """SI -> field units."""
        x = np.asarray(x, float)
        if self.kind == "temperature":  # affine
            return np.vectorize(lambda v: to_field(float(v), "temperature"))(x)
        return x * to_field(1.0, self.kind)

    def describe(self) -> str:
        lo, hi = float(self.field(self.lo)), float(self.field(self.hi))
        shape = "log-uniform" if self.log else "uniform"
        return f"{self.name}: {shape} on [{lo:.4g}, {hi:.4g}] {self.unit} ({self.source})"


def _registry() -> dict[str, object]:
    from nakcell.sweep.spec import parameter_registry

    reg: dict[str, object] = dict(parameter_registry())
    reg.pop("protocol.current_density", None)
    return reg


def known_parameters() -> list[str]:
    """Every name a calibration may fit."""
    return sorted([*_registry(), *EIS_PARAMS])


def default_value(cell: Cell, name: str) -> float:
    """The cell's current value of parameter ``name`` (SI)."""
    if name == "anode.wt_pct_K":
        from nakcell.materials.anodes import x_Na_to_wt_pct_Na

        return 100.0 - float(x_Na_to_wt_pct_Na(cell.anode.x_Na))
    if name == "eis.c_dl":
        return 88e-6 * 1e4
    if name == "eis.eps_r_bulk":
        return 150.0
    obj: object = cell
    for part in name.split("."):
        obj = getattr(obj, part)
    return float(obj)  # type: ignore[arg-type]


def make_prior(cell: Cell, name: str, override: tuple[float, float] | None = None) -> Prior:
    """The prior of ``name`` for ``cell`` (see the module docstring for the rule)."""
    reg = _registry()
    if name in EIS_PARAMS:
        kind, lo_b, hi_b = EIS_PARAMS[name], 0.0, None
    elif name in reg:
        p = reg[name]
        kind = "fraction" if p.kind == "wt_pct" else p.kind  # type: ignore[attr-defined]
        lo_b, hi_b = p.lo, p.hi  # type: ignore[attr-defined]
    else:
        raise NakcellInputError(
            f"--fit {name}", "an unknown parameter", f"one of: {', '.join(known_parameters())}"
        )
    if override is not None:
        lo, hi = override
        log = lo > 0 and hi / lo > 3.0
        source = "user range (--prior)"
    elif name in PUBLISHED_RANGES:
        lo, hi, log, source = PUBLISHED_RANGES[name]
    else:
        v = default_value(cell, name)
        if v <= 0:
            raise NakcellInputError(
                f"--fit {name}",
                f"default {v}",
                "a positive default or a range given with --prior NAME=LO..HI",
            )
        lo, hi, log = v / 10.0, v * 10.0, True
        source = "default +- 1 decade, not a published range (default: see the cell's sources)"
    if lo_b is not None:
        lo = max(lo, lo_b if lo_b > 0 or not log else lo)
    if hi_b is not None:
        hi = min(hi, hi_b)
    return Prior(name, kind, float(lo), float(hi), log, source)


def noise_prior(name: str, kind: str, lo: float, hi: float, source: str) -> Prior:
    """A log-uniform prior on an observation's noise scale (a nuisance parameter)."""
    return Prior(NOISE_PREFIX + name, kind, lo, hi, True, source)


_RANGE = re.compile(r"^\s*([^=]+?)\s*=\s*(.+?)\s*\.\.\s*(.+?)\s*$")


def parse_prior_overrides(items: Sequence[str], cell: Cell) -> dict[str, tuple[float, float]]:
    """``["i0=0.01..100 mA/cm2", ...]`` -> {name: (lo, hi) SI}; a bare number takes the field
    unit; a unit on the upper bound applies to both."""
    out: dict[str, tuple[float, float]] = {}
    for it in items:
        m = _RANGE.match(it)
        if not m:
            raise NakcellInputError("--prior", repr(it), "NAME=LO..HI, e.g. 'i0=0.1..100 mA/cm2'")
        name, lo_s, hi_s = m.groups()
        kind = make_prior(cell, name).kind
        unit = re.sub(r"^[-+0-9.eE]+\s*", "", hi_s)
        if unit and not re.search(r"[A-Za-z]", lo_s):
            lo_s = f"{lo_s} {unit}"
        lo = parse(lo_s, kind, name=f"--prior {name}")
        hi = parse(hi_s, kind, name=f"--prior {name}")
        if not hi > lo:
            raise NakcellInputError(f"--prior {name}", repr(it), "LO < HI")
        out[name] = (lo, hi)
    return out


def build_priors(
    cell: Cell, names: Sequence[str], overrides: Mapping[str, tuple[float, float]] | None = None
) -> list[Prior]:
    """Priors for ``names`` (unknown names raise one error listing the known ones)."""
    if len(set(names)) != len(names):
        raise NakcellInputError("--fit", ",".join(names), "distinct parameter names")
    ov = dict(overrides or {})
    for k in ov:
        if k not in names:
            raise NakcellInputError(f"--prior {k}", "a parameter not in --fit", "one of --fit")
    return [make_prior(cell, n, ov.get(n)) for n in names]
