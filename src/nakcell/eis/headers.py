"""One rule for EIS column names: what a header cell measures, in which unit, with which sign.

A name is split into a quantity and a unit, the unit written in brackets (``Frequency (Hz)``,
``Z' [Ohm]``), after a slash (``freq/Hz``, ``Re(Z)/Ohm``), after an underscore
(``frequency_Hz``, ``z_real_ohm``) or after a space (``Zreal ohm``). A bracket, slash or
underscore part is taken as the unit only when it *is* a known unit, so ``Re(Z)``,
``Z'(a)`` and ``Time(Sec)`` keep their brackets. The quantity is then matched, case-blind and
with spaces and underscores removed, against the aliases below; a leading minus
(``-Z''``, ``-Im(Z)``, ``-Phase``) means the column holds the negated quantity.

=========  ===============================================================================
kind       aliases (after normalisation)
=========  ===============================================================================
``f``      f, freq, frequency, fre
``zre``    z', zre, zreal, re(z), real(z), re, real, zr, z'(a)
``zim``    z'', z", zim, zimag, zimg, im(z), imag(z), im, imag, zi, z''(b)
``zmod``   \\|z\\|, z, zmod, zmag, mod(z), abs(z), modulus, magnitude, impedance
``phase``  phase, phase(z), phi, zphz, zphase, theta
=========  ===============================================================================

A short tag of one or two characters after a last underscore that is not a unit
(``Z_E``, ``Phase_E``, ``Zre_1``) is dropped when the whole name matches nothing.

Units and their factors to SI: Hz, kHz, MHz, mHz; ohm (also Ω, ohms), kohm, Mohm, mohm;
deg (also °, degree(s)), rad. A unit that contradicts the quantity (``Frequency (ohm)``)
makes the column unknown, never silently rescaled.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_FREQ = {"f", "freq", "frequency", "fre", "freq."}
_ZRE = {"z'", "zre", "zreal", "re(z)", "real(z)", "re", "real", "zr", "z'(a)", "rez", "realz"}
_ZIM = {"z''", 'z"', "zim", "zimag", "zimg", "im(z)", "imag(z)", "im", "imag", "zi", "z''(b)"}
_ZIM |= {"imz", "imagz", "z′′", "z″"}
_ZMOD = {"|z|", "z", "zmod", "zmag", "mod(z)", "abs(z)", "modulus", "magnitude", "impedance"}
_ZMOD |= {"|impedance|", "zabs", "|z|(ohm)", "zmodulus"}
_PHASE = {"phase", "phase(z)", "phi", "zphz", "zphase", "theta", "phaseangle", "phz"}

_ALIASES: dict[str, str] = {}
for _kind, _names in (
    ("f", _FREQ),
    ("zre", _ZRE),
    ("zim", _ZIM),
    ("zmod", _ZMOD),
    ("phase", _PHASE),
):
    for _n in _names:
        _ALIASES[_n] = _kind

_OHM = ("ohm", "ohms", "Ω", "Î©", "Ω")  # the last two: mis-decoded / compatibility sign
_UNITS: dict[str, tuple[str, float]] = {}
for _u, _s in (("Hz", 1.0), ("kHz", 1e3), ("MHz", 1e6), ("mHz", 1e-3)):
    _UNITS[_u] = ("f", _s)
_UNITS["hz"] = ("f", 1.0)
_UNITS["khz"] = ("f", 1e3)
for _o in _OHM:
    for _p, _s in (("", 1.0), ("k", 1e3), ("M", 1e6), ("m", 1e-3)):
        _UNITS[_p + _o] = ("ohm", _s)
        _UNITS[_p + _o.capitalize()] = ("ohm", _s)
_UNITS["OHM"] = ("ohm", 1.0)
_UNITS["kOhm"] = ("ohm", 1e3)
for _d in ("deg", "Deg", "°", "Â°", "degree", "degrees", "Degrees", "DEG", "º"):
    _UNITS[_d] = ("deg", 1.0)
for _r in ("rad", "Rad", "radian", "radians"):
    _UNITS[_r] = ("rad", 1.0)

_WANT_UNIT = {"f": {"f"}, "zre": {"ohm"}, "zim": {"ohm"}, "zmod": {"ohm"}, "phase": {"deg", "rad"}}


@dataclass(frozen=True)
class Column:
    """What one header cell holds: ``kind`` (f, zre, zim, zmod, phase or ``None``),
    ``sign`` (-1 when the column holds the negated quantity), ``scale`` (to Hz / ohm) and
    ``unit`` (as written; ``deg``/``rad`` for phases, ``None`` when the name gives none)."""

    name: str
    kind: str | None
    sign: int = 1
    scale: float = 1.0
    unit: str | None = None


def _split_unit(s: str) -> tuple[str, str | None]:
    """Peel one trailing unit off ``s``: ``(unit)``, ``[unit]``, ``/unit``, ``_unit``, `` unit``."""
    m = re.match(r"^(.*?)\s*[(\[]\s*([^()\[\]]+?)\s*[)\]]$", s)
    if m and m.group(2) in _UNITS:
        return m.group(1), m.group(2)
    for sep in ("/", "_", " "):
        if sep in s:
            base, u = s.rsplit(sep, 1)
            if u.strip() in _UNITS and base.strip():
                return base.strip(), u.strip()
    return s, None


def parse_column(name: str) -> Column:
    """Classify one header cell (see the module notes for the rule)."""
    s = name.strip().replace("\u2212", "-")
    if len(s) >= 2 and s[0] == s[-1] and s[0] in "\"'" and s.count(s[0]) == 2:
        s = s[1:-1].strip()  # a quoted cell, not Z'' or Z"
    base, unit = _split_unit(s)
    key = re.sub(r"[\s_]+", "", base.lower())
    sign = 1
    if key.startswith("-"):
        sign, key = -1, key[1:]
    kind = _ALIASES.get(key)
    if kind is None and "_" in base.strip():
        # a short tag after the last underscore (``Z_E``, ``Phase_E``, ``Zre_1``): the
        # quantity is the part before it
        stem, tag = base.strip().rsplit("_", 1)
        if 0 < len(tag) <= 2 and tag not in _UNITS:
            key = re.sub(r"[\s_]+", "", stem.lower())
            if key.startswith("-"):
                sign, key = -1, key[1:]
            kind = _ALIASES.get(key)
    if kind is None:
        return Column(name, None)
    if unit is None:
        return Column(name, kind, sign, 1.0, None)
    utype, scale = _UNITS[unit]
    if utype not in _WANT_UNIT[kind]:
        return Column(name, None)
    return Column(name, kind, sign, scale, utype if kind == "phase" else unit)


def locate(names: list[str]) -> dict[str, tuple[int, Column]]:
    """The first column of each kind in a header: kind -> (index, Column)."""
    out: dict[str, tuple[int, Column]] = {}
    for i, n in enumerate(names):
        c = parse_column(n)
        if c.kind is not None and c.kind not in out:
            out[c.kind] = (i, c)
    return out
