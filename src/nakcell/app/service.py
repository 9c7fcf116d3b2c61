"""What the app does, as plain functions on nakcell's Python API (no web code here).

Every function takes the strings a form holds and parses them exactly as the CLI does
(:func:`nakcell.units.parse` with the CLI's parameter names, cells through
:func:`nakcell.materials.load_cell`), so a bad value raises the same
:class:`nakcell.errors.NakcellError` and the app shows the CLI's one-line message.
"""

from __future__ import annotations

import base64
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from nakcell.app.calib_service import (  # the Calibration tab's reading, re-exported
    CalibrationView,
    diagnostic_rows,
    load_calibration,
    parameter_rows,
)
from nakcell.errors import NakcellError, NakcellInputError

NAMED_CELLS = ("seed-nak", "seed-na", "seed-na-sno2")

#: the fields the app lets one edit: (row key, TOML table or "", TOML key, unit shown)
EDITABLE: tuple[tuple[str, str, str, str], ...] = (
    ("cell.thickness", "", "thickness", "mm"),
    ("cell.diameter", "", "diameter", "mm"),
    ("cell.temperature", "", "temperature", "degC"),
    ("cell.stack_pressure", "", "stack_pressure", "MPa"),
    ("anode.thickness", "anode", "thickness", "mm"),
    ("anode.wt_pct_K", "anode", "wt_pct_K", "wt%"),
    ("electrolyte.sigma_ref", "electrolyte", "sigma_ref", "S/cm"),
)


def error_line(exc: BaseException) -> str:
    """The CLI's one line for a nakcell error (``nakcell: error: ...``)."""
    return f"nakcell: error: {exc}"


def _round(v: Any) -> Any:
    return float(f"{v:.6g}") if isinstance(v, float) else v


def cell_rows(cell: Any) -> list[dict[str, Any]]:
    """The editable fields of ``cell``: parameter, value, unit, source."""
    from nakcell.materials.anodes import x_Na_to_wt_pct_Na

    src = {r["parameter"]: r for r in cell.all_sources()}
    rows = []
    for key, _table, _name, unit in EDITABLE:
        if key == "anode.wt_pct_K":
            if cell.anode.x_Na >= 1.0:
                continue
            value = 100.0 - float(x_Na_to_wt_pct_Na(cell.anode.x_Na))
            source = src["anode.x_Na"]["source"]
        else:
            value, source = src[key]["value"], src[key]["source"]
        rows.append({"parameter": key, "value": _round(value), "unit": unit, "source": source})
    return rows


def cell_from_form(
    base: str, rows: list[dict[str, Any]], original: list[dict[str, Any]], where: str
) -> Any:
    """The cell ``base`` with the values of ``rows`` that differ from ``original``, loaded
    through the same TOML path as ``nakcell --cell file.toml`` (errors name ``where``)."""
    from nakcell.materials import load_cell

    before = {r["parameter"]: r["value"] for r in original}
    top, tables = [f'base = "{base}"', f'name = "{Path(where).stem}"'], {}
    spec = {k: (t, n, u) for k, t, n, u in EDITABLE}
    for r in rows:
        key, value = r["parameter"], r["value"]
        if str(value) == str(before.get(key)):
            continue
        table, name, unit = spec[key]
        text = str(value).strip()
        line = f"{name} = {_toml_value(text, unit)}"
        if table:
            tables.setdefault(table, []).append(line)
        else:
            top.append(line)
    if "anode" in tables and any(s.startswith("wt_pct_K") for s in tables["anode"]):
        tables["anode"].insert(0, 'preset = "NaK"')
    body = "\n".join(top) + "".join(f"\n[{t}]\n" + "\n".join(v) for t, v in tables.items())
    return load_cell(_temp_file(where, body.encode()))


def _toml_value(text: str, unit: str) -> str:
    try:
        float(text)
    except ValueError:
        return '"' + text.replace('"', "'") + '"'  # a string with its own unit, or bad input
    return f'"{text} {unit}"' if unit not in ("wt%",) else text


def _temp_file(name: str, data: bytes) -> Path:
    d = Path(tempfile.mkdtemp(prefix="nakcell-app-"))
    p = d / Path(name).name
    p.write_bytes(data)
    return p


def decode_upload(contents: str, filename: str) -> Path:
    """A dcc.Upload payload (``data:...;base64,...``) written to a temporary file."""
    _, _, b64 = contents.partition(",")
    return _temp_file(filename, base64.b64decode(b64))


def get_cell(name: str, uploaded: str | None = None) -> Any:
    """A named cell, or the uploaded TOML file's cell."""
    from nakcell.materials import get_cell as _get

    return _get(uploaded if name == "uploaded" and uploaded else name)


# ------------------------------------------------------------------------- protocols
@dataclass
class ProtocolForm:
    kind: str  # galvanostatic | ccd | rate
    current_density: str = "25"
    half_cycle: str = "0.5"
    duration: str = "20"
    start: str = "5"
    step: str = "5"
    stop: str = "70"
    rates: str = "0.1,0.2,0.5,1,2,5,10,20"


def build_protocol(form: ProtocolForm) -> Any:
    """The protocol object of a form, parsed as the CLI parses ``cycle``/``ccd``/``full``."""
    from nakcell.protocols import FullCellCycling, Galvanostatic, SteppedCCD
    from nakcell.units import parse, parse_list

    if form.kind == "rate":
        try:
            rates = tuple(float(x) for x in form.rates.split(","))
        except ValueError:
            raise NakcellInputError("rates", repr(form.rates), "C-rates, e.g. '0.1,1,10'") from None
        return FullCellCycling.rate_test(rates, 1)
    half = parse(form.half_cycle, "time", name="half_cycle", default_unit="h")
    if form.kind == "ccd":
        return SteppedCCD(
            start=parse(form.start, "current_density", name="start"),
            step=parse(form.step, "current_density", name="step"),
            stop=parse(form.stop, "current_density", name="stop"),
            half_cycle=half,
        )
    i = parse_list(form.current_density, "current_density", name="current_density")
    dur = parse(form.duration, "time", name="duration", default_unit="h")
    return Galvanostatic(current_density=tuple(i), half_cycle=half, duration=dur)


def run_symmetric(cell: Any, protocol: Any, steps_per_half: int = 30) -> dict[str, Any]:
    """Simulate; return plain data for the figures and the one-line stop reasons."""
    from nakcell.cell.symmetric import simulate_symmetric
    from nakcell.plotting.interactive import symmetric_traces

    res = simulate_symmetric(cell, protocol, steps_per_half=steps_per_half)
    n = res.voltage.shape[1]
    labels = [f"{cell.name}, {res.current_density[k] / 10:g} mA/cm²" for k in range(n)]
    mean_v = np.abs(res.halfcycle_mean_v) * 1e3
    cur = np.abs(res.halfcycle_current) / 10.0
    ok = np.isfinite(mean_v)
    return {
        "traces": symmetric_traces(res, labels),
        "summaries": [res.summary(k) for k in range(n)],
        "eta": {"i_mA_cm2": cur[ok].tolist(), "V_mV": mean_v[ok].tolist()},
        "why": [stop_line(res, k) for k in range(n)],
    }


def stop_line(res: Any, k: int) -> str | None:
    """One line on why cell ``k`` stopped early (None when it ran the whole protocol)."""
    from nakcell.report.explain import stop_explanation

    return stop_explanation(res, k)


def run_full_rate(cell: Any, protocol: Any) -> dict[str, Any]:
    """Full cell (this cell's anode side and pellet | the seed's NVP) rate test on PyBaMM:
    plain data for the figure."""
    from nakcell.cell.full import FullCell, simulate_full
    from nakcell.materials.cathodes import NVPCathode
    from nakcell.plotting.interactive import full_traces

    r = simulate_full(FullCell(cell, NVPCathode()), protocol)
    return {"traces": full_traces([r]), "by_rate": r.by_rate()}


# ------------------------------------------------------------------------- EIS
def eis_simulate(cell: Any) -> dict[str, Any]:
    """The cell model's spectrum (ohm cm2) and its element values."""
    from nakcell.cell.symmetric import eis_stack
    from nakcell.eis.physical import spectrum_from_cell

    s = spectrum_from_cell(eis_stack(cell))
    return {"f": s.frequency_Hz, "Z_cm2": s.Z_ohm * s.area_m2 * 1e4, "elements": s.elements}


def eis_analyse(path: Path, circuit: str, area: str | None) -> dict[str, Any]:
    """Read a spectrum file, fit ``circuit``, run the DRT and Lin-KK, as ``nakcell eis``."""
    from nakcell.eis.drt import drt
    from nakcell.eis.fit import fit
    from nakcell.eis.kk import lin_kk
    from nakcell.eis.readers import read
    from nakcell.units import parse

    s = read(path)
    area_m2 = parse(area, "area", name="area", default_unit="cm**2") if area else None
    res = fit(s.frequency_Hz, s.Z_ohm, circuit, area_m2=area_m2)
    return {
        "spectrum": s,
        "fit": res,
        "Z_fit": res.predict(s.frequency_Hz),
        "drt": drt(s.frequency_Hz, s.Z_ohm),
        "kk": lin_kk(s.frequency_Hz, s.Z_ohm),
    }


# ------------------------------------------------------------------------- sweep DB
def duckdb_tables(path: str | Path) -> list[str]:
    """Tables (and views) of a DuckDB file, opened read-only."""
    import duckdb

    p = Path(path)
    if not p.is_file():
        raise NakcellInputError("database", str(p), "an existing DuckDB file")
    try:
        with duckdb.connect(str(p), read_only=True) as con:
            return [r[0] for r in con.execute("SHOW TABLES").fetchall()]
    except duckdb.Error as exc:
        raise NakcellInputError("database", p.name, f"a DuckDB file ({exc})") from None


def duckdb_rows(path: str | Path, table: str, limit: int = 200) -> list[dict[str, Any]]:
    """The first ``limit`` rows of ``table``."""
    import duckdb

    if table not in duckdb_tables(path):
        raise NakcellInputError("table", repr(table), "a table of the database")
    with duckdb.connect(str(path), read_only=True) as con:
        df = con.execute(f'SELECT * FROM "{table}" LIMIT {int(limit)}').fetchdf()
    return [{k: _plain(v) for k, v in row.items()} for row in df.to_dict("records")]


def _plain(v: Any) -> Any:
    if isinstance(v, float | int | str | bool) or v is None:
        return _round(v) if isinstance(v, float) else v
    return str(v)


__all__ = [
    "NAMED_CELLS",
    "CalibrationView",
    "NakcellError",
    "ProtocolForm",
    "build_protocol",
    "cell_from_form",
    "cell_rows",
    "decode_upload",
    "diagnostic_rows",
    "duckdb_rows",
    "duckdb_tables",
    "eis_analyse",
    "eis_simulate",
    "error_line",
    "load_calibration",
    "parameter_rows",
    "run_full_rate",
    "run_symmetric",
]
