"""Circuit strings in impedance.py's syntax, parsed once and evaluated in batches.

``R0-p(R1,CPE1)-p(R2,CPE2)-Wo1``: ``-`` joins in series, ``p(a,b,...)`` in parallel; an
element's name is its registered symbol (see :mod:`nakcell.eis.elements`) followed by an
optional label starting with a digit or underscore. Parameters are named as in impedance.py:
``R0`` for one-parameter elements, ``CPE1_0``, ``CPE1_1`` for the others.

``Circuit.impedance(params, omega)`` takes ``params`` of shape ``(n, n_params)`` and returns
``(n, len(omega))`` complex impedances in one broadcast.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from nakcell.eis import elements as el
from nakcell.errors import NakcellInputError

_TOKEN = re.compile(r"\s*(p\(|\(|\)|,|-|[A-Za-z][A-Za-z0-9_]*)")


@dataclass
class Node:
    """A circuit node: an element leaf, or a series/parallel combination."""

    kind: str  # "elem", "series", "parallel"
    children: list[Node] = field(default_factory=list)
    name: str = ""
    element: el.Element | None = None
    start: int = 0  # first parameter index (leaves)

    def impedance(self, p: NDArray[np.float64], w: NDArray[np.float64]) -> NDArray[np.complex128]:
        if self.kind == "elem":
            assert self.element is not None
            return self.element.fn(p[:, self.start : self.start + self.element.n_params], w)
        zs = [c.impedance(p, w) for c in self.children]
        if self.kind == "series":
            out = zs[0]
            for z in zs[1:]:
                out = out + z
            return out
        if len(zs) == 2:  # z1 z2 / (z1 + z2): one division instead of three
            return zs[0] * zs[1] / (zs[0] + zs[1])
        y = 1.0 / zs[0]
        for z in zs[1:]:
            y = y + 1.0 / z
        return 1.0 / y

    def with_sensitivities(
        self, p: NDArray[np.float64], w: NDArray[np.float64]
    ) -> tuple[NDArray[np.complex128], list[tuple[Node, NDArray[np.complex128] | float]]]:
        """Z of this node and, per leaf below, dZ_node/dZ_leaf (chain rule through the tree:
        1 in series; (Z/z_i)^2 for branch i of a parallel combination)."""
        if self.kind == "elem":
            return self.impedance(p, w), [(self, 1.0)]
        parts = [c.with_sensitivities(p, w) for c in self.children]
        if self.kind == "series":
            z = parts[0][0]
            for zc, _ in parts[1:]:
                z = z + zc
            return z, [item for _, sens in parts for item in sens]
        y = 1.0 / parts[0][0]
        for zc, _ in parts[1:]:
            y = y + 1.0 / zc
        z = 1.0 / y
        out: list[tuple[Node, NDArray[np.complex128] | float]] = []
        for zc, sens in parts:
            factor = (z / zc) ** 2
            out.extend((leaf, factor * s) for leaf, s in sens)
        return z, out

    def leaves(self) -> list[Node]:
        if self.kind == "elem":
            return [self]
        return [leaf for c in self.children for leaf in c.leaves()]

    def signature(self) -> str:
        """Structure with labels stripped, e.g. ``p(R,CPE)``: equal signatures are
        interchangeable blocks."""
        if self.kind == "elem":
            assert self.element is not None
            return self.element.symbol
        inner = ",".join(c.signature() for c in self.children)
        return f"p({inner})" if self.kind == "parallel" else f"s({inner})"


class Circuit:
    """A parsed circuit: parameter names, units, default bounds, batched evaluation."""

    def __init__(self, text: str) -> None:
        self.text = text.replace(" ", "")
        if not self.text:
            raise NakcellInputError("circuit", "''", "a circuit string like 'R0-p(R1,CPE1)'")
        self.root = _Parser(self.text).parse()
        names: list[str] = []
        units: list[str] = []
        bounds: list[tuple[float, float]] = []
        seen: set[str] = set()
        for leaf in self.root.leaves():
            if leaf.name in seen:
                raise NakcellInputError(
                    "circuit", f"element {leaf.name!r} twice", "unique element names"
                )
            seen.add(leaf.name)
            e = leaf.element
            assert e is not None
            leaf.start = len(names)
            if e.n_params == 1:
                names.append(leaf.name)
            else:
                names.extend(f"{leaf.name}_{i}" for i in range(e.n_params))
            units.extend(e.units)
            bounds.extend(e.bounds)
        self.param_names: tuple[str, ...] = tuple(names)
        self.param_units: tuple[str, ...] = tuple(units)
        self.default_bounds: tuple[tuple[float, float], ...] = tuple(bounds)

    @property
    def n_params(self) -> int:
        return len(self.param_names)

    def impedance(
        self, params: NDArray[np.float64], omega: NDArray[np.float64]
    ) -> NDArray[np.complex128]:
        """Z of shape (n, m) for ``params`` (n, n_params) at angular frequencies ``omega``
        (m,). A 1-D ``params`` gives a 1-D result."""
        p = np.asarray(params, dtype=float)
        one = p.ndim == 1
        p2 = np.atleast_2d(p)
        if p2.shape[-1] != self.n_params:
            raise NakcellInputError(
                "parameters", f"{p2.shape[-1]} values", f"{self.n_params} for {self.text}"
            )
        w = np.asarray(omega, dtype=float)
        z = self.root.impedance(p2, w)
        if z.shape != (p2.shape[0], w.size):  # purely resistive circuits give a column
            z = np.broadcast_to(z, (p2.shape[0], w.size)).copy()
        return z[0] if one else z

    def impedance_and_jacobian(
        self, params: NDArray[np.float64], omega: NDArray[np.float64]
    ) -> tuple[NDArray[np.complex128], NDArray[np.complex128]]:
        """Z (n, m) and dZ/dp (n, n_params, m) in one pass: the tree's chain rule times each
        element's own derivative (forward difference on the element alone, relative step
        1e-7), so the whole circuit is evaluated once, not once per parameter."""
        p = np.atleast_2d(np.asarray(params, dtype=float))
        w = np.asarray(omega, dtype=float)
        n, m = p.shape[0], w.size
        z, sens = self.root.with_sensitivities(p, w)
        z = np.broadcast_to(z, (n, m))
        jac = np.empty((n, self.n_params, m), dtype=complex)
        for leaf, s in sens:
            e = leaf.element
            assert e is not None
            pl = p[:, leaf.start : leaf.start + e.n_params]
            z0 = e.fn(pl, w)
            for i in range(e.n_params):
                h = 1e-7 * np.maximum(np.abs(pl[:, i : i + 1]), 1e-300)
                pp = pl.copy()
                pp[:, i : i + 1] += h
                jac[:, leaf.start + i, :] = s * (e.fn(pp, w) - z0) / h
        return z, jac

    def __repr__(self) -> str:
        return f"Circuit({self.text!r})"


class _Parser:
    """Recursive descent: series := term ('-' term)*; term := 'p(' series (',' series)+ ')'
    | ELEMENT."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens: list[tuple[str, int]] = []
        pos = 0
        while pos < len(text):
            m = _TOKEN.match(text, pos)
            if not m:
                raise NakcellInputError(
                    "circuit", repr(text), f"valid syntax; unexpected {text[pos]!r} at {pos}"
                )
            self.tokens.append((m.group(1), m.start(1)))
            pos = m.end()
        self.i = 0

    def _peek(self) -> str | None:
        return self.tokens[self.i][0] if self.i < len(self.tokens) else None

    def _fail(self, what: str) -> NakcellInputError:
        where = self.tokens[self.i][1] if self.i < len(self.tokens) else len(self.text)
        return NakcellInputError("circuit", repr(self.text), f"{what} at character {where}")

    def parse(self) -> Node:
        node = self._series()
        if self._peek() is not None:
            raise self._fail(f"end of circuit, not {self._peek()!r}")
        return node

    def _series(self) -> Node:
        terms = [self._term()]
        while self._peek() == "-":
            self.i += 1
            terms.append(self._term())
        return terms[0] if len(terms) == 1 else Node("series", terms)

    def _term(self) -> Node:
        tok = self._peek()
        if tok == "p(":
            self.i += 1
            branches = [self._series()]
            while self._peek() == ",":
                self.i += 1
                branches.append(self._series())
            if self._peek() != ")":
                raise self._fail("')' closing p(")
            self.i += 1
            if len(branches) < 2:
                raise self._fail("at least two branches in p(...)")
            return Node("parallel", branches)
        if tok is None or not tok[0].isalpha():
            raise self._fail("an element name")
        self.i += 1
        return Node("elem", name=tok, element=_element_of(tok))


def _element_of(name: str) -> el.Element:
    """Longest registered symbol that prefixes ``name`` with a label of digits/underscore."""
    for sym in sorted(el.ELEMENTS, key=len, reverse=True):
        rest = name[len(sym) :]
        if name.startswith(sym) and (rest == "" or rest[0].isdigit() or rest[0] == "_"):
            return el.ELEMENTS[sym]
    raise NakcellInputError(
        "circuit element",
        repr(name),
        f"a known element ({', '.join(sorted(el.ELEMENTS))}) followed by a label like 1 or _ct",
    )
