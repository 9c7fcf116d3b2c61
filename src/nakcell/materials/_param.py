"""Sourced parameters: every default value carries its unit and its source.

A material is a frozen dataclass whose float fields are declared with :func:`param`, which
stores (kind, SI unit, source, bounds) in the field's metadata. ``__post_init__`` of
:class:`Sourced` validates every value against its bounds and names the field on failure.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any

from nakcell.errors import NakcellInputError
from nakcell.units import KINDS, parse, to_field


def param(
    default: float,
    kind: str,
    source: str,
    *,
    lo: float | None = None,
    hi: float | None = None,
    lo_open: bool = False,
) -> Any:
    """Declare a sourced SI parameter (a dataclass field with metadata)."""
    return field(
        default=default,
        metadata={"kind": kind, "source": source, "lo": lo, "hi": hi, "lo_open": lo_open},
    )


@dataclass(frozen=True)
class Sourced:
    """Base of every parameter set: validates values, lists sources, loads field units.

    ``source_notes`` holds per-instance sources for values that a named preset sets
    (e.g. the seed's conductivity), overriding the class default's source.
    """

    source_notes: tuple[tuple[str, str], ...] = field(default=(), repr=False, compare=False)

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            if "kind" not in f.metadata:
                continue
            v = getattr(self, f.name)
            md = f.metadata
            label = f"{type(self).__name__}.{f.name}"
            unit = KINDS[md["kind"]].field
            if not isinstance(v, (int, float)) or isinstance(v, bool) or not math.isfinite(v):
                raise NakcellInputError(label, repr(v), f"a finite number ({unit})")
            lo, hi = md["lo"], md["hi"]
            if lo is not None and (v < lo or (md["lo_open"] and v == lo)):
                op = ">" if md["lo_open"] else ">="
                raise NakcellInputError(
                    label, _show(v, md["kind"]), f"a value {op} {_show(lo, md['kind'])}"
                )
            if hi is not None and v > hi:
                raise NakcellInputError(
                    label, _show(v, md["kind"]), f"a value <= {_show(hi, md['kind'])}"
                )

    def sources(self) -> list[dict[str, Any]]:
        """Every parameter with its value in field units, unit and source (for reports)."""
        out: list[dict[str, Any]] = []
        for f in dataclasses.fields(self):
            if "kind" not in f.metadata:
                continue
            kind = f.metadata["kind"]
            out.append(
                {
                    "parameter": f"{type(self).__name__}.{f.name}",
                    "value": to_field(getattr(self, f.name), kind),
                    "unit": KINDS[kind].field.replace("**", "").replace("*", " "),
                    "source": dict(self.source_notes).get(f.name, f.metadata["source"]),
                }
            )
        return out

    def with_source(self, name: str, source: str) -> Any:
        """A copy recording ``source`` for field ``name`` (used by named presets)."""
        notes = (*tuple((k, v) for k, v in self.source_notes if k != name), (name, source))
        return dataclasses.replace(self, source_notes=notes)

    def source_of(self, name: str) -> str:
        """The source of field ``name``."""
        f = {f.name: f for f in dataclasses.fields(self)}[name]
        return dict(self.source_notes).get(name, f.metadata.get("source", ""))

    def replace(self, **changes: Any) -> Any:
        """A copy with some fields changed (validated again)."""
        return dataclasses.replace(self, **changes)


def _show(v: float, kind: str) -> str:
    k = KINDS[kind]
    return f"{to_field(v, kind):.4g} {k.field.replace('**', '').replace('*', ' ')}"


def from_mapping(cls: type, data: dict[str, Any], *, where: str, base: Any = None) -> Any:
    """Build ``cls`` from a mapping of field -> value (numbers in field units or unit strings).

    Unknown keys and wrong units are errors naming ``where.key``.
    """
    fields = {f.name: f for f in dataclasses.fields(cls)}
    kwargs: dict[str, Any] = {}
    for key, raw in data.items():
        if key not in fields:
            known = ", ".join(sorted(fields))
            raise NakcellInputError(f"{where}.{key}", "an unknown key", f"one of: {known}")
        f = fields[key]
        if "kind" in f.metadata:
            kwargs[key] = parse(raw, f.metadata["kind"], name=f"{where}.{key}")
        else:
            kwargs[key] = raw
    try:
        obj = dataclasses.replace(base, **kwargs) if base is not None else cls(**kwargs)
        for key in kwargs:  # a value the user set carries that as its source, not the default's
            if "kind" in fields[key].metadata:
                obj = obj.with_source(key, f"user input: {where}.{key} = {data[key]!r}")
        return obj
    except NakcellInputError as exc:  # re-label "Class.field" as the user's "where.field"
        key = exc.parameter.split(".", 1)[-1]
        raise NakcellInputError(f"{where}.{key}", exc.got, exc.expected) from None
