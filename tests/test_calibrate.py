"""nakcell.calibrate: statements, priors, the batched EIS model, the sampler, the CLI."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from nakcell.calibrate import build_problem, calibrate, parse_statement
from nakcell.calibrate.inference import diagnostics, sample_many
from nakcell.calibrate.model import CalibModel, eis_impedance
from nakcell.calibrate.observations import Event, Scalar
from nakcell.calibrate.priors import build_priors, make_prior
from nakcell.cell.symmetric import eis_stack
from nakcell.errors import NakcellFileError, NakcellInputError
from nakcell.materials import get_cell

DATA = Path(__file__).parent / "data"


def test_statement_units_are_parsed_to_si() -> None:
    o = parse_statement("R_int = 105 +- 10 ohm cm2")
    assert isinstance(o, Scalar)
    assert o.data[0] == pytest.approx(105e-4)
    assert o.sigma == pytest.approx(10e-4)
    e = parse_statement("shorts within 10 h at 0.1 mA/cm2")
    assert isinstance(e, Event) and e.within and e.what == "shorts"
    assert e.time == pytest.approx(36000.0) and e.current == pytest.approx(1.0)
    s = parse_statement("survives 220 h at 25 mA/cm2")
    assert isinstance(s, Event) and not s.within


@pytest.mark.parametrize(
    "text",
    ["R_int = 105 +- 10 mA", "R_int = 105 +- 10 ohm cm2 at 1 mA/cm2", "Q = 3 +- 1 V", "nonsense"],
)
def test_bad_statements_raise_input_errors(text: str) -> None:
    with pytest.raises(NakcellInputError):
        parse_statement(text)


def test_priors_follow_the_documented_rule() -> None:
    cell = get_cell("seed-na")
    p = make_prior(cell, "i0")
    assert p.log and "Li et al." in p.source
    # i0 from R_ct = 1.5 ohm cm2 (RT/F = 25.69 mV): 17.1 mA/cm2 upper end
    assert float(p.field(p.hi)) == pytest.approx(25.693e-3 / 1.5 * 1e3, rel=1e-3)
    q = make_prior(cell, "heat_transfer")  # no published range: default +- 1 decade
    assert "not a published range" in q.source
    assert q.hi / q.lo == pytest.approx(100.0)
    with pytest.raises(NakcellInputError, match=r"anode\.nope"):
        build_priors(cell, ["anode.nope"])


def test_batched_eis_matches_the_physical_stack() -> None:
    """The calibration's array EIS model equals nakcell.eis.physical for the same cell."""
    cell = get_cell("seed-na")
    f = np.logspace(6, -2, 30)
    ref = eis_stack(cell).spectrum(f).Z_ohm
    m = CalibModel(cell, ("eis.c_dl",))
    z = eis_impedance(m.batch(np.array([[88e-6 * 1e4], [88e-6 * 1e4]])), f)
    np.testing.assert_allclose(z[0], ref, rtol=1e-9)
    np.testing.assert_allclose(z[1], ref, rtol=1e-9)


def test_lockstep_stretch_sampler_matches_emcee_on_a_gaussian() -> None:
    """K independent ensembles in lockstep sample a known correlated Gaussian (exact
    moments) as emcee does."""
    import emcee

    cov = np.array([[1.0, 0.8], [0.8, 2.0]])
    prec = np.linalg.inv(cov)
    mean = np.array([1.0, -2.0])

    def logp(y: np.ndarray) -> np.ndarray:
        d = y - mean
        return -0.5 * np.einsum("ni,ij,nj->n", d, prec, d)

    rng = np.random.default_rng(1)
    ch, acc = sample_many(logp, rng.standard_normal((4, 16, 2)), 1500, rng)
    draws = ch[300:].reshape(-1, 2)
    np.testing.assert_allclose(draws.mean(0), mean, atol=0.1)
    np.testing.assert_allclose(np.cov(draws.T), cov, atol=0.2)
    d = diagnostics([ch[300:, k] for k in range(4)], acc)
    assert d["max_rhat"] < 1.01 and d["min_ess"] > 1000
    s = emcee.EnsembleSampler(32, 2, logp, vectorize=True)
    s._random = np.random.RandomState(2)
    s.run_mcmc(rng.standard_normal((32, 2)), 1500)
    ref = s.get_chain(discard=300, flat=True)
    np.testing.assert_allclose(draws.mean(0), ref.mean(0), atol=0.15)
    np.testing.assert_allclose(np.cov(draws.T), np.cov(ref.T), atol=0.3)


def test_bulk_resistance_posterior_matches_the_analytic_answer() -> None:
    """sigma = L / R_bulk: with R_bulk = 80 +- 5 ohm cm2 the posterior median of sigma_ref is
    L / 80 ohm cm2 (log-uniform prior, Gaussian likelihood: within a few %)."""
    cal = calibrate(
        "seed-na",
        ["electrolyte.sigma_ref"],
        statements=["R_bulk = 80 +- 5 ohm cm2"],
        walkers=32,
        target_ess=600,
        max_steps=800,
    )
    s = cal.summary()["electrolyte.sigma_ref"]
    L = get_cell("seed-na").thickness
    assert s["median"] == pytest.approx(L / 80e-4 / 100, rel=0.03)  # S/cm
    # 95 % interval ~ L / (80 -+ 1.96 * 5)
    assert s["q2.5"] == pytest.approx(L / (80e-4 + 1.96 * 5e-4) / 100, rel=0.05)
    assert s["q97.5"] == pytest.approx(L / (80e-4 - 1.96 * 5e-4) / 100, rel=0.05)
    assert s["identifiable"]


def test_a_parameter_the_data_ignore_is_flagged() -> None:
    cal = calibrate(
        "seed-na",
        ["electrolyte.sigma_ref", "anode.creep_A"],
        statements=["R_bulk = 80 +- 5 ohm cm2"],
        walkers=32,
        target_ess=400,
        max_steps=600,
    )
    summ = cal.summary()
    assert summ["electrolyte.sigma_ref"]["identifiable"]
    assert not summ["anode.creep_A"]["identifiable"]
    assert "not constrained" in summ["anode.creep_A"]["note"]


def test_file_with_no_usable_segment(tmp_path: Path) -> None:
    p = tmp_path / "rest.csv"
    p.write_text("time_s,current_A,voltage_V\n0,0,0.0\n10,0,0.0\n20,0,0.0\n", encoding="utf-8")
    with pytest.raises(NakcellFileError, match="no usable segment"):
        build_problem("seed-na", ["i0"], files=[str(p)])


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    src = str(Path(__file__).resolve().parents[1] / "src")
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from nakcell.cli import main; main(sys.argv[1:])",
            "calibrate",
            *args,
        ],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": src, "PATH": "/usr/bin:/bin"},
        timeout=120,
    )


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--fit", "i0", "--obs", "R_int = 105 +- 10 mA/cm2"], "R_int"),
        (["--fit", "i0,anode.nope", "--obs", "R_int = 105 +- 10 ohm cm2"], "anode.nope"),
        (["--fit", "i0", "NO_SEGMENT"], "no usable segment"),
    ],
)
def test_cli_bad_input_is_one_line_exit_2(tmp_path: Path, args: list[str], needle: str) -> None:
    p = tmp_path / "rest.csv"
    p.write_text("time_s,current_A,voltage_V\n0,0,0.0\n10,0,0.0\n20,0,0.0\n", encoding="utf-8")
    args = [str(p) if a == "NO_SEGMENT" else a for a in args]
    r = _cli(*args, "--out", str(tmp_path / "o"))
    assert r.returncode == 2, r.stderr
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and needle in lines[0], r.stderr


def test_cli_writes_a_cell_every_command_can_load(tmp_path: Path) -> None:
    out = tmp_path / "cal"
    r = _cli(
        "--cell",
        "seed-na",
        "--fit",
        "electrolyte.sigma_ref",
        "--obs",
        "R_bulk = 80 +- 5 ohm cm2",
        "--out",
        str(out),
        "--json",
        "--walkers",
        "32",
        "--ess",
        "300",
        "--max-steps",
        "400",
    )
    assert r.returncode == 0, r.stderr
    import json

    payload = json.loads(r.stdout)
    p = payload["parameters"]["electrolyte.sigma_ref"]
    assert set(p) >= {"mean", "median", "q2.5", "q97.5", "identifiable"}
    assert payload["out"] == str(out)
    for f in ("calibrated.toml", "posterior.parquet", "corner.png", "predictive.png"):
        assert (out / f).stat().st_size > 0
    cell = get_cell(str(out / "calibrated.toml"))
    assert cell.electrolyte.sigma_ref * 0.01 == pytest.approx(p["median"], rel=1e-4)
    assert math.isfinite(cell.i0)


def test_direct_parameter_arrays_equal_the_cells_own() -> None:
    """The calibration's shortcut (fitted columns set straight into the engine's arrays)
    gives the same arrays as building each cell and reading it (BatchParams.of)."""
    import dataclasses

    from nakcell.calibrate.model import DIRECT
    from nakcell.calibrate.priors import default_value
    from nakcell.interface.params import BatchParams

    cell = get_cell("seed-na")
    names = tuple(DIRECT)
    base = np.array([default_value(cell, k) for k in names])
    rng = np.random.default_rng(3)
    theta = base * rng.uniform(0.5, 2.0, (5, len(names)))
    b = CalibModel(cell, names).batch(theta)
    fast = b.params()
    slow = BatchParams.of(b.cells(), 5)
    for f in dataclasses.fields(BatchParams):
        np.testing.assert_array_equal(getattr(fast, f.name), getattr(slow, f.name), f.name)
    assert CalibModel(cell, ("anode.W_adh",)).batch(np.ones((2, 1))).params() is None
