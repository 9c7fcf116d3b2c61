"""nakcell's own Neware .nda/.ndax decoder against NewareNDA (an independent implementation
of the same formats), on every Neware file in tests/data/cyclers."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nakcell.errors import NakcellFileError
from nakcell.io import COLUMNS, CyclerData, _neware_common, _neware_ndc, neware, read

NEWARE = [
    "2-1-6_61[07005012].nda",  # v130, BTS 9.0 records
    "TestFile.nda",  # v130, BTS 9.1 records
    "test.ndax",  # ndc v5
    "20260302_IFE_BTS85_2_9_8_1.ndax",  # ndc v17: data + runInfo + step members
]
# NewareNDA column -> our decoded column (same units: s, V, mA, mAh, mWh)
PAIRS = {
    "Step": "step",
    "Step_Index": "step_index",
    "Cycle": "cycle",
    "Time": "time",
    "Voltage": "voltage",
    "Current(mA)": "current",
    "Charge_Capacity(mAh)": "charge_capacity",
    "Discharge_Capacity(mAh)": "discharge_capacity",
    "Charge_Energy(mWh)": "charge_energy",
    "Discharge_Energy(mWh)": "discharge_energy",
}


@pytest.fixture(scope="module")
def cyclers(shared_data: Path) -> Path:
    d = shared_data / "cyclers"
    for name in NEWARE:
        assert (d / name).is_file(), f"missing shared file {name}"
    return d


def _decode(path: Path) -> dict:
    return (neware.decode_nda if path.suffix == ".nda" else neware.decode_ndax)(path)


def _assert_equal_newarenda(path: Path) -> None:
    """Our decoded columns of ``path`` equal NewareNDA.read's (float32 precision)."""
    import NewareNDA

    ref = NewareNDA.read(str(path))
    ours = _decode(path)
    assert len(ours["time"]) == len(ref) > 1000
    for theirs, mine in PAIRS.items():
        x = ref[theirs].to_numpy(np.float64)
        y = np.asarray(ours[mine], dtype=np.float64)
        # NewareNDA stores float32: agreement to float32 precision
        scale = max(1.0, float(np.abs(x).max()))
        np.testing.assert_allclose(y, x, rtol=1e-6, atol=1e-7 * scale, err_msg=theirs)
    status = np.array([neware.STATUS_NAMES[s] for s in ours["status"]])
    assert (status == ref["Status"].astype(str).to_numpy()).all()
    assert ours["start_time"] == ref["Timestamp"].iloc[0].isoformat()


@pytest.mark.parametrize("name", NEWARE)
def test_decoded_columns_equal_newarenda(name: str, cyclers: Path) -> None:
    _assert_equal_newarenda(cyclers / name)


@pytest.mark.parametrize("name", [n for n in NEWARE if n.endswith(".ndax")])
def test_columns_grow_past_a_short_size_estimate(
    name: str, cyclers: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The .ndax columns are preallocated from each member's size in the zip directory;
    with an estimate of one page they must grow and still give NewareNDA's columns."""
    monkeypatch.setattr(_neware_ndc, "_n_pages", lambda zf, member, page=4096: 1)
    _assert_equal_newarenda(cyclers / name)


@pytest.mark.parametrize("name", [n for n in NEWARE if n.endswith(".nda")])
def test_nda_rows_picked_and_deduplicated(
    name: str, cyclers: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Records that are not data (first byte changed) and a repeated record index: the
    rows are then picked by an index array (copied 1000 at a time here) and de-duplicated,
    and the columns still equal NewareNDA's on the same bytes."""
    raw = (cyclers / name).read_bytes()
    size = raw.find(raw[1024:1026], 1026) - 1024 if raw[1024] == 0x55 else 88
    b = bytearray(raw)
    for k in range(3, 3000, 7):
        b[1024 + k * size] ^= 0x01
    b[1024 + 2000 * size : 1024 + 2001 * size] = raw[1024 + 1000 * size : 1024 + 1001 * size]
    path = tmp_path / name
    path.write_bytes(bytes(b))
    monkeypatch.setattr(_neware_common, "_BLOCK", 1000)
    _assert_equal_newarenda(path)


@pytest.mark.parametrize("name", NEWARE)
def test_table_equals_newarenda_pipeline(
    name: str, cyclers: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Our decoder and the NewareNDA fallback give the same tidy table and start time."""
    path = cyclers / name
    ours = read(path)
    assert ours.meta["reader"] == "nakcell"

    def unsupported(_: Path, combined: bool = False) -> dict:
        raise neware._UnsupportedError("forced")

    monkeypatch.setattr(neware, "decode_nda", unsupported)
    monkeypatch.setattr(neware, "decode_ndax", unsupported)
    ref = read(path)
    assert ref.meta["reader"] == "NewareNDA"
    assert {k: v for k, v in ours.meta.items() if k != "reader"} == {
        k: v for k, v in ref.meta.items() if k != "reader"
    }
    a, b = ours.data, ref.data
    assert list(a.columns) == list(COLUMNS) and len(a) == len(b)
    for col in ("cycle", "step"):
        np.testing.assert_array_equal(a[col].to_numpy(), b[col].to_numpy(), err_msg=col)
    assert (a["step_type"].astype(str) == b["step_type"].astype(str)).all()
    for col in ("current_A", "voltage_V", "capacity_Ah", "energy_Wh", "time_s"):
        x, y = b[col].to_numpy(), a[col].to_numpy()
        # float32 in NewareNDA; time_s sums float32 step times over many steps
        atol = 1e-6 * max(1.0, float(np.abs(x).max()))
        np.testing.assert_allclose(y, x, rtol=1e-6, atol=atol, err_msg=col)


def test_other_versions_fall_back_to_newarenda(cyclers: Path, tmp_path: Path) -> None:
    """An unknown status code is not decoded by nakcell; NewareNDA then refuses the file
    too (KeyError in its state table), which surfaces as a NakcellFileError naming it."""
    raw = bytearray((cyclers / "TestFile.nda").read_bytes())
    assert raw[1024] == 0x55 and raw[1027] in neware.STATUS_NAMES
    raw[1027] = 99  # status byte of the first BTS 9.1 record
    bad = tmp_path / "status99.nda"
    bad.write_bytes(bytes(raw))
    with pytest.raises(NakcellFileError, match=r"status99\.nda"):
        read(bad)
    # a version byte other than 130 is handed to NewareNDA, which reads .nda 29 and 130 only
    raw = bytearray((cyclers / "TestFile.nda").read_bytes())
    raw[14] = 31
    old = tmp_path / "v31.nda"
    old.write_bytes(bytes(raw))
    with pytest.raises(NakcellFileError, match=r"v31\.nda"):
        read(old)


def _rezip(src: Path, member: bytes | None, name: str) -> bytes:
    """The .ndax with one member replaced (stored, so flips reach the decoder, not the CRC)."""
    out = io.BytesIO()
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == name and member is not None:
                data = member
            zout.writestr(info.filename, data, compress_type=zipfile.ZIP_STORED)
    return out.getvalue()


def _check(path: Path) -> None:
    try:
        out = read(path)
        assert isinstance(out, CyclerData)
        assert list(out.data.columns) == list(COLUMNS)
    except NakcellFileError as exc:
        assert str(exc).startswith(str(path))


# (file, member inside an .ndax or None for the file itself)
FUZZ = [
    ("2-1-6_61[07005012].nda", None),
    ("TestFile.nda", None),
    ("test.ndax", "data.ndc"),
    ("20260302_IFE_BTS85_2_9_8_1.ndax", "data.ndc"),
    ("20260302_IFE_BTS85_2_9_8_1.ndax", "data_runInfo.ndc"),
    ("20260302_IFE_BTS85_2_9_8_1.ndax", "data_step.ndc"),
]


@pytest.mark.parametrize(("name", "member"), FUZZ)
def test_decoder_survives_flips_and_cuts(
    name: str, member: str | None, cyclers: Path, tmp_path: Path
) -> None:
    """Bit flips and truncation inside the decoded bytes (for .ndax: inside the .ndc
    member, re-zipped uncompressed) give a table or a NakcellFileError naming the file."""
    src = cyclers / name
    raw = src.read_bytes() if member is None else zipfile.ZipFile(src).read(member)
    target = tmp_path / f"fuzz{src.suffix}"

    def write(data: bytes) -> None:
        target.write_bytes(data if member is None else _rezip(src, data, member))

    write(raw)
    assert read(target).meta["reader"] == "nakcell"  # the seed goes through our decoder

    @settings(
        max_examples=15,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(
        flips=st.lists(
            st.tuples(
                st.one_of(st.integers(0, min(8191, len(raw) - 1)), st.integers(0, len(raw) - 1)),
                st.integers(0, 7),
            ),
            min_size=1,
            max_size=16,
        ),
        cut=st.one_of(st.none(), st.integers(0, len(raw) - 1)),
    )
    def run(flips: list[tuple[int, int]], cut: int | None) -> None:
        b = bytearray(raw)
        for pos, bit in flips:
            b[pos] ^= 1 << bit
        write(bytes(b[:cut] if cut is not None else b))
        _check(target)

    run()


def test_decoded_time_is_step_time_and_test_time_is_monotone(cyclers: Path) -> None:
    """_test_time lays the step clocks end to end (never decreasing across the file)."""
    path = cyclers / "test.ndax"
    cols = _decode(path)
    assert (np.diff(cols["time"]) < 0).sum() == 3  # step time restarts at 3 step changes
    t = read(path).data["time_s"].to_numpy()
    assert (np.diff(t) >= -1e-6).all()
    assert pd.Timestamp(read(path).meta["start_time"]).year == 2024


def test_malformed_ndax_testinfo_gives_no_channel(cyclers: Path, tmp_path: Path) -> None:
    """A TestInfo.xml whose <config> holds only text (no TestInfo element) leaves channel
    and procedure out of the metadata; it neither fails the read nor escapes as a bare
    AttributeError (as it did before the metadata lookup was guarded)."""
    src = cyclers / "test.ndax"
    xml = b'<?xml version="1.0"?><root><config>text</config></root>'
    path = tmp_path / "text_testinfo.ndax"
    path.write_bytes(_rezip(src, xml, "TestInfo.xml"))
    out = read(path)
    assert out.meta["reader"] == "nakcell"
    assert "channel" not in out.meta and "procedure" not in out.meta
    assert read(src).meta["channel"] == "7"  # the intact file's TestInfo ChlID="7"
    assert out.n_points == read(src).n_points


# ------------------------------------------------ every version against Neware's own export

# file -> what it exercises; each has neware_ref/<stem>.parquet, Neware BTSDA's export of it
BTSDA = {
    "nda_v8.nda": "nda v8",
    "nda_v22.nda": "nda v22",
    "nda_v26_head.nda": "nda v26 (cut)",
    "new_nda_file.nda": "nda v29",
    "SIM_head.nda": "nda v29, SIM (drive-cycle) steps, cut",
    "scrubbed_ndc2.ndax": "ndc v2",
    "21_10_7_85.ndax": "ndc v14, a row at 0 V",
    "interp-test.ndax": "ndc v14, runInfo gaps",
    "Unit27_Example_Data_File.ndax": "ndc v14 + aux",
    "Unit27_Example_Corrupt.ndax": "ndc v14, bad TestInfo.xml",
    "nw4-120-1-6-53.ndax": "ndc v14",
    "46_1_5_60_bts16.ndax": "ndc v16",
    "TESTCELL0001-Test_Data_Collection_Ndc17.ndax": "ndc v17 + aux",
}


def _btsda(cyclers: Path, name: str) -> pd.DataFrame:
    pl = pytest.importorskip("polars")
    return pl.read_parquet(cyclers / "neware_ref" / f"{name.split('.')[0]}.parquet").to_pandas()


@pytest.mark.parametrize("name", list(BTSDA))
def test_decoder_equals_btsda_export(name: str, cyclers: Path) -> None:
    """nakcell's own decoder (no fallback) gives the rows, steps, cycles, states, V, I,
    step time, test time, capacity and energy of Neware's BTSDA export of the same file,
    to the export's resolution: 0.1 mV, 1 uA, 1 mA s and 1 mW s (half a unit, as the
    export rounds), or 1e-6 relative (its float32 columns)."""
    path = cyclers / name
    ref = _btsda(cyclers, name)
    ours = _decode(path)
    assert len(ours["time"]) == len(ref) > 0
    np.testing.assert_array_equal(ours["step"], ref["Step Count"].to_numpy())
    np.testing.assert_array_equal(ours["step_index"], ref["Step Index"].to_numpy())
    np.testing.assert_array_equal(ours["cycle"], ref["Cycle Index"].to_numpy())
    names = np.array([neware.STATUS_NAMES[s].replace("_", " ") for s in ours["status"]])
    assert (names == ref["Step Type"].astype(str).to_numpy()).all()
    np.testing.assert_allclose(ours["voltage"], ref["Voltage(mV)"] / 1e3, rtol=0, atol=6e-5)
    i_ref = ref["Current(uA)"].to_numpy(np.float64) / 1e3  # mA
    np.testing.assert_allclose(ours["current"], i_ref, rtol=1e-6, atol=0.51e-3)
    np.testing.assert_allclose(ours["time"], ref["Time"], rtol=0, atol=1e-3)
    for kind, col in (("capacity", "Capacity(mAs)"), ("energy", "Energy(mWs)")):
        x = np.abs(ref[col].to_numpy(np.float64)) / 3600  # mAh, mWh
        if kind in ours:  # v8 stores |capacity| only
            y = np.asarray(ours[kind])
        else:
            c, d = np.abs(ours[f"charge_{kind}"]), np.abs(ours[f"discharge_{kind}"])
            # BTSDA exports the net (charge - discharge) in a SIM step, where the current
            # changes sign within the step; elsewhere one of the two is 0
            y = np.where(np.asarray(ours["status"]) == 17, np.abs(c - d), c + d)
        np.testing.assert_allclose(y, x, rtol=1e-6, atol=0.51 / 3600, err_msg=kind)
    table = read(path)
    assert table.meta["reader"] == "nakcell"
    np.testing.assert_allclose(table.data["time_s"], ref["Total Time"], rtol=1e-9, atol=1e-3)


@pytest.mark.parametrize("name", list(BTSDA))
def test_decoder_equals_fastnda(name: str, cyclers: Path) -> None:
    """Rows, V and I equal fastnda's (an independent decoder of the same formats)."""
    fastnda = pytest.importorskip("fastnda")
    ref = fastnda.read(str(cyclers / name)).to_pandas()
    ours = _decode(cyclers / name)
    assert len(ours["time"]) == len(ref)
    np.testing.assert_allclose(ours["voltage"], ref["voltage_V"], rtol=1e-6, atol=1e-6)
    i = ref["current_mA"].to_numpy(np.float64)
    np.testing.assert_allclose(ours["current"], i, rtol=1e-6, atol=1e-6 * max(1e-3, abs(i).max()))


def test_ndc14_row_at_zero_volt_is_kept(cyclers: Path) -> None:
    """The page bitmask, not V != 0, says which slots hold a record: the file's row at
    exactly 0 V (which NewareNDA drops) is in our table, as in the BTSDA export."""
    path = cyclers / "21_10_7_85.ndax"
    ours = _decode(path)
    assert (np.asarray(ours["voltage"]) == 0).sum() == 1
    assert len(ours["time"]) == 141


def test_empty_ndax_is_refused_with_reason(cyclers: Path) -> None:
    with pytest.raises(NakcellFileError, match=r"empty\.ndax.*data\.ndc with no records"):
        read(cyclers / "empty.ndax")


# more seeds for the flip/cut fuzz: one per newly decoded version and member
FUZZ_NEW = [
    ("nda_v8.nda", None),
    ("nda_v22.nda", None),
    ("new_nda_file.nda", None),
    ("scrubbed_ndc2.ndax", "data.ndc"),
    ("interp-test.ndax", "data.ndc"),
    ("interp-test.ndax", "data_runInfo.ndc"),
    ("interp-test.ndax", "data_step.ndc"),
    ("46_1_5_60_bts16.ndax", "data_runInfo.ndc"),
]


@pytest.mark.parametrize(("name", "member"), FUZZ_NEW)
def test_new_decoders_survive_flips_and_cuts(
    name: str, member: str | None, cyclers: Path, tmp_path: Path
) -> None:
    test_decoder_survives_flips_and_cuts(name, member, cyclers, tmp_path)


# ------------------------------------------------ BTSDA's own exports (CSV)


def test_btsda_record_csv_is_read(cyclers: Path) -> None:
    """neware_uio.csv (BTSDA's record table as CSV, cellpy test data): time from the
    'Cumulative Time' text parsed independently by pandas.to_timedelta, V, I and cycle as
    the file has them, and each charge/discharge step's capacity equals the integral of
    |I| dt over the step (trapezoid on the 60 s samples, 1 %): the exported capacity is
    per step, in Ah."""
    path = cyclers / "neware_uio.csv"
    out = read(path)
    assert out.format == "neware_bts_csv" and out.meta["instrument"] == "Neware"
    t = out.data
    ref = pd.read_csv(path)
    assert len(t) == len(ref) == 9065
    secs = pd.to_timedelta(ref["Cumulative Time"]).dt.total_seconds().to_numpy()
    np.testing.assert_allclose(t["time_s"], secs - secs[0], rtol=0, atol=1e-9)
    np.testing.assert_array_equal(t["current_A"], ref["Current(A)"])
    np.testing.assert_array_equal(t["voltage_V"], ref["Voltage(V)"])
    np.testing.assert_array_equal(t["cycle"], ref["Cycle Index"])
    assert ((t["step_type"] == "rest") == (ref["Step Type"] == "Rest")).all()
    checked = 0
    for _, g in t.groupby("step"):
        if g["step_type"].iloc[0] == "rest" or len(g) < 20:
            continue
        q = np.trapezoid(np.abs(g["current_A"]), g["time_s"]) / 3600
        np.testing.assert_allclose(g["capacity_Ah"].iloc[-1], q, rtol=0.01)
        checked += 1
    assert checked >= 10


def test_btsda_layered_export_is_refused_with_reason(cyclers: Path) -> None:
    """BTSDA's layered export (cycle, step and record rows interleaved; cellpy's
    nw_regular_export_ife_example.csv, first 200 lines) is refused, saying what to export."""
    path = cyclers / "nw_regular_export_ife_example_head.csv"
    with pytest.raises(NakcellFileError, match=r"layered export.*export the record layer"):
        read(path)


def _xlsx_from_rows(rows: list[list[str]], sheet: str) -> bytes:
    """A minimal .xlsx holding ``rows`` in one sheet (numbers as numbers, the rest inline
    text): a container for real rows where no public BTSDA workbook was found."""
    from xml.sax.saxutils import escape

    def col(k: int) -> str:
        s = ""
        k += 1
        while k:
            k, r = divmod(k - 1, 26)
            s = chr(65 + r) + s
        return s

    def cell(ref: str, v: str) -> str:
        try:
            float(v)
            return f'<c r="{ref}"><v>{v}</v></c>'
        except ValueError:
            return f'<c r="{ref}" t="inlineStr"><is><t>{escape(v)}</t></is></c>'

    body = "".join(
        f'<row r="{i + 1}">'
        + "".join(cell(f"{col(k)}{i + 1}", v) for k, v in enumerate(r))
        + "</row>"
        for i, r in enumerate(rows)
    )
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    files = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats'
            '-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
            'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ),
        "xl/workbook.xml": (
            f'<workbook {ns} xmlns:r="{rel}"><sheets><sheet name="{sheet}" sheetId="1" '
            'r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
            "</Relationships>"
        ),
        "xl/worksheets/sheet1.xml": f"<worksheet {ns}><sheetData>{body}</sheetData></worksheet>",
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            z.writestr(name, text)
    return out.getvalue()


def test_btsda_record_sheet_of_a_workbook_reads_as_the_csv(cyclers: Path, tmp_path: Path) -> None:
    """A workbook whose 'record' sheet holds BTSDA's record table (here the first 2,000 real
    rows of neware_uio.csv, written into a minimal .xlsx by the test: no public BTSDA
    workbook was found) is detected as neware_bts_xlsx, not as LANDdt (which also has a
    'Record' sheet), and gives the table the CSV of the same rows gives."""
    import csv as _csv

    from nakcell.io import detect_format

    with open(cyclers / "neware_uio.csv", newline="") as fh:
        rows = list(_csv.reader(fh))[:2001]
    part = tmp_path / "uio_head.csv"
    with open(part, "w", newline="") as fh:
        _csv.writer(fh).writerows(rows)
    book = tmp_path / "uio_head.xlsx"
    book.write_bytes(_xlsx_from_rows(rows, "record"))
    assert detect_format(book) == "neware_bts_xlsx"
    a, b = read(book), read(part)
    assert a.format == "neware_bts_xlsx"
    pd.testing.assert_frame_equal(a.data, b.data)


def test_sim_steps_split_by_current_sign_share_the_counter(cyclers: Path) -> None:
    """In a SIM (drive-cycle) step the current changes sign, so nakcell splits it into
    charge and discharge steps; each gets its own share of Neware's step counter
    (|charge| + |discharge| capacity, which restarts only at the instrument's step): the
    shares of an instrument step add up to the counter at its end (before this, every
    share repeated the counter from the instrument step's start)."""
    path = cyclers / "SIM_head.nda"
    dec = _decode(path)
    table = read(path).data
    counter = np.abs(dec["charge_capacity"]) + np.abs(dec["discharge_capacity"])
    inst = np.asarray(dec["step"])
    sim_steps = np.unique(inst[np.asarray(dec["status"]) == 17])
    assert len(sim_steps) >= 1
    for s in sim_steps:
        rows = np.flatnonzero(inst == s)
        sub = table.iloc[rows]
        assert sub["step"].nunique() > 5  # split at the sign changes
        shares = sub.groupby("step")["capacity_Ah"].last().sum()
        np.testing.assert_allclose(shares, counter[rows[-1]] / 1e3, rtol=1e-9)


def test_btsda_record_csv_cycle_capacities_match_the_file(cyclers: Path) -> None:
    """Per cycle, the charge and discharge capacity of the tidy table (sum of each step's
    last value) equals the file's own Chg./DChg. Cap. summed over its steps (pandas)."""
    path = cyclers / "neware_uio.csv"
    t = read(path).data
    ref = pd.read_csv(path)
    ref["blk"] = (ref["Step Index"] != ref["Step Index"].shift()).cumsum()
    want = ref.groupby("blk").last().groupby("Cycle Index")[["Chg. Cap.(Ah)", "DChg. Cap.(Ah)"]]
    want = want.sum()
    ends = t.groupby("step").last()
    for kind, col in (("charge", "Chg. Cap.(Ah)"), ("discharge", "DChg. Cap.(Ah)")):
        got = ends[ends["step_type"] == kind].groupby("cycle")["capacity_Ah"].sum()
        np.testing.assert_allclose(got.to_numpy(), want[col].to_numpy(), rtol=1e-9, atol=1e-12)
