"""Coverage of the calibration's 95 % intervals on synthetic data (issue 16, "Must show").

The issue's criterion, as written: on >= 50 synthetic datasets (model plus noise, truths
drawn from the priors, fixed seed) the 95 % intervals contain the truth for >= 90 % of the
identifiable parameters, and unidentifiable parameters are flagged as such (never given as
tight intervals).

50 datasets: data = the symmetric-cell model's per-segment mean voltages under a two-level
plating/stripping sequence plus Gaussian noise of known size. ``heat_transfer`` (used only by
the thermal option, off here) is fitted too: the data cannot say anything about it, so it must
be flagged unidentifiable every time. All 50 posteriors are sampled together (50 independent
stretch/DE ensembles in lockstep, one batched model call per half-step). A correct posterior
covers the truth in 95 % of datasets. i0 is identifiable only where the charge transfer is
not small beside the bulk (elsewhere its posterior is a lower bound, flagged); creep_A only
where 10 min segments show creep. The cell has no interphase film (the seed-na preset's film
would swamp the charge transfer).

Measured (this seed, 1000 steps): 0.94 coverage over 64 identifiable cases (i0 15/15,
sigma 41/44, creep_A 4/5); all 200 intervals 0.95. The posteriors of i0 and sigma are
L-shaped (a plateau of large i0 where only the bulk is pinned, a curved arm where the charge
transfer takes over): walkers mix slowly between the arms (per-dataset split R-hat with each
walker as a chain is ~1.9 at 1000 steps, ~1.5 at 3000, where the coverage is 0.95 over 62),
so the DE moves take gamma = 1 jumps (ter Braak 2006); without them the coverage was 0.91.
"""

from __future__ import annotations

import numpy as np

from nakcell.calibrate.inference import Problem, sample_many
from nakcell.calibrate.model import CalibModel
from nakcell.calibrate.observations import Trace
from nakcell.calibrate.priors import build_priors
from nakcell.calibrate.result import IDENTIFIABLE_RATIO, summarise
from nakcell.materials import get_cell
from nakcell.protocols import StepSequence

K = 50  # datasets
W = 16  # walkers per dataset
STEPS = 1000
NOISE = 2e-3  # V


def _problem() -> Problem:
    # without the seed's measured interphase film, which would swamp the charge transfer
    cell = get_cell("seed-na").replace(interphase="none", interface_asr_measured=0.0)
    names = ["i0", "electrolyte.sigma_ref", "anode.creep_A", "heat_transfer"]
    # two current levels separate the linear bulk (sigma) from the asinh kinetics (i0);
    seq = StepSequence((600.0,) * 4, (0.5, -0.5, 5.0, -5.0), v_limit=1e3)
    obs = Trace(label="synthetic", protocol=seq, seg_index=np.arange(4), sigma=NOISE)
    model = CalibModel(cell, tuple(names), steps_per_half=6)
    return Problem(model, build_priors(cell, names), [obs])


def test_95_percent_intervals_cover_the_truth() -> None:
    prob = _problem()
    rng = np.random.default_rng(20261205)
    truth_y = prob.sample_prior(rng, K)
    clean = prob.predict(prob.to_x(truth_y))[0]  # (K, 4)
    data = clean + NOISE * rng.standard_normal(clean.shape)
    obs = prob.observations[0]
    bounds = prob.bounds()

    def logp(y: np.ndarray) -> np.ndarray:  # rows ordered by dataset, W/2 or W per dataset
        per = y.shape[0] // K
        inside = np.all((y >= bounds[:, 0]) & (y <= bounds[:, 1]), axis=1)
        out = np.full(y.shape[0], -np.inf)
        pred = obs.predict(prob.model.batch(prob.to_x(np.where(inside[:, None], y, truth_y[0]))))
        d = np.repeat(data, per, axis=0)
        ll = -0.5 * np.sum(((pred - d) / NOISE) ** 2, axis=1)
        out[inside] = ll[inside]
        return out

    # start each ensemble from its own prior draws (the coverage must not lean on the truth)
    p0 = np.stack([prob.sample_prior(rng, W) for _ in range(K)])
    chain, acc = sample_many(logp, p0, STEPS, rng, de_every=2)
    kept = chain[STEPS // 2 :]  # (steps, K, W, d)
    hits, ident = [], []
    flagged: dict[tuple[int, int], dict[str, object]] = {}
    for k in range(K):
        for j, pr in enumerate(prob.priors):
            x = pr.to_x(kept[:, k, :, j].ravel())
            s = summarise(pr, x)
            t = float(pr.field(pr.to_x(truth_y[k, j])))
            hits.append(s["q2.5"] <= t <= s["q97.5"])
            ident.append(s["identifiable"])
            flagged[k, j] = s
    hits_a = np.array(hits).reshape(K, 4)
    ident_a = np.array(ident).reshape(K, 4)
    cover = hits_a[ident_a].mean()
    print(f"coverage {cover:.3f} over {ident_a.sum()} identifiable; acceptance {acc:.2f}")
    print("identifiable fraction per parameter", ident_a.mean(axis=0))
    print("coverage per parameter (all)", hits_a.mean(axis=0), "overall", hits_a.mean())
    assert K >= 50
    assert cover >= 0.90  # the criterion
    assert ident_a.sum() >= 50  # enough identifiable cases for the rate to mean something
    assert ident_a[:, 1].mean() >= 0.5  # sigma: the bulk is pinned in most datasets
    assert not ident_a[:, 3].any()  # heat_transfer: flagged in every dataset
    # every unidentifiable parameter is reported as such: a wide interval with a note,
    # never a tight one
    for k, j in np.argwhere(~ident_a):
        s = flagged[k, j]
        assert s["width_ratio"] >= IDENTIFIABLE_RATIO and s["note"], (k, j, s)
