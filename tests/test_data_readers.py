"""The cycler files first gathered for the project (tests/data/cyclers) parse into the
tidy table with sensible numbers, checked against values computed independently here: row
counts that other readers reported (PROVENANCE.md there), coulomb counting from the raw
current column, the tester's own per-cycle summary sheet, wall-clock time stamps."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from nakcell.analysis import cell_kind, cycle_metrics
from nakcell.errors import NakcellFileError
from nakcell.io import COLUMNS, STEP_TYPES, detect_format, read

# file -> (format, rows reported in PROVENANCE.md by other readers, tolerance of coulomb
# counting vs the instrument's capacity on steps with >= 20 points; None: not applicable)
FILES: dict[str, tuple[str, int, float | None]] = {
    "00_test_04_MB_C01.mpr": ("biologic_mpr", 1501, 0.02),
    "biol.mpr": ("biologic_mpr", 23561, 0.02),
    "gcpl.issue_211.mpr": ("biologic_mpr", 2767, 0.01),
    "gcpl.issue_211.mpt": ("biologic_mpt", 2767, 0.01),
    "jdb11-1_c3_gcpl_5cycles_2V-3p8V_C-24_data_C09.mpr": ("biologic_mpr", 46102, 0.01),
    "2-1-6_61[07005012].nda": ("neware_nda", 15567, None),  # pulse train, see below
    "TestFile.nda": ("neware_nda", 6670, 0.01),
    "test.ndax": ("neware_ndax", 1464, 0.02),
    "20260302_IFE_BTS85_2_9_8_1.ndax": ("neware_ndax", 252951, 0.01),
    "NJK_CC_156_C30_C_x30.xlsx": ("land_xlsx", 62305, 0.06),  # 0.01 h, 0.1 uA resolution
    "bs542_004_gr_li_50ua_50mv_1v_191020_Channel_11.xlsx": ("arbin_xlsx", 4526, 0.01),
    "arbin_example.res": ("arbin_res", 2150, 0.01),
    "20160805_test001_45_cc_01.res": ("arbin_res", 10261, 0.01),
    "maccor_002.txt": ("maccor_txt", 7446, 0.01),
    "maccor_example.001": ("maccor_txt", 8, 0.01),
}


@pytest.fixture(scope="module")
def cyclers(shared_data: Path) -> Path:
    d = shared_data / "cyclers"
    listed = {p.name for p in d.iterdir()}
    # every file here has a test somewhere: tests/test_data_inventory.py
    assert set(FILES) <= listed, f"missing files: {set(FILES) - listed}"
    return d


@pytest.fixture(scope="module")
def tables(cyclers: Path) -> dict[str, object]:
    """Each file read once per module (the 252,951-row .ndax takes ~1 s)."""
    return {name: read(cyclers / name) for name in FILES}


@pytest.mark.parametrize("name", sorted(FILES))
def test_format_detected_from_bytes_and_rows_match_other_readers(
    name: str, cyclers: Path, tables: dict, tmp_path: Path
) -> None:
    fmt, rows, _ = FILES[name]
    assert detect_format(cyclers / name) == fmt
    # the content decides, not the extension
    renamed = tmp_path / "renamed.dat"
    renamed.write_bytes((cyclers / name).read_bytes())
    assert detect_format(renamed) == fmt
    d = tables[name]
    assert d.format == fmt
    assert d.n_points == rows


@pytest.mark.parametrize("name", sorted(FILES))
def test_table_schema_and_physical_sanity(name: str, tables: dict) -> None:
    df = tables[name].data
    assert list(df.columns) == list(COLUMNS)
    assert set(df["step_type"].astype(str)) <= set(STEP_TYPES)
    t = df["time_s"].to_numpy()
    assert t[0] == 0.0 and np.all(np.diff(t) >= 0)
    v = df["voltage_V"].to_numpy()
    assert np.all(np.isfinite(v)) and np.all(np.abs(v) < 10)
    assert np.all(df["capacity_Ah"].to_numpy() >= 0)
    i = df["current_A"].to_numpy()
    st = df["step_type"].astype(str).to_numpy()
    assert np.all(i[st == "charge"] > 0) and np.all(i[st == "discharge"] < 0)
    assert np.all(np.diff(df["step"].to_numpy()) >= 0)


@pytest.mark.parametrize("name", sorted(n for n, v in FILES.items() if v[2] is not None))
def test_step_capacity_equals_coulomb_counting_of_current(name: str, tables: dict) -> None:
    """Instrument capacity of each active step vs trapezoidal integral of |I| dt."""
    df = tables[name].data
    tol = FILES[name][2]
    checked = 0
    for _, g in df.groupby("step", sort=False):
        if str(g["step_type"].iat[0]) not in ("charge", "discharge") or len(g) < 20:
            continue
        t = g["time_s"].to_numpy()
        q_int = np.trapezoid(np.abs(g["current_A"].to_numpy()), t) / 3600.0
        q_ins = g["capacity_Ah"].max() - g["capacity_Ah"].iat[0]
        if q_ins <= 0:
            continue
        assert q_int == pytest.approx(q_ins, rel=tol), f"step {g['step'].iat[0]}"
        checked += 1
    if name != "maccor_example.001":  # an 8-row excerpt at rest
        assert checked > 0


def test_pulse_file_capacity_within_physical_bounds(tables: dict) -> None:
    """The .nda pulse test samples only the pulse edges (-1.7 A / -0.1 A), so the samples
    cannot be integrated; the instrument's charge must still mean a current between the two
    levels, and its energy a voltage between the recorded extremes."""
    df = tables["2-1-6_61[07005012].nda"].data
    q_As = df["capacity_Ah"].iat[-1] * 3600
    mean_i = q_As / df["time_s"].iat[-1]
    i = np.abs(df["current_A"])
    assert i.min() < mean_i < i.max()
    mean_v = df["energy_Wh"].iat[-1] / df["capacity_Ah"].iat[-1]
    assert df["voltage_V"].min() <= mean_v <= df["voltage_V"].max()
    assert np.all(np.diff(df["capacity_Ah"]) >= 0)


def test_land_cycles_match_landdt_cycle_sheet(cyclers: Path, tables: dict) -> None:
    """Per-cycle capacity and CE against the 'Cycle' sheet LANDdt computed itself."""
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(cyclers / "NJK_CC_156_C30_C_x30.xlsx"))
    sheet = rows.get_sheet_by_name("Cycle").to_python()
    ref = pd.DataFrame(sheet[1:], columns=sheet[0]).set_index("Index")
    ours = {c["cycle"]: c for c in cycle_metrics(tables["NJK_CC_156_C30_C_x30.xlsx"])}
    assert len(ours) == 30
    for cyc, c in ours.items():
        r = ref.loc[float(cyc)]
        # the sheet rounds to 0.0001 mAh
        assert c["charge_capacity_mAh"] == pytest.approx(r["Charge-Cap/mAh"], abs=1.5e-4)
        assert c["discharge_capacity_mAh"] == pytest.approx(r["Discharge-Cap/mAh"], abs=1.5e-4)
        assert c["coulombic_efficiency_pct"] == pytest.approx(r["Efficiency/%"], abs=1.5)
    # mass read back from the sheet's specific capacity: 175.6 mAh/g for 0.0176 mAh
    mass = tables["NJK_CC_156_C30_C_x30.xlsx"].meta["active_mass_kg"]
    assert mass == pytest.approx(0.0176 / 175.6 * 1e-3, rel=0.01)  # g -> kg


def test_biologic_mpr_and_mpt_of_one_measurement_agree(tables: dict) -> None:
    a = tables["gcpl.issue_211.mpr"].data
    b = tables["gcpl.issue_211.mpt"].data
    for col in ("time_s", "voltage_V", "current_A", "capacity_Ah"):
        np.testing.assert_allclose(a[col], b[col], rtol=1e-6, atol=1e-12)
    assert (a["cycle"] == b["cycle"]).all() and (a["step"] == b["step"]).all()
    meta = tables["gcpl.issue_211.mpt"].meta
    assert meta["active_mass_kg"] == pytest.approx(0.790e-6)  # "0.790 mg" in the header
    assert meta["instrument"] == "BioLogic VMP3"


def test_gcpl_current_is_the_137uA_set_point_and_five_cycles(tables: dict) -> None:
    """The .mpt header sets +-137 uA ... but the data log 0.068 mA (C x N at 0.068 mAh);
    the per-step capacity must equal 0.068 mA x step time."""
    df = tables["gcpl.issue_211.mpr"].data
    on = df["step_type"].astype(str).isin(["charge", "discharge"])
    assert np.allclose(np.abs(df.loc[on, "current_A"]), 0.068e-3, rtol=1e-6)
    m = cycle_metrics(tables["gcpl.issue_211.mpr"])
    assert len(m) == 5


def test_neware_time_matches_wall_clock(cyclers: Path, tables: dict) -> None:
    import NewareNDA

    for name in ("2-1-6_61[07005012].nda", "test.ndax"):
        raw = NewareNDA.read(str(cyclers / name))
        wall = (raw["Timestamp"] - raw["Timestamp"].iloc[0]).dt.total_seconds().to_numpy()
        np.testing.assert_allclose(tables[name].data["time_s"], wall, atol=0.05)


def test_maccor_time_unit_and_header_byte(cyclers: Path, tables: dict) -> None:
    d = tables["maccor_002.txt"]
    assert b"\xff" in (cyclers / "maccor_002.txt").read_bytes()[:2000]
    # DPT Time stamps: 5/11/2021 3:40:24 PM to the last row, parsed independently
    text = (cyclers / "maccor_002.txt").read_bytes().decode("latin-1").splitlines()
    last = text[-1].split("\t")
    start = pd.Timestamp("2021-05-11 15:40:24")
    end = pd.to_datetime(last[12], format="%m/%d/%Y %I:%M:%S %p")
    assert d.data["time_s"].iat[-1] == pytest.approx((end - start).total_seconds(), abs=2)
    assert d.meta["channel"] == "53"
    # unsigned Maccor current becomes negative on discharge ('D')
    assert d.data.loc[d.data["step_type"] == "discharge", "current_A"].max() < 0


def test_arbin_res_reads_mass_from_global_table(tables: dict) -> None:
    d = tables["20160805_test001_45_cc_01.res"]
    assert d.meta["active_mass_kg"] == pytest.approx(0.00085283798e-3)
    assert d.meta["channel"] == "3"


def test_arbin_res_rows_equal_mdb_export(cyclers: Path, tables: dict) -> None:
    out = subprocess.run(
        ["mdb-export", str(cyclers / "arbin_example.res"), "Channel_Normal_Table"],
        capture_output=True,
        check=True,
    ).stdout
    # mdb-export lists rows in storage order; the test runs in time order
    raw = pd.read_csv(io.BytesIO(out)).sort_values("Test_Time", kind="stable")
    ours = tables["arbin_example.res"].data
    np.testing.assert_allclose(ours["voltage_V"], raw["Voltage"])
    np.testing.assert_allclose(ours["time_s"], raw["Test_Time"] - raw["Test_Time"].iloc[0])


def test_real_full_cells_are_not_called_symmetric(tables: dict) -> None:
    for name in FILES:
        assert cell_kind(tables[name]) == "full", name


def test_cex_refused_with_export_hint(tmp_path: Path) -> None:
    p = tmp_path / "cell.cex"
    p.write_bytes(b"\x01\x02LAND binary" * 10)
    with pytest.raises(NakcellFileError, match="LANDdt as Excel"):
        read(p)


def test_maccor_raw_binary_refused(tmp_path: Path) -> None:
    p = tmp_path / "cell.017"
    p.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(NakcellFileError, match="Maccor raw binary"):
        read(p)


def test_generic_csv_with_mapping_and_units(tmp_path: Path) -> None:
    p = tmp_path / "x.csv"
    t_h = np.linspace(0, 2, 21)
    i_mA = np.where(t_h <= 1, 2.0, -2.0)
    pd.DataFrame({"Time": t_h, "I": i_mA, "U": 3.5 + 0.1 * t_h}).to_csv(p, sep=";", index=False)
    with pytest.raises(NakcellFileError, match="mapping"):
        read(p)
    d = read(p, mapping={"time_s": "Time:h", "current_A": "I:mA", "voltage_V": "U"})
    assert d.data["time_s"].iat[-1] == pytest.approx(7200.0)
    assert d.data["current_A"].iat[0] == pytest.approx(2e-3)
    # 2 mA for 1 h = 2 mAh on charge (integrated: the file has no capacity column)
    m = cycle_metrics(d)
    assert m[0]["charge_capacity_mAh"] == pytest.approx(2.0, rel=0.06)


def test_arbin_res_without_mdbtools_says_how_to_install(
    cyclers: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import nakcell.io.arbin as arbin

    monkeypatch.setattr(arbin.shutil, "which", lambda name: None)
    with pytest.raises(NakcellFileError, match="apt-get install mdbtools"):
        read(cyclers / "arbin_example.res")
