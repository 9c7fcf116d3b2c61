"""A minimal reader for the TDB subset nakcell ships (FUNCTION / PARAMETER / PHASE / CONSTITUENT).

pycalphad reads the same files for full equilibria; this reader exists so that the cell model
can evaluate Gibbs energies and the Na activity of the liquid with plain numpy every time step,
without importing pycalphad. Expressions are parsed with :mod:`ast` and only arithmetic, ``T``,
``LN``/``LOG``/``EXP`` and references to other FUNCTIONs are allowed.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from nakcell.errors import NakcellFileError

Array = np.ndarray
_ALLOWED = (
    ast.Expression,
    ast.BinOp,
    ast.UnaryOp,
    ast.Call,
    ast.Name,
    ast.Load,
    ast.Constant,
    ast.Add,
    ast.Sub,
    ast.Mult,
    ast.Div,
    ast.Pow,
    ast.USub,
    ast.UAdd,
)


@dataclass(frozen=True)
class Piecewise:
    """A temperature-piecewise expression: ``exprs[i]`` holds for ``bounds[i] <= T < bounds[i+1]``.

    Outside the stated range the nearest piece is extrapolated (as Thermo-Calc and pycalphad
    do for the low end of SGTE data, which starts at 200 K for Na and K).
    """

    bounds: tuple[float, ...]
    exprs: tuple[str, ...]

    def compile(self, env: dict[str, Callable[[Array], Array]]) -> Callable[[Array], Array]:
        codes = [compile(_check(e), "<tdb>", "eval") for e in self.exprs]
        inner = np.asarray(self.bounds[1:-1], dtype=float)
        refs = {k: v for k, v in env.items() if k in _names(self)}

        def f(T: Array) -> Array:
            T = np.asarray(T, dtype=float)
            ns: dict[str, object] = {"T": T, "LN": np.log, "LOG": np.log, "EXP": np.exp}
            ns.update({k: v(T) for k, v in refs.items()})
            if len(codes) == 1:
                return np.asarray(eval(codes[0], {"__builtins__": {}}, ns), dtype=float)
            idx = np.searchsorted(inner, T, side="right")
            out = np.empty(np.broadcast(T).shape)
            for i, code in enumerate(codes):
                mask = idx == i
                if np.any(mask):
                    val = np.broadcast_to(eval(code, {"__builtins__": {}}, ns), out.shape)
                    out[mask] = val[mask]
            return out

        return f


def _names(p: Piecewise) -> set[str]:
    out: set[str] = set()
    for e in p.exprs:
        out |= {n.id for n in ast.walk(ast.parse(_py(e), mode="eval")) if isinstance(n, ast.Name)}
    return out


def _py(expr: str) -> str:
    e = expr.replace("#", "").strip()
    e = re.sub(r"(?<![A-Za-z_])LN\(", "LN(", e, flags=re.IGNORECASE)
    return e or "0"


def _check(expr: str) -> str:
    e = _py(expr)
    tree = ast.parse(e, mode="eval")
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED):
            raise ValueError(f"TDB expression has a disallowed element {type(node).__name__}: {e}")
    return e


@dataclass
class Parameter:
    """One ``PARAMETER`` line: type (G or L), phase, constituents per sublattice, order."""

    kind: str
    phase: str
    constituents: tuple[tuple[str, ...], ...]
    order: int
    value: Piecewise


@dataclass
class Phase:
    name: str
    sites: tuple[float, ...]
    constituents: tuple[tuple[str, ...], ...] = ()


@dataclass
class TDB:
    """The parsed content of a TDB file: functions, phases and parameters."""

    path: Path
    elements: dict[str, float] = field(default_factory=dict)  # symbol -> molar mass (g/mol)
    functions: dict[str, Piecewise] = field(default_factory=dict)
    phases: dict[str, Phase] = field(default_factory=dict)
    parameters: list[Parameter] = field(default_factory=list)
    _compiled: dict[str, Callable[[Array], Array]] = field(default_factory=dict, repr=False)

    def function(self, name: str) -> Callable[[Array], Array]:
        """A numpy callable f(T) for FUNCTION ``name`` (references resolved)."""
        name = name.upper()
        if name not in self._compiled:
            pw = self.functions[name]
            env = {n: self.function(n) for n in _names(pw) if n in self.functions}
            self._compiled[name] = pw.compile(env)
        return self._compiled[name]

    def value(self, p: Parameter) -> Callable[[Array], Array]:
        env = {n: self.function(n) for n in _names(p.value) if n in self.functions}
        return p.value.compile(env)

    def find(
        self, kind: str, phase: str, constituents: tuple[tuple[str, ...], ...]
    ) -> list[Parameter]:
        """Parameters of ``kind`` in ``phase`` whose constituent array matches (any order)."""
        want = tuple(frozenset(c) for c in constituents)
        return [
            p
            for p in self.parameters
            if p.kind == kind
            and p.phase == phase
            and tuple(frozenset(c) for c in p.constituents) == want
        ]


def read_tdb(path: str | Path) -> TDB:
    """Parse the TDB subset used by nakcell's shipped databases."""
    path = Path(path)
    try:
        text = path.read_text()
    except OSError as exc:
        raise NakcellFileError(path, f"cannot read TDB: {exc}") from exc
    return parse_tdb(text, path)


def parse_tdb(text: str, path: str | Path = "<string>") -> TDB:
    """Parse TDB text (``path`` is only used in error messages)."""
    path = Path(path)
    db = TDB(path=path)
    lines = [ln for ln in text.splitlines() if not ln.lstrip().startswith("$")]
    for n_cmd, cmd in enumerate(" ".join(lines).split("!")):
        words = cmd.split()
        if not words:
            continue
        key = words[0].upper()
        try:
            if key == "ELEMENT":
                db.elements[words[1].upper()] = float(words[3])
            elif key == "FUNCTION":
                db.functions[words[1].upper()] = _piecewise(" ".join(words[2:]))
            elif key == "PHASE":
                name = words[1].split(":")[0].upper()
                nsub = int(words[3])
                db.phases[name] = Phase(name, tuple(float(w) for w in words[4 : 4 + nsub]))
            elif key in ("CONSTITUENT", "CONST"):
                name = words[1].split(":")[0].upper()
                subl = [s for s in cmd.split(None, 2)[2].split(":") if s.strip()]
                db.phases[name].constituents = tuple(
                    tuple(c.strip().rstrip("%").upper() for c in s.split(",") if c.strip())
                    for s in subl
                )
            elif key == "PARAMETER":
                db.parameters.append(_parameter(cmd))
        except (IndexError, ValueError, KeyError) as exc:
            raise NakcellFileError(
                path, f"cannot parse '{key}' command: {exc}", f"command {n_cmd}"
            ) from exc
    return db


_PARAM = re.compile(
    r"PARAMETER\s+([GL])\(\s*([A-Z0-9_]+)\s*,\s*([^;]+);\s*(\d+)\s*\)(.*)", re.I | re.S
)


def _parameter(cmd: str) -> Parameter:
    m = _PARAM.search(cmd.strip())
    if not m:
        raise ValueError(f"bad PARAMETER: {cmd.strip()[:60]}")
    kind, phase, const, order, rest = m.groups()
    constituents = tuple(
        tuple(c.strip().upper() for c in sub.split(",")) for sub in const.split(":")
    )
    return Parameter(kind.upper(), phase.upper(), constituents, int(order), _piecewise(rest))


def _piecewise(body: str) -> Piecewise:
    """'Tlo expr; Thi Y expr; Thi N [ref]' -> Piecewise."""
    parts = body.strip().split(";")
    t_lo = float(parts[0].split()[0])
    first = parts[0].split(None, 1)[1] if len(parts[0].split(None, 1)) > 1 else "0"
    bounds = [t_lo]
    exprs = [first]
    for part in parts[1:]:
        toks = part.split(None, 2)
        if not toks:
            continue
        bounds.append(float(toks[0]))
        if len(toks) > 1 and toks[1].upper() == "Y":
            exprs.append(toks[2] if len(toks) > 2 else "0")
        else:
            break
    if len(bounds) != len(exprs) + 1:
        raise ValueError(f"unbalanced temperature ranges in '{body.strip()[:60]}'")
    return Piecewise(tuple(bounds), tuple(exprs))
