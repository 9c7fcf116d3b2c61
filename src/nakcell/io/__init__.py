"""Cycler file readers: ``read(path)`` detects the format from the file's bytes and returns
one tidy :class:`CyclerData` table whatever the tester.

Formats (one module each): BioLogic .mpr/.mpt (:mod:`.biologic`), Neware .nda/.ndax
(:mod:`.neware`), Arbin .res and Excel exports (:mod:`.arbin`), LAND LANDdt Excel exports
(:mod:`.land`; the binary .cex is refused with a clear message), Maccor text exports
(:mod:`.maccor`), and any CSV with a column mapping (:mod:`.generic`).
"""

from __future__ import annotations

from nakcell.io.detect import FORMATS, detect_format, read
from nakcell.io.table import COLUMNS, STEP_TYPES, CyclerData

__all__ = ["COLUMNS", "FORMATS", "STEP_TYPES", "CyclerData", "detect_format", "read"]
