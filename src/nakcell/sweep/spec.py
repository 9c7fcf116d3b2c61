"""Sweep specifications: which cell, which protocol, which parameters vary and how.

A spec is a TOML file (see ``examples/sweep-ccd.toml``)::

    name = "ccd-design"
    cell = "seed-na"                 # a named cell or a cell TOML (relative to this file)
    metrics = ["ccd_mA_cm2", "asr_ohm_cm2"]
    batch_size = 128                 # points per task (one vectorised model call)
    steps_per_half = 20              # time steps per half-cycle

    [protocol]
    kind = "ccd"                     # "ccd" (SteppedCCD) or "galvanostatic"
    start = "0.5 mA/cm2"
    step = "0.5 mA/cm2"
    stop = "10 mA/cm2"
    half_cycle = "15 min"

    [parameters]
    thickness = { grid = ["0.3 mm", "1.2 mm", 10] }          # linspace, both ends included
    "electrolyte.sigma_ref" = { grid = ["3e-4 S/cm", "3e-3 S/cm", 5], scale = "log" }
    stack_pressure = { list = ["0.1 MPa", "1 MPa", "5 MPa"] }
    "anode.wt_pct_K" = { range = [0, 90] }                    # sampled by Latin hypercube

    [lhs]                            # needed when (and only when) a parameter has a range
    n = 200
    seed = 7

The design is the Cartesian product of every ``grid``/``list`` axis with the ``n`` Latin
hypercube rows over the ``range`` parameters. Values are parsed with the unit of the Cell
field they set (numbers alone are read in its field unit, e.g. mm for lengths). Every
point gets a content hash of the model (resolved base cell, protocol, time step) and its
parameter values, so a point is the same point in any spec and is stored once.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import json
import math
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from nakcell.errors import NakcellFileError, NakcellInputError
from nakcell.materials import Anode, Cell, Electrolyte, get_cell, wt_pct_K_to_x_Na
from nakcell.materials.anodes import _interp_wadh
from nakcell.protocols import Galvanostatic, SteppedCCD
from nakcell.units import KINDS, parse

Protocol = Galvanostatic | SteppedCCD

# Metrics of SymmetricResult.summary() a spec may keep, with their DuckDB column types.
METRICS: dict[str, str] = {
    "current_density_mA_cm2": "DOUBLE",
    "overpotential_mV": "DOUBLE",
    "hysteresis_mV": "DOUBLE",
    "asr_ohm_cm2": "DOUBLE",
    "shorted": "BOOLEAN",
    "time_to_short_h": "DOUBLE",
    "stopped": "VARCHAR",
    "stop_time_h": "DOUBLE",
    "cycles": "INTEGER",
    "min_contact_fraction": "DOUBLE",
    "ccd_mA_cm2": "DOUBLE",
    "ccd_is_lower_bound": "BOOLEAN",
    "left_liquid_field_h": "DOUBLE",
}
DEFAULT_METRICS = ("ccd_mA_cm2", "ccd_is_lower_bound", "asr_ohm_cm2", "stopped")
_TOP_KEYS = {
    "name",
    "cell",
    "metrics",
    "batch_size",
    "steps_per_half",
    "thermal",
    "protocol",
    "parameters",
    "lhs",
}


@dataclass(frozen=True)
class ParamDef:
    """A parameter the sweep may vary: where it lands in the Cell and its physical kind."""

    key: str  # "thickness", "electrolyte.sigma_ref", "anode.wt_pct_K", ...
    kind: str  # a nakcell.units kind, or "wt_pct" for anode.wt_pct_K
    lo: float | None = None  # SI bounds (from the Cell field), checked at parse time
    hi: float | None = None

    @property
    def unit(self) -> str:
        """Field unit as text (what the store's column name carries)."""
        if self.kind == "wt_pct":
            return "wt%"
        return KINDS[self.kind].field.replace("**", "").replace("*", " ")

    @property
    def column(self) -> str:
        """SQL-friendly column name with the field unit, e.g. ``electrolyte_sigma_ref_S_cm``."""
        if self.kind == "wt_pct":
            return self.key.replace(".", "_")
        slug = (
            KINDS[self.kind]
            .field.replace("**", "")
            .replace("*", "_")
            .replace("/", "_")
            .replace(".", "_")
        )
        if slug == "dimensionless":
            return self.key.replace(".", "_")
        return f"{self.key.replace('.', '_')}_{slug}"

    def parse(self, raw: object, name: str) -> float:
        """One value in SI (numbers alone are read in the field unit)."""
        if self.kind == "wt_pct":
            if isinstance(raw, bool) or not isinstance(raw, (int, float)):
                raise NakcellInputError(name, repr(raw), "a number of wt% K between 0 and 100")
            v = float(raw)
            if not (math.isfinite(v) and 0.0 <= v <= 100.0):
                raise NakcellInputError(name, repr(raw), "a number of wt% K between 0 and 100")
            return v
        return parse(raw, self.kind, name=name)

    def to_field(self, si: np.ndarray) -> np.ndarray:
        """SI values -> field units (affine, so computed from two conversions)."""
        x = np.asarray(si, float)
        if self.kind == "wt_pct":
            return x
        if self.kind == "temperature":
            return x - 273.15 if KINDS["temperature"].field == "degC" else x
        return x / parse(1.0, self.kind, name=self.key)  # divide by the SI size of 1 field unit


def parameter_registry() -> dict[str, ParamDef]:
    """Every parameter a spec may vary: the sourced float fields of Cell, Anode, Electrolyte."""
    out: dict[str, ParamDef] = {}
    for prefix, cls in (("", Cell), ("anode.", Anode), ("electrolyte.", Electrolyte)):
        for f in dataclasses.fields(cls):
            md = f.metadata
            if "kind" not in md:
                continue
            out[prefix + f.name] = ParamDef(prefix + f.name, md["kind"], md["lo"], md["hi"])
    out["anode.wt_pct_K"] = ParamDef("anode.wt_pct_K", "wt_pct", 0.0, 100.0)
    out["protocol.current_density"] = ParamDef("protocol.current_density", "current_density")
    return out


@dataclass(frozen=True)
class Axis:
    """One varied parameter: explicit values (grid/list) or an LHS range."""

    param: ParamDef
    values: tuple[float, ...] = ()  # SI, for grid/list
    lo: float = math.nan  # SI, for range
    hi: float = math.nan
    log: bool = False

    @property
    def is_range(self) -> bool:
        return not self.values


@dataclass(frozen=True)
class Model:
    """What a worker needs to evaluate points: base cell, protocol, parameter keys."""

    cell: Cell
    protocol: Protocol
    keys: tuple[str, ...]
    metrics: tuple[str, ...]
    steps_per_half: int = 20
    thermal: bool = False

    def cells(self, rows: np.ndarray) -> tuple[list[Cell], Protocol]:
        """Cells (and the protocol) for rows of SI parameter values, shape (n, len(keys))."""
        cells = [apply_point(self.cell, self.keys, r) for r in rows]
        proto = self.protocol
        if "protocol.current_density" in self.keys:
            j = self.keys.index("protocol.current_density")
            proto = dataclasses.replace(proto, current_density=tuple(float(v) for v in rows[:, j]))
        return cells, proto

    def digest(self) -> str:
        """Hash of everything that makes two equal parameter rows the same simulation."""
        payload = {
            "cell": _plain(self.cell),
            "protocol": {"kind": type(self.protocol).__name__, **_plain(self.protocol)},
            "steps_per_half": self.steps_per_half,
            "thermal": self.thermal,
        }
        if "protocol.current_density" in self.keys:
            payload["protocol"].pop("current_density", None)
        return _sha(payload)


@dataclass(frozen=True)
class SweepSpec:
    """A parsed, validated sweep specification."""

    name: str
    model: Model
    axes: tuple[Axis, ...]
    lhs_n: int = 0
    lhs_seed: int = 0
    batch_size: int = 128
    text: str = field(default="", repr=False)  # the TOML as written (stored in the run table)

    @property
    def params(self) -> tuple[ParamDef, ...]:
        return tuple(a.param for a in self.axes)

    @property
    def n_points(self) -> int:
        n = 1
        for a in self.axes:
            if not a.is_range:
                n *= len(a.values)
        return n * (self.lhs_n if any(a.is_range for a in self.axes) else 1)

    def design(self) -> np.ndarray:
        """All points, shape (n_points, n_params), SI; grid axes vary slowest, LHS fastest."""
        grid_axes = [a for a in self.axes if not a.is_range]
        range_axes = [a for a in self.axes if a.is_range]
        cols = {}
        combos = list(itertools.product(*[a.values for a in grid_axes]))  # [()] when none
        grid = np.array(combos, float).reshape(len(combos), len(grid_axes))
        if range_axes:
            u = latin_hypercube(self.lhs_n, len(range_axes), self.lhs_seed)
            samples = np.empty_like(u)
            for j, a in enumerate(range_axes):
                if a.log:
                    samples[:, j] = np.exp(np.log(a.lo) + u[:, j] * (np.log(a.hi) - np.log(a.lo)))
                else:
                    samples[:, j] = a.lo + u[:, j] * (a.hi - a.lo)
            g = np.repeat(grid, len(samples), axis=0)
            s = np.tile(samples, (len(grid), 1))
        else:
            g, s = grid, np.empty((len(grid), 0))
        for j, a in enumerate(grid_axes):
            cols[a.param.key] = g[:, j]
        for j, a in enumerate(range_axes):
            cols[a.param.key] = s[:, j]
        return np.column_stack([cols[a.param.key] for a in self.axes])

    def point_hashes(self, rows: np.ndarray) -> list[str]:
        """Content hash per point: the model digest plus the exact SI values (float repr)."""
        base = self.model.digest()
        keys = self.model.keys
        out = []
        for r in rows:
            kv = sorted(zip(keys, (float(v) for v in r), strict=True))
            text = base + "|" + ";".join(f"{k}={v!r}" for k, v in kv)
            out.append(hashlib.sha256(text.encode()).hexdigest()[:32])
        return out

    def compat_key(self) -> str:
        """What must match to resume into a store: model, parameter keys, metrics."""
        return _sha(
            {
                "model": self.model.digest(),
                "keys": sorted(self.model.keys),
                "metrics": sorted(self.model.metrics),
            }
        )


# ---------------------------------------------------------------------------- parsing
def load_spec(path: str | Path) -> SweepSpec:
    """Read and validate a sweep spec TOML; errors name the key (exit code 2 in the CLI)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise NakcellFileError(p, "no such file") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise NakcellFileError(p, f"not valid TOML: {exc}") from None
    return parse_spec(data, base_dir=p.parent, text=text, default_name=p.stem)


def parse_spec(
    data: dict[str, Any], *, base_dir: Path | None = None, text: str = "", default_name: str = ""
) -> SweepSpec:
    """Validate a spec mapping (as read from TOML)."""
    for k in data:
        if k not in _TOP_KEYS:
            raise NakcellInputError(k, "an unknown key", f"one of: {', '.join(sorted(_TOP_KEYS))}")
    name = data.get("name", default_name or "sweep")
    if not isinstance(name, str):
        raise NakcellInputError("name", repr(name), "a string")
    cell = _cell(data.get("cell", "seed-nak"), base_dir)
    protocol = _protocol(data.get("protocol"))
    metrics = _metrics(data.get("metrics", list(DEFAULT_METRICS)))
    batch_size = _int(data.get("batch_size", 128), "batch_size", 1)
    steps = _int(data.get("steps_per_half", 20), "steps_per_half", 4)
    thermal = data.get("thermal", False)
    if not isinstance(thermal, bool):
        raise NakcellInputError("thermal", repr(thermal), "true or false")

    raw_params = data.get("parameters")
    if not isinstance(raw_params, dict) or not raw_params:
        raise NakcellInputError(
            "parameters", repr(raw_params), "a table of at least one parameter to vary"
        )
    registry = parameter_registry()
    axes = tuple(_axis(k, v, registry) for k, v in _flatten(raw_params).items())
    keys = tuple(a.param.key for a in axes)
    if "anode.wt_pct_K" in keys and "anode.x_Na" in keys:
        raise NakcellInputError(
            "parameters.anode.wt_pct_K", "together with anode.x_Na", "only one composition key"
        )
    if "protocol.current_density" in keys and not isinstance(protocol, Galvanostatic):
        raise NakcellInputError(
            "parameters.protocol.current_density",
            f"a {type(protocol).__name__} protocol",
            "a galvanostatic protocol (a CCD test sets its own currents)",
        )

    has_range = any(a.is_range for a in axes)
    lhs = data.get("lhs")
    lhs_n = lhs_seed = 0
    if has_range and lhs is None:
        raise NakcellInputError("lhs", "no [lhs] table", "[lhs] n and seed for range parameters")
    if lhs is not None:
        if not has_range:
            raise NakcellInputError("lhs", "an [lhs] table", "a parameter given as a range")
        if not isinstance(lhs, dict):
            raise NakcellInputError("lhs", repr(lhs), "a table with n and seed")
        for k in lhs:
            if k not in ("n", "seed"):
                raise NakcellInputError(f"lhs.{k}", "an unknown key", "n or seed")
        if "seed" not in lhs:
            raise NakcellInputError("lhs.seed", "nothing", "an integer seed (reproducible design)")
        lhs_n = _int(lhs.get("n"), "lhs.n", 1)
        lhs_seed = _int(lhs["seed"], "lhs.seed", 0)

    model = Model(cell, protocol, keys, metrics, steps, thermal)
    spec = SweepSpec(name, model, axes, lhs_n, lhs_seed, batch_size, text)
    _check_values(spec)
    return spec


def _flatten(d: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """``[parameters.electrolyte] sigma_ref = {...}`` and quoted dotted keys alike."""
    out: dict[str, Any] = {}
    for k, v in d.items():
        key = prefix + k
        nested = isinstance(v, dict) and v and not ({"grid", "list", "range"} & set(v))
        if nested and all(isinstance(x, dict) for x in v.values()):
            out.update(_flatten(v, key + "."))
            continue
        out[key] = v
    return out


def _axis(key: str, raw: Any, registry: dict[str, ParamDef]) -> Axis:
    name = f"parameters.{key}"
    if key not in registry:
        raise NakcellInputError(
            name, "an unknown parameter", f"one of: {', '.join(sorted(registry))}"
        )
    p = registry[key]
    if not isinstance(raw, dict):
        raise NakcellInputError(
            name, repr(raw), "a table: {grid = [lo, hi, n]}, {list = [...]} or {range = [lo, hi]}"
        )
    modes = [m for m in ("grid", "list", "range") if m in raw]
    extra = set(raw) - {"grid", "list", "range", "scale"}
    if len(modes) != 1 or extra:
        raise NakcellInputError(
            name, repr(raw), "exactly one of grid, list or range (and optionally scale)"
        )
    mode = modes[0]
    scale = raw.get("scale", "linear")
    if scale not in ("linear", "log"):
        raise NakcellInputError(f"{name}.scale", repr(scale), "'linear' or 'log'")
    if scale == "log" and mode == "list":
        raise NakcellInputError(f"{name}.scale", "'log' with a list", "scale only with grid/range")
    spec = raw[mode]
    where = f"{name}.{mode}"
    if not isinstance(spec, list):
        raise NakcellInputError(where, repr(spec), "an array")
    if mode == "list":
        if not spec:
            raise NakcellInputError(where, "an empty list", "at least one value")
        values = tuple(p.parse(v, f"{where}[{i}]") for i, v in enumerate(spec))
        if len(set(values)) != len(values):
            raise NakcellInputError(where, repr(spec), "distinct values")
        return Axis(p, values)
    want = 3 if mode == "grid" else 2
    if len(spec) != want:
        shape = "[lo, hi, n]" if mode == "grid" else "[lo, hi]"
        raise NakcellInputError(where, repr(spec), f"{shape} ({want} items)")
    lo = p.parse(spec[0], f"{where}[0]")
    hi = p.parse(spec[1], f"{where}[1]")
    if not hi > lo:
        raise NakcellInputError(where, repr(spec), "an increasing range (lo < hi): it is empty")
    if scale == "log" and lo <= 0:
        raise NakcellInputError(where, repr(spec), "positive bounds for scale = 'log'")
    if mode == "range":
        return Axis(p, (), lo, hi, scale == "log")
    n = spec[2]
    if isinstance(n, bool) or not isinstance(n, int) or n < 2:
        raise NakcellInputError(f"{where}[2]", repr(n), "an integer number of points >= 2")
    vals = np.geomspace(lo, hi, n) if scale == "log" else np.linspace(lo, hi, n)
    return Axis(p, tuple(float(v) for v in vals))


def _check_values(spec: SweepSpec) -> None:
    """Build a cell at each axis value (others at base) so bad values fail before the run."""
    m = spec.model
    for j, a in enumerate(spec.axes):
        vals = a.values if a.values else (a.lo, a.hi)
        for v in vals:
            row = np.array([v if i == j else _base_value(m, k) for i, k in enumerate(m.keys)])
            try:
                m.cells(row[None, :])
            except NakcellInputError as exc:
                shown = float(a.param.to_field(np.array(v)))
                raise NakcellInputError(
                    f"parameters.{a.param.key}",
                    f"{shown:.4g} {a.param.unit}",
                    f"a valid value ({exc.expected})",
                ) from None


def _base_value(m: Model, key: str) -> float:
    if key == "anode.wt_pct_K":
        x = m.cell.anode.x_Na
        from nakcell.materials.anodes import x_Na_to_wt_pct_Na

        return 100.0 - float(x_Na_to_wt_pct_Na(x))
    if key == "protocol.current_density":
        return float(np.atleast_1d(m.protocol.current_density)[0])  # type: ignore[union-attr]
    obj: Any = m.cell
    for part in key.split("."):
        obj = getattr(obj, part)
    return float(obj)


def apply_point(base: Cell, keys: Sequence[str], values: Sequence[float]) -> Cell:
    """The base cell with each ``key`` set to its SI value.

    ``anode.wt_pct_K`` sets the Na mole fraction and the work of adhesion by the NaK
    preset's sourced rule (DFT values of the seed, linear in x_Na); an explicit
    ``anode.W_adh`` in the same point wins.
    """
    cell_kw: dict[str, float] = {}
    anode_kw: dict[str, float] = {}
    elec_kw: dict[str, float] = {}
    for k, v in zip(keys, values, strict=True):
        v = float(v)
        if k == "anode.wt_pct_K":
            x = wt_pct_K_to_x_Na(v)
            anode_kw.setdefault("W_adh", _interp_wadh(x))
            anode_kw["x_Na"] = x
        elif k.startswith("anode."):
            anode_kw[k[6:]] = v
        elif k.startswith("electrolyte."):
            elec_kw[k[12:]] = v
        elif k == "protocol.current_density":
            continue
        else:
            cell_kw[k] = v
    if "anode.W_adh" in keys:
        anode_kw["W_adh"] = float(values[list(keys).index("anode.W_adh")])
    changes: dict[str, Any] = dict(cell_kw)
    if anode_kw:
        changes["anode"] = base.anode.replace(**anode_kw)
    if elec_kw:
        changes["electrolyte"] = base.electrolyte.replace(**elec_kw)
    return base.replace(**changes) if changes else base


def latin_hypercube(n: int, d: int, seed: int) -> np.ndarray:
    """n Latin hypercube samples in [0, 1)^d (scipy.stats.qmc, McKay et al. 1979)."""
    from scipy.stats import qmc

    try:
        sampler = qmc.LatinHypercube(d, rng=seed)
    except TypeError:  # scipy < 1.15
        sampler = qmc.LatinHypercube(d, seed=seed)
    return sampler.random(n)


def _cell(raw: Any, base_dir: Path | None) -> Cell:
    if not isinstance(raw, str):
        raise NakcellInputError("cell", repr(raw), "a named cell or a path to a cell .toml")
    if raw.endswith(".toml") and base_dir is not None and not Path(raw).is_absolute():
        raw = str(base_dir / raw)
    return get_cell(raw)


def _protocol(raw: Any) -> Protocol:
    if not isinstance(raw, dict):
        raise NakcellInputError("protocol", repr(raw), "a [protocol] table with kind = 'ccd'")
    d = dict(raw)
    kind = d.pop("kind", None)
    units = {
        "start": "current_density",
        "step": "current_density",
        "stop": "current_density",
        "current_density": "current_density",
        "half_cycle": "time",
        "duration": "time",
        "v_limit": "voltage",
    }
    if kind == "ccd":
        cls: type = SteppedCCD
        allowed = ("start", "step", "stop", "half_cycle", "cycles_per_step", "v_limit")
        required = ("start", "step", "stop", "half_cycle")
    elif kind == "galvanostatic":
        cls = Galvanostatic
        allowed = ("current_density", "half_cycle", "duration", "v_limit")
        required = ("half_cycle", "duration")
    else:
        raise NakcellInputError("protocol.kind", repr(kind), "'ccd' or 'galvanostatic'")
    kw: dict[str, Any] = {}
    for k, v in d.items():
        if k not in allowed:
            raise NakcellInputError(f"protocol.{k}", "an unknown key", f"one of {allowed}")
        if k == "cycles_per_step":
            kw[k] = _int(v, "protocol.cycles_per_step", 1)
        else:
            default = {"time": "h", "voltage": "V"}.get(units[k])
            kw[k] = parse(v, units[k], name=f"protocol.{k}", default_unit=default)
    for k in required:
        if k not in kw:
            raise NakcellInputError(f"protocol.{k}", "nothing", "a value (required)")
    if cls is Galvanostatic:
        kw.setdefault("current_density", 10.0)  # placeholder when swept; checked in parse_spec
    try:
        return cls(**kw)
    except NakcellInputError as exc:
        raise NakcellInputError(f"protocol.{exc.parameter}", exc.got, exc.expected) from None


def _metrics(raw: Any) -> tuple[str, ...]:
    if not isinstance(raw, list) or not raw:
        raise NakcellInputError("metrics", repr(raw), "a non-empty array of metric names")
    for m in raw:
        if m not in METRICS:
            raise NakcellInputError(
                f"metrics: {m!r}", "an unknown metric", f"one of {list(METRICS)}"
            )
    if len(set(raw)) != len(raw):
        raise NakcellInputError("metrics", repr(raw), "distinct metric names")
    return tuple(raw)


def _int(v: Any, name: str, lo: int) -> int:
    if isinstance(v, bool) or not isinstance(v, int) or v < lo:
        raise NakcellInputError(name, repr(v), f"an integer >= {lo}")
    return v


def _plain(obj: Any) -> Any:
    """Dataclass -> JSON-able dict (source notes dropped: they do not change the physics)."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {
            f.name: _plain(getattr(obj, f.name))
            for f in dataclasses.fields(obj)
            if f.name != "source_notes"
        }
    if isinstance(obj, (list, tuple)):
        return [_plain(v) for v in obj]
    if isinstance(obj, float):
        return repr(obj)
    return obj


def _sha(payload: Any) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
