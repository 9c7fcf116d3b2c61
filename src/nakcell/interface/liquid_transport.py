"""Composition gradients in a liquid alloy electrode during plating and stripping.

Only Na crosses the Na+ conductor, so stripping depletes Na at the ceramic face and plating
enriches it; interdiffusion in the liquid (held in a host of thickness L) relaxes the gradient.
The face composition x_s, not the mean, sets the Nernst term, the activity in i0, and whether
the plating side freezes out (Na2K or Na) when it leaves the liquid field.

Model: 1-D diffusion across the electrode, no-flux back face, flux J at the ceramic face,

    dx/dt = D d2x/dz2,   c D dx/dz |_0 = J,   dx/dz |_L = 0,

(c = moles of alloy per volume; J > 0 strips). It is discretised by finite volumes on a
geometric grid (48 cells from 1e-6 L at the face, growing to L/20 at the back; conservative,
Patankar, *Numerical Heat Transfer and Fluid Flow* (1980), ch. 4) and solved
*exactly in time* in the eigenbasis of that operator: each non-uniform-grid mode is a state
with an exact exponential
update for piecewise-constant J, so the slow modes give the finite-slab steady state (the
parabolic profile, face offset -J L / (3 c D)) and the fast, face-localised modes give the
short-time sqrt(t) response (Crank, *The Mathematics of Diffusion*, 2nd ed. (1975), eq. 3.7)
for any electrode thickness and time step (tested against both and against a method-of-lines
solution). The mean composition is the cell's inventory (not a mode here). Everything is numpy
over a batch of cells: arrays (n,) and (n, n_modes).
"""

from __future__ import annotations

import functools

import numpy as np
from numpy.typing import ArrayLike
from scipy.linalg import eigh
from scipy.optimize import brentq

Array = np.ndarray


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


@functools.cache
def _grid_modes(
    n_cells: int = 48, h0: float = 1e-6, h_max: float = 0.05
) -> tuple[np.ndarray, np.ndarray, float]:
    """Eigenmodes of the dimensionless FV operator on a geometric grid over xi = z / L in [0, 1].

    Returns (mu_k > 0 decay rates in D/L^2 units, v_k(0) the modes' value in the face cell,
    h0 the face cell's width), without the zero (mean) mode. Generalised symmetric eigenproblem
    K v = -mu H v with H = diag(widths), K the flux-difference matrix, so V^T H V = I.
    """

    def widths(r: float) -> np.ndarray:  # geometric from the face, capped at h_max
        return np.minimum(h0 * r ** np.arange(n_cells), h_max)

    ratio = brentq(lambda r: widths(r).sum() - 1.0, 1.0 + 1e-9, 10.0)
    h = widths(ratio)
    h /= h.sum()
    g = 2.0 / (h[:-1] + h[1:])  # conductance between neighbouring cell centres
    k = np.zeros((n_cells, n_cells))
    i = np.arange(n_cells - 1)
    k[i, i] -= g
    k[i + 1, i + 1] -= g
    k[i, i + 1] += g
    k[i + 1, i] += g
    lam, vec = eigh(-k, np.diag(h))
    order = np.argsort(lam)[1:]  # drop the mean mode (lambda = 0)
    return lam[order], vec[0, order], float(h[0])


N_MODES = 48 - 1


def mode_rates(diffusivity: ArrayLike, length: ArrayLike) -> Array:
    """Decay rates lambda_k = mu_k D / L^2 (1/s) of the grid modes, shape (n, N_MODES)."""
    mu, _, _ = _grid_modes()
    d = np.atleast_1d(np.asarray(diffusivity, float))[:, None]
    ell = np.atleast_1d(np.asarray(length, float))[:, None]
    return mu * d / ell**2


def mode_gain(length: ArrayLike, rates: Array) -> Array:
    """v_k(0) / (L lambda_k) (s/m), so the steady amplitudes are -(J / c) * gain."""
    _, v0, _ = _grid_modes()
    ell = np.atleast_1d(np.asarray(length, float))[:, None]
    return v0 / (ell * rates)


def relax_modes(amps: Array, flux_over_conc: Array, gain: Array, decay: Array) -> Array:
    """The exact update with precomputed gain and decay = exp(-lambda dt) (the hot path)."""
    steady = -flux_over_conc[:, None] * gain
    return steady + (amps - steady) * decay


def advance_modes(
    amps: Array, flux: ArrayLike, conc: ArrayLike, length: ArrayLike, rates: Array, dt: float
) -> Array:
    """Mode amplitudes after dt at constant face flux J (mol/m2/s, > 0 strips): exact update.

    da_k/dt = -lambda_k a_k - v_k(0) J / (c L): the flux leaves through the face cell.
    """
    j = np.atleast_1d(np.asarray(flux, float))
    c = np.atleast_1d(np.asarray(conc, float))
    return relax_modes(amps, j / c, mode_gain(length, rates), np.exp(-rates * dt))


def face_offset(
    amps: Array, flux: ArrayLike, conc: ArrayLike, length: ArrayLike, diffusivity: ArrayLike
) -> Array:
    """x_face - x_mean: the face cell's value from the modes, extrapolated half a face cell to
    z = 0 along the face gradient dx/dz = J / (c D)."""
    _, v0, h0 = _grid_modes()
    j = np.asarray(flux, float)
    beta = j * np.asarray(length, float) / (np.asarray(conc, float) * np.asarray(diffusivity))
    return amps @ v0 - beta * h0 / 2.0


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
