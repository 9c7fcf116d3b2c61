"""``nakcell validate``: the model against published measurements."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from nakcell.cli._common import dumps


def register(app: typer.Typer) -> None:
    @app.command("validate")
    def validate(
        json_out: Annotated[
            bool, typer.Option("--json", help="print machine-readable JSON")
        ] = False,
        plot: Annotated[
            Path | None, typer.Option("--plot", help="write a model-vs-published parity PNG")
        ] = None,
        file: Annotated[
            Path | None,
            typer.Option("--file", help="validation CSV (default: the bundled published set)"),
        ] = None,
        quiet: Annotated[bool, typer.Option("--quiet", help="no progress lines")] = False,
    ) -> None:
        """Run the model at each published point's conditions; print model vs published.

        The set (validation/published.csv) holds published interface resistances, critical
        current densities, stripping limits and their activation energy, each with DOI or
        arXiv id and figure/table/page. Role "source": a model parameter was taken from the
        point; "check": independent. inside_range is null where the model does not cover the
        point. See docs/validation.md.
        """
        from nakcell.validate import load_points, run_validation

        points = load_points(file)
        say = None if quiet else (lambda msg: print(msg, file=sys.stderr, flush=True))
        outcomes = run_validation(points, progress=say)
        rows = [o.to_dict() for o in outcomes]
        if plot is not None:
            from nakcell.validate.plot import plot_validation

            plot_validation(outcomes, plot)
        if json_out:
            typer.echo(dumps(rows))
            return
        _table(rows)


def _show(v: float | None, bound: str | None = None) -> str:
    if v is None:
        return "-"
    return f"{bound or ''}{v:.3g}"


def _table(rows: list[dict[str, Any]]) -> None:
    head = (
        f"{'id':<22} {'quantity':<33} {'published':>10} {'range':>17} {'model':>9} "
        f"{'ratio':>7}  {'inside':<6} role"
    )
    typer.echo(head)
    typer.echo("-" * len(head))
    for r in rows:
        rng = f"[{_show(r['low'])}, {_show(r['high'])}]".replace("[-", "[").replace("-]", "]")
        inside = {True: "yes", False: "NO", None: "-"}[r["inside_range"]]
        role = r["role"] + ("" if r["role"] == r["role_from_model_sources"] else " (!)")
        typer.echo(
            f"{r['id']:<22} {r['quantity']:<33} {r['published']:>10.3g} {rng:>17} "
            f"{_show(r['model'], r['model_bound']):>9} {_show(r['ratio']):>7}  {inside:<6} {role}"
        )
    covered = [r for r in rows if r["model"] is not None]
    decided = [r for r in covered if r["inside_range"] is not None]
    inside = [r for r in decided if r["inside_range"]]
    sources = {r["source"] for r in rows}
    checks = [r for r in decided if r["role"] == "check"]
    typer.echo(
        f"\n{len(rows)} points from {len(sources)} sources; model covers {len(covered)}; "
        f"decided {len(decided)}; inside the published range {len(inside)}"
        + (f" ({100 * len(inside) / len(decided):.0f} %)" if decided else "")
        + f"; independent checks inside: {sum(1 for r in checks if r['inside_range'])} of "
        f"{len(checks)} (role=source points agree by construction)"
    )
    typer.echo("not covered / notes:")
    for r in rows:
        if r["model"] is None or r["inside_range"] is False:
            typer.echo(f"  {r['id']}: {r['model_note'] or ''}")
    if any(r["role"] != r["role_from_model_sources"] for r in rows):
        typer.echo("(!) role in the CSV differs from what the model's parameter sources cite")
