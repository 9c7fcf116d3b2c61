"""The report section: phase-diagram figure and the seed's thermodynamic statements."""

import numpy as np

from nakcell.thermo import in_liquid_field
from nakcell.thermo.equilibrium import parse_composition
from nakcell.thermo.seed import report_section


def test_report_section_writes_figure_and_reasoned_checks(tmp_path, monkeypatch):
    monkeypatch.setenv("NAKCELL_CACHE", str(tmp_path))
    r = report_section(tmp_path / "out")
    assert (tmp_path / "out" / "thermo_phase_diagram.png").stat().st_size > 1000
    assert all({"claim", "value", "verdict", "reason"} <= set(c) for c in r["checks"])
    liquid = next(c for c in r["checks"] if "liquid form" in c["claim"])
    assert liquid["verdict"] == "holds"


def test_drifting_electrode_leaves_the_liquid_field_when_na_rich():
    # Plating Na into the seed alloy raises x_Na; past ~41.8 wt% K (JACS 2018 bound) at 25 C
    # the electrode is no longer fully liquid.
    x_seed = parse_composition("56 wt% K")
    x_rich = parse_composition("35 wt% K")
    assert in_liquid_field(np.array([x_seed, x_rich]), 298.15).tolist() == [True, False]
