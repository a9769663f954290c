"""Page render time at 1,000 vs 1,000,000 observations (target: at most 2× slower on every page).

Both databases have the same shape: parks × chain slots × years × indicators (chain slot 0 is the
whole-park figure), built once through `Store.load` and kept in the temp dir for later runs
(BENCH_REBUILD=1 rebuilds). Each page is timed through AppTest on its first run after every
Streamlit cache was cleared, median of BENCH_REPEAT (3) runs. BENCH_QUICK=1: 1k vs 100k, one run.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from metrics.model import OBS_COLUMNS, IngestReport, ParsedFile
from metrics.store import Store

QUICK = os.environ.get("BENCH_QUICK", "") not in ("", "0")
REPEAT = 1 if QUICK else int(os.environ.get("BENCH_REPEAT", "3"))
TARGET_RATIO = 2.0
INDICATORS = ("revenue", "revenue_yoy", "firms_revenue_100m", "above_scale_firms",
              "national_platforms", "academician_teams", "enterprises_visited", "satisfaction")  # fmt: skip
# (label, parks, chain slots, years) × 8 indicators; chain slot 0 is the whole-park figure.
# 1k keeps every dimension (several parks, chains, years) so each page draws the same things.
SIZES = (("1k", 5, 5, 5), ("100k", 50, 10, 25)) if QUICK else (("1k", 5, 5, 5), ("1M", 500, 10, 25))


def observations(parks: int, chain_slots: int, years: int, seed: int = 42) -> pd.DataFrame:
    """parks × chain_slots × years (up to 2024) × indicators figures, as a ParsedFile frame."""
    rng = np.random.default_rng(seed)
    park_names = np.array([f"基准园区{i:03d}" for i in range(parks)], dtype=object)
    chain_names = np.array([None] + [f"产业链{i:02d}" for i in range(1, chain_slots)], dtype=object)
    grid = pd.MultiIndex.from_product(
        [range(parks), range(chain_slots), range(2025 - years, 2025), range(len(INDICATORS))],
        names=["p", "c", "y", "i"],
    ).to_frame(index=False)
    n = len(grid)
    years = grid["y"].to_numpy()
    return pd.DataFrame({
        "park": park_names[grid["p"].to_numpy()],
        "chain": chain_names[grid["c"].to_numpy()],
        "period_start": pd.to_datetime(pd.Series(years).astype(str) + "-01-01").to_numpy(),
        "period_end": pd.to_datetime(pd.Series(years).astype(str) + "-12-31").to_numpy(),
        "indicator": np.array(INDICATORS, dtype=object)[grid["i"].to_numpy()],
        "value": np.round(rng.gamma(2.0, 500.0, n), 1),
        "qualifier": "exact",
        "source": [f"bench.csv!!{r + 2}" for r in range(n)],
        "basis": "illustrative",
        "reference": None,
    }, columns=list(OBS_COLUMNS))  # fmt: skip


def build_database(path: Path, parks: int, chain_slots: int, years: int) -> float:
    """Fill a fresh database at `path`; returns the seconds the load took."""
    for stale in (path, path.with_name(path.name + ".wal"), path.with_name(path.name + ".lock")):
        stale.unlink(missing_ok=True)
    frame = observations(parks, chain_slots, years)
    parsed = ParsedFile(frame=frame, report=IngestReport(file=f"bench_{len(frame)}.csv"),
                        content_sha256=f"bench-{len(frame)}")  # fmt: skip
    started = time.perf_counter()
    report = Store(path).load(parsed, actor="bench")
    seconds = time.perf_counter() - started
    if report.status != "loaded":
        raise SystemExit(f"bench database not loaded: {report.status} {report.fatal_en or report.errors[:3]}")
    return seconds


def database(label: str, parks: int, chain_slots: int, years: int) -> Path:
    """The bench database for a size, built on first use."""
    n = parks * chain_slots * years * len(INDICATORS)
    path = Path(tempfile.gettempdir()) / "parkdash_bench" / f"pages_{parks}x{chain_slots}x{years}.duckdb"
    path.parent.mkdir(parents=True, exist_ok=True)
    if os.environ.get("BENCH_REBUILD") or not path.exists() or Store(path).is_empty():
        print(f"building {label} database ({n:,} observations) … ", end="", flush=True)
        print(f"{build_database(path, parks, chain_slots, years):.1f} s", flush=True)
    return path


def page_scripts() -> list[str]:
    """The overview first, then pages/*.py by name."""
    return ["dashboard.py"] + sorted(f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py"))


def time_page(page: str) -> tuple[float, str | None, int]:
    """Seconds of the page's first run with every cache cleared, its exception if any, charts drawn."""
    import streamlit as st
    from streamlit.logger import set_log_level
    from streamlit.testing.v1 import AppTest

    set_log_level("error")  # bare-mode AppTest warns on every cache call; keep the table readable

    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=600)
    if page != "dashboard.py":
        at.run()  # the pages mechanism needs a first run of the entry page before switching
        at.switch_page(page)
    st.cache_data.clear()
    st.cache_resource.clear()
    started = time.perf_counter()
    at.run()
    seconds = time.perf_counter() - started
    error = at.exception[0].value if at.exception else None
    return seconds, error, len(at.get("plotly_chart"))


def wait_for_png_browser(limit: float = 60.0) -> None:
    """The app starts the PNG browser in the background at its first run; let it finish before timing,
    as it has on a running server, so its start-up does not land in the first pages measured."""
    from metrics.render import png_available, server_running

    if not png_available()[0]:
        return
    deadline = time.monotonic() + limit
    while not server_running() and time.monotonic() < deadline:
        time.sleep(0.1)


def main() -> int:
    os.chdir(ROOT)
    os.environ.setdefault("PARKDASH_ANALYST_PASSWORD", "bench-only")  # no token printout in the table
    paths = {label: database(label, *shape) for label, *shape in SIZES}
    pages = page_scripts()
    times: dict[tuple[str, str], float] = {}
    charts: dict[tuple[str, str], int] = {}
    errors: dict[tuple[str, str], str] = {}
    os.environ["PARKDASH_DB"] = str(paths[SIZES[0][0]])
    time_page("dashboard.py")  # warm-up: imports and plotly/duckdb start-up are not page cost
    wait_for_png_browser()
    for label, *_ in SIZES:
        os.environ["PARKDASH_DB"] = str(paths[label])
        for page in pages:
            runs = []
            for _ in range(REPEAT):
                seconds, error, charts[(label, page)] = time_page(page)
                runs.append(seconds)
                if error:
                    errors[(label, page)] = error
            times[(label, page)] = statistics.median(runs)
    small, big = SIZES[0][0], SIZES[1][0]
    print(f"\nPage first run, caches cleared (median of {REPEAT}); target {big}/{small} ≤ {TARGET_RATIO:g}×")
    print(f"{'page':<20} {small + ' s':>8} {big + ' s':>8} {'ratio':>7} {'charts':>7}  verdict")
    worst = 0.0
    for page in pages:
        a, b = times[(small, page)], times[(big, page)]
        ratio = b / a if a > 0 else float("inf")
        worst = max(worst, ratio)
        failed = [f"{lbl}: {errors[(lbl, page)]}" for lbl in (small, big) if (lbl, page) in errors]
        verdict = "ERROR " + "; ".join(failed)[:80] if failed else ("ok" if ratio <= TARGET_RATIO else "SLOW")
        drawn = f"{charts[(small, page)]}/{charts[(big, page)]}"  # same count: both sizes draw the same page
        print(f"{page:<20} {a:8.2f} {b:8.2f} {ratio:6.2f}× {drawn:>7}  {verdict}")
    print(f"worst ratio {worst:.2f}× ({'meets' if worst <= TARGET_RATIO else 'misses'} the ≤{TARGET_RATIO:g}× target)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
