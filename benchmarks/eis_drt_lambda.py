"""How DRT lambda is chosen on real spectra: nakcell.eis.drt against pyDRTtools.

For every readable file in tests/data/eis, nakcell's automatic lambda (discrepancy principle
with a dof-corrected Lin-KK noise level, else the L-curve corner; see docs/eis.md) is
printed with the rule that chose it and whether it fell to its floor (1e-8). pyDRTtools
(ciuccislab, 0.2: Gaussian RBF, first-derivative penalty, combined Re-Im data, inductance
fitted) chooses lambda by minimising a score with SLSQP from 1e-3 inside [1e-7, 1]; its GCV
and L-curve choices are printed with a mark where they end on a bound of that interval.
The two lambdas are not on one scale (nakcell weights residuals by 1/|Z| and scales
columns; pyDRTtools fits unweighted ohm), so compare the behaviour: interior or bound.

pyDRTtools is optional (not a project dependency). Install it where it cannot touch the
project's environment, e.g. ``pip install --target /tmp/pydrt --no-deps pyDRTtools cvxopt
scikit-learn joblib threadpoolctl``, then run
``PYTHONPATH=/tmp/pydrt:src python benchmarks/eis_drt_lambda.py``. Its package
``__init__`` imports the Qt GUI, so the modules are loaded without it.
"""

from __future__ import annotations

import contextlib
import io
import sys
import types
import warnings
from pathlib import Path

import numpy as np

from nakcell.eis import read
from nakcell.eis.drt import drt
from nakcell.errors import NakcellError

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "eis"
PY_BOUNDS = (1e-7, 1.0)
PY_START = 1e-3  # pyDRTtools' default initial lambda for the search


def _pydrttools():
    for entry in sys.path:
        d = Path(entry) / "pyDRTtools"
        if (d / "runs.py").is_file():
            pkg = types.ModuleType("pyDRTtools")
            pkg.__path__ = [str(d)]
            sys.modules["pyDRTtools"] = pkg
            with contextlib.redirect_stdout(io.StringIO()):  # it prints sys.path on import
                from pyDRTtools import runs  # type: ignore[import-not-found]

            return runs
    return None


def _py_lambda(runs, f: np.ndarray, z: np.ndarray, cv: str) -> float | None:
    entry = runs.EIS_object(f, z.real, z.imag)
    try:
        with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            runs.simple_run(entry, cv_type=cv)
    except Exception:
        return None
    return float(np.ravel(entry.lambda_value)[0])


def _mark(lam: float | None) -> str:
    if lam is None:
        return "failed"
    if any(abs(np.log(lam / b)) < 0.05 for b in PY_BOUNDS):
        return f"{lam:.2g} (bound)"
    if abs(np.log(lam / PY_START)) < 0.1:
        return f"{lam:.2g} (start)"
    return f"{lam:.2g}"


def main() -> None:
    import matplotlib

    matplotlib.use("Agg")
    runs = _pydrttools()
    print(f"{'file':46s} {'nakcell lambda':>26s}   pyDRTtools GCV   pyDRTtools LC")
    n = floor = 0
    tally = {"GCV": {"bound": 0, "start": 0}, "LC": {"bound": 0, "start": 0}}
    for p in sorted(DATA.iterdir()):
        if p.suffix == ".md":
            continue
        try:
            s = read(p)
        except NakcellError:
            continue
        r = drt(s.frequency_Hz, s.Z_ohm)
        n += 1
        floor += r.lam_at_floor
        ours = f"{r.lam:.2g} {r.lam_method}{' FLOOR' if r.lam_at_floor else ''}"
        g = lc = None
        if runs is not None:
            f = s.frequency_Hz[::-1] if s.frequency_Hz[0] < s.frequency_Hz[-1] else s.frequency_Hz
            z = s.Z_ohm[::-1] if s.frequency_Hz[0] < s.frequency_Hz[-1] else s.Z_ohm
            g, lc = _py_lambda(runs, f, z, "GCV"), _py_lambda(runs, f, z, "LC")
            for cv, lam in (("GCV", g), ("LC", lc)):
                for k in ("bound", "start"):
                    tally[cv][k] += _mark(lam).endswith(f"({k})")
        print(f"{p.name[:46]:46s} {ours:>26s}   {_mark(g):>14s}   {_mark(lc):>13s}")
    print(f"\nnakcell: {floor} of {n} spectra at the lambda floor, each flagged in the result")
    if runs is None:
        print("pyDRTtools not importable: see the module docstring")
    else:
        for cv, t in tally.items():
            print(
                f"pyDRTtools {cv}: on a bound of [1e-7, 1] for {t['bound']} of {n}, within 10 % "
                f"of its start 1e-3 for {t['start']} of {n} (not flagged either way)"
            )


if __name__ == "__main__":
    main()
