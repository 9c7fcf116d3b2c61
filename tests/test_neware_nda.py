"""nakcell's own Neware .nda (version 130) reader against NewareNDA, an independent
implementation, on the real .nda files in ../shared/data/cyclers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nakcell.errors import NakcellFileError
from nakcell.io import _nda, neware, read

NDA_FILES = ["2-1-6_61[07005012].nda", "TestFile.nda"]  # BTS 9.0 and BTS 9.1 layouts


@pytest.fixture(scope="module")
def cyclers(shared_data: Path) -> Path:
    return shared_data / "cyclers"


@pytest.mark.parametrize("name", NDA_FILES)
def test_columns_equal_newarenda(cyclers: Path, name: str) -> None:
    import NewareNDA
    from NewareNDA.dicts import state_dict

    ref = NewareNDA.read(str(cyclers / name))
    ours = _nda.read_columns(cyclers / name)
    assert len(ours.voltage_V) == len(ref)
    code = {v: k for k, v in state_dict.items()}
    assert np.array_equal(ours.status, [code[s] for s in ref["Status"].astype(str)])
    assert np.array_equal(ours.step_index, ref["Step_Index"].to_numpy())
    np.testing.assert_array_equal(ours.voltage_V, ref["Voltage"].to_numpy(np.float64))
    np.testing.assert_array_equal(ours.current_mA, ref["Current(mA)"].to_numpy(np.float64))
    # NewareNDA stores time and capacities as float32; ours keeps float64
    np.testing.assert_allclose(ours.step_time_s, ref["Time"].to_numpy(np.float64), rtol=3e-7)
    cap = ref["Charge_Capacity(mAh)"].abs() + ref["Discharge_Capacity(mAh)"].abs()
    np.testing.assert_allclose(ours.capacity_mAh, cap.to_numpy(np.float64), rtol=3e-7, atol=1e-9)
    en = ref["Charge_Energy(mWh)"].abs() + ref["Discharge_Energy(mWh)"].abs()
    np.testing.assert_allclose(ours.energy_mWh, en.to_numpy(np.float64), rtol=3e-7, atol=1e-9)
    assert np.array_equal(_nda.charge_first_cycles(ours.status), ref["Cycle"].to_numpy())
    assert ours.start_time == ref["Timestamp"].iloc[0].to_pydatetime()


@pytest.mark.parametrize("name", NDA_FILES)
def test_tidy_table_equals_the_newarenda_route(
    cyclers: Path, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    ours = read(cyclers / name)
    assert ours.meta["reader"] == "nakcell"

    def unsupported(path: Path) -> None:
        raise _nda.UnsupportedVersionError(0)

    monkeypatch.setattr(_nda, "read_columns", unsupported)
    ref = neware.read_nda(cyclers / name)
    assert ref.meta["reader"] == "NewareNDA"
    a, b = ours.data, ref.data
    assert list(a.columns) == list(b.columns)
    for c in ("cycle", "step"):
        assert np.array_equal(a[c], b[c]), c
    assert (a["step_type"] == b["step_type"]).all()
    for c in ("current_A", "voltage_V", "capacity_Ah", "energy_Wh"):
        np.testing.assert_allclose(a[c], b[c], rtol=3e-7, atol=1e-9, err_msg=c)
    # test time: NewareNDA's float32 step times, summed over steps, carry ~1e-4 s rounding
    np.testing.assert_allclose(a["time_s"], b["time_s"], rtol=1e-6, atol=1e-3)


def test_charge_first_cycle_rule_on_a_hand_made_sequence() -> None:
    # rest, charge, discharge, rest, charge (new cycle), CV charge, discharge, charge (new)
    status = np.array([4, 1, 1, 2, 4, 7, 3, 20, 1], dtype=np.uint8)
    assert _nda.charge_first_cycles(status).tolist() == [1, 1, 1, 1, 1, 2, 2, 2, 3]
    # a discharge-first file: the first charge after the first discharge opens cycle 2
    assert _nda.charge_first_cycles(np.array([2, 2, 1, 1])).tolist() == [1, 1, 2, 2]


def test_other_versions_and_damage(cyclers: Path, tmp_path: Path) -> None:
    raw = bytearray((cyclers / "TestFile.nda").read_bytes())
    v29 = bytearray(raw)
    v29[14] = 29
    with pytest.raises(_nda.UnsupportedVersionError):
        _nda.read_columns(_write(tmp_path / "v29.nda", v29))
    with pytest.raises(NakcellFileError, match="after the 1024-byte header"):
        _nda.read_columns(_write(tmp_path / "short.nda", raw[:1030]))
    with pytest.raises(NakcellFileError, match="NEWARE"):
        _nda.read_columns(_write(tmp_path / "x.nda", b"NEWARX" + raw[6:]))


def _write(path: Path, data: bytes | bytearray) -> Path:
    path.write_bytes(bytes(data))
    return path
