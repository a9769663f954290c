"""Viewer capacity of one app server: simulated viewers on the overview, the parks page and a one-line page.

Each viewer is a websocket session speaking Streamlit's own protocol (bench/viewer_protocol.py): a first
view of its page, then views one after another, each changing a filter as a user does (another period
or family in the query string), with no pause between them. Per level (1, 5, 10, 20, 40 concurrent
viewers) and page: p50/p95 view time, views/s, the server's CPU per view and resident memory per session,
and each page's views/s as a share of the one-line page's (the floor Streamlit itself sets), the three
pages measured one after another at every level so they share the machine's load.

By default the bench serves a temp copy of the app (the code linked, the pages copied, plus the one-line
page `bench_floor`, which exists only in that copy) on a temp database filled with the sample data, on
a free port. `--url http://host:port` measures a server already running (e.g. nginx in front of two;
`--app-copy DIR` writes the app copy such servers can serve so the floor page exists there too; without
it the floor is skipped); `--pid` names the server processes whose CPU and memory to read.

Usage: python bench/bench_viewers.py [--quick] [--levels 1,5,10] [--seconds 6] [--views 4] [--url URL] [--pid PID ...]
       [--app-copy DIR] [--json FILE]          (BENCH_QUICK=1 = --quick)
Output (stable; other scripts read it): a `load:` line, then one row per level and page:
  page  viewers  views  views/s  p50_s  p95_s  cpu_ms/view  rss_MB  rss_MB/session  share_of_floor  errors  cpu_share
share_of_floor: views/s over the floor page's at that level; cpu_share: the floor's CPU per view over the page's
(what views/s would show if the server had its core to itself: compare this one when others load the machine).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from viewer_protocol import Viewer, xsrf_cookie  # noqa: E402

LEVELS = (1, 5, 10, 20, 40)
QUICK_LEVELS = (1, 5, 20)
# (label, URL page name): "" is the entry page (dashboard.py).
PAGES = (("overview", ""), ("parks", "parks"), ("floor", "bench_floor"))
FLOOR_PAGE = "bench_floor"
FLOOR_SOURCE = 'import streamlit as st\n\nst.title("bench floor")\nst.write("one line")\n'
TICK = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


# ---------------------------------------------------------------- the server under test


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_app_copy(target: Path) -> Path:
    """The app as served, plus the one-line floor page: code linked (a fix shows at once), pages copied."""
    target.mkdir(parents=True, exist_ok=True)
    for name in ("metrics", "ui", "sample_data"):
        link = target / name
        if not link.exists():
            link.symlink_to(ROOT / name, target_is_directory=True)
    shutil.copy2(ROOT / "dashboard.py", target / "dashboard.py")
    shutil.copytree(ROOT / ".streamlit", target / ".streamlit", dirs_exist_ok=True)
    shutil.copytree(ROOT / "pages", target / "pages", dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__"))
    (target / "pages" / f"{FLOOR_PAGE}.py").write_text(FLOOR_SOURCE, encoding="utf-8")
    return target


def sample_database(path: Path) -> Path:
    """A fresh database holding the bundled sample data (what a first start loads)."""
    from metrics.sample import ensure_sample_data
    from metrics.store import Store

    ensure_sample_data(Store(path))
    return path


class Server:
    """`streamlit run dashboard.py` of an app copy, on a free port, until stopped."""

    def __init__(self, app: Path, db: Path, log: Path, profile: Path | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, PARKDASH_DB=str(db), PYTHONPATH=str(app))
        env.setdefault("PARKDASH_ANALYST_PASSWORD", "bench-only-口令")  # no token printed; pages are the same
        self._log = log.open("wb")
        # With `profile`: every thread under cProfile (bench/profile_server.py), written when the server stops.
        launcher = (
            ["-m", "streamlit"]
            if profile is None
            else [str(Path(__file__).with_name("profile_server.py")), str(profile)]
        )
        self.process = subprocess.Popen(
            [
                sys.executable, *launcher, "run", "dashboard.py",
                "--server.headless", "true", "--server.port", str(self.port),
                "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
                "--server.fileWatcherType", "none",
            ],
            cwd=app, env=env, stdout=self._log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        self.log = log
        self.stop_wait = 10 if profile is None else 120  # writing a profile takes a while

    def wait_healthy(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"streamlit exited with {self.process.returncode}; log: {self.log}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as reply:
                    if reply.read().strip() == b"ok":
                        return
            except OSError:
                pass
            time.sleep(0.2)
        raise SystemExit(f"no /_stcore/health within {timeout} s; log: {self.log}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=self.stop_wait)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self._log.close()


# ---------------------------------------------------------------- what the server process uses (/proc)


def cpu_seconds(pids: list[int]) -> float | None:
    """User + system CPU seconds of the processes (/proc/PID/stat); None when none can be read."""
    total, read = 0.0, False
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / TICK  # utime, stime (fields 14, 15 of stat)
        read = True
    return total if read else None


def rss_mb(pids: list[int]) -> float | None:
    """Resident memory of the processes in MB (/proc/PID/statm)."""
    total, read = 0.0, False
    for pid in pids:
        try:
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_SIZE / 1e6
            read = True
        except OSError:
            continue
    return total if read else None


def machine_load() -> str:
    """How busy the machine is: load averages and cores (others share it)."""
    one, five, _ = os.getloadavg()
    return f"loadavg {one:.2f} (1 min) {five:.2f} (5 min) on {os.cpu_count()} cores"


def cpu_totals() -> tuple[int, int]:
    """All cores' (total, idle) clock ticks since boot (/proc/stat)."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return sum(values), values[3] + values[4]


def busy_between(before: tuple[int, int], after: tuple[int, int]) -> float:
    """The share of all cores busy between two cpu_totals(), whoever used them."""
    total, idle = after[0] - before[0], after[1] - before[1]
    return 1 - idle / max(1, total)


# ---------------------------------------------------------------- viewers


def view_queries(db: Path) -> list[str]:
    """Query strings a user's filter changes produce: the sample's four latest periods × the families."""
    from urllib.parse import urlencode

    from metrics.catalog import default_catalog
    from metrics.queries import available_periods
    from metrics.store import Store
    from ui.state import period_token

    families = ["all"] + [c.id for c in default_catalog().design_card_categories]
    periods = [period_token(p) for p in available_periods(Store(db))][:4]
    return [urlencode({"period": p, "family": f}) for p in periods for f in families]


@dataclass
class Cell:
    """One page at one level."""

    page: str
    viewers: int
    views: int
    seconds: float
    per_s: float
    p50: float | None
    p95: float | None
    cpu_ms_per_view: float | None
    rss_mb: float | None
    rss_mb_per_session: float | None
    first_p50: float | None
    errors: int
    share_of_floor: float | None = None  # views/s as a share of the floor page's views/s at the same level
    cpu_share_of_floor: float | None = None  # the floor's CPU per view / this page's: the share a busy machine leaves


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


async def run_cell(
    url: str,
    page: str,
    label: str,
    n: int,
    at_least: tuple[int, float],
    queries: list[str],
    pids: list[int],
    think: float = 0.0,
) -> Cell:
    """n viewers on `page`: each connects and views it once (not counted), then all view it one view after
    another, each with the next filter, until each did at least `at_least` = (views, seconds); every view counts.
    (A count, not only a time window: on a busy machine one view at 40 viewers can outlast a window.)
    `think` > 0: a viewer reads each page for 0.5-1.5 x `think` seconds before changing the next filter, as a
    person does; with none, n viewers keep the server saturated and a view waits ~n / (views/s) (Little's law).
    """
    min_views, min_seconds = at_least
    cookie = await asyncio.to_thread(xsrf_cookie, url)
    viewers = [Viewer(url, cookie) for _ in range(n)]
    times: list[float] = []
    errors: list[str] = []
    rss_before = rss_mb(pids)
    try:
        await asyncio.gather(*(v.__aenter__() for v in viewers))
        firsts = await asyncio.gather(*(v.view(page, queries[i % len(queries)]) for i, v in enumerate(viewers)))
        first = [f.seconds for f in firsts]
        errors += [f"{f.status} {f.exceptions[:1]}" for f in firsts if not f.ok]
        if any(f.page_not_found for f in firsts):
            return Cell(label, n, 0, 0, 0, None, None, None, None, None, None, 0)
        rss_sessions = rss_mb(pids)  # every session open and drawn once
        cpu0, started = cpu_seconds(pids), time.perf_counter()
        deadline = started + min_seconds

        async def keep_viewing(i: int, viewer: Viewer) -> None:
            reading = random.Random(i)  # the same pauses in every run
            if think:
                await asyncio.sleep(reading.uniform(0, think))  # people do not all click at once
            k = 0
            while k < min_views or time.perf_counter() < deadline:
                seen = await viewer.view(page, queries[(i + 1 + k) % len(queries)])
                k += 1
                times.append(seen.seconds)
                if not seen.ok:
                    errors.append(f"{seen.status} {seen.exceptions[:1]}")
                if think:
                    await asyncio.sleep(reading.uniform(0.5, 1.5) * think)

        await asyncio.gather(*(keep_viewing(i, v) for i, v in enumerate(viewers)))
        elapsed = time.perf_counter() - started
        cpu1, rss_after = cpu_seconds(pids), rss_mb(pids)
    finally:
        await asyncio.gather(*(v.__aexit__() for v in viewers), return_exceptions=True)
    cpu = (cpu1 - cpu0) if cpu0 is not None and cpu1 is not None else None
    grown = rss_sessions - rss_before if rss_sessions is not None and rss_before is not None else None
    return Cell(
        page=label,
        viewers=n,
        views=len(times),
        seconds=round(elapsed, 2),
        per_s=len(times) / elapsed if elapsed else 0.0,
        p50=percentile(times, 50),
        p95=percentile(times, 95),
        cpu_ms_per_view=1000 * cpu / len(times) if cpu is not None and times else None,
        rss_mb=rss_after,
        rss_mb_per_session=grown / n if grown is not None else None,
        first_p50=percentile(first, 50),
        errors=len(errors),
    )


# ---------------------------------------------------------------- the run


def fmt(value, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def print_header() -> None:
    print(
        f"{'page':<9} {'viewers':>7} {'views':>6} {'views/s':>8} {'p50_s':>7} {'p95_s':>7} {'cpu_ms/view':>11} "
        f"{'rss_MB':>7} {'rss_MB/session':>14} {'share_of_floor':>14} {'errors':>6} {'cpu_share':>9}",
        flush=True,
    )


def print_cell(c: Cell) -> None:
    share = None if c.share_of_floor is None else f"{100 * c.share_of_floor:.0f} %"
    cpu_share = None if c.cpu_share_of_floor is None else f"{100 * c.cpu_share_of_floor:.0f} %"
    print(
        f"{c.page:<9} {c.viewers:>7} {c.views:>6} {c.per_s:>8.2f} {fmt(c.p50, '.3f'):>7} {fmt(c.p95, '.3f'):>7} "
        f"{fmt(c.cpu_ms_per_view, '.0f'):>11} {fmt(c.rss_mb, '.0f'):>7} {fmt(c.rss_mb_per_session, '.2f'):>14} "
        f"{share or '-':>14} {c.errors:>6} {cpu_share or '-':>9}",
        flush=True,
    )


def knee(cells: list[Cell], page: str) -> int | None:
    """The first level after which views/s grows by less than 10 % while p95 at least doubles."""
    rows = sorted((c for c in cells if c.page == page and c.views), key=lambda c: c.viewers)
    for a, b in zip(rows, rows[1:], strict=False):
        if b.per_s < 1.1 * a.per_s and a.p95 and b.p95 and b.p95 >= 2 * a.p95:
            return a.viewers
    return None


async def ramp(
    url: str, levels, at_least: tuple[int, float], queries: list[str], pids: list[int], pages, think: float = 0.0
) -> list[Cell]:
    cells: list[Cell] = []
    print_header()
    for n in levels:
        row: dict[str, Cell] = {}
        for label, page in pages:
            row[label] = await run_cell(url, page, label, n, at_least, queries, pids, think)
        floor = row.get("floor")
        for cell in row.values():
            if floor is not None and floor.per_s:
                cell.share_of_floor = cell.per_s / floor.per_s
            if floor is not None and floor.cpu_ms_per_view and cell.cpu_ms_per_view:
                cell.cpu_share_of_floor = floor.cpu_ms_per_view / cell.cpu_ms_per_view
            print_cell(cell)
            cells.append(cell)
    return cells


async def warm_up(url: str, queries: list[str], pages) -> None:
    """Every page once per filter, so the shared caches hold what steady viewing finds there."""
    async with Viewer(url) as viewer:
        for label, page in pages:
            for query in queries:
                seen = await viewer.view(page, query)
                if seen.page_not_found:
                    print(f"note: page {label!r} not found on this server (skipped)", flush=True)
                    break


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="measure this running server instead of starting one")
    parser.add_argument("--pid", type=int, nargs="*", default=[], help="server processes to read CPU/RSS of")
    parser.add_argument("--quick", action="store_true", help=f"levels {QUICK_LEVELS}, 2 views and 2 s each")
    parser.add_argument("--levels", help="comma-separated viewer counts (default 1,5,10,20,40)")
    parser.add_argument("--seconds", type=float, help="each viewer views for at least this long (default 6)")
    parser.add_argument("--views", type=int, help="and at least this many times (default 4)")
    parser.add_argument("--app-copy", type=Path, help="write the app copy with the floor page to DIR and exit")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    parser.add_argument("--pages", help="comma-separated pages to measure (default overview,parks,floor)")
    parser.add_argument("--profile", type=Path, help="run the server under cProfile, write the profile to FILE")
    parser.add_argument(
        "--think", type=float, default=0.0, help="seconds a viewer reads a page before the next filter (default 0)"
    )
    args = parser.parse_args(argv)
    quick = args.quick or os.environ.get("BENCH_QUICK", "") not in ("", "0")
    if args.app_copy:
        print(write_app_copy(args.app_copy))
        return 0
    levels = tuple(int(v) for v in args.levels.split(",")) if args.levels else (QUICK_LEVELS if quick else LEVELS)
    seconds = args.seconds or (2.0 if quick else 6.0)
    views = args.views or (2 if quick else 4)
    pages = [(label, page) for label, page in PAGES if not args.pages or label in args.pages.split(",")]

    work = Path(tempfile.mkdtemp(prefix="parkdash_viewers_"))
    server = None
    try:
        db = sample_database(work / "parks.duckdb")
        queries = view_queries(db)
        if args.url:
            url, pids = args.url.rstrip("/"), list(args.pid)
        else:
            server = Server(write_app_copy(work / "app"), db, work / "streamlit.log", args.profile)
            server.wait_healthy()
            url, pids = server.url, [server.process.pid]
        print(f"server: {url}  pids: {pids or 'not given (no CPU/RSS)'}  {len(queries)} filter views per page")
        before = cpu_totals()
        time.sleep(1.0)
        print(f"load: {machine_load()}; cores busy before the run {100 * busy_between(before, cpu_totals()):.0f} %")
        asyncio.run(warm_up(url, queries, pages))
        idle = rss_mb(pids)
        print(
            f"server RSS after warm-up: {fmt(idle, '.0f')} MB; each viewer views at least {views} times and "
            f"{seconds:g} s, page after page, "
            + (f"reading each page 0.5-1.5 x {args.think:g} s" if args.think else "no pause"),
            flush=True,
        )
        started, ticks, cpu0 = time.perf_counter(), cpu_totals(), cpu_seconds(pids)
        cells = asyncio.run(ramp(url, levels, (views, seconds), queries, pids, pages, args.think))
        elapsed, cpu1 = time.perf_counter() - started, cpu_seconds(pids)
        share = f", the server {100 * (cpu1 - cpu0) / elapsed / os.cpu_count():.0f} %" if cpu0 is not None else ""
        busy = 100 * busy_between(ticks, cpu_totals())
        print(f"load: {machine_load()} after {elapsed:.0f} s; cores busy during the run {busy:.0f} %{share}")
        for label, _ in pages:
            k = knee(cells, label)
            print(f"knee {label}: " + (f"after {k} viewers" if k else "none within the levels run"))
        if args.json:
            args.json.write_text(json.dumps([asdict(c) for c in cells], indent=1), encoding="utf-8")
        return 1 if any(c.errors for c in cells) else 0
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
