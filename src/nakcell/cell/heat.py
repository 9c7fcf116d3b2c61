"""Joule heating at the seed's high currents: isothermal and lumped-thermal runs side by side.

The lumped model (``simulate_symmetric(..., thermal=True)``): C dT/dt = |i (V - E_eq)| -
2 h (T - T_amb), C = rho c_p L of the pellet, free convection h from both faces (docs/physics.md).
At 25-65 mA/cm2 a Na-K cell dissipates tens to hundreds of mW/cm2, so the pellet warms and its
resistance falls: this function shows by how much, for each current, next to the isothermal
answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from nakcell.cell.symmetric import simulate_symmetric
from nakcell.materials.cells import Cell
from nakcell.protocols import Galvanostatic

SEED_HIGH_CURRENTS_MA_CM2 = (25.0, 40.0, 65.0)  # seed Fig 5a, 5b, 5d


def joule_side_by_side(
    cell: Cell,
    currents_mA_cm2: Sequence[float] = SEED_HIGH_CURRENTS_MA_CM2,
    *,
    half_cycle_h: float | None = None,
    cycles: int = 5,
    steps_per_half: int = 60,
) -> list[dict[str, Any]]:
    """One row per current: isothermal vs Joule-heated mean |V|, heat flux and temperature.

    Keys (field units): ``current_density_mA_cm2``, ``overpotential_isothermal_mV``,
    ``overpotential_thermal_mV``, ``heat_flux_mW_cm2`` (|i V| of the isothermal run),
    ``temperature_rise_K`` (highest in the heated run), ``steady_rise_K`` (the lumped
    steady state |i V| / (2 h) of the heated run's last voltage), ``stopped_isothermal``,
    ``stopped_thermal``. ``half_cycle_h`` None: half of what the loading holds at each current
    (:meth:`nakcell.materials.Cell.alloy_capacity`), at most 0.5 h.
    """
    rows = []
    for c_ma in currents_mA_cm2:
        ik = float(c_ma) * 10.0
        half = (
            half_cycle_h * 3600.0 if half_cycle_h else min(1800.0, 0.5 * cell.alloy_capacity() / ik)
        )
        proto = Galvanostatic(ik, half, 2 * cycles * half)
        iso = simulate_symmetric(cell, proto, steps_per_half=steps_per_half)
        hot = simulate_symmetric(cell, proto, steps_per_half=steps_per_half, thermal=True)
        k = 0
        v_last = hot.voltage[:, k][np.isfinite(hot.voltage[:, k])]
        dT = float(np.max(hot.temperature[:, k]) - cell.temperature)
        rows.append(
            {
                "current_density_mA_cm2": ik / 10.0,
                "overpotential_isothermal_mV": _mv(iso.overpotential[k]),
                "overpotential_thermal_mV": _mv(hot.overpotential[k]),
                "heat_flux_mW_cm2": _mv(iso.overpotential[k] * ik / 10.0) / 1e3
                if np.isfinite(iso.overpotential[k])
                else None,
                "half_cycle_h": half / 3600.0,
                "temperature_rise_K": dT,
                "steady_rise_K": float(abs(ik * v_last[-1]) / (2 * cell.heat_transfer))
                if v_last.size
                else None,
                "stopped_isothermal": iso.stop_reason[k] or None,
                "stopped_thermal": hot.stop_reason[k] or None,
            }
        )
    return rows


def _mv(v: float) -> float | None:
    return float(v) * 1e3 if np.isfinite(v) else None
