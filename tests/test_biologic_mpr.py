"""nakcell's own .mpr column reader against galvani, an independent implementation of the
EC-Lab binary format, on every real .mpr file in ../shared/data/cyclers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nakcell.errors import NakcellFileError
from nakcell.io import _mpr, biologic, read

MPR_FILES = [
    "00_test_04_MB_C01.mpr",
    "biol.mpr",
    "gcpl.issue_211.mpr",
    "jdb11-1_c3_gcpl_5cycles_2V-3p8V_C-24_data_C09.mpr",
]


@pytest.fixture(scope="module")
def cyclers(shared_data: Path) -> Path:
    return shared_data / "cyclers"


@pytest.mark.parametrize("name", MPR_FILES)
def test_every_column_equals_galvani(cyclers: Path, name: str) -> None:
    from galvani import BioLogic

    ref = BioLogic.MPRfile(str(cyclers / name))
    names = frozenset(n for n in ref.dtype.names if n != "flags") | {"mode"}
    ours = _mpr.read_columns(cyclers / name, names)
    assert ours.n_points == len(ref.data)
    assert ours.data_version == ref.version
    for n in names - {"mode"}:
        assert np.array_equal(
            ours.columns[n].astype(float), np.asarray(ref.data[n], dtype=float), equal_nan=True
        ), n
    assert np.array_equal(ours.columns["mode"], ref.data["flags"] & 3)
    assert ours.start_time == ref.timestamp


@pytest.mark.parametrize("name", MPR_FILES)
def test_tidy_table_equals_the_galvani_route(
    cyclers: Path, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    ours = read(cyclers / name)
    assert ours.meta["reader"] == "nakcell"

    def unknown(path: Path, wanted: frozenset[str]) -> None:
        raise _mpr.UnknownColumnError(0)

    monkeypatch.setattr(_mpr, "read_columns", unknown)
    ref = biologic.read_mpr(cyclers / name)
    assert ref.meta["reader"] == "galvani"
    assert ours.meta["start_time"] == ref.meta["start_time"]
    a, b = ours.data, ref.data
    assert list(a.columns) == list(b.columns)
    for c in a.columns:
        if c == "step_type":
            assert (a[c] == b[c]).all()
        else:
            np.testing.assert_allclose(a[c].to_numpy(), b[c].to_numpy(), rtol=1e-12, atol=0)


def test_unknown_column_id_falls_back_to_galvani(cyclers: Path) -> None:
    with pytest.raises(_mpr.UnknownColumnError):
        _mpr._record_dtype([4, 6, 9999])


def test_declared_points_beyond_the_module_is_a_file_error(cyclers: Path, tmp_path: Path) -> None:
    raw = bytearray((cyclers / "gcpl.issue_211.mpr").read_bytes())
    i = raw.index(b"VMP data")
    body = i + 10 + 25 + 24  # EC-Lab >= 11.50 module header: 59 bytes after 'MODULE'
    raw[body : body + 4] = (10**7).to_bytes(4, "little")  # claim 10 million points
    bad = tmp_path / "bad.mpr"
    bad.write_bytes(bytes(raw))
    with pytest.raises(NakcellFileError, match="declares 10000000 points"):
        read(bad)
