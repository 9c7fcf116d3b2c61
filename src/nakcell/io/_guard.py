"""Turn whatever a parser raises on a damaged file into one :class:`NakcellFileError`."""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator
from pathlib import Path

from nakcell.errors import NakcellError, NakcellFileError


@contextlib.contextmanager
def file_errors(path: str | Path, what: str) -> Iterator[None]:
    """Re-raise any non-nakcell exception as ``NakcellFileError(path, "not a readable <what>")``.

    Third-party parsers (galvani, NewareNDA, calamine, pandas) raise KeyError, struct.error,
    ValueError, IndexError, zipfile errors ... on damaged input; the user gets one line naming
    the file and the library's own message. MemoryError is included: a bit-flipped length
    field can ask for an absurd allocation.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    except NakcellError:
        raise
    except (Exception, MemoryError) as exc:
        msg = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
        reason = f"not a readable {what} ({type(exc).__name__}{': ' + msg if msg else ''})"
        raise NakcellFileError(path, reason) from exc


def require(cond: bool, path: str | Path, reason: str, where: str | None = None) -> None:
    """Raise :class:`NakcellFileError` unless ``cond``."""
    if not cond:
        raise NakcellFileError(path, reason, where)
