"""More instruments: each real file (tests/data/eis/PROVENANCE.md) read right against an
independent reader (impedance.py's preprocessing, galvani) or the file's own redundant
columns, or refused with a stated reason. Plus the one header rule, and DC rows."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from impedance import preprocessing

from nakcell.eis import read
from nakcell.eis.headers import parse_column
from nakcell.errors import NakcellFileError

# file -> impedance.py instrument name (the independent reference)
IMPEDANCEPY = {
    "impedancepy_exampleDataAutolab.txt": "autolab",
    "impedancepy_exampleDataCHInstruments.txt": "chinstruments",
    "impedancepy_exampleDataParstat.txt": "parstat",
    "impedancepy_exampleDataVersaStudio.par": "versastudio",
    "impedancepy_exampleDataPowersuite.txt": "powersuite",
    "impedancepy_exampleDataZPlot_noComments.z": "zplot",
    "impedancepy_exampleDataGamryABORT.DTA": "gamry",
    "impedancepy_Circuit1_EIS_1.z": "zplot",
    "yadg_peis.mpt": "biologic",
    "yadg_vsp_peis_with_loop1.mpt": "biologic",
}


def eis(shared_data: Path, name: str) -> Path:
    p = shared_data / "eis" / name
    assert p.is_file(), f"missing real file {p}"
    return p


@pytest.mark.parametrize("name", sorted(IMPEDANCEPY))
def test_equals_impedance_py(shared_data: Path, name: str) -> None:
    p = eis(shared_data, name)
    s = read(p)
    f_ref, z_ref = preprocessing.readFile(str(p), instrument=IMPEDANCEPY[name])
    keep = np.asarray(f_ref) > 0  # impedance.py's Parstat reader drops 0 Hz rows too
    np.testing.assert_allclose(s.frequency_Hz, np.asarray(f_ref)[keep], rtol=1e-12)
    np.testing.assert_allclose(s.Z_ohm, np.asarray(z_ref)[keep], rtol=1e-12, atol=0)


def test_autolab_z60w_41_points_as_declared(shared_data: Path) -> None:
    p = eis(shared_data, "impedancepy_exampleDataAutolab.txt")
    s = read(p)
    assert p.read_text(encoding="utf-8-sig").splitlines()[9] == "41"  # the file's point count
    assert s.n == 41 and s.frequency_Hz[0] == 1e4 and s.frequency_Hz[-1] == 0.1
    assert s.metadata["format"].startswith("zplot-w")


def test_chi_matches_its_own_modulus_and_phase_columns(shared_data: Path) -> None:
    p = eis(shared_data, "impedancepy_exampleDataCHInstruments.txt")
    s = read(p)
    rows = [ln.split(",") for ln in p.read_text().splitlines()[18:] if ln.strip()]
    assert s.n == len(rows) == 73
    mod = np.array([float(r[3]) for r in rows])
    ph = np.array([float(r[4]) for r in rows])
    np.testing.assert_allclose(np.abs(s.Z_ohm), mod, rtol=2e-3)  # 4 significant digits
    np.testing.assert_allclose(np.angle(s.Z_ohm, deg=True), ph, atol=0.06)  # 0.1 deg printed
    assert s.metadata["instrument"] == "CHI660E"


def test_chi_modulus_phase_only_equals_cartesian(shared_data: Path, tmp_path: Path) -> None:
    """The real CHI table with its Z' and Z'' columns removed: |Z|/phase only."""
    lines = eis(shared_data, "impedancepy_exampleDataCHInstruments.txt").read_text().splitlines()
    cut = [
        ln if ln.count(",") != 4 else ",".join(ln.split(",")[i] for i in (0, 3, 4)) for ln in lines
    ]
    p = tmp_path / "chi_polar.txt"
    p.write_text("\n".join(cut))
    full = read(eis(shared_data, "impedancepy_exampleDataCHInstruments.txt"))
    polar = read(p)
    assert polar.metadata["columns"] == {"f": "Freq/Hz", "zmod": "Z/ohm", "phase": "Phase/deg"}
    # phase printed to 0.1 deg, |Z| to 4 digits: agreement to 0.2 % of |Z|
    np.testing.assert_allclose(polar.Z_ohm, full.Z_ohm, atol=2e-3 * np.abs(full.Z_ohm).max())


def test_parstat_781_dc_rows_skipped_with_note(shared_data: Path) -> None:
    p = eis(shared_data, "impedancepy_exampleDataParstat.txt")
    s = read(p)
    rows = [ln.split("\t") for ln in p.read_text().splitlines()[1:] if ln.strip()]
    n_dc = sum(float(r[3]) == 0 for r in rows)
    assert n_dc == 781 and s.n == len(rows) - n_dc == 31
    assert s.metadata["dc_rows_skipped"] == 781
    assert any("781 DC rows at 0 Hz" in n for n in s.metadata["notes"])
    assert s.metadata["columns"]["f"] == "Frequency (Hz)"


def test_versastudio_z_equals_e_over_i(shared_data: Path) -> None:
    """Z Real/Z Imag against the file's own complex E and I columns: Z = E / I."""
    p = eis(shared_data, "impedancepy_exampleDataVersaStudio.par")
    s = read(p)
    lines = p.read_text(encoding="utf-8").splitlines()
    i = lines.index("<Segment1>")
    j = lines.index("</Segment1>")
    rows = [ln.split(",") for ln in lines[i + 4 : j] if ln.strip()]
    e = np.array([complex(float(r[10]), float(r[11])) for r in rows])
    cur = np.array([complex(float(r[12]), float(r[13])) for r in rows])
    np.testing.assert_allclose(s.Z_ohm, e / cur, rtol=2e-3)  # E, I printed to 7 digits
    assert s.metadata["instrument"] == "VersaSTAT4"


def test_powersuite_ascending_sweep(shared_data: Path) -> None:
    s = read(eis(shared_data, "impedancepy_exampleDataPowersuite.txt"))
    assert s.n == 30 and s.frequency_Hz[0] == 0.1 and s.frequency_Hz[-1] == 2e6
    assert s.Z_ohm[0] == 423929.46 - 49014.063j


def test_zplot_no_comments_reads_the_31_rows_present(shared_data: Path) -> None:
    p = eis(shared_data, "impedancepy_exampleDataZPlot_noComments.z")
    s = read(p)
    assert s.n == 31  # header line 8 says 79 points; the file holds 31 (300 kHz to 300 Hz)
    assert s.frequency_Hz[0] == 3e5 and s.frequency_Hz[-1] == 300.0


def test_biologic_missing_frequency_column_refused(shared_data: Path) -> None:
    with pytest.raises(NakcellFileError, match=r"\(line 61\): column 'freq/Hz' not found"):
        read(eis(shared_data, "impedancepy_exampleDataBioLogic_MissingFreq.mpt"))


def test_geis_first_loop_dc_rows_skipped(shared_data: Path) -> None:
    p = eis(shared_data, "yadg_geis_loops1-2.mpt")
    s = read(p)
    assert s.metadata["dc_rows_skipped"] == 29
    assert "lines 77-105" in s.metadata["notes"][0]
    f_ref, z_ref = preprocessing.readFile(str(p), instrument="biologic")
    ac = np.asarray(f_ref) > 0
    n1 = s.n  # loop 1 holds 29 DC rows then its AC sweep; loop 2 the same sweep again
    assert n1 == 41 and int(ac.sum()) == 2 * n1
    np.testing.assert_allclose(s.frequency_Hz, np.asarray(f_ref)[ac][:n1])
    np.testing.assert_allclose(s.Z_ohm, np.asarray(z_ref)[ac][:n1])
    s2 = read(p, cycle=2)
    np.testing.assert_allclose(s2.Z_ohm, np.asarray(z_ref)[ac][n1:])


@pytest.mark.parametrize("stem", ["yadg_peis", "yadg_geis.issue_149"])
def test_mpr_equals_galvani_and_mpt(shared_data: Path, stem: str) -> None:
    from galvani import BioLogic

    mpr = eis(shared_data, stem + ".mpr")
    s = read(mpr)
    d = BioLogic.MPRfile(str(mpr)).data
    first = d["cycle number"] == d["cycle number"][0]
    np.testing.assert_allclose(s.frequency_Hz, d["freq/Hz"][first])
    np.testing.assert_allclose(s.Z_ohm, d["Re(Z)/Ohm"][first] - 1j * d["-Im(Z)/Ohm"][first])
    t = read(eis(shared_data, stem + ".mpt"))
    np.testing.assert_allclose(t.Z_ohm, s.Z_ohm, rtol=1e-6)


# ------------------------------------------------------------------ the header rule


@pytest.mark.parametrize(
    ("name", "kind", "sign", "scale", "unit"),
    [
        ("frequency_Hz", "f", 1, 1.0, "Hz"),
        ("z_real_ohm", "zre", 1, 1.0, "ohm"),
        ("z_imag_ohm", "zim", 1, 1.0, "ohm"),
        ("Frequency (Hz)", "f", 1, 1.0, "Hz"),
        ("freq/Hz", "f", 1, 1.0, "Hz"),
        ("Freq [kHz]", "f", 1, 1e3, "kHz"),
        ("f / mHz", "f", 1, 1e-3, "mHz"),
        ("Frequency(MHz)", "f", 1, 1e6, "MHz"),
        ("Re(Z)/Ohm", "zre", 1, 1.0, "Ohm"),
        ("-Im(Z)/Ohm", "zim", -1, 1.0, "Ohm"),
        ("Z' (Ω)", "zre", 1, 1.0, "Ω"),
        ("-Z'' (Ω)", "zim", -1, 1.0, "Ω"),
        ("Z (Ω)", "zmod", 1, 1.0, "Ω"),
        ("-Phase (°)", "phase", -1, 1.0, "deg"),
        ("Zre (ohms)", "zre", 1, 1.0, "ohms"),
        ("Zim (kohm)", "zim", 1, 1e3, "kohm"),
        ("Zreal", "zre", 1, 1.0, None),
        ("Z Imag", "zim", 1, 1.0, None),
        ('Z"/ohm', "zim", 1, 1.0, "ohm"),
        ("Z'(a)", "zre", 1, 1.0, None),
        ("Z''(b)", "zim", 1, 1.0, None),
        ("|Z|/Ohm", "zmod", 1, 1.0, "Ohm"),
        ("Impedance (ohm)", "zmod", 1, 1.0, "ohm"),
        ("Phase (degrees)", "phase", 1, 1.0, "deg"),
        ("phase_rad", "phase", 1, 1.0, "rad"),
        ("Zphz", "phase", 1, 1.0, None),
        ('"Freq"', "f", 1, 1.0, None),
    ],
)
def test_header_rule(name: str, kind: str, sign: int, scale: float, unit: str | None) -> None:
    c = parse_column(name)
    assert (c.kind, c.sign, c.scale, c.unit) == (kind, sign, scale, unit)


@pytest.mark.parametrize("name", ["Time(Sec)", "Cs/µF", "Frequency (ohm)", "Z' (Hz)", "Index"])
def test_header_rule_unknown_or_contradictory(name: str) -> None:
    assert parse_column(name).kind is None


def test_underscore_units_csv_is_read(tmp_path: Path) -> None:
    p = tmp_path / "u.csv"
    p.write_text("frequency_Hz,z_real_ohm,z_imag_ohm\n1000,1.0,-0.5\n100,2.0,-1.0\n10,3.0,-0.2\n")
    s = read(p)
    assert s.Z_ohm.tolist() == [1 - 0.5j, 2 - 1j, 3 - 0.2j]


def test_nova_layout_semicolons_units_minus_columns(tmp_path: Path) -> None:
    """Autolab NOVA 2 ASCII layout (header as NOVA writes it, values invented), kohm scaled."""
    p = tmp_path / "nova.txt"
    p.write_text(
        "Index;Frequency (Hz);Z' (kΩ);-Z'' (kΩ);Z (kΩ);-Phase (°);Time (s)\n"
        "1;1000;0,1;0,05;0,1118;26,57;1\n2;100;0,2;0,1;0,2236;26,57;2\n3;10;0,3;0,05;0,304;9,46;3\n",
        encoding="utf-8",
    )
    s = read(p)
    np.testing.assert_allclose(s.Z_ohm, [100 - 50j, 200 - 100j, 300 - 50j])


def test_polar_radians_and_unitless_degrees(tmp_path: Path) -> None:
    p = tmp_path / "r.csv"
    p.write_text("f/Hz,|Z|/ohm,phase/rad\n100,2,-0.5\n10,3,-1.0\n1,4,-1.2\n")
    np.testing.assert_allclose(
        read(p).Z_ohm, np.array([2, 3, 4]) * np.exp(-1j * np.array([0.5, 1, 1.2]))
    )
    q = tmp_path / "d.csv"
    q.write_text("f,|Z|,phase\n100,2,-5\n10,3,-45\n1,4,-80\n")
    s = read(q)
    assert "read as degrees" in s.metadata["notes"][0]
    np.testing.assert_allclose(np.angle(s.Z_ohm, deg=True), [-5, -45, -80])


def test_polar_phase_without_unit_in_radian_range_refused(tmp_path: Path) -> None:
    p = tmp_path / "amb.csv"
    p.write_text("f,|Z|,phase\n100,2,-0.5\n10,3,-1.0\n1,4,-1.2\n")
    with pytest.raises(NakcellFileError, match=r"amb\.csv \(line 1\).*degrees or radians"):
        read(p)


def test_no_frequency_column_names_line_and_header(tmp_path: Path) -> None:
    p = tmp_path / "nof.csv"
    p.write_text("# comment\ntime_s,z_real_ohm,z_imag_ohm\n1,1,-1\n2,2,-1\n3,3,-1\n")
    with pytest.raises(NakcellFileError, match=r"nof\.csv \(line 2\): no frequency column"):
        read(p)


def test_negative_frequency_is_an_error_not_a_dc_row(tmp_path: Path) -> None:
    p = tmp_path / "neg.csv"
    p.write_text("f,Z',Z''\n100,1,-1\n0,0,0\n-10,2,-1\n-1,3,-1\n")
    with pytest.raises(NakcellFileError, match=r"line 4.*negative|negative"):
        read(p)


def test_phase_column_arbitrates_a_mislabelled_imaginary_column(
    shared_data: Path, tmp_path: Path
) -> None:
    """The real CHI table with its Z" column negated (as exports that write -Z'' under a
    plain Z'' name do): the file's own Phase/deg column shows it, the sign is corrected."""
    src = eis(shared_data, "impedancepy_exampleDataCHInstruments.txt")
    out = []
    for ln in src.read_text().splitlines():
        parts = ln.split(",")
        if ln.count(",") == 4 and parts[2].strip()[0] in "-0123456789":
            parts[2] = " " + str(-float(parts[2]))
        out.append(",".join(parts))
    p = tmp_path / "neg.txt"
    p.write_text("\n".join(out))
    s = read(p)
    np.testing.assert_allclose(s.Z_ohm, read(src).Z_ohm, rtol=1e-12)
    assert "holds -Z''" in s.metadata["notes"][0]
    assert "agree" in read(src).metadata["phase_check"]


def test_pyeis_tab_table_sign_from_its_phase_and_scale_mismatch_noted(shared_data: Path) -> None:
    """PyEIS's ex3.txt: Frequency, Z_E, Phase_E (rad), Z_re, Z_img (positive: -Z'').
    PyEIS's own importer maps Z_img to its 'im' (= -Im Z) and Z_E to |Z|. The sign comes
    from the file's phase column; |Z_re + j Z_img| is 3571x smaller than Z_E at every
    point, which the reader cannot resolve and says."""
    p = eis(shared_data, "pyeis_ex3.txt")
    s = read(p)
    rows = [ln.split("\t") for ln in p.read_text().splitlines()[1:] if ln.strip()]
    ref = np.array([complex(float(r[3]), -float(r[4])) for r in rows])
    np.testing.assert_allclose(s.Z_ohm, ref, rtol=1e-12)
    np.testing.assert_allclose(np.angle(s.Z_ohm), [float(r[2]) for r in rows], atol=2e-3)
    assert s.frequency_Hz[0] == pytest.approx(1e-4) and s.n == 20
    assert any("3571 x" in n for n in s.metadata["notes"])


@pytest.mark.parametrize(
    ("name", "kind"), [("Z_E", "zmod"), ("Phase_E", "phase"), ("Zre_1", "zre"), ("Time_s", None)]
)
def test_header_rule_short_tag_after_underscore(name: str, kind: str | None) -> None:
    assert parse_column(name).kind == kind


def test_utf16_export_with_bom_is_read(shared_data: Path, tmp_path: Path) -> None:
    """The real CHI table re-encoded as UTF-16 with a byte-order mark (Windows exports)."""
    src = eis(shared_data, "impedancepy_exampleDataCHInstruments.txt")
    p = tmp_path / "u16.txt"
    p.write_bytes(src.read_text().encode("utf-16"))
    np.testing.assert_allclose(read(p).Z_ohm, read(src).Z_ohm)
    q = tmp_path / "u16.mpt"
    mpt = eis(shared_data, "impedancepy_exampleDataBioLogic.mpt")
    q.write_bytes(mpt.read_text(encoding="latin-1").encode("utf-16"))
    np.testing.assert_allclose(read(q).Z_ohm, read(mpt).Z_ohm)
