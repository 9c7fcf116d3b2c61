"""Interface resistance: parallel contact bins, each charge transfer + film + constriction.

An electrode face is split into bins k (equal area, weight 1/K) with true contact fraction
f_k. In the linear (small-signal) limit a bin's conductance per geometric area is

    g_k = f_k / (R_ct + R_film + f_k R_c(f_k)),

with R_ct = RT / (F i0) and R_film per true contact area (the film carries current only where
the metal touches it), R_c the Holm constriction
(:func:`nakcell.interface.contact.constriction_asr`).
The bins are in parallel: the interface ASR is 1 / mean_k(g_k), and a current i splits as
i_k = i g_k / mean(g). This is how current focuses onto the remaining contact when voids grow.
"""

from __future__ import annotations

import numpy as np

from nakcell.interface.contact import constriction_asr


def bin_conductance(
    f: np.ndarray, r_ct: np.ndarray, r_film: np.ndarray, rho: np.ndarray, a: np.ndarray
) -> np.ndarray:
    """g_k (S/m2 geometric) of each bin; ``f`` is (K, n), the rest (n,)."""
    return f / (r_ct + r_film + f * constriction_asr(rho, a, f))


def film_for_measured(
    r_meas: np.ndarray, f: np.ndarray, r_ct: np.ndarray, rho: np.ndarray, a: np.ndarray
) -> np.ndarray:
    """Film ASR (ohm m2 per true contact) that makes the interface ASR equal ``r_meas``.

    Solves 1 / mean_k g_k(R_film) = r_meas by bisection (monotone in R_film, bracketed by
    [0, r_meas]); 0 where the measured value is below the model's film-free interface (the
    measurement is then explained without a film) or not given (r_meas = 0).
    """
    lo = np.zeros_like(r_meas)
    hi = np.maximum(r_meas, 1e-30)
    for _ in range(80):
        mid = 0.5 * (lo + hi)
        asr = 1.0 / np.mean(bin_conductance(f, r_ct, mid, rho, a), axis=0)
        below = asr < r_meas
        lo = np.where(below, mid, lo)
        hi = np.where(below, hi, mid)
    return np.where(r_meas > 0, 0.5 * (lo + hi), 0.0)


def pressure_bins(p: np.ndarray, spread: np.ndarray, n_bins: int) -> np.ndarray:
    """Local stack pressure of K equal-area bins (K, n): log-normal, mean p, log-spread s.

    Bin k takes the median of its probability slice ((k + 1/2)/K quantile), normalised so
    the bins' mean is p (force balance).
    """
    from scipy.special import ndtri

    q = (np.arange(n_bins) + 0.5) / n_bins
    z = ndtri(q)[:, None] if n_bins > 1 else np.zeros((1, 1))
    w = np.exp(z * spread[None, :])
    return p[None, :] * w / np.mean(w, axis=0, keepdims=True)
