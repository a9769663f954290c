"""What the shared store costs: the sample data loaded and page queries run on a DuckDB file and on DuckLake
with its catalog in a real PostgreSQL (started here by deploy/postgres.py in a temp dir, stopped at the end).

Prints, per backend, the median seconds of: loading the four sample files into an empty store; a page's
queries (the overview's KPI cards, the parks page's matrix and ranking) with no cache; `data_version()`
(what every page view asks first); one small load (one figure replaced). Then the ratios lake / file.
BENCH_REPEAT (3) runs each; BENCH_QUICK=1 one run.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from deploy import postgres as pg  # noqa: E402
from metrics import queries  # noqa: E402
from metrics.lakestore import LAKE_PREFIX, LakeStore  # noqa: E402
from metrics.sample import load_sample_data  # noqa: E402
from metrics.store import Store  # noqa: E402

QUICK = os.environ.get("BENCH_QUICK", "") not in ("", "0")
REPEAT = 1 if QUICK else int(os.environ.get("BENCH_REPEAT", "3"))


def median_seconds(action, repeat: int = REPEAT) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def page_queries(store: Store) -> None:
    f = queries.Filters(period=queries.default_period(queries.period_coverage(store)))
    queries.kpi_cards(store, f)
    queries.park_matrix(store, f)
    queries.ranking(store, f, "revenue")


def measure(open_new_store) -> dict[str, float]:
    """The figures for one backend; `open_new_store()` gives an empty store each time."""
    from parsed_factory import figure, parsed

    out = {"load the sample data (4 files)": median_seconds(lambda: load_sample_data(open_new_store()))}
    store = open_new_store()
    load_sample_data(store)
    out["page queries (overview KPI + parks matrix + ranking)"] = median_seconds(lambda: page_queries(store), 5)
    out["data_version (every page view)"] = median_seconds(store.data_version, 20)
    values = iter(range(1000, 2000))
    one = lambda: store.load(parsed(f"one{next(values)}.csv", [figure("东营经济技术开发区", "revenue", next(values))]))  # noqa: E731
    out["one small load (a figure replaced)"] = median_seconds(one, 5)
    return out


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="bench-shared-store-"))
    cluster = tempfile.mkdtemp(prefix="bench-pg-")  # under /tmp: the postgres user must reach it
    try:
        try:
            conninfo = pg.start(cluster, 5433)
        except pg.PostgresUnavailable as exc:
            print(f"skipped: {exc}")
            return 0
        counter = iter(range(10_000))

        def new_file() -> Store:
            return Store(work / f"file{next(counter)}.duckdb")

        def new_lake() -> Store:
            import psycopg

            n = next(counter)
            admin = conninfo.replace("dbname=parkdash", "dbname=postgres")
            with psycopg.connect(admin, autocommit=True) as con:
                con.execute(f"CREATE DATABASE lake{n}")
            os.environ["PARKDASH_LAKE_DATA"] = str(work / f"lake{n}")
            return Store(LAKE_PREFIX + conninfo.replace("dbname=parkdash", f"dbname=lake{n}"))

        started = time.perf_counter()
        new_lake()
        print(
            f"opening a new shared store (DuckLake's metadata tables + schema): {time.perf_counter() - started:.2f} s"
        )
        results = {"file": measure(new_file), "lake": measure(new_lake)}
        width = max(len(k) for k in results["file"])
        print(f"{'median seconds':<{width}}  {'file':>8}  {'lake':>8}  {'lake/file':>9}")
        for key in results["file"]:
            f, lake = results["file"][key], results["lake"][key]
            print(f"{key:<{width}}  {f:8.3f}  {lake:8.3f}  {lake / f:8.1f}×")
        for lake in list(LakeStore._instances):
            LakeStore.release(lake[0])
        return 0
    finally:
        pg.stop(cluster)
        shutil.rmtree(cluster, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
