"""Solid-metal | ceramic interface submodel (Na or K foil): voids, creep supply, focusing.

State per electrode: K contact bins (equal areas of the face, each with its own local stack
pressure p_k from a log-normal spread, :func:`nakcell.interface.interphase.pressure_bins`) and
their true contact fractions f_k, the Na inventory and the molar volume.

- Assembly: f_k = min(1, (p_k + W/a) / H), H = 3 sigma_y (Bowden & Tabor 1950; Tabor 1951).
- Current: bins in parallel (charge transfer + film + constriction), so the current focuses
  on the bins that keep contact (:mod:`nakcell.interface.interphase`).
- Stripping: vacancies left at the interface are taken up by an interfacial step up to a
  pressure-free limit j_v(T) = j_v exp(-E_v/k (1/T - 1/T0)) per geometric area (Lowack et
  al., arXiv:2603.23340: the Na stripping limit is thermally activated with 0.13-0.15 eV on
  three ceramics, set by the interface, not bulk diffusion); only the excess i_k - j_v opens
  voids. The contacts of bin k recede at v_r = (i_k - j_v) V_m / (F f_k); power-law creep
  pushes metal back at v_s = A_T (sigma_c / C)^n a, with the contact stress sigma_c =
  min(p_k / f_k, max(H_T, p_k)) and the constraint factor C = 3 between a contact's mean
  pressure and the equivalent stress beneath it (Tabor 1951; Bower et al. 1993). The
  hardness H_T = 3 sigma_y(T) follows the creep law: sigma_y was measured at ~1e-3 1/s (Wang
  et al., Materialia 12 (2020) 100792: A, n = 5), so sigma_y(T) = sigma_y (A/A_T)^(1/n).
  df/dt = (v_s - v_r)/a (1 - f) if supply wins, (v_s - v_r)/a f if not (Kasemchainan et al.,
  Nat. Mater. 18 (2019) 1105: voids grow when stripping outruns supply). While p_k / f* < H_T
  the bin settles at f* = (A_T a (p/C)^n F / ((i_k - j_v) V_m))^(1/(n-1)); beyond the
  critical current i_c,k = j_v + F A_T a p_k sigma_y(T)^(n-1) / (C V_m) (p_k < H_T; the creep
  share is linear in p_k, as Spencer Jolly et al. 2020 measure) the contact collapses: the
  voltage diverges as the current crowds onto what is left.
- Plating: metal deposits under the remaining contacts; voids close only by creep,
  df/dt = v_s / a (1 - f) (Kasemchainan et al. 2019).
- Penetration: in the plating electrode, metal in a surface flaw under the most loaded bin is
  pressurised by that bin's charge-transfer + constriction overpotential at its local current
  (Porz et al. 2017); Griffith; the filament grows at i_k V_m / (F f_k).
- Kinetics: i0(T) and the film R_film(T) Arrhenius (Cell.interface_Ea); the film at 25 degC is
  derived from the measured interface ASR (Cell.interface_asr_measured).
"""

from __future__ import annotations

import numpy as np

from nakcell.constants import F, R
from nakcell.interface.base import F_MIN, InterfaceSubmodel, State
from nakcell.interface.contact import constriction_asr, plastic_contact_fraction
from nakcell.interface.interphase import bin_conductance, film_for_measured, pressure_bins
from nakcell.interface.kinetics import bv_overpotential
from nakcell.interface.params import arrhenius
from nakcell.interface.penetration import flaw_grows
from nakcell.materials.anodes import molar_volume

MPA = 1e6
# Constraint factor between a contact's mean pressure and the equivalent (uniaxial) stress
# that drives flow beneath it: H = 3 sigma_y for plasticity (Tabor, The Hardness of Metals,
# 1951), and the same ~3 for steady indentation creep of a power-law solid (Mulhearn & Tabor,
# J. Inst. Met. 89 (1960) 7; Bower et al., Proc. R. Soc. A 441 (1993) 97). The uniaxial creep
# law (Wang et al. 2020) is applied to sigma_c / C.
CONSTRAINT = 3.0


class SolidMetalInterface(InterfaceSubmodel):
    """A creeping solid metal pressed on the ceramic (see the module doc)."""

    name = "solid metal"

    def __init__(self, params) -> None:  # type: ignore[no-untyped-def]
        super().__init__(params)
        p = params
        self.pk = pressure_bins(p.p, p.p_spread, p.n_bins)  # (K, n) Pa
        self.H = CONSTRAINT * p.sy  # Tabor hardness at 25 degC, where sigma_y was measured
        # assembly (25 degC): plastic contact under stack pressure + adhesion
        self.f0 = np.clip(plastic_contact_fraction(self.pk + p.W / p.a, self.H), F_MIN, 1.0)
        # creep exponent: one scalar when the batch shares it (fast powers), else per cell
        cn = p.cn
        self.n = float(cn[0]) if cn.size and np.all(cn == cn[0]) else cn
        self.n5 = isinstance(self.n, float) and self.n == 5.0  # powers by multiplication
        self.pk_n = (self.pk / (CONSTRAINT * MPA)) ** self.n
        self.vm = np.asarray(molar_volume(p.x0), float) * np.ones(p.size)
        # film at 25 degC from the measured interface ASR at assembly (a "taken from" point)
        rho25 = 1.0 / p.sigma(np.full(p.size, 298.15))
        r_ct25 = R * 298.15 / (F * p.i0)
        self.r_film25 = film_for_measured(p.r_meas, self.f0, r_ct25, rho25, p.a)

    def temperature_constants(self, T: np.ndarray) -> dict[str, np.ndarray]:
        p = self.p
        creep_arr = arrhenius(p.cQ, T)
        act = p.arrhenius(T)
        i0 = p.i0 * act
        # the yield stress is a creep flow stress at the test's strain rate (Wang et al. 2020
        # measured it at ~1e-3 1/s; (1e-3 / A)^(1/n) = 0.28 MPa, their 0.19-0.28 MPa): at
        # another temperature the same strain rate needs sigma_y (A(25 C) / A(T))^(1/n)
        H = self.H * creep_arr ** (-1.0 / np.asarray(self.n))
        return {
            "rho": 1.0 / p.sigma(T),
            "creep0": p.cA * creep_arr * p.a,  # v_s = creep0 (sigma_c / (C MPa))^n
            # pressure-free stripping limit: the interfacial vacancy step (Lowack et al. 2026)
            "jv": p.jv * arrhenius(p.jv_Ea, T),
            # highest contact stress: the hardness, or the local pressure itself where it
            # exceeds the hardness (the foil then yields as a whole)
            "s_max": np.maximum(H, self.pk),
            "i0": i0,
            "r_ct": R * T / (F * i0),
            "r_film": self.r_film25 / act,
        }

    def init_state(self, T: np.ndarray) -> State:
        p = self.p
        fb = self.f0.copy()
        return {
            "fb": fb,
            "f": fb.mean(axis=0),
            "x": p.x0.copy(),
            "n_na": p.n_total0 * p.x0,
            "liquid": np.zeros(p.size, bool),
        }

    def _weights(self, s: State, T: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(share g_k / mean(g), constriction ASR) of each bin, cached per contact state."""
        c = self.constants(T)
        key = (s["fb"], c)
        if s.get("_wkey") is None or s["_wkey"][0] is not key[0] or s["_wkey"][1] is not c:
            rc = constriction_asr(c["rho"], self.p.a, s["fb"])
            g = s["fb"] / (c["r_ct"] + c["r_film"] + s["fb"] * rc)  # bin_conductance
            s["_w"] = g / np.maximum(g.mean(axis=0), 1e-300)
            s["_rc"] = rc
            s["_wkey"] = key
        return s["_w"], s["_rc"]

    def split(self, s: State, i_abs: np.ndarray, T: np.ndarray) -> np.ndarray:
        """Current density of each bin (K, n) per its geometric area: i g_k / mean(g)."""
        return i_abs[None, :] * self._weights(s, T)[0]

    def update(self, s, i_abs, strips, plates, dt, T) -> None:
        c = self.constants(T)
        fb = s["fb"]
        ik = self.split(s, i_abs, T)
        f_new = self._relax(fb, fb, ik, strips, plates, dt, c)
        # plating: creep refill varies as f^-n, so rates frozen at the start of the step
        # overshoot the recovery for coarse steps; one re-evaluation at the midpoint
        if plates.any():
            f_mid = np.clip(0.5 * (fb + f_new), F_MIN, 1.0)
            f_new = np.where(plates, self._relax(fb, f_mid, ik, strips, plates, dt, c), f_new)
        if strips.any():
            f_new = self._not_across_balance(fb, f_new, ik, strips, c)
        s["fb"] = np.clip(f_new, F_MIN, 1.0)
        s["f"] = s["fb"].mean(axis=0)
        dn = i_abs * dt / F
        s["n_na"] = s["n_na"] - np.where(strips, dn, 0.0) + np.where(plates, dn, 0.0)

    def _not_across_balance(self, fb, f_new, ik, strips, c) -> np.ndarray:  # type: ignore[no-untyped-def]
        """Never step across the stable creep balance f* (exists while p/f* < H)."""
        with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
            base = c["creep0"] * self.pk_n * F / (self._excess(ik, c) * self.vm)
            if self.n5:
                f_star = np.sqrt(np.sqrt(base))  # base^(1/(n-1)), two roots for n = 5
            else:
                f_star = np.power(base, 1.0 / (np.asarray(self.n) - 1.0))
        stable = strips & (f_star * c["s_max"] >= self.pk) & (f_star < 1.0)
        cross = stable & ((fb - f_star) * (f_new - f_star) < 0)
        return np.where(cross, f_star, f_new)

    def _pow_n(self, x: np.ndarray) -> np.ndarray:
        """x^n; by multiplications for the usual n = 5 (np.power with a float exponent is
        several times slower, and this is the engine's hottest line)."""
        if self.n5:
            x2 = x * x
            return x2 * x2 * x
        return np.power(x, self.n)

    @staticmethod
    def _excess(ik: np.ndarray, c: dict[str, np.ndarray]) -> np.ndarray:
        """The part of a bin's stripping current that the interfacial vacancy step cannot
        take up, max(i_k - j_v(T), 0): only that part opens voids."""
        return np.maximum(ik - c["jv"], 0.0)

    def _relax(self, fb, f_rate, ik, strips, plates, dt, c) -> np.ndarray:  # type: ignore[no-untyped-def]
        """Exponential update of the bins' contact over dt with rates taken at ``f_rate``:
        df/dt = k (1 - f) when supply wins, -k f when stripping wins, k = |v_s - v_r| / a."""
        sig = np.minimum(self.pk / f_rate, c["s_max"]) / (CONSTRAINT * MPA)
        v_s = c["creep0"] * self._pow_n(sig)
        if strips.any():
            v_r = np.where(strips, self._excess(ik, c) * self.vm / (F * f_rate), 0.0)
            net = np.where(plates, v_s, v_s - v_r)
        else:
            net = v_s
        decay = np.exp(-np.abs(net) / self.p.a * dt)
        return np.where(net >= 0, 1.0 - (1.0 - fb) * decay, fb * decay)

    def _bin_eta(self, s: State, ik: np.ndarray, T: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(charge transfer + constriction, film) overpotentials of each bin (K, n)."""
        c = self.constants(T)
        fb = s["fb"]
        eta_ct = np.abs(bv_overpotential(ik / fb, c["i0"], T))
        eta_c = ik * self._weights(s, T)[1]
        return eta_ct + eta_c, ik * c["r_film"] / fb

    def overpotential(self, s, i_abs, T) -> np.ndarray:
        """Power-weighted mean over the bins: sum_k i_k eta_k / (K i) (exact for linear bins)."""
        ik = self.split(s, i_abs, T)
        e1, e2 = self._bin_eta(s, ik, T)
        s["_eta"] = (s["fb"], i_abs, ik, e1)  # reused by penetration in the same step
        num = np.mean(ik * (e1 + e2), axis=0)
        return np.where(i_abs > 0, num / np.maximum(i_abs, 1e-300), 0.0)

    def potential(self, s, T) -> np.ndarray:
        return np.zeros(self.p.size)

    def penetration(self, s, i_abs, eta, dt, T) -> np.ndarray:
        fb_seen, i_seen, ik, e1 = s.get("_eta", (None, None, None, None))
        on = i_abs > 0
        if fb_seen is not s["fb"] or not np.array_equal(i_seen[on], i_abs[on]):
            ik = self.split(s, i_abs, T)
            e1, _ = self._bin_eta(s, ik, T)
        ik = np.where(on[None, :], ik, 0.0)
        grows = flaw_grows(e1, self.vm, self.p.c, self.p.K_IC) & (ik > 0)
        rate = np.where(grows, ik * self.vm / (F * s["fb"]), 0.0)
        return rate.max(axis=0) * dt  # the fastest filament

    def asr(self, s, T) -> dict[str, np.ndarray]:
        c = self.constants(T)
        fb = s["fb"]
        g = bin_conductance(fb, c["r_ct"], c["r_film"], c["rho"], self.p.a)
        total = 1.0 / g.mean(axis=0)
        # split the total in proportion to the mean-field parts (exact for one bin)
        fm = fb.mean(axis=0)
        parts = {
            "charge_transfer_asr": c["r_ct"] / fm,
            "film_asr": c["r_film"] / fm,
            "constriction_asr": constriction_asr(c["rho"], self.p.a, fm),
        }
        scale = total / sum(parts.values())
        out = {k: v * scale for k, v in parts.items()}
        out["interface_asr"] = total
        return out
