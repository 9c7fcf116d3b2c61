"""Helpers shared by the CLI modules: JSON output in field units."""

from __future__ import annotations

import json
import math
from typing import Any


def _clean(obj: Any) -> Any:
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {str(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean(v) for v in obj]
    if hasattr(obj, "item") and callable(obj.item):  # numpy scalar
        return _clean(obj.item())
    return obj


def dumps(obj: Any) -> str:
    """JSON with NaN/inf turned into null and numpy scalars into Python numbers."""
    return json.dumps(_clean(obj), indent=2)
