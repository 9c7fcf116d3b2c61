"""Time-step convergence of the symmetric-cell engine (the step must resolve the physics).

Prints the mean |V|, minimum contact fraction and hysteresis of the seed's Na cell (the stiff
case: creep-limited contact) at 2 mA/cm2 and a low stack pressure for dt = half-cycle / N,
with the change against the finest step. Run: ``python benchmarks/symmetric_convergence.py``.
"""

from __future__ import annotations

from nakcell.cell.symmetric import simulate_symmetric
from nakcell.materials import seed_na
from nakcell.protocols import Galvanostatic


def main() -> None:
    cell = seed_na().replace(stack_pressure=0.1e6)
    proto = Galvanostatic(20.0, 1800.0, 10 * 3600.0)
    ns = (15, 30, 60, 120, 240, 960)
    res = {n: simulate_symmetric(cell, proto, steps_per_half=n) for n in ns}
    ref = res[ns[-1]]
    print(
        f"{'N/half':>7} {'dt (s)':>8} {'mean|V| mV':>11} {'rel.err':>9} {'min f':>8} {'rel.err':>9}"
    )
    for n in ns:
        r = res[n]
        e_v = abs(r.overpotential[0] / ref.overpotential[0] - 1)
        e_f = abs(r.min_contact[0] / ref.min_contact[0] - 1)
        print(
            f"{n:7d} {1800 / n:8.1f} {r.overpotential[0] * 1e3:11.3f} {e_v:9.2e} "
            f"{r.min_contact[0]:8.4f} {e_f:9.2e}"
        )


if __name__ == "__main__":
    main()
