"""The DuckDB store: the only module that runs SQL against the database file.

Reads run on a kept read-only connection and never wait; a write runs its one transaction on a
private copy of the file, published over it atomically when it succeeds, writers queueing on an
exclusive flock (metrics/dbfile.py). See docs/ARCHITECTURE.md, "Store design".
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
import re
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from metrics import scope
from metrics.config import db_setting, lake_data_dir
from metrics.dbfile import DbFile, Draft, OnWait, StoreError
from metrics.lakestore import CommitConflict, LakeStore, is_commit_conflict, is_lake
from metrics.model import BASES, OBS_COLUMNS, QUALIFIERS, IngestReport, ParsedFile
from metrics.preview import LoadPreview, last_per_key
from metrics.targets import indicator_of

SQL_DIR = Path(__file__).parent / "sql"
SCHEMA_VERSION = 2  # 2: restores are events in `loads` (kind, restored_history_id)
PAUSE_ENV = "PARKDASH_TEST_PAUSE_IN_LOAD"  # test hook: seconds to sleep inside a load's transaction
CHANGE_COLUMNS = [
    "change_id",
    "at",
    "actor",
    "action",
    "target_kind",
    "target",
    "before",
    "after",
    "reverts",
    "revertible",
]


@cache
def _statements(file_name: str) -> dict[str, str]:
    """Named statements of a SQL file (`-- name: x` starts statement x)."""
    text = (SQL_DIR / file_name).read_text(encoding="utf-8")
    parts = re.split(r"^-- name: (\w+)\s*$", text, flags=re.MULTILINE)
    return {name: body.strip().rstrip(";") for name, body in zip(parts[1::2], parts[2::2], strict=True)}


def _chain_or_none(chain) -> str | None:
    """A chain name, or None for a whole-park figure (None, NaN, NA or an empty string)."""
    return chain if isinstance(chain, str) and chain != "" else None


def _value_type(arrow_type: pa.DataType) -> pa.DataType:
    """The type of the values: a dictionary's value type, else the type itself."""
    return arrow_type.value_type if pa.types.is_dictionary(arrow_type) else arrow_type


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _rejected(report: IngestReport, zh: str | None = None, en: str | None = None) -> IngestReport:
    out = dataclasses.replace(report, status="rejected", rows_loaded=0, load_id=None, rows_replaced=0, rows_unchanged=0)
    if zh:
        out.fatal, out.fatal_en = zh, en
    return out


OPEN_ZH = "无法打开数据库（文件损坏，或由更新版本的 DuckDB 写入：见 README“Moving an existing deployment”）："
OPEN_EN = (
    "Cannot open the database (damaged, or written by a newer DuckDB: see README, 'Moving an existing deployment'): "
)


class Store:
    """Handle on one database: a DuckDB file (metrics/dbfile.py) or the shared store (metrics/lakestore.py),
    chosen by the setting (PARKDASH_DB); cheap to create, holds no connection of its own."""

    def __init__(self, path: str | os.PathLike | None = None, catalog=None):
        setting = str(path) if path is not None else db_setting()
        self.shared = is_lake(setting)
        if self.shared:
            self.path = None  # no file: DuckLake's catalog is in PostgreSQL, its data under PARKDASH_LAKE_DATA
            self._file = LakeStore.for_setting(setting, lake_data_dir())
            self.files_dir = self._file.files_dir
        else:
            self.path = Path(setting)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = DbFile.for_path(self.path)
            self.files_dir = self.path.parent / f"{self.path.stem}_files"
        self.lock_path = self._file.lock_path
        self._base_catalog = catalog  # the shipped defaults (default_catalog() when None)
        self._merged_catalog: tuple[object, object] | None = None  # (file stamp, merged catalog)
        self._data_version: tuple[object, str] | None = None  # (file stamp, data_version())
        self.catalog_problems: list = []  # analysts' entries that no longer fit the shipped catalog
        self._schema_ready = False  # set once this handle has run schema.sql (idempotent)
        try:
            self._ensure_schema()
        except duckdb.Error as exc:  # e.g. a file written by a newer DuckDB (README, "Moving an existing deployment")
            raise StoreError(OPEN_ZH + str(exc).splitlines()[0], OPEN_EN + str(exc).splitlines()[0]) from exc

    @property
    def base_catalog(self):
        """The shipped catalog (TOML defaults) that the database's entries are merged over."""
        if self._base_catalog is None:
            from metrics.catalog import default_catalog

            self._base_catalog = default_catalog()
        return self._base_catalog

    @property
    def catalog(self):
        """The catalog in effect: the shipped defaults merged with the analysts' entries in the database
        (see "Analysts' catalog" at the end of the class); re-read after any write (the file replaced, a new
        snapshot of the shared store)."""
        stamp = self._file_stamp()
        if self._merged_catalog is None or self._merged_catalog[0] != stamp or stamp is None:
            with self._reading() as con:
                cat = self._merged_from(con, lenient=True)
            self._merged_catalog = (stamp, cat)
        return self._merged_catalog[1]

    # -- connections ------------------------------------------------------------------------

    @contextmanager
    def _reading(self, on_wait: OnWait | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
        with self._file.reading(on_wait) as con:
            yield con

    @contextmanager
    def _writing(self, on_wait: OnWait | None = None) -> Iterator[Draft]:
        """One transaction on the writer's copy: published on success (unless `draft.publish` is
        set False), discarded on error; readers see it only once published."""
        with self._file.writing(on_wait) as draft:
            con = draft.con
            con.execute("BEGIN TRANSACTION")
            try:
                self._create_schema(con)
                yield draft
            except BaseException:
                con.execute("ROLLBACK")
                raise
            try:
                con.execute("COMMIT" if draft.publish else "ROLLBACK")
            except duckdb.Error as exc:
                if is_commit_conflict(exc):  # DuckLake: another client of the lake changed the same data
                    raise CommitConflict() from exc
                raise
        self._schema_ready = True

    def _ensure_schema(self) -> None:
        """Create the schema in a new file, or bring a file of an older version up to date (schema.sql is
        idempotent), so that reads never meet a missing column."""
        if self._file.has_content() and self._schema_version() >= SCHEMA_VERSION:
            return
        with self._writing():
            pass  # _writing runs schema.sql and records the version

    def _schema_version(self) -> int:
        with self._reading() as con:
            return con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchall()[0][0]

    def _create_schema(self, con) -> None:
        if not self._schema_ready:
            con.execute(self._file.schema_sql((SQL_DIR / "schema.sql").read_text(encoding="utf-8")))
            if con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchall()[0][0] < SCHEMA_VERSION:
                con.execute("INSERT INTO schema_version VALUES ($v, $now)", {"v": SCHEMA_VERSION, "now": _utc_now()})

    # -- reading ----------------------------------------------------------------------------

    def query(self, sql: str, params: dict | list | None = None) -> pd.DataFrame:
        """Run one read-only statement with bound parameters; the result as a DataFrame."""
        with self._reading() as con:
            return con.execute(sql, params).df() if params else con.execute(sql).df()

    def observations_frame(self) -> pd.DataFrame:
        """Current figures (OBS_COLUMNS + load_id), sorted by the key, whole-park figures first."""
        return self.query(
            f"SELECT {', '.join(OBS_COLUMNS)}, load_id FROM observations "
            "ORDER BY park, chain NULLS FIRST, period_start, period_end, indicator"
        )

    def is_empty(self) -> bool:
        return bool(self.query("SELECT count(*) = 0 AS empty FROM observations")["empty"].iloc[0])

    def data_version(self) -> str:
        """A value that changes with every committed write, figures or catalog (for UI cache keys).
        Every page view asks. On a file the answer is kept while the path names the same file (a write
        publishes a new one, see Store design), so a view costs a stat, not three queries
        (bench/bench_viewers.py); on the shared store it is the latest snapshot id, which any server's
        commit changes (one query)."""
        stamp = self._file_stamp()  # before reading: a file published meanwhile only makes the next call read again
        if self.shared:
            return f"s{stamp}"
        if stamp is not None and self._data_version is not None and self._data_version[0] == stamp:
            return self._data_version[1]
        row = self.query("SELECT coalesce(max(audit_id), 0) AS last, count(*) AS n FROM audit").iloc[0]
        version = f"{int(row['last'])}-{int(row['n'])}-c{self.catalog_version()}"
        self._data_version = (stamp, version)
        return version

    def loads(self) -> pd.DataFrame:
        """Every load, newest first."""
        return self.query("SELECT * FROM loads ORDER BY load_id DESC")

    def audit(self) -> pd.DataFrame:
        """Who did what, newest first."""
        return self.query("SELECT * FROM audit ORDER BY audit_id DESC")

    def history(self, park: str, chain: str | None, period_start, period_end, indicator: str) -> pd.DataFrame:
        """Replaced values of one key, newest first."""
        return self.query(
            "SELECT * FROM observation_history WHERE park = $park AND chain IS NOT DISTINCT FROM $chain "
            "AND period_start = $start AND period_end = $end AND indicator = $indicator "
            "ORDER BY replaced_at DESC, history_id DESC",
            {
                "park": park,
                "chain": _chain_or_none(chain),
                "start": pd.Timestamp(period_start).date(),
                "end": pd.Timestamp(period_end).date(),
                "indicator": indicator,
            },
        )

    # -- writing ----------------------------------------------------------------------------

    def load(
        self,
        parsed: ParsedFile,
        skip_bad_rows: bool = False,
        actor: str = "cli",
        on_wait: OnWait | None = None,
        *,
        allowed_parks: tuple[str, ...] | None = None,
    ) -> IngestReport:
        """Store one file's figures in one transaction; the report says loaded, unchanged or rejected.

        rows_loaded counts the file's distinct figures that are current after the load: new ones,
        ones that replaced a different value (rows_replaced) and ones already equal (rows_unchanged).
        `allowed_parks` (a scoped analyst account's canonical parks; None = any park): a file holding a
        figure of another park is rejected, naming those parks, before anything else.
        """
        report = parsed.report
        if allowed_parks is not None:
            outside = scope.parks_outside(parsed.frame["park"].unique(), allowed_parks, self.catalog)
            if outside:
                return _rejected(report, *scope.refusal("load", outside, allowed_parks))
        if report.fatal or (report.errors and not skip_bad_rows):
            return _rejected(report)
        frame = self._incoming_frame(parsed.frame)
        problem = self._frame_problem(frame)
        if problem:
            return _rejected(report, *problem)
        if frame.num_rows == 0:
            return _rejected(report, "文件中没有可读取的数据。", "No figures could be read from the file.")
        sha256 = parsed.content_sha256 or (hashlib.sha256(parsed.data).hexdigest() if parsed.data else "")
        same_file = self._same_file_loaded(sha256) if sha256 else []
        if same_file:  # the very same bytes are loaded: no need to wait for the writer lock, nor to copy
            return self._unchanged(report, same_file[0][1])
        try:
            return self._load_retrying(parsed, frame, sha256, actor, on_wait, scope.audit_detail(allowed_parks))
        except StoreError as exc:  # StoreBusy, a conflict twice, or the new file could not be written
            return _rejected(report, exc.message_zh, exc.message_en)
        except OSError as exc:  # keeping the original bytes failed (disk full?); rolled back
            return _rejected(report, f"无法保存原始文件：{exc}", f"Could not keep the original file: {exc}")
        except (duckdb.ConstraintException, duckdb.ConversionException) as exc:  # rolled back; a bug upstream
            return _rejected(report, f"数据无法写入数据库：{exc}", f"The figures could not be stored: {exc}")

    def _load_retrying(self, parsed, frame, sha256, actor, on_wait, audit_extra) -> IngestReport:
        """The load's transaction; once more when the shared store reports a commit conflict (our writers
        queue on one lock, so only another client of the lake can cause one); CommitConflict the second time."""
        for attempt in (1, 2):
            try:
                with self._writing(on_wait) as draft:
                    out = self._load_in_transaction(draft.con, parsed, frame, sha256, actor, audit_extra)
                    draft.publish = out.status == "loaded"
                    return out
            except CommitConflict:
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _load_in_transaction(
        self, con, parsed: ParsedFile, table: pa.Table, sha256: str, actor: str, audit_extra: dict
    ) -> IngestReport:
        sql = _statements("store_load.sql")
        report = parsed.report
        if sha256:
            same_file = con.execute(sql["same_file_loaded"], {"sha256": sha256}).fetchall()
            if same_file:  # the very same bytes are loaded: nothing to compare
                return self._unchanged(report, same_file[0][1])
        # The draft connection is closed after this transaction: the registered tables go with it.
        con.register("incoming", table)
        keys = self._register_latest(con, sql, table, self._keys_distinct(con, sql, parsed.keys_unique))
        con.execute(sql["incoming_rows"])
        all_new = self._all_new(con, sql)
        if all_new:  # nothing to compare with
            new, replaced, unchanged = keys, 0, 0
        else:
            con.execute(sql["stage"])
            new, replaced, unchanged = con.execute(sql["counts"]).fetchall()[0]
        counts = {"rows_loaded": new + replaced + unchanged, "rows_replaced": replaced, "rows_unchanged": unchanged}
        if new == 0 and replaced == 0:
            return dataclasses.replace(report, status="unchanged", load_id=None, **counts)
        load_id = con.execute(sql["next_load_id"]).fetchall()[0][0]
        now = _utc_now()
        if all_new:
            con.execute(sql["insert_new_figures"], {"load_id": load_id})
        else:
            if replaced or unchanged:  # equal figures are restated: this load states them from now on
                con.execute(sql["collect_replaced"])
                self._insert_history(con, sql["keep_replaced"], {"now": now, "load_id": load_id})
                con.execute(sql["drop_replaced"])
            con.execute(sql["insert_figures"], {"load_id": load_id})
        out = dataclasses.replace(report, status="loaded", load_id=load_id, **counts)
        kept = self._keep_file(parsed, sha256)
        con.execute(
            sql["record_load"],
            {
                "load_id": load_id,
                "file_name": report.file,
                "sha256": sha256,
                "kept_path": kept,
                "now": now,
                "actor": actor,
                "missing": report.missing,
                "totals_skipped": report.totals_skipped,
                "report_json": json.dumps(out.as_contract(), ensure_ascii=False),
                **counts,
            },
        )
        self._audit(con, actor, "load", {"load_id": load_id, "file": report.file, **counts, **audit_extra}, now)
        if report.new_regions:
            self._add_regions(con, report.new_regions, actor)
        pause = os.environ.get(PAUSE_ENV)
        if pause:
            print(f"{PAUSE_ENV}: paused inside the load transaction", file=sys.stderr, flush=True)
            time.sleep(float(pause))
        return out

    @staticmethod
    def _insert_history(con, statement: str, params: dict) -> int:
        """Run an INSERT INTO observation_history numbering its rows `$first_id - 1 + row_number()`,
        $first_id the next history id (the writer lock makes it ours)."""
        first_id = con.execute(_statements("store_load.sql")["next_history_id"]).fetchall()[0][0]
        return con.execute(statement, {**params, "first_id": first_id}).fetchall()[0][0]

    @staticmethod
    def _keys_distinct(con, sql: dict[str, str], keys_unique: bool) -> bool:
        """True when no key is in the file twice: read_file checked it, or the keys' hashes all differ."""
        return keys_unique or con.execute(sql["keys_distinct"]).fetchall()[0][0]

    @staticmethod
    def _all_new(con, sql: dict[str, str]) -> bool:
        """True when no current figure shares a park with the file's: every figure of the file is new."""
        return not (
            con.execute(sql["any_current"]).fetchall()[0][0] and con.execute(sql["park_current"]).fetchall()[0][0]
        )

    @staticmethod
    def _register_latest(con, sql: dict[str, str], table: pa.Table, keys_distinct: bool) -> int:
        """Make `incoming_latest` the file's last figure of each key; return how many keys the file has."""
        if keys_distinct:
            con.register("incoming_latest", table)  # no need to copy the file's rows
            return table.num_rows
        numbered = table.append_column("seq", pa.array(np.arange(table.num_rows, dtype=np.int64)))
        con.register("incoming", numbered)  # seq: the row order, the last figure of a key wins
        con.execute(sql["latest_per_key"])
        con.execute(sql["keep_latest"])
        return con.execute("SELECT count(*) FROM incoming_latest").fetchall()[0][0]

    def _same_file_loaded(self, sha256: str) -> list[tuple]:
        with self._reading() as con:
            return con.execute(_statements("store_load.sql")["same_file_loaded"], {"sha256": sha256}).fetchall()

    @staticmethod
    def _unchanged(report: IngestReport, rows_loaded: int) -> IngestReport:
        return dataclasses.replace(
            report,
            status="unchanged",
            load_id=None,
            rows_loaded=rows_loaded,
            rows_replaced=0,
            rows_unchanged=rows_loaded,
        )

    def undo_load(self, load_id: int, actor: str = "cli", on_wait: OnWait | None = None, *, allowed_parks=None) -> dict:
        """Undo a load or a restore: each key it made current gets the figure of the latest load or
        restore still in effect that stated it, or no figure when none did (docs/ARCHITECTURE.md,
        "Which value is current"). `allowed_parks`: a scoped account may undo only a load whose
        figures are all of its parks."""
        sql = _statements("store_edit.sql")
        with self._writing(on_wait) as draft:
            con = draft.con
            rows = con.execute(sql["load_row"], {"load_id": load_id}).fetchall()
            if not rows:
                raise StoreError(f"没有编号为 {load_id} 的导入记录。", f"No load with id {load_id}.")
            _, file_name, status, kind, restored_history_id = rows[0]
            if status == "undone":
                raise StoreError(f"导入 {load_id} 已经撤销过。", f"Load {load_id} was already undone.")
            self._check_scope(con, "undo", load_id, allowed_parks)
            now = _utc_now()
            con.execute(sql["undo_collect"], {"load_id": load_id})
            removed = con.execute("SELECT count(*) FROM undone").fetchall()[0][0]
            con.execute(sql["undo_mark_load"], {"load_id": load_id})
            con.execute(sql["undo_collect_brought_back"])
            if removed:
                self._insert_history(con, sql["undo_keep_removed"], {"now": now})
            con.execute(sql["undo_remove"], {"load_id": load_id})
            con.execute(sql["undo_bring_back"])
            brought_back = con.execute(sql["undo_mark_brought_back"]).fetchall()[0][0]
            detail = {"load_id": load_id, "file": file_name, "removed": removed, "brought_back": brought_back}
            if kind == "restore":
                detail["restore_of_history_id"] = restored_history_id
            detail |= scope.audit_detail(allowed_parks)
            self._audit(con, actor, "undo", detail, now)
            return detail

    def restore(
        self, history_id: int, actor: str = "cli", on_wait: OnWait | None = None, *, allowed_parks=None
    ) -> dict:
        """Make a replaced value current again, as an event of its own (listed with the loads, undoable);
        the value it displaces goes to the history. `allowed_parks`: a scoped account may restore only
        values of its parks."""
        sql = _statements("store_edit.sql")
        with self._writing(on_wait) as draft:
            con = draft.con
            rows = con.execute(sql["history_row"], {"history_id": history_id}).fetchall()
            if not rows:
                raise StoreError(f"没有编号为 {history_id} 的历史值。", f"No history entry with id {history_id}.")
            park, chain, start, end, indicator, value, _, file_name = rows[0]
            self._check_scope(con, "restore", history_id, allowed_parks, parks=[park])
            now = _utc_now()
            event_id = con.execute(_statements("store_load.sql")["next_load_id"]).fetchall()[0][0]
            displaced = con.execute(sql["restore_current_count"], {"history_id": history_id}).fetchall()[0][0]
            params = {"history_id": history_id, "load_id": event_id}
            con.execute(sql["restore_keep_current"], {**params, "now": now})
            con.execute(sql["restore_remove_current"], {"history_id": history_id})
            con.execute(sql["restore_insert"], params)
            con.execute(sql["restore_mark"], {"history_id": history_id})
            detail = {
                "history_id": history_id,
                "load_id": event_id,
                "park": park,
                "chain": chain,
                "period_start": str(start),
                "period_end": str(end),
                "indicator": indicator,
                "value": value,
            } | scope.audit_detail(allowed_parks)
            con.execute(
                sql["restore_record"],
                {
                    **params,
                    "file_name": file_name,
                    "now": now,
                    "actor": actor,
                    "rows_replaced": displaced,
                    "report_json": json.dumps(detail, ensure_ascii=False, default=str),
                },
            )
            self._audit(con, actor, "restore", detail, now)
            return detail

    # -- previews: what a load, an undo or a restore would change (read-only, no writer lock) ----

    def preview(self, parsed: ParsedFile) -> LoadPreview:
        """The file's figures against the current ones: new, replaced (with the old value, qualifier,
        basis, 出处 and source) and unchanged; nothing is written and no lock is taken."""
        frame = parsed.frame if parsed.keys_unique else last_per_key(parsed.frame)
        sha256 = parsed.content_sha256
        if sha256 and self._same_file_loaded(sha256):  # Store.load changes nothing for the same bytes again
            return LoadPreview.all_unchanged(frame)
        table = self._incoming_frame(frame)
        table = table.append_column("seq", pa.array(np.arange(table.num_rows, dtype=np.int64)))
        sql = _statements("store_preview.sql")
        met = None
        with self._reading() as con:
            con.register("preview_incoming", table)
            try:
                if con.execute(sql["preview_shares_park"]).fetchall()[0][0]:
                    met = con.execute(sql["preview_met"]).df()
            finally:
                con.unregister("preview_incoming")
        return LoadPreview.of(frame, met)

    def figures_at(self, keys: pd.DataFrame) -> pd.DataFrame:
        """Current values at given keys (park, chain, indicator, period_start, period_end, k): k, period, value."""
        with self._reading() as con:
            con.register("figure_keys", keys)
            try:
                return con.execute(_statements("store_preview.sql")["figures_at"]).df()
            finally:
                con.unregister("figure_keys")

    def undo_preview(self, load_id: int) -> dict | None:
        """What undoing a load would do: its file, figures removed, replaced values brought back; None
        when there is no such load."""
        with self._reading() as con:
            rows = con.execute(_statements("store_preview.sql")["undo_preview"], {"load_id": load_id}).fetchall()
        if not rows:
            return None
        file_name, status, removed, brought_back = rows[0]
        return {
            "load_id": load_id,
            "file": file_name,
            "status": status,
            "removed": removed,
            "brought_back": brought_back,
        }

    def restore_preview(self, history_id: int) -> dict | None:
        """What restoring a replaced value would do: the value and its file, the current value it displaces."""
        sql = _statements("store_preview.sql")["restore_preview"]
        with self._reading() as con:
            rows = con.execute(sql, {"history_id": history_id}).fetchall()
        if not rows:
            return None
        value, qualifier, file_name, current, current_qualifier = rows[0]
        return {
            "history_id": history_id,
            "value": value,
            "qualifier": qualifier,
            "file": file_name,
            "current_value": current,
            "current_qualifier": current_qualifier,
            "removed": int(current is not None),
            "brought_back": 1,
        }

    # -- helpers ----------------------------------------------------------------------------

    def _check_scope(self, con, action: str, what: int, allowed_parks, parks: list[str] | None = None) -> None:
        """StoreError naming the parks outside `allowed_parks` that an undo (of load `what`: every park it
        touched) or a restore (`parks`) would change; nothing for an unscoped caller."""
        if allowed_parks is None:
            return
        if parks is None:
            parks = [r[0] for r in con.execute(_statements("scope.sql")["load_parks"], {"load_id": what}).fetchall()]
        outside = scope.parks_outside(parks, allowed_parks, self.catalog)
        if outside:
            raise StoreError(*scope.refusal(action, outside, allowed_parks, what))

    def _audit(self, con, actor: str, action: str, detail: dict, now: dt.datetime) -> None:
        con.execute(
            _statements("store_edit.sql")["audit"],
            {
                "now": now,
                "actor": actor,
                "action": action,
                "detail": json.dumps(detail, ensure_ascii=False, default=str),
            },
        )

    @staticmethod
    def _incoming_frame(frame: pd.DataFrame) -> pa.Table:
        """The file's figures as an Arrow table (OBS_COLUMNS); no per-row Python and few copies.

        Categoricals become dictionary arrays (a date category stays a dictionary of date32);
        a float64 value column is shared, not copied: a NaN in it is refused like a missing value.
        """
        n = len(frame)
        columns = {}
        for col in OBS_COLUMNS:
            if col not in frame.columns:
                columns[col] = pa.nulls(n)
                continue
            series = frame[col]
            if col in ("period_start", "period_end") and series.dtype == object:
                series = pd.to_datetime(series).astype("datetime64[ms]")
            if col == "value" and series.dtype == np.float64:
                columns[col] = pa.array(series.to_numpy(), from_pandas=False)
                continue
            array = pa.Array.from_pandas(series)
            if col in ("period_start", "period_end") and _value_type(array.type) != pa.date32():
                array = array.cast(pa.date32())
            columns[col] = array
        return pa.table(columns)

    def _frame_problem(self, table: pa.Table) -> tuple[str, str] | None:
        """Why a parsed frame cannot be stored (a bug upstream, not a user error), or None."""
        indicators = {i for i in table["indicator"].unique().to_pylist() if i is not None}
        known = set(self.catalog.ids)
        unknown = sorted(i for i in indicators if i not in known and indicator_of(i) not in known)
        if unknown:
            return (
                f"未知的指标编号：{', '.join(map(str, unknown[:5]))}",
                f"Unknown indicator ids: {', '.join(map(str, unknown[:5]))}",
            )
        # What schema.sql's CHECKs refuse, refused here too: the shared store (DuckLake) has no CHECK.
        unknown = sorted(
            {v for v in table["qualifier"].unique().to_pylist() if v is not None and v not in QUALIFIERS}
            | {v for v in table["basis"].unique().to_pylist() if v is not None and v not in BASES}
        )
        if unknown:
            return (
                f"未知的数值限定或数据性质：{', '.join(map(str, unknown[:5]))}",
                f"Unknown qualifier or basis: {', '.join(map(str, unknown[:5]))}",
            )
        required = ("park", "period_start", "period_end", "indicator", "value")
        if (
            any(table[col].null_count for col in required)
            or pc.any(pc.is_nan(table["value"].cast(pa.float64()))).as_py()
        ):
            return ("数据缺少园区、期间、指标或数值。", "Some figures lack a park, period, indicator or value.")
        return None

    def _keep_file(self, parsed: ParsedFile, sha256: str) -> str | None:
        """Keep the original bytes as `<db stem>_files/<sha256>.<ext>` (temp file + rename)."""
        if not parsed.data or not sha256:
            return None
        ext = Path(parsed.report.file).suffix.lower().lstrip(".")
        ext = ext if re.fullmatch(r"[a-z0-9]{1,8}", ext) else "bin"
        self.files_dir.mkdir(parents=True, exist_ok=True)
        target = self.files_dir / f"{sha256}.{ext}"
        if not target.exists():
            temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            temp.write_bytes(parsed.data)
            os.replace(temp, target)
        return str(target)

    # -- analysts' catalog: indicators and parks added or edited on the dashboard -------------------
    # Entries live in catalog_indicators / catalog_parks (JSON, the TOML keys), merged over the shipped
    # TOML defaults (metrics/catalog_entries.merged, validated as a whole); every change is a row of
    # catalog_changes with the entry before and after, and the newest change of an entry can be reverted.

    def catalog_version(self) -> int:
        """The newest catalog change (0: none); part of data_version."""
        with self._reading() as con:
            return self._catalog_rows(con, "catalog_version")[0][0] if self._has_catalog(con) else 0

    def catalog_changes(self) -> pd.DataFrame:
        """Every catalog change, newest first: change_id, at, actor, action, target_kind, target, before,
        after (JSON entries; before NULL = new), reverts, revertible (the entry is still as it left it)."""
        with self._reading() as con:
            if not self._has_catalog(con):
                return pd.DataFrame(columns=CHANGE_COLUMNS)
            df = con.execute(_statements("store_catalog.sql")["changes"]).df()
        cat = self.catalog
        df["revertible"] = [
            self._still_as_left(cat, kind, target, after)
            for kind, target, after in zip(df["target_kind"], df["target"], df["after"], strict=True)
        ]
        return df

    def add_indicators(self, indicators, actor: str = "cli", on_wait: OnWait | None = None) -> list:
        """Add indicators (each an Indicator, a dict, or anything with name_zh and unit) to the family
        `custom` in one transaction; one that exists already with that name is reused, not added again.
        Returns the Indicator of each, in order. Raises CatalogError (every problem, zh/en): nothing stored."""
        from metrics.catalog_entries import merged

        wanted = [self._as_indicator_entry(item) for item in indicators]
        with self._writing(on_wait) as draft:
            con = draft.con
            current = self._merged_from(con)
            entries: dict[str, dict] = {}
            for entry in wanted:
                if current.match_indicator(entry["name_zh"]) is None and entry["id"] not in current.ids:
                    entries.setdefault(entry["id"], entry)
            after = merged(current, entries.values()) if entries else current  # CatalogError: nothing stored
            self._add_new_entries(con, "indicator", entries, actor)
            draft.publish = bool(entries)
        return [after.match_indicator(e["name_zh"]) or after.indicator(e["id"]) for e in wanted]

    def save_indicator(self, ind, actor: str = "cli", on_wait: OnWait | None = None):
        """Add an indicator (no id, or an id not in the catalog) or edit one (names zh/en, unit, family,
        direction, weight, aliases). The entry before stays in catalog_changes (revertible). Returns the
        Indicator in effect; raises CatalogError or StoreError (zh/en), storing nothing."""
        from metrics.catalog_entries import merged

        entry = self._as_indicator_entry(ind)
        with self._writing(on_wait) as draft:
            con = draft.con
            current = self._merged_from(con)
            before = self._indicator_or_none(current, entry["id"])
            if before is not None and self._entry_of(before) == entry:
                draft.publish = False
                return before
            if before is not None and before.unit != entry["unit"]:
                self._refuse_unit_change(con, before, entry["unit"])
            after = merged(current, [entry])  # CatalogError: nothing stored
            self._write_entry(con, current, "indicator", entry["id"], entry, "edit" if before else "add", actor)
            return after.indicator(entry["id"])

    def add_alias(self, indicator_id: str, label: str, actor: str = "cli", on_wait: OnWait | None = None):
        """Make `label` (unit bracket already removed) another name of an indicator, for every later file.
        Returns the Indicator; raises CatalogError when the label names another indicator."""
        from metrics.catalog import normalize_header
        from metrics.catalog_entries import merged

        label = str(label).strip()
        with self._writing(on_wait) as draft:
            con = draft.con
            current = self._merged_from(con)
            try:
                ind = current.indicator(indicator_id)
            except KeyError:
                raise StoreError(
                    f"目录中没有指标 {indicator_id}。", f"No indicator {indicator_id} in the catalog."
                ) from None
            if current.match_indicator(label) is ind or not normalize_header(label):
                draft.publish = False
                return ind
            entry = self._entry_of(ind)
            entry["aliases"] = [*entry["aliases"], label]
            after = merged(current, [entry])  # CatalogError (the label names another indicator): nothing stored
            self._write_entry(con, current, "indicator", ind.id, entry, "alias", actor)
            return after.indicator(ind.id)

    def save_park(self, park, actor: str = "cli", on_wait: OnWait | None = None):
        """Add or edit a park or region (name, English name, aliases, kind park|region). Returns the Park;
        raises CatalogError (an alias of another park...) storing nothing."""
        from metrics.catalog_entries import merged

        entry = self._as_park_entry(park)
        with self._writing(on_wait) as draft:
            con = draft.con
            current = self._merged_from(con)
            before = next((p for p in current.parks if p.name == entry["name"]), None)
            if before is not None and self._entry_of(before) == entry:
                draft.publish = False
                return before
            after = merged(current, parks=[entry])  # CatalogError: nothing stored
            self._write_entry(con, current, "park", entry["name"], entry, "edit" if before else "add", actor)
            return next(p for p in after.parks if p.name == entry["name"])

    def _add_regions(self, con, names: list[str], actor: str) -> None:
        """Names read under a 地区/城市 header that no catalog entry has become regions (kind region), in the
        load's transaction and audited like any catalog change, so that rankings of parks leave them out."""
        from metrics.catalog_entries import merged

        current = self._merged_from(con)
        entries = {
            name: self._as_park_entry({"name": name, "kind": "region"})
            for name in names
            if current.canonical_park(name) is None
        }
        if not entries:
            return
        merged(current, parks=list(entries.values()))  # CatalogError: the load is rolled back
        self._add_new_entries(con, "park", entries, actor)

    def import_catalog(self, other, actor: str = "cli", on_wait: OnWait | None = None) -> dict:
        """Store every indicator and park of the Catalog `other` that the catalog in effect lacks or holds
        otherwise, in one transaction (a deployment's exported catalog). Returns the counts."""
        from metrics.catalog_entries import differences, merged

        with self._writing(on_wait) as draft:
            con = draft.con
            current = self._merged_from(con)
            inds, parks = differences(current, other)
            merged(current, inds, parks)  # CatalogError: nothing stored
            for entry in inds:
                before = self._indicator_or_none(current, entry["id"])
                if before is not None and before.unit != entry["unit"]:
                    self._refuse_unit_change(con, before, entry["unit"])
                self._write_entry(con, current, "indicator", entry["id"], entry, "import", actor)
            for entry in parks:
                self._write_entry(con, current, "park", entry["name"], entry, "import", actor)
            draft.publish = bool(inds or parks)
        return {"indicators": len(inds), "parks": len(parks)}

    def revert_catalog_change(self, change_id: int, actor: str = "cli", on_wait: OnWait | None = None) -> dict:
        """Put an entry back as it was before a change (itself a change, so it can be reverted too).
        Only the newest change of an entry can be reverted; an added indicator that has figures cannot be
        removed (undo their loads first)."""
        sql = _statements("store_catalog.sql")
        with self._writing(on_wait) as draft:
            con = draft.con
            rows = con.execute(sql["change_row"], {"change_id": change_id}).fetchall() if self._has_catalog(con) else []
            if not rows:
                raise StoreError(f"没有编号为 {change_id} 的目录修改。", f"No catalog change with id {change_id}.")
            _, _, kind, target, before, after, before_stored, _ = rows[0]
            current = self._merged_from(con)
            if not self._still_as_left(current, kind, target, after):
                raise StoreError(
                    f"{target} 在这次修改之后又改过：请先撤销较新的修改。",
                    f"{target} was changed again after this change: revert the newer change first.",
                )
            restored = json.loads(before) if before else None
            if kind == "indicator":
                ind = self._indicator_or_none(current, target)
                if ind is not None and (restored is None or restored["unit"] != ind.unit):
                    self._refuse_unit_change(con, ind, restored["unit"] if restored else None)
            entry = restored if before_stored else None
            self._write_entry(con, current, kind, target, entry, "revert", actor, change_id)
            self._merged_from(con)  # CatalogError when the entry before no longer fits (rolled back)
            return {"change_id": change_id, "target_kind": kind, "target": target}

    # helpers of the analysts' catalog

    def _file_stamp(self):
        """What changes with every write: the file's identity, or the shared store's latest snapshot."""
        return self._file.stamp()

    @staticmethod
    def _has_catalog(con) -> bool:
        """Whether the file has the catalog tables (a file from before them gains them on its next write)."""
        return bool(
            con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'catalog_changes'").fetchall()[0][0]
        )

    def _catalog_rows(self, con, name: str, params: dict | None = None) -> list[tuple]:
        return con.execute(_statements("store_catalog.sql")[name], params or {}).fetchall()

    def _merged_from(self, con, lenient: bool = False):
        """The shipped catalog merged with the entries on `con`; raises CatalogError when invalid, unless
        `lenient`: then entries that no longer fit (the shipped TOML changed under them) are left out and
        their problems kept in `catalog_problems` (shown on the catalog page), so that pages still work."""
        from metrics.catalog import CatalogError
        from metrics.catalog_entries import merged

        self.catalog_problems: list = []
        if not self._has_catalog(con):
            return self.base_catalog
        inds = [json.loads(e) for _, e in self._catalog_rows(con, "indicator_entries")]
        parks = [json.loads(e) for _, e in self._catalog_rows(con, "park_entries")]
        if not (inds or parks):
            return self.base_catalog
        try:
            return merged(self.base_catalog, inds, parks)
        except CatalogError as exc:
            if not lenient:
                raise
            self.catalog_problems = [exc]
        cat = self.base_catalog
        for kind, entry in [("i", e) for e in inds] + [("p", e) for e in parks]:
            try:
                cat = merged(cat, [entry]) if kind == "i" else merged(cat, parks=[entry])
            except CatalogError:
                continue
        return cat

    def _write_entry(
        self,
        con,
        current,
        kind: str,
        key: str,
        entry: dict | None,
        action: str,
        actor: str,
        reverts: int | None = None,
    ) -> int:
        """Make `entry` the database entry of `key` (None: none, back to the shipped default) and record
        the change with the entry in effect before (in the catalog `current`) and after."""
        from metrics.catalog_entries import indicator_entry, park_entry

        if kind == "indicator":
            old = self._indicator_or_none(current, key)
            old_entry = indicator_entry(old) if old else None
            shipped = self._indicator_or_none(self.base_catalog, key)
            shipped_entry = indicator_entry(shipped) if shipped else None
        else:
            old = next((p for p in current.parks if p.name == key), None)
            old_entry = park_entry(old) if old else None
            shipped = next((p for p in self.base_catalog.parks if p.name == key), None)
            shipped_entry = park_entry(shipped) if shipped else None
        created = self._catalog_rows(con, f"{kind}_created", {"key": key})
        change_id = self._catalog_rows(con, "next_change_id")[0][0]
        self._catalog_rows(con, f"{kind}_delete", {"key": key})
        if entry is not None:
            self._catalog_rows(
                con,
                f"{kind}_insert",
                {
                    "key": key,
                    "entry": json.dumps(entry, ensure_ascii=False),
                    "created_change": created[0][0] if created else change_id,
                    "change_id": change_id,
                },
            )
        after_entry = entry if entry is not None else shipped_entry
        self._catalog_rows(
            con,
            "record_change",
            {
                "change_id": change_id,
                "now": _utc_now(),
                "actor": actor,
                "action": action,
                "target_kind": kind,
                "target": key,
                "before": json.dumps(old_entry, ensure_ascii=False) if old_entry else None,
                "after": json.dumps(after_entry, ensure_ascii=False) if after_entry else None,
                "before_stored": bool(created),
                "after_stored": entry is not None,
                "reverts": reverts,
            },
        )
        return change_id

    def _add_new_entries(self, con, kind: str, entries: dict[str, dict], actor: str) -> None:
        """`_write_entry(..., "add", ...)` of many keys that have no entry yet (no stored row, no shipped
        default), in two statements: a portal table names thousands of new regions, a row at a time took seconds."""
        if not entries:
            return
        first = self._catalog_rows(con, "next_change_id")[0][0]
        table = pa.table(
            {
                "key": list(entries),
                "entry": [json.dumps(e, ensure_ascii=False) for e in entries.values()],
                "change_id": pa.array(range(first, first + len(entries)), pa.int64()),
            }
        )
        con.register("new_catalog_entries", table)
        try:
            self._catalog_rows(con, f"{kind}_insert_new")
            self._catalog_rows(
                con, "record_new_entries", {"now": _utc_now(), "actor": actor, "action": "add", "target_kind": kind}
            )
        finally:
            con.unregister("new_catalog_entries")

    def _refuse_unit_change(self, con, ind, unit: str | None) -> None:
        """Figures are stored in their indicator's unit: it cannot change (or the indicator go) under them."""
        n = self._catalog_rows(con, "figures_of_indicator", {"indicator": ind.id})[0][0]
        if n:
            name = ind.name_zh
            if unit is None:
                raise StoreError(
                    f"指标“{name}”已有 {n} 个数据，不能删除：请先撤销这些数据的导入。",
                    f"{ind.name_en} has {n} stored figures and cannot be removed: undo their loads first.",
                )
            raise StoreError(
                f"指标“{name}”已有 {n} 个以 {ind.unit} 计的数据，单位不能改为 {unit}。",
                f"{ind.name_en} has {n} figures stored in {ind.unit}; its unit cannot become {unit}.",
            )

    def _still_as_left(self, cat, kind: str, target: str, after: str | None) -> bool:
        """Whether the entry in effect is the one a change left (only then can the change be reverted)."""
        if kind == "indicator":
            found = self._indicator_or_none(cat, target)
        else:
            found = next((p for p in cat.parks if p.name == target), None)
        now = self._entry_of(found) if found is not None else None
        left = json.loads(after) if isinstance(after, str) else None
        return now == left

    @staticmethod
    def _indicator_or_none(cat, indicator_id: str):
        try:
            return cat.indicator(indicator_id)
        except KeyError:
            return None

    @staticmethod
    def _entry_of(item) -> dict:
        from metrics.catalog import Indicator
        from metrics.catalog_entries import indicator_entry, park_entry

        return indicator_entry(item) if isinstance(item, Indicator) else park_entry(item)

    @staticmethod
    def _as_indicator_entry(item) -> dict:
        """An indicator entry from an Indicator, a dict (missing keys: an added indicator's defaults) or
        an object with name_zh and unit (an unmatched label of a file)."""
        from metrics.catalog import Indicator
        from metrics.catalog_entries import indicator_entry, new_indicator_entry

        if isinstance(item, Indicator):
            return indicator_entry(item)
        fields = dict(item) if isinstance(item, dict) else {k: getattr(item, k) for k in ("name_zh", "unit")}
        entry = new_indicator_entry(
            fields.get("name_zh", ""),
            fields.get("unit", ""),
            **{k: fields[k] for k in ("name_en", "aliases", "category", "direction", "weight") if k in fields},
        )
        if fields.get("id"):
            entry["id"] = fields["id"]
        if fields.get("short_en"):
            entry["short_en"] = fields["short_en"]
        return entry

    @staticmethod
    def _as_park_entry(item) -> dict:
        from metrics.catalog import Park

        if isinstance(item, Park):
            return {"name": item.name, "name_en": item.name_en, "aliases": list(item.aliases), "kind": item.kind}
        name = str(item.get("name", "")).strip()
        return {
            "name": name,
            "name_en": str(item.get("name_en") or "").strip() or name,
            "aliases": [str(a).strip() for a in item.get("aliases", []) if str(a).strip()],
            "kind": item.get("kind", "park"),
        }
