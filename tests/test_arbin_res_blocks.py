"""The Arbin .res parser reads mdb-export's CSV in blocks of rows; checked here on a
synthetic Channel_Normal_Table spanning many blocks against pandas' read_csv of the same
text, filtered and ordered by hand (the shared .res files have one Test_ID and ordered
points, so they never exercise those paths nor block edges)."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from nakcell.io import arbin

HEADER = (
    "Test_ID,Data_Point,Test_Time,Step_Time,DateTime,Step_Index,Cycle_Index,Is_FC_Data,"
    "Current,Voltage,Charge_Capacity,Discharge_Capacity,Charge_Energy,Discharge_Energy,dV/dt"
)


def _csv(n: int, seed: int = 0) -> tuple[str, pd.DataFrame]:
    """mdb-export-like CSV text of n rows (random values at full precision) and the frame."""
    rng = np.random.default_rng(seed)
    cols = HEADER.split(",")
    df = pd.DataFrame({c: rng.random(n) * 10 for c in cols})
    df["Test_ID"] = 1
    df["Data_Point"] = np.arange(1, n + 1)
    df["Step_Index"] = 1 + np.arange(n) // 37
    df["Cycle_Index"] = 1 + np.arange(n) // 150
    df["Current"] = np.array([0.0, 1e-3, -1e-3])[df["Step_Index"] % 3]
    return df.to_csv(index=False, float_format="%.17g"), df


def _parse(text: str) -> tuple[dict[str, np.ndarray], int]:
    out = arbin._parse_res_columns(io.BytesIO(text.encode()))
    assert out is not None
    return out


@pytest.mark.parametrize("n", [1, 255, 256, 257, 512, 5000])
def test_blocks_equal_one_read(n: int) -> None:
    text, _ = _csv(n)
    ref = pd.read_csv(io.StringIO(text))
    cols, rows = _parse(text)
    assert rows == n
    for c in ("Test_Time", "Step_Index", "Cycle_Index", "Current", "Voltage"):
        np.testing.assert_array_equal(cols[c], ref[c].to_numpy(float))
    q = ref["Charge_Capacity"].to_numpy() + ref["Discharge_Capacity"].to_numpy()
    e = ref["Charge_Energy"].to_numpy() + ref["Discharge_Energy"].to_numpy()
    np.testing.assert_array_equal(cols["Q"], q)
    np.testing.assert_array_equal(cols["E"], e)


def test_other_test_ids_dropped_and_points_ordered() -> None:
    n = 3000
    _, df = _csv(n, seed=1)
    df.loc[df.index % 7 == 3, "Test_ID"] = 2  # another test interleaved in the table
    rng = np.random.default_rng(2)
    df = df.iloc[rng.permutation(n)].reset_index(drop=True)  # points out of order
    first = df["Test_ID"].iloc[0]
    text = df.to_csv(index=False, float_format="%.17g")
    ref = pd.read_csv(io.StringIO(text))
    ref = ref[ref["Test_ID"] == first].sort_values("Data_Point", kind="stable")
    cols, rows = _parse(text)
    assert rows == n
    assert len(cols["Voltage"]) == len(ref) == int((df["Test_ID"] == first).sum())
    np.testing.assert_array_equal(cols["Voltage"], ref["Voltage"].to_numpy())
    np.testing.assert_array_equal(cols["Test_Time"], ref["Test_Time"].to_numpy())
    assert "Data_Point" not in cols and "Test_ID" not in cols


def test_text_cell_names_its_row_across_blocks() -> None:
    """A text cell deep in the table is reported at the row numpy's one-shot loadtxt names."""
    text, _ = _csv(3000, seed=3)
    lines = text.splitlines(keepends=True)
    cells = lines[2900].split(",")  # well past the first blocks
    cells[9] = '"abc"'  # Voltage
    lines[2900] = ",".join(cells)
    bad = "".join(lines)
    with pytest.raises(ValueError) as one_shot:
        np.loadtxt(io.StringIO(bad), delimiter=",", skiprows=1, quotechar='"')
    assert "row 2899" in str(one_shot.value)  # numpy counts data rows from 0
    with pytest.raises(ValueError) as blocks:
        _parse(bad)
    assert str(blocks.value) == str(one_shot.value)


def test_header_only_and_no_output() -> None:
    cols, rows = _parse(HEADER + "\n")
    assert rows == 0 and all(len(v) == 0 for v in cols.values())
    assert arbin._parse_res_columns(io.BytesIO(b"")) is None


def test_arbin_csv_equals_res_of_the_same_test(shared_data: Path) -> None:
    """cellpy's raw-data CSV of its Arbin test cell (';'-separated, decimal comma, the .res
    Channel_Normal_Table columns) is the same measurement as the .res beside it: read as
    'arbin_csv' it gives the .res table (through mdb-export) to the CSV's 6 significant
    digits, and its columns equal pandas.read_csv's of the same file."""
    import pandas as pd

    from nakcell.io import detect_format, read

    csv = shared_data / "cyclers" / "20160805_sic006_45_cc_01_rawdata.csv"
    assert detect_format(csv) == "arbin_csv"
    a = read(csv).data
    b = read(shared_data / "cyclers" / "20160805_test001_45_cc_01.res").data
    assert len(a) == len(b) == 10261
    for col in ("cycle", "step"):
        np.testing.assert_array_equal(a[col].to_numpy(), b[col].to_numpy())
    assert (a["step_type"].astype(str) == b["step_type"].astype(str)).all()
    for col in ("time_s", "current_A", "voltage_V", "capacity_Ah", "energy_Wh"):
        x = b[col].to_numpy()
        np.testing.assert_allclose(a[col], x, rtol=5e-6, atol=5e-6 * np.abs(x).max(), err_msg=col)
    ref = pd.read_csv(csv, sep=";", decimal=",")
    np.testing.assert_array_equal(a["current_A"].to_numpy(), ref["Current"].to_numpy())
    t = ref["Test_Time"].to_numpy()
    np.testing.assert_allclose(a["time_s"].to_numpy(), t - t[0], rtol=0, atol=1e-9)  # from 0


@pytest.mark.parametrize("arrow", [True, False])
def test_arbin_csv_units_latin1_and_bad_cells(
    arrow: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Headers with units ('Current(mA)') are scaled; latin-1 bytes in a column the table
    does not use are fine; a cell that is not a number refuses the file, naming it; the
    same with pyarrow (the ``all`` extra) and without it (pandas)."""
    import sys

    if not arrow:
        monkeypatch.setitem(sys.modules, "pyarrow", None)  # import pyarrow -> ImportError
    from nakcell.errors import NakcellFileError
    from nakcell.io import read

    head = "Data_Point,Test_Time(s),Step_Index,Cycle_Index,Current(mA),Voltage(V),Note\n"
    rows = "".join(
        f"{k + 1},{10.0 * k},1,1,{2.0 if k < 5 else -2.0},{3 + k / 100},\xb5\n" for k in range(10)
    )
    ok = tmp_path / "units.csv"
    ok.write_bytes((head + rows).encode("latin-1"))
    t = read(ok).data
    np.testing.assert_allclose(t["current_A"][:5], 2e-3)
    np.testing.assert_allclose(t["time_s"], 10.0 * np.arange(10))
    bad = tmp_path / "bad.csv"
    bad.write_bytes((head + rows.replace("3.05", "3.0x", 1)).encode("latin-1"))
    with pytest.raises(NakcellFileError, match=r"bad\.csv.*3\.0x"):
        read(bad)
