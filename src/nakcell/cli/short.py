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
        stack_pressure: Annotated[
            str, typer.Option(help="for the infiltration paths: liquid pressure, MPa")
        ] = "0.2 MPa",
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
        paths = _seed_alloy_paths(
            parse(stack_pressure, "pressure", name="stack_pressure"),
            parse(thickness, "length", name="thickness"),
        )
        if json_out:
            typer.echo(dumps({**d.as_dict(), "infiltration_paths": paths}))
            return
        typer.echo(d.verdict)
        typer.echo(
            "Infiltration by the seed alloy (44:56 wt%, 25 C, Young-Dupre angle), if such a "
            "path runs through the pellet (path sizes are assumptions; the seed reports none):"
        )
        for name, v in paths.items():
            fill = f"fills in {v['fill_time_s']:.3g} s" if v["fills"] else "does not fill"
            typer.echo(
                f"  {name} (r = {v['size_m'] * 1e6:.3g} um): entry pressure "
                f"{v['entry_pressure_Pa'] / 1e6:.3g} MPa, {fill}"
            )


def _seed_alloy_paths(pressure: float, thickness: float) -> dict[str, dict[str, float | bool]]:
    """Infiltration criteria for the seed alloy on NASICON at 25 degC (angle from the DFT W_adh)."""
    from nakcell.interface.contact import young_dupre_cos_theta
    from nakcell.interface.infiltration import infiltration_paths
    from nakcell.materials.anodes import NaK
    from nakcell.thermo.properties import surface_tension_NaK

    a = NaK()
    g = surface_tension_NaK(a.x_Na, 298.15)[0]
    cos_t = float(young_dupre_cos_theta(a.W_adh, g))
    return infiltration_paths(pressure, g, cos_t, a.viscosity, thickness)
