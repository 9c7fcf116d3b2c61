"""Maccor text exports: the table against the raw text columns split by hand here, the two
parsers of ``nakcell.io.maccor`` (plain Python for small plain files, pandas otherwise)
against each other, and the damaged-but-readable layouts real exports show (repeated
header lines, blank lines, rows with or without a trailing tab, stray latin-1 bytes,
missing columns, a cut last row)."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import nakcell.io.maccor as maccor
from nakcell.errors import NakcellFileError
from nakcell.io import read

SMALL = "maccor_example.001"  # 8 rows, CRLF, MIMS layout, 'Test (Min)'
LARGE = "maccor_002.txt"  # 7446 rows, LF, MacTest layout, time unit from the wall clock


@pytest.fixture(scope="module")
def raw(shared_data: Path) -> dict[str, bytes]:
    d = shared_data / "cyclers"
    return {name: (d / name).read_bytes() for name in (SMALL, LARGE)}


def _split(raw: bytes) -> tuple[bytes, list[bytes], bytes]:
    """Header block up to and including the 'Rec' line, the data lines, the line end."""
    eol = b"\r\n" if b"\r\n" in raw[:4096] else b"\n"
    lines = raw.split(eol)
    h = next(k for k, ln in enumerate(lines) if ln.startswith((b"Rec\t", b"Rec#\t")))
    return eol.join(lines[: h + 1]) + eol, lines[h + 1 :], eol


def _by_hand(raw: bytes) -> dict[str, np.ndarray]:
    """Voltage, signed current and state of every data row, split from the text here."""
    head, lines, _ = _split(raw)
    names = [c.strip() for c in head.decode("latin-1").splitlines()[-1].split("\t")]
    iv = names.index("Volts" if "Volts" in names else "Voltage [V]")
    ii = names.index("Amps" if "Amps" in names else "Current [A]")
    ist = names.index("State" if "State" in names else "Md")
    v, i, state = [], [], []
    for ln in lines:
        f = ln.decode("latin-1").rstrip("\r").split("\t")
        if not f[0].strip().isdigit():
            continue
        s = f[ist].strip()
        sign = {"D": -1.0, "R": 0.0}.get(s, 1.0)
        v.append(float(f[iv]))
        i.append(sign * abs(float(f[ii])))
        state.append({"R": "rest", "C": "charge", "D": "discharge"}.get(s, "other"))
    return {"voltage_V": np.array(v), "current_A": np.array(i), "step_type": np.array(state)}


def _read(path: Path, pandas_only: bool, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    with monkeypatch.context() as m:
        if pandas_only:
            m.setattr(maccor, "_parse_small", lambda *args: None)
        return maccor.read_text(path)


@pytest.mark.parametrize("name", [SMALL, LARGE])
def test_columns_equal_the_text_split_by_hand(
    name: str, raw: dict[str, bytes], shared_data: Path
) -> None:
    d = read(shared_data / "cyclers" / name)
    ref = _by_hand(raw[name])
    assert d.n_points == len(ref["voltage_V"])
    np.testing.assert_array_equal(d.data["voltage_V"], ref["voltage_V"])
    np.testing.assert_array_equal(d.data["current_A"], ref["current_A"])
    np.testing.assert_array_equal(d.data["step_type"].astype(str), ref["step_type"])


def test_small_file_takes_the_plain_python_parser(raw: dict[str, bytes], tmp_path: Path) -> None:
    """So that the comparisons below compare two parsers, not pandas with itself."""
    p = tmp_path / "small.001"
    p.write_bytes(raw[SMALL])
    head, _, _ = _split(raw[SMALL])
    names = [c.strip() for c in head.decode("latin-1").splitlines()[-1].split("\t")]
    idx = {
        k: next((names.index(a) for a in al if a in names), None)
        for k, al in maccor._ALIASES.items()
    }
    assert maccor._parse_small(raw[SMALL][len(head) :], idx) is not None


def _col(head: bytes, *names: str) -> int:
    cols = [c.strip() for c in head.decode("latin-1").splitlines()[-1].split("\t")]
    return next(cols.index(n) for n in names if n in cols)


def _variants(raw: bytes) -> dict[str, bytes]:
    """The first 40 data rows of a real export (all 8 of the small one), and the same rows
    damaged in known ways."""
    head, lines, eol = _split(raw)
    rows = [ln for ln in lines if ln.strip()][:40]
    rec_line = head.split(eol)[-2]
    time, state = _col(head, "TestTime", "Test (Min)"), _col(head, "Md", "State")
    current = _col(head, "Current [A]", "Amps")
    last = len(rows[3].split(b"\t")) - 2  # a column the reader does not use

    def edit(k: int, **fields: bytes) -> bytes:
        out = list(rows)
        f = out[k].split(b"\t")
        for col, value in fields.items():
            f[{"time": time, "state": state, "current": current, "last": last}[col]] = value
        out[k] = b"\t".join(f)
        return head + eol.join(out) + eol

    plain = head + eol.join(rows) + eol
    return {
        "plain": plain,
        "repeated_header": head + eol.join([*rows[:5], rec_line, *rows[5:]]) + eol,
        "blank_lines": head + eol + eol.join([*rows[:5], b"", b"", *rows[5:]]) + eol + eol,
        "no_trailing_tab": head + eol.join(r.rstrip(b"\t") for r in rows) + eol,
        "trailing_tab": head + eol.join(r.rstrip(b"\t") + b"\t" for r in rows) + eol,
        "LF": (head + eol.join(rows) + eol).replace(b"\r\n", b"\n"),
        "cut_last_row": plain[: -(len(rows[-1]) // 2) - len(eol)],
        "latin1_in_text_field": edit(3, last=b"\xff\xe9"),
        "latin1_in_number": edit(3, time=b"1.0\xb5"),
        "text_in_number": edit(3, time=b"n/a"),
        "NA_number": edit(3, time=b"NA"),
        "empty_state": edit(2, state=b"", current=b"0.5"),
        "quote_in_field": edit(4, last=b'"x"'),
        "no_number_rows": head + eol.join([rec_line, b"", rec_line]) + eol,
    }


@pytest.mark.parametrize("name", [SMALL, LARGE])
def test_python_and_pandas_parsers_agree(
    name: str, raw: dict[str, bytes], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for kind, data in _variants(raw[name]).items():
        p = tmp_path / f"{kind}.txt"
        p.write_bytes(data)
        results = []
        for pandas_only in (False, True):
            try:
                d = _read(p, pandas_only, monkeypatch)
                results.append((d.data, d.meta))
            except NakcellFileError as exc:
                results.append((None, str(exc)))
        (a, ma), (b, mb) = results
        if a is None or b is None:
            assert a is None and b is None, kind
            continue
        pd.testing.assert_frame_equal(a, b, check_exact=True, obj=kind)
        assert ma == mb, kind


@pytest.mark.parametrize("name", [SMALL, LARGE])
def test_damaged_layouts_read_as_the_plain_rows(
    name: str, raw: dict[str, bytes], tmp_path: Path
) -> None:
    variants = _variants(raw[name])

    def table(kind: str) -> pd.DataFrame:
        p = tmp_path / f"{kind}.txt"
        p.write_bytes(variants[kind])
        return read(p, format="maccor_txt").data

    plain = table("plain")
    n = len(plain)
    assert n == min(40, len(_by_hand(raw[name])["voltage_V"]))
    for kind in ("repeated_header", "blank_lines", "no_trailing_tab", "trailing_tab", "LF"):
        pd.testing.assert_frame_equal(table(kind), plain, check_exact=True, obj=kind)
    # a stray byte outside the numbers changes nothing; inside one, that value is NaN
    pd.testing.assert_frame_equal(table("latin1_in_text_field"), plain, check_exact=True)
    for kind in ("latin1_in_number", "text_in_number", "NA_number"):
        t = table(kind)
        assert np.isnan(t["time_s"].iat[3]), kind
        pd.testing.assert_frame_equal(t.drop(columns="time_s"), plain.drop(columns="time_s"))
    # the row cut in half keeps its first fields
    cut = table("cut_last_row")
    assert len(cut) == n
    assert cut["cycle"].iat[-1] == plain["cycle"].iat[-1]
    # a row without a state letter is 'other', its current left as written (unsigned)
    t = table("empty_state")
    assert t["step_type"].iat[2] == "other"
    assert t["current_A"].iat[2] == 0.5
    with pytest.raises(NakcellFileError, match="no data rows"):
        table("no_number_rows")


def test_fewer_columns(raw: dict[str, bytes], tmp_path: Path) -> None:
    """A MIMS export without capacity, energy, step and cycle columns still reads:
    capacity integrated from the current, one cycle."""
    head, lines, eol = _split(raw[SMALL])
    names = head.split(eol)[-2].split(b"\t")
    keep = [k for k, n in enumerate(names) if n not in (b"Cyc#", b"Step", b"Amp-hr", b"Watt-hr")]
    pick = lambda ln: b"\t".join(f for k, f in enumerate(ln.split(b"\t")) if k in keep)  # noqa: E731
    hl = head.split(eol)
    data = eol.join([*hl[:-2], pick(hl[-2])] + [pick(ln) for ln in lines])
    p = tmp_path / "few.001"
    p.write_bytes(data)
    d = read(p)
    assert d.n_points == 8
    assert (d.data["cycle"] == 1).all()
    assert np.isnan(d.data["energy_Wh"]).all()
    np.testing.assert_array_equal(d.data["voltage_V"], _by_hand(raw[SMALL])["voltage_V"])


def test_damage_past_the_first_read(raw: dict[str, bytes], tmp_path: Path) -> None:
    """In a file parsed by pandas from 64 KiB reads: a repeated header line, blank lines
    and a latin-1 byte in a number 1 MB in read as in the clean file (that value NaN)."""
    head, lines, eol = _split(raw[LARGE])
    time = _col(head, "TestTime")
    rows = list(lines)
    f = rows[6000].split(b"\t")
    f[time] = f[time] + b"\xb5"
    rows[6000] = b"\t".join(f)
    rows[5000:5000] = [head.split(eol)[-2], b"", b"   "]
    p = tmp_path / "damaged.txt"
    p.write_bytes(head + eol.join(rows))
    clean, damaged = read(_write(tmp_path / "clean.txt", raw[LARGE])).data, read(p).data
    assert len(clean) == len(damaged) == 7446
    assert np.isnan(damaged["time_s"].iat[5999])  # row 6000 of the file is the 6000th row
    damaged.loc[5999, "time_s"] = clean["time_s"].iat[5999]
    pd.testing.assert_frame_equal(damaged, clean, check_exact=True)


def _write(p: Path, data: bytes) -> Path:
    p.write_bytes(data)
    return p


def test_plain_numbers_round_as_in_pandas() -> None:
    """The plain-Python parser takes numbers of at most 15 characters matching
    ``_PLAIN_NUMBER`` with ``float()``; pandas' C parser must give the same doubles."""
    rng = np.random.default_rng(5)
    text = []
    for _ in range(20000):
        digits = "".join(map(str, rng.integers(0, 10, rng.integers(1, 14))))
        dot = int(rng.integers(0, len(digits) + 1))
        s = rng.choice(["", "-", "+"]) + digits[:dot] + "." + digits[dot:]
        if rng.random() < 0.3:
            s += f"e{int(rng.integers(-99, 100))}"
        if len(s) <= 15 and maccor._PLAIN_NUMBER.fullmatch(s):
            text.append(s)
    assert len(text) > 10000
    ours = np.array([float(s) for s in text])
    theirs = pd.read_csv(io.StringIO("x\n" + "\n".join(text)), dtype={"x": np.float64})["x"]
    np.testing.assert_array_equal(ours, theirs.to_numpy())
