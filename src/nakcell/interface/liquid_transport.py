"""Composition gradients in a liquid alloy electrode during plating and stripping.

Only Na crosses the Na+ conductor, so stripping depletes Na at the ceramic face and plating
enriches it; interdiffusion in the liquid (held in a host of thickness L) relaxes the gradient.
The face composition x_s, not the mean, sets the Nernst term, the activity in i0, and whether
the plating side freezes out (Na2K or Na) when it leaves the liquid field.

Model: 1-D diffusion across the electrode, no-flux back face, flux J at the ceramic face,

    dx/dt = D d2x/dz2,   -c D dx/dz |_0 = -J,   dx/dz |_L = 0,

(c = 1/V_m; J > 0 strips). Its exact solution for piecewise-constant J is a cosine series:
x(z, t) = x_mean(t) + sum_k a_k(t) cos(k pi z / L) with

    da_k/dt = -lambda_k a_k - 2 J / (c L),   lambda_k = D (k pi / L)^2

(Crank, *The Mathematics of Diffusion*, 2nd ed. (1975), sec. 4.3, the slab with a constant
surface flux). The first ``n_modes`` amplitudes are states updated exactly per step; the faster
rest are taken at their steady values, so the steady face offset -J L / (3 c D) (the parabolic
profile) is exact and transients are exact beyond the n-th mode's time L^2 / (D n^2 pi^2).
Everything is numpy over a batch of cells: arrays (n,) and (n, n_modes).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

Array = np.ndarray
N_MODES = 6


def effective_diffusivity(
    interdiffusion: ArrayLike, x_Na: ArrayLike, porosity: ArrayLike = 1.0
) -> Array:
    """Diffusivity (m2/s) of the Na mole fraction in a host-held liquid with K at rest.

    K does not cross the ceramic, so it has no net flux: N_Na (1 - x) = -c D~ dx/dz (Bird,
    Stewart & Lightfoot, *Transport Phenomena*, 2nd ed. (2002), eq. 18.2-14, diffusion through a
    stagnant component), linearised here as D~ / (1 - x) at the mean composition; the host's
    tortuosity by Bruggeman, eps^1.5 (Tjaden et al., Curr. Opin. Chem. Eng. 12 (2016) 44).
    """
    x = np.clip(np.asarray(x_Na, float), 0.0, 1.0 - 1e-9)
    return np.asarray(interdiffusion, float) * np.asarray(porosity, float) ** 1.5 / (1.0 - x)


def mode_rates(diffusivity: ArrayLike, length: ArrayLike, n_modes: int = N_MODES) -> Array:
    """Decay rates lambda_k = D (k pi / L)^2 (1/s) of the first modes, shape (n, n_modes)."""
    k = np.arange(1, n_modes + 1)
    d = np.atleast_1d(np.asarray(diffusivity, float))[:, None]
    ell = np.atleast_1d(np.asarray(length, float))[:, None]
    return d * (k * np.pi / ell) ** 2


def advance_modes(
    amps: Array, flux: ArrayLike, conc: ArrayLike, length: ArrayLike, rates: Array, dt: float
) -> Array:
    """Mode amplitudes after dt at constant face flux J (mol/m2/s, > 0 strips): exact update."""
    j = np.atleast_1d(np.asarray(flux, float))[:, None]
    c = np.atleast_1d(np.asarray(conc, float))[:, None]
    ell = np.atleast_1d(np.asarray(length, float))[:, None]
    steady = -2.0 * j / (c * ell * rates)
    return steady + (amps - steady) * np.exp(-rates * dt)


def face_offset(
    amps: Array, flux: ArrayLike, conc: ArrayLike, length: ArrayLike, diffusivity: ArrayLike
) -> Array:
    """x_face - x_mean: the resolved modes plus the quasi-steady tail of the unresolved ones.

    Tail: -(2 J L / (c D pi^2)) sum_{k > n} 1/k^2 = -(J L / (c D)) (1/3 - (2/pi^2) sum_{k<=n}
    1/k^2), so the steady offset is exactly -J L / (3 c D).
    """
    n = amps.shape[-1]
    partial = float(np.sum(1.0 / np.arange(1, n + 1) ** 2))
    j = np.asarray(flux, float)
    scale = j * np.asarray(length, float) / (np.asarray(conc, float) * np.asarray(diffusivity))
    return amps.sum(axis=-1) - scale * (1.0 / 3.0 - 2.0 * partial / np.pi**2)


def steady_face_offset(
    flux: ArrayLike, conc: ArrayLike, length: ArrayLike, diffusivity: ArrayLike
) -> Array:
    """Steady x_face - x_mean = -J L / (3 c D) (parabolic profile across the slab)."""
    return (
        -np.asarray(flux, float)
        * np.asarray(length, float)
        / (3.0 * np.asarray(conc, float) * np.asarray(diffusivity, float))
    )


def short_time_face_offset(
    flux: ArrayLike, conc: ArrayLike, diffusivity: ArrayLike, t: ArrayLike
) -> Array:
    """x_face - x_0 for t << L^2/D: -2 J sqrt(t / (pi D)) / c (semi-infinite, constant flux;
    Crank 1975 eq. 3.7 at the surface)."""
    d = np.asarray(diffusivity, float)
    return (
        -2.0
        * np.asarray(flux, float)
        * np.sqrt(np.asarray(t, float) / (np.pi * d))
        / np.asarray(conc, float)
    )


def depletion_current_density(
    x_mean: ArrayLike, conc: ArrayLike, length: ArrayLike, diffusivity: ArrayLike
) -> Array:
    """Current density (A/m2) at which steady stripping empties the face of Na: x_face = 0.

    i_lim = 3 F c D x_mean / L: above it the Nernst term ln a_Na(x_face) diverges (a mass-
    transport limit of the liquid electrode, not of the ceramic). ~24 A/cm2 for the seed
    alloy in a 105 um layer at 25 degC: composition gradients do not limit the seed's currents.
    """
    from nakcell.constants import F

    return (
        3.0
        * F
        * np.asarray(conc, float)
        * np.asarray(diffusivity, float)
        * np.asarray(x_mean, float)
        / np.asarray(length, float)
    )


def freezes_out(x_face: ArrayLike, x_lo: ArrayLike, x_hi: ArrayLike) -> Array:
    """True where the face composition has left the liquid field [x_lo, x_hi] at T.

    Above x_hi the liquid is saturated in Na2K (or Na) and a solid layer nucleates on the
    plating face; below x_lo in K. The field comes from the assessed TDB
    (:func:`nakcell.thermo.liquid_range_x_Na`); nucleation undercooling is left out, so this
    is the earliest freeze-out time.
    """
    x = np.asarray(x_face, float)
    return (x > np.asarray(x_hi, float)) | (x < np.asarray(x_lo, float))
