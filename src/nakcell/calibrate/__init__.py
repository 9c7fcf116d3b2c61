"""Calibration: condition a cell model on measurements, with honest uncertainty.

>>> from nakcell.calibrate import calibrate            # doctest: +SKIP
>>> cal = calibrate("seed-na", ["i0"], statements=["R_int = 105 +- 10 ohm cm2"])  # doctest: +SKIP
>>> cal.summary()["i0"]["identifiable"]                 # doctest: +SKIP
True

See docs/calibration.md for the statistical model (priors, noise, likelihood).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from nakcell.calibrate.inference import Problem, RunInfo, run_posterior
from nakcell.calibrate.model import CalibModel
from nakcell.calibrate.observations import (
    Event,
    Observation,
    Scalar,
    Spectrum,
    Trace,
    observations_from_files,
    parse_statement,
)
from nakcell.calibrate.priors import Prior, build_priors, known_parameters
from nakcell.calibrate.result import Calibration
from nakcell.errors import NakcellInputError
from nakcell.materials import Cell, get_cell

__all__ = [
    "Calibration",
    "Event",
    "Observation",
    "Prior",
    "Problem",
    "RunInfo",
    "Scalar",
    "Spectrum",
    "Trace",
    "build_problem",
    "calibrate",
    "known_parameters",
    "parse_statement",
    "seed_calibration",
]


def build_problem(
    cell: str | Cell,
    fit: Sequence[str],
    *,
    files: Sequence[str] = (),
    statements: Sequence[str] = (),
    priors: Mapping[str, tuple[float, float]] | None = None,
    steps_per_half: int = 8,
    robust: bool = False,
) -> Problem:
    """Validate everything (parameter names, units, files) and assemble the posterior."""
    base = get_cell(cell) if isinstance(cell, str) else cell
    if not fit:
        raise NakcellInputError("--fit", "nothing", "at least one parameter name")
    pri = build_priors(base, list(fit), priors)
    obs: list[Observation] = [parse_statement(s) for s in statements]
    obs += observations_from_files(list(files), base.area, robust=robust)
    if not obs:
        raise NakcellInputError("DATA/--obs", "nothing", "at least one data file or --obs")
    model = CalibModel(base, tuple(p.name for p in pri), steps_per_half=steps_per_half)
    return Problem(model, pri, obs)


def calibrate(
    cell: str | Cell,
    fit: Sequence[str],
    *,
    files: Sequence[str] = (),
    statements: Sequence[str] = (),
    priors: Mapping[str, tuple[float, float]] | None = None,
    walkers: int = 64,
    target_ess: float = 1000.0,
    max_steps: int = 4000,
    seed: int = 0,
    steps_per_half: int = 8,
    robust: bool = False,
    progress: Callable[[str], None] | None = None,
) -> Calibration:
    """Posterior of ``fit`` given data ``files`` and ``statements`` (see module docs)."""
    prob = build_problem(
        cell,
        fit,
        files=files,
        statements=statements,
        priors=priors,
        steps_per_half=steps_per_half,
        robust=robust,
    )
    walkers = max(walkers, 2 * prob.ndim + 2)
    walkers += walkers % 2
    run = run_posterior(
        prob,
        walkers=walkers,
        target_ess=target_ess,
        max_steps=max_steps,
        seed=seed,
        progress=progress,
    )
    return Calibration(prob, run)


def seed_calibration(**kw: object) -> dict[str, object]:
    """Fit the seed's Na and Na-K cells to the seed's own measurements (see
    :mod:`nakcell.calibrate.seed`)."""
    from nakcell.calibrate.seed import seed_calibration as _sc

    return _sc(**kw)  # type: ignore[arg-type]
