"""Native interphase / surface-film resistance of a metal | ceramic interface: sourced presets.

Each preset is what a paper measured for the whole interface resistance of Na on a NASICON
at 25 degC (EIS, symmetric cell), with its treatment. The engine treats it as the interface's
area-specific resistance at assembly: the interface submodel derives from it the film part
(the measured value minus charge transfer and constriction at the assembly contact), which
scales with temperature by an Arrhenius law and with contact as 1/f (the film carries current
only where metal touches it).

``basis`` says how the paper's number is read: ``per_interface`` (one metal | ceramic
interface) or ``per_cell`` (both interfaces of a symmetric cell together, so one interface
carries half). Where a paper does not say, both readings are offered (the seed's SFig 9).
"""

from __future__ import annotations

from dataclasses import dataclass

from nakcell.errors import NakcellInputError

OHM_CM2 = 1e-4  # ohm m2 per ohm cm2
BASES = ("per_interface", "per_cell")
SEED = "Zhao et al. 2021 (seed), doi:10.21203/rs.3.rs-223685/v1"

# Activation energy of the interface (charge transfer and film). No Arrhenius study of the
# Na | NASICON interface resistance was found; the closest measured interfacial activation
# energy is the stripping limit of Na on three ceramics (vacancy transport limited at the
# interface): 0.13-0.15 eV, Lowack et al., arXiv:2603.23340 (2026), abstract. Taken as the
# interface's activation energy (assumption: the same interfacial step limits both).
EA_INTERFACE = 0.14
EA_INTERFACE_SRC = (
    "assumption: the interfacial activation energy of the Na stripping limit, 0.13-0.15 eV on "
    "three ceramics (Lowack et al., arXiv:2603.23340 (2026), abstract), midpoint"
)


@dataclass(frozen=True)
class Interphase:
    """A measured interface resistance at 25 degC (ohm m2) with its reading and source."""

    name: str
    asr: float
    basis: str
    source: str

    def per_interface(self, basis: str | None = None) -> float:
        """ASR of one interface (ohm m2) under ``basis`` (default: the preset's own)."""
        b = basis or self.basis
        if b not in BASES:
            raise NakcellInputError("interphase basis", repr(b), " or ".join(BASES))
        return self.asr / 2.0 if b == "per_cell" else self.asr


INTERPHASES: dict[str, Interphase] = {
    p.name: p
    for p in (
        Interphase(
            "none",
            0.0,
            "per_interface",
            "no film: the interface is charge transfer and constriction only",
        ),
        Interphase(
            "seed-Na",
            105 * OHM_CM2,
            "per_cell",
            SEED + ": Na | Na3Hf2Si2PO12, 105 ohm cm2 (text, Supplementary Fig 9); per "
            "interface or per cell is not stated",
        ),
        Interphase(
            "seed-NaK",
            15 * OHM_CM2,
            "per_cell",
            SEED + ": rGO@Na-K | Na3Hf2Si2PO12, 15 ohm cm2 (text, Supplementary Fig 9); per "
            "interface or per cell is not stated",
        ),
        Interphase(
            "bare-NZSP",
            2708 * OHM_CM2,
            "per_interface",
            "Batteries 9 (2023) 8, doi:10.3390/batteries9010008, abstract: Na | Na3Zr2Si2PO12 "
            "interfacial resistance 2708 ohm cm2 (as reported: interfacial)",
        ),
        Interphase(
            "Au",
            146 * OHM_CM2,
            "per_interface",
            "Batteries 9 (2023) 8, doi:10.3390/batteries9010008, abstract: sputtered Au "
            "interlayer, 146 ohm cm2",
        ),
        Interphase(
            "GB-sealed",
            23 * OHM_CM2,
            "per_interface",
            "Wang et al., J. Mater. Chem. A 10 (2022), doi:10.1039/D1TA10816F, abstract: "
            "grain-boundary-sealed NZSP (ZnO-B2O3 sintering aid), 23 ohm cm2 at 25 degC, "
            ">41x below bare NZSP",
        ),
        Interphase(
            "Pb/C",
            1.5 * OHM_CM2,
            "per_interface",
            "Li et al., Chem. Sci. (2022), doi:10.1039/D2SC05120F, abstract: Pb/C interlayer, "
            "1.5 ohm cm2 at room temperature",
        ),
    )
}


def get_interphase(name: str) -> Interphase:
    """A named interphase preset (see :data:`INTERPHASES`)."""
    if name not in INTERPHASES:
        raise NakcellInputError("interphase", repr(name), f"one of {', '.join(INTERPHASES)}")
    return INTERPHASES[name]
