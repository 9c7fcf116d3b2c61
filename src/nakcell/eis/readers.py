"""Readers for EIS files into :class:`~nakcell.eis.spectrum.Spectrum`.

One entry point, :func:`read`, detects the format from the file's first bytes:

=======================  ===================================  ==============================
format                   detected by                          columns used
=======================  ===================================  ==============================
BioLogic ``.mpr``        ``BIO-LOGIC MODULAR FILE`` (binary)  freq/Hz, Re(Z), -Im(Z)
BioLogic ``.mpt``        ``EC-Lab ASCII FILE``                freq/Hz, Re(Z)/Ohm, -Im(Z)/Ohm
Gamry ``.DTA``           ``EXPLAIN`` + ``TAG`` lines          ZCURVE table: Freq, Zreal, Zimag
ZPlot/ZView ``.z``       ``ZPLOT2 ASCII``                     Freq(Hz), Z'(a), Z''(b)
RelaxIS export           ``RelaxIS``                          Frequency, Z', Z''
VersaStudio ``.par``     ``<Application>`` / ``<Segment``     Definition= line: Frequency(Hz),
                                                              Z Real, Z Imag
text tables              anything else                        by :mod:`nakcell.eis.headers`
=======================  ===================================  ==============================

Text tables (:mod:`nakcell.eis.delimited`) cover CSV/TSV/whitespace with a preamble: CH
Instruments, Autolab FRA (``Z60W``) and NOVA exports, Parstat, PowerSuite, ZPlotW without
comments, |Z|/phase-only tables, headerless f/Z'/Z'' files. DC rows (0 Hz, which GEIS loops
and Parstat files carry) are skipped with a note in ``metadata["notes"]``.

Every failure is a :class:`~nakcell.errors.NakcellFileError` naming the file and the line.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from nakcell.eis._parse import NUM, finish, lines_of, table
from nakcell.eis.delimited import read_delimited, read_versastudio
from nakcell.eis.spectrum import Spectrum
from nakcell.errors import NakcellFileError, NakcellInputError


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
    except (Exception, MemoryError) as exc:  # the reader boundary: nothing else escapes
        msg = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
        raise NakcellFileError(p, f"could not parse ({type(exc).__name__}: {msg})") from exc
    return spec


def _detect(head: bytes) -> Callable[[Path, int | None], Spectrum]:
    if head.startswith(b"BIO-LOGIC MODULAR FILE"):
        return _read_mpr
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        text = head[: len(head) // 2 * 2].decode("utf-16", errors="replace").lstrip("\ufeff")
    else:
        text = head.decode("latin-1").lstrip("\ufeff").lstrip("\xef\xbb\xbf")
    first = text.lstrip().splitlines()[0].strip() if text.strip() else ""
    if first.startswith("EC-Lab ASCII FILE"):
        return _read_mpt
    if first.startswith("EXPLAIN") or re.search(r"^TAG\t", text, re.M):
        return _read_gamry
    if first.startswith("ZPLOT2 ASCII"):
        return _read_zplot
    if first.startswith("RelaxIS"):
        return _read_relaxis
    if first.startswith("<Application>") or re.search(r"^\s*<Segment\d+>", text, re.M):
        return lambda p, c: read_versastudio(p, lines_of(p))
    return lambda p, c: read_delimited(p, lines_of(p))


# ----------------------------------------------------------------------------- BioLogic


def _read_mpt(path: Path, cycle: int | None) -> Spectrum:
    lines = lines_of(path)
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
    cols, linenos = table(path, rows, names, want, header_line=nhead)
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
    return finish(path, f, z, linenos, meta)


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
    return finish(path, f, z, [int(r) for r in rec], meta)


# ----------------------------------------------------------------------------- Gamry


def _read_gamry(path: Path, cycle: int | None) -> Spectrum:
    lines = lines_of(path)
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
    cols, linenos = table(
        path, rows, names, {"f": "Freq", "re": "Zreal", "im": "Zimag"}, header_line=start + 2
    )
    z = [complex(a, b) for a, b in zip(cols["re"], cols["im"], strict=True)]
    return finish(path, cols["f"], z, linenos, meta)


# ----------------------------------------------------------------------------- ZPlot


def _read_zplot(path: Path, cycle: int | None) -> Spectrum:
    lines = lines_of(path)
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
    cols, linenos = table(
        path, rows, names, {"f": "Freq(Hz)", "re": "Z'(a)", "im": "Z''(b)"}, header_line=end
    )
    z = [complex(a, b) for a, b in zip(cols["re"], cols["im"], strict=True)]
    return finish(path, cols["f"], z, linenos, meta)


# ----------------------------------------------------------------------------- RelaxIS


def _read_relaxis(path: Path, cycle: int | None) -> Spectrum:
    lines = lines_of(path)
    hdr = next((i for i, ln in enumerate(lines[:10]) if ln.startswith("Data:")), None)
    if hdr is None:
        raise NakcellFileError(path, "no 'Data: ...' column header in the first 10 lines")
    names = [c.replace("Data:", "").strip() for c in lines[hdr].split("\t")]
    rows = []
    for j in range(hdr + 1, len(lines)):
        parts = lines[j].split("\t")
        if parts and NUM.match(parts[0].strip()):
            rows.append((j + 1, parts))
        elif rows and lines[j].strip():
            raise NakcellFileError(path, "non-numeric row inside the data", f"line {j + 1}")
    meta: dict[str, Any] = {"format": "relaxis", "spectrum": lines[hdr + 1].split("\t")[-3:]}
    cols, linenos = table(
        path, rows, names, {"f": "Frequency", "re": "Z'", "im": "Z''"}, header_line=hdr + 1
    )
    z = [complex(a, b) for a, b in zip(cols["re"], cols["im"], strict=True)]
    return finish(path, cols["f"], z, linenos, meta)
