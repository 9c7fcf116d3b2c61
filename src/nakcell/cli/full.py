"""Full-cell command: ``nakcell full`` (rate test or long cycling of anode | NHSP | NVP)."""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Annotated

import typer

from nakcell.cli._common import dumps


def parse_c_rate(text: str, name: str = "C_rate") -> float:
    """'10', '10C', 'C/10', '0.1C' -> C-rate as a float (> 0)."""
    from nakcell.errors import NakcellInputError

    t = str(text).strip().replace(" ", "")
    m = re.fullmatch(r"[Cc]/(\d*\.?\d+(?:[eE][-+]?\d+)?)", t)
    try:
        val = 1.0 / float(m.group(1)) if m else float(t.rstrip("Cc"))
    except (ValueError, ZeroDivisionError):
        raise NakcellInputError(
            name, repr(text), "a C-rate > 0, e.g. '10', '10C' or 'C/10'"
        ) from None
    if not (math.isfinite(val) and val > 0):
        raise NakcellInputError(name, repr(text), "a C-rate > 0, e.g. '10', '10C' or 'C/10'")
    return val


def register(app: typer.Typer) -> None:
    @app.command("full")
    def full(
        cell: Annotated[
            str, typer.Option("--cell", help="anode side: seed-nak, seed-na, seed-na-sno2 or .toml")
        ] = "seed-nak",
        rates: Annotated[
            str | None,
            typer.Option(help="rate test: comma list of C-rates (default the seed-style ladder)"),
        ] = None,
        rate: Annotated[str | None, typer.Option(help="long cycling at this C-rate")] = None,
        cycles: Annotated[int, typer.Option(help="cycles for --rate")] = 100,
        cycles_per_rate: Annotated[int, typer.Option(help="cycles at each rate of --rates")] = 5,
        v_min: Annotated[str | None, typer.Option(help="lower cut-off, V (default 2.5)")] = None,
        v_max: Annotated[str | None, typer.Option(help="upper cut-off, V (default 4.0)")] = None,
        model: Annotated[str, typer.Option(help="PyBaMM cathode model: SPM, SPMe, DFN")] = "SPMe",
        temperature: Annotated[
            str | None, typer.Option(help="cell temperature, degC or with unit (default 25)")
        ] = None,
        loading_basis: Annotated[
            str, typer.Option(help="1.3 mg/cm2 is 'active' NVP (default) or 'total' electrode")
        ] = "active",
        json_out: Annotated[bool, typer.Option("--json", help="machine-readable JSON")] = False,
        plot: Annotated[Path | None, typer.Option("--plot", help="write a PNG here")] = None,
        params: Annotated[
            bool, typer.Option("--params", help="list every parameter with unit and source")
        ] = False,
    ) -> None:
        """Full cell anode | Na3Hf2Si2PO12 | liquid interlayer | NVP: rate test or long cycling."""
        from nakcell.cell.full import get_full_cell, simulate_full
        from nakcell.errors import NakcellInputError
        from nakcell.protocols import SEED_RATES, FullCellCycling
        from nakcell.units import parse

        if rates is not None and rate is not None:
            raise NakcellInputError(
                "--rates/--rate", "both", "one of --rates (rate test) or --rate"
            )
        vlo = parse(v_min, "potential", name="v_min") if v_min is not None else None
        vhi = parse(v_max, "potential", name="v_max") if v_max is not None else None
        if loading_basis not in ("active", "total"):
            raise NakcellInputError("loading_basis", repr(loading_basis), "'active' or 'total'")
        t_k = parse(temperature, "temperature", name="temperature") if temperature else None
        fc = get_full_cell(cell, temperature=t_k, loading_basis=loading_basis)
        if params:
            rows = fc.all_sources()
            if json_out:
                typer.echo(dumps(rows))
                return
            for r in rows:
                typer.echo(
                    f"{r['parameter']:<34} {r['value']:>12.5g} {r['unit']:<12} {r['source']}"
                )
            return
        if rate is not None:
            proto = FullCellCycling.long_cycling(
                parse_c_rate(rate, "rate"), cycles, v_min=vlo, v_max=vhi
            )
        else:
            ladder = (
                tuple(parse_c_rate(r, "rates") for r in rates.split(",") if r.strip())
                if rates is not None
                else SEED_RATES
            )
            if not ladder:
                raise NakcellInputError("rates", repr(rates), "a comma list of C-rates > 0")
            proto = FullCellCycling.rate_test(ladder, cycles_per_rate, v_min=vlo, v_max=vhi)
        res = simulate_full(fc, proto, model=model)
        if plot is not None:
            from nakcell.plotting import plot_full

            plot_full([res], plot, title=f"{fc.name} | Na3Hf2Si2PO12 | NVP: {proto.label}")
        out: object = res.summary() if rate is not None else res.by_rate()
        if json_out:
            typer.echo(dumps(out))
            return
        if rate is not None:
            s = res.summary()
            typer.echo(
                f"{s['cell']} at {proto.rates[0]:g}C: first {s['capacity_mAh_g_first']:.1f} mAh/g, "
                f"last {s['capacity_mAh_g_last']:.1f} mAh/g, retention {s['retention_pct']:.1f}%"
                + (f" (stopped: {s['stopped']})" if s["stopped"] else "")
            )
        else:
            for row in res.by_rate():
                cap, v = row["capacity_mAh_g"], row["mean_discharge_V"]
                typer.echo(
                    f"{row['C_rate']:>6g}C  {'n/a' if cap is None else f'{cap:7.1f}'} mAh/g  "
                    f"{'n/a' if v is None else f'{v:.3f}'} V"
                )
