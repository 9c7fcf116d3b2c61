"""Import PyBaMM with its telemetry off: nothing nakcell runs may reach the network."""

from __future__ import annotations

import os
from typing import Any


def disable_telemetry() -> Any:
    """Set ``PYBAMM_DISABLE_TELEMETRY`` before PyBaMM is imported, disable it after; return pybamm.

    PyBaMM reads the variable when it is imported (``pybamm.config``) and would otherwise send
    usage events to PostHog; ``pybamm.telemetry.disable()`` covers an already-imported PyBaMM.
    """
    os.environ["PYBAMM_DISABLE_TELEMETRY"] = "true"
    import pybamm

    pybamm.telemetry.disable()
    return pybamm
