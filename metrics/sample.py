"""Bundled sample data (sample_data/): the figures the seed reports give, and an illustrative series."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from metrics.config import PROJECT_ROOT
from metrics.model import IngestReport

if TYPE_CHECKING:
    from metrics.store import Store

SAMPLE_DIR = PROJECT_ROOT / "sample_data"
# Load order: reported figures first (long CSV, then the same figures as a workbook, which leaves them
# unchanged), then the illustrative series, which never holds a key that a reported figure holds, then
# illustrative 2024 targets (stored as targets, never as figures: metrics/targets.py).
SAMPLE_FILE_NAMES = (
    "reported_figures_long.csv",
    "reported_figures.xlsx",
    "illustrative_series.csv",
    "illustrative_targets.csv",
)
SAMPLE_ACTOR = "sample"


def sample_files() -> list[Path]:
    """The bundled files an analyst could upload, in the order they are loaded."""
    return [SAMPLE_DIR / name for name in SAMPLE_FILE_NAMES]


def load_sample_data(store: Store) -> list[IngestReport]:
    """Read and load every sample file; one report per file (loaded, unchanged or rejected)."""
    from metrics.ingest import read_file

    reports = []
    for path in sample_files():
        parsed = read_file(path.read_bytes(), path.name, catalog=store.catalog)
        reports.append(store.load(parsed, actor=SAMPLE_ACTOR))
    return reports


def ensure_sample_data(store: Store) -> list[IngestReport]:
    """Load the sample data into an empty store (first start); do nothing when it holds figures."""
    if not store.is_empty():
        return []
    return load_sample_data(store)
