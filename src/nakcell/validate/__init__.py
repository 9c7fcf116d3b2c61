"""Validation against published measurements: ``nakcell validate``.

:func:`load_points` reads the published set (``validation/published.csv``);
:func:`run_validation` runs the model at each point's conditions and returns, per point,
model vs published with whether the model lies inside the published range.
"""

from nakcell.validate.published import Point, load_points
from nakcell.validate.runner import Outcome, run_validation

__all__ = ["Outcome", "Point", "load_points", "run_validation"]
