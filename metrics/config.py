"""Settings in one place: paths and limits, each overridable by an environment variable."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Setting:
    name: str
    env: str
    default: object
    help: str


SETTINGS = (
    Setting("max_file_mb", "PARKDASH_MAX_FILE_MB", 50, "largest file accepted, in MB"),
    Setting("max_files_per_upload", "PARKDASH_MAX_FILES", 20, "files in one upload"),
    Setting("max_rows_per_file", "PARKDASH_MAX_ROWS", 2_500_000, "data rows in one file (all sheets)"),
    Setting("max_cells_per_file", "PARKDASH_MAX_CELLS", 30_000_000, "cells in one file (all sheets)"),
    Setting("max_uncompressed_mb", "PARKDASH_MAX_UNZIPPED_MB", 1000, "total uncompressed size of an .xlsx, in MB"),
    Setting("max_zip_ratio", "PARKDASH_MAX_ZIP_RATIO", 200, "largest compression ratio of an .xlsx member"),
    Setting("lock_wait_seconds", "PARKDASH_LOCK_WAIT", 120, "how long a load waits for another load to finish"),
    Setting(
        "index_min_coverage",
        "PARKDASH_INDEX_MIN_COVERAGE",
        0.6,
        "share of the composite index's weight a park must report to be scored (0-1)",
    ),
)


@dataclass(frozen=True)
class Limits:
    max_file_mb: float
    max_files_per_upload: int
    max_rows_per_file: int
    max_cells_per_file: int
    max_uncompressed_mb: float
    max_zip_ratio: float
    lock_wait_seconds: float

    def __post_init__(self):
        # Counts are whole numbers; sizes and times may be fractional (PARKDASH_MAX_FILE_MB=0.5).
        for name in ("max_files_per_upload", "max_rows_per_file", "max_cells_per_file"):
            object.__setattr__(self, name, int(getattr(self, name)))

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * 1024 * 1024)


def limits() -> Limits:
    """Current limits: defaults, overridden by environment variables."""
    values = {}
    for s in SETTINGS:
        raw = os.environ.get(s.env)
        values[s.name] = float(raw) if raw else s.default
    return Limits(**{f.name: values[f.name] for f in fields(Limits)})


def db_setting() -> str:
    """The database the dashboard and the CLI share, as PARKDASH_DB gives it: a file path (default
    data/parks.duckdb) or the shared store, `ducklake:postgres:<libpq conninfo>` (metrics/lakestore.py)."""
    return os.environ.get("PARKDASH_DB") or str(PROJECT_ROOT / "data" / "parks.duckdb")


def db_path() -> Path:
    """The database file: PARKDASH_DB, else data/parks.duckdb (use db_setting() where the shared store counts)."""
    return Path(db_setting())


def lake_data_dir() -> str | None:
    """PARKDASH_LAKE_DATA: the shared directory of the shared store's data files (and kept originals)."""
    return os.environ.get("PARKDASH_LAKE_DATA") or None


def database_missing(db: str | None) -> Path | None:
    """The file a --db value (or PARKDASH_DB) names when that file does not exist; None when it exists
    or the value names the shared store (which says itself when it cannot be reached)."""
    setting = db or db_setting()
    if setting.startswith("ducklake:"):
        return None
    path = Path(setting)
    return None if path.exists() else path


def index_min_coverage() -> float:
    """The share of the composite index's weight a park must report to be scored (PARKDASH_INDEX_MIN_COVERAGE,
    default 0.6); a value that is not a number within 0-1 falls back to the default (said nowhere else, so kept
    simple: the page shows the threshold in use)."""
    default = next(s.default for s in SETTINGS if s.name == "index_min_coverage")
    try:
        value = float(os.environ.get("PARKDASH_INDEX_MIN_COVERAGE") or default)
    except ValueError:
        return float(default)
    return value if 0 <= value <= 1 else float(default)
