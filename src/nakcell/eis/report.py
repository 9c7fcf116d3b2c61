"""The EIS section of ``nakcell reproduce``: model spectra of the seed's cells set against
the paper's interface resistances.

Paper values (Zhao et al. 2021, doi:10.21203/rs.3.rs-223685/v1, text to Supplementary Fig 9):
"the interface resistance between anode and Na3Hf2Si2PO12 decreased significantly from
105 ohm cm2 to 15 ohm cm2" (Na -> Na-K), measured 100 kHz to 0.01 Hz at 10 mV. The paper
does not say whether this is per interface or per symmetric cell; we compare per interface
and state both numbers.

The integrator passes the cell models (anything :func:`nakcell.eis.physical.spectrum_from_cell`
accepts) for ``seed-na`` and ``seed-nak``; nothing here sets an interface resistance.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from nakcell.eis.physical import HasEISStack, PhysicalStack, spectrum_from_cell

PAPER_INTERFACE_ASR_OHM_CM2: dict[str, float] = {
    "seed-na": 105.0,  # Zhao et al. 2021, Na | NHSP
    "seed-nak": 15.0,  # Zhao et al. 2021, rGO@Na-K | NHSP
}


def eis_section(
    cells: Mapping[str, PhysicalStack | HasEISStack], out_dir: str | Path | None = None
) -> dict[str, object]:
    """Rows (cell, model interface ASR per interface and per cell, paper value, ratio) and,
    with ``out_dir``, a Nyquist figure ``eis_nyquist.png`` of all cells in ohm cm2."""
    rows = []
    spectra = {}
    for name, cell in cells.items():
        s = spectrum_from_cell(cell)
        spectra[name] = s
        per_itf = s.interface_asr_ohm_cm2
        model = per_itf[0] if per_itf else 0.0
        paper = PAPER_INTERFACE_ASR_OHM_CM2.get(name)
        rows.append(
            {
                "cell": name,
                "model_interface_asr_ohm_cm2": model,
                "model_cell_interfaces_asr_ohm_cm2": sum(per_itf),
                "model_bulk_asr_ohm_cm2": s.bulk_asr_ohm_cm2 + s.gb_asr_ohm_cm2,
                "paper_interface_asr_ohm_cm2": paper,
                "ratio_model_to_paper": (model / paper) if paper else None,
            }
        )
    out: dict[str, object] = {"rows": rows}
    if out_dir is not None:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(6, 4.5))
        for name, s in spectra.items():
            area_cm2 = s.area_m2 * 1e4
            ax.plot(s.Z_ohm.real * area_cm2, -s.Z_ohm.imag * area_cm2, "-", label=name)
        ax.set_xlabel("Z' (ohm cm2)")
        ax.set_ylabel("-Z'' (ohm cm2)")
        ax.set_aspect("equal", adjustable="datalim")
        ax.legend()
        ax.set_title("Model spectra, 100 kHz to 10 mHz")
        fig.tight_layout()
        p = Path(out_dir) / "eis_nyquist.png"
        fig.savefig(p, dpi=120)
        plt.close(fig)
        out["figure"] = str(p)
    return out
