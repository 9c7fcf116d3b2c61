"""Where nakcell keeps results worth keeping between runs (phase diagrams, atomistic runs).

One variable sets it: ``NAKCELL_CACHE`` (default ``$XDG_CACHE_HOME/nakcell`` or
``~/.cache/nakcell``). Each subsystem uses its own file names or subfolder inside.
"""

from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "NAKCELL_CACHE"


def cache_root() -> Path:
    """The cache folder (not created here; writers create it on first write)."""
    root = os.environ.get(ENV_VAR)
    if root:
        return Path(root)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "nakcell"
