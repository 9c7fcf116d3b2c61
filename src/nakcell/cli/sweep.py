"""Sweep commands: ``nakcell sweep SPEC --db FILE`` (alias of ``sweep run``), ``sweep plot``,
``sweep export``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import click
import typer
from typer.core import TyperGroup

from nakcell.cli._common import dumps


class _DefaultRun(TyperGroup):
    """``nakcell sweep SPEC ...`` means ``nakcell sweep run SPEC ...``."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


DbOpt = Annotated[Path, typer.Option("--db", help="DuckDB file of the sweep's results")]


def register(app: typer.Typer) -> None:
    sweep = typer.Typer(
        cls=_DefaultRun,
        no_args_is_help=True,
        help="Design sweeps on Dask with results in DuckDB (resumable). "
        "`nakcell sweep SPEC --db FILE` runs a spec.",
    )
    app.add_typer(sweep, name="sweep")

    @sweep.command("run")
    def run(
        spec: Annotated[Path, typer.Argument(help="sweep spec TOML (see examples/sweep-ccd.toml)")],
        db: DbOpt,
        resume: Annotated[
            bool, typer.Option("--resume", help="run only the points not yet stored in --db")
        ] = False,
        scheduler: Annotated[
            str | None,
            typer.Option("--scheduler", help="address of a running Dask scheduler (tcp://...)"),
        ] = None,
        workers: Annotated[
            int | None,
            typer.Option("--workers", help="LocalCluster worker processes (default: CPU count)"),
        ] = None,
        batch_size: Annotated[
            int | None, typer.Option("--batch-size", help="points per task (default: spec's)")
        ] = None,
        parquet: Annotated[
            Path | None, typer.Option("--parquet", help="also export all points to this file")
        ] = None,
        progress: Annotated[str, typer.Option(help="auto, bar, lines (for logs) or none")] = "auto",
        json_out: Annotated[bool, typer.Option("--json", help="print the summary as JSON")] = False,
    ) -> None:
        """Run (or --resume) a sweep; prints points, rows, unique_points and seconds."""
        from nakcell.errors import NakcellInputError
        from nakcell.sweep.engine import run_sweep
        from nakcell.sweep.spec import load_spec
        from nakcell.sweep.store import SweepStore

        if progress not in ("auto", "bar", "lines", "none"):
            raise NakcellInputError("--progress", repr(progress), "auto, bar, lines or none")
        s = load_spec(spec)
        out = run_sweep(
            s,
            db,
            resume=resume,
            scheduler=scheduler,
            workers=workers,
            batch_size=batch_size,
            progress=progress,
        )
        if parquet is not None:
            with SweepStore(db, read_only=True) as st:
                st.export_parquet(parquet)
            out["parquet"] = str(parquet)
        _emit(out, json_out)

    @sweep.command("export")
    def export(
        db: DbOpt,
        out: Annotated[Path, typer.Option("--out", help="Parquet file to write")],
        json_out: Annotated[bool, typer.Option("--json")] = False,
    ) -> None:
        """Export every stored point to Parquet."""
        from nakcell.sweep.store import SweepStore

        with SweepStore(db, read_only=True) as st:
            n = st.export_parquet(out)
        _emit({"rows": n, "parquet": str(out)}, json_out)

    @sweep.command("plot")
    def plot(
        db: DbOpt,
        out: Annotated[Path, typer.Option("--out", help="PNG to write")] = Path("sweep.png"),
        metric: Annotated[
            str | None, typer.Option(help="metric column (default: the first numeric one)")
        ] = None,
        kind: Annotated[str, typer.Option(help="heatmap or parallel")] = "heatmap",
        x: Annotated[str | None, typer.Option(help="parameter on the x axis (heatmap)")] = None,
        y: Annotated[str | None, typer.Option(help="parameter on the y axis (heatmap)")] = None,
        agg: Annotated[
            str, typer.Option(help="how other parameters are reduced: max, mean or min")
        ] = "max",
        json_out: Annotated[bool, typer.Option("--json")] = False,
    ) -> None:
        """Heatmap (metric over two parameters) or parallel coordinates of a stored sweep."""
        from nakcell.sweep.plot import plot_sweep

        info = plot_sweep(db, out, metric=metric, kind=kind, x=x, y=y, agg=agg)
        _emit(info, json_out)


def _emit(obj: dict[str, Any], json_out: bool) -> None:
    if json_out:
        typer.echo(dumps(obj))
    else:
        typer.echo("  ".join(f"{k}={v}" for k, v in obj.items()))
