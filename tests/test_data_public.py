"""Public cycler files nakcell had not seen (tests/data/cyclers/public, provenance there),
each read right against an independent reference -- pandas on the same text, the
instrument's own .mpt export of the same run, the file's own wall clock and counters --
or refused with a stated reason. One test per class of failure the files showed."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import nakcell.io._mpr as mpr
import nakcell.io.biologic as bl
from nakcell.analysis import cycle_metrics
from nakcell.cli import main
from nakcell.errors import NakcellFileError
from nakcell.io import read
from nakcell.store.lab import import_files

# file -> format it is read as, or the refusal's reason (a phrase of the message)
PUBLIC: dict[str, str] = {
    "cellpy_maccor_one_cut.txt": "maccor_txt",
    "cellpy_maccor_two.txt": "maccor_txt",
    "cellpy_maccor_three.txt": "maccor_txt",
    "PreDiag_000229_000229_truncated.034": "maccor_txt",
    "PredictionDiagnostics_000151_test.052": "maccor_txt",
    "PredictionDiagnostics_000109_tztest.cut.010": "maccor_txt",
    "xTESLADIAG_000003_CH68.000": "refused: Maccor test procedure",
    "maccor_test_file_4267-66-6519.041": "maccor_txt",
    "bdt_maccor_example.002": "maccor_txt",
    "maccor_test_file_4267-66-6519.EDA0001.041": "refused: Maccor AC impedance",
    "ca.issue_149.mpr": "biologic_mpr",
    "ca.issue_149.mpt": "biologic_mpt",
    "cp.issue_149.mpr": "biologic_mpr",
    "cp.issue_149.mpt": "biologic_mpt",
    "gcpl.issue_226.CxN.mpr": "biologic_mpr",
    "gcpl.issue_226.CxN.mpt": "biologic_mpt",
    "mb.issue_223.mpr": "biologic_mpr",
    "mb.issue_223.mpt": "biologic_mpt",
    "gcpl.issue_230.cut3000.mpr": "biologic_mpr",
    "gcpl.pr_182.1.cut1400.mpr": "biologic_mpr",
    "gcpl.pr_182.1.cut1400.mpt": "biologic_mpt",
    "wait.mpr": "refused: no data points",
    "beep_arbin_2017-05-09_test-TC-contact_CH33.csv": "csv",
}


#: the generic CSV reader's mapping, where a file needs one (as `--map` gives it)
MAPS = {
    "beep_arbin_2017-05-09_test-TC-contact_CH33.csv": {
        "time_s": "Test_Time", "current_A": "Current", "voltage_V": "Voltage",
    },
}  # fmt: skip


@pytest.fixture(scope="module")
def pub(shared_data: Path) -> Path:
    d = shared_data / "cyclers" / "public"
    listed = {p.name for p in d.iterdir() if p.name != "PROVENANCE.md"}
    assert listed == set(PUBLIC), f"files without a test: {listed ^ set(PUBLIC)}"
    prov = (d / "PROVENANCE.md").read_text()
    assert all(name in prov for name in PUBLIC), "a file without provenance"
    return d


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_read_or_refused_with_its_reason(name: str, pub: Path) -> None:
    verdict = PUBLIC[name]
    if verdict.startswith("refused: "):
        with pytest.raises(NakcellFileError, match=verdict.removeprefix("refused: ")):
            read(pub / name)
        return
    d = read(pub / name, mapping=MAPS.get(name))
    assert d.format == verdict
    df = d.data
    core = df[["time_s", "voltage_V", "current_A"]].to_numpy()
    assert np.isfinite(core[:-1]).all()  # a file cut inside its last row: only that row
    assert (np.diff(df["time_s"].to_numpy()) >= 0).all()
    assert 0.0 < np.nanmax(np.abs(df["voltage_V"])) < 10.0  # volts, whatever the header


# ------------------------------------------------------------------ Maccor text


def _maccor_pandas(path: Path, decimal: str = ".") -> pd.DataFrame:
    """The data rows as pandas reads them on its own (header line found by hand)."""
    lines = path.read_bytes().decode("latin-1").splitlines()
    h = next(k for k, ln in enumerate(lines) if ln.startswith(("Rec\t", "Rec#\t")))
    return pd.read_csv(
        path, sep="\t", skiprows=h, encoding="latin-1", decimal=decimal, index_col=False
    ).dropna(subset=[lines[h].split("\t")[0]])


def _wall_s(col: pd.Series, fmt: str) -> np.ndarray:
    t = pd.to_datetime(col, format=fmt)
    return (t - t.iloc[0]).dt.total_seconds().to_numpy()


def test_maccor_test_time_as_days_hours_minutes_seconds(pub: Path) -> None:
    """'  1d 10:09:35.47' durations (MIMS): seconds as pandas' own timedelta parser reads
    them, and within 1 s of the 'DPt Time' wall clock (whole seconds) all along."""
    for name in ("cellpy_maccor_one_cut.txt", "maccor_test_file_4267-66-6519.041"):
        d = read(pub / name)
        ref = _maccor_pandas(pub / name)
        days = ref["TestTime"].str.strip().str.replace("d ", " days ", regex=False)
        sec = pd.to_timedelta(days).dt.total_seconds().to_numpy()
        assert d.n_points == len(ref)
        np.testing.assert_allclose(d.data["time_s"], sec - sec[0], rtol=0, atol=1e-6)
        assert "durations" in d.meta["time_unit_source"]
    d = read(pub / "cellpy_maccor_one_cut.txt")
    ref = _maccor_pandas(pub / "cellpy_maccor_one_cut.txt")
    wall = _wall_s(ref["DPt Time"], "%m/%d/%Y %H:%M:%S")
    # the tester's test clock and the PC's wall clock drift apart by < 3.5 s in 20 h
    np.testing.assert_allclose(d.data["time_s"], wall, rtol=2e-4, atol=1.01)
    assert d.data["time_s"].iat[-1] > 19 * 3600  # '0d 19:40:50' is not 0 s


def test_maccor_decimal_commas(pub: Path) -> None:
    """MacTest in a comma locale ('0,1377'): every number as pandas reads it with
    decimal=','; the minutes of 'TestTime' match the wall clock; the last row, cut by
    the file's end, has no voltage (NaN), which the import quarantines."""
    name = "cellpy_maccor_two.txt"
    d = read(pub / name)
    ref = _maccor_pandas(pub / name, decimal=",")
    assert d.meta["decimal_separator"] == ","
    assert d.n_points == len(ref) == 214
    np.testing.assert_array_equal(d.data["voltage_V"], ref["Voltage [V]"].to_numpy())
    assert np.isnan(d.data["voltage_V"].iat[-1]) and np.isfinite(d.data["voltage_V"][:-1]).all()
    t = ref["TestTime"].to_numpy() * 60.0
    np.testing.assert_allclose(d.data["time_s"], t - t[0])
    wall = _wall_s(ref["DPT Time"].dropna(), "%m/%d/%Y %H:%M:%S")
    np.testing.assert_allclose(d.data["time_s"][: len(wall)], wall, atol=1.0)


def test_maccor_milli_unit_header_with_blank_lines(pub: Path) -> None:
    """'mAmp-hr', 'mWatt-hr', 'mAmps' and a 'Volts' column in mV (1853.8 at rest), blank
    lines in the header: current and capacity scaled by 1e-3; the voltage unit decided by
    the file's own energy/capacity counters (their ratio is the step's mean voltage);
    capacity that runs on from a CC step into its CV step counted once per step."""
    name = "cellpy_maccor_three.txt"
    d = read(pub / name)
    ref = _maccor_pandas(pub / name)
    assert d.n_points == len(ref) == 4009
    np.testing.assert_allclose(d.data["voltage_V"], ref["Volts"].to_numpy() * 1e-3)
    np.testing.assert_allclose(np.abs(d.data["current_A"]), np.abs(ref["mAmps"]) * 1e-3)
    assert d.meta["voltage_unit_source"].startswith("mV")
    # cycle 1's charge (CC step 4 then CV step 5): the counter ends at 854.4292 mAh,
    # and coulomb counting of the current over both steps agrees
    c1 = next(c for c in cycle_metrics(d) if c["cycle"] == 1)
    assert c1["charge_capacity_mAh"] == pytest.approx(854.4292, rel=1e-6)
    chg = d.data[(d.data["cycle"] == 1) & (d.data["step_type"] == "charge")]
    t = d.data["time_s"].to_numpy()
    i = d.data["current_A"].to_numpy()
    idx = chg.index.to_numpy()
    q = np.sum(i[idx] * (t[idx] - t[idx - 1])) / 3.6  # mAh, left-point rule
    assert q == pytest.approx(854.4292, rel=0.01)
    assert 90.0 < c1["coulombic_efficiency_pct"] < 100.0


def test_maccor_seconds_header_rows_equal_pandas(pub: Path) -> None:
    names = (
        "PreDiag_000229_000229_truncated.034",
        "PredictionDiagnostics_000151_test.052",
        "PredictionDiagnostics_000109_tztest.cut.010",
        "bdt_maccor_example.002",
    )
    for name in names:
        d = read(pub / name)
        ref = _maccor_pandas(pub / name)
        assert d.n_points == len(ref)
        np.testing.assert_array_equal(d.data["voltage_V"], ref["Volts"].to_numpy())
        sign = np.where(ref["State"].str.strip() == "D", -1.0, 1.0)
        sign[ref["State"].str.strip() == "R"] = 0.0
        np.testing.assert_array_equal(d.data["current_A"], sign * np.abs(ref["Amps"]))
        tcol = next(c for c in ref.columns if c.startswith("Test ("))
        scale = {"Test (Sec)": 1.0, "Test (Min)": 60.0}[tcol]
        t = ref[tcol].to_numpy() * scale
        np.testing.assert_allclose(d.data["time_s"], t - t[0], atol=1e-9)


def test_partial_first_and_last_cycles_are_flagged_and_out_of_retention(pub: Path) -> None:
    """cellpy's M50 test starts with a 0.64 Ah discharge of a 4.5 Ah cell (retention
    against it was 712 %); beep's PreDiag file ends 0.004 mAh into a discharge; the .052
    file starts mid-test with one discharge pulse."""
    one = cycle_metrics(read(pub / "cellpy_maccor_one_cut.txt"))
    assert not one[0]["complete"] and "no charge" in one[0]["partial_reason"]
    assert one[0]["retention_pct"] is None
    assert one[1]["complete"] and one[1]["retention_pct"] == pytest.approx(100.0)
    pre = cycle_metrics(read(pub / "PreDiag_000229_000229_truncated.034"))
    assert pre[-1]["complete"] is False and "last cycle" in pre[-1]["partial_reason"]
    assert pre[-1]["retention_pct"] is None
    (only,) = cycle_metrics(read(pub / "PredictionDiagnostics_000151_test.052"))
    assert only["complete"] is False and only["retention_pct"] is None
    # beep's tztest file starts at Rec 405,649, 0.2707 Ah into a charge step of cycle 86:
    # that cycle is partial (the step's counter opens above 0), retention counts from 87
    name = "PredictionDiagnostics_000109_tztest.cut.010"
    first_amp_hr = float(_maccor_pandas(pub / name)["Amp-hr"].iat[0])
    assert first_amp_hr == pytest.approx(0.2706676477)
    tz = cycle_metrics(read(pub / name))
    assert [r["cycle"] for r in tz] == [86, 87]
    assert not tz[0]["complete"] and "starts inside a step" in tz[0]["partial_reason"]
    assert tz[0]["charge_capacity_mAh"] > first_amp_hr * 1e3  # counted from the counter
    assert tz[1]["complete"] and tz[1]["retention_pct"] == pytest.approx(100.0)
    for rows in (one, pre):
        assert all(r["retention_pct"] is None or r["retention_pct"] <= 100.5 for r in rows)


# ------------------------------------------------------------------ BioLogic


def _same_run(pub: Path, stem: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    a, b = read(pub / f"{stem}.mpr"), read(pub / f"{stem}.mpt")
    return a.data, b.data


@pytest.mark.parametrize(
    "stem", ["ca.issue_149", "cp.issue_149", "gcpl.issue_226.CxN", "mb.issue_223"]
)
def test_mpr_and_its_mpt_export_give_the_same_cycles(stem: str, pub: Path) -> None:
    """The .mpr (often without 'cycle number') and EC-Lab's .mpt of the same run (with
    it, decimal commas in the .issue_149 ones): same points, same cycles."""
    a, b = _same_run(pub, stem)
    assert len(a) == len(b)
    np.testing.assert_allclose(a["time_s"], b["time_s"], atol=1e-3)
    np.testing.assert_allclose(a["voltage_V"], b["voltage_V"], rtol=1e-6, atol=1e-6)
    np.testing.assert_array_equal(a["cycle"], b["cycle"])
    assert a["cycle"].max() == b["cycle"].max()


def test_ce_in_both_formats_is_ec_labs_own(pub: Path) -> None:
    """gcpl.pr_182.1 opens with a discharge-only cycle; the .mpr (no 'cycle number') gave
    4 cycles and CE 80.4 % where its .mpt gave 5 and 116.1 %. Both now follow EC-Lab's
    counter, and cycle 2's CE equals the 'Efficiency/%' EC-Lab itself wrote in the .mpt
    (86.0999 %), its discharge EC-Lab's 'Q discharge/mA.h'."""
    stem = "gcpl.pr_182.1.cut1400"
    raw = pd.read_csv(pub / f"{stem}.mpt", sep="\t", skiprows=2, encoding="latin-1")
    ec = raw.groupby("cycle number")[["Efficiency/%", "Q discharge/mA.h"]].last()
    for ext in (".mpr", ".mpt"):
        rows = {c["cycle"]: c for c in cycle_metrics(read(pub / f"{stem}{ext}"))}
        assert sorted(rows) == [1, 2, 3]
        assert not rows[1]["complete"] and not rows[3]["complete"] and rows[2]["complete"]
        assert rows[2]["coulombic_efficiency_pct"] == pytest.approx(
            ec.loc[1.0, "Efficiency/%"], abs=0.01
        )
        assert rows[2]["discharge_capacity_mAh"] == pytest.approx(
            ec.loc[1.0, "Q discharge/mA.h"], rel=1e-6
        )
        assert rows[2]["retention_pct"] == pytest.approx(100.0)


def test_mpr_area_unit_from_the_settings(pub: Path) -> None:
    """The .mpt says 'Electrode surface area : 113.100 mm²': 1.131e-4 m2 from both
    (the .mpr's settings code the unit; the number alone was read as 113.1 cm2)."""
    stem = "gcpl.issue_226.CxN"
    head = (pub / f"{stem}.mpt").read_bytes()[:3000].decode("latin-1")
    assert "Electrode surface area : 113.100 mm²" in head
    mpr, mpt = read(pub / f"{stem}.mpr").meta, read(pub / f"{stem}.mpt").meta
    assert mpt["area_m2"] == pytest.approx(113.1e-6, rel=1e-9)
    assert mpr["area_m2"] == pytest.approx(mpt["area_m2"], rel=1e-9)
    assert mpr["active_mass_kg"] == pytest.approx(1.39e-6, rel=1e-6)


def test_unknown_column_ids_read_what_is_readable_and_name_the_rest(
    pub: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """mb.issue_223 holds id 880 ('Energy we/W.h' in its .mpt), gcpl.issue_230 ids 883
    and 884, which galvani refuses ('Column ID 112/115 ... is unknown'). Unknown to our
    table, 880's size comes from the record: same table as with it known, and named.
    883/884 sit together: the columns after them are placed from the record's end, and
    the last one there, 'step time/s', advances with the test time."""
    ref = read(pub / "mb.issue_223.mpr").data
    table = {k: v for k, v in mpr._COLUMN_IDS.items() if k != 880}
    with monkeypatch.context() as m:
        m.setattr(mpr, "_COLUMN_IDS", table)
        out = read(pub / "mb.issue_223.mpr")
    assert out.meta["unread_columns"] == ["id 880 (8 bytes)"]
    pd.testing.assert_frame_equal(out.data, ref)

    path = pub / "gcpl.issue_230.cut3000.mpr"
    d = read(path)
    assert d.meta["unread_columns"] == ["ids 883, 884 (16 bytes)"]
    cols, _ = bl.mpr_columns(path, ["time/s", "step time/s"])
    st = cols["step time/s"]
    dt, dst = np.diff(cols["time/s"]), np.diff(st)
    runs = (st[1:] > 0) & (st[:-1] > 0) & (dst > 0)  # within a step with current (0 at rest)
    assert runs.mean() > 0.5
    # it advances with the test clock: bytes placed wrongly would not
    np.testing.assert_allclose(dst[runs], dt[runs], atol=1e-3)


def test_mpr_without_points_is_refused_as_galvani_finds_it(
    pub: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from galvani import BioLogic

    assert len(BioLogic.MPRfile(str(pub / "wait.mpr")).data) == 0
    with pytest.raises(NakcellFileError, match="no data points"):
        read(pub / "wait.mpr")
    # an unknown id cannot be sized without records: still 'no data points'
    monkeypatch.setattr(mpr, "_COLUMN_IDS", {k: v for k, v in mpr._COLUMN_IDS.items() if k != 6})
    with pytest.raises(NakcellFileError, match="no data points"):
        read(pub / "wait.mpr")


# ------------------------------------------------------------------ import contract


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    out, _ = capsys.readouterr()
    return int(exc.value.code or 0), out


def test_import_quarantines_rows_without_voltage(pub: Path, tmp_path: Path) -> None:
    import duckdb

    db = tmp_path / "lab.duckdb"
    (res,) = import_files(db, [pub / "cellpy_maccor_two.txt"])
    assert res.status == "quarantined" and res.n_quarantined == 1
    assert res.quarantine_reasons == {"no voltage_V (NaN/NULL)": 1}
    con = duckdb.connect(str(db))
    n_null = con.execute(
        "SELECT count(*) FROM points WHERE time_s IS NULL OR voltage_V IS NULL "
        "OR current_A IS NULL OR isnan(voltage_V)"
    ).fetchone()
    assert n_null == (0,)
    assert con.execute("SELECT count(*) FROM points").fetchone() == (213,)
    assert con.execute("SELECT row_index, reason FROM quarantine").fetchall() == [
        (213, "no voltage_V (NaN/NULL)")
    ]
    assert con.execute("SELECT status FROM runs").fetchone() == ("quarantined",)


def test_import_refuses_a_table_mostly_without_time(tmp_path: Path) -> None:
    f = tmp_path / "t.csv"
    f.write_text("time_s,current_A,voltage_V\n" + "".join(f",0.001,3.{k}\n" for k in range(9)))
    (res,) = import_files(tmp_path / "lab.duckdb", [f])
    assert res.status == "error" and "lack time, voltage or current" in (res.error or "")


def test_import_map_reads_an_arbin_csv_as_metrics_map_does(
    pub: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """beep's Arbin CSV export (Test_Time, Current, Voltage): `data import --map` takes the
    same mapping as `data metrics --map`; the stored points are pandas' columns."""
    f = pub / "beep_arbin_2017-05-09_test-TC-contact_CH33.csv"
    maps = ["--map", "time_s=Test_Time", "--map", "current_A=Current", "--map",
            "voltage_V=Voltage"]  # fmt: skip
    code, out = _run(["data", "metrics", str(f), *maps, "--json"], capsys)
    assert code == 0 and json.loads(out)["n_points"] == 287
    db = tmp_path / "lab.duckdb"
    code, out = _run(["data", "import", str(f), "--db", str(db), *maps], capsys)
    assert code == 0
    (res,) = json.loads(out)
    assert res["status"] == "imported" and res["n_points"] == 287
    import duckdb

    pts = duckdb.connect(str(db)).execute("SELECT time_s, voltage_V FROM points").df()
    ref = pd.read_csv(f)
    np.testing.assert_allclose(pts["voltage_V"], ref["Voltage"])
    np.testing.assert_allclose(pts["time_s"], ref["Test_Time"] - ref["Test_Time"].iat[0])


def test_duration_parsers_agree(pub: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The column parse (pandas' C parser on the joined fields) equals the per-field one,
    also on a column with a damaged field (NaN there only); and a small file read by
    plain Python equals the same file read by pandas."""
    import nakcell.io.maccor as maccor

    ref = _maccor_pandas(pub / "cellpy_maccor_three.txt")["TestTime"]
    fast = maccor._durations_s(ref)
    slow = np.array([maccor._duration_s(x) for x in ref])
    np.testing.assert_array_equal(fast, slow)
    bad = ref.copy()
    bad.iloc[7] = "  0d 00:0x:00.00"
    out = maccor._durations_s(bad)
    assert np.isnan(out[7]) and np.array_equal(np.delete(out, 7), np.delete(fast, 7))
    p = pub / "maccor_test_file_4267-66-6519.041"
    small = read(p).data
    with monkeypatch.context() as m:
        m.setattr(maccor, "_parse_small", lambda *args: None)
        pd.testing.assert_frame_equal(read(p).data, small, check_exact=True)


def test_metrics_text_names_partial_cycles(pub: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = pub / "PredictionDiagnostics_000109_tztest.cut.010"
    code, out = _run(["data", "metrics", str(f)], capsys)
    assert code == 0
    first = next(ln for ln in out.splitlines() if ln.strip().startswith("86 "))
    assert "partial: first cycle of the file: it starts inside a step" in first
