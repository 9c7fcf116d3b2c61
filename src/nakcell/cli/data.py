"""``nakcell data``: import cycler files, cycle metrics, DuckDB store, compare with a model."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

data_app = typer.Typer(
    name="data",
    help="Tester data: read cycler files, cycle metrics, lab store, compare with a model.",
    no_args_is_help=True,
)

_AREA = typer.Option("--area", help="electrode area, e.g. '0.95 cm2' (bare number: cm2)")
_MASS = typer.Option("--mass", help="active mass, e.g. '1.3 mg' (bare number: mg)")


def register(app: typer.Typer) -> None:
    app.add_typer(data_app, name="data")


def _si(value: str | None, kind: str, name: str) -> float | None:
    from nakcell.units import parse

    return None if value is None else parse(value, kind, name=name)


def _mapping(items: list[str] | None) -> dict[str, str] | None:
    from nakcell.errors import NakcellInputError

    if not items:
        return None
    out = {}
    for it in items:
        key, sep, val = it.partition("=")
        if not sep or not key.strip() or not val.strip():
            raise NakcellInputError("--map", repr(it), "KEY=HEADER[:UNIT], e.g. current_A='I:mA'")
        out[key.strip()] = val.strip()
    return out


def metrics_report(
    path: Path, *, area_m2: float | None, mass_kg: float | None, mapping: dict[str, str] | None
) -> dict[str, Any]:
    """Everything `data metrics` prints, as a dict (field units, keys name them)."""
    from nakcell.analysis import (
        cell_kind,
        critical_current_density,
        cycle_metrics,
        detect_short,
        half_cycle_metrics,
        symmetric_cycle_metrics,
    )
    from nakcell.io import read

    data = read(path, mapping=mapping)
    area = area_m2 if area_m2 is not None else data.meta.get("area_m2")
    mass = mass_kg if mass_kg is not None else data.meta.get("active_mass_kg")
    kind = cell_kind(data)
    report: dict[str, Any] = {
        "file": str(path),
        "format": data.format,
        "n_points": data.n_points,
        "kind": kind,
        "meta": data.meta,
        "area_cm2": area * 1e4 if area else None,
        "mass_mg": mass * 1e6 if mass else None,
        "cycles": cycle_metrics(data, area_m2=area, mass_kg=mass),
    }
    core = data.data[["time_s", "voltage_V", "current_A"]]
    n_bad = int(core.isna().any(axis=1).sum())
    if n_bad:
        report["rows_without_time_voltage_or_current"] = n_bad
    if kind == "symmetric":
        report["symmetric_cycles"] = _field_units(symmetric_cycle_metrics(data, area_m2=area))
        report["half_cycles"] = _field_units(half_cycle_metrics(data, area_m2=area))
        short = detect_short(data, area_m2=area)
        report["short"] = _field_units([short.as_dict()])[0] if short else None
        if area:
            ccd = critical_current_density(data, area_m2=area)
            report["ccd"] = {
                "ccd_mA_cm2": _mA_cm2(ccd["ccd_A_m2"]),
                "ccd_lower_bound_mA_cm2": _mA_cm2(ccd["ccd_lower_bound_A_m2"]),
                "ccd_status": ccd["ccd_status"],
                "last_safe_mA_cm2": _mA_cm2(ccd["last_safe_A_m2"]),
                "max_tested_mA_cm2": _mA_cm2(ccd["max_tested_A_m2"]),
            }
    return report


def _mA_cm2(j: float | None) -> float | None:
    return None if j is None else j * 0.1  # 1 A/m2 = 0.1 mA/cm2


def _field_units(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A/m2 -> mA/cm2 and ohm m2 -> ohm cm2 for printing."""
    out = []
    for r in rows:
        q = dict(r)
        for k in list(q):
            if k.endswith("_A_m2"):
                q[k[:-5] + "_mA_cm2"] = _mA_cm2(q.pop(k))
            elif k.endswith("_ohm_m2"):
                v = q.pop(k)
                q[k[:-7] + "_ohm_cm2"] = None if v is None else v * 1e4
        out.append(q)
    return out


@data_app.command("metrics")
def metrics(
    file: Annotated[Path, typer.Argument(help="cycler file (format detected from content)")],
    area: Annotated[str | None, _AREA] = None,
    mass: Annotated[str | None, _MASS] = None,
    map_: Annotated[
        list[str] | None, typer.Option("--map", help="CSV only: KEY=HEADER[:UNIT]")
    ] = None,
    json_: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Per-cycle capacity, CE, energy, mean voltages, retention; symmetric-cell metrics."""
    from nakcell.cli._common import dumps

    rep = metrics_report(
        file,
        area_m2=_si(area, "area", "--area"),
        mass_kg=_si(mass, "mass", "--mass"),
        mapping=_mapping(map_),
    )
    if json_:
        typer.echo(dumps(rep))
        return
    typer.echo(f"{rep['file']}: {rep['format']}, {rep['n_points']} points, {rep['kind']} cell")
    typer.echo(f"{'cycle':>5} {'chg mAh':>10} {'dchg mAh':>10} {'CE %':>7} {'ret %':>7}")
    for c in rep["cycles"]:
        ce, ret = _fmt(c["coulombic_efficiency_pct"]), _fmt(c["retention_pct"])
        note = "" if c.get("complete", True) else "  partial: " + c.get("partial_reason", "")
        typer.echo(
            f"{c['cycle']:>5} {c['charge_capacity_mAh']:>10.4g}"
            f" {c['discharge_capacity_mAh']:>10.4g} {ce:>7} {ret:>7}{note}"
        )
    if rep.get("short"):
        s = rep["short"]
        typer.echo(f"short ({s['kind']}) at {s['time_s'] / 3600:.3f} h, step {s['step']}")
    if rep.get("ccd"):
        c = rep["ccd"]
        if c["ccd_mA_cm2"] is not None:
            typer.echo(f"CCD {c['ccd_mA_cm2']:.4g} mA/cm2 ({c['ccd_status']})")
        elif c["ccd_lower_bound_mA_cm2"] is not None:
            typer.echo(f"CCD >= {c['ccd_lower_bound_mA_cm2']:.4g} mA/cm2 ({c['ccd_status']})")
    if rep.get("rows_without_time_voltage_or_current"):
        n = rep["rows_without_time_voltage_or_current"]
        typer.echo(f"{n} rows without time, voltage or current (data import quarantines them)")


def _fmt(x: float | None) -> str:
    return "" if x is None else f"{x:.2f}"


@data_app.command("import")
def import_(
    files: Annotated[list[Path], typer.Argument(help="cycler files")],
    db: Annotated[Path, typer.Option("--db", help="DuckDB database file")] = Path("lab.duckdb"),
    cell: Annotated[
        str | None, typer.Option("--cell", help="cell name (default: file stem)")
    ] = None,
    area: Annotated[str | None, _AREA] = None,
    mass: Annotated[str | None, _MASS] = None,
    map_: Annotated[
        list[str] | None, typer.Option("--map", help="CSV only: KEY=HEADER[:UNIT]")
    ] = None,
) -> None:
    """Append cells, runs, cycles and points to DuckDB; one transaction per file, idempotent.
    Rows without time, voltage or current are quarantined (status 'quarantined', with the
    reason), never stored as points."""
    from nakcell.cli._common import dumps
    from nakcell.errors import NakcellFileError
    from nakcell.store.lab import import_files

    results = import_files(
        db,
        files,
        cell=cell,
        area_m2=_si(area, "area", "--area"),
        mass_kg=_si(mass, "mass", "--mass"),
        mapping=_mapping(map_),
    )
    typer.echo(dumps([r.as_dict() for r in results]))
    bad = [r for r in results if r.status == "error"]
    if bad:
        raise NakcellFileError(
            bad[0].path,
            f"{len(bad)} of {len(results)} files rejected (the others were imported)",
        )


@data_app.command("export")
def export(
    db: Annotated[Path, typer.Option("--db", help="DuckDB database file")] = Path("lab.duckdb"),
    out: Annotated[Path, typer.Option("--out", help="folder for the Parquet files")] = Path(
        "lab_parquet"
    ),
) -> None:
    """Write every table of the lab store to Parquet."""
    from nakcell.cli._common import dumps
    from nakcell.errors import NakcellFileError
    from nakcell.store.db import export_parquet
    from nakcell.store.lab import open_lab

    if not db.is_file():
        raise NakcellFileError(db, "no such database")
    con = open_lab(db)
    try:
        written = export_parquet(con, out)
    finally:
        con.close()
    typer.echo(dumps({k: str(v) for k, v in written.items()}))


@data_app.command("plot")
def plot(
    file: Annotated[Path, typer.Argument(help="cycler file")],
    out: Annotated[Path | None, typer.Option("--out", help="image file (default FILE.png)")] = None,
) -> None:
    """Voltage against time of a cycler file; for a full (not symmetric) cell also the
    charge/discharge capacity and CE per cycle (mAh/g when the file gives the mass)."""
    from nakcell.analysis.cycles import cell_kind, cycle_metrics
    from nakcell.io import read
    from nakcell.plotting.cycler import plot_cycler_file

    d = read(file)
    target = out or Path(file.name + ".png")
    full = cell_kind(d) == "full"
    cycles = cycle_metrics(d, mass_kg=d.meta.get("active_mass_kg")) if full else []
    plot_cycler_file(
        d.data["time_s"].to_numpy(),
        d.data["voltage_V"].to_numpy(),
        cycles,
        target,
        title=f"{file.name} ({d.format})",
    )
    typer.echo(str(target))


@data_app.command("compare")
def compare(
    file: Annotated[Path, typer.Argument(help="measured cycler file")],
    cell: Annotated[str | None, typer.Option("--cell", help="registered cell model")] = None,
    sim: Annotated[
        Path | None, typer.Option("--sim", help="simulated trace: CSV with time_s,voltage_V")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="write the overlay to this PNG (none if not given)")
    ] = None,
) -> None:
    """Overlay measured and simulated voltage under the protocol read from the data."""
    import numpy as np

    from nakcell.analysis.compare import (
        compare_traces,
        extract_protocol,
        plot_overlay,
        read_trace,
        simulate_protocol,
    )
    from nakcell.cli._common import dumps
    from nakcell.errors import NakcellInputError
    from nakcell.io import read

    if (cell is None) == (sim is None):
        raise NakcellInputError("--cell/--sim", "both or neither", "exactly one of them")
    d = read(file)
    protocol = extract_protocol(d)
    if sim is not None:
        t_sim, v_sim = read_trace(sim)
        label = sim.name
    else:
        assert cell is not None
        t_sim, v_sim = simulate_protocol(cell, protocol)  # checks the cell name first
    if cell is not None:
        from nakcell.analysis.cycles import cell_kind

        kind = cell_kind(d)
        if kind != "symmetric":
            typer.echo(
                f"nakcell: warning: {file.name} looks like a {kind} cell, not a symmetric "
                f"(plating/stripping) cell; the symmetric model {cell} will not match it",
                err=True,
            )
        label = cell
    tm, vm = d.data["time_s"].to_numpy(), d.data["voltage_V"].to_numpy()
    rep = {
        "file": str(file),
        "protocol": protocol.as_dicts(),
        "comparison": compare_traces(tm, vm, np.asarray(t_sim), np.asarray(v_sim)),
    }
    if out is not None:  # a figure only when asked for (--out)
        plot_overlay(tm, vm, t_sim, v_sim, out, title=file.name, sim_label=label)
        rep["figure"] = str(out)
    typer.echo(dumps(rep))
