"""Helpers shared by the EIS readers: decoding, numbers, the checks every spectrum passes."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np

from nakcell.eis.spectrum import Spectrum
from nakcell.errors import NakcellFileError

NUM = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")


def lines_of(path: Path) -> list[str]:
    """The file's lines: UTF-16 where a UTF-16 byte-order mark says so, UTF-8 (a byte-order
    mark dropped) where it decodes, else Latin-1 (EC-Lab and Gamry write Latin-1: µ, °)."""
    raw = path.read_bytes()
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16 with a byte-order mark (Windows exports)
        try:
            return raw.decode("utf-16").lstrip("\ufeff").splitlines()
        except UnicodeDecodeError:
            pass
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    return text.lstrip("\ufeff").splitlines()


def is_number(token: str) -> bool:
    """True for a token float() reads, decimal comma allowed (NaN/inf included: they are
    numbers in the wrong place, reported by :func:`to_float` with the line)."""
    t = token.strip()
    if not t:
        return False
    try:
        float(t)
    except ValueError:
        try:
            float(t.replace(",", "."))
        except ValueError:
            return False
    return True


def to_float(path: Path, token: str, lineno: int, column: str) -> float:
    t = token.strip()
    try:
        x = float(t)
    except ValueError:
        try:
            x = float(t.replace(",", "."))  # decimal comma (European locales)
        except ValueError:
            raise NakcellFileError(
                path, f"column {column!r} holds {t!r}, not a number", f"line {lineno}"
            ) from None
    if not np.isfinite(x):
        raise NakcellFileError(path, f"column {column!r} holds {t!r}", f"line {lineno}")
    return x


def finish(
    path: Path,
    f: list[float],
    z: list[complex],
    linenos: list[int],
    metadata: dict[str, Any],
) -> Spectrum:
    """Checks shared by all readers: DC rows (0 Hz) dropped with a note in
    ``metadata["notes"]``; then enough points, positive and monotonic frequencies."""
    fa = np.asarray(f, dtype=float)
    za = np.asarray(z, dtype=complex)
    lines = np.asarray(linenos)
    dc = fa == 0
    if dc.any():
        where = _ranges(
            lines[dc].tolist(), "record" if metadata.get("format") == "biologic-mpr" else "line"
        )
        metadata.setdefault("notes", []).append(
            f"skipped {int(dc.sum())} DC rows at 0 Hz ({where}): they carry no impedance"
        )
        metadata["dc_rows_skipped"] = int(dc.sum())
        fa, za, lines = fa[~dc], za[~dc], lines[~dc]
    if fa.size < 3:
        raise NakcellFileError(path, f"only {fa.size} AC data rows found, expected at least 3")
    bad = np.nonzero(fa < 0)[0]
    if bad.size:
        i = int(bad[0])
        raise NakcellFileError(path, f"frequency {fa[i]} Hz is negative", f"line {lines[i]}")
    d = np.sign(np.diff(fa))
    direction = d[0] if d[0] != 0 else 1.0
    wrong = np.nonzero(d != direction)[0]
    if wrong.size:
        i = int(wrong[0]) + 1
        raise NakcellFileError(
            path,
            f"frequency {fa[i]:g} Hz breaks the monotonic sweep "
            f"(previous {fa[i - 1]:g} Hz); several sweeps in one file are not supported here",
            f"line {lines[i]}",
        )
    metadata.setdefault("format", "unknown")
    metadata["points"] = int(fa.size)
    return Spectrum(fa, za, metadata, str(path))


def _ranges(nums: list[int], word: str = "line") -> str:
    """'lines 3-7, 12' from [3, 4, 5, 6, 7, 12] (word 'record' for binary files)."""
    out: list[str] = []
    start = prev = nums[0]
    for n in [*nums[1:], None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        out.append(f"{start}" if start == prev else f"{start}-{prev}")
        if n is not None:
            start = prev = n
    return f"{word}{'s' if len(nums) > 1 else ''} " + ", ".join(out)


def table(
    path: Path,
    rows: list[tuple[int, list[str]]],
    names: list[str],
    want: dict[str, str],
    header_line: int | None = None,
) -> tuple[dict[str, list[float]], list[int]]:
    """Pull the named columns (key -> header name) from split rows, naming bad lines."""
    idx: dict[str, int] = {}
    for key, col in want.items():
        if col not in names:
            raise NakcellFileError(
                path,
                f"column {col!r} not found; header has {names}",
                f"line {header_line}" if header_line else None,
            )
        idx[key] = names.index(col)
    need = max(idx.values()) + 1
    out: dict[str, list[float]] = {k: [] for k in want}
    linenos: list[int] = []
    for lineno, parts in rows:
        if len(parts) < need:
            raise NakcellFileError(
                path,
                f"row has {len(parts)} fields, expected at least {need} (truncated?)",
                f"line {lineno}",
            )
        for key, i in idx.items():
            out[key].append(to_float(path, parts[i], lineno, want[key]))
        linenos.append(lineno)
    return out, linenos
