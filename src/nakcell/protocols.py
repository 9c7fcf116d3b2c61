"""Test protocols as data: what the cell tester does, in the words its users write.

A symmetric-cell protocol is a sequence of constant-current segments: ``segments(n)`` gives
their durations (s) and signed current densities (A/m2, one column per cell of the batch;
``+`` strips the left electrode). Galvanostatic and stepped-CCD tests are equal half-cycles of
alternating sign; :class:`StepSequence` replays any sequence (e.g. read from tester data).
All values SI.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from nakcell.errors import NakcellInputError
from nakcell.units import to_field


def _positive(name: str, value: float, kind: str) -> None:
    if not (isinstance(value, (int, float)) and math.isfinite(value) and value > 0):
        unit = {"current_density": "mA/cm2", "time": "h"}.get(kind, "")
        shown = to_field(value, kind) if isinstance(value, (int, float)) else value
        raise NakcellInputError(name, f"{shown} {unit}".strip(), f"a positive {kind} ({unit})")


@dataclass(frozen=True)
class Galvanostatic:
    """Galvanostatic plating/stripping: +I for half_cycle, -I for half_cycle, ... for duration.

    ``current_density`` may be one value or one per cell (A/m2). ``v_limit`` is the tester's
    voltage safety limit (V): a cell whose |V| exceeds it is stopped.
    """

    current_density: float | tuple[float, ...]
    half_cycle: float
    duration: float
    v_limit: float = 5.0

    def __post_init__(self) -> None:
        for i in np.atleast_1d(self.current_density):
            _positive("current_density", float(i), "current_density")
        _positive("half_cycle", self.half_cycle, "time")
        _positive("duration", self.duration, "time")
        _positive("v_limit", self.v_limit, "voltage")

    @property
    def n_halfcycles(self) -> int:
        return max(1, math.ceil(self.duration / self.half_cycle - 1e-9))

    def magnitudes(self, n: int) -> np.ndarray:
        """(n_halfcycles, n) current-density magnitudes."""
        i = np.broadcast_to(np.atleast_1d(np.asarray(self.current_density, float)), (n,))
        return np.broadcast_to(i, (self.n_halfcycles, n)).copy()

    @property
    def batch_size(self) -> int:
        return int(np.size(self.current_density))

    def segments(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        """(durations (n_seg,), signed current densities (n_seg, n)); last one cut at duration."""
        return _alternating(self.magnitudes(n), self.half_cycle, self.duration)

    def whole_halves(self, seg_dur: np.ndarray) -> np.ndarray:
        """Which segments are whole half-cycles (the last one may be cut by the duration)."""
        return np.isclose(seg_dur, self.half_cycle)


@dataclass(frozen=True)
class SteppedCCD:
    """Stepped-current critical-current-density test.

    Starts at ``start`` and raises the current by ``step`` after ``cycles_per_step`` full
    cycles (2 half-cycles each) until ``stop``. Each half-cycle lasts ``half_cycle`` (s), or,
    with ``capacity`` (C/m2 per half-cycle, as most papers give it in mAh/cm2), capacity / i
    at each level. The CCD is the highest current completed without short circuit or
    voltage-limit stop; a run that ends because an electrode runs out of Na has no CCD.
    """

    start: float
    step: float
    half_cycle: float
    stop: float
    cycles_per_step: int = 1
    v_limit: float = 5.0
    capacity: float | None = None

    def __post_init__(self) -> None:
        _positive("start", self.start, "current_density")
        _positive("step", self.step, "current_density")
        _positive("half_cycle", self.half_cycle, "time")
        _positive("stop", self.stop, "current_density")
        if self.stop < self.start:
            raise NakcellInputError(
                "stop",
                to_field(self.stop, "current_density"),
                "a stop current >= the start current",
            )
        if not isinstance(self.cycles_per_step, int) or self.cycles_per_step < 1:
            raise NakcellInputError("cycles_per_step", self.cycles_per_step, "an integer >= 1")
        if self.capacity is not None and not (math.isfinite(self.capacity) and self.capacity > 0):
            raise NakcellInputError(
                "capacity", f"{self.capacity / 3.6e4:g} mAh/cm2", "a positive areal capacity"
            )

    @classmethod
    def fixed_capacity(
        cls,
        start: float,
        step: float,
        stop: float,
        capacity: float,
        cycles_per_step: int = 1,
        v_limit: float = 5.0,
    ) -> SteppedCCD:
        """Steps of fixed areal capacity (C/m2 per half-cycle) instead of fixed time."""
        return cls(start, step, capacity / start, stop, cycles_per_step, v_limit, capacity)

    def half_cycles(self) -> np.ndarray:
        """Duration (s) of each half-cycle."""
        lv = np.repeat(self.levels, 2 * self.cycles_per_step)
        if self.capacity is None:
            return np.full(lv.size, self.half_cycle)
        return self.capacity / lv

    def whole_halves(self, seg_dur: np.ndarray) -> np.ndarray:
        return np.ones(seg_dur.size, bool)

    @property
    def levels(self) -> np.ndarray:
        n = math.floor((self.stop - self.start) / self.step + 1e-9) + 1
        return self.start + self.step * np.arange(n)

    @property
    def n_halfcycles(self) -> int:
        return len(self.levels) * 2 * self.cycles_per_step

    @property
    def duration(self) -> float:
        return float(self.half_cycles().sum())

    def magnitudes(self, n: int) -> np.ndarray:
        lv = np.repeat(self.levels, 2 * self.cycles_per_step)
        return np.broadcast_to(lv[:, None], (lv.size, n)).copy()

    @property
    def batch_size(self) -> int:
        return 1

    def segments(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        mags = self.magnitudes(n)
        sign = np.where(np.arange(mags.shape[0]) % 2 == 0, 1.0, -1.0)[:, None]
        return self.half_cycles(), mags * sign


@dataclass(frozen=True)
class StepSequence:
    """Any sequence of constant-current (or rest) segments, e.g. replayed from tester data.

    ``durations`` in s, ``current_densities`` signed in A/m2 (+ strips the left electrode,
    0 is a rest). ``half_cycle`` (for the time step) is the median non-zero duration.
    """

    durations: tuple[float, ...]
    current_densities: tuple[float, ...]
    v_limit: float = 5.0

    def __post_init__(self) -> None:
        if len(self.durations) != len(self.current_densities) or not self.durations:
            raise NakcellInputError(
                "steps",
                f"{len(self.durations)} durations, {len(self.current_densities)} currents",
                "equal, non-zero numbers of durations and currents",
            )
        for k, d in enumerate(self.durations):
            _positive(f"steps[{k}].duration", d, "time")
        for k, i in enumerate(self.current_densities):
            if not math.isfinite(i):
                raise NakcellInputError(f"steps[{k}].current", i, "a finite current density")
        _positive("v_limit", self.v_limit, "voltage")

    @property
    def half_cycle(self) -> float:
        return float(np.median(self.durations))

    @property
    def n_halfcycles(self) -> int:
        return len(self.durations)

    @property
    def duration(self) -> float:
        return float(sum(self.durations))

    @property
    def batch_size(self) -> int:
        return 1

    def whole_halves(self, seg_dur: np.ndarray) -> np.ndarray:
        """Segments are stepped by their own length (none is a nominal half-cycle)."""
        return np.zeros(seg_dur.size, bool)

    def magnitudes(self, n: int) -> np.ndarray:
        return np.abs(self.segments(n)[1])

    def segments(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        i = np.asarray(self.current_densities, float)
        return np.asarray(self.durations, float), np.broadcast_to(i[:, None], (i.size, n)).copy()


def _alternating(mags: np.ndarray, half: float, duration: float) -> tuple[np.ndarray, np.ndarray]:
    sign = np.where(np.arange(mags.shape[0]) % 2 == 0, 1.0, -1.0)[:, None]
    dur = np.full(mags.shape[0], half)
    dur[-1] = duration - half * (mags.shape[0] - 1)
    return dur, mags * sign


# ----------------------------------------------------------------------------- full cell
# Fig 5f's rate sequence is not stated in the seed's text, which names 5C, 10C and 20C; this
# C/10..20C ladder is the usual one (assumption), with the C/10 step checking full capacity.
SEED_RATES: tuple[float, ...] = (0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0)


@dataclass(frozen=True)
class FullCellCycling:
    """Constant-current charge to ``v_max`` then discharge to ``v_min``, one C-rate per cycle.

    The cell is assembled discharged (Na3V2(PO4)3), so each cycle starts with a charge; both
    half-cycles run at the cycle's C-rate (1C = theoretical capacity in one hour). ``v_min`` /
    ``v_max`` (V, full-cell terminal voltage) default to the cathode's window when None.
    """

    rates: tuple[float, ...]
    v_min: float | None = None
    v_max: float | None = None
    label: str = "cycling"

    def __post_init__(self) -> None:
        if len(self.rates) == 0:
            raise NakcellInputError("C_rate", "no rates", "at least one C-rate > 0")
        for r in self.rates:
            if not (isinstance(r, (int, float)) and math.isfinite(r) and r > 0):
                raise NakcellInputError("C_rate", r, "a C-rate > 0 (e.g. 10 for 10C)")
        for name, v in (("v_min", self.v_min), ("v_max", self.v_max)):
            if v is not None and not (math.isfinite(v) and v > 0):
                raise NakcellInputError(name, v, "a positive cut-off voltage in V")
        if self.v_min is not None and self.v_max is not None and not self.v_min < self.v_max:
            raise NakcellInputError(
                "cut-off voltages",
                f"v_min {self.v_min:g} V >= v_max {self.v_max:g} V",
                "v_min < v_max (lower cut-off below the upper one)",
            )

    @property
    def n_cycles(self) -> int:
        return len(self.rates)

    @classmethod
    def rate_test(
        cls,
        rates: tuple[float, ...] = SEED_RATES,
        cycles_per_rate: int = 5,
        *,
        v_min: float | None = None,
        v_max: float | None = None,
    ) -> FullCellCycling:
        """Rate test: ``cycles_per_rate`` cycles at each C-rate in turn (Fig 5f style)."""
        if not isinstance(cycles_per_rate, int) or cycles_per_rate < 1:
            raise NakcellInputError("cycles_per_rate", cycles_per_rate, "an integer >= 1")
        seq = tuple(float(r) for r in rates for _ in range(cycles_per_rate))
        return cls(seq, v_min, v_max, label="rate test")

    @classmethod
    def long_cycling(
        cls, rate: float, cycles: int, *, v_min: float | None = None, v_max: float | None = None
    ) -> FullCellCycling:
        """Long cycling: ``cycles`` cycles at one C-rate (Fig 5e style)."""
        if not isinstance(cycles, int) or cycles < 1:
            raise NakcellInputError("cycles", cycles, "an integer >= 1")
        return cls((float(rate),) * cycles, v_min, v_max, label=f"{rate:g}C cycling")
