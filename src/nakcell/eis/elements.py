"""Circuit elements: one registry, one decorator, one place to add an element.

Each element is a function ``f(p, omega) -> Z`` where ``p`` has shape ``(n, k)`` (n parameter
sets, k parameters of this element) and ``omega`` shape ``(m,)``; it returns ``(n, m)`` complex
impedances in one broadcast. To add an element write one decorated function here::

    @element("X", params=("R", "tau"), units=("ohm", "s"), bounds=((0, inf), (0, inf)),
             guess=lambda R, tau: (R, tau))
    def _x(p, w):
        \"\"\"Z = ...  (source of the equation).\"\"\"
        return p[:, 0:1] / (1 + 1j * w * p[:, 1:2])

``guess(R, tau)`` maps a resistance scale and a time constant, which the automatic
initial-guess code reads off the spectrum, onto this element's parameters.

Equations: Lasia, *Electrochemical Impedance Spectroscopy and its Applications*
(Springer 2014), ch. 4-5 and 9; Orazem & Tribollet, *Electrochemical Impedance
Spectroscopy* (Wiley 2008), ch. 11-13. Names and parameter orders follow impedance.py's
circuit strings so users' circuits read the same.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from math import inf

import numpy as np
from numpy.typing import NDArray

from nakcell.errors import NakcellInputError

ElementFn = Callable[[NDArray[np.float64], NDArray[np.float64]], NDArray[np.complex128]]
GuessFn = Callable[[float, float], tuple[float, ...]]


@dataclass(frozen=True)
class Element:
    """A registered element type: its symbol, parameters, units, default bounds, equation."""

    symbol: str
    params: tuple[str, ...]
    units: tuple[str, ...]
    bounds: tuple[tuple[float, float], ...]
    fn: ElementFn
    guess: GuessFn
    doc: str

    @property
    def n_params(self) -> int:
        return len(self.params)


ELEMENTS: dict[str, Element] = {}


def element(
    symbol: str,
    *,
    params: tuple[str, ...],
    units: tuple[str, ...],
    bounds: tuple[tuple[float, float], ...],
    guess: GuessFn,
) -> Callable[[ElementFn], ElementFn]:
    """Register an element under ``symbol`` (letters only, e.g. ``"CPE"``)."""
    if not symbol.isalpha() or symbol == "p":
        raise ValueError(f"element symbol must be letters and not 'p': {symbol!r}")
    if not (len(params) == len(units) == len(bounds)):
        raise ValueError(f"element {symbol}: params, units and bounds differ in length")

    def register(fn: ElementFn) -> ElementFn:
        if symbol in ELEMENTS:
            raise ValueError(f"element {symbol!r} registered twice")
        ELEMENTS[symbol] = Element(
            symbol, params, units, bounds, fn, guess, (fn.__doc__ or "").strip()
        )
        return fn

    return register


def get(symbol: str) -> Element:
    """The registered element ``symbol``; raises naming the known ones if absent."""
    try:
        return ELEMENTS[symbol]
    except KeyError:
        raise NakcellInputError(
            "circuit element", repr(symbol), f"one of {', '.join(sorted(ELEMENTS))}"
        ) from None


def _col(p: NDArray[np.float64], i: int) -> NDArray[np.float64]:
    return p[:, i : i + 1]


POS = (0.0, inf)


@element("R", params=("R",), units=("ohm",), bounds=(POS,), guess=lambda R, tau: (R,))
def _resistor(p: NDArray[np.float64], w: NDArray[np.float64]) -> NDArray[np.complex128]:
    """Resistor, Z = R (returned as a column; the circuit broadcasts it)."""
    return _col(p, 0).astype(complex)


@element("C", params=("C",), units=("F",), bounds=(POS,), guess=lambda R, tau: (tau / R,))
def _capacitor(p: NDArray[np.float64], w: NDArray[np.float64]) -> NDArray[np.complex128]:
    """Capacitor, Z = 1 / (j w C)."""
    return np.asarray(1.0 / (1j * w * _col(p, 0)), dtype=complex)


@element("L", params=("L",), units=("H",), bounds=(POS,), guess=lambda R, tau: (R * tau,))
def _inductor(p: NDArray[np.float64], w: NDArray[np.float64]) -> NDArray[np.complex128]:
    """Inductor, Z = j w L."""
    return np.asarray(1j * w * _col(p, 0), dtype=complex)


@element(
    "CPE",
    params=("Q", "alpha"),
    units=("F s^(alpha-1)", ""),
    bounds=(POS, (0.0, 1.0)),
    guess=lambda R, tau: (tau**0.9 / R, 0.9),
)
def _cpe(p: NDArray[np.float64], w: NDArray[np.float64]) -> NDArray[np.complex128]:
    """Constant-phase element, Z = 1 / (Q (j w)^alpha) (Lasia 2014, eq. 9.1).

    Evaluated as w^-alpha exp(-j alpha pi/2) / Q: one real exp per point instead of a
    complex power."""
    a = _col(p, 1)
    mag = np.exp(-a * np.log(w)) / _col(p, 0)
    ph = -0.5 * np.pi * a
    return mag * (np.cos(ph) + 1j * np.sin(ph))


@element(
    "W",
    params=("A_W",),
    units=("ohm s^-1/2",),
    bounds=(POS,),
    guess=lambda R, tau: (R / np.sqrt(tau),),
)
def _warburg(p: NDArray[np.float64], w: NDArray[np.float64]) -> NDArray[np.complex128]:
    """Semi-infinite Warburg, Z = A_W (1 - j) / sqrt(w) (Lasia 2014, eq. 4.128)."""
    return _col(p, 0) * (1.0 - 1j) / np.sqrt(w)


@element(
    "Wo",
    params=("Z0", "tau"),
    units=("ohm", "s"),
    bounds=(POS, POS),
    guess=lambda R, tau: (R, tau),
)
def _warburg_open(p: NDArray[np.float64], w: NDArray[np.float64]) -> NDArray[np.complex128]:
    """Finite-space (open, reflective) Warburg, Z = Z0 coth(sqrt(j w tau)) / sqrt(j w tau)
    (Lasia 2014, eq. 4.153)."""
    s = np.sqrt(1j * w * _col(p, 1))
    return _col(p, 0) / (s * np.tanh(s))


@element(
    "Ws",
    params=("Z0", "tau"),
    units=("ohm", "s"),
    bounds=(POS, POS),
    guess=lambda R, tau: (R, tau),
)
def _warburg_short(p: NDArray[np.float64], w: NDArray[np.float64]) -> NDArray[np.complex128]:
    """Finite-length (short, transmissive) Warburg, Z = Z0 tanh(sqrt(j w tau)) / sqrt(j w tau)
    (Lasia 2014, eq. 4.147)."""
    s = np.sqrt(1j * w * _col(p, 1))
    return _col(p, 0) * np.tanh(s) / s


@element(
    "G",
    params=("R_G", "t_G"),
    units=("ohm", "s"),
    bounds=(POS, POS),
    guess=lambda R, tau: (R, tau),
)
def _gerischer(p: NDArray[np.float64], w: NDArray[np.float64]) -> NDArray[np.complex128]:
    """Gerischer, Z = R_G / sqrt(1 + j w t_G) (Boukamp & Bouwmeester, Solid State Ionics 157
    (2003) 29, eq. 2)."""
    return _col(p, 0) / np.sqrt(1.0 + 1j * w * _col(p, 1))
