"""``nakcell calibrate DATA... --cell seed-na --fit i0,anode.creep_A --obs "..." --out DIR``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from nakcell.cli._common import dumps


def register(app: typer.Typer) -> None:
    @app.command("calibrate")
    def calibrate_cmd(
        data: Annotated[
            list[Path] | None,
            typer.Argument(help="tester files (replayed) and/or EIS spectra, any known format"),
        ] = None,
        cell: Annotated[str, typer.Option("--cell", help="named cell or cell .toml")] = "seed-na",
        fit: Annotated[
            str, typer.Option("--fit", help="comma-separated parameters (sweep names), e.g. i0")
        ] = "i0",
        obs: Annotated[
            list[str] | None,
            typer.Option(
                "--obs",
                help="statement with uncertainty, e.g. 'R_int = 105 +- 10 ohm cm2' or "
                "'shorts within 10 h at 0.1 mA/cm2' (repeatable)",
            ),
        ] = None,
        prior: Annotated[
            list[str] | None,
            typer.Option("--prior", help="override a prior range: NAME=LO..HI (repeatable)"),
        ] = None,
        out: Annotated[Path, typer.Option("--out", help="output folder")] = Path("calibration"),
        walkers: Annotated[int, typer.Option(help="walkers in all (4 ensembles)")] = 64,
        ess: Annotated[float, typer.Option("--ess", help="target effective sample size")] = 1000,
        max_steps: Annotated[int, typer.Option("--max-steps", help="sampler step cap")] = 4000,
        steps_per_half: Annotated[int, typer.Option("--steps-per-half")] = 8,
        robust: Annotated[
            bool, typer.Option("--robust", help="Student-t (nu=4) likelihood for traces")
        ] = False,
        seed: Annotated[int, typer.Option(help="random seed")] = 0,
        json_out: Annotated[bool, typer.Option("--json", help="print the result as JSON")] = False,
    ) -> None:
        """Calibrate cell parameters on measurements: posterior, diagnostics, files in --out."""
        from nakcell.calibrate import calibrate
        from nakcell.calibrate.priors import parse_prior_overrides
        from nakcell.materials import get_cell

        base = get_cell(cell)
        names = [s.strip() for s in fit.split(",") if s.strip()]
        pri = parse_prior_overrides(prior or [], base)

        def say(msg: str) -> None:
            print(f"calibrate: {msg}", file=sys.stderr, flush=True)

        cal = calibrate(
            base,
            names,
            files=[str(p) for p in (data or [])],
            statements=list(obs or []),
            priors=pri,
            walkers=walkers,
            target_ess=ess,
            max_steps=max_steps,
            seed=seed,
            steps_per_half=steps_per_half,
            robust=robust,
            progress=say,
        )
        ref = str(Path(cell).resolve()) if cell.endswith(".toml") else cell
        files = cal.write(out, ref)
        payload = cal.to_json(str(out))
        if json_out:
            print(dumps(payload))
            return
        d = payload["diagnostics"]
        print(
            f"R-hat {d['max_rhat']:.4f}  ESS {d['min_ess']:.0f}  acceptance "
            f"{d['acceptance']:.2f}  ({d['seconds']:.1f} s)"
        )
        for k, s in payload["parameters"].items():
            tag = "" if s["identifiable"] else f"  NOT IDENTIFIABLE ({s['note']})"
            print(f"{k:28s} {s['median']:.4g} [{s['q2.5']:.4g}, {s['q97.5']:.4g}] {s['unit']}{tag}")
        for k, v in files.items():
            print(f"{k}: {v}")
