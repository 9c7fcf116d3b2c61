"""The published validation set: reading and checking ``published.csv``.

The canonical file is ``validation/published.csv`` at the repository root; an identical copy
ships in the package (``nakcell/data/validation/published.csv``) so that an installed
``nakcell validate`` finds it (a test keeps the two identical). Each row is one published
number with its source (DOI or arXiv id), where in the paper it was read, the conditions of
the measurement, the published value with its range, and its role: ``source`` (a model
parameter was taken from it) or ``check`` (independent). See docs/validation.md.
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from nakcell.errors import NakcellFileError

COLUMNS: tuple[str, ...] = (
    "id",
    "source",
    "where",
    "metal",
    "electrolyte",
    "treatment",
    "quantity",
    "temperature_C",
    "pressure_MPa",
    "thickness_mm",
    "current_mA_cm2",
    "half_cycle_h",
    "model_ramp_mA_cm2",
    "value",
    "low",
    "high",
    "range_basis",
    "role",
    "note",
)

QUANTITIES: dict[str, str] = {
    "interface_resistance_ohm_cm2": "ohm cm2",
    "ccd_mA_cm2": "mA/cm2",
    "stripping_limit_mA_cm2": "mA/cm2",
    "stripping_limit_activation_eV": "eV",
    "hysteresis_mV": "mV",
    "stripping_limit_pressure_exponent": "1",
}
# Trend quantities: a slope over several conditions of one column (';'-separated there).
# Arrhenius: -k_B d ln j / d(1/T) over the temperatures; pressure exponent: d ln j / d ln P
# over the stack pressures. Every other quantity takes one temperature and at most one pressure.
TRENDS: dict[str, str] = {
    "stripping_limit_activation_eV": "temperature_C",
    "stripping_limit_pressure_exponent": "pressure_MPa",
}
ROLES = ("source", "check")
RANGE_BASES = ("paper", "bound", "reading", "half-decade")
_SOURCE_RE = re.compile(r"^(doi:10\.\d{4,9}/\S+|arXiv:\d{4}\.\d{4,5}(v\d+)?)$")


@dataclass(frozen=True)
class Point:
    """One published measurement (field units, as in the CSV)."""

    id: str
    source: str
    where: str
    metal: str
    electrolyte: str
    treatment: str
    quantity: str
    temperatures_C: tuple[float, ...]
    pressures_MPa: tuple[float, ...]
    thickness_mm: float | None
    current_mA_cm2: float | None
    half_cycle_h: float | None
    ramp_mA_cm2: tuple[float, float, float] | None
    value: float
    low: float | None
    high: float | None
    range_basis: str
    role: str
    note: str

    @property
    def unit(self) -> str:
        return QUANTITIES[self.quantity]

    @property
    def temperature_C(self) -> float:
        """The (first) temperature of the measurement."""
        return self.temperatures_C[0]

    @property
    def pressure_MPa(self) -> float | None:
        """The (first) stack pressure of the measurement; None where the paper gives none."""
        return self.pressures_MPa[0] if self.pressures_MPa else None

    def contains(self, x: float) -> bool:
        """Whether ``x`` lies in the published range (open where a bound is missing)."""
        lo_ok = self.low is None or x >= self.low * (1 - 1e-9)
        hi_ok = self.high is None or x <= self.high * (1 + 1e-9)
        return lo_ok and hi_ok


def default_path() -> Path:
    """The bundled copy of ``validation/published.csv``."""
    return Path(str(resources.files("nakcell") / "data" / "validation" / "published.csv"))


def load_points(path: str | Path | None = None) -> list[Point]:
    """Read and check a validation CSV (default: the bundled set)."""
    p = Path(path) if path is not None else default_path()
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise NakcellFileError(p, "no such file") from None
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise NakcellFileError(p, f"missing column(s) {', '.join(missing)}", "header")
    points: list[Point] = []
    seen: set[str] = set()
    for line, row in enumerate(reader, start=2):
        pt = _point(row, p, line)
        if pt.id in seen:
            raise NakcellFileError(p, f"duplicate id {pt.id!r}", f"line {line}")
        seen.add(pt.id)
        points.append(pt)
    if not points:
        raise NakcellFileError(p, "no rows")
    return points


def _num(row: dict[str, str], key: str, p: Path, line: int) -> float | None:
    raw = (row.get(key) or "").strip()
    if not raw:
        return None
    try:
        v = float(raw)
    except ValueError:
        raise NakcellFileError(
            p, f"{key}: got {raw!r}, expected a number", f"line {line}"
        ) from None
    if not math.isfinite(v):
        raise NakcellFileError(p, f"{key}: got {raw!r}, expected a finite number", f"line {line}")
    return v


def _ramp(raw: str, p: Path, line: int) -> tuple[float, float, float] | None:
    raw = raw.strip()
    if not raw:
        return None
    try:
        a, b, c = (float(x) for x in raw.split(":"))
    except ValueError:
        raise NakcellFileError(
            p, f"model_ramp_mA_cm2: got {raw!r}, expected start:step:stop", f"line {line}"
        ) from None
    if not (0 < a <= c and b > 0):
        raise NakcellFileError(
            p,
            f"model_ramp_mA_cm2: got {raw!r}, expected 0 < start <= stop, step > 0",
            f"line {line}",
        )
    return a, b, c


def _series(row: dict[str, str], key: str, p: Path, line: int) -> tuple[float, ...]:
    """A column of one number or several separated by ';' (empty tuple when blank)."""
    raw = row.get(key) or ""
    try:
        vals = tuple(float(x) for x in raw.split(";") if x.strip())
    except ValueError:
        raise NakcellFileError(
            p, f"{key}: got {raw!r}, expected numbers separated by ';'", f"line {line}"
        ) from None
    if not all(math.isfinite(v) for v in vals):
        raise NakcellFileError(p, f"{key}: got {raw!r}, expected finite numbers", f"line {line}")
    return vals


def _conditions(
    row: dict[str, str], quantity: str, p: Path, line: int
) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """(temperatures, pressures): several values only in the column a trend runs over."""
    temps = _series(row, "temperature_C", p, line)
    pressures = _series(row, "pressure_MPa", p, line)
    if not temps:
        raise NakcellFileError(p, "temperature_C: empty", f"line {line}")
    if any(x <= 0 for x in pressures):
        raise NakcellFileError(p, "pressure_MPa: expected values > 0", f"line {line}")
    trend = TRENDS.get(quantity)
    for key, vals in (("temperature_C", temps), ("pressure_MPa", pressures)):
        if key == trend and len(set(vals)) < 2:
            raise NakcellFileError(
                p, f"{key}: {quantity} needs two or more distinct values (';')", f"line {line}"
            )
        if key != trend and len(vals) > 1:
            raise NakcellFileError(
                p, f"{key}: several values are only for a trend over {key}", f"line {line}"
            )
    return temps, pressures


def _text(row: dict[str, str], key: str, p: Path, line: int) -> str:
    v = (row.get(key) or "").strip()
    if not v and key != "note":
        raise NakcellFileError(p, f"{key}: empty", f"line {line}")
    return v


def _point(row: dict[str, str], p: Path, line: int) -> Point:
    where = f"line {line}"
    source = _text(row, "source", p, line)
    if not _SOURCE_RE.match(source):
        raise NakcellFileError(
            p, f"source: got {source!r}, expected doi:10.x/... or arXiv:NNNN.NNNNN", where
        )
    quantity = _text(row, "quantity", p, line)
    if quantity not in QUANTITIES:
        raise NakcellFileError(
            p, f"quantity: got {quantity!r}, expected one of {', '.join(QUANTITIES)}", where
        )
    role = _text(row, "role", p, line)
    if role not in ROLES:
        raise NakcellFileError(p, f"role: got {role!r}, expected source or check", where)
    basis = _text(row, "range_basis", p, line)
    if basis not in RANGE_BASES:
        raise NakcellFileError(
            p, f"range_basis: got {basis!r}, expected one of {', '.join(RANGE_BASES)}", where
        )
    value = _num(row, "value", p, line)
    low, high = _num(row, "low", p, line), _num(row, "high", p, line)
    if value is None:
        raise NakcellFileError(p, "value: empty", where)
    temps, pressures = _conditions(row, quantity, p, line)
    if low is None and high is None:
        raise NakcellFileError(
            p, "low and high both empty: a range (or one bound) is required", where
        )
    if (low is not None and low > value * (1 + 1e-9)) or (
        high is not None and high < value * (1 - 1e-9)
    ):
        raise NakcellFileError(p, f"value {value} outside its own range [{low}, {high}]", where)
    return Point(
        id=_text(row, "id", p, line),
        source=source,
        where=_text(row, "where", p, line),
        metal=_text(row, "metal", p, line),
        electrolyte=_text(row, "electrolyte", p, line),
        treatment=_text(row, "treatment", p, line),
        quantity=quantity,
        temperatures_C=temps,
        pressures_MPa=pressures,
        thickness_mm=_num(row, "thickness_mm", p, line),
        current_mA_cm2=_num(row, "current_mA_cm2", p, line),
        half_cycle_h=_num(row, "half_cycle_h", p, line),
        ramp_mA_cm2=_ramp(row.get("model_ramp_mA_cm2") or "", p, line),
        value=value,
        low=low,
        high=high,
        range_basis=basis,
        role=role,
        note=_text(row, "note", p, line),
    )
