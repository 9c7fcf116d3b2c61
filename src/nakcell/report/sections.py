"""The registry of report sections.

A section is ``run(ctx) -> SectionResult`` plus a template block. To add one (a physics
verdict, a calibration), write the run function, a template ``templates/sections/<id>.html.j2``
that reads ``sec.data`` / ``sec.figures``, and register it::

    from nakcell.report.sections import register

    @register("calibration", "Calibration", after="full_cell")
    def calibration(ctx: Context) -> SectionResult:
        ...
        return SectionResult({"posterior": ...}, claims=[...], figures={...})

Its data lands in ``results.json`` under ``sections.<id>`` (or at the top level for sections
registered with ``top_level=True``), its claims in the claims table, in registry order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from nakcell.report.model import Context, SectionResult

Runner = Callable[[Context], SectionResult]


@dataclass(frozen=True)
class Section:
    """One registered section: ``id`` names its template and its key in results.json."""

    id: str
    title: str
    run: Runner
    top_level: bool = False  # merge data into results.json's top level (legacy keys)

    @property
    def template(self) -> str:
        return f"sections/{self.id}.html.j2"


SECTIONS: list[Section] = []


def register(
    id: str, title: str, *, after: str | None = None, top_level: bool = False
) -> Callable[[Runner], Runner]:
    """Decorator: add ``run`` as a section (at the end, or right after section ``after``)."""

    def deco(run: Runner) -> Runner:
        sec = Section(id, title, run, top_level)
        SECTIONS[:] = [s for s in SECTIONS if s.id != id]
        ids = [s.id for s in SECTIONS]
        pos = ids.index(after) + 1 if after in ids else len(SECTIONS)
        SECTIONS.insert(pos, sec)
        return run

    return deco


def load_builtin() -> list[Section]:
    """Import the built-in section modules (they register themselves); return the registry."""
    import importlib

    for name in BUILTIN:
        importlib.import_module(f"nakcell.report.{name}")
    return SECTIONS


#: built-in section modules, in report order (symmetric cells; thermo, EIS, atomistic, tester
#: data, literature map; full cells)
BUILTIN = ("symmetric", "diagnosis", "extras", "full", "calibration")
