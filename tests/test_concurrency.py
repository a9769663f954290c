"""Several writers and readers on one database file: processes, threads, and a killed load.

Writers publish a new copy of the file (metrics/dbfile.py); these tests check that readers in
another process never wait for a load, see it only once published, and that a killed load
leaves the published file byte for byte as it was.
"""

from __future__ import annotations

import fcntl
import hashlib
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


def wait_for_line(proc: subprocess.Popen, text: str) -> None:
    """Block until the process writes a stderr line holding `text`."""
    for line in proc.stderr:
        if text in line:
            return
    raise AssertionError(f"process ended without saying {text!r}: rc={proc.wait()}")


def test_two_processes_loading_at_once_both_land_and_one_waits(db_path):
    # Ordered by events, not by a pause that a slow machine may outlast: the first load holds the writer
    # lock (paused far longer than the test) until the second has said it waits; then the first ends.
    Store(db_path)
    first = start_worker(db_path, "a.csv", "园区甲", 1, pause=600)
    wait_for_pause(first)
    second = start_worker(db_path, "b.csv", "园区乙", 2)
    wait_for_line(second, "WAITING Another load is in progress")
    assert second.poll() is None  # still waiting
    first.kill()  # the first load ends (here: dies, leaving the database as it was); the waiting one goes on
    first.wait(timeout=60)
    out_second, err_second = second.communicate(timeout=120)
    assert json.loads(out_second)["status"] == "loaded", err_second
    again = start_worker(db_path, "a.csv", "园区甲", 1)
    out_again, err_again = again.communicate(timeout=120)
    assert json.loads(out_again)["status"] == "loaded", err_again
    store = Store(db_path)
    assert sorted(store.observations_frame()["park"].unique()) == ["园区乙", "园区甲"]
    assert store.loads()["status"].tolist() == ["loaded", "loaded"]


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def drafts(db: Path) -> list[Path]:
    return sorted(db.parent.glob(db.name + ".writing-*"))


def test_two_processes_creating_the_database_at_once_both_land(db_path):
    assert not db_path.exists()
    workers = [start_worker(db_path, f"{n}.csv", f"园区{n}", n) for n in range(2)]
    for worker in workers:
        out, err = worker.communicate(timeout=60)
        assert json.loads(out)["status"] == "loaded", err
    store = Store(db_path)
    assert len(store.query("SELECT * FROM schema_version")) == 1
    assert sorted(store.observations_frame()["park"].unique()) == ["园区0", "园区1"]
    assert drafts(db_path) == []


def test_load_killed_inside_its_transaction_leaves_the_database_as_before(db_path):
    store = Store(db_path)
    store.load(parsed("base.csv", [figure("园区甲", "revenue", 1)]))
    before, loads_before, version = store.observations_frame(), store.loads(), store.data_version()
    digest, identity = sha256_of(db_path), os.stat(db_path).st_ino
    worker = start_worker(db_path, "killed.csv", "园区甲", 99, pause=60, extra_chains=150_000)
    wait_for_pause(worker)
    assert drafts(db_path) == [db_path.with_name(f"{db_path.name}.writing-{worker.pid}")]
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=10)
    # no stale lock: an exclusive flock is free at once
    fd = os.open(store.lock_path, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    finally:
        os.close(fd)
    assert sha256_of(db_path) == digest and os.stat(db_path).st_ino == identity  # the published file is untouched
    assert not db_path.with_name(db_path.name + ".wal").exists()
    assert drafts(db_path)  # the killed writer's copy is left behind ...
    after = Store(db_path)
    assert after.observations_frame().equals(before)
    assert after.loads().equals(loads_before)
    assert after.data_version() == version
    again = start_worker(db_path, "killed.csv", "园区甲", 99)
    out, err = again.communicate(timeout=60)
    assert json.loads(out)["status"] == "loaded", err
    assert drafts(db_path) == []  # ... and the next writer removes it
    assert sorted(after.observations_frame()["value"]) == [99.0, 99.0]


def writer_lock_is_held(store: Store) -> bool:
    """Whether some process holds the writer flock (tried without waiting)."""
    fd = os.open(store.lock_path, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def test_readers_in_another_process_never_wait_for_a_load(db_path):
    store = Store(db_path)
    store.load(parsed("base.csv", [figure("园区甲", "revenue", 1)]))
    count = "SELECT count(*) AS n FROM observations"
    # The load pauses (far longer than the test) inside its transaction, holding the writer lock: every
    # read that returns meanwhile provably did not wait for it. Shown by order of events, not by timing.
    worker = start_worker(db_path, "big.csv", "园区乙", 7, pause=600, extra_chains=200_000)
    try:
        wait_for_pause(worker)  # the load has written its 200,002 figures and holds its transaction open
        assert writer_lock_is_held(store)
        seen = [int(store.query(count)["n"].iloc[0]) for _ in range(20)]
        assert worker.poll() is None and writer_lock_is_held(store)  # all 20 reads ran inside the load
        assert seen == [1] * 20  # and saw none of it: a load is invisible until published
    finally:
        worker.kill()
        worker.wait(timeout=60)
    done = start_worker(db_path, "small.csv", "园区丙", 3)
    out, err = done.communicate(timeout=60)
    assert json.loads(out)["status"] == "loaded", err
    assert int(store.query(count)["n"].iloc[0]) == 3  # a published load is visible to the next read


def test_a_reader_inside_a_query_keeps_its_snapshot_across_a_publication(db_path, monkeypatch):
    from metrics import dbfile

    monkeypatch.setattr(dbfile, "READ_IDLE_SECONDS", 60)
    store = Store(db_path)
    store.load(parsed("a.csv", [figure("园区甲", "revenue", 1)]))
    with store._reading() as old:
        assert old.execute("SELECT count(*) FROM observations").fetchall() == [(1,)]
        store.load(parsed("b.csv", [figure("园区乙", "revenue", 2)]))  # publishes a new file meanwhile
        assert len(store.observations_frame()) == 2  # a new read opens the new file ...
        assert old.execute("SELECT count(*) FROM observations").fetchall() == [(1,)]  # ... the old one stays whole
    assert len(store.observations_frame()) == 2
    dbfile.DbFile.for_path(db_path).drop_read_connection()


def test_writes_leave_no_wal_and_no_copy_beside_the_database(db_path):
    store = Store(db_path)
    store.load(parsed("a.csv", [figure("园区甲", "revenue", 1)]))
    store.undo_load(1)
    leftovers = sorted(p.name for p in db_path.parent.iterdir() if p.name.startswith(db_path.name))
    assert leftovers == [db_path.name, db_path.name + ".lock"]


def test_an_unchanged_load_does_not_replace_the_file(db_path):
    store = Store(db_path)
    store.load(parsed("a.csv", [figure("园区甲", "revenue", 1)]))
    identity = os.stat(db_path).st_ino
    assert store.load(parsed("a.csv", [figure("园区甲", "revenue", 1)])).status == "unchanged"
    assert store.load(parsed("same-values.csv", [figure("园区甲", "revenue", 1)], data=b"x")).status == "unchanged"
    assert os.stat(db_path).st_ino == identity


def test_a_wal_left_by_an_older_in_place_writer_is_folded_in_first(db_path):
    import duckdb

    Store(db_path)
    script = (
        "import duckdb, os, sys; con = duckdb.connect(sys.argv[1]); "
        "con.execute(\"INSERT INTO audit VALUES (1000, now()::TIMESTAMP, 'old', 'restore', '{}')\"); "
        "os._exit(0)"  # no close, no checkpoint: the insert stays in <db>.wal
    )
    subprocess.run([sys.executable, "-c", script, str(db_path)], check=True, timeout=60)
    wal = db_path.with_name(db_path.name + ".wal")
    assert wal.exists()
    store = Store(db_path)
    store.load(parsed("a.csv", [figure("园区甲", "revenue", 1)]))
    assert not wal.exists()
    assert store.audit()["action"].tolist() == ["load", "restore"]
    with duckdb.connect(str(db_path), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM audit").fetchall() == [(2,)]


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


class Clock:
    """A clock the test moves by hand."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_idle_read_connection_closes_and_never_blocks_another_process(db_path):
    from metrics.dbfile import READ_IDLE_SECONDS, DbFile

    store = Store(db_path)
    dbfile = DbFile.for_path(db_path)
    clock = dbfile.clock = Clock()  # idleness by a clock the test moves: exact on a loaded machine
    try:
        assert store.is_empty()  # opens this process's read connection
        assert dbfile._current is not None
        worker = start_worker(db_path, "a.csv", "园区甲", 5)  # writes its own copy: no need to wait for us
        out, err = worker.communicate(timeout=60)
        assert json.loads(out)["status"] == "loaded", err
        assert "WAITING" not in err
        assert len(store.observations_frame()) == 2  # the next read sees the other process's commit
        clock.now += READ_IDLE_SECONDS * 0.9
        assert not dbfile.close_if_idle() and dbfile._current is not None  # not idle long enough yet
        with store._reading():
            clock.now += READ_IDLE_SECONDS * 10
            assert not dbfile.close_if_idle()  # never closed under a reader, however long it reads
        clock.now += READ_IDLE_SECONDS * 0.9
        assert not dbfile.close_if_idle()  # idle counts from the end of the last read
        clock.now += READ_IDLE_SECONDS * 0.2
        assert dbfile.close_if_idle() and dbfile._current is None
    finally:
        dbfile.clock = time.monotonic
    # The closer thread does the same on its own: wait for it to finish (no time is asserted).
    assert store.is_empty() is False and dbfile._current is not None
    closer = dbfile._closer
    if closer is not None:  # None only when it already closed the connection
        closer.join(timeout=120)
        assert not closer.is_alive()
    assert dbfile._current is None


def test_a_replaced_database_file_is_read_afresh(db_path, monkeypatch):
    from metrics import dbfile

    monkeypatch.setattr(dbfile, "READ_IDLE_SECONDS", 60)  # keep this process's read connection open throughout
    store = Store(db_path)
    store.load(parsed("a.csv", [figure("园区甲", "revenue", 1)]))
    assert len(store.observations_frame()) == 1  # this process now holds a read connection
    for leftover in db_path.parent.glob(db_path.name + "*"):
        if not leftover.name.endswith(".lock"):
            leftover.unlink()
    worker = start_worker(db_path, "b.csv", "园区乙", 2)  # another process creates the file anew
    out, err = worker.communicate(timeout=60)
    assert json.loads(out)["status"] == "loaded", err
    assert sorted(store.observations_frame()["park"]) == ["园区乙", "园区乙"]
    dbfile.DbFile.for_path(db_path).drop_read_connection()
