"""Shared fixtures. Real data live in tests/data (each folder's PROVENANCE.md gives every
file's source and licence); the suite needs nothing outside the repository."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TEST_DATA = ROOT / "tests" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """Path to tests/data (the real files the tests read, with their provenance)."""
    if not TEST_DATA.is_dir():
        pytest.fail(f"test data not found at {TEST_DATA}")
    return TEST_DATA


@pytest.fixture(scope="session")
def chgnet():
    """CHGNet 0.3.0 from the weights inside its wheel (loaded once per session)."""
    from nakcell.atomistic.calculators import get_calculator

    return get_calculator("chgnet")


@pytest.fixture()
def tmp_cache(tmp_path, monkeypatch):
    """A fresh, empty result cache for one test."""
    monkeypatch.setenv("NAKCELL_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


#: headless Chromium flags for the browser tests (Debian's /usr/bin/chromium; no download,
#: no network access of its own)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    """One Playwright-driven Chromium per test session (Debian's package, never downloaded)."""
    import shutil

    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        pytest.fail("Debian's chromium is not installed: run ./install.sh --dev")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()
