"""Electrochemical impedance: read spectra, fit circuits in batches, DRT, Lin-KK, and
physical spectra of cells.

>>> from nakcell.eis import read, fit
>>> s = read("cell.DTA")                                     # doctest: +SKIP
>>> r = fit(s.frequency_Hz, s.Z_ohm, "R0-p(R1,CPE1)-p(R2,CPE2)")  # doctest: +SKIP
"""

from nakcell.eis.circuits import Circuit
from nakcell.eis.elements import ELEMENTS, element
from nakcell.eis.fit import FitResult, fit
from nakcell.eis.readers import read
from nakcell.eis.spectrum import Spectrum

__all__ = ["ELEMENTS", "Circuit", "FitResult", "Spectrum", "element", "fit", "read"]
