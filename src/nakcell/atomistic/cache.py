"""Result cache keyed by a structure hash, so a repeated request is instant.

One small JSON file per result under ``$NAKCELL_CACHE/atomistic`` (default
``$XDG_CACHE_HOME/nakcell/atomistic`` or ``~/.cache/nakcell/atomistic``; see
:mod:`nakcell.cache`). The key hashes the
atomic numbers, positions and cell (rounded to 1e-5 A), periodicity, fixed atoms, the model label
and the task parameters, so a change to any of them is a new entry. Writes are atomic (temp file
and rename); a corrupt entry is ignored and recomputed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
from ase import Atoms

from nakcell.cache import cache_root

_CACHE_ONLY = False


class CacheMissError(Exception):
    """Raised in :func:`cache_only` mode when a relaxation is not in the cache."""


@contextlib.contextmanager
def cache_only() -> Iterator[None]:
    """Within this block, relaxations come from the cache or raise :class:`CacheMissError`
    (used by ``nakcell reproduce`` to pick up earlier relaxed results without computing)."""
    global _CACHE_ONLY
    old, _CACHE_ONLY = _CACHE_ONLY, True
    try:
        yield
    finally:
        _CACHE_ONLY = old


def only_cached() -> bool:
    return _CACHE_ONLY


def cache_dir() -> Path:
    """Folder of the atomistic cache (created on first write)."""
    return cache_root() / "atomistic"


def structure_key(atoms: Atoms, **params: Any) -> str:
    """SHA-256 of the structure (rounded to 1e-5 A) and the task parameters."""
    fixed: list[int] = []
    for c in atoms.constraints:
        idx = getattr(c, "index", None)
        if idx is not None:
            fixed.extend(int(i) for i in np.atleast_1d(idx))
    payload = {
        "numbers": atoms.numbers.tolist(),
        "positions": np.round(atoms.positions, 5).tolist(),
        "cell": np.round(np.asarray(atoms.cell), 5).tolist(),
        "pbc": [bool(p) for p in atoms.pbc],
        "fixed": sorted(fixed),
        "params": params,
    }
    text = json.dumps(payload, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def load(key: str) -> dict[str, Any] | None:
    path = cache_dir() / f"{key}.json"
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def store(key: str, value: dict[str, Any]) -> None:
    folder = cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
    with os.fdopen(fd, "w") as fh:
        json.dump(value, fh)
    os.replace(tmp, folder / f"{key}.json")
