"""What the data say: cycle metrics (full and half cells), symmetric-cell metrics
(overpotential, hysteresis, ASR, short detection, CCD), protocol extraction and
measured-vs-simulated comparison."""

from __future__ import annotations

from nakcell.analysis.cycles import cell_kind, cycle_metrics, step_summary
from nakcell.analysis.symmetric import (
    ShortEvent,
    critical_current_density,
    detect_short,
    half_cycle_metrics,
    symmetric_cycle_metrics,
)

__all__ = [
    "ShortEvent",
    "cell_kind",
    "critical_current_density",
    "cycle_metrics",
    "detect_short",
    "half_cycle_metrics",
    "step_summary",
    "symmetric_cycle_metrics",
]
