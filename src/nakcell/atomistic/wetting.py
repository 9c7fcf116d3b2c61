"""Contact angle from a work of adhesion (Young-Dupre).

Placeholder for the thermo module's Young-Dupre function (written in parallel); merge them
when both land. Young-Dupre: W_adh = gamma_lv (1 + cos theta) (T. Young, Phil. Trans. R. Soc.
95, 65 (1805); A. Dupre, Theorie mecanique de la chaleur (1869)), so
cos theta = W_adh / gamma_lv - 1.
"""

from __future__ import annotations

import math

from nakcell.errors import NakcellInputError


def contact_angle_from_wadh(w_adh_J_m2: float, gamma_lv_J_m2: float) -> float:
    """Contact angle in degrees; 0 when W >= 2 gamma_lv (spreading), 180 when W <= 0."""
    if not (gamma_lv_J_m2 > 0 and math.isfinite(gamma_lv_J_m2)):
        raise NakcellInputError("gamma_lv", gamma_lv_J_m2, "a positive surface tension")
    if not math.isfinite(w_adh_J_m2):
        raise NakcellInputError("w_adh", w_adh_J_m2, "a finite work of adhesion")
    cos_t = max(-1.0, min(1.0, w_adh_J_m2 / gamma_lv_J_m2 - 1.0))
    return math.degrees(math.acos(cos_t))
