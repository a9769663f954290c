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

from metrics.config import db_path
from metrics.dbfile import DbFile, Draft, OnWait, StoreError
from metrics.model import OBS_COLUMNS, IngestReport, ParsedFile

SQL_DIR = Path(__file__).parent / "sql"
SCHEMA_VERSION = 2  # 2: restores are events in `loads` (kind, restored_history_id)
PAUSE_ENV = "PARKDASH_TEST_PAUSE_IN_LOAD"  # test hook: seconds to sleep inside a load's transaction


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


class Store:
    """Handle on one database file; cheap to create, holds no connection of its own."""

    def __init__(self, path: str | os.PathLike | None = None, catalog=None):
        self.path = Path(path) if path is not None else db_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._file = DbFile.for_path(self.path)
        self.lock_path = self._file.lock_path
        self.files_dir = self.path.parent / f"{self.path.stem}_files"
        self._catalog = catalog
        self._schema_ready = False  # set once this handle has run schema.sql (idempotent)
        self._ensure_schema()

    @property
    def catalog(self):
        if self._catalog is None:
            from metrics.catalog import default_catalog

            self._catalog = default_catalog()
        return self._catalog

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
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
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
            con.execute((SQL_DIR / "schema.sql").read_text(encoding="utf-8"))
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
        """A value that changes with every committed write (for UI cache keys)."""
        row = self.query("SELECT coalesce(max(audit_id), 0) AS last, count(*) AS n FROM audit").iloc[0]
        return f"{int(row['last'])}-{int(row['n'])}"

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
        self, parsed: ParsedFile, skip_bad_rows: bool = False, actor: str = "cli", on_wait: OnWait | None = None
    ) -> IngestReport:
        """Store one file's figures in one transaction; the report says loaded, unchanged or rejected.

        rows_loaded counts the file's distinct figures that are current after the load: new ones,
        ones that replaced a different value (rows_replaced) and ones already equal (rows_unchanged).
        """
        report = parsed.report
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
            with self._writing(on_wait) as draft:
                out = self._load_in_transaction(draft.con, parsed, frame, sha256, actor)
                draft.publish = out.status == "loaded"
                return out
        except StoreError as exc:  # StoreBusy, or the new file could not be written
            return _rejected(report, exc.message_zh, exc.message_en)
        except OSError as exc:  # keeping the original bytes failed (disk full?); rolled back
            return _rejected(report, f"无法保存原始文件：{exc}", f"Could not keep the original file: {exc}")
        except (duckdb.ConstraintException, duckdb.ConversionException) as exc:  # rolled back; a bug upstream
            return _rejected(report, f"数据无法写入数据库：{exc}", f"The figures could not be stored: {exc}")

    def _load_in_transaction(self, con, parsed: ParsedFile, table: pa.Table, sha256: str, actor: str) -> IngestReport:
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
        self._audit(con, actor, "load", {"load_id": load_id, "file": report.file, **counts}, now)
        pause = os.environ.get(PAUSE_ENV)
        if pause:
            print(f"{PAUSE_ENV}: paused inside the load transaction", file=sys.stderr, flush=True)
            time.sleep(float(pause))
        return out

    @staticmethod
    def _insert_history(con, statement: str, params: dict) -> int:
        """Run an INSERT INTO observation_history numbering its rows `$first_id - 1 + row_number()`
        (nextval per row would run it on one thread), then move the sequence past the ids taken."""
        sql = _statements("store_load.sql")
        first_id = con.execute(sql["next_history_id"]).fetchall()[0][0]
        inserted = con.execute(statement, {**params, "first_id": first_id}).fetchall()[0][0]
        if inserted > 1:
            con.execute(sql["skip_history_ids"], {"count": inserted - 1}).fetchall()
        return inserted

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

    def undo_load(self, load_id: int, actor: str = "cli", on_wait: OnWait | None = None) -> dict:
        """Undo a load or a restore: each key it made current gets the figure of the latest load or
        restore still in effect that stated it, or no figure when none did (docs/ARCHITECTURE.md,
        "Which value is current")."""
        sql = _statements("store_edit.sql")
        with self._writing(on_wait) as draft:
            con = draft.con
            rows = con.execute(sql["load_row"], {"load_id": load_id}).fetchall()
            if not rows:
                raise StoreError(f"没有编号为 {load_id} 的导入记录。", f"No load with id {load_id}.")
            _, file_name, status, kind, restored_history_id = rows[0]
            if status == "undone":
                raise StoreError(f"导入 {load_id} 已经撤销过。", f"Load {load_id} was already undone.")
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
            self._audit(con, actor, "undo", detail, now)
            return detail

    def restore(self, history_id: int, actor: str = "cli", on_wait: OnWait | None = None) -> dict:
        """Make a replaced value current again, as an event of its own (listed with the loads, undoable);
        the value it displaces goes to the history."""
        sql = _statements("store_edit.sql")
        with self._writing(on_wait) as draft:
            con = draft.con
            rows = con.execute(sql["history_row"], {"history_id": history_id}).fetchall()
            if not rows:
                raise StoreError(f"没有编号为 {history_id} 的历史值。", f"No history entry with id {history_id}.")
            park, chain, start, end, indicator, value, _, file_name = rows[0]
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
            }
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

    # -- helpers ----------------------------------------------------------------------------

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
        unknown = sorted(indicators - set(self.catalog.ids))
        if unknown:
            return (
                f"未知的指标编号：{', '.join(map(str, unknown[:5]))}",
                f"Unknown indicator ids: {', '.join(map(str, unknown[:5]))}",
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
