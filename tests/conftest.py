"""Shared fixtures. Real data live in ../shared/data beside the checkout; tests that need
them fail (never skip) when the folder is absent."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """Path to ../shared/data; fails loudly when it is missing."""
    if not SHARED_DATA.is_dir():
        pytest.fail(f"shared data not found at {SHARED_DATA}: CI must have it beside the checkout")
    return SHARED_DATA


@pytest.fixture(scope="session")
def chgnet():
    """CHGNet 0.3.0 from the weights inside its wheel (loaded once per session)."""
    from nakcell.atomistic.calculators import get_calculator

    return get_calculator("chgnet")


@pytest.fixture()
def tmp_cache(tmp_path, monkeypatch):
    """A fresh, empty result cache for one test."""
    monkeypatch.setenv("NAKCELL_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"
