"""Report build time on the sample data: .docx and PDF in process and as a new CLI process, beside the summary PNG.

In process (one Store, the browser warm after a first image, median of BENCH_REPORT_RUNS=3): the
one-page summary PNG (summary_png), the report's content (queries + three chart images), the .docx
written from it, the PDF printed by headless Chromium, and each end to end (report_bytes). As a new
process: `python -m metrics report --format docx|pdf` and `python -m metrics summary` (median of 2).
BENCH_QUICK=1: one run each.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from metrics import queries, report, summary  # noqa: E402
from metrics.sample import load_sample_data  # noqa: E402
from metrics.store import Store  # noqa: E402

QUICK = os.environ.get("BENCH_QUICK", "") not in ("", "0")
RUNS = 1 if QUICK else int(os.environ.get("BENCH_REPORT_RUNS", "3"))
CLI_RUNS = 1 if QUICK else 2


def timed(fn, runs: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(runs):
        started = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), out


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
        db = Path(tmp) / "parks.duckdb"
        store = Store(db)
        load_sample_data(store)
        f = queries.Filters(period=queries.default_period(queries.period_coverage(store)))
        started = time.perf_counter()
        summary.summary_png(store, "zh", f.period)
        first = time.perf_counter() - started
        rows = [("first image of the process (browser start)", first, "")]
        png_s, png = timed(lambda: summary.summary_png(store, "zh", f.period), RUNS)
        rows.append(("summary PNG (summary_png), in process", png_s, f"{len(png) // 1024} KB"))
        build_s, rep = timed(lambda: report.build_report(store, f, "zh"), RUNS)
        rows.append(("report content: queries + 3 chart PNGs", build_s, ""))
        docx_s, docx = timed(lambda: report.report_docx(rep), RUNS)
        rows.append(("  .docx written from it (python-docx)", docx_s, f"{len(docx) // 1024} KB"))
        pdf_s, pdf = timed(lambda: report.report_pdf(rep), RUNS)
        rows.append(("  PDF printed from it (headless chromium)", pdf_s, f"{len(pdf) // 1024} KB"))
        for fmt in ("docx", "pdf"):
            s, _ = timed(lambda fmt=fmt: report.report_bytes(store, f, fmt, "zh"), RUNS)
            rows.append((f".{fmt} end to end (report_bytes), in process", s, ""))
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        for name, args in (
            ("python -m metrics summary, new process", ["summary", "--out", f"{tmp}/s.png"]),
            ("python -m metrics report --format docx, new process", ["report", "--out", f"{tmp}/r.docx"]),
            ("python -m metrics report --format pdf, new process", ["report", "--out", f"{tmp}/r.pdf"]),
        ):
            cmd = [sys.executable, "-m", "metrics", *args, "--db", str(db)]
            s, _ = timed(
                lambda cmd=cmd: subprocess.run(cmd, cwd=ROOT, env=env, check=True, capture_output=True), CLI_RUNS
            )
            rows.append((name, s, ""))
    load = os.getloadavg()[0]
    print(f"sample data, period {f.period.label('en')}; median of {RUNS} (new processes: {CLI_RUNS}); load {load:.1f}")
    width = max(len(r[0]) for r in rows)
    for name, seconds, note in rows:
        print(f"{name:<{width}}  {seconds:7.2f} s  {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
