"""``nakcell eis``: fit, drt, kk, simulate."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

eis_app = typer.Typer(
    help="Impedance spectra: fit circuits, DRT, Lin-KK, physical spectra.",
    no_args_is_help=True,
)

DEFAULT_CIRCUIT = "R0-p(R1,CPE1)-p(R2,CPE2)"


def register(app: typer.Typer) -> None:
    app.add_typer(eis_app, name="eis")


@eis_app.command("fit")
def fit_cmd(
    files: Annotated[list[Path], typer.Argument(help="EIS files (.DTA .mpt .mpr .z .csv .txt)")],
    circuit: Annotated[str, typer.Option(help="circuit string")] = DEFAULT_CIRCUIT,
    area: Annotated[str | None, typer.Option(help="electrode area, e.g. '0.95 cm2'")] = None,
    weighting: Annotated[str, typer.Option(help="modulus | proportional | unit")] = "modulus",
    drop_inductive: Annotated[
        bool, typer.Option(help="fit only points with Z'' <= 0 (drop the inductive tail)")
    ] = False,
    json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
    plot: Annotated[
        Path | None, typer.Option(help="folder for <file>_fit.png (Nyquist + Bode)")
    ] = None,
) -> None:
    """Fit a circuit to each file; files on the same frequency grid are fitted as one batch."""
    import numpy as np

    from nakcell.cli._common import dumps
    from nakcell.eis import Circuit, FitResult, fit, read
    from nakcell.errors import NakcellInputError
    from nakcell.units import parse

    if weighting not in ("modulus", "proportional", "unit"):
        raise NakcellInputError("--weighting", repr(weighting), "modulus, proportional or unit")
    area_m2 = parse(area, "area", name="--area") if area is not None else None
    if area_m2 is not None and area_m2 <= 0:
        raise NakcellInputError("--area", area, "a positive area")
    c = Circuit(circuit)
    spectra = [read(p) for p in files]
    if drop_inductive:
        spectra = [s.above_axis_removed() for s in spectra]
    groups: dict[bytes, list[int]] = {}
    for i, s in enumerate(spectra):
        groups.setdefault(s.frequency_Hz.tobytes(), []).append(i)
    results: list[FitResult | None] = [None] * len(spectra)
    for idx in groups.values():
        f = spectra[idx[0]].frequency_Hz
        Z = np.stack([spectra[i].Z_ohm for i in idx])
        out = fit(f, Z, c, weighting=weighting, area_m2=area_m2)  # type: ignore[arg-type]
        for i, one in zip(idx, out if isinstance(out, list) else [out], strict=True):
            results[i] = one
    rows = []
    for p, s, r in zip(files, spectra, results, strict=True):
        assert r is not None
        d = {"file": str(p), **r.to_dict()}
        if s.metadata.get("notes"):
            d["notes"] = s.metadata["notes"]
        rows.append(d)
        if plot is not None:
            from nakcell.eis.plotting import plot_fit

            plot.mkdir(parents=True, exist_ok=True)
            plot_fit(
                plot / f"{p.name}_fit.png",
                s.frequency_Hz,
                s.Z_ohm,
                r.predict(s.frequency_Hz),
                title=f"{p.name}: {c.text}",
            )
    if json:
        typer.echo(dumps(rows))
        return
    for d, s in zip(rows, spectra, strict=True):
        verdict = "success" if d["success"] else f"FAILED: {d['message']}"
        typer.echo(f"{d['file']}: chi2 = {d['chi2']:.3g}, {verdict}")
        for note in s.metadata.get("notes", []):
            typer.echo(f"  note: {note}")
        for n, v in d["parameters"].items():  # type: ignore[attr-defined]
            se = d["stderr"][n]  # type: ignore[index]
            extra = ""
            if "asr_ohm_cm2" in d and n in d["asr_ohm_cm2"]:  # type: ignore[operator]
                extra = f"  ({d['asr_ohm_cm2'][n]:.4g} ohm cm2)"  # type: ignore[index]
            typer.echo(f"  {n:10s} {v:12.5g} +- {se:.2g} {d['units'][n]}{extra}")  # type: ignore[index]


@eis_app.command("drt")
def drt_cmd(
    file: Annotated[Path, typer.Argument(help="EIS file")],
    lam: Annotated[float | None, typer.Option("--lambda", help="fix lambda")] = None,
    json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
    plot: Annotated[Path | None, typer.Option(help="PNG path for the DRT")] = None,
) -> None:
    """Distribution of relaxation times (Tikhonov, Gaussian RBF, automatic lambda)."""
    from nakcell.cli._common import dumps
    from nakcell.eis import read
    from nakcell.eis.drt import drt

    s = read(file)
    r = drt(s.frequency_Hz, s.Z_ohm, lam=lam)
    if plot is not None:
        from nakcell.eis.plotting import plot_drt

        plot_drt(plot, r, title=f"DRT of {file.name}, lambda = {r.lam:.2g}")
    if json:
        typer.echo(
            dumps({"file": str(file), "read_notes": s.metadata.get("notes", []), **r.to_dict()})
        )
        return
    typer.echo(
        f"{file}: R_inf = {r.R_inf_ohm:.4g} ohm, R_pol = {r.R_pol_ohm:.4g} ohm, "
        f"lambda = {r.lam:.2g} ({r.lam_method}{', AT ITS FLOOR' if r.lam_at_floor else ''})"
    )
    for note in [*s.metadata.get("notes", []), *r.notes]:
        typer.echo(f"  note: {note}")
    for p in r.peaks:
        typer.echo(f"  peak at {p['f_Hz']:.4g} Hz (tau {p['tau_s']:.3g} s): {p['R_ohm']:.4g} ohm")


@eis_app.command("kk")
def kk_cmd(
    file: Annotated[Path, typer.Argument(help="EIS file")],
    c: Annotated[float, typer.Option(help="mu threshold (Schoenleber 2014: 0.85)")] = 0.85,
    json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
    plot: Annotated[Path | None, typer.Option(help="PNG path for the residual plot")] = None,
) -> None:
    """Lin-KK validity test (Schoenleber et al. 2014) with residuals."""
    from nakcell.cli._common import dumps
    from nakcell.eis import read
    from nakcell.eis.kk import lin_kk

    s = read(file)
    r = lin_kk(s.frequency_Hz, s.Z_ohm, c=c)
    if plot is not None:
        from nakcell.eis.plotting import plot_kk

        plot_kk(plot, s.frequency_Hz, r, title=f"Lin-KK of {file.name}")
    if json:
        d = {"file": str(file), **r.to_dict(), "frequency_Hz": s.frequency_Hz.tolist()}
        d["read_notes"] = s.metadata.get("notes", [])
        typer.echo(dumps(d))
        return
    verdict = "valid" if r.valid else "NOT valid"
    typer.echo(
        f"{file}: {verdict} (M = {r.M}, mu = {r.mu:.3f}, residual RMS "
        f"{100 * r.rms:.3g} %, max {100 * r.max_abs:.3g} %)"
    )
    for note in s.metadata.get("notes", []):
        typer.echo(f"  note: {note}")


@eis_app.command("simulate")
def simulate_cmd(
    cell: Annotated[
        str | None,
        typer.Option(
            help="seed-nak, seed-na, seed-na-sno2 or a .toml cell: the spectrum of the cell "
            "model (the interface flags are then not used)"
        ),
    ] = None,
    interface_asr: Annotated[
        str | None,
        typer.Option(help="charge-transfer ASR per interface at full contact, '15 ohm cm2'"),
    ] = None,
    thickness: Annotated[str, typer.Option(help="electrolyte thickness")] = "1.1 mm",
    area: Annotated[str, typer.Option(help="electrode area")] = "0.95 cm2",
    conductivity: Annotated[str, typer.Option(help="bulk ionic conductivity")] = "1.4e-3 S/cm",
    permittivity: Annotated[float, typer.Option(help="bulk relative permittivity")] = 150.0,
    gb_conductivity: Annotated[
        str | None, typer.Option(help="apparent grain-boundary conductivity (adds a GB arc)")
    ] = None,
    gb_permittivity: Annotated[float | None, typer.Option(help="apparent GB permittivity")] = None,
    contact_fraction: Annotated[float, typer.Option(help="true contact fraction f")] = 1.0,
    cdl: Annotated[str, typer.Option(help="double-layer capacitance per contact area")] = (
        "88 uF/cm2"
    ),
    constriction_asr: Annotated[
        str, typer.Option(help="constriction ASR per interface, e.g. '5 ohm cm2'")
    ] = "0 ohm cm2",
    interfaces: Annotated[int, typer.Option(help="number of interfaces (2: symmetric)")] = 2,
    fmax: Annotated[str, typer.Option(help="highest frequency")] = "100 kHz",
    fmin: Annotated[str, typer.Option(help="lowest frequency")] = "0.01 Hz",
    per_decade: Annotated[int, typer.Option(help="points per decade")] = 10,
    json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
    plot: Annotated[Path | None, typer.Option(help="PNG path, Nyquist + Bode")] = None,
) -> None:
    """Spectrum of a pellet with interfaces, from physical parameters (see docs/eis.md).

    Defaults: the seed's pellet (Zhao et al. 2021: 0.95 cm2, 1.1 mm, 1.4e-3 S/cm); eps 150
    and c_dl 88 uF/cm2 from Eckhardt et al. 2023 (LLZO values, no NASICON value sourced).
    """
    import numpy as np

    from nakcell.cli._common import dumps
    from nakcell.eis.physical import Interface, PhysicalStack
    from nakcell.errors import NakcellInputError
    from nakcell.units import parse

    if interfaces < 0:
        raise NakcellInputError("--interfaces", interfaces, ">= 0")
    if per_decade < 1:
        raise NakcellInputError("--per-decade", per_decade, ">= 1")
    if cell is not None:
        from nakcell.cell.symmetric import eis_stack
        from nakcell.materials import get_cell

        stack = eis_stack(get_cell(cell))
    elif interface_asr is None:
        raise NakcellInputError(
            "--interface-asr", "nothing", "an ASR such as '15 ohm cm2', or --cell NAME"
        )
    else:
        itf = Interface(
            asr_ct_ohm_m2=parse(interface_asr, "area_resistance", name="--interface-asr"),
            contact_fraction=contact_fraction,
            c_dl_F_m2=parse(cdl, "capacitance_per_area", name="--cdl"),
            asr_cstr_ohm_m2=parse(constriction_asr, "area_resistance", name="--constriction-asr"),
        )
        stack = PhysicalStack(
            interfaces=(itf,) * interfaces,
            thickness_m=parse(thickness, "length", name="--thickness"),
            area_m2=parse(area, "area", name="--area"),
            sigma_bulk_S_m=parse(conductivity, "conductivity", name="--conductivity"),
            eps_r_bulk=permittivity,
            sigma_gb_S_m=(
                parse(gb_conductivity, "conductivity", name="--gb-conductivity")
                if gb_conductivity is not None
                else None
            ),
            eps_r_gb=gb_permittivity,
        )
    f_hi = parse(fmax, "frequency", name="--fmax")
    f_lo = parse(fmin, "frequency", name="--fmin")
    if not 0 < f_lo < f_hi:
        raise NakcellInputError("--fmin/--fmax", f"{f_lo}/{f_hi} Hz", "0 < fmin < fmax")
    n = round(float(np.log10(f_hi / f_lo)) * per_decade) + 1
    spec = stack.spectrum(np.geomspace(f_hi, f_lo, n))
    if plot is not None:
        from nakcell.eis.plotting import plot_fit

        plot_fit(
            plot,
            spec.frequency_Hz,
            spec.Z_ohm,
            title=spec.circuit,
            area_cm2=stack.area_m2 * 1e4,
            label="model",
        )
    if json:
        typer.echo(dumps(spec.to_dict()))
        return
    typer.echo(f"circuit {spec.circuit}")
    typer.echo(
        f"bulk ASR {spec.bulk_asr_ohm_cm2:.4g} ohm cm2, GB ASR {spec.gb_asr_ohm_cm2:.4g} "
        f"ohm cm2, interface ASR {', '.join(f'{a:.4g}' for a in spec.interface_asr_ohm_cm2)}"
        " ohm cm2"
    )
    from nakcell.eis.circuits import Circuit

    c = Circuit(spec.circuit)
    units = dict(zip(c.param_names, c.param_units, strict=True))
    for k, v in spec.elements.items():
        typer.echo(f"  {k:8s} {v:.4g} {units.get(k, '')}")
