"""The one spectrum type every reader returns and every fit, DRT and KK check takes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from nakcell.errors import NakcellInputError


@dataclass(frozen=True)
class Spectrum:
    """An impedance spectrum in SI: ``frequency_Hz`` (n,), complex ``Z_ohm`` (n,) with the
    electrochemists' sign convention Z = Z' + j Z'' (capacitive arcs have Z'' < 0).

    ``metadata`` holds what the file says about the measurement (instrument, date, area in
    m2 when the file states one, ...); ``source`` names the file it came from.
    """

    frequency_Hz: NDArray[np.float64]
    Z_ohm: NDArray[np.complex128]
    metadata: dict[str, Any] = field(default_factory=dict)
    source: str = ""

    def __post_init__(self) -> None:
        f = np.asarray(self.frequency_Hz, dtype=float)
        z = np.asarray(self.Z_ohm, dtype=complex)
        name = self.source or "spectrum"
        if f.ndim != 1 or z.shape != f.shape:
            raise NakcellInputError(
                name, f"frequency {f.shape}, Z {z.shape}", "1-D arrays of equal length"
            )
        if f.size < 3:
            raise NakcellInputError(name, f"{f.size} points", "at least 3 frequencies")
        if not (np.all(np.isfinite(f)) and np.all(np.isfinite(z))):
            raise NakcellInputError(name, "NaN or inf values", "finite frequencies and Z")
        if np.any(f <= 0):
            raise NakcellInputError(name, "a frequency <= 0", "positive frequencies in Hz")
        object.__setattr__(self, "frequency_Hz", f)
        object.__setattr__(self, "Z_ohm", z)

    @property
    def n(self) -> int:
        """Number of frequencies."""
        return int(self.frequency_Hz.size)

    @property
    def omega(self) -> NDArray[np.float64]:
        """Angular frequency 2 pi f in rad/s."""
        return 2.0 * np.pi * self.frequency_Hz

    def sorted(self, descending: bool = True) -> Spectrum:
        """The same points ordered by frequency (high to low by default)."""
        idx = np.argsort(self.frequency_Hz)
        if descending:
            idx = idx[::-1]
        return Spectrum(self.frequency_Hz[idx], self.Z_ohm[idx], dict(self.metadata), self.source)

    def above_axis_removed(self) -> Spectrum:
        """Drop inductive points (Z'' > 0), as is usual before fitting capacitive circuits."""
        keep = self.Z_ohm.imag <= 0
        return Spectrum(self.frequency_Hz[keep], self.Z_ohm[keep], dict(self.metadata), self.source)
