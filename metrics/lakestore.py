"""The shared store: DuckLake with its catalog in PostgreSQL and its data files on a shared path.

The second implementation of the DbFile role (metrics/dbfile.py), chosen by `Store` when PARKDASH_DB
is `ducklake:postgres:<libpq conninfo>`; the SQL of metrics/sql/ runs unchanged on it. Several app
servers and the CLI, on one or several machines, use one store at once:
- readers never wait: each `reading()` block is one DuckLake transaction on the latest snapshot;
  a load commits a new snapshot, which the next read sees;
- writers queue across processes and servers on a PostgreSQL advisory lock held on a connection of
  their own (the same waiting message and StoreBusy timeout as the file's flock; released by
  PostgreSQL when the holder dies), so DuckLake's commit-time conflicts cannot happen between
  our writers; one that still happens (another client of the lake) is reported as `CommitConflict`;
- one transaction per write (all or nothing): DuckLake commits it as one snapshot or nothing.
DuckLake has no PRIMARY KEY, CHECK or column compression: `schema_sql` leaves those out of
metrics/sql/schema.sql, the single writer and the loader's own checks keep what they guarded.
The extensions are LOADed by path from the installed `duckdb-ext-*` packages: never INSTALLed.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib.util
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import ClassVar

import duckdb

from metrics.dbfile import CATALOG, Draft, OnWait, StoreError, Wait, sql_string

LAKE_PREFIX = "ducklake:postgres:"
EXTENSIONS = ("postgres_scanner", "ducklake")
# The advisory lock every writer of a shared store takes (one key per PostgreSQL database).
WRITER_LOCK_KEY = 0x7061726B64617368 & 0x7FFFFFFFFFFFFFFF  # "parkdash"

CONFLICT_ZH = "另一台服务器同时修改了相同的数据，已重试一次仍未成功，数据库保持不变，请稍后重试。"
CONFLICT_EN = "Another server changed the same data at the same time; retried once without success. Nothing was stored; try again."
NO_DATA_ZH = "共享存储需要 PARKDASH_LAKE_DATA：数据文件所在的共享目录。"
NO_DATA_EN = "The shared store needs PARKDASH_LAKE_DATA: the shared directory of its data files."
UNREACHABLE_ZH = "无法打开共享存储（PostgreSQL 与数据目录）："
UNREACHABLE_EN = "Cannot open the shared store (PostgreSQL and the data directory): "


class CommitConflict(StoreError):
    """DuckLake refused a commit because another transaction changed the same data first."""

    def __init__(self):
        super().__init__(CONFLICT_ZH, CONFLICT_EN)


def is_lake(setting: str) -> bool:
    """Whether a PARKDASH_DB value names the shared store rather than a file."""
    return str(setting).startswith(LAKE_PREFIX)


def extension_path(name: str) -> Path:
    """The file of an extension build for the running DuckDB, from the `duckdb-ext-<name>` package."""
    platform = duckdb.execute("PRAGMA platform").fetchall()[0][0]
    version = f"v{duckdb.__version__}"
    spec = importlib.util.find_spec("duckdb_ext")  # a namespace package: the folders that hold it
    folders = [Path(p) for p in (spec.submodule_search_locations if spec else [])] or [Path("duckdb_ext")]
    candidates = [folder / "extensions" / version / platform / f"{name}.duckdb_extension" for folder in folders]
    path = next((c for c in candidates if c.is_file()), candidates[0])
    if not path.is_file():
        raise StoreError(
            f"共享存储所需的 DuckDB 扩展 {name} 未安装（{path}）：请按 requirements.txt 安装 duckdb-ext-* 包。",
            f"The DuckDB extension {name} the shared store needs is not installed ({path}): "
            "install the duckdb-ext-* packages of requirements.txt.",
        )
    return path


def schema_without_constraints(text: str) -> str:
    """schema.sql without what DuckLake cannot hold: PRIMARY KEY, CHECK lines, column compression."""
    text = re.sub(r"\s+PRIMARY KEY\b", "", text)
    text = re.sub(r"\s+USING COMPRESSION \w+", "", text)
    return re.sub(r"^\s*CHECK \(.*\),?[ \t]*(--[^\n]*)?\n", "", text, flags=re.MULTILINE)


class LakeStore:
    """Access to one shared store (conninfo + data directory); one instance per store per process."""

    _instances: ClassVar[dict[tuple[str, str], LakeStore]] = {}
    _instances_lock = threading.Lock()

    @classmethod
    def for_setting(cls, setting: str, data_dir: str | None) -> LakeStore:
        if not data_dir:
            raise StoreError(NO_DATA_ZH, NO_DATA_EN)
        key = (setting, str(Path(data_dir).resolve()))
        with cls._instances_lock:
            if key not in cls._instances:
                cls._instances[key] = cls(setting[len(LAKE_PREFIX) :], Path(key[1]))
            return cls._instances[key]

    @classmethod
    def release(cls, setting: str) -> None:
        """Close and forget this process's instances of a store (a test's store, dropped afterwards)."""
        with cls._instances_lock:
            for key in [k for k in cls._instances if k[0] == setting]:
                cls._instances.pop(key).close()

    def __init__(self, conninfo: str, data_dir: Path):
        self.conninfo = conninfo
        self.data_dir = data_dir
        self.files_dir = data_dir / "files"
        self.lock_path = None  # no lock file: the writer lock lives in PostgreSQL
        self._db = self._connect()

    def _connect(self) -> duckdb.DuckDBPyConnection:
        """One in-memory DuckDB per process with the lake attached; readers and the writer take cursors."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        extensions = [extension_path(name) for name in EXTENSIONS]
        con = duckdb.connect()
        try:
            for path in extensions:
                con.execute(f"LOAD {sql_string(str(path))}")
            con.execute(
                f"ATTACH {sql_string(LAKE_PREFIX + self.conninfo)} AS {CATALOG} "
                f"(DATA_PATH {sql_string(str(self.data_dir) + '/')})"
            )
        except duckdb.Error as exc:
            con.close()
            raise StoreError(UNREACHABLE_ZH + str(exc), UNREACHABLE_EN + str(exc)) from exc
        return con

    def has_content(self) -> bool:
        """True once the store's schema exists."""
        with self.reading() as con:
            return bool(
                con.execute(
                    "SELECT count(*) FROM duckdb_tables() WHERE database_name = $db AND table_name = 'schema_version'",
                    {"db": CATALOG},
                ).fetchall()[0][0]
            )

    def stamp(self) -> int:
        """The lake's latest snapshot id: changes with every commit, from any server."""
        with self.reading() as con:
            return con.execute(f"SELECT id FROM ducklake_current_snapshot('{CATALOG}')").fetchall()[0][0]

    @staticmethod
    def schema_sql(text: str) -> str:
        return schema_without_constraints(text)

    @contextmanager
    def reading(self, on_wait: OnWait | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor in one read transaction: one consistent snapshot; never waits for a writer."""
        cursor = self._db.cursor()
        try:
            cursor.execute(f"USE {CATALOG}")
            cursor.execute("BEGIN TRANSACTION")
            try:
                yield cursor
            finally:
                with contextlib.suppress(duckdb.Error):
                    cursor.execute("ROLLBACK")  # nothing to keep: a read transaction
        finally:
            cursor.close()

    def drop_read_connection(self) -> None:
        """Nothing kept per read (each read is a cursor of its own): nothing to drop."""

    @contextmanager
    def writer_lock(self, on_wait: OnWait | None = None) -> Iterator[None]:
        """The writers' PostgreSQL advisory lock, on a connection held until the block ends."""
        import psycopg

        wait = Wait(on_wait)
        try:
            lock_con = psycopg.connect(self.conninfo, autocommit=True)
        except psycopg.Error as exc:
            raise StoreError(UNREACHABLE_ZH + str(exc), UNREACHABLE_EN + str(exc)) from exc
        try:
            while not lock_con.execute("SELECT pg_try_advisory_lock(%s)", (WRITER_LOCK_KEY,)).fetchone()[0]:
                wait.again()
            yield
        finally:
            lock_con.close()  # ends the session: PostgreSQL releases its advisory lock

    @contextmanager
    def writing(self, on_wait: OnWait | None = None) -> Iterator[Draft]:
        """A cursor on the lake for one transaction (the caller begins and commits it), under the writer lock."""
        with self.writer_lock(on_wait):
            cursor = self._db.cursor()
            try:
                cursor.execute(f"USE {CATALOG}")
                yield Draft(cursor, None)
            finally:
                cursor.close()

    def close(self) -> None:
        with contextlib.suppress(duckdb.Error):
            self._db.close()


def is_commit_conflict(exc: BaseException) -> bool:
    """Whether a failed COMMIT was DuckLake's conflict with a concurrent transaction."""
    return isinstance(exc, duckdb.Error) and "conflict" in str(exc).lower()


@atexit.register
def _close_lakes() -> None:
    """Close the lakes' DuckDB instances before the interpreter tears DuckDB down."""
    for lake in list(LakeStore._instances.values()):
        lake.close()
