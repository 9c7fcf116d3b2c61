"""Alloy systems are data: one TDB file per binary in ``nakcell/thermo/data`` named ``Na-X.tdb``.

Adding Na-Cs, Na-Rb or K-Cs means dropping ``Na-Cs.tdb`` (etc.) there: nothing else changes.
Compositions ``x`` in this package are mole fractions of the *first* element of the system name
(``x_Na`` for ``Na-K``).
"""

from __future__ import annotations

import functools
from pathlib import Path

from nakcell.errors import NakcellInputError
from nakcell.thermo.model import BinaryModel
from nakcell.thermo.tdb import TDB, read_tdb

DATA_DIR = Path(__file__).with_name("data")

# IUPAC standard atomic weights (g/mol), Pure Appl. Chem. 88 (2016) 265 (abridged values)
MOLAR_MASS_G_MOL: dict[str, float] = {"NA": 22.98977, "K": 39.0983, "RB": 85.4678, "CS": 132.90545}


def available() -> list[str]:
    """System names with a shipped TDB, e.g. ``['Na-K']``."""
    return sorted(p.stem for p in DATA_DIR.glob("*.tdb"))


def normalise(system: str) -> tuple[str, str, str]:
    """'na-k' / 'Na-K' / 'NaK' -> ('Na-K', 'NA', 'K'); unknown systems raise NakcellInputError."""
    text = str(system).strip()
    names = {s.lower().replace("-", ""): s for s in available()}
    key = text.lower().replace("-", "").replace(" ", "")
    if key not in names:
        raise NakcellInputError("system", repr(system), f"one of {', '.join(available())}")
    name = names[key]
    first, second = name.split("-")
    return name, first.upper(), second.upper()


@functools.cache
def database(system: str) -> TDB:
    name, _, _ = normalise(system)
    return read_tdb(DATA_DIR / f"{name}.tdb")


@functools.cache
def model(system: str = "Na-K") -> BinaryModel:
    """The numpy model of ``system``; ``x`` is the mole fraction of its first element."""
    name, first, second = normalise(system)
    return BinaryModel(database(name), (second, first))


def tdb_path(system: str) -> Path:
    return DATA_DIR / f"{normalise(system)[0]}.tdb"
