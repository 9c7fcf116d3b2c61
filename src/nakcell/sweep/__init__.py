"""Design sweeps: spec (grid / list / Latin hypercube), Dask engine, DuckDB store, resume."""

from nakcell.sweep.spec import METRICS, SweepSpec, apply_point, load_spec, parse_spec

__all__ = ["METRICS", "SweepSpec", "apply_point", "load_spec", "parse_spec", "run_sweep"]


def run_sweep(*args, **kwargs):  # type: ignore[no-untyped-def]
    """See :func:`nakcell.sweep.engine.run_sweep` (imported lazily: dask is heavy)."""
    from nakcell.sweep.engine import run_sweep as _run

    return _run(*args, **kwargs)
