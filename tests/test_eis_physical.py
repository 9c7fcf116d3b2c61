"""Physical spectra: closed-form intercepts, contact-area scaling (Eckhardt et al. 2023),
Holm's constriction example (LITERATURE.md), and the cell adapter."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nakcell.eis import fit
from nakcell.eis.physical import (
    EPS0,
    Interface,
    PhysicalStack,
    holm_constriction_asr,
    spectrum_from_cell,
)
from nakcell.errors import NakcellInputError

CM2 = 1e-4


def stack(f: float = 1.0, asr: float = 50 * CM2, cstr: float = 0.0) -> PhysicalStack:
    itf = Interface(asr_ct_ohm_m2=asr, contact_fraction=f, c_dl_F_m2=20e-6 / CM2,
                    asr_cstr_ohm_m2=cstr)  # fmt: skip
    return PhysicalStack(interfaces=(itf, itf), thickness_m=1.1e-3, area_m2=0.95 * CM2,
                         sigma_bulk_S_m=0.14)  # fmt: skip


def test_low_frequency_limit_is_bulk_plus_interfaces() -> None:
    s = stack(f=0.5, cstr=3 * CM2).spectrum(np.array([1e-6]))
    R_b = 1.1e-3 / (0.14 * 0.95 * CM2)  # L / (sigma A)
    R_int = (50 * CM2 / 0.5 + 3 * CM2) / (0.95 * CM2)
    assert s.Z_ohm[0].real == pytest.approx(R_b + 2 * R_int, rel=1e-6)
    assert s.interface_asr_ohm_cm2 == pytest.approx([103.0, 103.0])
    # seed pellet: 1.1 mm at 1.4e-3 S/cm -> 78.6 ohm cm2 bulk ASR
    assert s.bulk_asr_ohm_cm2 == pytest.approx(0.11 / 1.4e-3, rel=1e-9)


def test_bulk_capacitance_is_geometric() -> None:
    _, vals = stack().circuit()
    assert vals["C_b"] == pytest.approx(EPS0 * 150 * 0.95 * CM2 / 1.1e-3)


def test_contact_loss_scales_rct_up_cdl_down_keeps_ct_time_constant() -> None:
    """Eckhardt et al. 2023: R_CT ~ 1/A, C_CT ~ A, so the CT time constant is preserved."""
    _, full = stack(f=1.0).circuit()
    _, part = stack(f=0.1).circuit()
    assert part["R_ct1"] == pytest.approx(10 * full["R_ct1"])
    assert part["C_dl1"] == pytest.approx(0.1 * full["C_dl1"])
    assert part["R_ct1"] * part["C_dl1"] == pytest.approx(full["R_ct1"] * full["C_dl1"])


def test_fit_of_physical_spectrum_returns_the_interface_asr() -> None:
    """Traceability: fitting the simulated spectrum gives back the physical interface ASR."""
    st = stack(f=0.4)
    s = st.spectrum()
    r = fit(s.frequency_Hz, s.Z_ohm, "R0-p(R1,C1)", area_m2=st.area_m2)
    # two identical interfaces merge into one arc of twice the ASR
    assert r.asr_ohm_cm2["R1"] == pytest.approx(2 * 50 / 0.4, rel=1e-4)


def test_holm_example_from_literature_notes() -> None:
    """rho = 1/1.4e-3 ohm cm, a = 1 um, f = 1 % -> about 5.6 ohm cm2 (LITERATURE.md 2a)."""
    asr = holm_constriction_asr(1 / 0.14, 1e-6, 0.01)
    assert asr / CM2 == pytest.approx(5.6, rel=0.01)


def test_adapter_accepts_stack_or_cell_with_eis_stack() -> None:
    class Cell:
        def eis_stack(self) -> PhysicalStack:
            return stack()

    a = spectrum_from_cell(Cell())
    b = spectrum_from_cell(stack())
    np.testing.assert_allclose(a.Z_ohm, b.Z_ohm)
    with pytest.raises(NakcellInputError, match="eis_stack"):
        spectrum_from_cell(object())  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "kw",
    [{"contact_fraction": 0.0}, {"contact_fraction": 1.5}, {"asr_ct_ohm_m2": -1.0}],
)
def test_bad_interface_inputs(kw: dict[str, float]) -> None:
    args = {"asr_ct_ohm_m2": 1e-3, **kw}
    with pytest.raises(NakcellInputError):
        Interface(**args)


def test_report_section_compares_model_with_paper_without_setting_it(tmp_path: Path) -> None:
    from nakcell.eis.report import eis_section

    out = eis_section({"seed-na": stack(f=0.2), "seed-nak": stack(f=1.0)}, tmp_path)
    rows = {r["cell"]: r for r in out["rows"]}  # type: ignore[attr-defined]
    assert rows["seed-na"]["model_interface_asr_ohm_cm2"] == pytest.approx(250.0)
    assert rows["seed-na"]["paper_interface_asr_ohm_cm2"] == 105.0
    assert rows["seed-nak"]["ratio_model_to_paper"] == pytest.approx(50.0 / 15.0)
    assert (tmp_path / "eis_nyquist.png").stat().st_size > 1000


def test_cell_model_spectrum_dc_limit_is_bulk_plus_two_interfaces():
    """`nakcell eis simulate --cell`: at low frequency Z -> R_bulk + 2 R_interface of the model."""
    import json
    import subprocess
    import sys

    from nakcell.cell.symmetric import interface_asr
    from nakcell.materials import get_cell

    p = subprocess.run(
        [sys.executable, "-m", "nakcell.cli", "eis", "simulate", "--cell", "seed-na", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    cell = get_cell("seed-na")
    d = interface_asr(cell)
    dc = (d["bulk_asr"] + 2 * d["interface_asr"]) / cell.area  # ohm
    f = out["frequency_Hz"]
    k = f.index(min(f))
    assert out["Z_real_ohm"][k] == pytest.approx(dc, rel=1e-3)
    assert out["interface_asr_ohm_cm2"][0] == pytest.approx(d["interface_asr"] * 1e4, rel=1e-9)
