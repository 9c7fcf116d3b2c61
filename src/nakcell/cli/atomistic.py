"""Atomistic commands: ``nakcell atomistic surface | adhesion | export-dft``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from nakcell.cli._common import dumps
from nakcell.errors import NakcellInputError

# Works of adhesion of the seed (Zhao et al. 2021, DFT: PBE, PAW, 520 eV), J/m^2, on NASICON(110).
PAPER_W_ADH_J_M2: dict[tuple[str, str], float] = {("NaK3", "110"): 0.185, ("Na", "110"): 0.166}

_CALC_HELP = (
    "'chgnet' (default, weights ship in the wheel), 'chgnet-0.2.0', 'emt', or module:factory"
)


def register(app: typer.Typer) -> None:
    sub = typer.Typer(
        name="atomistic",
        help="Surface energies and works of adhesion with an offline ML potential; DFT inputs.",
        no_args_is_help=True,
    )
    app.add_typer(sub, name="atomistic")

    @sub.command("surface")
    def surface(
        metal: str = typer.Option("Na", help="Na, K, NaK3, Na3K or NaK"),
        facet: str = typer.Option("110", help="Miller indices, e.g. 110 or 1,-1,0"),
        layers: int = typer.Option(8, help="slab thickness in bulk (hkl) repeats (bcc 110: atoms)"),
        vacuum: str = typer.Option("8 angstrom", help="vacuum on each side (bare number: A)"),
        calculator: str = typer.Option("chgnet", help=_CALC_HELP),
        fmax: float = typer.Option(0.05, help="force tolerance, eV/A"),
        steps: int = typer.Option(600, help="maximum optimiser steps per relaxation"),
        json_out: bool = typer.Option(False, "--json", help="print JSON"),
    ) -> None:
        """Relaxed surface energy of metal(hkl), set against published values."""
        from nakcell.atomistic import api, crystals, slabs
        from nakcell.atomistic.calculators import get_calculator

        settings = _settings(fmax, steps)
        vac = _angstrom(vacuum, "vacuum")
        crystals.metal_bulk(metal)  # validate names before loading the model
        slabs.parse_facet(facet)
        if layers < 2:
            raise NakcellInputError("layers", layers, "at least 2")
        model = get_calculator(calculator)
        res = api.metal_surface(
            metal, facet, layers=layers, vacuum_A=vac, model=model, settings=settings
        )
        out: dict[str, Any] = {
            "metal": metal,
            "facet": facet,
            "gamma_J_m2": res.gamma_J_m2,
            "n_atoms": res.n_atoms,
            "model": res.model,
            "seconds": res.seconds,
            "area_A2": res.area_A2,
            "a_bcc_equivalent_A": res.extra["a_bcc_equivalent_A"],
            "converged": res.converged,
            "cached": res.cached,
        }
        out.update({k: v for k, v in res.extra.items() if not k.startswith("relaxed")})
        out.pop("slab_steps", None)
        _emit(out, json_out)

    @sub.command("adhesion")
    def adhesion(
        metal: str = typer.Option("Na", help="Na, K, NaK3, Na3K or NaK"),
        electrolyte: str = typer.Option("Na3Hf2Si2PO12", help="Na3Zr2Si2PO12 or Na3Hf2Si2PO12"),
        facet: str = typer.Option("110", help="electrolyte facet (and metal facet by default)"),
        metal_facet: str = typer.Option("", help="metal facet if different"),
        metal_layers: int = typer.Option(4, help="metal thickness in bulk (hkl) repeats"),
        electrolyte_layers: int = typer.Option(1, help="bulk repeats of the electrolyte slab"),
        repeat: str = typer.Option("1x1", help="in-plane repeat of the electrolyte cell, e.g. 2x1"),
        max_strain: float = typer.Option(10.0, help="largest metal strain accepted, %"),
        termination: str = typer.Option("auto", help="'auto' (fewest cut bonds) or cut 0..1"),
        vacuum: str = typer.Option("8 angstrom", help="vacuum on each side (bare number: A)"),
        gamma_lv: str = typer.Option(
            "", help="liquid surface tension for Young-Dupre, e.g. '110 mN/m'"
        ),
        calculator: str = typer.Option("chgnet", help=_CALC_HELP),
        fmax: float = typer.Option(0.05, help="force tolerance, eV/A"),
        steps: int = typer.Option(600, help="maximum optimiser steps per relaxation"),
        json_out: bool = typer.Option(False, "--json", help="print JSON"),
    ) -> None:
        """Work of adhesion of metal(hkl) on electrolyte(hkl), with relaxation."""
        from nakcell.atomistic import api, crystals
        from nakcell.atomistic.calculators import get_calculator
        from nakcell.atomistic.wetting import contact_angle_from_wadh

        spec = _spec(
            metal,
            electrolyte,
            facet,
            metal_facet,
            metal_layers,
            electrolyte_layers,
            repeat,
            max_strain,
            termination,
            vacuum,
        )
        settings = _settings(fmax, steps)
        g_lv = None
        if gamma_lv:
            from nakcell.units import parse

            g_lv = parse(gamma_lv, "surface_tension", name="gamma_lv")
            if g_lv <= 0:
                raise NakcellInputError("gamma_lv", repr(gamma_lv), "a positive surface tension")
        # an impossible match fails here, before the model is loaded
        api.build_interface(
            spec, crystals.metal_bulk(metal), crystals.electrolyte_bulk(electrolyte)
        )
        model = get_calculator(calculator)
        res = api.adhesion(spec, model=model, settings=settings)
        out: dict[str, Any] = {
            "metal": metal,
            "electrolyte": electrolyte,
            "facet": facet,
            "w_adh_J_m2": res.w_adh_J_m2,
            "gamma_metal_J_m2": res.gamma_metal_J_m2,
            "gamma_electrolyte_J_m2": res.gamma_electrolyte_J_m2,
            "gamma_interface_J_m2": res.gamma_interface_J_m2,
            "strain_pct": res.strain_pct,
            "n_atoms": res.n_atoms,
            "model": res.model,
            "seconds": res.seconds,
            "gap_A": res.gap_A,
            "area_A2": res.area_A2,
            "converged": res.converged,
        }
        out.update({k: v for k, v in res.extra.items() if not k.startswith("relaxed")})
        paper = PAPER_W_ADH_J_M2.get((metal, facet.strip("()")))
        if paper is not None and electrolyte == "Na3Hf2Si2PO12":
            out["paper_w_adh_J_m2"] = paper
            out["paper_source"] = "Zhao et al. 2021 (seed), DFT PBE, NASICON(110)"
            out["deviation_from_paper_pct"] = 100.0 * (res.w_adh_J_m2 - paper) / paper
        if g_lv is not None:
            out["gamma_lv_J_m2"] = g_lv
            out["contact_angle_deg"] = contact_angle_from_wadh(res.w_adh_J_m2, g_lv)
        _emit(out, json_out)

    @sub.command("export-dft")
    def export_dft(
        out: str = typer.Option(..., "--out", help="folder to write into"),
        metal: str = typer.Option("Na", help="Na, K, NaK3, Na3K or NaK"),
        electrolyte: str = typer.Option("Na3Hf2Si2PO12", help="Na3Zr2Si2PO12 or Na3Hf2Si2PO12"),
        facet: str = typer.Option("110", help="electrolyte facet (and metal facet by default)"),
        metal_facet: str = typer.Option("", help="metal facet if different"),
        metal_layers: int = typer.Option(4, help="metal thickness in bulk (hkl) repeats"),
        electrolyte_layers: int = typer.Option(1, help="bulk repeats of the electrolyte slab"),
        repeat: str = typer.Option("1x1", help="in-plane repeat of the electrolyte cell"),
        max_strain: float = typer.Option(10.0, help="largest metal strain accepted, %"),
        termination: str = typer.Option("auto", help="'auto' or cut 0..1"),
        vacuum: str = typer.Option("8 angstrom", help="vacuum on each side (bare number: A)"),
        gap: str = typer.Option("2.5 angstrom", help="metal-electrolyte separation"),
        json_out: bool = typer.Option(False, "--json", help="print JSON"),
    ) -> None:
        """Write VASP and Quantum ESPRESSO inputs (seed settings) for the interface and slabs.

        Unrelaxed geometry on experimental lattices: POSCAR, INCAR, KPOINTS, POTCAR.spec and pw.in
        for the interface, the electrolyte slab and the strained metal slab.
        """
        from nakcell.atomistic import api, crystals, dft, slabs

        folder = Path(out)
        spec = _spec(
            metal,
            electrolyte,
            facet,
            metal_facet,
            metal_layers,
            electrolyte_layers,
            repeat,
            max_strain,
            termination,
            vacuum,
        )
        gap_A = _angstrom(gap, "gap")
        bottom, top, match, info = api.build_interface(
            spec, crystals.metal_bulk(metal), crystals.electrolyte_bulk(electrolyte)
        )
        inter, e_slab, m_slab = slabs.stack(bottom, top, gap_A, spec.vacuum_A)
        written: dict[str, list[str]] = {}
        for name, atoms in (
            ("interface", inter),
            ("electrolyte_slab", e_slab),
            ("metal_slab", m_slab),
        ):
            files = dft.write_vasp(atoms, folder / name / "vasp")
            files.append(dft.write_espresso(atoms, folder / name / "qe" / "pw.in"))
            written[name] = [str(p) for p in files]
        _emit(
            {
                "out": str(out),
                "files": written,
                "n_atoms": len(inter),
                "strain_pct": match.strain_pct,
                **info,
            },
            json_out,
        )


def _spec(
    metal: str,
    electrolyte: str,
    facet: str,
    metal_facet: str,
    metal_layers: int,
    electrolyte_layers: int,
    repeat: str,
    max_strain: float,
    termination: str,
    vacuum: str,
) -> Any:
    from nakcell.atomistic import api, crystals, slabs

    crystals.metal_bulk(metal)  # validates the name
    if electrolyte not in crystals.ELECTROLYTES:
        raise NakcellInputError(
            "electrolyte", repr(electrolyte), f"one of {', '.join(crystals.ELECTROLYTES)}"
        )
    parts = repeat.lower().split("x")
    try:
        rep = (int(parts[0]), int(parts[1]))
        if len(parts) != 2 or min(rep) < 1:
            raise ValueError(repeat)
    except (ValueError, IndexError):
        raise NakcellInputError(
            "repeat", repr(repeat), "two positive integers, e.g. '2x1'"
        ) from None
    if not 0.0 < max_strain < 50.0:
        raise NakcellInputError("max_strain", f"{max_strain} %", "a strain between 0 and 50 %")
    term: float | None = None
    if termination.strip().lower() != "auto":
        try:
            term = float(termination)
        except ValueError:
            raise NakcellInputError(
                "termination", repr(termination), "'auto' or a number 0..1"
            ) from None
    if metal_layers < 2 or electrolyte_layers < 1:
        raise NakcellInputError(
            "layers", (metal_layers, electrolyte_layers), "metal >= 2 and electrolyte >= 1"
        )
    return api.InterfaceSpec(
        metal=metal,
        electrolyte=electrolyte,
        facet=slabs.parse_facet(facet),
        metal_facet=slabs.parse_facet(metal_facet) if metal_facet else None,
        metal_layers=metal_layers,
        electrolyte_layers=electrolyte_layers,
        electrolyte_repeat=rep,
        vacuum_A=_angstrom(vacuum, "vacuum"),
        max_strain=max_strain / 100.0,
        termination=term,
    )


def _settings(fmax: float, steps: int) -> Any:
    from nakcell.atomistic.energies import RelaxSettings

    if not 0.0 < fmax <= 1.0:
        raise NakcellInputError("fmax", fmax, "a force tolerance in (0, 1] eV/A")
    if steps < 0:
        raise NakcellInputError("steps", steps, "a non-negative number of steps")
    return RelaxSettings(fmax_eV_A=fmax, steps=steps)


def _angstrom(text: str, name: str) -> float:
    from nakcell.units import parse

    value_m = parse(text, "length", name=name, default_unit="angstrom")
    if value_m <= 0:
        raise NakcellInputError(name, repr(text), "a positive length")
    return value_m * 1e10


def _emit(out: dict[str, Any], json_out: bool) -> None:
    if json_out:
        typer.echo(dumps(out))
        return
    for key, value in out.items():
        typer.echo(f"{key}: {value}")
