"""Contact angle from a work of adhesion, in degrees: a thin wrapper of the thermo module's
Young-Dupre (:func:`nakcell.thermo.wetting.contact_angle_from_adhesion`), so there is one
implementation. W_adh = gamma_lv (1 + cos theta) (Young 1805; Dupre 1869).
"""

from __future__ import annotations

import math

from nakcell.thermo.wetting import contact_angle_from_adhesion


def contact_angle_from_wadh(w_adh_J_m2: float, gamma_lv_J_m2: float) -> float:
    """Contact angle in degrees; 0 when W >= 2 gamma_lv (spreading), 180 when W <= 0."""
    return math.degrees(contact_angle_from_adhesion(w_adh_J_m2, gamma_lv_J_m2))
