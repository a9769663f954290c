"""Several writers and readers on one database file: processes, threads, and a killed load."""

from __future__ import annotations

import fcntl
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from parsed_factory import figure, parsed

from metrics.store import PAUSE_ENV, Store

WORKER = Path(__file__).resolve().parent / "load_worker.py"


def start_worker(
    db: Path, file_name: str, park: str, value: float, pause: float | None = None, extra_chains: int = 0
) -> subprocess.Popen:
    env = dict(os.environ)
    env.pop(PAUSE_ENV, None)
    if pause is not None:
        env[PAUSE_ENV] = str(pause)
    return subprocess.Popen(
        [sys.executable, str(WORKER), str(db), file_name, park, str(value), str(extra_chains)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def wait_for_pause(proc: subprocess.Popen) -> None:
    """Block until the worker says it is paused inside its load transaction."""
    for line in proc.stderr:
        if PAUSE_ENV in line:
            return
    raise AssertionError(f"worker ended without pausing: rc={proc.wait()}")


def test_two_processes_loading_at_once_both_land_and_one_waits(db_path):
    Store(db_path)
    first = start_worker(db_path, "a.csv", "园区甲", 1, pause=4.0)
    wait_for_pause(first)
    second = start_worker(db_path, "b.csv", "园区乙", 2)
    out_second, err_second = second.communicate(timeout=60)
    out_first, _ = first.communicate(timeout=60)
    assert json.loads(out_first)["status"] == "loaded"
    assert json.loads(out_second)["status"] == "loaded", err_second
    assert "WAITING Another load is in progress" in err_second
    store = Store(db_path)
    assert sorted(store.observations_frame()["park"].unique()) == ["园区乙", "园区甲"]
    assert store.loads()["status"].tolist() == ["loaded", "loaded"]


def test_load_killed_inside_its_transaction_leaves_the_database_as_before(db_path):
    store = Store(db_path)
    store.load(parsed("base.csv", [figure("园区甲", "revenue", 1)]))
    before, loads_before, version = store.observations_frame(), store.loads(), store.data_version()
    worker = start_worker(db_path, "killed.csv", "园区甲", 99, pause=60, extra_chains=150_000)
    wait_for_pause(worker)
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=10)
    # no stale lock: an exclusive flock is free at once
    fd = os.open(store.lock_path, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    finally:
        os.close(fd)
    after = Store(db_path)
    assert after.observations_frame().equals(before)
    assert after.loads().equals(loads_before)
    assert after.data_version() == version
    again = start_worker(db_path, "killed.csv", "园区甲", 99)
    out, err = again.communicate(timeout=60)
    assert json.loads(out)["status"] == "loaded", err
    assert sorted(after.observations_frame()["value"]) == [99.0, 99.0]


def test_threads_loading_while_readers_query(db_path):
    store = Store(db_path)
    failures: list[BaseException] = []
    statuses: list[str] = []
    waits: list[str] = []
    stop = threading.Event()
    reads = [0]

    def writer(n: int) -> None:
        try:
            for round_ in range(3):
                figures = [figure(f"园区{n}", "revenue", round_ * 10 + k, chain=f"链{k}") for k in range(20)]
                report = store.load(
                    parsed(f"w{n}-{round_}.csv", figures), actor=f"thread{n}", on_wait=lambda zh, en: waits.append(en)
                )
                statuses.append(report.status)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            failures.append(exc)

    def reader() -> None:
        try:
            while not stop.is_set():
                frame = store.query("SELECT park, count(*) AS n FROM observations GROUP BY park")
                # a reader sees whole loads only: 20 figures per park, never a part of one
                assert set(frame["n"]) <= {20}
                reads[0] += 1
        except BaseException as exc:  # noqa: BLE001
            failures.append(exc)

    readers = [threading.Thread(target=reader) for _ in range(3)]
    writers = [threading.Thread(target=writer, args=(n,)) for n in range(2)]
    for t in readers + writers:
        t.start()
    for t in writers:
        t.join(timeout=120)
    stop.set()
    for t in readers:
        t.join(timeout=30)
    assert not failures, failures
    assert statuses == ["loaded"] * 6
    assert reads[0] > 0
    frame = store.observations_frame()
    assert len(frame) == 40 and frame["value"].max() == 39.0
    assert len(store.loads()) == 6


def test_idle_read_connection_closes_and_never_blocks_another_process(db_path):
    from metrics.dbfile import READ_IDLE_SECONDS, DbFile

    store = Store(db_path)
    assert store.is_empty()  # opens this process's read connection
    dbfile = DbFile.for_path(db_path)
    assert dbfile._read_con is not None
    worker = start_worker(db_path, "a.csv", "园区甲", 5)  # must wait for the idle read connection to close
    out, err = worker.communicate(timeout=60)
    assert json.loads(out)["status"] == "loaded", err
    assert len(store.observations_frame()) == 2  # the next read sees the other process's commit
    time.sleep(READ_IDLE_SECONDS * 3)
    assert dbfile._read_con is None


def test_a_replaced_database_file_is_read_afresh(db_path, monkeypatch):
    from metrics import dbfile

    monkeypatch.setattr(dbfile, "READ_IDLE_SECONDS", 60)  # keep this process's read connection open throughout
    store = Store(db_path)
    store.load(parsed("a.csv", [figure("园区甲", "revenue", 1)]))
    assert len(store.observations_frame()) == 1  # this process now holds a read connection
    for leftover in db_path.parent.glob(db_path.name + "*"):
        if not leftover.name.endswith((".lock", ".lock.writer")):
            leftover.unlink()
    worker = start_worker(db_path, "b.csv", "园区乙", 2)  # another process creates the file anew
    out, err = worker.communicate(timeout=60)
    assert json.loads(out)["status"] == "loaded", err
    assert sorted(store.observations_frame()["park"]) == ["园区乙", "园区乙"]
    dbfile.DbFile.for_path(db_path).drop_read_connection()
