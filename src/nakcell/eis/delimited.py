"""Text tables with a preamble, a header and numeric rows: CSV/TSV/whitespace exports of
CH Instruments, Autolab (FRA ``Z60W`` and NOVA), Parstat, PowerSuite, ZPlot without
comments, impedance.py's CSV, |Z|/phase tables; and VersaStudio ``.par`` segments.

The data block starts at the first numeric row (every non-empty field a number) followed
by another with the same number of fields; the header is the last non-numeric line above
it (blank lines skipped). Columns are found by :mod:`nakcell.eis.headers`. Every line after
the header must be a data row: a bad one is an error naming its line.
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path
from typing import Any

import numpy as np

from nakcell.eis._parse import finish, is_number, to_float
from nakcell.eis.headers import Column, locate
from nakcell.eis.spectrum import Spectrum
from nakcell.errors import NakcellFileError

_DELIMS = ("\t", ";", ",")


def _split(line: str, delim: str | None) -> list[str]:
    parts = [c.strip() for c in (line.split(delim) if delim else line.split())]
    while parts and parts[-1] == "":  # a trailing delimiter (Parstat writes one)
        parts.pop()
    return parts


def _numeric(parts: list[str]) -> bool:
    return bool(parts) and all(is_number(p) for p in parts if p)


def _delimiter(lines: list[str]) -> str | None:
    """The delimiter of the data rows: judged on the middle content line."""
    sample = lines[len(lines) // 2]
    for d in _DELIMS:
        if d in sample and _numeric(_split(sample, d)) and len(_split(sample, d)) > 1:
            return d
    return None


def _header_names(line: str, delim: str | None, nfields: int) -> list[str]:
    """Split the header like the data; a header that splits differently (Z60W/ZPlotW files
    write one quoted, space-separated header over comma-separated rows) is split on runs of
    spaces, a bracket-only token joining the name before it."""
    names = _split(line, delim)
    if len(names) >= nfields or delim is None:
        return names
    s = line.strip().strip('"').strip()
    tokens = re.split(r"\s{2,}|\t", s) if re.search(r"\s{2,}", s) else s.split()
    out: list[str] = []
    for t in tokens:
        if out and re.fullmatch(r"[(\[].*[)\]]", t):
            out[-1] += " " + t
        else:
            out.append(t)
    if len(out) < nfields:  # single spaces between names and units: split on every space
        out = []
        for t in s.split():
            if out and re.fullmatch(r"[(\[].*[)\]]", t):
                out[-1] += " " + t
            else:
                out.append(t)
    return out if len(out) >= nfields else names


def read_delimited(path: Path, lines: list[str]) -> Spectrum:
    content = [(i + 1, ln) for i, ln in enumerate(lines) if ln.strip() and not ln.startswith("#")]
    if not content:
        raise NakcellFileError(path, "no data lines")
    delim = _delimiter([ln for _, ln in content])
    split = [(n, _split(ln, delim)) for n, ln in content]
    start = _data_start(split)
    if start is None:
        raise NakcellFileError(path, "no table of numbers found (two numeric rows in a row)")
    nfields = len(split[start][1])
    header = split[start - 1] if start > 0 and not _numeric(split[start - 1][1]) else None
    meta: dict[str, Any] = {"format": "delimited", "delimiter": delim or "whitespace"}
    meta.update(_preamble(content[: start - (1 if header else 0)]))
    rows = split[start:]
    if header is None:
        return _positional(path, rows, meta)
    names = _header_names(content[start - 1][1], delim, nfields)
    return from_columns(path, names, rows, meta, header_line=header[0])


def _data_start(split: list[tuple[int, list[str]]]) -> int | None:
    for k, (_, parts) in enumerate(split):
        if len(parts) < 2 or not _numeric(parts):
            continue
        if k + 1 == len(split) or (
            len(split[k + 1][1]) == len(parts) and _numeric(split[k + 1][1])
        ):
            return k
    return None


def _preamble(content: list[tuple[int, str]]) -> dict[str, Any]:
    """'key: value' / 'key = value' lines above the table, kept as metadata (first 40)."""
    out: dict[str, Any] = {}
    head: dict[str, str] = {}
    for _, ln in content[:80]:
        m = re.match(r"^\s*\"?([A-Za-z][\w .()/#-]{0,40}?)\s*[:=]\s*(.+?)\"?\s*$", ln)
        if m and len(head) < 40:
            head[m.group(1).strip()] = m.group(2).strip()
    if head:
        out["header"] = head
        for key in ("Instrument Model", "Instrument", "Device"):
            if key in head:
                out["instrument"] = head[key]
    if content:
        out["preamble_lines"] = len(content)
        first = content[0][1].strip().strip('"')
        if re.match(r"Z(60|Plot)W Data File", first):
            out["format"] = "zplot-w (Z60W/ZPlotW)"
        elif any("A.C. Impedance" in ln for _, ln in content[:5]):
            out["format"] = "chi (CH Instruments)"
    return out


def _positional(path: Path, rows: list[tuple[int, list[str]]], meta: dict[str, Any]) -> Spectrum:
    """No header: f, Z', Z'' in the first three columns, Z'' sign judged from the data."""
    ncol = len(rows[0][1])
    if ncol < 3:
        raise NakcellFileError(
            path, f"{ncol} columns and no header, expected frequency, Z', Z''", f"line {rows[0][0]}"
        )
    f, re_, im, linenos = [], [], [], []
    for n, parts in rows:
        if len(parts) < 3:
            raise NakcellFileError(path, f"row has {len(parts)} fields, expected 3", f"line {n}")
        f.append(to_float(path, parts[0], n, "frequency"))
        re_.append(to_float(path, parts[1], n, "Z'"))
        im.append(to_float(path, parts[2], n, "Z''"))
        linenos.append(n)
    ima = np.asarray(im)
    sign = -1 if np.count_nonzero(ima > 0) > ima.size / 2 else 1
    meta["imag_sign"] = "auto: column is -Z''" if sign < 0 else "auto: column is Z''"
    z = [complex(a, sign * b) for a, b in zip(re_, im, strict=True)]
    return finish(path, f, z, linenos, meta)


def from_columns(
    path: Path,
    names: list[str],
    rows: list[tuple[int, list[str]]],
    meta: dict[str, Any],
    header_line: int | None = None,
) -> Spectrum:
    """Spectrum from named columns: Z' and Z'' where the header has them, else |Z| and phase."""
    where = f"line {header_line}" if header_line else None
    cols = locate(names)
    if "f" not in cols:
        raise NakcellFileError(
            path,
            f"no frequency column in header {names} (expected a name like 'Frequency (Hz)', "
            "'freq/Hz' or 'f_Hz')",
            where,
        )
    if "zre" in cols and "zim" in cols:
        use = ("f", "zre", "zim")
    elif "zmod" in cols and "phase" in cols:
        use = ("f", "zmod", "phase")
    else:
        raise NakcellFileError(
            path, f"header {names} has neither Z' and Z'' columns nor |Z| and phase", where
        )
    picked: dict[str, tuple[int, Column]] = {k: cols[k] for k in use}
    need = max(i for i, _ in picked.values()) + 1
    data: dict[str, list[float]] = {k: [] for k in use}
    linenos: list[int] = []
    for n, parts in rows:
        if len(parts) < need:
            raise NakcellFileError(
                path, f"row has {len(parts)} fields, expected at least {need}", f"line {n}"
            )
        for k, (i, c) in picked.items():
            data[k].append(to_float(path, parts[i], n, c.name) * c.sign * c.scale)
        linenos.append(n)
    meta["columns"] = {k: c.name for k, (_, c) in picked.items()}
    if use[1] == "zre":
        z = np.asarray(data["zre"]) + 1j * np.asarray(data["zim"])
        meta["imag_sign"] = (
            "header: column is -Z''" if picked["zim"][1].sign < 0 else ("header: column is Z''")
        )
        if "phase" in cols:
            z = _check_against_phase(path, z, rows, cols["phase"], meta)
        if "zmod" in cols:
            _check_against_modulus(z, rows, cols["zmod"], meta)
    else:
        z = _from_polar(path, data["zmod"], data["phase"], picked["phase"][1], meta, where)
    return finish(path, data["f"], list(z), linenos, meta)


def _check_against_phase(
    path: Path,
    z: np.ndarray,
    rows: list[tuple[int, list[str]]],
    phase: tuple[int, Column],
    meta: dict[str, Any],
) -> np.ndarray:
    """The file's own phase column arbitrates the Z'' sign: where the phase of Z' + j Z''
    is the negative of the stated phase, the Z'' column holds -Z'' whatever its name says.
    Agreement or disagreement is recorded in ``metadata``; nothing is refused here."""
    i, col = phase
    try:
        ph = np.array([float(parts[i].replace(",", ".")) for _, parts in rows]) * col.sign
    except (ValueError, IndexError):
        return z  # an unreadable phase column is not needed: Z' and Z'' were read
    if col.unit == "rad" or (col.unit is None and np.max(np.abs(ph)) <= np.pi / 2):
        ph = np.rad2deg(ph)
    keep = np.abs(z) > 0
    if ph.size != z.size or not keep.any():
        return z
    got = np.angle(z[keep], deg=True)
    same = float(np.median(np.abs(got - ph[keep])))
    flipped = float(np.median(np.abs(-got - ph[keep])))
    if same <= 1.0:
        meta["phase_check"] = f"Z', Z'' agree with column {col.name!r} (median {same:.2g} deg)"
    elif flipped <= 1.0:
        meta["imag_sign"] = f"data: column {col.name!r} shows the Z'' column holds -Z''"
        meta.setdefault("notes", []).append(
            f"the phase column {col.name!r} has the opposite sign to Z' + j Z'': the Z'' "
            "column holds -Z'' and is read so"
        )
        return np.conj(z)
    else:
        meta.setdefault("notes", []).append(
            f"Z', Z'' disagree with the phase column {col.name!r} by {same:.3g} deg (median): "
            "Z' and Z'' are used"
        )
    return z


def _check_against_modulus(
    z: np.ndarray, rows: list[tuple[int, list[str]]], zmod: tuple[int, Column], meta: dict[str, Any]
) -> None:
    """Record whether |Z' + j Z''| equals the file's own |Z| column (notes a disagreement)."""
    i, col = zmod
    try:
        m = np.array([float(parts[i].replace(",", ".")) for _, parts in rows]) * col.scale
    except (ValueError, IndexError):
        return
    keep = (np.abs(z) > 0) & (m > 0)
    if m.size != z.size or not keep.any():
        return
    ratio = float(np.median(m[keep] / np.abs(z[keep])))
    if abs(ratio - 1) <= 0.01:
        meta["modulus_check"] = f"|Z' + j Z''| agrees with column {col.name!r}"
    else:
        meta.setdefault("notes", []).append(
            f"column {col.name!r} is {ratio:.4g} x |Z' + j Z''| (median): the file's |Z| and "
            "Z', Z'' disagree in scale; Z' and Z'' are used, though the file does not say "
            "which of the two is in ohm"
        )


def _from_polar(
    path: Path,
    mod: list[float],
    phase: list[float],
    col: Column,
    meta: dict[str, Any],
    where: str | None,
) -> np.ndarray:
    ph = np.asarray(phase)
    unit = col.unit
    if unit is None:
        # a passive impedance has |phase| <= 90 deg = pi/2 rad, so values beyond pi/2 are degrees
        if np.max(np.abs(ph)) > np.pi / 2 + 1e-6:
            unit = "deg"
            meta.setdefault("notes", []).append(
                f"phase column {col.name!r} states no unit; values beyond pi/2 read as degrees"
            )
        else:
            raise NakcellFileError(
                path,
                f"phase column {col.name!r} states no unit and all values lie within +-pi/2: "
                "degrees or radians cannot be told apart",
                where,
            )
    rad = np.deg2rad(ph) if unit == "deg" else ph
    if np.any(np.asarray(mod) < 0):
        raise NakcellFileError(path, "negative |Z| in the modulus column", where)
    meta["from_polar"] = f"Z = |Z| exp(j phase), phase in {unit}"
    return np.asarray(mod) * np.exp(1j * rad)


# ----------------------------------------------------------------------------- VersaStudio


def read_versastudio(path: Path, lines: list[str]) -> Spectrum:
    """VersaStudio / Parstat ``.par``: ``<SegmentN>`` blocks, a ``Definition=`` line naming
    the comma-separated columns; the first segment holding rows is read."""
    meta: dict[str, Any] = {"format": "versastudio-par"}
    for ln in lines[:200]:
        for key, label in (("Type=", "instrument"), ("DateAcquired=", "date")):
            if ln.startswith(key) and label not in meta:
                meta[label] = ln.split("=", 1)[1].strip()
        if ln.startswith("Working Electrode Area (cm2)="):
            with contextlib.suppress(ValueError):
                meta["area_m2"] = float(ln.split("=", 1)[1]) * 1e-4
    i = 0
    while i < len(lines):
        m = re.match(r"\s*<Segment(\d+)>\s*$", lines[i])
        if not m:
            i += 1
            continue
        end = next(
            (j for j in range(i + 1, len(lines)) if lines[j].strip() == f"</Segment{m[1]}>"), None
        )
        if end is None:
            raise NakcellFileError(path, f"<Segment{m[1]}> is never closed", f"line {i + 1}")
        defn = next((j for j in range(i + 1, end) if lines[j].startswith("Definition=")), None)
        if defn is None:
            raise NakcellFileError(path, "segment has no 'Definition=' line", f"line {i + 1}")
        names = [c.strip() for c in lines[defn][len("Definition=") :].split(",")]
        rows = [(j + 1, _split(lines[j], ",")) for j in range(defn + 1, end) if lines[j].strip()]
        if rows:
            meta["segment"] = int(m[1])
            return from_columns(path, names, rows, meta, header_line=defn + 1)
        i = end + 1
    raise NakcellFileError(path, "no <SegmentN> block with data rows")
