"""Fuzzing every reader with damaged input: truncated, bit-flipped, empty and wrong-format
files must give a CyclerData or a NakcellFileError, never another exception or a hang."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nakcell.cli.data import metrics_report
from nakcell.errors import NakcellFileError
from nakcell.io import COLUMNS, FORMATS, CyclerData, read

HANG_S = 30  # a reader taking longer than this on a small file counts as hung

# format -> (seed file in tests/data/cyclers, lines to keep for text seeds, examples)
SEEDS: dict[str, tuple[str, int | None, int]] = {
    "biologic_mpr": ("00_test_04_MB_C01.mpr", None, 40),
    "biologic_mpt": ("gcpl.issue_211.mpt", 200, 40),
    "neware_nda": ("TestFile.nda", None, 40),
    "neware_ndax": ("test.ndax", None, 40),
    "arbin_res": ("arbin_example.res", None, 25),
    "arbin_xlsx": ("bs542_004_gr_li_50ua_50mv_1v_191020_Channel_11.xlsx", None, 25),
    "land_xlsx": ("NJK_CC_156_C30_C_x30.xlsx", None, 12),
    "maccor_txt": ("maccor_002.txt", 120, 40),
    "arbin_csv": ("20160805_sic006_45_cc_01_rawdata.csv", 120, 40),
    "neware_bts_csv": ("neware_uio.csv", 120, 40),
    "neware_bts_xlsx": ("neware_uio_head_record.xlsx", None, 12),
    "csv": ("", None, 40),
}


@pytest.fixture(scope="module")
def seeds(shared_data: Path) -> dict[str, bytes]:
    out = {}
    for fmt, (name, lines, _) in SEEDS.items():
        if fmt == "csv":
            t = np.arange(50.0)
            rows = [f"{a},{1e-3 * (1 if a < 25 else -1)},{3 + a / 100}" for a in t]
            out[fmt] = ("time_s,current_A,voltage_V\n" + "\n".join(rows) + "\n").encode()
            continue
        raw = (shared_data / "cyclers" / name).read_bytes()
        if lines is not None:
            raw = b"\n".join(raw.split(b"\n")[:lines]) + b"\n"
        out[fmt] = raw
    assert set(out) == set(FORMATS), "every reader needs a fuzz seed"
    return out


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


class _HangError(Exception):
    pass


def _alarm(signum: int, frame: object) -> None:
    raise _HangError(f"reader ran over {HANG_S} s")


def _check(path: Path, data: bytes, fmt: str | None = None) -> None:
    path.write_bytes(data)
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(HANG_S)
    try:
        out = read(path, format=fmt)
        assert isinstance(out, CyclerData)
        assert list(out.data.columns) == list(COLUMNS)
        # what `nakcell data metrics` computes must survive whatever was read
        metrics_report(path, area_m2=1e-4, mass_kg=1e-6, mapping=None)
    except NakcellFileError as exc:
        assert str(exc).startswith(str(path)), "the error names the file"
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def _ext(fmt: str) -> str:
    return {
        "biologic_mpr": ".mpr",
        "biologic_mpt": ".mpt",
        "neware_nda": ".nda",
        "neware_ndax": ".ndax",
        "arbin_res": ".res",
        "arbin_xlsx": ".xlsx",
        "land_xlsx": ".xlsx",
        "maccor_txt": ".txt",
        "arbin_csv": ".csv",
        "neware_bts_csv": ".csv",
        "neware_bts_xlsx": ".xlsx",
        "csv": ".csv",
    }[fmt]


def _cases() -> Iterator[tuple[str, int]]:
    for fmt, (_, _, n) in SEEDS.items():
        yield fmt, n


@pytest.mark.parametrize(("fmt", "n"), list(_cases()))
def test_truncated(fmt: str, n: int, seeds: dict[str, bytes], scratch: Path) -> None:
    raw = seeds[fmt]

    @settings(max_examples=n, deadline=None, derandomize=True, database=None)
    @given(cut=st.integers(min_value=0, max_value=len(raw) - 1))
    def run(cut: int) -> None:
        _check(scratch / f"trunc{_ext(fmt)}", raw[:cut])

    run()


@pytest.mark.parametrize(("fmt", "n"), list(_cases()))
def test_bit_flipped(fmt: str, n: int, seeds: dict[str, bytes], scratch: Path) -> None:
    raw = seeds[fmt]

    @settings(
        max_examples=n,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(
        flips=st.lists(
            st.tuples(
                # half the flips land in the first 4 kB, where headers and lengths live
                st.one_of(st.integers(0, min(4095, len(raw) - 1)), st.integers(0, len(raw) - 1)),
                st.integers(0, 7),
            ),
            min_size=1,
            max_size=16,
        )
    )
    def run(flips: list[tuple[int, int]]) -> None:
        b = bytearray(raw)
        for pos, bit in flips:
            b[pos] ^= 1 << bit
        _check(scratch / f"flip{_ext(fmt)}", bytes(b))

    run()


@pytest.mark.parametrize("fmt", sorted(SEEDS))
def test_empty_and_wrong_format(fmt: str, seeds: dict[str, bytes], scratch: Path) -> None:
    empty = scratch / f"empty{_ext(fmt)}"
    empty.write_bytes(b"")
    with pytest.raises(NakcellFileError):
        read(empty)
    with pytest.raises(NakcellFileError):
        read(empty, format=fmt)
    # every other format's bytes forced through this reader
    for other, raw in seeds.items():
        if other != fmt:
            _check(scratch / f"wrong{_ext(fmt)}", raw[:200_000], fmt)


_MAGIC = [
    b"BIO-LOGIC MODULAR FILE",
    b"NEWARE",
    b"EC-Lab ASCII FILE\n",
    b"\x00\x01\x00\x00Standard Jet DB",
    b"PK\x03\x04",
    b"Today's Date",
]


def test_magic_bytes_followed_by_garbage(scratch: Path) -> None:
    @settings(max_examples=40, deadline=None, derandomize=True, database=None)
    @given(head=st.sampled_from(_MAGIC), tail=st.binary(max_size=2000))
    def run(head: bytes, tail: bytes) -> None:
        _check(scratch / "magic.bin", head + tail)

    run()


@pytest.mark.parametrize("fmt", ["neware_nda", "neware_ndax"])
def test_neware_seeds_reach_nakcell_decoder(
    fmt: str, seeds: dict[str, bytes], scratch: Path
) -> None:
    """The Neware seeds above are decoded by nakcell's own parser (not the NewareNDA
    fallback), so the truncation and flip cases exercise it; flips inside the compressed
    .ndax mostly stop at the zip CRC, so tests/test_data_neware.py also fuzzes the .ndc
    members themselves."""
    p = scratch / f"seed{_ext(fmt)}"
    p.write_bytes(seeds[fmt])
    assert read(p).meta["reader"] == "nakcell"


# the reader paths issue 17 added, each from a real file of tests/data/cyclers/public:
# decimal commas, 'Nd hh:mm:ss' durations with milli-unit headers and blank lines, a
# .mpr whose unknown column ids are sized from the record, a .mpr with an mm2 area
EXTRA_SEEDS: dict[str, tuple[str, int | None]] = {
    "cellpy_maccor_two.txt": (None, 60),
    "cellpy_maccor_three.txt": (None, 150),
    "gcpl.issue_230.cut3000.mpr": (None, None),
    "gcpl.issue_226.CxN.mpr": (None, None),
    "ca.issue_149.mpt": (None, None),  # decimal commas
}


@pytest.mark.parametrize("name", sorted(EXTRA_SEEDS))
def test_issue17_paths_truncated_and_flipped(name: str, shared_data: Path, scratch: Path) -> None:
    raw = (shared_data / "cyclers" / "public" / name).read_bytes()
    lines = EXTRA_SEEDS[name][1]
    if lines is not None:
        raw = b"\n".join(raw.split(b"\n")[:lines]) + b"\n"
    ext = Path(name).suffix
    _check(scratch / f"seed17{ext}", raw)  # the seed itself reads

    @settings(
        max_examples=30,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(
        cut=st.integers(0, len(raw) - 1),
        flips=st.lists(
            st.tuples(st.integers(0, min(4095, len(raw) - 1)), st.integers(0, 7)), max_size=8
        ),
    )
    def run(cut: int, flips: list[tuple[int, int]]) -> None:
        b = bytearray(raw)
        for pos, bit in flips:
            b[pos] ^= 1 << bit
        _check(scratch / f"f17{ext}", bytes(b))
        _check(scratch / f"t17{ext}", raw[:cut])

    run()


@pytest.mark.parametrize("name", ["cellpy_maccor_two.txt", "gcpl.issue_230.cut3000.mpr"])
def test_import_of_damaged_files_is_stored_quarantined_or_refused(
    name: str, shared_data: Path, scratch: Path
) -> None:
    """`data import` on cut files: each is 'imported', 'quarantined' (rows without time,
    voltage or current set aside) or an 'error' with a reason; nothing else escapes, and
    no stored point lacks time, voltage or current."""
    import duckdb

    from nakcell.store.lab import import_files

    raw = (shared_data / "cyclers" / "public" / name).read_bytes()
    db = scratch / f"fuzz_{name}.duckdb"

    @settings(max_examples=12, deadline=None, derandomize=True, database=None)
    @given(cut=st.integers(0, len(raw) - 1))
    def run(cut: int) -> None:
        p = scratch / f"imp{cut}{Path(name).suffix}"
        p.write_bytes(raw[:cut])
        (res,) = import_files(db, [p])
        assert res.status in ("imported", "quarantined", "duplicate", "error")
        assert res.status != "error" or res.error

    run()
    con = duckdb.connect(str(db))
    bad = con.execute(
        "SELECT count(*) FROM points WHERE time_s IS NULL OR voltage_V IS NULL OR "
        "current_A IS NULL OR isnan(time_s) OR isnan(voltage_V) OR isnan(current_A)"
    ).fetchone()
    con.close()
    assert bad == (0,)
