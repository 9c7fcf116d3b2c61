"""Readers for EIS files into :class:`~nakcell.eis.spectrum.Spectrum`.

One entry point, :func:`read`, detects the format from the file's first bytes:

==================  ======================================  =========================
format              detected by                             columns used
==================  ======================================  =========================
BioLogic ``.mpr``   ``BIO-LOGIC MODULAR FILE`` (binary)     freq/Hz, Re(Z), -Im(Z) (own parser)
BioLogic ``.mpt``   ``EC-Lab ASCII FILE``                   freq/Hz, Re(Z)/Ohm, -Im(Z)/Ohm
Gamry ``.DTA``      ``EXPLAIN`` + ``TAG`` lines             ZCURVE table: Freq, Zreal, Zimag
ZPlot/ZView ``.z``  ``ZPLOT2 ASCII``                        Freq(Hz), Z'(a), Z''(b)
RelaxIS export      ``RelaxIS``                             Frequency, Z', Z''
CSV / whitespace    anything else                           f, Z', Z'' (header optional)
==================  ======================================  =========================

Every failure is a :class:`~nakcell.errors.NakcellFileError` naming the file and the line.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from nakcell.eis.spectrum import Spectrum
from nakcell.errors import NakcellFileError, NakcellInputError

# Header aliases for delimited text (lower case, spaces removed). Sign: +1 means the column
# holds Z'' = Im Z, -1 means it holds -Z''.
FREQ_NAMES = ("freq", "frequency", "f", "f/hz", "freq/hz", "frequency/hz", "freq(hz)")
REAL_NAMES = ("z'", "zreal", "re(z)", "re(z)/ohm", "z_real", "zre", "real", "z'(a)", "re")
IMAG_NAMES = {
    "z''": 1, "zimag": 1, "im(z)": 1, "im(z)/ohm": 1, "z_imag": 1, "zim": 1, "imag": 1,
    "z''(b)": 1, "im": 1, "-z''": -1, "-im(z)": -1, "-im(z)/ohm": -1, "-zimag": -1, "-zim": -1,
    "-imag": -1, "-im": -1,
}  # fmt: skip

_NUM = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")


def read(path: str | Path, *, cycle: int | None = None) -> Spectrum:
    """Read one EIS file (format detected from its content) into a :class:`Spectrum`.

    ``cycle`` picks one sweep of a BioLogic file holding several (default: the first).
    Raises :class:`NakcellFileError` naming the file and line on anything malformed:
    missing columns, truncated tables, NaNs, non-monotonic frequencies.
    """
    p = Path(path)
    if not p.is_file():
        raise NakcellFileError(p, "no such file")
    head = p.read_bytes()[:4096]
    if not head.strip():
        raise NakcellFileError(p, "file is empty")
    reader = _detect(head)
    try:
        spec = reader(p, cycle)
    except NakcellFileError:
        raise
    except NakcellInputError as exc:
        raise NakcellFileError(p, str(exc)) from exc
    except (ValueError, IndexError, KeyError, UnicodeDecodeError) as exc:
        raise NakcellFileError(p, f"could not parse: {exc}") from exc
    return spec


def _detect(head: bytes) -> Callable[[Path, int | None], Spectrum]:
    if head.startswith(b"BIO-LOGIC MODULAR FILE"):
        return _read_mpr
    text = head.decode("latin-1").lstrip("\ufeff")
    first = text.lstrip().splitlines()[0].strip() if text.strip() else ""
    if first.startswith("EC-Lab ASCII FILE"):
        return _read_mpt
    if first.startswith("EXPLAIN") or re.search(r"^TAG\t", text, re.M):
        return _read_gamry
    if first.startswith("ZPLOT2 ASCII"):
        return _read_zplot
    if first.startswith("RelaxIS"):
        return _read_relaxis
    return _read_delimited


# ----------------------------------------------------------------------------- helpers


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="latin-1").splitlines()


def _float(path: Path, token: str, lineno: int, column: str) -> float:
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


def _finish(
    path: Path,
    f: list[float],
    z: list[complex],
    linenos: list[int],
    metadata: dict[str, Any],
) -> Spectrum:
    """Checks shared by all readers: enough points, positive and monotonic frequencies."""
    if len(f) < 3:
        raise NakcellFileError(path, f"only {len(f)} data rows found, expected at least 3")
    fa = np.asarray(f)
    bad = np.nonzero(fa <= 0)[0]
    if bad.size:
        i = int(bad[0])
        raise NakcellFileError(path, f"frequency {fa[i]} Hz is not positive", f"line {linenos[i]}")
    d = np.sign(np.diff(fa))
    direction = d[0] if d[0] != 0 else 1.0
    wrong = np.nonzero(d != direction)[0]
    if wrong.size:
        i = int(wrong[0]) + 1
        raise NakcellFileError(
            path,
            f"frequency {fa[i]:g} Hz breaks the monotonic sweep "
            f"(previous {fa[i - 1]:g} Hz); several sweeps in one file are not supported here",
            f"line {linenos[i]}",
        )
    metadata.setdefault("format", "unknown")
    metadata["points"] = len(f)
    return Spectrum(fa, np.asarray(z, dtype=complex), metadata, str(path))


def _table(
    path: Path,
    rows: list[tuple[int, list[str]]],
    names: list[str],
    want: dict[str, str],
) -> tuple[dict[str, list[float]], list[int]]:
    """Pull the named columns (key -> header name) from split rows, naming bad lines."""
    idx: dict[str, int] = {}
    for key, col in want.items():
        if col not in names:
            raise NakcellFileError(path, f"column {col!r} not found; header has {names}")
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
            out[key].append(_float(path, parts[i], lineno, want[key]))
        linenos.append(lineno)
    return out, linenos


# ----------------------------------------------------------------------------- BioLogic


def _read_mpt(path: Path, cycle: int | None) -> Spectrum:
    lines = _lines(path)
    m = re.match(r"\s*Nb header lines\s*:\s*(\d+)", lines[1] if len(lines) > 1 else "")
    if not m:
        raise NakcellFileError(path, "no 'Nb header lines' entry", "line 2")
    nhead = int(m.group(1))
    if len(lines) < nhead:
        raise NakcellFileError(path, f"header says {nhead} lines but file has {len(lines)}")
    names = [c.strip() for c in lines[nhead - 1].split("\t")]
    rows = [(i + 1, ln.split("\t")) for i, ln in enumerate(lines[nhead:], start=nhead) if ln]
    want = {"f": "freq/Hz", "re": "Re(Z)/Ohm", "mim": "-Im(Z)/Ohm"}
    if "cycle number" in names:
        want["cycle"] = "cycle number"
    cols, linenos = _table(path, rows, names, want)
    meta: dict[str, Any] = {"format": "biologic-mpt", "header_lines": nhead}
    for ln in lines[:nhead]:
        if ln.startswith("Electrode surface area"):
            area = re.search(r":\s*([-+\d.eE]+)\s*cm", ln)
            if area:
                meta["area_m2"] = float(area.group(1)) * 1e-4
        elif ln.startswith("Acquisition started on"):
            meta["date"] = ln.split(":", 1)[1].strip()
        elif ln.startswith("Device"):
            meta["instrument"] = ln.split(":", 1)[1].strip()
    f, re_, mim = cols["f"], cols["re"], cols["mim"]
    if "cycle" in cols:
        f, re_, mim, linenos = _pick_cycle(path, cols["cycle"], cycle, f, re_, mim, linenos)
        meta["cycle"] = cycle if cycle is not None else int(cols["cycle"][0])
    z = [complex(a, -b) for a, b in zip(re_, mim, strict=True)]
    return _finish(path, f, z, linenos, meta)


def _pick_cycle(
    path: Path,
    cycles: list[float],
    cycle: int | None,
    *cols: list[Any],
) -> tuple[list[Any], ...]:
    c = np.asarray(cycles)
    chosen = c[0] if cycle is None else cycle
    keep = np.nonzero(c == chosen)[0]
    if keep.size == 0:
        raise NakcellFileError(path, f"cycle {cycle} not in file (cycles {sorted(set(c))})")
    return tuple([col[i] for i in keep] for col in cols)


def _read_mpr(path: Path, cycle: int | None) -> Spectrum:
    from nakcell.io import biologic
    from nakcell.io._guard import file_errors

    want = {"freq/Hz", "Re(Z)/Ohm", "-Im(Z)/Ohm", "cycle number"}
    with file_errors(path, "BioLogic .mpr file"):
        try:  # nakcell's own parser (nakcell.io.biologic); galvani for unknown column ids
            cols, start = biologic.mpr_columns(path, lambda have: have & want)
        except biologic._UnknownColumnError:
            cols, start = biologic._mpr_columns_galvani(path, want)
    for col in ("freq/Hz", "Re(Z)/Ohm", "-Im(Z)/Ohm"):
        if col not in cols:
            raise NakcellFileError(path, f"no {col!r} column (not an EIS file?)")
    f = [float(x) for x in cols["freq/Hz"]]
    re_ = [float(x) for x in cols["Re(Z)/Ohm"]]
    mim = [float(x) for x in cols["-Im(Z)/Ohm"]]
    rec = list(range(1, len(f) + 1))
    meta: dict[str, Any] = {"format": "biologic-mpr"}
    if start is not None:
        meta["date"] = start[:10]
        meta["start_time"] = start
    if "cycle number" in cols:
        f, re_, mim, rec = _pick_cycle(path, list(cols["cycle number"]), cycle, f, re_, mim, rec)
    for i, (a, b, c) in enumerate(zip(f, re_, mim, strict=True)):
        if not np.isfinite([a, b, c]).all():
            raise NakcellFileError(path, "NaN or inf in the data", f"record {rec[i]}")
    z = [complex(a, -b) for a, b in zip(re_, mim, strict=True)]
    return _finish(path, f, z, [int(r) for r in rec], meta)


# ----------------------------------------------------------------------------- Gamry


def _read_gamry(path: Path, cycle: int | None) -> Spectrum:
    lines = _lines(path)
    meta: dict[str, Any] = {"format": "gamry-dta"}
    start = None
    declared = None
    for i, ln in enumerate(lines):
        parts = ln.split("\t")
        key = parts[0]
        if key == "TAG" and len(parts) > 1:
            meta["technique"] = parts[1].strip()
        elif key == "DATE" and len(parts) > 2:
            meta["date"] = parts[2].strip()
        elif key == "AREA" and len(parts) > 2:
            meta["area_m2"] = float(parts[2]) * 1e-4
        elif key == "VAC" and len(parts) > 2:
            meta["vac_mV_rms"] = float(parts[2])
        elif key == "PSTAT" and len(parts) > 2:
            meta["instrument"] = parts[2].strip()
        elif key == "ZCURVE" and len(parts) > 1 and parts[1].strip() == "TABLE":
            start = i
            if len(parts) > 2 and parts[2].strip().isdigit():
                declared = int(parts[2])
            break
    if start is None:
        raise NakcellFileError(path, "no ZCURVE table (not an impedance file?)")
    if len(lines) < start + 3:
        raise NakcellFileError(path, "ZCURVE table has no header/units lines", f"line {start + 1}")
    names = [c.strip() for c in lines[start + 1].split("\t")]
    rows: list[tuple[int, list[str]]] = []
    for j in range(start + 3, len(lines)):
        ln = lines[j]
        if not ln.startswith("\t") or not ln.strip():
            break  # the table ends at the first line not indented by a tab
        rows.append((j + 1, [c.strip() for c in ln.split("\t")]))
    if declared is not None and len(rows) < declared:
        raise NakcellFileError(
            path, f"ZCURVE declares {declared} rows but has {len(rows)} (truncated)"
        )
    cols, linenos = _table(path, rows, names, {"f": "Freq", "re": "Zreal", "im": "Zimag"})
    z = [complex(a, b) for a, b in zip(cols["re"], cols["im"], strict=True)]
    return _finish(path, cols["f"], z, linenos, meta)


# ----------------------------------------------------------------------------- ZPlot


def _read_zplot(path: Path, cycle: int | None) -> Spectrum:
    lines = _lines(path)
    meta: dict[str, Any] = {"format": "zplot-z"}
    end = None
    for i, ln in enumerate(lines):
        s = ln.strip()
        if s.startswith("Data Points:"):
            meta["declared_points"] = int(s.split(":", 1)[1])
        elif s.startswith("Date:"):
            meta["date"] = s.split(":", 1)[1].strip()
        elif s.startswith("Surface Area:"):
            meta["area_m2"] = float(s.split(":", 1)[1]) * 1e-4
        elif s == "End Comments":
            end = i
            break
    if end is None or end == 0:
        raise NakcellFileError(path, "no 'End Comments' line ending the ZPlot header")
    names = [c.strip() for c in lines[end - 1].split("\t")]
    rows = [(j + 1, lines[j].split("\t")) for j in range(end + 1, len(lines)) if lines[j].strip()]
    cols, linenos = _table(path, rows, names, {"f": "Freq(Hz)", "re": "Z'(a)", "im": "Z''(b)"})
    z = [complex(a, b) for a, b in zip(cols["re"], cols["im"], strict=True)]
    return _finish(path, cols["f"], z, linenos, meta)


# ----------------------------------------------------------------------------- RelaxIS


def _read_relaxis(path: Path, cycle: int | None) -> Spectrum:
    lines = _lines(path)
    hdr = next((i for i, ln in enumerate(lines[:10]) if ln.startswith("Data:")), None)
    if hdr is None:
        raise NakcellFileError(path, "no 'Data: ...' column header in the first 10 lines")
    names = [c.replace("Data:", "").strip() for c in lines[hdr].split("\t")]
    rows = []
    for j in range(hdr + 1, len(lines)):
        parts = lines[j].split("\t")
        if parts and _NUM.match(parts[0].strip()):
            rows.append((j + 1, parts))
        elif rows and lines[j].strip():
            raise NakcellFileError(path, "non-numeric row inside the data", f"line {j + 1}")
    meta: dict[str, Any] = {"format": "relaxis", "spectrum": lines[hdr + 1].split("\t")[-3:]}
    cols, linenos = _table(path, rows, names, {"f": "Frequency", "re": "Z'", "im": "Z''"})
    z = [complex(a, b) for a, b in zip(cols["re"], cols["im"], strict=True)]
    return _finish(path, cols["f"], z, linenos, meta)


# ----------------------------------------------------------------------------- CSV / text


def _split(line: str, delim: str | None) -> list[str]:
    return [c.strip() for c in (line.split(delim) if delim else line.split())]


def _read_delimited(path: Path, cycle: int | None) -> Spectrum:
    lines = _lines(path)
    content = [(i + 1, ln) for i, ln in enumerate(lines) if ln.strip() and not ln.startswith("#")]
    if not content:
        raise NakcellFileError(path, "no data lines")
    sample = content[min(len(content) - 1, 1)][1]
    delim: str | None = next((d for d in (",", ";", "\t") if d in sample), None)
    first = _split(content[0][1], delim)
    has_header = not all(_NUM.match(c) for c in first if c)
    meta: dict[str, Any] = {"format": "delimited", "delimiter": delim or "whitespace"}
    sign = 0
    fi, ri, ii = 0, 1, 2
    if has_header:
        norm = [c.lower().replace(" ", "").replace('"', "") for c in first]
        norm_nounit = [re.sub(r"\[.*\]$", "", c) for c in norm]

        def find(cands: tuple[str, ...] | dict[str, int], what: str) -> int:
            for j, c in enumerate(norm_nounit):
                if c in cands or norm[j] in cands:
                    return j
            raise NakcellFileError(
                path, f"no {what} column in header {first}", f"line {content[0][0]}"
            )

        fi = find(FREQ_NAMES, "frequency")
        ri = find(REAL_NAMES, "Z' (real part)")
        ii = find(IMAG_NAMES, "Z'' (imaginary part)")
        sign = IMAG_NAMES.get(norm_nounit[ii], IMAG_NAMES.get(norm[ii], 0))
        content = content[1:]
    rows = [(n, _split(ln, delim)) for n, ln in content]
    ncol = len(rows[0][1]) if rows else 0
    if not has_header and ncol < 3:
        raise NakcellFileError(
            path, f"{ncol} columns, expected frequency, Z', Z''", f"line {rows[0][0]}"
        )
    f, re_, im, linenos = [], [], [], []
    for n, parts in rows:
        if len(parts) <= max(fi, ri, ii):
            raise NakcellFileError(
                path, f"row has {len(parts)} fields, expected {max(fi, ri, ii) + 1}", f"line {n}"
            )
        f.append(_float(path, parts[fi], n, "frequency"))
        re_.append(_float(path, parts[ri], n, "Z'"))
        im.append(_float(path, parts[ii], n, "Z''"))
        linenos.append(n)
    if sign == 0:  # no header says it: capacitive data has Im Z < 0 at most frequencies
        sign = -1 if np.count_nonzero(np.asarray(im) > 0) > len(im) / 2 else 1
        meta["imag_sign"] = "auto: column is -Z''" if sign < 0 else "auto: column is Z''"
    else:
        meta["imag_sign"] = "header: column is -Z''" if sign < 0 else "header: column is Z''"
    z = [complex(a, sign * b) for a, b in zip(re_, im, strict=True)]
    return _finish(path, f, z, linenos, meta)
