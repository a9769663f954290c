"""One DuckDB file shared by processes: readers never wait; writers publish a new copy atomically.

DuckDB lets no other process open a file that one process holds read-write, so no process ever
opens the published database file read-write. A writer, holding an exclusive flock on
`<db>.lock` (writers queue there, with a waiting message), copies the file to
`<db>.writing-<pid>`, runs its transaction on the copy, checkpoints and closes it (no .wal is
left), fsyncs it and `os.replace`s it over the database file, then fsyncs the directory.

Readers take no lock at all. `os.replace` is atomic, so opening the path yields either the old
or the new file, each complete; a reader that opened the old file keeps reading that consistent
snapshot. A process keeps one read-only connection (opening one costs ~20 ms) and reopens it
when the path names another file than the one it opened (inode, size or mtime changed), or
after `READ_IDLE_SECONDS` without a query. The read connection is an in-memory DuckDB that
ATTACHes the file read-only: `duckdb.connect(path)` would hand back the cached instance of the
old file while it is still open.

A writer killed at any point leaves the published file untouched and only a stale copy, which
the next writer deletes (holding the writer flock proves no live writer is using it).
See docs/ARCHITECTURE.md, "Store design".
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import ClassVar

import duckdb

from metrics.config import limits

READ_IDLE_SECONDS = 0.5
CATALOG = "store"  # name of the attached database inside a read connection
OnWait = Callable[[str, str], None]

WAIT_ZH = "另一个导入正在进行，正在等待其完成…"
WAIT_EN = "Another load is in progress; waiting for it to finish…"
BUSY_ZH = "数据库正被另一个导入占用，等待超时，请稍后重试。"
BUSY_EN = "The database is busy with another load; timed out waiting. Try again later."
PUBLISH_ZH = "无法写入数据库文件（磁盘空间不足或无写权限？），数据库保持不变："
PUBLISH_EN = "Could not write the database file (disk full or no permission?); the database is unchanged: "


class StoreError(Exception):
    """A store operation refused, with a message in Chinese and in English."""

    def __init__(self, message_zh: str, message_en: str):
        super().__init__(message_en)
        self.message_zh = message_zh
        self.message_en = message_en

    def message(self, lang: str) -> str:
        """The message in `lang` (zh unless "en")."""
        return self.message_en if lang == "en" else self.message_zh


class StoreBusy(StoreError):
    """Another writer held the database longer than `lock_wait_seconds`."""


class Wait:
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


def sql_string(text: str) -> str:
    """`text` as a SQL string literal. Only for ATTACH, which takes no bound parameter in DuckDB 1.4.4
    (2.0 accepted `ATTACH $path`); the text is a path or setting of the deployment, never user data."""
    return "'" + text.replace("'", "''") + "'"


def _flock(fd: int, mode: int, wait: Wait) -> None:
    while True:
        try:
            fcntl.flock(fd, mode | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            wait.again()


def _file_identity(path: Path) -> tuple[int, int, int, int] | None:
    """Which file the path names now: a replacement changes the inode (and mtime, size)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_dev, st.st_ino, st.st_mtime_ns, st.st_size)


def _wal(path: Path) -> Path:
    """The write-ahead log DuckDB keeps beside a database file."""
    return path.with_name(path.name + ".wal")


def _unlink(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def _fsync_path(path: Path, directory: bool = False) -> None:
    fd = os.open(path, os.O_RDONLY | (os.O_DIRECTORY if directory else 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class _ReadHandle:
    """A read-only view of one file (one inode): an in-memory DuckDB with the file attached."""

    def __init__(self, path: Path, identity):
        self.identity = identity
        self.users = 0
        self.con = duckdb.connect()  # in-memory: never the instance cache keyed by the file's path
        try:
            self.con.execute(f"ATTACH {sql_string(str(path))} AS {CATALOG} (READ_ONLY)")
        except BaseException:
            self.con.close()
            raise

    def close(self) -> None:
        self.con.close()


class Draft:
    """The writer's copy: `con` is open read-write on it; `publish = False` discards it at the end."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path):
        self.con = con
        self.path = path
        self.publish = True


class DbFile:
    """Access to one database file; one instance per file per process."""

    _instances: ClassVar[dict[Path, DbFile]] = {}
    _instances_lock = threading.Lock()

    @classmethod
    def for_path(cls, path: Path) -> DbFile:
        key = Path(os.path.abspath(path))
        with cls._instances_lock:
            if key not in cls._instances:
                cls._instances[key] = cls(key)
            return cls._instances[key]

    def __init__(self, path: Path, clock: Callable[[], float] = time.monotonic):
        self.path = path
        self.clock = clock  # when a read last ended and whether the connection is idle; tests set their own
        self.lock_path = path.with_name(path.name + ".lock")
        self.draft_prefix = path.name + ".writing-"
        self._mutex = threading.Lock()
        self._current: _ReadHandle | None = None
        self._last_read = 0.0
        self._closer: threading.Thread | None = None

    def has_content(self) -> bool:
        """True once the file exists and is not empty (its schema was published)."""
        return self.path.exists() and self.path.stat().st_size > 0

    def stamp(self):
        """Which file the path names now (a write replaces it): inode, size, mtime; None when absent."""
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_size, st.st_mtime_ns)

    @staticmethod
    def schema_sql(text: str) -> str:
        """metrics/sql/schema.sql as this engine runs it: unchanged for a DuckDB file."""
        return text

    # -- reading ----------------------------------------------------------------------------

    @contextmanager
    def reading(self, on_wait: OnWait | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor on the kept read-only connection to the file the path names now; never waits for a writer."""
        identity = _file_identity(self.path)  # before opening: a race can only cause one needless reopen
        with self._mutex:
            handle = self._current
            if handle is None or handle.identity != identity:
                if handle is not None:
                    self._retire(handle)  # replaced by a writer: its last reader closes it
                handle = self._current = _ReadHandle(self.path, identity)
                self._start_closer()
            handle.users += 1
        try:
            cursor = handle.con.cursor()
            try:
                cursor.execute(f"USE {CATALOG}")
                yield cursor
            finally:
                cursor.close()
        finally:
            with self._mutex:
                handle.users -= 1
                self._last_read = self.clock()
                if handle is not self._current and handle.users == 0:
                    handle.close()

    def _retire(self, handle: _ReadHandle) -> None:
        """Stop handing out `handle` (caller holds the mutex); close it now if nobody uses it."""
        if self._current is handle:
            self._current = None
        if handle.users == 0:
            handle.close()

    def drop_read_connection(self) -> None:
        """Close this process's read-only connection now, or once its readers finish; reopened on the next read."""
        with self._mutex:
            if self._current is not None:
                self._retire(self._current)

    def _start_closer(self) -> None:
        """Start the thread that closes the read connection once idle (caller holds the mutex)."""
        if self._closer is None or not self._closer.is_alive():
            self._closer = threading.Thread(
                target=self._close_when_idle, name=f"dbfile-closer:{self.path.name}", daemon=True
            )
            self._closer.start()

    def close_if_idle(self) -> bool:
        """Close the read connection if no reader has used it for READ_IDLE_SECONDS (by `clock`); True
        when none is open afterwards. The closer thread calls this every READ_IDLE_SECONDS / 2."""
        with self._mutex:
            return self._close_if_idle_locked()

    def _close_if_idle_locked(self) -> bool:
        if self._current is None:
            return True
        if self._current.users == 0 and self.clock() - self._last_read >= READ_IDLE_SECONDS:
            self._retire(self._current)
            return True
        return False

    def _close_when_idle(self) -> None:
        while True:
            time.sleep(READ_IDLE_SECONDS / 2)
            with self._mutex:  # no local keeps the handle alive while this daemon thread sleeps
                if self._close_if_idle_locked():
                    self._closer = None
                    return

    # -- writing ----------------------------------------------------------------------------

    @contextmanager
    def writer_lock(self, on_wait: OnWait | None = None) -> Iterator[None]:
        """The exclusive writer flock on `<db>.lock`; released by the kernel if the process dies."""
        wait = Wait(on_wait)
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o666)
        try:
            _flock(fd, fcntl.LOCK_EX, wait)
            yield
        finally:
            os.close(fd)  # closing the descriptor releases its flock

    @contextmanager
    def writing(self, on_wait: OnWait | None = None) -> Iterator[Draft]:
        """A read-write connection on a private copy, published over the file if the block succeeds."""
        with self.writer_lock(on_wait):
            self.remove_stale_drafts()
            self._checkpoint_old_wal(Wait(on_wait))
            draft_path = self.path.with_name(f"{self.draft_prefix}{os.getpid()}")
            try:
                if self.has_content():
                    shutil.copyfile(self.path, draft_path)
                    shutil.copymode(self.path, draft_path)
                con = duckdb.connect(str(draft_path))
            except BaseException as exc:
                self._discard(draft_path)
                if isinstance(exc, OSError):
                    raise StoreError(PUBLISH_ZH + str(exc), PUBLISH_EN + str(exc)) from exc
                raise
            draft = Draft(con, draft_path)
            try:
                yield draft
                if draft.publish:
                    self._publish(draft)
            finally:
                with contextlib.suppress(duckdb.Error):
                    con.close()
                self._discard(draft_path)  # nothing left once published; the whole copy otherwise

    def _publish(self, draft: Draft) -> None:
        """Checkpoint and close the copy, make it durable, and atomically put it in place of the file."""
        try:
            draft.con.execute("CHECKPOINT")
            draft.con.close()
            wal = _wal(draft.path)
            if wal.exists() and wal.stat().st_size > 0:  # never expected after a checkpoint and a close
                raise OSError(f"{wal.name} left after the checkpoint")
            _unlink(wal)
            _fsync_path(draft.path)
            os.replace(draft.path, self.path)
            _fsync_path(self.path.parent, directory=True)
        except (OSError, duckdb.IOException) as exc:
            raise StoreError(PUBLISH_ZH + str(exc), PUBLISH_EN + str(exc)) from exc

    def _discard(self, draft_path: Path) -> None:
        for path in (draft_path, _wal(draft_path)):
            _unlink(path)

    def remove_stale_drafts(self) -> list[Path]:
        """Delete copies left by killed writers; call only while holding the writer lock."""
        stale = [p for p in self.path.parent.glob(self.draft_prefix + "*") if p.is_file()]
        for path in stale:
            _unlink(path)
        return stale

    def _checkpoint_old_wal(self, wait: Wait) -> None:
        """Fold a `<db>.wal` left by an older version (it wrote in place) into the file before copying it."""
        if not _wal(self.path).exists():
            return
        self.drop_read_connection()
        while True:
            try:
                con = duckdb.connect(str(self.path))
                break
            except duckdb.IOException as exc:
                if "lock" not in str(exc).lower():
                    raise
                wait.again()  # a reader still has the old file open read-only
        try:
            con.execute("CHECKPOINT")
        finally:
            con.close()


@atexit.register
def _close_read_connections() -> None:
    """Close kept read connections before the interpreter tears DuckDB down."""
    for dbfile in list(DbFile._instances.values()):
        dbfile.drop_read_connection()
