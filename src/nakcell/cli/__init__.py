"""The ``nakcell`` command line.

Each command family lives in its own module under ``nakcell.cli`` and exposes
``register(app)``; add the module's name to ``_MODULES`` to plug it in. Heavy libraries
are imported inside the command functions so ``nakcell --help`` stays fast.

Errors: any :class:`nakcell.errors.NakcellError` becomes one line on stderr and exit code 2
(no traceback).
"""

from __future__ import annotations

import importlib
import sys

import typer

from nakcell.errors import NakcellError

app = typer.Typer(
    name="nakcell",
    help="Digital twin and lab bench for solid-state sodium batteries with liquid alloy anodes.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,  # plain click help: no '<bool>' metavar on flags, no boxed wrapping
)

# Command modules, each with ``register(app)``. One line per family.
_MODULES: tuple[str, ...] = (
    "nakcell.cli.cell",
    "nakcell.cli.eis",
    "nakcell.cli.thermo",
    "nakcell.cli.data",
    "nakcell.cli.full",
    "nakcell.cli.sweep",
    "nakcell.cli.atomistic",
    "nakcell.cli.webapp",  # `nakcell app` (a module named app would shadow cli.app)
    "nakcell.cli.validate",
    "nakcell.cli.short",
    "nakcell.cli.calibrate",
)


def _build() -> typer.Typer:
    for name in _MODULES:
        importlib.import_module(name).register(app)
    return app


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI, turning nakcell errors into one line and exit code 2."""
    cli = _build()
    try:
        cli(args=argv)  # standalone: usage errors print themselves and exit 2
    except NakcellError as exc:
        print(f"nakcell: error: {exc}", file=sys.stderr)
        sys.exit(2)


@app.callback()
def _root() -> None:
    """nakcell: solid-state sodium cells with liquid alkali-alloy anodes."""


if __name__ == "__main__":  # pragma: no cover
    main()
