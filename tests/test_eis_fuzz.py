"""Fuzzing the EIS readers: truncated, bit-flipped, line-shuffled and token-replaced copies
of one real file per format must give a Spectrum or a NakcellError naming the file, never
another exception or a hang; whatever is read must then survive the CLI's fit/DRT path."""

from __future__ import annotations

import signal
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nakcell.eis import Spectrum, read
from nakcell.errors import NakcellError

HANG_S = 30

# format -> (real file in tests/data/eis, lines kept for text seeds, examples per strategy)
SEEDS: dict[str, tuple[str, int | None, int]] = {
    "chi": ("impedancepy_exampleDataCHInstruments.txt", 40, 30),
    "autolab_z60w": ("impedancepy_exampleDataAutolab.txt", 30, 30),
    "parstat": ("impedancepy_exampleDataParstat.txt", None, 20),
    "versastudio": ("impedancepy_exampleDataVersaStudio.par", None, 30),
    "powersuite": ("impedancepy_exampleDataPowersuite.txt", None, 30),
    "zplotw": ("impedancepy_exampleDataZPlot_noComments.z", None, 30),
    "zplot2": ("impedancepy_exampleDataZPlot.z", None, 20),
    "gamry": ("impedancepy_exampleDataGamryABORT.DTA", None, 20),
    "mpt_geis_dc": ("yadg_geis_loops1-2.mpt", 120, 20),
    "relaxis": ("hybriddrt_PEIS_LPSCl_IonBlocking_-25C_RelaxIS.txt", None, 20),
    "mpr": ("yadg_peis.mpr", None, 20),
    "csv": ("impedancepy_exampleData.csv", None, 20),
}


@pytest.fixture(scope="module")
def seeds(shared_data: Path) -> dict[str, bytes]:
    out = {}
    for fmt, (name, lines, _) in SEEDS.items():
        raw = (shared_data / "eis" / name).read_bytes()
        if lines is not None:
            raw = b"\n".join(raw.split(b"\n")[:lines]) + b"\n"
        out[fmt] = raw
    return out


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("eisfuzz")


class _HangError(Exception):
    pass


def _alarm(signum: int, frame: object) -> None:
    raise _HangError(f"reader ran over {HANG_S} s")


def _check(path: Path, data: bytes) -> None:
    path.write_bytes(data)
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(HANG_S)
    try:
        s = read(path)
        assert isinstance(s, Spectrum)
        assert np.all(s.frequency_Hz > 0) and np.all(np.isfinite(s.Z_ohm))
    except NakcellError as exc:
        assert str(exc).startswith(str(path)), "the error names the file"
        assert "\n" not in str(exc).strip(), "one line"
        assert "could not parse (" not in str(exc), str(exc)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def _name(fmt: str) -> str:
    return "f" + Path(SEEDS[fmt][0]).suffix


CASES = [(fmt, n) for fmt, (_, _, n) in SEEDS.items()]
SLOW = [HealthCheck.too_slow, HealthCheck.data_too_large]


@pytest.mark.parametrize(("fmt", "n"), CASES)
def test_truncated(fmt: str, n: int, seeds: dict[str, bytes], scratch: Path) -> None:
    raw = seeds[fmt]

    @settings(max_examples=n, deadline=None, derandomize=True, database=None)
    @given(cut=st.integers(min_value=0, max_value=len(raw) - 1))
    def run(cut: int) -> None:
        _check(scratch / _name(fmt), raw[:cut])

    run()


@pytest.mark.parametrize(("fmt", "n"), CASES)
def test_bit_flipped(fmt: str, n: int, seeds: dict[str, bytes], scratch: Path) -> None:
    raw = seeds[fmt]

    @settings(
        max_examples=n, deadline=None, derandomize=True, database=None, suppress_health_check=SLOW
    )
    @given(
        flips=st.lists(
            st.tuples(st.integers(0, len(raw) - 1), st.integers(0, 7)), min_size=1, max_size=12
        )
    )
    def run(flips: list[tuple[int, int]]) -> None:
        b = bytearray(raw)
        for pos, bit in flips:
            b[pos] ^= 1 << bit
        _check(scratch / _name(fmt), bytes(b))

    run()


TOKENS = ["", "nan", "inf", "-1", "0", "1e400", "abc", ",", ";", "\t", '"', "0,5", "-0", "1e-320"]


@pytest.mark.parametrize(("fmt", "n"), [c for c in CASES if c[0] != "mpr"])
def test_lines_dropped_duplicated_and_tokens_replaced(
    fmt: str, n: int, seeds: dict[str, bytes], scratch: Path
) -> None:
    lines = seeds[fmt].split(b"\n")

    @settings(
        max_examples=n, deadline=None, derandomize=True, database=None, suppress_health_check=SLOW
    )
    @given(
        ops=st.lists(
            st.tuples(
                st.sampled_from(["drop", "dup", "token"]),
                st.integers(0, len(lines) - 1),
                st.sampled_from(TOKENS),
            ),
            min_size=1,
            max_size=6,
        )
    )
    def run(ops: list[tuple[str, int, str]]) -> None:
        out = list(lines)
        for op, i, tok in ops:
            i = min(i, len(out) - 1)
            if op == "drop" and len(out) > 1:
                del out[i]
            elif op == "dup":
                out.insert(i, out[i])
            else:
                parts = out[i].split(b",") if b"," in out[i] else out[i].split(b"\t")
                parts[len(parts) // 2] = tok.encode()
                out[i] = (b"," if b"," in out[i] else b"\t").join(parts)
        _check(scratch / _name(fmt), b"\n".join(out))

    run()


@settings(max_examples=60, deadline=None, derandomize=True, database=None)
@given(
    header=st.lists(
        st.sampled_from(
            [
                "f",
                "Frequency (Hz)",
                "freq/kHz",
                "z_real_ohm",
                "-Z'' (Ω)",
                "Zim",
                "|Z|/Ohm",
                "Phase(Z)/deg",
                "phase",
                "-Phase (°)",
                "Index",
                "Time (s)",
                "Z' [mOhm]",
            ]
        ),
        min_size=1,
        max_size=6,
    ),
    values=st.lists(
        st.lists(st.floats(allow_nan=True, allow_infinity=True, width=32), min_size=1, max_size=6),
        min_size=0,
        max_size=6,
    ),
    delim=st.sampled_from([",", ";", "\t", " "]),
)
def test_random_headers_and_values(
    header: list[str],
    values: list[list[float]],
    delim: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    body = "\n".join(delim.join(repr(v) for v in row) for row in values)
    path = tmp_path_factory.mktemp("hdr") / "h.csv"
    _check(path, (delim.join(header) + "\n" + body + "\n").encode("utf-8"))
