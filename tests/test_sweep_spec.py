"""Sweep specs: designs equal their definitions, units are honoured, bad specs name the key."""

import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import pytest

from nakcell.errors import NakcellInputError
from nakcell.materials import get_cell
from nakcell.sweep import apply_point, load_spec, parse_spec
from nakcell.sweep.engine import plan

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "sweep-ccd.toml"


def spec_dict(**params) -> dict:
    return {
        "cell": "seed-na",
        "protocol": {
            "kind": "ccd",
            "start": "1 mA/cm2",
            "step": "1 mA/cm2",
            "stop": "3 mA/cm2",
            "half_cycle": "15 min",
        },
        "parameters": params or {"thickness": {"grid": ["0.3 mm", "1.2 mm", 4]}},
    }


def test_grid_is_linspace_in_si_from_field_units():
    s = parse_spec(spec_dict(thickness={"grid": ["0.3 mm", "1.2 mm", 10]}))
    # 0.3 mm = 3e-4 m and 1.2 mm = 1.2e-3 m by definition of the millimetre
    assert s.design()[:, 0] == pytest.approx(np.linspace(3e-4, 1.2e-3, 10), rel=1e-12)


def test_log_grid_has_constant_ratio_and_bare_numbers_use_the_field_unit():
    s = parse_spec(
        spec_dict(**{"electrolyte.sigma_ref": {"grid": [1e-4, 1e-2, 5], "scale": "log"}})
    )
    v = s.design()[:, 0]
    # 1e-4 S/cm = 1e-2 S/m; a decade per two steps -> ratio sqrt(10)
    assert v[0] == pytest.approx(1e-2)
    assert v[1:] / v[:-1] == pytest.approx(np.full(4, 10**0.5))


def test_design_is_the_cartesian_product_of_grid_and_list_axes():
    s = parse_spec(
        spec_dict(
            thickness={"grid": ["0.5 mm", "1 mm", 3]},
            stack_pressure={"list": ["0.1 MPa", "1 MPa"]},
            **{"electrolyte": {"sigma_ref": {"list": ["1e-3 S/cm", "2e-3 S/cm"]}}},
        )
    )
    d = s.design()
    assert s.n_points == 12 == len(d)
    assert len({tuple(r) for r in d}) == 12
    assert set(d[:, 1]) == {1e5, 1e6}
    assert s.model.keys == ("thickness", "stack_pressure", "electrolyte.sigma_ref")


def test_latin_hypercube_puts_one_sample_in_each_stratum_and_is_reproducible():
    p = {
        "thickness": {"range": ["0.2 mm", "1.0 mm"]},
        "anode.wt_pct_K": {"range": [0, 90]},
    }
    d = {**spec_dict(**p), "lhs": {"n": 40, "seed": 11}}
    a = parse_spec(d).design()
    lo = np.array([2e-4, 0.0])
    hi = np.array([1e-3, 90.0])
    strata = np.floor((a - lo) / (hi - lo) * 40).astype(int)
    for j in range(2):  # the Latin property (McKay et al. 1979): each of n bins exactly once
        assert sorted(strata[:, j]) == list(range(40))
    assert np.array_equal(a, parse_spec(d).design())
    d2 = {**d, "lhs": {"n": 40, "seed": 12}}
    assert not np.array_equal(a, parse_spec(d2).design())


def test_lhs_crossed_with_grid():
    d = {
        **spec_dict(
            thickness={"range": ["0.2 mm", "1.0 mm"]}, stack_pressure={"list": [0.1, 1, 5]}
        ),
        "lhs": {"n": 7, "seed": 0},
    }
    s = parse_spec(d)
    x = s.design()
    assert s.n_points == 21 == len(x)
    for p in (1e5, 1e6, 5e6):  # the same LHS rows under each grid value
        assert sorted(x[x[:, 1] == p, 0]) == sorted(x[x[:, 1] == 1e5, 0])


def test_wt_pct_K_sets_the_mole_fraction_from_atomic_weights():
    cell = apply_point(get_cell("seed-na"), ["anode.wt_pct_K"], [56.0])
    # by hand: 44 g Na / 22.98977 g/mol and 56 g K / 39.0983 g/mol (IUPAC)
    n_na, n_k = 44 / 22.98977, 56 / 39.0983
    assert cell.anode.x_Na == pytest.approx(n_na / (n_na + n_k), rel=1e-12)
    # the seed's DFT works of adhesion bracket the interpolated value (0.166 Na, 0.185 NaK3)
    assert 0.166 < cell.anode.W_adh < 0.185


def test_point_sets_cell_anode_and_electrolyte_fields():
    c = apply_point(
        get_cell("seed-na"),
        ["thickness", "electrolyte.sigma_ref", "anode.yield_stress"],
        [5e-4, 0.1, 1e6],
    )
    assert (c.thickness, c.electrolyte.sigma_ref, c.anode.yield_stress) == (5e-4, 0.1, 1e6)
    assert c.stack_pressure == get_cell("seed-na").stack_pressure


def test_point_hash_depends_on_values_and_model_not_on_parameter_order():
    a = parse_spec(spec_dict(thickness={"list": [0.5, 1.0]}, stack_pressure={"list": [0.1, 1.0]}))
    b = parse_spec(spec_dict(stack_pressure={"list": [0.1, 1.0]}, thickness={"list": [0.5, 1.0]}))
    ha = dict(zip(map(tuple, a.design()), a.point_hashes(a.design()), strict=True))
    hb = {
        (t, p): h
        for (p, t), h in zip(map(tuple, b.design()), b.point_hashes(b.design()), strict=True)
    }
    assert ha == hb and len(set(ha.values())) == 4
    c_dict = spec_dict(thickness={"list": [0.5, 1.0]}, stack_pressure={"list": [0.1, 1.0]})
    c_dict["protocol"]["stop"] = "4 mA/cm2"
    c = parse_spec(c_dict)
    assert not set(c.point_hashes(c.design())) & set(ha.values())


def test_plan_skips_stored_points():
    s = parse_spec(spec_dict(thickness={"grid": [0.3, 1.2, 10]}))
    h = s.point_hashes(s.design())
    idx, _rows, hashes = plan(s, set(h[::2]))
    assert list(idx) == list(range(1, 10, 2)) and hashes == h[1::2]


def test_example_spec_is_a_few_thousand_points():
    s = load_spec(EXAMPLE)
    assert 1000 <= s.n_points <= 10000
    assert s.n_points == len(s.design())


@pytest.mark.parametrize(
    ("params", "extra", "key"),
    [
        ({"thicknes": {"grid": [0.3, 1.2, 3]}}, {}, "parameters.thicknes"),
        ({"electrolyte.sigma": {"list": [1e-3]}}, {}, "parameters.electrolyte.sigma"),
        ({"thickness": {"grid": ["1 mm", "1 mm", 3]}}, {}, "parameters.thickness.grid"),
        ({"thickness": {"grid": ["1 mm", "0.5 mm", 3]}}, {}, "parameters.thickness.grid"),
        ({"thickness": {"list": []}}, {}, "parameters.thickness.list"),
        ({"thickness": {"grid": [0.3, 1.2, "ten"]}}, {}, "parameters.thickness.grid[2]"),
        ({"thickness": {"grid": ["0.3 MPa", 1.2, 3]}}, {}, "parameters.thickness.grid[0]"),
        ({"thickness": {"grid": [0.3, 1.2]}}, {}, "parameters.thickness.grid"),
        ({"thickness": [0.3, 1.2]}, {}, "parameters.thickness"),
        ({"anode.wt_pct_K": {"list": ["56"]}}, {}, "parameters.anode.wt_pct_K.list[0]"),
        ({"anode.wt_pct_K": {"list": [120]}}, {}, "parameters.anode.wt_pct_K.list[0]"),
        ({"thickness": {"list": [-1.0]}}, {}, "parameters.thickness"),
        ({"thickness": {"range": [0.3, 1.2]}}, {}, "lhs"),
        ({"thickness": {"range": [0.3, 1.2]}}, {"lhs": {"n": 0, "seed": 1}}, "lhs.n"),
        ({"thickness": {"range": [0.3, 1.2]}}, {"lhs": {"n": 10}}, "lhs.seed"),
        ({"thickness": {"list": [1.0]}}, {"metrics": ["ccd"]}, "metrics: 'ccd'"),
        ({"thickness": {"list": [1.0]}}, {"batch_size": 0}, "batch_size"),
        ({"thickness": {"list": [1.0]}}, {"cel": "seed-na"}, "cel"),
        ({"protocol.current_density": {"list": [1.0]}}, {}, "parameters.protocol.current_density"),
    ],
)
def test_bad_spec_names_the_key(params, extra, key):
    with pytest.raises(NakcellInputError) as e:
        parse_spec({**spec_dict(**params), **extra})
    assert e.value.parameter == key


def test_bad_spec_on_the_cli_is_one_line_and_exit_2(tmp_path):
    d = tomllib.loads(EXAMPLE.read_text())
    text = EXAMPLE.read_text().replace('"anode.wt_pct_K"', '"anode.wt_pct_Kx"')
    assert text != EXAMPLE.read_text() and d
    spec = tmp_path / "bad.toml"
    spec.write_text(text)
    p = subprocess.run(
        [sys.executable, "-m", "nakcell.cli", "sweep", str(spec), "--db", str(tmp_path / "x.db")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert p.returncode == 2
    assert "parameters.anode.wt_pct_Kx" in p.stderr
    assert "Traceback" not in p.stderr and len(p.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "x.db").exists()  # nothing is created for a bad spec
