"""Readers against facts stated in data/eis/PROVENANCE.md and the files' own redundant
columns (|Z|, phase), and .mpr against the .txt/RelaxIS exports of the same measurement."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nakcell.cli import main
from nakcell.eis import read
from nakcell.errors import NakcellFileError


def eis(shared_data: Path, name: str) -> Path:
    p = shared_data / "eis" / name
    assert p.is_file(), f"missing real file {p}"
    return p


def per_decade(f: np.ndarray) -> float:
    return 1.0 / float(np.median(np.abs(np.diff(np.log10(f)))))


def test_csv_impedancepy_66_points_3mHz_to_10kHz_with_inductive_tail(shared_data: Path) -> None:
    s = read(eis(shared_data, "impedancepy_exampleData.csv"))
    assert s.n == 66  # PROVENANCE: 66 points from 3.2 mHz to 10 kHz
    assert s.frequency_Hz.min() == pytest.approx(3.2e-3, rel=0.02)
    assert s.frequency_Hz.max() == pytest.approx(1e4, rel=1e-6)
    assert s.Z_ohm.real.min() > 0.014 and s.Z_ohm.real.max() < 0.051  # "Z' about 0.015-0.05"
    hf = s.Z_ohm[np.argmax(s.frequency_Hz)]
    assert hf.imag > 0  # inductive (positive Z'') points at high frequency, sign kept
    assert np.count_nonzero(s.Z_ohm.imag < 0) > s.n / 2


def test_gamry_potentiostatic_200kHz_down_10_per_decade(shared_data: Path) -> None:
    s = read(eis(shared_data, "impedancepy_exampleDataGamry.DTA"))
    assert s.frequency_Hz[0] == pytest.approx(2e5, rel=1e-3)  # FREQINIT 200 kHz
    assert s.frequency_Hz.min() <= 0.02  # FREQFINAL 0.02 Hz
    assert per_decade(s.frequency_Hz) == pytest.approx(10, rel=0.02)
    assert s.metadata["technique"] == "EISPOT"
    assert s.metadata["vac_mV_rms"] == 10.0
    assert s.metadata["date"] == "4/23/2018"


def test_gamry_galvanostatic_71_points_1MHz_to_0p1Hz(shared_data: Path) -> None:
    p = eis(shared_data, "hybriddrt_EISGALV_EISTest3.DTA")
    s = read(p)
    assert s.n == 71
    assert s.frequency_Hz.max() == pytest.approx(1e6, rel=1e-3)
    assert s.frequency_Hz.min() == pytest.approx(0.1, rel=2e-2)
    assert s.metadata["technique"] == "GALVEIS"
    cap = s.Z_ohm.imag < 0
    assert s.Z_ohm.real[cap].min() > 0.015 and s.Z_ohm.real.max() < 0.075  # Z' ~0.02-0.07
    # the file's own Zmod column, read independently, equals |Z|
    rows = [ln.split("\t") for ln in p.read_text(encoding="latin-1").splitlines()]
    zmod = [float(r[7]) for r in rows if len(r) > 10 and r[1].strip().isdigit()]
    np.testing.assert_allclose(np.abs(s.Z_ohm), zmod, rtol=1e-5)


def test_biologic_mpt_matches_its_modulus_and_phase_columns(shared_data: Path) -> None:
    p = eis(shared_data, "impedancepy_exampleDataBioLogic.mpt")
    s = read(p)
    lines = p.read_text(encoding="latin-1").splitlines()
    data = [ln.split("\t") for ln in lines[61:] if ln.strip()]  # "Nb header lines : 61"
    assert s.n == len(data)
    np.testing.assert_allclose(np.abs(s.Z_ohm), [float(r[3]) for r in data], rtol=1e-5)
    np.testing.assert_allclose(
        np.angle(s.Z_ohm, deg=True), [float(r[4]) for r in data], rtol=1e-4, atol=1e-5
    )
    assert s.metadata["instrument"].startswith("SP-150")


def test_zplot_21_rows_from_300kHz_though_header_declares_56(shared_data: Path) -> None:
    s = read(eis(shared_data, "impedancepy_exampleDataZPlot.z"))
    assert s.frequency_Hz[0] == pytest.approx(3e5)  # vs Freq-Initial: 300000
    assert s.n == 21  # the sweep stops at 3 kHz in the file
    assert s.metadata["declared_points"] == 56
    assert np.all(s.Z_ohm.imag < 0)


def test_whitespace_txt_pydrttools_107_points_from_1kHz(shared_data: Path) -> None:
    s = read(eis(shared_data, "pydrttools_LIB_data.txt"))
    assert s.n == 107
    assert s.frequency_Hz.max() == pytest.approx(1e3, rel=1e-3)
    assert s.Z_ohm.real[0] == pytest.approx(0.11, rel=0.03)  # "Z' about 0.11 ohm"


def test_lpscl_mpr_equals_mpt_export_and_relaxis(shared_data: Path) -> None:
    mpr = read(eis(shared_data, "hybriddrt_PEIS_LPSCl_IonBlocking_-25C.mpr"))
    txt = read(eis(shared_data, "hybriddrt_PEIS_LPSCl_IonBlocking_-25C.txt"))
    rel = read(eis(shared_data, "hybriddrt_PEIS_LPSCl_IonBlocking_-25C_RelaxIS.txt")).sorted()
    assert mpr.n == txt.n == rel.n
    np.testing.assert_allclose(mpr.frequency_Hz, txt.frequency_Hz, rtol=1e-6)
    np.testing.assert_allclose(mpr.Z_ohm, txt.Z_ohm, rtol=1e-6)
    np.testing.assert_allclose(mpr.Z_ohm, rel.Z_ohm, rtol=1e-6)
    assert mpr.metadata["date"] == "2025-05-15"  # .txt: "Acquisition started on 05/15/2025"


def test_ssb_mpr_decreasing_sweep_10_per_decade(shared_data: Path) -> None:
    s = read(eis(shared_data, "hybriddrt_PEIS_SSB.mpr"))
    assert np.all(np.diff(s.frequency_Hz) < 0)
    assert per_decade(s.frequency_Hz) == pytest.approx(10, rel=0.05)
    assert s.frequency_Hz.max() == pytest.approx(7e6, rel=1e-3)
    assert s.frequency_Hz.min() == pytest.approx(0.01, rel=1e-2)
    assert s.metadata["date"] == "2025-04-14"


# ------------------------------------------------------------------ malformed files


def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text)
    return p


def test_csv_nan_names_line(tmp_path: Path) -> None:
    p = write(tmp_path, "a.csv", "1000,1,-1\n100,2,nan\n10,3,-2\n")
    with pytest.raises(NakcellFileError, match=r"a\.csv \(line 2\)"):
        read(p)


def test_csv_non_monotonic_frequency_names_line(tmp_path: Path) -> None:
    p = write(tmp_path, "b.csv", "f,Z',Z''\n1000,1,-1\n100,2,-1\n500,3,-2\n10,4,-1\n")
    with pytest.raises(NakcellFileError, match=r"line 4.*monotonic|monotonic.*"):
        read(p)


def test_csv_two_columns_is_wrong_columns(tmp_path: Path) -> None:
    p = write(tmp_path, "c.csv", "1000,1\n100,2\n10,3\n")
    with pytest.raises(NakcellFileError, match="columns"):
        read(p)


def test_csv_header_with_minus_im_sets_sign(tmp_path: Path) -> None:
    p = write(tmp_path, "d.csv", "freq/Hz;Re(Z)/Ohm;-Im(Z)/Ohm\n1000;1;-0.5\n100;2;1\n10;3;2\n")
    s = read(p)
    assert s.Z_ohm[2] == 3 - 2j and s.Z_ohm[0] == 1 + 0.5j


def test_gamry_truncated_table(tmp_path: Path, shared_data: Path) -> None:
    src = eis(shared_data, "impedancepy_exampleDataGamry.DTA").read_text(encoding="latin-1")
    cut = "\n".join(src.splitlines()[:470])  # ZCURVE rows stop early; declared in OCV only
    text = cut.replace("ZCURVE\tTABLE", "ZCURVE\tTABLE\t72")
    p = write(tmp_path, "t.DTA", text)
    with pytest.raises(NakcellFileError, match="truncated"):
        read(p)


def test_gamry_short_row_names_line(tmp_path: Path, shared_data: Path) -> None:
    lines = eis(shared_data, "hybriddrt_EISGALV_EISTest3.DTA").read_text("latin-1").splitlines()
    i = next(k for k, ln in enumerate(lines) if ln.startswith("\t5\t"))
    lines[i] = "\t5\t3.48"
    p = write(tmp_path, "s.DTA", "\n".join(lines))
    with pytest.raises(NakcellFileError, match=f"line {i + 1}"):
        read(p)


def test_mpt_missing_column(tmp_path: Path, shared_data: Path) -> None:
    src = eis(shared_data, "impedancepy_exampleDataBioLogic.mpt").read_text(encoding="latin-1")
    p = write(tmp_path, "m.mpt", src.replace("-Im(Z)/Ohm", "foo"))
    with pytest.raises(NakcellFileError, match="-Im"):
        read(p)


def test_mpr_garbage_is_file_error(tmp_path: Path) -> None:
    p = tmp_path / "g.mpr"
    p.write_bytes(b"BIO-LOGIC MODULAR FILE\x1a" + b"\x00" * 100)
    with pytest.raises(NakcellFileError, match=r"g\.mpr"):
        read(p)


def test_truncated_mpr_one_line_exit_2(
    tmp_path: Path, shared_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = eis(shared_data, "hybriddrt_PEIS_SSB.mpr").read_bytes()
    p = tmp_path / "cut.mpr"
    p.write_bytes(raw[: len(raw) // 2])
    with pytest.raises(SystemExit) as e:
        main(["eis", "kk", str(p)])
    err = capsys.readouterr().err
    assert e.value.code == 2 and "cut.mpr" in err and "truncated" in err
    assert len(err.strip().splitlines()) == 1


def test_empty_file(tmp_path: Path) -> None:
    with pytest.raises(NakcellFileError, match="empty"):
        read(write(tmp_path, "e.csv", ""))


def test_cli_malformed_file_exit_2_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    p = write(tmp_path, "n.csv", "1000,1,-1\n100,2,nan\n10,3,-2\n")
    with pytest.raises(SystemExit) as e:
        main(["eis", "fit", str(p)])
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert "n.csv (line 2)" in err and "Traceback" not in err and len(err.splitlines()) == 1
