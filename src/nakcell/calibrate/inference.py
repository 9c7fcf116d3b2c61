"""Posterior = priors x likelihoods, evaluated for a whole batch of parameter sets per call.

Sampling coordinates y: log x for log-uniform priors, x otherwise; the prior is uniform in y
on its box, so the log posterior is the log likelihood inside the box and -inf outside.

Methods:
* :func:`point_estimate`: scipy's differential evolution with ``vectorized=True`` (the whole
  population is one model call), maximising the posterior density in y;
* :func:`sample_emcee`: emcee's affine-invariant ensemble (Goodman & Weare 2010) with
  ``vectorize=True``: each half-ensemble update is one model call;
* :func:`sample_many`: the same stretch move run on K independent posteriors in lockstep
  (K x W/2 walkers per model call), for coverage studies; checked against emcee in the tests.

Diagnostics (:func:`diagnostics`): rank-normalised split R-hat (Vehtari et al., Bayesian
Anal. 16 (2021) 667) with each walker as a chain; ESS = samples / integrated autocorrelation
time (emcee's estimator on the walker-mean); acceptance fraction.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.stats import norm, rankdata

from nakcell.calibrate.model import CalibModel
from nakcell.calibrate.observations import Observation
from nakcell.calibrate.priors import Prior


@dataclass
class Problem:
    """Parameters (physical first, then one noise scale per noisy observation) and data."""

    model: CalibModel
    priors: list[Prior]  # physical parameters, in model.names order
    observations: list[Observation]
    noise_priors: list[Prior] = field(default_factory=list)
    # threads that evaluate a large batch in parts (numpy releases the GIL in its loops);
    # 1: one call on the calling thread
    threads: int = 1

    def __post_init__(self) -> None:
        if not self.noise_priors:
            self.noise_priors = [o.noise for o in self.observations if o.noise is not None]

    @property
    def all_priors(self) -> list[Prior]:
        return [*self.priors, *self.noise_priors]

    @property
    def names(self) -> list[str]:
        return [p.name for p in self.all_priors]

    @property
    def ndim(self) -> int:
        return len(self.all_priors)

    def bounds(self) -> np.ndarray:
        return np.array([p.y_bounds for p in self.all_priors])

    def to_x(self, y: np.ndarray) -> np.ndarray:
        y = np.atleast_2d(y)
        return np.column_stack([p.to_x(y[:, j]) for j, p in enumerate(self.all_priors)])

    def to_y(self, x: np.ndarray) -> np.ndarray:
        x = np.atleast_2d(x)
        return np.column_stack([p.to_y(x[:, j]) for j, p in enumerate(self.all_priors)])

    def sample_prior(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """n draws in y."""
        b = self.bounds()
        return rng.uniform(b[:, 0], b[:, 1], size=(n, b.shape[0]))

    def predict(self, x: np.ndarray) -> list[np.ndarray]:
        """Each observation's prediction (n, m) for SI rows x (physical columns first)."""
        b = self.model.batch(x[:, : len(self.priors)])
        return [o.predict(b) for o in self.observations]

    def log_likelihood_x(self, x: np.ndarray) -> np.ndarray:
        preds = self.predict(x)
        total = np.zeros(x.shape[0])
        k = len(self.priors)
        for o, pr in zip(self.observations, preds, strict=True):
            scale = None
            if o.noise is not None:
                scale = x[:, k]
                k += 1
            total += o.loglike(pr, scale)
        return np.where(np.isfinite(total), total, -np.inf)

    def log_posterior(self, y: np.ndarray) -> np.ndarray:
        """Log posterior (up to a constant) for rows of y; -inf outside the prior box."""
        y = np.atleast_2d(np.asarray(y, float))
        b = self.bounds()
        inside = np.all((y >= b[:, 0]) & (y <= b[:, 1]), axis=1)
        out = np.full(y.shape[0], -np.inf)
        if inside.any():
            out[inside] = self._likelihood_parts(self.to_x(y[inside]))
        return out

    def _likelihood_parts(self, x: np.ndarray) -> np.ndarray:
        """log_likelihood_x, split over ``threads`` threads for batches of >= 256 rows per
        thread (each part is its own batched model call; the rows are independent)."""
        parts = min(self.threads, x.shape[0] // 256)
        if parts <= 1:
            return self.log_likelihood_x(x)
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(parts) as pool:
            res = list(pool.map(self.log_likelihood_x, np.array_split(x, parts)))
        return np.concatenate(res)


# ---------------------------------------------------------------------------- point estimate
def point_estimate(
    logp: Callable[[np.ndarray], np.ndarray],
    bounds: np.ndarray,
    *,
    seed: int = 0,
    maxiter: int = 60,
    popsize: int = 12,
) -> tuple[np.ndarray, float]:
    """Maximum a posteriori in y by differential evolution, one model call per generation."""
    from scipy.optimize import differential_evolution

    def neg(ys: np.ndarray) -> np.ndarray:  # ys: (d, S)
        v = -logp(ys.T)
        return np.where(np.isfinite(v), v, 1e300)

    res = differential_evolution(
        neg,
        bounds=[tuple(b) for b in bounds],
        vectorized=True,
        updating="deferred",
        popsize=popsize,
        maxiter=maxiter,
        tol=1e-8,
        seed=seed,
        polish=False,
    )
    return np.asarray(res.x), float(-res.fun)


# ---------------------------------------------------------------------------- samplers
def initial_ball(
    y0: np.ndarray, bounds: np.ndarray, n: int, rng: np.random.Generator, rel: float = 0.02
) -> np.ndarray:
    """n starting points near y0 (a small box, clipped inside the prior)."""
    width = bounds[:, 1] - bounds[:, 0]
    p = y0[None, :] + rel * width[None, :] * rng.standard_normal((n, y0.size))
    eps = 1e-9 * width
    return np.clip(p, bounds[:, 0] + eps, bounds[:, 1] - eps)


def initial_walkers(
    logp: Callable[[np.ndarray], np.ndarray],
    prior_draws: np.ndarray,
    y_map: np.ndarray,
    bounds: np.ndarray,
    n: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """Starting walkers: prior draws resampled by their posterior weight (one batched call;
    sampling-importance-resampling), so parameters the data do not constrain start spread
    over their prior. When the weights' effective size is below ``n``, draws are taken with
    replacement and jittered by 1 % of the prior width; with no usable draw, a ball at the MAP.
    """
    lp = logp(prior_draws)
    ok = np.isfinite(lp)
    if ok.sum() >= 2:
        w = np.exp(lp[ok] - lp[ok].max())
        w /= w.sum()
        ess_w = 1.0 / np.sum(w * w)
        pool = prior_draws[ok]
        if ess_w >= n:
            return pool[rng.choice(len(pool), size=n, replace=False, p=w)]
        if ess_w >= 4:
            p = pool[rng.choice(len(pool), size=n, replace=True, p=w)]
            width = bounds[:, 1] - bounds[:, 0]
            p = p + 0.01 * width * rng.standard_normal(p.shape)
            eps = 1e-9 * width
            return np.clip(p, bounds[:, 0] + eps, bounds[:, 1] - eps)
    return initial_ball(y_map, bounds, n, rng)


def sample_emcee(
    logp: Callable[[np.ndarray], np.ndarray],
    p0: np.ndarray,
    n_steps: int,
    *,
    seed: int = 0,
    progress: bool = False,
) -> tuple[np.ndarray, np.ndarray, float]:
    """(chain (steps, W, d), log_prob (steps, W), acceptance) from emcee, vectorised."""
    import emcee

    W, d = p0.shape
    sampler = emcee.EnsembleSampler(W, d, logp, vectorize=True)
    sampler._random = np.random.RandomState(seed)  # reproducible (emcee has no seed argument)
    sampler.run_mcmc(p0, n_steps, progress=progress)
    return (
        sampler.get_chain(),
        sampler.get_log_prob(),
        float(np.mean(sampler.acceptance_fraction)),
    )


def sample_many(
    logp: Callable[[np.ndarray], np.ndarray],
    p0: np.ndarray,
    n_steps: int,
    rng: np.random.Generator,
    *,
    a: float = 2.0,
    de_every: int = 0,
    jump: float = 0.1,
) -> tuple[np.ndarray, float]:
    """Ensemble sampling of K independent posteriors in lockstep.

    ``p0`` (K, W, d); ``logp`` takes (K*W/2, d) rows ordered by ensemble and returns their
    log densities (each row is evaluated under its own ensemble's posterior, which the
    caller arranges). Moves: the stretch move (Goodman & Weare 2010); with ``de_every`` = m,
    every m-th step is a differential-evolution move instead (ter Braak 2006, as emcee's
    ``DEMove``: y = x + g (x_a - x_b) + 1e-5 e, g ~ N(2.38 / sqrt(2 d), 1e-5), a and b from the
    complementary half); in a DE move each walker takes g = 1 with probability ``jump``, which
    carries it from one mode (or arm of a curved ridge) to another (ter Braak 2006, sec. 2).
    Each move leaves the target invariant, so their alternation does.
    Returns chains (steps, K, W, d) and the mean acceptance.
    """
    K, W, d = p0.shape
    half = W // 2
    pos = p0.copy()
    lp = logp(pos.reshape(K * W, d)).reshape(K, W)
    chain = np.empty((n_steps, K, W, d))
    acc = 0.0
    g0 = 2.38 / math.sqrt(2 * d)
    for s in range(n_steps):
        de = de_every > 0 and s % de_every == de_every - 1
        for first in (True, False):
            act = slice(0, half) if first else slice(half, W)
            oth = slice(half, W) if first else slice(0, half)
            x = pos[:, act]
            comp = pos[:, oth]
            nh, nc = x.shape[1], comp.shape[1]
            if de:
                ia = rng.integers(0, nc, (K, nh))
                ib = (ia + rng.integers(1, nc, (K, nh))) % nc
                xa = np.take_along_axis(comp, ia[..., None], axis=1)
                xb = np.take_along_axis(comp, ib[..., None], axis=1)
                g = g0 * (1 + 1e-5 * rng.standard_normal((K, nh, 1)))
                if jump > 0:  # gamma = 1: a jump between modes or arms (ter Braak 2006)
                    g = np.where(rng.random((K, nh, 1)) < jump, 1.0, g)
                y = x + g * (xa - xb) + 1e-5 * rng.standard_normal(x.shape)
                log_jac = np.zeros((K, nh))
            else:
                z = ((a - 1.0) * rng.random((K, nh)) + 1.0) ** 2 / a
                pick = rng.integers(0, nc, (K, nh))
                xc = np.take_along_axis(comp, pick[..., None], axis=1)
                y = xc + z[..., None] * (x - xc)
                log_jac = (d - 1) * np.log(z)
            lpy = logp(y.reshape(K * nh, d)).reshape(K, nh)
            log_r = log_jac + lpy - lp[:, act]
            ok = np.log(rng.random((K, nh))) < log_r
            pos[:, act] = np.where(ok[..., None], y, x)
            lp[:, act] = np.where(ok, lpy, lp[:, act])
            acc += ok.mean() / (2 * n_steps)
        chain[s] = pos
    return chain, float(acc)


# ---------------------------------------------------------------------------- diagnostics
def _split_rhat(chains: np.ndarray) -> float:
    """Split R-hat of (n, m) draws x chains."""
    n = chains.shape[0] // 2
    if n < 2:
        return math.nan
    c = np.concatenate([chains[:n], chains[n : 2 * n]], axis=1)
    w = c.var(axis=0, ddof=1).mean()
    b = n * c.mean(axis=0).var(ddof=1)
    if w <= 0:
        return math.nan
    var = (n - 1) / n * w + b / n
    return float(math.sqrt(var / w))


def rhat(chain: np.ndarray) -> np.ndarray:
    """Rank-normalised split R-hat per parameter for a chain (steps, walkers, d):
    max of the bulk and the folded (tail) versions, Vehtari et al. (2021)."""
    _steps, _W, d = chain.shape
    out = np.empty(d)
    for j in range(d):
        x = chain[:, :, j]
        r = rankdata(x, method="average").reshape(x.shape)
        zb = norm.ppf((r - 0.375) / (x.size + 0.25))
        f = np.abs(x - np.median(x))
        rf = rankdata(f, method="average").reshape(x.shape)
        zf = norm.ppf((rf - 0.375) / (x.size + 0.25))
        out[j] = max(_split_rhat(zb), _split_rhat(zf))
    return out


def ess(chain: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(ESS, tau) per parameter: samples / integrated autocorrelation time (emcee estimator)."""
    import emcee

    steps, W, _ = chain.shape
    with np.errstate(invalid="ignore", divide="ignore"):
        tau = emcee.autocorr.integrated_time(chain, quiet=True, tol=0)
    tau = np.where(np.isfinite(tau), tau, steps)
    tau = np.maximum(np.asarray(tau, float), 1.0)
    return steps * W / tau, tau


def rhat_groups(chains: list[np.ndarray]) -> np.ndarray:
    """R-hat across independent ensembles: each ensemble's draws (steps, W_k, d), pooled in
    step order, is one chain (rank-normalised split R-hat, bulk and tail)."""
    pooled = np.stack([c.reshape(-1, c.shape[-1]) for c in chains], axis=1)  # (n, K, d)
    return rhat(pooled)


def ess_groups(chains: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Summed ESS over independent ensembles, and the largest autocorrelation time."""
    es, taus = zip(*(ess(c) for c in chains), strict=True)
    return np.sum(es, axis=0), np.max(taus, axis=0)


def diagnostics(chains: list[np.ndarray], acceptance: float) -> dict[str, object]:
    """R-hat across the ensembles, summed ESS, acceptance (``chains``: one per ensemble)."""
    e, tau = ess_groups(chains)
    r = rhat_groups(chains) if len(chains) > 1 else rhat(chains[0])
    return {
        "rhat": r.tolist(),
        "ess": e.tolist(),
        "tau_steps": tau.tolist(),
        "acceptance": acceptance,
        "max_rhat": float(np.nanmax(r)),
        "min_ess": float(np.min(e)),
        "steps": int(chains[0].shape[0]),
        "walkers": int(sum(c.shape[1] for c in chains)),
        "ensembles": len(chains),
    }


@dataclass
class RunInfo:
    chain: np.ndarray  # (steps, W, d) in y, after burn-in (ensembles side by side)
    log_prob: np.ndarray
    acceptance: float
    diagnostics: dict[str, object]
    map_y: np.ndarray
    map_logp: float
    seconds: float
    evaluations: int
    cpu_seconds: float = math.nan  # process time (the cores are shared on CI machines)


def run_posterior(
    problem: Problem,
    *,
    walkers: int = 64,
    ensembles: int = 4,
    target_ess: float = 1000.0,
    max_steps: int = 4000,
    chunk: int = 100,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
    de_maxiter: int = 40,
    de_every: int = 2,
) -> RunInfo:
    """MAP by differential evolution; then ``ensembles`` independent stretch-move ensembles
    (``walkers`` in all) in lockstep, in chunks, until R-hat across ensembles < 1.01 and the
    summed ESS >= ``target_ess`` over the last 3/4 of the chain (or ``max_steps``)."""
    t0 = time.perf_counter()
    c0 = time.process_time()
    n_eval = 0

    def logp(y: np.ndarray) -> np.ndarray:
        nonlocal n_eval
        n_eval += len(y)
        return problem.log_posterior(y)

    bounds = problem.bounds()
    y_map, lp_map = point_estimate(logp, bounds, seed=seed, maxiter=de_maxiter)
    if progress:
        progress(
            f"point estimate: log posterior {lp_map:.2f} after {n_eval} evaluations, "
            f"{time.perf_counter() - t0:.1f} s"
        )
    rng = np.random.default_rng(seed)
    K = ensembles
    W = max(2 * problem.ndim + 2, walkers // K)
    W += W % 2
    p0 = initial_walkers(
        logp, problem.sample_prior(rng, max(30 * W * K, 1000)), y_map, bounds, W * K, rng
    )
    pos = p0.reshape(K, W, -1)
    parts: list[np.ndarray] = []
    accs: list[float] = []
    diag: dict[str, object] = {}
    while True:
        ch, acc = sample_many(logp, pos, chunk, rng, de_every=de_every)
        parts.append(ch)
        accs.append(acc)
        pos = ch[-1]
        full = np.concatenate(parts)  # (steps, K, W, d)
        kept = full[full.shape[0] // 4 :]
        diag = diagnostics([kept[:, k] for k in range(K)], float(np.mean(accs)))
        if progress:
            progress(
                f"step {full.shape[0]}: R-hat {diag['max_rhat']:.4f}, ESS {diag['min_ess']:.0f}, "
                f"acceptance {diag['acceptance']:.2f}, {time.perf_counter() - t0:.1f} s "
                f"(CPU {time.process_time() - c0:.1f} s)"
            )
        done = diag["max_rhat"] < 1.01 and diag["min_ess"] >= target_ess  # type: ignore[operator]
        if done or full.shape[0] >= max_steps:
            break
    steps, d = kept.shape[0], kept.shape[-1]
    chain = kept.reshape(steps, K * W, d)
    return RunInfo(
        chain=chain,
        log_prob=np.full(chain.shape[:2], np.nan),  # not kept by the lockstep sampler
        acceptance=float(np.mean(accs)),
        diagnostics=diag,
        map_y=y_map,
        map_logp=lp_map,
        seconds=time.perf_counter() - t0,
        evaluations=n_eval,
        cpu_seconds=time.process_time() - c0,
    )


def stack(chain: np.ndarray) -> np.ndarray:
    """(steps, W, d) -> (steps*W, d)."""
    return chain.reshape(-1, chain.shape[-1])


def names_of(priors: Sequence[Prior]) -> list[str]:
    return [p.name for p in priors]
