"""Re-run the Na-K assessment: fit Redlich-Kister and Na2K parameters, write ``data/Na-K.tdb``.

    python -m nakcell.thermo.assess            # fit and print the residuals
    python -m nakcell.thermo.assess --write    # ... and rewrite src/nakcell/thermo/data/Na-K.tdb

Unary data: SGTE unary database v5.0 (A.T. Dinsdale, CALPHAD 15 (1991) 317, doi
10.1016/0364-5916(91)90030-N), Na and K transcribed from the public file
``libreCalphad/databases/unary50.tdb`` of github.com/mfrichtl/librecalphad (commit 6b224ab7).

Model choices (each one a statement about the data, not a tuning knob):

- Liquid: ``L0 = a0`` and ``L1 = a1`` with **no excess entropy**, because Yokokawa & Kleppa
  (J. Chem. Phys. 40 (1964) 46, doi 10.1063/1.1724892) found "nearly ideal entropies of mixing"
  for the Na-containing liquid alkali alloys from their calorimetry at 111 C combined with the
  phase diagram.
- bcc_A2: ``L0 = c0``, ``L1 = c1``, fixed by the limiting solidus slopes 0.033 at.%/K at pure Na
  and 0.10 at.%/K at pure K that Bale (Bull. Alloy Phase Diagrams 3 (1982) 313) took from the
  thermal analysis of Ott et al. (Trans. Faraday Soc. 65 (1969) 2870).
- Na2K (KNa2, stoichiometric): ``G = 2 GHSERNA + GHSERK + A + B T`` per formula unit.

Targets (``TARGETS`` below) are six published numbers for six parameters. The K-side liquidus
at 25 C (JACS 140 (2018) 3292: liquid up to 90.8 wt% K) and every other published point are
held out and checked in tests/test_thermo_assessment.py. The Ren et al. (Calphad 35 (2011) 446)
parameters could not be retrieved, so this is an independent assessment.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.optimize import least_squares

from nakcell.thermo.model import BinaryModel
from nakcell.thermo.tdb import parse_tdb

M_NA = 22.98977  # g/mol, IUPAC standard atomic weight (SGTE unary file lists 22.990)
M_K = 39.0983  # g/mol, IUPAC standard atomic weight

DATA_DIR = Path(__file__).with_name("data")


def wt_k_to_x_k(wt_k: float) -> float:
    """Mass % K -> mole fraction K."""
    nk, nna = wt_k / M_K, (100.0 - wt_k) / M_NA
    return nk / (nk + nna)


@dataclass(frozen=True)
class Target:
    name: str
    value: float
    sigma: float
    source: str


TARGETS: tuple[Target, ...] = (
    Target("T_eutectic_K", 273.15 - 12.6, 0.3, "Bale 1982 / Ott et al. 1969: eutectic -12.6 C"),
    Target(
        "x_K_eutectic",
        wt_k_to_x_k(77.8),
        0.005,
        "NaK-78 = eutectic at 77.8 wt% K (Foust, Sodium-NaK Engineering Handbook Vol. I, 1972)",
    ),
    Target(
        "T_peritectic_K", 273.15 + 6.9, 0.3, "Bale 1982 / Ott et al. 1969: Na2K peritectic 6.9 C"
    ),
    Target(
        "x_K_liquidus_Na_side_25C",
        wt_k_to_x_k(100.0 - 58.2),
        0.005,
        "JACS 140 (2018) 3292: Na-K liquid at 25 C from 9.2 to 58.2 wt% Na (Na-rich end)",
    ),
    Target(
        "solidus_slope_Na_end_per_K",
        0.033e-2,
        0.2 * 0.033e-2,
        "Bale 1982 after Ott 1969: limiting solidus slope 0.033 at.%/K at pure Na",
    ),
    Target(
        "solidus_slope_K_end_per_K",
        0.10e-2,
        0.2 * 0.10e-2,
        "Bale 1982 after Ott 1969: limiting solidus slope 0.10 at.%/K at pure K",
    ),
)

# Parameter vector: a0, a1 (liquid, J/mol), c0, c1 (bcc, J/mol), A (J/f.u.), B (J/(f.u. K))
P0 = np.array([2700.0, -250.0, 7500.0, -1000.0, -950.0, 1.0])

_UNARY = """\
$ SGTE unary data v5.0 for Na and K (Dinsdale, CALPHAD 15 (1991) 317), transcribed from
$ github.com/mfrichtl/librecalphad libreCalphad/databases/unary50.tdb (commit 6b224ab7).
 FUNCTION GHSERNA 200.00
 -11989.434+260.548732*T-51.0393608*T*LN(T)+72.306633E-3*T**2
 -43.638283E-6*T**3+132154*T**(-1);   370.87 Y
 -11009.884+199.619999*T-38.1198801*T*LN(T)+9.745854E-3*T**2-1.70664E-6*T**3
 +34342*T**(-1)+165.071E21*T**(-9);  2300.00 N !
 FUNCTION GLIQNA 200.00 2581.02-6.95218*T-276.132E-20*T**7+GHSERNA; 370.87 Y
 -8400.44+192.587343*T-38.1198801*T*LN(T)+9.745854E-3*T**2-1.70664E-6*T**3
 +34342*T**(-1);  2300.00 N !
 FUNCTION GHSERK 200.00
 -16112.929+389.624197*T-77.0571464*T*LN(T)+146.211135E-3*T**2
 -84.949147E-6*T**3+243385*T**(-1);   336.53 Y
 -11122.441+192.586544*T-39.2885968*T*LN(T)+12.167386E-3*T**2-2.64387E-6*T**3
 +43251*T**(-1)+119.223E20*T**(-9);  2200.00 N !
 FUNCTION GLIQK 200.00 2318.096-6.886859*T-94.4E-20*T**7+GHSERK; 336.53 Y
 -8799.422+185.684327*T-39.2885968*T*LN(T)+12.167386E-3*T**2-2.64387E-6*T**3
 +43251*T**(-1);  2200.00 N !
"""


def tdb_text(p: np.ndarray, header: str = "") -> str:
    """The Na-K TDB for parameter vector ``p`` (see ``P0``)."""
    a0, a1, c0, c1, A, B = (float(v) for v in p)
    return f"""\
$ Na-K.tdb: nakcell assessment of the Na-K system (LIQUID, BCC_A2, NA2K).
$ Written by `python -m nakcell.thermo.assess --write`; edit the script, not this file.
$ Liquid and bcc: Redlich-Kister; NA2K (KNa2) stoichiometric. Sources: see assess.py and
$ docs/thermo.md. Valid 200-2200 K (range of the SGTE unary data for K).
{header} ELEMENT /-   ELECTRON_GAS              0.0000E+00  0.0000E+00  0.0000E+00 !
 ELEMENT VA   VACUUM                    0.0000E+00  0.0000E+00  0.0000E+00 !
 ELEMENT K    BCC_A2                    3.9098E+01  7.0835E+03  6.4672E+01 !
 ELEMENT NA   BCC_A2                    2.2990E+01  6.4475E+03  5.1447E+01 !
{_UNARY}
 TYPE_DEFINITION % SEQ * !
 DEFINE_SYSTEM_DEFAULT ELEMENT 2 !
 DEFAULT_COMMAND DEF_SYS_ELEMENT VA /- !

 PHASE LIQUID:L % 1 1.0 !
 CONSTITUENT LIQUID:L : K,NA : !
 PARAMETER G(LIQUID,K;0) 200.00 +GLIQK; 2200.00 N !
 PARAMETER G(LIQUID,NA;0) 200.00 +GLIQNA; 2200.00 N !
 PARAMETER L(LIQUID,K,NA;0) 200.00 {a0:+.4f}; 2200.00 N !
 PARAMETER L(LIQUID,K,NA;1) 200.00 {a1:+.4f}; 2200.00 N !

 PHASE BCC_A2 % 2 1 3 !
 CONSTITUENT BCC_A2 : K,NA : VA : !
 PARAMETER G(BCC_A2,K:VA;0) 200.00 +GHSERK; 2200.00 N !
 PARAMETER G(BCC_A2,NA:VA;0) 200.00 +GHSERNA; 2200.00 N !
 PARAMETER L(BCC_A2,K,NA:VA;0) 200.00 {c0:+.4f}; 2200.00 N !
 PARAMETER L(BCC_A2,K,NA:VA;1) 200.00 {c1:+.4f}; 2200.00 N !

 PHASE NA2K % 2 2 1 !
 CONSTITUENT NA2K : NA : K : !
 PARAMETER G(NA2K,NA:K;0) 200.00 +2*GHSERNA+GHSERK{A:+.4f}{B:+.6f}*T; 2200.00 N !
"""


def predictions(model: BinaryModel) -> dict[str, float]:
    """The fitted quantities computed from a Na-K model (components K, NA; x = x_NA)."""
    from nakcell.thermo.diagram import eutectic, liquid_field, peritectic

    eut = eutectic(model, "NA2K", "BCC_A2", t_range=(200.5, 336.0))
    tm_na = model.melting_point("NA", "BCC_A2")
    per = peritectic(model, "NA2K", "BCC_A2", t_range=(eut.T_K + 0.01, tm_na - 5.0))
    t_e, x_e, t_p = eut.T_K, eut.x_B, per.T_K
    x_na_l = liquid_field(model, 298.15)[1]
    tm_k = model.melting_point("K", "BCC_A2")
    _, xs_na_end = model.liquidus_solution(tm_na - 1.0, "BCC_A2", 0.995, 0.9999)
    _, xs_k_end = model.liquidus_solution(tm_k - 1.0, "BCC_A2", 0.005, 0.0001)
    return {
        "T_eutectic_K": t_e,
        "x_K_eutectic": 1.0 - x_e,
        "T_peritectic_K": t_p,
        "x_K_liquidus_Na_side_25C": 1.0 - x_na_l,
        "solidus_slope_Na_end_per_K": (1.0 - xs_na_end) / 1.0,
        "solidus_slope_K_end_per_K": xs_k_end / 1.0,
    }


def model_for(p: np.ndarray) -> BinaryModel:
    return BinaryModel(parse_tdb(tdb_text(p)), ("K", "NA"))


def residuals(p: np.ndarray) -> np.ndarray:
    try:
        pred = predictions(model_for(p))
    except (ArithmeticError, ValueError, RuntimeError):
        return np.full(len(TARGETS), 1e3)
    return np.array([(pred[t.name] - t.value) / t.sigma for t in TARGETS])


def fit(p0: np.ndarray = P0) -> tuple[np.ndarray, dict[str, float]]:
    res = least_squares(
        residuals,
        p0,
        x_scale=[1000, 1000, 1000, 1000, 1000, 5],
        diff_step=1e-3,
        xtol=1e-10,
        ftol=1e-10,
    )
    return res.x, predictions(model_for(res.x))


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--write", action="store_true", help="rewrite data/Na-K.tdb")
    args = ap.parse_args(argv)
    p, pred = fit()
    names = ["L0_liq", "L1_liq", "L0_bcc", "L1_bcc", "A_Na2K", "B_Na2K"]
    for n, v in zip(names, p, strict=True):
        print(f"{n:8s} = {v:+.4f}")
    for t in TARGETS:
        print(f"{t.name:28s} target {t.value:.6g}  fit {pred[t.name]:.6g}   ({t.source})")
    if args.write:
        lines = "".join(
            f"$ fitted {n} = {v:+.4f}\n" for n, v in zip(names, p, strict=True)
        ) + "".join(f"$ target {t.name} = {t.value:.6g}: {t.source}\n" for t in TARGETS)
        (DATA_DIR / "Na-K.tdb").write_text(tdb_text(p, header=lines))
        print(f"wrote {DATA_DIR / 'Na-K.tdb'}")


if __name__ == "__main__":
    main()
