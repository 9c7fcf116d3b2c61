"""Alloy commands: ``nakcell alloy``, ``nakcell alloy diagram`` and ``nakcell wetting``."""

from __future__ import annotations

import math
from typing import Any

import typer


def _temperature_K(text: str) -> float:
    from nakcell.errors import NakcellInputError
    from nakcell.units import parse

    T = parse(text, "temperature", name="temperature")
    if T <= 0.0:
        raise NakcellInputError("temperature", repr(text), "a temperature above 0 K (e.g. '25C')")
    return T


def _print(obj: dict[str, Any], as_json: bool) -> None:
    from nakcell.cli._common import dumps

    if as_json:
        typer.echo(dumps(obj))
        return
    for k, v in obj.items():
        typer.echo(f"{k}: {v}")


def _split_liquid(text: str) -> tuple[str, str | None]:
    """'Na-K 56 wt% K' -> ('Na-K', '56 wt% K'); 'Na' -> ('Na', None)."""
    parts = str(text).strip().split(None, 1)
    return parts[0], (parts[1] if len(parts) > 1 else None)


def register(app: typer.Typer) -> None:
    alloy = typer.Typer(help="Alkali alloy thermodynamics (phases, liquid properties, a_Na).")

    @alloy.callback(invoke_without_command=True)
    def alloy_point(
        ctx: typer.Context,
        system: str = typer.Option("Na-K", "--system", help="Binary system with a shipped TDB."),
        composition: str = typer.Option(
            None, "--composition", help="e.g. '56 wt% K', '42.7 at% K'."
        ),
        temperature: str = typer.Option("25C", "--temperature", help="e.g. '25C', '298.15 K'."),
        engine: str = typer.Option("nakcell", "--engine", help="'nakcell' (fast) or 'pycalphad'."),
        as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    ) -> None:
        """State of an alloy at a composition and temperature."""
        if ctx.invoked_subcommand is not None:
            return
        from nakcell.errors import NakcellInputError
        from nakcell.thermo.alloy import alloy_state
        from nakcell.thermo.equilibrium import parse_composition
        from nakcell.thermo.systems import normalise

        name = normalise(system)[0]
        if composition is None:
            raise NakcellInputError("composition", "nothing", "--composition, e.g. '56 wt% K'")
        x = parse_composition(composition, name)
        _print(alloy_state(name, x, _temperature_K(temperature), engine=engine), as_json)

    @alloy.command("diagram")
    def alloy_diagram(
        system: str = typer.Option("Na-K", "--system", help="Binary system with a shipped TDB."),
        plot: str = typer.Option(None, "--plot", help="Write the diagram to this PNG file."),
        as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    ) -> None:
        """Invariant reactions (eutectic, peritectic, melting) of a system; cached after one run."""
        from nakcell.thermo.alloy import diagram, plot_diagram
        from nakcell.thermo.systems import normalise

        name = normalise(system)[0]
        d = diagram(name)
        out: dict[str, Any] = {"system": name, "invariants": d["invariants"]}
        if plot:
            out["plot"] = str(plot_diagram(name, plot))
        _print(out, as_json)

    app.add_typer(alloy, name="alloy")

    @app.command("wetting")
    def wetting(
        liquid: str = typer.Option("Na-K 56 wt% K", "--liquid", help="'Na-K 56 wt% K' or 'Na'."),
        work_of_adhesion: float = typer.Option(None, "--work-of-adhesion", help="W_a in J/m2."),
        contact_angle: float = typer.Option(None, "--contact-angle", help="theta in degrees."),
        temperature: str = typer.Option("25C", "--temperature", help="e.g. '25C'."),
        as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    ) -> None:
        """Young-Dupre: contact angle from the work of adhesion (or the reverse)."""
        from nakcell.errors import NakcellInputError
        from nakcell.thermo import in_liquid_field
        from nakcell.thermo.equilibrium import parse_composition
        from nakcell.thermo.properties import surface_tension_Na, surface_tension_NaK
        from nakcell.thermo.systems import normalise
        from nakcell.thermo.wetting import adhesion_from_contact_angle, contact_angle_from_adhesion

        T = _temperature_K(temperature)
        head, comp = _split_liquid(liquid)
        if comp is None and head.strip().lower() == "na":
            x, name, gamma = 1.0, "Na", float(surface_tension_Na(T))
            src = "Fink & Leibowitz ANL/RE-95/2 (1995)"
            liquid_now = T >= 370.87  # SGTE melting point of Na
        else:
            name = normalise(head)[0]
            if comp is None:
                raise NakcellInputError("liquid", repr(liquid), "e.g. 'Na-K 56 wt% K' or 'Na'")
            x = parse_composition(comp, name)
            gamma, _ = surface_tension_NaK(x, T, name)
            src = "Butler model on the nakcell TDB (docs/thermo.md)"
            liquid_now = bool(in_liquid_field(x, T, name))
        out: dict[str, Any] = {
            "liquid": liquid,
            "x_Na": x,
            "temperature_C": T - 273.15,
            "surface_tension_mN_m": gamma * 1000.0,
            "surface_tension_source": src,
            "liquid_at_temperature": liquid_now,
            "equation": "Young-Dupre: W_a = gamma_LV (1 + cos theta)",
        }
        if (work_of_adhesion is None) == (contact_angle is None):
            raise NakcellInputError(
                "work_of_adhesion",
                "both or neither",
                "exactly one of --work-of-adhesion / --contact-angle",
            )
        if work_of_adhesion is not None:
            theta = contact_angle_from_adhesion(work_of_adhesion, gamma)
            out.update(
                work_of_adhesion_J_m2=work_of_adhesion, contact_angle_deg=math.degrees(theta)
            )
        else:
            if not (0.0 <= contact_angle <= 180.0):
                raise NakcellInputError("contact_angle", repr(contact_angle), "degrees in 0-180")
            wa = adhesion_from_contact_angle(math.radians(contact_angle), gamma)
            out.update(contact_angle_deg=contact_angle, work_of_adhesion_J_m2=wa)
        _print(out, as_json)
