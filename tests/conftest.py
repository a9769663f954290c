"""Shared fixtures: the real catalog and a fresh DuckDB file per test."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
sys.path.insert(0, str(ROOT))


@pytest.fixture(scope="session")
def catalog():
    from metrics.catalog import default_catalog

    return default_catalog()


@pytest.fixture
def db_path(tmp_path, monkeypatch) -> Path:
    """A fresh database file; also set as PARKDASH_DB so the CLI and pages use it."""
    path = tmp_path / "parks.duckdb"
    monkeypatch.setenv("PARKDASH_DB", str(path))
    return path


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES


def python_env(db: Path) -> dict:
    """Environment for a subprocess running the CLI against `db`."""
    env = dict(os.environ)
    env["PARKDASH_DB"] = str(db)
    env["PYTHONPATH"] = str(ROOT)
    return env
