"""Solid-metal | ceramic interface submodel (Na or K foil): contact by plasticity and creep."""

from __future__ import annotations

import numpy as np

from nakcell.constants import F, R
from nakcell.interface.base import F_MIN, InterfaceSubmodel, State
from nakcell.interface.contact import constriction_asr, plastic_contact_fraction
from nakcell.interface.kinetics import bv_overpotential, charge_transfer_asr
from nakcell.interface.penetration import flaw_grows
from nakcell.interface.voids import advance_contact
from nakcell.materials.anodes import molar_volume


class SolidMetalInterface(InterfaceSubmodel):
    """A creeping solid metal pressed on the ceramic.

    Contact at assembly from plasticity, f0 = (p + W/a) / (3 sigma_y) (Bowden & Tabor 1950);
    on stripping the contacts recede at i V_m / (F f) against creep supply
    A (p / f)^n a exp(-Q/k (1/T - 1/T_ref)) (Wang et al., Materialia 12 (2020) 100792);
    Butler-Volmer on the true contact; Holm constriction; Griffith penetration on plating.
    """

    name = "solid metal"

    def temperature_constants(self, T: np.ndarray) -> dict[str, np.ndarray]:
        p = self.p
        arr = np.exp(-p.cQ / (R / F) * (1.0 / T - 1.0 / 298.15))
        return {
            "rho": 1.0 / p.sigma(T),
            "creep0": p.cA * arr * (p.p / 1e6) ** p.cn * p.a,  # v_creep = creep0 f^-n
            "i0": p.i0,
        }

    def init_state(self, T: np.ndarray) -> State:
        p = self.p
        f = plastic_contact_fraction(p.p + p.W / p.a, 3.0 * p.sy)  # H = 3 sigma_y (Tabor)
        return {
            "f": np.clip(f, F_MIN, 1.0),
            "x": p.x0.copy(),
            "n_na": p.n_total0 * p.x0,
            "liquid": np.zeros(p.size, bool),
            "vm": np.asarray(molar_volume(p.x0), float),
        }

    def update(self, s, i_abs, strips, plates, dt, T) -> None:
        c = self.constants(T)
        s["f"] = advance_contact(
            s["f"],
            i_abs,
            s["vm"],
            s["liquid"],
            strips,
            plates,
            np.ones_like(s["f"]),
            dt,
            c["creep0"],
            np.zeros_like(s["f"]),
            self.p.a,
            self.p.cn,
        )
        dn = i_abs * dt / F
        s["n_na"] = s["n_na"] - np.where(strips, dn, 0.0) + np.where(plates, dn, 0.0)

    def overpotential(self, s, i_abs, T) -> np.ndarray:
        c = self.constants(T)
        eta = np.abs(bv_overpotential(i_abs / s["f"], c["i0"], T))
        return eta + i_abs * constriction_asr(c["rho"], self.p.a, s["f"])

    def potential(self, s, T) -> np.ndarray:
        return np.zeros(self.p.size)

    def penetration(self, s, i_abs, eta_plate, dt, T) -> np.ndarray:
        grows = flaw_grows(eta_plate, s["vm"], self.p.c, self.p.K_IC)
        return np.where(grows & (i_abs > 0), i_abs * s["vm"] / (F * s["f"]) * dt, 0.0)

    def asr(self, s, T) -> dict[str, np.ndarray]:
        c = self.constants(T)
        r_ct = charge_transfer_asr(c["i0"], T) / s["f"]
        r_c = constriction_asr(c["rho"], self.p.a, s["f"])
        return {
            "charge_transfer_asr": r_ct,
            "film_asr": np.zeros_like(r_ct),
            "constriction_asr": r_c,
            "interface_asr": r_ct + r_c,
        }
