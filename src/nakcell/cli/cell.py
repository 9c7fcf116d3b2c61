"""Cell commands: ``cycle``, ``ccd``, ``params``, ``reproduce``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import numpy as np
import typer

from nakcell.cli._common import dumps

CellOpt = Annotated[
    str, typer.Option("--cell", help="seed-nak, seed-na, seed-na-sno2 or a .toml cell file")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="print machine-readable JSON")]
ReadingOpt = Annotated[
    str | None,
    typer.Option(
        "--interface-reading",
        help="how the cell's measured interface resistance is read: per-cell (both "
        "interfaces together) or per-interface; default: the cell's own",
    ),
]
MAH_CM2 = 3.6e4  # C/m2 per mAh/cm2
PlotOpt = Annotated[Path | None, typer.Option("--plot", help="write the trace(s) to this PNG")]


def register(app: typer.Typer) -> None:
    @app.command("version")
    def version() -> None:
        """Print nakcell's version."""
        from nakcell import __version__

        typer.echo(__version__)

    @app.command("cycle")
    def cycle(
        cell: CellOpt = "seed-nak",
        current_density: Annotated[
            str, typer.Option(help="mA/cm2 (or with unit); a comma list runs one batch")
        ] = "25",
        half_cycle: Annotated[str, typer.Option(help="h per half-cycle (or '30 min')")] = "0.5",
        duration: Annotated[str, typer.Option(help="total test time, h (or with unit)")] = "220",
        v_limit: Annotated[str, typer.Option(help="tester voltage limit, V")] = "5 V",
        steps_per_half: Annotated[int, typer.Option(help="time steps per half-cycle")] = 60,
        thermal: Annotated[bool, typer.Option(help="lumped Joule heating")] = False,
        interface_reading: ReadingOpt = None,
        json_out: JsonOpt = False,
        plot: PlotOpt = None,
    ) -> None:
        """Galvanostatic plating/stripping of a symmetric cell."""
        from nakcell.cell.symmetric import simulate_symmetric
        from nakcell.materials import get_cell
        from nakcell.protocols import Galvanostatic
        from nakcell.units import parse, parse_list

        c = _with_reading(get_cell(cell), interface_reading)
        i = parse_list(current_density, "current_density", name="current_density")
        proto = Galvanostatic(
            current_density=tuple(i),
            half_cycle=parse(half_cycle, "time", name="half_cycle", default_unit="h"),
            duration=parse(duration, "time", name="duration", default_unit="h"),
            v_limit=parse(v_limit, "voltage", name="v_limit", default_unit="V"),
        )
        _check_steps(steps_per_half)
        res = simulate_symmetric(
            c,
            proto,
            steps_per_half=steps_per_half,
            thermal=thermal,
            progress=proto.n_halfcycles * steps_per_half > 20000,
        )
        out = [res.summary(k) for k in range(len(i))]
        for o in out:
            o.pop("ccd_mA_cm2")
            o.pop("ccd_is_lower_bound")
            o.pop("ccd_note", None)
        if plot is not None:
            from nakcell.plotting import plot_symmetric

            plot_symmetric(res, plot, title=f"{c.name}: galvanostatic cycling")
        _emit(out[0] if len(out) == 1 and "," not in current_density else out, json_out)
        _why(res)

    @app.command("ccd")
    def ccd(
        cell: CellOpt = "seed-na",
        start: Annotated[str | None, typer.Option(help="first current, mA/cm2")] = None,
        step: Annotated[str | None, typer.Option(help="current increment, mA/cm2")] = None,
        stop: Annotated[str | None, typer.Option(help="last current, mA/cm2")] = None,
        half_cycle: Annotated[
            str | None, typer.Option(help="h per half-cycle (default 0.5 h for solid anodes)")
        ] = None,
        capacity: Annotated[
            str | None,
            typer.Option(
                help="areal capacity per half-cycle, mAh/cm2 (steps of fixed capacity instead "
                "of fixed time; default for liquid-alloy cells: half of what the loading allows)"
            ),
        ] = None,
        cycles_per_step: Annotated[int, typer.Option(help="full cycles at each current")] = 1,
        interface_reading: ReadingOpt = None,
        v_limit: Annotated[str, typer.Option(help="tester voltage limit, V")] = "5 V",
        steps_per_half: Annotated[int, typer.Option(help="time steps per half-cycle")] = 60,
        json_out: JsonOpt = False,
        plot: PlotOpt = None,
    ) -> None:
        """Stepped-current critical current density (CCD) test.

        Defaults follow the seed: alloy cells 5 to 70 mA/cm2 in 5 mA/cm2 steps (Fig 5d reaches
        65 mA/cm2) with a fixed capacity per half-cycle that the alloy loading can hold; Na
        cells 0.1 to 10 mA/cm2 in 0.1 mA/cm2 steps of 0.5 h (ramped until failure; the seed's
        SFig 10/11 range, 0.1-2 mA/cm2, lies inside). A run that
        ends because an electrode runs out of Na reports no CCD.
        """
        from nakcell.cell.symmetric import simulate_symmetric
        from nakcell.materials import get_cell
        from nakcell.protocols import SteppedCCD
        from nakcell.units import parse

        c = _with_reading(get_cell(cell), interface_reading)
        d = default_ccd(c)
        cap = parse_capacity(capacity) if capacity is not None else (None if half_cycle else d[3])
        proto = SteppedCCD(
            start=parse(start, "current_density", name="start") if start else d[0],
            step=parse(step, "current_density", name="step") if step else d[1],
            stop=parse(stop, "current_density", name="stop") if stop else d[2],
            half_cycle=parse(half_cycle or "0.5", "time", name="half_cycle", default_unit="h"),
            cycles_per_step=cycles_per_step,
            v_limit=parse(v_limit, "voltage", name="v_limit", default_unit="V"),
            capacity=cap,
        )
        _check_steps(steps_per_half)
        res = simulate_symmetric(
            c,
            proto,
            steps_per_half=steps_per_half,
            progress=proto.n_halfcycles * steps_per_half > 20000,
        )
        s = res.summary(0)
        out = {
            "cell": c.name,
            "ccd_mA_cm2": s["ccd_mA_cm2"],
            "ccd_is_lower_bound": s["ccd_is_lower_bound"],
            "ccd_note": s["ccd_note"],
            "failure": s["stopped"],
            "time_to_short_h": s["time_to_short_h"],
            "protocol": {
                "start_mA_cm2": proto.start / 10,
                "step_mA_cm2": proto.step / 10,
                "stop_mA_cm2": proto.stop / 10,
                "half_cycle_h": None if proto.capacity else proto.half_cycle / 3600,
                "capacity_mAh_cm2": proto.capacity / MAH_CM2 if proto.capacity else None,
                "cycles_per_step": proto.cycles_per_step,
            },
        }
        if plot is not None:
            from nakcell.plotting import plot_symmetric

            plot_symmetric(res, plot, title=f"{c.name}: stepped-current CCD test", labels=[c.name])
        _emit(out, json_out)
        _why(res)

    @app.command("params")
    def params(cell: CellOpt = "seed-nak", json_out: JsonOpt = False) -> None:
        """List every parameter of a cell with its value, unit and source."""
        from nakcell.materials import get_cell

        rows = get_cell(cell).all_sources()
        if json_out:
            typer.echo(dumps(rows))
            return
        for r in rows:
            typer.echo(f"{r['parameter']:<32} {r['value']:>12.5g} {r['unit']:<12} {r['source']}")

    @app.command("audit")
    def audit_cmd(
        file: Annotated[
            Path | None, typer.Argument(help="literature CSV (default: bundled)")
        ] = None,
        json_out: JsonOpt = False,
        plot: PlotOpt = None,
    ) -> None:
        """Check published symmetric cells against the ohmic limit i L / sigma."""
        from nakcell.report.audit import audit, plot_audit

        rows = audit(file)
        if plot is not None:
            plot_audit(rows, plot)
        if json_out:
            typer.echo(dumps([{k: v for k, v in r.__dict__.items() if k != "row"} for r in rows]))
            return
        for r in rows:
            typer.echo(f"{r.id:<22} {r.verdict:<14} {r.reason}")

    @app.command("reproduce")
    def reproduce(
        out: Annotated[Path, typer.Option("--out", help="output folder")] = Path("reproduce-out"),
        cell: CellOpt = "seed-nak",
        quick: Annotated[bool, typer.Option(help="coarser time steps (for tests)")] = False,
        tester_file: Annotated[
            Path | None,
            typer.Option(
                "--tester-file",
                help="measured cycler file for the tester-data section (default: the shared "
                "LANDdt export, when found)",
            ),
        ] = None,
    ) -> None:
        """Re-run the seed's experiments in silico; write report.html, results.json, figures."""
        from nakcell.report.reproduce import run_reproduce

        path = run_reproduce(out, default_cell=cell, quick=quick, tester_file=tester_file)
        typer.echo(f"wrote {path}")


def default_ccd(cell: object) -> tuple[float, float, float, float | None]:
    """Seed-style CCD steps: (start, step, stop) in A/m2 and the capacity per half-cycle (C/m2,
    None for fixed 0.5 h half-cycles), by whether the anode starts liquid.

    A liquid alloy gets steps of fixed capacity: half of the Na that either electrode can give
    or take before it leaves the liquid field at the cell's temperature (or runs out), so
    the test probes the interface, not the loading.
    """
    from nakcell.materials import Cell

    assert isinstance(cell, Cell)
    if cell.anode.is_liquid(cell.temperature):
        return 50.0, 50.0, 700.0, 0.5 * alloy_capacity(cell)  # 5 to 70 mA/cm2
    return 1.0, 1.0, 100.0, None  # 0.1 to 10 mA/cm2 (the seed's SFig 10/11 0.1-2 inside)


def alloy_capacity(cell: object) -> float:
    """Charge (C/m2) one electrode can strip (or the other plate) and stay liquid."""
    return cell.alloy_capacity()  # type: ignore[attr-defined]


def parse_capacity(text: str) -> float:
    """Areal capacity in mAh/cm2 (number or with unit) -> C/m2."""
    from nakcell.errors import NakcellInputError

    t = text.strip().lower().replace(" ", "")
    for suffix in ("mah/cm2", "mah/cm^2", "mahcm-2"):
        t = t.removesuffix(suffix)
    try:
        val = float(t)
    except ValueError:
        raise NakcellInputError("capacity", text, "a number in mAh/cm2, e.g. 0.5") from None
    if not (np.isfinite(val) and val > 0):
        raise NakcellInputError("capacity", text, "a positive areal capacity in mAh/cm2")
    return val * MAH_CM2


def _with_reading(cell: object, reading: str | None) -> object:
    """The cell with its measured interface resistance read per cell or per interface."""
    if reading is None:
        return cell
    from nakcell.errors import NakcellInputError

    basis = {"per-cell": "per_cell", "per-interface": "per_interface"}.get(reading.lower())
    if basis is None:
        raise NakcellInputError("--interface-reading", reading, "per-cell or per-interface")
    return cell.replace(interface_basis=basis)  # type: ignore[attr-defined]


def _check_steps(n: int) -> None:
    from nakcell.errors import NakcellInputError

    if n < 4:
        raise NakcellInputError("steps_per_half", n, "an integer >= 4")


def _emit(obj: object, json_out: bool) -> None:
    if json_out:
        typer.echo(dumps(obj))  # full precision
        return
    rows = obj if isinstance(obj, list) else [obj]
    for r in rows:
        assert isinstance(r, dict)
        typer.echo("  ".join(f"{k}={human(v)}" for k, v in r.items() if not isinstance(v, dict)))


def human(v: object) -> str:
    """A value for people: floats to 4 significant digits (100.00000000000001 -> 100)."""
    return f"{v:.4g}" if isinstance(v, float) else str(v)


def _why(res: object) -> None:
    """One line per cell that stopped early, saying why (on stderr: JSON stays parseable)."""
    from nakcell.report.explain import stop_explanation

    cells = getattr(res, "cells", [])
    for k in range(len(getattr(res, "stop_reason", []))):
        line = stop_explanation(res, k)
        if line:
            typer.echo(f"{cells[k if len(cells) > 1 else 0].name}: {line}", err=True)
