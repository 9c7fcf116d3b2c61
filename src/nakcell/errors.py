"""Typed exceptions. Every user-facing failure is one of these, naming what is wrong and where."""

from __future__ import annotations


class NakcellError(Exception):
    """Base class of every nakcell error."""


class NakcellInputError(NakcellError, ValueError):
    """Bad user input: names the parameter (or file/field) and what was expected.

    >>> str(NakcellInputError("current_density", "'25 mA'", "a current density, e.g. '25 mA/cm2'"))
    "current_density: got '25 mA', expected a current density, e.g. '25 mA/cm2'"
    """

    def __init__(self, parameter: str, got: object, expected: str) -> None:
        self.parameter = parameter
        self.got = got
        self.expected = expected
        super().__init__(f"{parameter}: got {got}, expected {expected}")


class NakcellFileError(NakcellError):
    """A file could not be read: names the file and, where known, the line, byte or field."""

    def __init__(self, path: object, reason: str, where: str | None = None) -> None:
        self.path = str(path)
        self.reason = reason
        self.where = where
        loc = f" ({where})" if where else ""
        super().__init__(f"{self.path}{loc}: {reason}")
