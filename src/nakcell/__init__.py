"""nakcell: digital twin and lab bench for room-temperature solid-state sodium batteries
with liquid alkali-alloy anodes (Na-K | NASICON | NVP and relatives).

SI units inside; field units (mA/cm2, ohm cm2, mAh/g, degC) at the edges.
"""

from nakcell.errors import NakcellError, NakcellInputError

__version__ = "0.1.0"

__all__ = ["NakcellError", "NakcellInputError", "__version__"]
