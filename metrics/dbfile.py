"""One DuckDB file shared by processes: flocks on `<db>.lock`, a short-lived read connection, the writer's connection.

Readers hold a shared flock while they query; a writer holds an exclusive one while its connection
is open. A process keeps its read-only connection open between queries (opening one costs
15-80 ms) and closes it after `READ_IDLE_SECONDS` without a query, or at once before it writes
itself. A writer in another process that finds the file still held read-only retries until then.
"""

from __future__ import annotations

import atexit
import fcntl
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import ClassVar

import duckdb

from metrics.config import limits

READ_IDLE_SECONDS = 0.5
OnWait = Callable[[str, str], None]

WAIT_ZH = "另一个导入正在进行，正在等待其完成…"
WAIT_EN = "Another load is in progress; waiting for it to finish…"
BUSY_ZH = "数据库正被另一个导入占用，等待超时，请稍后重试。"
BUSY_EN = "The database is busy with another load; timed out waiting. Try again later."


class StoreError(Exception):
    """A store operation refused, with a message in Chinese and in English."""

    def __init__(self, message_zh: str, message_en: str):
        super().__init__(message_en)
        self.message_zh = message_zh
        self.message_en = message_en


class StoreBusy(StoreError):
    """Another process held the database longer than `lock_wait_seconds`."""


class _Wait:
    """A bounded wait: one deadline, and the caller told once that it is waiting."""

    def __init__(self, on_wait: OnWait | None):
        self.deadline = time.monotonic() + limits().lock_wait_seconds
        self.on_wait = on_wait
        self.told = False
        self.pause = 0.002

    def again(self) -> None:
        """Report the wait (once), give up past the deadline, else sleep a little longer each time."""
        if not self.told and self.on_wait is not None:
            self.on_wait(WAIT_ZH, WAIT_EN)
        self.told = True
        if time.monotonic() >= self.deadline:
            raise StoreBusy(BUSY_ZH, BUSY_EN)
        time.sleep(self.pause)
        self.pause = min(self.pause * 2, 0.05)


def _flock(fd: int, mode: int, wait: _Wait) -> None:
    while True:
        try:
            fcntl.flock(fd, mode | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            wait.again()


def _file_identity(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_dev, st.st_ino)


class DbFile:
    """Access to one database file under the flock protocol; one instance per file per process."""

    _instances: ClassVar[dict[Path, DbFile]] = {}
    _instances_lock = threading.Lock()

    @classmethod
    def for_path(cls, path: Path) -> DbFile:
        key = Path(os.path.abspath(path))
        with cls._instances_lock:
            if key not in cls._instances:
                cls._instances[key] = cls(key)
            return cls._instances[key]

    def __init__(self, path: Path):
        self.path = path
        self.lock_path = path.with_name(path.name + ".lock")
        self.writer_lock_path = path.with_name(path.name + ".lock.writer")
        self._mutex = threading.Lock()
        self._read_con: duckdb.DuckDBPyConnection | None = None
        self._read_identity: tuple[int, int] | None = None
        self._readers = 0
        self._last_read = 0.0
        self._closer: threading.Thread | None = None

    @contextmanager
    def locked(self, exclusive: bool, wait: _Wait) -> Iterator[None]:
        """Hold the flock on `<db>.lock`, shared or exclusive.

        A writer first takes `<db>.lock.writer`, which new readers pass through, so a steady
        stream of readers cannot starve it; readers already inside finish first.
        """
        mode = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
        gate = os.open(self.writer_lock_path, os.O_RDWR | os.O_CREAT, 0o666)
        main = None
        try:
            _flock(gate, mode, wait)
            main = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o666)
            _flock(main, mode, wait)
            if not exclusive:
                os.close(gate)  # readers only pass through the gate
                gate = None
            yield
        finally:
            for fd in (main, gate):
                if fd is not None:
                    os.close(fd)  # closing the descriptor releases its flock

    @contextmanager
    def reading(self, on_wait: OnWait | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor on the shared read-only connection, under a shared flock."""
        with self.locked(exclusive=False, wait=_Wait(on_wait)):
            with self._mutex:
                identity = _file_identity(self.path)
                if self._read_con is not None and identity != self._read_identity:
                    self._read_con.close()  # the file was replaced (deleted and created anew) since we opened it
                    self._read_con = None
                if self._read_con is None:
                    self._read_con = duckdb.connect(str(self.path), read_only=True)
                    self._read_identity = identity
                    self._start_closer()
                self._readers += 1
                con = self._read_con
            cursor = con.cursor()
            try:
                yield cursor
            finally:
                cursor.close()
                with self._mutex:
                    self._readers -= 1
                    self._last_read = time.monotonic()

    @contextmanager
    def writing(self, on_wait: OnWait | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
        """The read-write connection, under an exclusive flock; closed afterwards."""
        wait = _Wait(on_wait)
        with self.locked(exclusive=True, wait=wait):
            self.drop_read_connection()  # no reader of this process is inside: we hold the lock
            con = self._connect_read_write(wait)
            try:
                yield con
            finally:
                con.close()

    def drop_read_connection(self) -> None:
        """Close this process's read-only connection now (it reopens on the next read)."""
        with self._mutex:
            if self._read_con is not None and self._readers == 0:
                self._read_con.close()
                self._read_con = None

    def _connect_read_write(self, wait: _Wait) -> duckdb.DuckDBPyConnection:
        """Open read-write, waiting while another process still has its idle read connection open."""
        while True:
            try:
                return duckdb.connect(str(self.path))
            except duckdb.IOException as exc:
                if "lock" not in str(exc).lower():
                    raise
                wait.again()

    def _start_closer(self) -> None:
        """Start the thread that closes the read connection once idle (caller holds the mutex)."""
        if self._closer is None or not self._closer.is_alive():
            self._closer = threading.Thread(
                target=self._close_when_idle, name=f"dbfile-closer:{self.path.name}", daemon=True
            )
            self._closer.start()

    def _close_when_idle(self) -> None:
        while True:
            time.sleep(READ_IDLE_SECONDS / 2)
            with self._mutex:
                if self._read_con is None:
                    self._closer = None
                    return
                if self._readers == 0 and time.monotonic() - self._last_read >= READ_IDLE_SECONDS:
                    self._read_con.close()
                    self._read_con = None
                    self._closer = None
                    return


@atexit.register
def _close_read_connections() -> None:
    """Close cached read connections before the interpreter tears DuckDB down."""
    for dbfile in list(DbFile._instances.values()):
        dbfile.drop_read_connection()
