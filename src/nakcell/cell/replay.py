"""Replay a protocol read from tester data on a named cell model (``nakcell data compare``).

The measured steps (constant current or rest, in A) become a :class:`StepSequence` of current
densities over the model cell's electrode area; the symmetric-cell engine runs it. Voltage
holds are refused: the symmetric-cell model is galvanostatic.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nakcell.errors import NakcellInputError


def simulate_data_protocol(
    cell_name: str, protocol: Any, *, steps_per_half: int = 20
) -> tuple[np.ndarray, np.ndarray]:
    """(time_s, voltage_V) of cell ``cell_name`` (named or .toml) under a measured protocol.

    ``protocol`` is :class:`nakcell.analysis.compare.Protocol` (steps with ``kind``,
    ``current_A``, ``duration_s``; + current = charge = the left electrode stripped).
    """
    from nakcell.cell.symmetric import simulate_symmetric
    from nakcell.materials import get_cell
    from nakcell.protocols import StepSequence

    cell = get_cell(cell_name)
    durations: list[float] = []
    currents: list[float] = []
    for k, st in enumerate(protocol.steps, start=1):
        if st.duration_s <= 0:
            continue
        if st.kind not in ("cc", "rest"):
            raise NakcellInputError(
                f"protocol step {k}",
                repr(st.describe()),
                "constant-current or rest steps (the symmetric-cell model has no voltage control)",
            )
        durations.append(float(st.duration_s))
        currents.append(0.0 if st.kind == "rest" else float(st.current_A) / cell.area)
    if not durations:
        raise NakcellInputError("protocol", "no steps", "at least one step read from the data")
    seq = StepSequence(tuple(durations), tuple(currents), v_limit=1e3)
    res = simulate_symmetric(cell, seq, steps_per_half=steps_per_half, max_points=20000)
    return res.t, res.voltage[:, 0]
