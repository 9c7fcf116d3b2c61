"""Format detection from a file's bytes, and the one ``read(path)`` entry point."""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path

from nakcell.errors import NakcellFileError
from nakcell.io.table import CyclerData

#: format name -> "module:function" of its reader (imported on use, so heavy libraries load
#: only for the format at hand).
FORMATS: dict[str, str] = {
    "biologic_mpr": "nakcell.io.biologic:read_mpr",
    "biologic_mpt": "nakcell.io.biologic:read_mpt",
    "neware_nda": "nakcell.io.neware:read_nda",
    "neware_ndax": "nakcell.io.neware:read_ndax",
    "arbin_res": "nakcell.io.arbin:read_res",
    "arbin_xlsx": "nakcell.io.arbin:read_excel",
    "arbin_csv": "nakcell.io.arbin:read_csv",
    "neware_bts_csv": "nakcell.io._neware_bts:read_csv",
    "neware_bts_xlsx": "nakcell.io._neware_bts:read_excel",
    "land_xlsx": "nakcell.io.land:read_excel",
    "maccor_txt": "nakcell.io.maccor:read_text",
    "csv": "nakcell.io.generic:read_csv",
}

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ACCESS = b"\x00\x01\x00\x00Standard Jet DB"
_ACCESS_2007 = b"\x00\x01\x00\x00Standard ACE DB"


def read(
    path: str | Path, *, format: str | None = None, mapping: Mapping[str, str] | None = None
) -> CyclerData:
    """Read any supported cycler file into the tidy table.

    The format is detected from the content (``format`` forces one of :data:`FORMATS`).
    ``mapping`` maps tidy column names to a CSV's own headers for the generic CSV reader,
    e.g. ``{"time_s": "Time (s)", "current_A": "I (A)", "voltage_V": "U (V)"}``.
    Every failure is a :class:`NakcellFileError` naming the file.
    """
    p = Path(path)
    if not p.is_file():
        raise NakcellFileError(p, "no such file")
    fmt = format or detect_format(p)
    if fmt not in FORMATS:
        raise NakcellFileError(p, f"unknown format {fmt!r}; known: {', '.join(FORMATS)}")
    reader = _load(FORMATS[fmt])
    if fmt == "csv":
        return reader(p, mapping=mapping)
    return reader(p)


def detect_format(path: str | Path) -> str:
    """Name the format of ``path`` from its first bytes (the extension only breaks ties)."""
    p = Path(path)
    try:
        with p.open("rb") as fh:
            head = fh.read(4096)
    except OSError as exc:
        raise NakcellFileError(p, f"cannot open ({exc.strerror or exc})") from exc
    ext = p.suffix.lower()
    if not head:
        raise NakcellFileError(p, "empty file")
    if ext == ".cex":
        raise NakcellFileError(
            p,
            "LAND .cex is a closed binary format with no open reader; export the test from "
            "LANDdt as Excel (.xlsx/.xls) and read that",
        )
    if head.startswith(b"BIO-LOGIC MODULAR FILE"):
        return "biologic_mpr"
    if head.startswith(b"EC-Lab ASCII FILE"):
        return "biologic_mpt"
    if head.startswith(b"NEWARE"):
        return "neware_nda"
    if head.startswith((_ACCESS, _ACCESS_2007)):
        return "arbin_res"
    if head.startswith(b"PK\x03\x04"):
        return _detect_zip(p)
    if head.startswith(_OLE2):
        return _detect_excel(p)
    text = head.decode("latin-1")
    first = text.lstrip().splitlines()[0] if text.strip() else ""
    if "Maccor Procedure File" in text[:300]:
        raise NakcellFileError(
            p,
            "a Maccor test procedure (XML): the steps to run, not measured data; read the "
            "test's data file exported as text",
        )
    if first.startswith("MACCOR") and "Impedance" in first:
        raise NakcellFileError(
            p,
            "a Maccor AC impedance (FRA) export: a spectrum, not a cycler time series; "
            "the cycling data of the run are in the Maccor test file it belongs to",
        )
    if first.startswith("Today's Date") or _looks_like_maccor(text):
        return "maccor_txt"
    from nakcell.io.arbin import looks_like_arbin_csv

    if looks_like_arbin_csv(first):
        return "arbin_csv"
    from nakcell.io._neware_bts import looks_like_bts_layered, looks_like_bts_record

    if looks_like_bts_record(first.split(",")) or looks_like_bts_layered(text.splitlines()):
        return "neware_bts_csv"
    if _looks_binary(head):
        if ext[1:].isdigit():
            raise NakcellFileError(
                p,
                "looks like a Maccor raw binary data file, which nakcell does not read; "
                "export it as text from MacTest/MIMS (Export Data -> Text) and read that",
            )
        raise NakcellFileError(p, "unrecognised binary file: not a cycler format nakcell reads")
    return "csv"


def _looks_like_maccor(text: str) -> bool:
    lines = text.splitlines()[:40]
    has_rec = any(ln.startswith(("Rec\t", "Rec#\t")) for ln in lines)
    return has_rec and any("Maccor" in ln or "Cycle" in ln or "Cyc#" in ln for ln in lines)


def _looks_binary(head: bytes) -> bool:
    if b"\x00" in head:
        return True
    ctrl = sum(1 for b in head if b < 9 or 13 < b < 32)
    return ctrl > 0.05 * len(head)


def _detect_zip(p: Path) -> str:
    try:
        with zipfile.ZipFile(p) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise NakcellFileError(p, f"damaged zip container ({exc})") from exc
    if "data.ndc" in names or "Step.xml" in names or "TestInfo.xml" in names:
        return "neware_ndax"
    if "xl/workbook.xml" in names:
        return _detect_excel(p)
    raise NakcellFileError(p, "zip file that is neither a Neware .ndax nor an Excel workbook")


def _detect_excel(p: Path) -> str:
    from nakcell.io._excel import sheet_names

    names = sheet_names(p)
    lower = [n.lower() for n in names]
    if _is_bts_workbook(p, names):
        return "neware_bts_xlsx"
    if "record" in lower or any(n.startswith("record") for n in lower):
        return "land_xlsx"
    if "global_info" in lower or any(n.startswith("channel_") for n in lower):
        return "arbin_xlsx"
    raise NakcellFileError(
        p,
        f"Excel workbook with sheets {names[:6]}: neither a LANDdt export (sheet 'Record') "
        "nor an Arbin export (sheets 'Global_Info', 'Channel_*')",
    )


def _is_bts_workbook(p: Path, names: list[str]) -> bool:
    """A 'record' sheet whose header row is BTSDA's (LANDdt also names a sheet Record)."""
    from nakcell.io._excel import open_workbook
    from nakcell.io._neware_bts import looks_like_bts_record, record_sheet

    name = record_sheet(names)
    if name is None:
        return False
    from nakcell.io._guard import file_errors

    with file_errors(p, "Excel workbook"):
        rows = open_workbook(p).get_sheet_by_name(name).to_python(nrows=1)
    return bool(rows) and looks_like_bts_record([str(h) for h in rows[0]])


def _load(spec: str) -> Callable[..., CyclerData]:
    import importlib

    mod, func = spec.split(":")
    return getattr(importlib.import_module(mod), func)
