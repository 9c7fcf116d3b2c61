"""nakcell's own BioLogic .mpr parser against galvani (an independent reader of the same
files) and against physics computed from galvani's raw columns; damaged containers give a
NakcellFileError naming the byte offset."""

from __future__ import annotations

import signal
import struct
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nakcell.errors import NakcellFileError
from nakcell.io import CyclerData, read
from nakcell.io import _mpr as mpr
from nakcell.io import biologic as bl

MPR = [
    "00_test_04_MB_C01.mpr",  # data module version 0, EC-Lab >= 11.50 (u2 ids, records at 1007)
    "biol.mpr",  # data module version 2
    "gcpl.issue_211.mpr",  # version 0, EC-Lab >= 11.50
    "jdb11-1_c3_gcpl_5cycles_2V-3p8V_C-24_data_C09.mpr",  # version 3
]


@pytest.fixture(scope="module")
def cyclers(shared_data: Path) -> Path:
    return shared_data / "cyclers"


def _galvani(path: Path):  # type: ignore[no-untyped-def]
    from galvani import BioLogic

    return BioLogic.MPRfile(str(path))


@pytest.mark.parametrize("name", MPR)
def test_raw_columns_equal_galvani(name: str, cyclers: Path) -> None:
    g = _galvani(cyclers / name)
    ours, start = bl.mpr_columns(cyclers / name)
    assert start == g.timestamp.isoformat()
    names = [n for n in g.data.dtype.names if n != "flags"] + list(g.flags_dict)
    assert sorted(ours) == sorted(names)
    for n in g.data.dtype.names:
        if n == "flags":
            continue
        a, b = g.data[n], ours[n]
        assert len(b) == len(a) == int(g.npts[0])
        if n in bl._MPR_USED and a.dtype.kind == "f":
            assert b.dtype == np.float64  # float32 widened exactly
        else:
            assert b.dtype == a.dtype, n
        np.testing.assert_array_equal(b.astype(np.float64), a.astype(np.float64), err_msg=n)
    for f in g.flags_dict:  # mode bits, ox/red, error, ...
        np.testing.assert_array_equal(ours[f].astype(int), g.get_flag(f).astype(int), err_msg=f)
    assert set(np.unique(ours["mode"])) <= {1, 2, 3}


@pytest.mark.parametrize("name", MPR)
def test_table_follows_galvani_raw_columns(name: str, cyclers: Path) -> None:
    """time, voltage, current against galvani's raw columns; each active step's capacity
    against the instrument's own charge counter dq summed over the step's intervals."""
    g = _galvani(cyclers / name).data
    df = read(cyclers / name).data
    t = g["time/s"].astype(np.float64)
    np.testing.assert_array_equal(df["time_s"].to_numpy(), t - t[0])
    np.testing.assert_array_equal(df["voltage_V"].to_numpy(), g["Ewe/V"].astype(np.float64))
    mode = g["flags"] & 3
    i = df["current_A"].to_numpy()
    if "I/mA" in g.dtype.names:
        np.testing.assert_array_equal(i, g["I/mA"].astype(np.float64) * 1e-3)
    else:  # galvanostatic points carry the set current
        cc = mode == 1
        np.testing.assert_allclose(i[cc], g["control/V/mA"][cc] * 1e-3, rtol=1e-6)
    assert np.all(i[mode == 3] == 0.0)
    dq = g["dq/mA.h"].astype(np.float64) * 1e-3
    checked = 0
    for _, s in df.groupby("step", sort=False):
        if str(s["step_type"].iat[0]) not in ("charge", "discharge") or len(s) < 20:
            continue
        idx = s.index.to_numpy()
        q_dq = abs(dq[idx].sum())
        assert s["capacity_Ah"].iat[-1] == pytest.approx(q_dq, rel=1e-6, abs=1e-12)
        checked += 1
    assert checked > 0


def test_unknown_column_id_is_sized_from_the_record_and_named(
    cyclers: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With 'P/W' (id 70) unknown to our table, its size comes from the record length:
    every other column is read (the same table) and the unknown one is named."""
    path = cyclers / MPR[3]
    ref = read(path).data
    table = {k: v for k, v in mpr._COLUMN_IDS.items() if k != 70}
    monkeypatch.setattr(mpr, "_COLUMN_IDS", table)
    out = read(path)
    assert out.meta["start_time"] == "2020-10-26T12:49:58"
    assert out.meta["unread_columns"] == ["id 70 (4 bytes)"]
    assert out.data.equals(ref)


def _data_module(raw: bytes) -> int:
    """Offset of the 'VMP data' module's body (the new 59-byte header follows b'MODULE')."""
    at = raw.index(b"MODULEVMP data")
    new = raw[at + 6 + 35 : at + 6 + 39] == b"\xff\xff\xff\xff"
    return at + 6 + (59 if new else 51)


def test_damaged_containers_name_the_place(cyclers: Path, tmp_path: Path) -> None:
    raw = (cyclers / MPR[0]).read_bytes()
    p = tmp_path / "x.mpr"

    def err(data: bytes) -> str:
        p.write_bytes(data)
        with pytest.raises(NakcellFileError) as e:
            read(p, format="biologic_mpr")
        assert str(e.value).startswith(str(p))
        return str(e.value)

    assert "byte 0" in err(b"BIO-LOGIC MODULAR FILE\x1a" + b"x" * 60)
    body = _data_module(raw)
    assert "'VMP data'" in err(raw[: body + 5000]) and f"byte {body}" in err(raw[: body + 5000])
    assert "'MODULE'" in err(raw[:-10] + b"garbage-garbage")
    # the point count no longer matches the bytes of records
    n = struct.unpack_from("<I", raw, body)[0]
    bad = raw[:body] + struct.pack("<I", n + 1) + raw[body + 4 :]
    assert "points of 61 bytes" in err(bad)
    # an unknown data-module version
    at = raw.index(b"MODULEVMP data")
    ver = at + 6 + 35 + 8  # new header: max length, length, version
    bad = raw[:ver] + struct.pack("<I", 7) + raw[ver + 4 :]
    assert "version 7" in err(bad)


def test_unknown_id_that_galvani_does_not_know_either(cyclers: Path, tmp_path: Path) -> None:
    """An id no reader knows (60000) in place of 'P/W': read all the same, and named."""
    ref = read(cyclers / MPR[3]).data
    raw = bytearray((cyclers / MPR[3]).read_bytes())  # version 3: u2 ids from byte 5
    body = _data_module(bytes(raw))
    struct.pack_into("<H", raw, body + 5 + 2 * 15, 60000)  # the last id, 'P/W'
    p = tmp_path / "unknown.mpr"
    p.write_bytes(bytes(raw))
    out = read(p)
    assert out.meta["unread_columns"] == ["id 60000 (4 bytes)"]
    assert out.data.equals(ref)


class _HangError(Exception):
    pass


def _alarm(signum: int, frame: object) -> None:
    raise _HangError("reader ran over 30 s")


def test_header_bytes_fuzzed(cyclers: Path, tmp_path: Path) -> None:
    """Bit flips aimed at the module headers and the data-module header (where lengths,
    versions, counts and column ids live) of a version-3 file cut to 2000 records."""
    raw = (cyclers / MPR[3]).read_bytes()
    body = _data_module(raw)
    n_rec, rec = 2000, 53
    cut = bytearray(raw[: body + 406 + n_rec * rec])
    struct.pack_into("<I", cut, body, n_rec)
    length_at = raw.index(b"MODULEVMP data") + 6 + 35  # old header: length u4
    struct.pack_into("<I", cut, length_at, 406 + n_rec * rec)
    seed = bytes(cut)
    assert read_bytes(tmp_path / "seed.mpr", seed).n_points == n_rec
    heads = [0, *(k for k in range(len(seed)) if seed.startswith(b"MODULE", k))]
    hot = sorted({min(k + d, len(seed) - 1) for k in heads for d in range(80)})
    hot += list(range(body, body + 410))

    @settings(
        max_examples=60,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(flips=st.lists(st.tuples(st.sampled_from(hot), st.integers(0, 7)), max_size=6))
    def run(flips: list[tuple[int, int]]) -> None:
        b = bytearray(seed)
        for pos, bit in flips:
            b[pos] ^= 1 << bit
        old = signal.signal(signal.SIGALRM, _alarm)
        signal.alarm(30)
        try:
            out = read_bytes(tmp_path / "flip.mpr", bytes(b))
            assert isinstance(out, CyclerData)
        except NakcellFileError as exc:
            assert str(exc).startswith(str(tmp_path / "flip.mpr"))
        finally:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, old)

    run()


def read_bytes(path: Path, data: bytes) -> CyclerData:
    path.write_bytes(data)
    return read(path, format="biologic_mpr")


@pytest.mark.parametrize("chunk", [1 << 16, 386])  # 386: a piece ends between \r and \n
@pytest.mark.parametrize("eol", [b"\r\n", b"\r"])
def test_mpt_line_ends_and_header_read_in_pieces(
    eol: bytes, chunk: int, cyclers: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """EC-Lab writes CRLF; the shared copy has LF. Any line end gives the same table, also
    when the header is read in pieces that split a '\\r\\n'. (The LF table itself is checked
    against the .mpr of the same measurement in test_data_readers.)"""
    src = cyclers / "gcpl.issue_211.mpt"
    ref = read(src).data
    p = tmp_path / "x.mpt"
    p.write_bytes(src.read_bytes().replace(b"\n", eol))
    monkeypatch.setattr(bl, "_MPT_CHUNK", chunk)
    out = read(p)
    assert out.data.equals(ref)
    assert out.meta["start_time"] == "2025-05-28T14:23:16.145000"


@pytest.mark.parametrize("chunk", [386, 1000, 1 << 16])
@pytest.mark.parametrize("eol", [b"\n", b"\r\n", b"\r"])
def test_mpt_line_starts_match_a_whole_file_split(
    eol: bytes, chunk: int, cyclers: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The piecewise header scan finds the same line starts as splitting the whole file."""
    import io
    import re

    data = (cyclers / "gcpl.issue_211.mpt").read_bytes().replace(b"\n", eol)
    ref = [0, *(m.end() for m in re.finditer(rb"\r\n|\n|\r", data))][:81]
    monkeypatch.setattr(bl, "_MPT_CHUNK", chunk)
    f = io.BytesIO(data)
    offsets, _ = bl._line_starts(f, f.read(chunk), 80)
    assert offsets == ref


def test_mpr_settings_agree_with_the_mpt_header_of_the_same_run(cyclers: Path) -> None:
    """The .mpt export of gcpl.issue_211 prints 'Run on channel : 8', 'Mass of active
    material : 0.790 mg' and 'Electrode surface area : 0.001 cm2' (EC-Lab's blank value):
    the .mpr's binary settings must say the same."""
    mpr = read(cyclers / "gcpl.issue_211.mpr").meta
    header = (cyclers / "gcpl.issue_211.mpt").read_bytes()[:4000].decode("latin-1")
    assert "Mass of active material : 0.790 mg" in header
    assert "Electrode surface area : 0.001 cm" in header
    assert "Run on channel : 8 " in header
    assert mpr["active_mass_kg"] == pytest.approx(0.790e-6, rel=1e-9)
    assert "area_m2" not in mpr  # 0.001 cm2 is the blank field, not an area
    assert mpr["channel"] == "8"
    assert read(cyclers / "gcpl.issue_211.mpt").meta["channel"] == "8"


@pytest.mark.parametrize(("name", "channel"), [(MPR[0], "1"), (MPR[3], "9")])
def test_mpr_channel_matches_the_c_number_ec_lab_puts_in_the_file_name(
    name: str, channel: str, cyclers: Path
) -> None:
    assert name.removesuffix(".mpr").endswith(f"_C{int(channel):02d}")
    assert read(cyclers / name).meta["channel"] == channel
