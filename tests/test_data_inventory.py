"""Every file in tests/data has its provenance and a test.

The suite is self-contained: the real files it reads live in tests/data, each folder with a
PROVENANCE.md giving every file's source and licence. A file nobody tests, or whose source is
not written down, fails here (one rule for every reader's files, instead of a list per test
module).
"""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent / "data"
TESTS = Path(__file__).resolve().parent


def _data_files() -> list[Path]:
    return sorted(p for p in DATA.rglob("*") if p.is_file() and p.name != "PROVENANCE.md")


def _provenance_text(p: Path) -> str:
    """Text of every PROVENANCE.md from the file's folder up to tests/data."""
    texts = []
    d = p.parent
    while True:
        f = d / "PROVENANCE.md"
        if f.is_file():
            texts.append(f.read_text(encoding="utf-8"))
        if d == DATA:
            break
        d = d.parent
    return "\n".join(texts)


def _test_sources() -> str:
    return "\n".join(
        f.read_text(encoding="utf-8") for f in TESTS.rglob("*.py") if f.name != Path(__file__).name
    )


def test_data_folder_has_files() -> None:
    assert len(_data_files()) >= 30


@pytest.mark.parametrize("path", _data_files(), ids=lambda p: str(p.relative_to(DATA)))
def test_every_data_file_has_provenance(path: Path) -> None:
    text = _provenance_text(path)
    # a file is named in its folder's PROVENANCE.md, or its sub-folder is (e.g. reference
    # tables derived from a named source file)
    names = {path.name, path.stem, path.parent.name}
    assert any(n in text for n in names), f"{path.relative_to(DATA)} is not in a PROVENANCE.md"


@pytest.mark.parametrize("path", _data_files(), ids=lambda p: str(p.relative_to(DATA)))
def test_every_data_file_is_read_by_a_test(path: Path) -> None:
    src = _test_sources()
    names = {path.name, path.stem, path.parent.name if path.parent != DATA else path.name}
    assert any(n in src for n in names), f"no test names {path.relative_to(DATA)}"
