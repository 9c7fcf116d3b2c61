"""Cell commands: ``cycle``, ``ccd``, ``reproduce`` (filled in by the core issue)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    @app.command("version")
    def version() -> None:
        """Print nakcell's version."""
        from nakcell import __version__

        typer.echo(__version__)
