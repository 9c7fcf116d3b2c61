"""Compare ML potentials whose weights ship inside their wheels, on the numbers issue 8 tests.

CHGNet 0.3.0 (the default) against SevenNet-0 (``sevenn`` wheel, checkpoint
``sevenn/pretrained_potentials/SevenNet_0__11Jul2024``; Park et al., J. Chem. Theory Comput.
20, 4857 (2024)) when it is installed. Prints lattice constants, (110) surface energies and the
time per energy+force call on a 124-atom Na | NASICON interface, with each ratio to CHGNet.
SevenNet is not a nakcell dependency: install it yourself (``pip install sevenn``) to run this.
"""

from __future__ import annotations

import json
import os
import tempfile
import time

import numpy as np

REFS = {"a_Na": 4.225, "a_K": 5.225, "gamma_Na110": 0.21, "gamma_K110": 0.130}


def sevennet0():
    """ASE calculator for SevenNet-0 from the weights in the sevenn wheel (no download)."""
    from sevenn.calculator import SevenNetCalculator

    return SevenNetCalculator("7net-0", device="cpu")


def measure(name: str, model) -> dict:
    from nakcell.atomistic import api, crystals
    from nakcell.atomistic.energies import RelaxSettings

    s = RelaxSettings(fmax_eV_A=0.01, steps=200, progress=False)
    out: dict = {"model": model.label}
    for el in ("Na", "K"):
        rb = api.relaxed_metal_bulk(el, model, s)
        out[f"a_{el}"] = float(np.cbrt(2 * rb.atoms.get_volume() / len(rb.atoms)))
        out[f"gamma_{el}110"] = api.metal_surface(el, "110", model=model, settings=s).gamma_J_m2
    spec = api.InterfaceSpec("Na", "Na3Zr2Si2PO12")
    bottom, top, _, _ = api.build_interface(
        spec, crystals.metal_bulk("Na"), crystals.electrolyte_bulk("Na3Zr2Si2PO12")
    )
    from nakcell.atomistic.slabs import stack

    inter, _, _ = stack(bottom, top, 2.6, 8.0)
    inter.calc = model.calc
    inter.get_forces()
    t0 = time.perf_counter()
    for k in range(3):
        inter.positions[0, 2] += 0.01 * (k + 1)
        inter.get_forces()
    out["s_per_force_call_124_atoms"] = (time.perf_counter() - t0) / 3
    return out


def main() -> None:
    os.environ["NAKCELL_CACHE"] = tempfile.mkdtemp(prefix="nakcell-pot-")
    from nakcell.atomistic.calculators import Model, get_calculator

    rows = [measure("chgnet", get_calculator("chgnet"))]
    try:
        rows.append(measure("sevennet", Model(sevennet0(), "SevenNet-0")))
    except ImportError as exc:
        print(f"SevenNet not installed ({exc}); CHGNet only")
    base = rows[0]
    for row in rows:
        for key, ref in REFS.items():
            row[f"{key}_dev_pct"] = 100 * (row[key] - ref) / ref
        row["time_ratio_to_chgnet"] = (
            row["s_per_force_call_124_atoms"] / base["s_per_force_call_124_atoms"]
        )
    print(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
