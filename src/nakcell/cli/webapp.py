"""``nakcell app``: start the local web app (see docs/app.md)."""

from __future__ import annotations

from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    @app.command("app")
    def app_cmd(
        host: Annotated[
            str, typer.Option(help="address to listen on (default: this machine only)")
        ] = "127.0.0.1",
        port: Annotated[int, typer.Option(help="TCP port")] = 8050,
    ) -> None:
        """Start the nakcell web app (cell, protocols, EIS, alloy, literature, sweeps)."""
        from nakcell.app import serve

        typer.echo(f"nakcell app on http://{host}:{port}/ (Ctrl-C to stop)", err=True)
        serve(host=host, port=port)
