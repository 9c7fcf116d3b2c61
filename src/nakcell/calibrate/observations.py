"""Observations: what a calibration is conditioned on, each with an explicit noise model.

* :class:`Scalar` -- a statement with uncertainty, ``"R_int = 105 +- 10 ohm cm2"``: Gaussian
  with the stated standard deviation (``+-`` is read as one standard deviation).
* :class:`Event` -- ``"shorts within 10 h at 0.1 mA/cm2"``, ``"survives 220 h at 25 mA/cm2"``:
  the model's failure time t_f against the stated time T with a log-normal timing error
  (s = 0.3, a factor ~1.35) and a 2 % chance that the statement itself is wrong:
  P = 0.02 + 0.96 Phi((ln T - ln t_f) / s) for "within" (1 - that for "survives").
* :class:`Trace` -- a tester file replayed as a StepSequence; the data are the per-segment
  (per half-cycle) mean voltages, with an unknown noise scale ``noise.<label>`` (V,
  log-uniform 0.1 mV - 0.5 V) that is sampled with the parameters; the likelihood is
  Gaussian or Student-t (nu = 4, robust to a few bad segments).
* :class:`Spectrum` -- an impedance spectrum through the physical EIS model; real and
  imaginary parts with standard deviation ``noise.<label>`` x |Z_measured| (relative noise,
  log-uniform 0.1 % - 50 %).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from scipy.special import gammaln, log_ndtr

from nakcell.calibrate.model import Batch, eis_impedance
from nakcell.calibrate.priors import Prior, noise_prior
from nakcell.errors import NakcellFileError, NakcellInputError
from nakcell.units import parse

_LOG_2PI = math.log(2 * math.pi)


@dataclass
class Observation:
    """Base: ``predict(batch) -> (n, m)`` in the units of ``data``; ``loglike``."""

    label: str
    data: np.ndarray = field(default_factory=lambda: np.zeros(0))
    noise: Prior | None = None  # a nuisance noise scale sampled with the parameters

    def predict(self, b: Batch) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def loglike(self, pred: np.ndarray, scale: np.ndarray | None) -> np.ndarray:
        raise NotImplementedError  # pragma: no cover

    def describe(self) -> str:
        return self.label


def _gauss(resid: np.ndarray, sd: np.ndarray) -> np.ndarray:
    z = resid / sd
    return np.sum(-0.5 * z * z - np.log(sd) - 0.5 * _LOG_2PI, axis=-1)


def _student(resid: np.ndarray, sd: np.ndarray, nu: float = 4.0) -> np.ndarray:
    z = resid / sd
    c = gammaln((nu + 1) / 2) - gammaln(nu / 2) - 0.5 * math.log(nu * math.pi)
    return np.sum(c - np.log(sd) - (nu + 1) / 2 * np.log1p(z * z / nu), axis=-1)


# ------------------------------------------------------------------------ scalar statements
_QUANTITIES = {
    "r_int": ("area_resistance", "per-electrode interface ASR at assembly"),
    "r_bulk": ("area_resistance", "electrolyte bulk ASR L / sigma(T)"),
    "r_total": ("area_resistance", "R_bulk + 2 R_int"),
    "eta": ("voltage", "mean |V| over one 2 x 0.5 h galvanostatic cycle at the current"),
    "overpotential": ("voltage", "mean |V| over one 2 x 0.5 h galvanostatic cycle"),
    "hysteresis": ("voltage", "V(+) - V(-) over one 2 x 0.5 h galvanostatic cycle"),
}
_SCALAR = re.compile(
    r"^\s*(?P<q>[A-Za-z_]+)\s*=\s*(?P<v>[-+]?[0-9.]+(?:[eE][-+]?\d+)?)\s*"
    r"(?:\+-|\+/-|±)\s*(?P<s>[0-9.]+(?:[eE][-+]?\d+)?)\s*(?P<u>.*?)\s*"
    r"(?:\bat\s+(?P<j>.+?))?\s*$"
)
_EVENT = re.compile(
    r"^\s*(?P<w>shorts|fails|survives|no short)\s+(?:within\s+|for\s+)?(?P<t>.+?)\s+"
    r"at\s+(?P<j>.+?)\s*$",
    re.IGNORECASE,
)


@dataclass
class Scalar(Observation):
    quantity: str = "r_int"
    sigma: float = 1.0
    current: float | None = None  # A/m2, for eta / hysteresis
    half_cycle: float = 1800.0  # s, for eta / hysteresis: one cycle of 2 x 0.5 h (assumption)
    _protocol: Any = None

    def predict(self, b: Batch) -> np.ndarray:
        q = self.quantity
        if q in ("r_int", "r_bulk", "r_total"):
            itf = b.interface()
            r_int, r_b = itf["interface_asr"], itf["bulk_asr"]
            v = {"r_int": r_int, "r_bulk": r_b, "r_total": r_b + 2 * r_int}[q]
            return v[:, None]
        res = b.simulate(self._proto())
        v = res.hysteresis if q == "hysteresis" else res.overpotential
        return np.where(np.isfinite(v), v, 1e3)[:, None]  # a cell that failed: far off

    def _proto(self) -> Any:
        if self._protocol is None:
            from nakcell.protocols import Galvanostatic

            self._protocol = Galvanostatic(
                current_density=float(self.current or 0.0),
                half_cycle=self.half_cycle,
                duration=2 * self.half_cycle,
            )
        return self._protocol

    def loglike(self, pred: np.ndarray, scale: np.ndarray | None) -> np.ndarray:
        return _gauss(pred - self.data[None, :], np.full(pred.shape, self.sigma))


@dataclass
class Event(Observation):
    """A failure (short or any stop) within, or no failure for, a time at a current."""

    what: str = "shorts"  # shorts | fails
    within: bool = True
    time: float = 3600.0
    current: float = 1.0
    timing_sd: float = 0.3
    p_wrong: float = 0.02
    _protocol: Any = None

    def _proto(self) -> Any:
        if self._protocol is None:
            from nakcell.protocols import Galvanostatic

            half = min(3600.0, self.time / 4)
            self._protocol = Galvanostatic(
                current_density=self.current, half_cycle=half, duration=2.0 * self.time
            )
        return self._protocol

    def predict(self, b: Batch) -> np.ndarray:
        res = b.simulate(self._proto())
        t = res.time_to_short if self.what == "shorts" else res.stop_time
        return np.where(np.isfinite(t), t, np.inf)[:, None]

    def loglike(self, pred: np.ndarray, scale: np.ndarray | None) -> np.ndarray:
        t = np.maximum(pred[:, 0], 1e-9)
        z = (math.log(self.time) - np.log(t)) / self.timing_sd
        z = z if self.within else -z
        p = self.p_wrong + (1 - 2 * self.p_wrong) * np.exp(log_ndtr(z))
        return np.log(p)


def parse_statement(text: str) -> Observation:
    """One ``--obs`` statement -> an observation; bad text or units name the statement."""
    m = _EVENT.match(text)
    if m:
        w = m["w"].lower()
        t = parse(m["t"], "time", name=f"--obs {text!r}: time")
        j = parse(m["j"], "current_density", name=f"--obs {text!r}: current")
        return Event(
            label=text,
            data=np.array([t]),
            what="shorts" if w in ("shorts", "no short") else "fails",
            within=w in ("shorts", "fails"),
            time=t,
            current=j,
        )
    m = _SCALAR.match(text)
    if not m:
        raise NakcellInputError(
            "--obs",
            repr(text),
            "'NAME = VALUE +- SD UNIT [at CURRENT]' (NAME one of R_int, R_bulk, R_total, eta, "
            "hysteresis) or 'shorts|fails within TIME at CURRENT' or 'survives TIME at CURRENT'",
        )
    q = m["q"].lower()
    if q not in _QUANTITIES:
        raise NakcellInputError(f"--obs {text!r}", repr(m["q"]), f"one of {', '.join(_QUANTITIES)}")
    kind = _QUANTITIES[q][0]
    unit = m["u"] or ""
    v = parse(f"{m['v']} {unit}".strip(), kind, name=f"--obs {text!r}")
    s = parse(f"{m['s']} {unit}".strip(), kind, name=f"--obs {text!r}")
    if not s > 0:
        raise NakcellInputError(f"--obs {text!r}", m["s"], "a positive uncertainty")
    j = None
    if kind == "voltage":
        if not m["j"]:
            raise NakcellInputError(f"--obs {text!r}", "no current", "'... at 25 mA/cm2'")
        j = parse(m["j"], "current_density", name=f"--obs {text!r}: current")
    elif m["j"]:
        raise NakcellInputError(f"--obs {text!r}", f"'at {m['j']}'", f"no current for {q}")
    return Scalar(label=text, data=np.array([v]), quantity=q, sigma=s, current=j)


# ------------------------------------------------------------------------ tester files
@dataclass
class Trace(Observation):
    """Per-segment mean voltages of a tester file, replayed on the model as a StepSequence."""

    protocol: Any = None
    seg_index: np.ndarray = field(default_factory=lambda: np.zeros(0, int))
    seg_time: np.ndarray = field(default_factory=lambda: np.zeros(0))  # mid times (s)
    seg_current: np.ndarray = field(default_factory=lambda: np.zeros(0))  # A/m2
    robust: bool = False
    sigma: float = 0.0  # fixed noise (V) when no noise prior is sampled
    points: np.ndarray | None = None  # "points" mode: the data are V at these times (s)

    def predict(self, b: Batch) -> np.ndarray:
        res = b.simulate(self.protocol)
        if self.points is not None:
            v = _interp_columns(self.points, res.t, res.voltage)  # (n, m)
        else:
            v = res.halfcycle_mean_v[self.seg_index].T  # (n, m)
        return np.where(np.isfinite(v), v, 10.0)  # stopped early: far off

    def loglike(self, pred: np.ndarray, scale: np.ndarray | None) -> np.ndarray:
        s = np.full(pred.shape[0], self.sigma) if scale is None else np.asarray(scale)
        sd = np.broadcast_to(s[:, None], pred.shape)
        fn = _student if self.robust else _gauss
        return fn(pred - self.data[None, :], sd)


def _interp_columns(tq: np.ndarray, t: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Linear interpolation of each column of v (m, n) on the shared grid t at times tq."""
    k = np.clip(np.searchsorted(t, tq) - 1, 0, t.size - 2)
    w = np.clip((tq - t[k]) / np.maximum(t[k + 1] - t[k], 1e-300), 0.0, 1.0)
    return (v[k] * (1 - w)[:, None] + v[k + 1] * w[:, None]).T


def trace_from_file(
    path: str | Path,
    area_m2: float,
    *,
    robust: bool = False,
    max_segments: int = 400,
    n_points: int = 120,
) -> Trace:
    """Read a tester file with :mod:`nakcell.io` and keep its constant-current segments.

    With 4 or more such segments the data are their mean voltages; with fewer, the voltage
    at up to ``n_points`` times spread over them ("points" mode, model interpolated)."""
    import nakcell.io as nio
    from nakcell.analysis.compare import extract_protocol
    from nakcell.protocols import StepSequence

    data = nio.read(path)
    df = data.df if hasattr(data, "df") else data.data
    proto = extract_protocol(data)
    durs, curs, means, idx, mids = [], [], [], [], []
    t_df = df["time_s"].to_numpy(float)
    v_df = df["voltage_V"].to_numpy(float)
    t0 = t_df[0] if t_df.size else 0.0
    clock = 0.0
    for st in proto.steps:
        if st.duration_s <= 0:
            continue
        if st.kind not in ("cc", "rest"):
            raise NakcellInputError(
                f"{path}: step {st.describe()!r}",
                "a voltage hold or varying current",
                "constant-current or rest steps (the symmetric model is galvanostatic)",
            )
        j = 0.0 if st.kind == "rest" else st.current_A / area_m2
        sel = (t_df - t0 >= clock) & (t_df - t0 <= clock + st.duration_s)
        if st.kind == "cc" and sel.sum() >= 2:
            idx.append(len(durs))
            means.append(float(np.nanmean(v_df[sel])))
            mids.append(clock + st.duration_s / 2)
        durs.append(float(st.duration_s))
        curs.append(j)
        clock += st.duration_s
    if not idx:
        raise NakcellFileError(path, "no usable segment (no constant-current step with data)")
    if len(idx) > max_segments:
        raise NakcellInputError(
            f"{path}", f"{len(idx)} segments", f"at most {max_segments} (cut the file)"
        )
    seq = StepSequence(tuple(durs), tuple(curs), v_limit=1e3)
    label = Path(path).name
    v = np.array(means)
    points = None
    if len(idx) < 4:  # too few segments: use the time-resolved voltage within them
        starts = np.concatenate([[0.0], np.cumsum(durs)])
        keep = np.zeros(t_df.size, bool)
        for k in idx:
            keep |= (t_df - t0 > starts[k]) & (t_df - t0 <= starts[k + 1])
        sel_i = np.flatnonzero(keep & np.isfinite(v_df))
        sel_i = sel_i[np.linspace(0, sel_i.size - 1, min(n_points, sel_i.size)).astype(int)]
        points = t_df[sel_i] - t0
        v = v_df[sel_i]
        mids = list(points)
    hi = max(0.5, 2 * float(np.nanmax(np.abs(v))))
    return Trace(
        label=label,
        data=v,
        noise=noise_prior(
            label, "voltage", 1e-4, hi, "measurement + model error of a segment mean (V)"
        ),
        protocol=seq,
        seg_index=np.array(idx),
        seg_time=np.array(mids),
        seg_current=np.array([curs[k] for k in idx]),
        robust=robust,
        points=points,
    )


# ------------------------------------------------------------------------ EIS spectra
@dataclass
class Spectrum(Observation):
    freq: np.ndarray = field(default_factory=lambda: np.zeros(0))
    z: np.ndarray = field(default_factory=lambda: np.zeros(0, complex))

    def predict(self, b: Batch) -> np.ndarray:
        zp = eis_impedance(b, self.freq)
        return np.concatenate([zp.real, zp.imag], axis=1)

    def loglike(self, pred: np.ndarray, scale: np.ndarray | None) -> np.ndarray:
        mod = np.abs(self.z)
        sd = np.asarray(scale)[:, None] * np.concatenate([mod, mod])[None, :]
        return _gauss(pred - self.data[None, :], sd)


def spectrum_from_file(path: str | Path, *, fmin: float = 0.0, fmax: float = math.inf) -> Spectrum:
    """An EIS file (any format :func:`nakcell.eis.readers.read` knows), capacitive points."""
    from nakcell.eis.readers import read

    s = read(path)
    f = np.asarray(s.frequency_Hz, float)
    z = np.asarray(s.Z_ohm, complex)
    keep = (f >= fmin) & (f <= fmax) & (z.imag <= 0) & np.isfinite(z)
    if keep.sum() < 3:
        raise NakcellFileError(path, "no usable segment (fewer than 3 capacitive EIS points)")
    f, z = f[keep], z[keep]
    label = Path(path).name
    return Spectrum(
        label=label,
        data=np.concatenate([z.real, z.imag]),
        noise=noise_prior(label, "fraction", 1e-3, 0.5, "relative EIS noise (of |Z|)"),
        freq=f,
        z=z,
    )


def observations_from_files(
    paths: list[str], area_m2: float, *, robust: bool = False
) -> list[Observation]:
    """Each DATA file: an EIS spectrum if the EIS reader takes it, else a tester file."""
    out: list[Observation] = []
    for p in paths:
        if not Path(p).exists():
            raise NakcellFileError(p, "no such file")
        out.append(_one_file(p, area_m2, robust))
    return out


def _one_file(p: str, area_m2: float, robust: bool) -> Observation:
    from nakcell.errors import NakcellError

    try:
        return spectrum_from_file(p)
    except NakcellError:
        pass
    except Exception:
        pass
    try:
        return trace_from_file(p, area_m2, robust=robust)
    except NakcellError:
        raise
    except Exception as exc:
        raise NakcellFileError(p, f"not a readable tester or EIS file ({exc})") from None
