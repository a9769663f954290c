"""Store timings: bulk load, reload, replace, undo, export, the copy every write makes, the cost
of a connection per query, and how long a reader in another process waits while a load runs.

Usage: python bench/bench_store.py   (BENCH_QUICK=1 for 20k figures instead of 200k and 1.6M)
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from metrics.catalog import default_catalog
from metrics.export import observations_export_frame, table_csv_bytes
from metrics.model import OBS_COLUMNS, IngestReport, ParsedFile
from metrics.store import Store


def synthetic(n: int, scale: float, name: str) -> ParsedFile:
    """n figures with distinct keys: parks x chains x months x indicators (a third whole-park),
    in the columns `read_file` gives (Categoricals, Arrow-backed source texts, keys_unique)."""
    ids = default_catalog().ids
    i = np.arange(n)
    months = pd.period_range("2000-01", periods=400, freq="M")
    month = months[(i // len(ids)) % len(months)]
    rest = i // (len(ids) * len(months))
    frame = pd.DataFrame(
        {
            "park": [f"园区{k}" for k in rest // 12],
            "chain": [None if k % 12 == 0 else f"产业链{k % 12}" for k in rest],
            "period_start": month.start_time.date,
            "period_end": month.end_time.date,
            "indicator": [ids[k] for k in i % len(ids)],
            "value": i * scale + scale,
            "qualifier": "exact",
            "source": [f"{name}!表!{k + 2}" for k in i],
            "basis": "reported",
            "reference": None,
        }
    )
    frame = frame.astype({c: "category" for c in OBS_COLUMNS if c not in ("value", "source")})
    frame["source"] = frame["source"].astype(pd.StringDtype("pyarrow", na_value=np.nan))
    data = f"{name}{n}{scale}".encode()
    return ParsedFile(frame=frame, report=IngestReport(file=name), data=data, keys_unique=True)


def variant(parsed: ParsedFile, tag: bytes, frame: pd.DataFrame | None = None, keys_unique: bool = True) -> ParsedFile:
    """Another file (other bytes) with the same or the given figures."""
    return ParsedFile(
        frame=parsed.frame if frame is None else frame,
        report=IngestReport(file=parsed.report.file),
        data=tag + parsed.data,
        keys_unique=keys_unique,
    )


def renamed_parks(parsed: ParsedFile) -> ParsedFile:
    """The same figures for parks of other names (new keys, none meeting a current figure)."""
    frame = parsed.frame.copy()
    frame["park"] = frame["park"].cat.rename_categories(lambda park: f"新{park}")
    return variant(parsed, b"renamed", frame)


def timed(label: str, fn, repeat: int = 1) -> object:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    print(
        f"{label:<48} {statistics.median(times):8.3f} s" + (f"  (median of {repeat})" if repeat > 1 else ""), flush=True
    )
    return result


def bench_size(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.duckdb")
        first, second = synthetic(n, 1.0, "a.xlsx"), synthetic(n, 2.0, "b.xlsx")
        print(f"--- {n:,} figures ---")
        report = timed("load into an empty database", lambda: store.load(first))
        assert report.status == "loaded" and report.rows_loaded == n, report
        other = Store(Path(tmp) / "other.duckdb")
        unknown, renamed = variant(first, b"u", keys_unique=False), renamed_parks(first)
        assert timed("  the same, keys not known unique", lambda: other.load(unknown)).status == "loaded"
        new_parks = timed("  the same, new parks into a non-empty database", lambda: other.load(renamed))
        assert (new_parks.status, new_parks.rows_loaded) == ("loaded", n), new_parks
        assert timed("reload the same file (unchanged)", lambda: store.load(first)).status == "unchanged"
        replaced = timed("load a file replacing every value", lambda: store.load(second))
        assert replaced.rows_replaced == n
        timed("undo that load", lambda: store.undo_load(replaced.load_id))
        frame = timed("observations_export_frame", lambda: observations_export_frame(store))
        timed("table_csv_bytes", lambda: table_csv_bytes(frame))
        lookup = "SELECT value FROM observations WHERE park = $p AND indicator = $i"
        params = {"p": "园区1", "i": "revenue"}
        timed("query, read connection kept open", lambda: store.query(lookup, params), repeat=30)

        def fresh():
            store._file.drop_read_connection()
            return store.query(lookup, params)

        timed("query, fresh connection", fresh, repeat=30)
        timed("data_version()", store.data_version, repeat=30)
        print(f"database file: {store.path.stat().st_size / 1e6:.1f} MB")
        copy = store.path.with_name("copy.duckdb")
        timed("copy of the database file (each write makes one)", lambda: shutil.copyfile(store.path, copy), repeat=3)
        copy.unlink()
        reads_during_a_load(store, n)


def reads_during_a_load(store: Store, n: int) -> None:
    """Query from this process, every 20 ms, while another process loads n figures replacing every value."""
    count = "SELECT count(*) AS n FROM observations"
    before = int(store.query(count)["n"].iloc[0])
    loader = subprocess.Popen([sys.executable, __file__, "--load", str(store.path), str(n)])
    latencies: list[float] = []
    while loader.poll() is None:
        start = time.perf_counter()
        store.query(count)
        latencies.append(time.perf_counter() - start)
        time.sleep(0.02)
    assert loader.wait() == 0
    assert int(store.query(count)["n"].iloc[0]) == before
    latencies.sort()
    print(
        f"{'read latency during a load in another process':<48} median {statistics.median(latencies) * 1000:.1f} ms,"
        f" p99 {latencies[int(len(latencies) * 0.99)] * 1000:.1f} ms, max {latencies[-1] * 1000:.1f} ms"
        f" ({len(latencies)} reads)",
        flush=True,
    )


def load_in_this_process(path: str, n: int) -> None:
    start = time.perf_counter()
    report = Store(path).load(synthetic(n, 3.0, "c.xlsx"), actor="bench")
    assert report.status == "loaded", report
    print(f"{'  (that load, in the other process)':<48} {time.perf_counter() - start:8.3f} s", flush=True)


def main() -> None:
    if sys.argv[1:2] == ["--load"]:
        load_in_this_process(sys.argv[2], int(sys.argv[3]))
        return
    quick = os.environ.get("BENCH_QUICK", "") not in ("", "0")
    for n in [20_000] if quick else [200_000, 1_600_000]:
        bench_size(n)


if __name__ == "__main__":
    main()
