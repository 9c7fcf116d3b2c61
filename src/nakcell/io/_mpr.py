"""BioLogic EC-Lab .mpr container: module headers, the data module's column layout
(ids, types, flag bits, record size, unknown ids sized from the record), the acquisition
start and the settings module's mass and electrode area. Used by :mod:`nakcell.io.biologic`;
format notes in docs/data.md."""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from nakcell.errors import NakcellFileError
from nakcell.io._guard import require

# ---------------------------------------------------------------------------------------
# .mpr: EC-Lab's binary container (format notes in docs/data.md)
# ---------------------------------------------------------------------------------------

#: first 52 bytes of every .mpr file
_MPR_MAGIC = b"BIO-LOGIC MODULAR FILE\x1a" + b" " * 25 + b"\x00" * 4
#: module header after b"MODULE": short name (10 bytes), long name (25), then either
#: length u4, version u4, date (8 ASCII bytes, MM/DD/YY) -- EC-Lab < 11.50 -- or, when the
#: first u4 is 0xFFFFFFFF (EC-Lab >= 11.50), max length u4, length u4, version u4, an
#: unknown u4 and the date.
_MODULE = b"MODULE"
_HDR_OLD = struct.Struct("<10s25sII8s")
_HDR_NEW = struct.Struct("<10s25sIIII8s")

#: Data-module column id -> (name, numpy type). Names are those EC-Lab writes in the .mpt
#: header of the same column (EC-Lab manual, "Data file columns"); ids and sizes are the
#: layout documented by the community (found comparing .mpr files with their .mpt
#: exports; galvani keeps the same facts). Newer EC-Lab versions renumbered a few columns
#: (211 -> 467, 212 -> 468, ...): both ids are listed. Flag ids are in _FLAG_IDS.
_COLUMN_IDS: dict[int, tuple[str, str]] = {
    **{i: (n, "<f8") for i, n in (
        (4, "time/s"), (7, "dq/mA.h"), (11, "<I>/mA"), (13, "(Q-Qo)/mA.h"),
        (23, "dQ/mA.h"), (24, "cycle number"), (74, "|Energy|/W.h"),
        (123, "Energy charge/W.h"), (124, "Energy discharge/W.h"),
        (125, "Capacitance charge/µF"), (126, "Capacitance discharge/µF"),
        (211, "Q charge/discharge/mA.h"), (467, "Q charge/discharge/mA.h"),
        (438, "step time/s"), (500, "step time/s"), (498, "Q charge/mA.h"),
        (499, "Q discharge/mA.h"), (501, "Efficiency/%"), (502, "Capacity/mA.h"),
        # the .mpt export of yadg's mb.issue_223 names it, in this place of its header
        (880, "Energy we/W.h"),
    )},
    **{i: (n, "<f4") for i, n in (
        (5, "control/V/mA"), (6, "Ewe/V"), (8, "I/mA"), (9, "Ece/V"),
        (16, "Analog IN 1/V"), (17, "Analog IN 2/V"), (19, "control/V"), (20, "control/mA"),
        (26, "Rapp/Ohm"), (27, "Ewe-Ece/V"), (32, "freq/Hz"), (33, "|Ewe|/V"),
        (34, "|I|/A"), (35, "Phase(Z)/deg"), (36, "|Z|/Ohm"), (37, "Re(Z)/Ohm"),
        (38, "-Im(Z)/Ohm"), (69, "R/Ohm"), (70, "P/W"), (75, "Analog OUT/V"),
        (76, "<I>/mA"), (77, "<Ewe>/V"), (78, "Cs-2/µF-2"), (96, "|Ece|/V"),
        (98, "Phase(Zce)/deg"), (99, "|Zce|/Ohm"), (100, "Re(Zce)/Ohm"),
        (101, "-Im(Zce)/Ohm"), (163, "|Estack|/V"), (168, "Rcmp/Ohm"), (169, "Cs/µF"),
        (172, "Cp/µF"), (173, "Cp-2/µF-2"), (174, "<Ewe>/V"), (178, "(Q-Qo)/C"),
        (179, "dQ/C"), (242, "|E2|/V"), (271, "Phase(Z1) / deg"), (272, "Phase(Z2) / deg"),
        (301, "|Z1|/Ohm"), (302, "|Z2|/Ohm"), (331, "Re(Z1)/Ohm"), (332, "Re(Z2)/Ohm"),
        (361, "-Im(Z1)/Ohm"), (362, "-Im(Z2)/Ohm"), (391, "<E1>/V"), (392, "<E2>/V"),
        (422, "Phase(Zstack)/deg"), (423, "|Zstack|/Ohm"), (424, "Re(Zstack)/Ohm"),
        (425, "-Im(Zstack)/Ohm"), (426, "<Estack>/V"), (430, "Phase(Zwe-ce)/deg"),
        (431, "|Zwe-ce|/Ohm"), (432, "Re(Zwe-ce)/Ohm"), (433, "-Im(Zwe-ce)/Ohm"),
        (434, "(Q-Qo)/C"), (435, "dQ/C"), (441, "<Ecv>/V"), (462, "Temperature/°C"),
        (471, "<Ece>/V"), (505, "Rdc/Ohm"),
    )},
    # harmonic analysis (older and newer id ranges, one layout each)
    **{base + k: (n, "<f4") for base in (217, 473) for k, n in (
        (0, "THD Ewe/%"), (1, "THD I/%"), (3, "NSD Ewe/%"), (4, "NSD I/%"),
        (6, "NSR Ewe/%"), (7, "NSR I/%"),
    )},
    **{base + k: (f"|{q} h{k + 2}|/{unit}", "<f4")
       for base, q, unit in ((230, "Ewe", "V"), (236, "I", "A"), (486, "Ewe", "V"),
                             (492, "I", "A"))
       for k in range(6)},
    39: ("I Range", "<u2"), 131: ("Ns", "<u2"), 509: ("Acir/Dcir Control", "<u1"),
    212: ("half cycle", "<u4"), 468: ("half cycle", "<u4"),
    213: ("z cycle", "<u4"), 469: ("z cycle", "<u4"),
}  # fmt: skip
#: Flag column ids: all present flags share one byte, placed where the first flag id is.
#: id -> (name, bit mask, shift). 'mode' is 1 CC, 2 CV/CA, 3 rest; 'ox/red' 1 = oxidation.
_FLAG_IDS: dict[int, tuple[str, int, int]] = {
    1: ("mode", 0x03, 0), 2: ("ox/red", 0x04, 2), 3: ("error", 0x08, 3),
    21: ("control changes", 0x10, 4), 31: ("Ns changes", 0x20, 5),
    65: ("counter inc.", 0x80, 7),
}  # fmt: skip
_FLAG_BITS = {name: (mask, shift) for name, mask, shift in _FLAG_IDS.values()}
#: bytes of each stored column type
_ITEMSIZE = {typ: np.dtype(typ).itemsize for _, typ in _COLUMN_IDS.values()}


@dataclass(frozen=True)
class _Module:
    name: str
    offset: int  # of the module's body (after its header) in the file
    length: int
    version: int
    date: bytes


def _mpr_modules(buf: Any, path: Path) -> list[_Module]:
    """Walk the module headers of a .mpr memory map (each module's body is skipped)."""
    size = len(buf)
    require(size >= len(_MPR_MAGIC), path, f"{size} bytes, too short for a .mpr file")
    require(
        buf[: len(_MPR_MAGIC)] == _MPR_MAGIC,
        path,
        "not a BioLogic .mpr file (no 'BIO-LOGIC MODULAR FILE' magic)",
        "byte 0",
    )
    modules: list[_Module] = []
    pos = len(_MPR_MAGIC)
    while pos < size:  # every pass moves on by at least one header: no hang
        # (messages are formatted only on failure: this loop runs on every read)
        if buf[pos : pos + 6] != _MODULE:
            raise NakcellFileError(path, "expected a 'MODULE' header", f"byte {pos}")
        head = pos + len(_MODULE)
        new = buf[head + 35 : head + 39] == b"\xff\xff\xff\xff"
        hdr = _HDR_NEW if new else _HDR_OLD
        if head + hdr.size > size:
            raise NakcellFileError(
                path, "truncated: file ends inside a module header", f"byte {pos}"
            )
        if new:
            short, _, _, length, version, _, date = hdr.unpack_from(buf, head)
        else:
            short, _, length, version, date = hdr.unpack_from(buf, head)
        name = short.decode("latin-1").strip()
        body = head + hdr.size
        if body + length > size:
            raise NakcellFileError(
                path,
                f"truncated: module '{name}' says {length} bytes but the file ends "
                f"{size - body} bytes on",
                f"byte {body}",
            )
        modules.append(_Module(name, body, length, version, date))
        pos = body + length
    return modules


def _data_layout(buf: Any, mod: _Module, path: Path) -> tuple[int, list[int], int]:
    """(points, column ids, offset of the first record) of a 'VMP data' module.

    Body: point count u4, column count u1, then the column ids and zero padding up to the
    records. Version 0 (EC-Lab < 11.50): u1 ids from byte 5, records from byte 100;
    version 0 written by EC-Lab >= 11.50 (byte 5 is 0): u2 ids from byte 6, records from
    byte 1007; version 2: u2 ids from byte 5, records from 405; version 3: as 2 with one
    more byte, records from 406.
    """
    o = mod.offset
    require(mod.length >= 6, path, "'VMP data' module too short for its header", f"byte {o}")
    n_points, n_cols = struct.unpack_from("<IB", buf, o)
    if mod.version == 0 and buf[o + 5] != 0:
        ids_at, id_size, records = 5, 1, 100
    elif mod.version == 0:
        ids_at, id_size, records = 6, 2, 1007
    elif mod.version in (2, 3):
        ids_at, id_size, records = 5, 2, 405 if mod.version == 2 else 406
    else:
        raise NakcellFileError(
            path, f"'VMP data' module version {mod.version} is not known", f"byte {o}"
        )
    require(
        records <= mod.length and ids_at + id_size * n_cols <= records,
        path,
        f"'VMP data' module of {mod.length} bytes cannot hold its {n_cols}-column header",
        f"byte {o}",
    )
    fmt = "<" + ("B" if id_size == 1 else "H") * n_cols
    ids = list(struct.unpack_from(fmt, buf, o + ids_at))
    return n_points, ids, o + records


def _record_layout(
    ids: list[int], n: int, nbytes: int, path: Path
) -> tuple[dict[str, tuple[str, int]], int | None, list[str], int, list[str]]:
    """Where each column sits in a record: (name -> (type, offset), offset of the flag
    byte, flag names, record size, the columns that cannot be read).

    A column id missing from :data:`_COLUMN_IDS` has no known size, but the record size
    does: the module's record bytes over its point count. With one unknown id its size is
    the rest, and every other column is read; with several, the columns before the first
    and after the last are read (offsets from either end of the record) and those between
    cannot be placed. Every column not read is named ('id 883 (W bytes)' / 'P/W (between
    unknown ids)'); a file whose time or voltage is among them is refused.
    """
    items: list[tuple[str, str | None, int]] = []  # (name, type, size); type None: unknown
    flag_names: list[str] = []
    seen: set[str] = set()
    for cid in ids:
        if cid in _FLAG_IDS:
            flag_names.append(_FLAG_IDS[cid][0])
            if "flags" not in seen:
                items.append(("flags", "u1", 1))
                seen.add("flags")
            continue
        if cid not in _COLUMN_IDS:
            items.append((f"id {cid}", None, 0))
            continue
        name, typ = _COLUMN_IDS[cid]
        base, k = name, 2
        while name in seen:
            name, k = f"{base} {k}", k + 1
        seen.add(name)
        items.append((name, typ, _ITEMSIZE[typ]))
    unknown = [k for k, it in enumerate(items) if it[1] is None]
    known = sum(size for _, _, size in items)
    if not unknown:
        return (*_placed(items, range(len(items)), 0, flag_names), known, [])
    if n == 0:  # no records to size them by: nothing to read either ('no data points')
        names = [f"{items[k][0]} (no records to size it)" for k in unknown]
        return (*_placed(items, range(unknown[0]), 0, flag_names), nbytes, names)
    rec = nbytes // n
    if rec * n != nbytes or rec <= known:
        raise NakcellFileError(
            path,
            f"column ids {[items[k][0][3:] for k in unknown]} are unknown and the records "
            f"({nbytes} bytes for {n} points) leave them no room",
        )
    spare = rec - known
    a, b = unknown[0], unknown[-1]
    head = _placed(items, range(a), 0, flag_names)
    tail_start = rec - sum(size for _, _, size in items[b + 1 :])
    tail = _placed(items, range(b + 1, len(items)), tail_start, flag_names)
    fields = {**head[0], **tail[0]}
    flags_at = head[1] if head[1] is not None else tail[1]
    unread = []
    if len(unknown) == 1:
        unread.append(f"{items[a][0]} ({spare} bytes)")
    else:
        unread.append(f"ids {', '.join(items[k][0][3:] for k in unknown)} ({spare} bytes)")
        unread += [f"{items[k][0]} (between unknown ids)" for k in range(a + 1, b)
                   if items[k][1] is not None]  # fmt: skip
    if flags_at is None:
        flag_names = []
    lost = {nm for nm, _, _ in items[a + 1 : b]} & {"time/s", "Ewe/V", "<Ewe>/V", "Ecell/V"}
    if lost:
        raise NakcellFileError(
            path, f"{sorted(lost)} cannot be placed: they lie between unknown {unread[0]}"
        )
    return fields, flags_at, flag_names, rec, unread


def _placed(
    items: list[tuple[str, str | None, int]], which: range, at: int, flag_names: list[str]
) -> tuple[dict[str, tuple[str, int]], int | None, list[str]]:
    """Offsets of ``items[which]`` laid end to end from byte ``at`` of the record."""
    fields: dict[str, tuple[str, int]] = {}
    flags_at = None
    for k in which:
        name, typ, size = items[k]
        if name == "flags":
            flags_at = at
        elif typ is not None:
            fields[name] = (typ, at)
        at += size
    return fields, flags_at, flag_names


def _mpr_start(buf: Any, modules: list[_Module]) -> str | None:
    """Acquisition start: the 'VMP LOG' module's OLE date (days since 1899-12-30).

    It sits 465, 469, 473 or 585 bytes into the module (EC-Lab version dependent); the
    first of these that holds a date in 2009-2036 (40000-50000 days) is taken. Without a
    log module, the 'VMP Set' module header's date (MM/DD/YY) gives the day.
    """
    from datetime import datetime, timedelta

    for m in modules:
        if m.name != "VMP LOG":
            continue
        for at in (465, 469, 473, 585):
            if at + 8 <= m.length:
                (days,) = struct.unpack_from("<d", buf, m.offset + at)
                if 40000.0 < days < 50000.0:
                    return (datetime(1899, 12, 30) + timedelta(days=days)).isoformat()
    for m in modules:
        if m.name == "VMP Set":
            for fmt in ("%m/%d/%y", "%m-%d-%y", "%m.%d.%y"):
                try:
                    day = datetime.strptime(m.date.decode("latin-1"), fmt).date()
                    return day.isoformat()
                except ValueError:
                    continue
    return None


#: 'VMP Set' module (version 0) fields at fixed offsets: the same values EC-Lab prints in
#: the .mpt header ("Mass of active material : 0.790 mg", "Electrode surface area :
#: 0.001 cm2"), found at these offsets in the shared gcpl.issue_211 .mpr/.mpt pair and
#: documented likewise by the community (vince-sec's eclabfiles). Pascal strings (length
#: byte, text) before them may not run past the next field, else the layout is unknown.
_SET_MASS_MG = 0x107  # f4, active material mass / mg
_SET_AREA = 0x211  # f4, electrode surface area, in the unit coded at _SET_AREA_UNIT
#: u1 code of the area's unit, the unit the .mpt header prints beside the same number
#: ("Electrode surface area : 113.100 mm²" where the code is 3, "1.131 cm²" where it is
#: 2): found comparing the .mpr/.mpt pairs of yadg's tests/test_x_eclab (gcpl.issue_226
#: CxN and I, peis.issue_225, ca, geis, ocv, mb, gcpl.issue_211: tests/data/cyclers).
#: Another code leaves the area unreported (meta 'area_unit_code'), never guessed.
_SET_AREA_UNIT = 0x250
_AREA_UNITS_M2 = {2: 1e-4, 3: 1e-6}
_SET_STRINGS = ((0x007, 0x107), (0x11E, 0x1C0), (0x1C0, 0x211), (0x215, 0x24C))
#: 'VMP LOG' module: channel index from 0 (EC-Lab names the file ..._C09 for index 8)
_LOG_CHANNEL = 0x009
#: what EC-Lab stores in a mass or area field the user left blank (its setting templates
#: show "0.001 mg", "0.001 cm2"): not a measurement, so not reported
_BLANK = 0.001


def _mpr_settings(buf: Any, modules: list[_Module]) -> dict[str, Any]:
    """Channel, active mass (kg) and electrode area (m2) from the settings and log modules,
    where the layout is the known one and the values are real entries (not blanks)."""
    meta: dict[str, Any] = {}
    for m in modules:
        if m.name == "VMP LOG" and m.version == 0 and m.length > _LOG_CHANNEL:
            meta["channel"] = str(buf[m.offset + _LOG_CHANNEL] + 1)
        if m.name != "VMP Set" or m.version != 0 or m.length < _SET_STRINGS[-1][1]:
            continue
        o = m.offset
        if any(buf[o + at] > end - at - 1 for at, end in _SET_STRINGS):
            continue  # a string longer than its slot: offsets after it are unknown
        code = buf[o + _SET_AREA_UNIT] if m.length > _SET_AREA_UNIT else None
        area_si = _AREA_UNITS_M2.get(code) if code is not None else None
        if area_si is None:
            meta["area_unit_code"] = code
        for key, at, to_si in (
            ("active_mass_kg", _SET_MASS_MG, 1e-6),
            ("area_m2", _SET_AREA, area_si),
        ):
            (x,) = struct.unpack_from("<f", buf, o + at)
            if to_si is not None and math.isfinite(x) and x > 0:
                # the float32 as the decimal EC-Lab shows (0.790, not 0.79000002)
                meta[key] = float(f"{x:.7g}") * to_si
    return _drop_blanks(meta)


def _drop_blanks(meta: dict[str, Any]) -> dict[str, Any]:
    """``meta`` without a mass or area that is missing or EC-Lab's blank value (0.001 mg,
    0.001 cm2): no measurement. Changes and returns ``meta``."""
    for key, blank in (("active_mass_kg", _BLANK * 1e-6), ("area_m2", _BLANK * 1e-4)):
        if key in meta and (meta[key] is None or abs(meta[key] - blank) < 1e-6 * blank):
            del meta[key]
    return meta
