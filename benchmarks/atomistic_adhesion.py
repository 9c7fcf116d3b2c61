"""Benchmark: wall time and peak memory of one ~200-atom interface W_adh with CHGNet on CPU.

Goal (issue 8): < 15 min on 2 CPU cores. Runs with a fresh, empty cache (a repeated request is
served from the cache in well under a second, printed as the second ratio). Usage:

    OMP_NUM_THREADS=2 python benchmarks/atomistic_adhesion.py [--metal NaK3] [--quick]

``--quick`` runs single points only (--steps 0) to check the plumbing in a minute.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import tempfile
import time

GOAL_S = 15 * 60


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--metal", default="NaK3")
    ap.add_argument("--electrolyte", default="Na3Hf2Si2PO12")
    ap.add_argument("--metal-layers", type=int, default=15)
    ap.add_argument("--electrolyte-layers", type=int, default=1)
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    os.environ["NAKCELL_CACHE"] = tempfile.mkdtemp(prefix="nakcell-bench-")

    import torch

    from nakcell.atomistic import api
    from nakcell.atomistic.calculators import get_calculator
    from nakcell.atomistic.energies import RelaxSettings

    spec = api.InterfaceSpec(
        metal=args.metal,
        electrolyte=args.electrolyte,
        metal_layers=args.metal_layers,
        electrolyte_layers=args.electrolyte_layers,
    )
    settings = RelaxSettings(fmax_eV_A=0.05, steps=0 if args.quick else 600)
    t0 = time.perf_counter()
    model = get_calculator("chgnet")
    t_load = time.perf_counter() - t0
    res = api.adhesion(spec, model=model, settings=settings)
    t_cold = time.perf_counter() - t0
    t1 = time.perf_counter()
    again = api.adhesion(spec, model=model, settings=settings)
    t_warm = time.perf_counter() - t1
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out = {
        "interface": f"{args.metal}(110) | {args.electrolyte}(110)",
        "n_atoms": res.n_atoms,
        "torch_threads": torch.get_num_threads(),
        "cpu_count": os.cpu_count(),
        "model_load_s": round(t_load, 2),
        "cold_s": round(t_cold, 1),
        "cached_repeat_s": round(t_warm, 3),
        "ratio_cold_to_goal_15min": round(t_cold / GOAL_S, 3),
        "ratio_cached_to_cold": round(t_warm / t_cold, 5),
        "peak_rss_MB": round(peak_mb),
        "w_adh_J_m2": res.w_adh_J_m2,
        "strain_pct": res.strain_pct,
        "converged": res.converged,
        "same_result_from_cache": again.w_adh_J_m2 == res.w_adh_J_m2,
    }
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
