"""PNG export time: the warm browser (metrics.render) vs a one-shot `fig.to_image`, and the summary image.

One run prints, side by side: a ranking chart of 10 parks through the warm browser (median of
BENCH_WARM_RUNS=10, after one start-up image timed on its own) and through plain `fig.to_image`,
which starts and stops a browser per call (median of BENCH_ONESHOT_RUNS=3); the ratio (target
≥ 10×); and the one-page summary on a small database built here (in process, warm, median of 3;
and `python -m metrics summary` as a new process). BENCH_QUICK=1: 5 / 2 / 1 runs.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import pandas as pd
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from metrics import charts, render

QUICK = os.environ.get("BENCH_QUICK", "") not in ("", "0")
WARM_RUNS = 5 if QUICK else int(os.environ.get("BENCH_WARM_RUNS", "10"))
ONESHOT_RUNS = 2 if QUICK else int(os.environ.get("BENCH_ONESHOT_RUNS", "3"))
SUMMARY_RUNS = 1 if QUICK else 3
TARGET_RATIO = 10.0
WIDTH, HEIGHT, SCALE = 1200, 700, 2
PARKS = [f"园区{n:02d}" for n in range(1, 11)]


def chart():
    df = pd.DataFrame(
        {
            "rank": range(1, 11),
            "park": PARKS,
            "value": [1000.0 - 70 * n for n in range(10)],
            "qualifier": "exact",
            "unit": "万元",
        }
    )
    df["display"] = [charts.fmt_number(v) for v in df["value"]]
    return charts.ranking_bar(df, "revenue", "2024年", "zh", subtitle=charts.filters_text("zh", "2024年"))


def timed(fn, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        out.append(time.perf_counter() - started)
    return out


def small_db(path: Path) -> None:
    """3 years × 10 parks × every catalog indicator, whole-park figures, loaded through Store.load."""
    from metrics.catalog import default_catalog
    from metrics.model import OBS_COLUMNS, IngestReport, ParsedFile
    from metrics.store import Store

    rows = []
    for year in (2022, 2023, 2024):
        for n, park in enumerate(PARKS):
            for k, ind in enumerate(default_catalog().indicators):
                value = round(100 + 37 * n + 11 * k + 5 * (year - 2022), 1)
                rows.append(
                    (
                        park,
                        None,
                        dt.date(year, 1, 1),
                        dt.date(year, 12, 31),
                        ind.id,
                        float(value),
                        "exact",
                        f"bench.csv!!{len(rows) + 2}",
                        "illustrative",
                        None,
                    )
                )
    frame = pd.DataFrame(rows, columns=list(OBS_COLUMNS))
    data = repr(rows).encode()
    parsed = ParsedFile(frame=frame, report=IngestReport(file="bench.csv"), data=data)
    report = Store(path).load(parsed)
    if report.status != "loaded":
        raise RuntimeError(f"bench database not loaded: {report}")


def row(name: str, times: list[float] | None, note: str = "") -> str:
    if not times:
        return f"{name:<44} {'–':>5} {'–':>9} {'–':>8} {'–':>8}  {note}"
    return f"{name:<44} {len(times):>5} {statistics.median(times):>9.3f} {min(times):>8.3f} {max(times):>8.3f}  {note}"


def main() -> int:
    ok, reason = render.png_available("en")
    if not ok:
        print(f"cannot render PNG here: {reason}")
        return 1
    fig = chart()
    lines = []

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # plotly/kaleido chatter about MathJax and kopts
        oneshot = timed(lambda: fig.to_image(format="png", width=WIDTH, height=HEIGHT, scale=SCALE), ONESHOT_RUNS)
    first = timed(lambda: render.figure_png(fig, WIDTH, HEIGHT, SCALE), 1)
    warm = timed(lambda: render.figure_png(fig, WIDTH, HEIGHT, SCALE), WARM_RUNS)
    size = f"{WIDTH * SCALE}×{HEIGHT * SCALE} px"
    lines.append(row("chart, warm browser (metrics.render)", warm, size))
    lines.append(row("chart, one-shot fig.to_image", oneshot, "browser started per call"))
    lines.append(row("chart, warm browser: first image (start-up)", first, "once per process"))
    ratio = statistics.median(oneshot) / statistics.median(warm)

    summary_note = ""
    try:
        from metrics import summary
        from metrics.store import Store

        with tempfile.TemporaryDirectory() as tmp:
            db = Path(tmp) / "bench.duckdb"
            small_db(db)
            store = Store(db)
            png = [b""]

            def one_summary():
                png[0] = summary.summary_png(store, "zh")

            summary_times = timed(one_summary, SUMMARY_RUNS)
            w, h = Image.open(io.BytesIO(png[0])).size
            lines.append(row("summary image, in process (warm)", summary_times, f"{w}×{h} px, 10 parks"))
            env = dict(os.environ, PYTHONPATH=str(ROOT))
            out = Path(tmp) / "summary.png"
            started = time.perf_counter()
            result = subprocess.run(
                [sys.executable, "-m", "metrics", "summary", "--db", str(db), "--out", str(out)],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            cli = [time.perf_counter() - started]
            lines.append(
                row(
                    "python -m metrics summary (new process)",
                    cli if result.returncode == 0 else None,
                    "incl. Python start + browser start"
                    if result.returncode == 0
                    else f"failed: {result.stderr.strip()[:60]}",
                )
            )
    except ImportError as exc:
        summary_note = f"summary rows skipped: {exc}"

    print(f"PNG export, {size}, median of runs (seconds)")
    print(f"{'case':<44} {'runs':>5} {'median s':>9} {'min s':>8} {'max s':>8}  note")
    print("-" * 96)
    for line in lines:
        print(line)
    print("-" * 96)
    verdict = "meets" if ratio >= TARGET_RATIO else "BELOW"
    print(f"warm vs one-shot: {ratio:.1f}× faster ({verdict} target ≥ {TARGET_RATIO:.0f}×)")
    if summary_note:
        print(summary_note)
    return 0


if __name__ == "__main__":
    sys.exit(main())
