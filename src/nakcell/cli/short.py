"""``nakcell short-check``: does a measured symmetric-cell voltage need an electronic short?"""

from __future__ import annotations

from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    @app.command("short-check")
    def short_check(
        voltage: Annotated[
            str, typer.Option(help="cell |V| at the current (mV, or with unit)")
        ] = "8 mV",
        current_density: Annotated[str, typer.Option(help="mA/cm2 (or with unit)")] = "25",
        thickness: Annotated[str, typer.Option(help="pellet thickness, mm")] = "1.1 mm",
        diameter: Annotated[str, typer.Option(help="pellet diameter, mm")] = "11 mm",
        sigma: Annotated[str, typer.Option(help="ionic conductivity, S/cm")] = "1.4e-3 S/cm",
        json_out: Annotated[bool, typer.Option("--json", help="JSON output")] = False,
    ) -> None:
        """Compare a measured cell resistance with the pellet's bulk L/sigma (defaults: the
        seed's 8 mV at 25 mA/cm2 on a 1.1 mm x 11 mm pellet of 1.4e-3 S/cm) and size the Na-K
        filament or rim film that would explain the difference."""
        from nakcell.cli._common import dumps
        from nakcell.interface.infiltration import diagnose_short
        from nakcell.units import parse

        d = diagnose_short(
            parse(voltage, "voltage", name="voltage"),
            parse(current_density, "current_density", name="current_density"),
            parse(thickness, "length", name="thickness"),
            parse(diameter, "length", name="diameter"),
            parse(sigma, "conductivity", name="sigma"),
        )
        if json_out:
            typer.echo(dumps(d.as_dict()))
        else:
            typer.echo(d.verdict)
