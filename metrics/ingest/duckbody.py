"""CSV rows read by DuckDB: distinct cells, codes and numbers computed in SQL, not per cell in Python."""

from __future__ import annotations

import os
import tempfile

import duckdb
import numpy as np
import pandas as pd

from metrics.ingest.values import NumericPass

# A plain number, as pandas.to_numeric reads it for workbooks; everything else takes the slow path.
PLAIN_NUMBER = r"^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$"


class DuckBody:
    """The rows of a CSV below its header, held in an in-memory DuckDB table `raw` (all VARCHAR)."""

    def __init__(self, payload: bytes, skip_lines: int, width: int, delimiter: str):
        self.con = duckdb.connect()
        columns = {f"c{j}": "VARCHAR" for j in range(width)}
        handle, path = tempfile.mkstemp(suffix=".csv")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(payload)
            # auto_detect off: every column text, so a cell is never altered by type guessing.
            self.con.execute(
                "CREATE TABLE raw AS SELECT * FROM read_csv($path, header = false, skip = $skip, delim = $delim, "
                "quote = '\"', escape = '\"', auto_detect = false, columns = $columns, null_padding = true, "
                "strict_mode = false)",
                {"path": path, "skip": skip_lines, "delim": delimiter, "columns": columns})
        finally:
            os.unlink(path)
        self.n = self.con.execute("SELECT count(*) FROM raw").fetchall()[0][0]
        self.width = width
        self.row_numbers = _row_numbers(payload, skip_lines, self.n)
        self._codes: dict[int, tuple[np.ndarray, list]] = {}
        self._numbers: dict[int, NumericPass] = {}

    def prepare(self, key_columns: list[int], value_columns: list[int]) -> None:
        """Read every key column's codes and every value column's numbers in one scan of the table."""
        selects, joins, params = ["raw.rowid AS rid"], [], {}
        uniques: dict[int, list] = {}
        for j in key_columns:
            values = [r[0] for r in self.con.execute(f"SELECT DISTINCT c{j} FROM raw").fetchall()]
            uniques[j] = ["" if v is None else v for v in values]
            null_code = values.index(None) if None in values else -1
            mapping = pd.DataFrame({"v": pd.Series([v for v in values if v is not None], dtype=object),
                                    "code": [k for k, v in enumerate(values) if v is not None]})
            self.con.register(f"map{j}", mapping)
            selects.append(f"coalesce(map{j}.code, {null_code}) AS k{j}")
            joins.append(f"LEFT JOIN map{j} ON raw.c{j} = map{j}.v")
        for j in value_columns:
            selects.append(f"CASE WHEN regexp_full_match(c{j}, $plain) THEN CAST(c{j} AS DOUBLE) "
                           f"ELSE 'NaN'::DOUBLE END AS v{j}")
            selects.append(f"coalesce(trim(c{j}) = '', true) AS e{j}")
            params["plain"] = PLAIN_NUMBER
        got = self.con.execute(f"SELECT {', '.join(selects)} FROM raw {' '.join(joins)}", params).fetchnumpy()
        rid = np.asarray(got["rid"])
        in_order = len(rid) == self.n and bool(np.all(rid[1:] > rid[:-1])) and (self.n == 0 or rid[0] == 0)

        def place(array: np.ndarray, fill) -> np.ndarray:
            array = np.asarray(array)
            if in_order:
                return array
            out = np.full(self.n, fill, dtype=array.dtype)
            out[rid] = array
            return out

        for j in key_columns:
            self._codes[j] = (place(got[f"k{j}"], -1).astype(np.int64), uniques[j])
        for j in value_columns:
            values = place(got[f"v{j}"], np.nan).astype(float)
            empty = place(got[f"e{j}"], True).astype(bool)
            cells = np.full(self.n, None, dtype=object)
            slow_rows = self.con.execute(
                f"SELECT rowid, c{j} FROM raw WHERE NOT coalesce(trim(c{j}) = '', true) "
                f"AND NOT regexp_full_match(c{j}, $plain)", {"plain": PLAIN_NUMBER}).fetchnumpy()
            cells[np.asarray(slow_rows["rowid"])] = np.asarray(slow_rows[f"c{j}"], dtype=object)
            cells[empty] = ""
            self._numbers[j] = NumericPass(values, ~np.isfinite(values), empty, cells)
        for j in key_columns:
            self.con.unregister(f"map{j}")

    def codes(self, column: int) -> tuple[np.ndarray, list]:
        if column not in self._codes:
            self.prepare([column], [])
        return self._codes[column]

    def numbers(self, column: int) -> NumericPass:
        if column not in self._numbers:
            self.prepare([], [column])
        return self._numbers[column]

    def rows(self, positions: np.ndarray) -> list[list]:
        if not len(positions):
            return []
        got = self.con.execute("SELECT rowid, * FROM raw WHERE rowid IN (SELECT unnest($ids)) ORDER BY rowid",
                               {"ids": [int(p) for p in positions]}).fetchall()
        by_id = {r[0]: ["" if c is None else c for c in r[1:]] for r in got}
        return [by_id.get(int(p), [""] * self.width) for p in positions]

    def close(self) -> None:
        self.con.close()


def _row_numbers(payload: bytes, skip_lines: int, n: int) -> np.ndarray:
    """Line number (1-based) of each table row; DuckDB leaves out empty lines, so count them back in."""
    if b"\n\n" not in payload and b"\n\r\n" not in payload:
        return skip_lines + 1 + np.arange(n)
    raw = np.frombuffer(payload, dtype=np.uint8)
    ends = np.flatnonzero(raw == 10)  # index of each line's "\n"
    starts = np.concatenate([[0], ends + 1])
    stops = np.concatenate([ends, [len(raw)]])
    length = stops - starts
    has_cr = (length == 1) & (raw[np.minimum(starts, len(raw) - 1)] == 13)
    blank = (length == 0) | has_cr
    lines = np.flatnonzero(~blank)
    lines = lines[lines >= skip_lines]
    return lines[:n] + 1
