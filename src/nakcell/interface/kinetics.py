"""Butler-Volmer charge transfer on the true (contacting) area."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from nakcell.constants import F, R


def bv_current(eta: ArrayLike, i0: ArrayLike, T: ArrayLike, alpha: float = 0.5) -> np.ndarray:
    """Butler-Volmer current density (A/m2 of true contact) at overpotential ``eta`` (V).

    i = i0 [exp(alpha F eta / RT) - exp(-(1 - alpha) F eta / RT)]
    (Bard & Faulkner, Electrochemical Methods, 2nd ed. (2001), eq. 3.4.11).
    """
    f = F / (R * np.asarray(T, dtype=float))
    eta = np.asarray(eta, dtype=float)
    return np.asarray(i0) * (np.exp(alpha * f * eta) - np.exp(-(1 - alpha) * f * eta))


def bv_overpotential(
    i_local: ArrayLike, i0: ArrayLike, T: ArrayLike, alpha: float = 0.5
) -> np.ndarray:
    """Overpotential (V) that drives ``i_local`` (A/m2 of true contact) by Butler-Volmer.

    For alpha = 1/2 the inverse is closed-form: eta = (2RT/F) asinh(i / (2 i0))
    (Bard & Faulkner 2001, eq. 3.4.11 inverted). Other alpha: vectorised Newton iterations on
    the monotone BV curve, started from the Tafel/linear asymptote.
    """
    i_local = np.asarray(i_local, dtype=float)
    i0 = np.asarray(i0, dtype=float)
    T = np.asarray(T, dtype=float)
    rt_f = R * T / F
    if alpha == 0.5:
        return 2.0 * rt_f * np.arcsinh(i_local / (2.0 * i0))
    eta = rt_f * np.arcsinh(i_local / (2.0 * i0)) * 2.0  # symmetric guess
    for _ in range(50):
        g = bv_current(eta, i0, T, alpha) - i_local
        dg = (
            i0
            / rt_f
            * (alpha * np.exp(alpha * eta / rt_f) + (1 - alpha) * np.exp(-(1 - alpha) * eta / rt_f))
        )
        step = g / dg
        eta = eta - step
        if np.all(np.abs(step) < 1e-12):
            break
    return eta


def charge_transfer_asr(i0: ArrayLike, T: ArrayLike) -> np.ndarray:
    """Linear-regime charge-transfer resistance (ohm m2 of true contact): R_ct = RT / (F i0).

    Small-signal limit of Butler-Volmer (Bard & Faulkner 2001, eq. 3.4.13).
    """
    return R * np.asarray(T, dtype=float) / (F * np.asarray(i0, dtype=float))
