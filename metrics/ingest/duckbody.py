"""CSV rows parsed by DuckDB into Arrow: codes and numbers computed in C++, not per cell in Python."""

from __future__ import annotations

import os
import tempfile
from concurrent.futures import Future, ThreadPoolExecutor

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from metrics.ingest.values import NumericPass, is_blank

# A plain number as Arrow casts it; anything else (1,234.5, 110余, +5, spaces inside) takes the slow path.
PLAIN_NUMBER = r"^-?(\d+(\.\d+)?|\.\d+)([eE][+-]?\d+)?$"

# Work done on other threads while this one waits on DuckDB or runs Python: counting the file's lines, and
# encoding the key columns (Arrow and DuckDB free the GIL).
_POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="ingest-body")


class DuckBody:
    """The rows of a CSV below its header as an Arrow table of text columns (parsed by DuckDB)."""

    def __init__(
        self, payload: bytes, skip_lines: int, width: int, delimiter: str, value_columns: tuple[int, ...] = ()
    ):
        columns = {f"c{j}": "VARCHAR" for j in range(width)}
        # Numbers are cast by DuckDB while it parses, on all cores; text with "_" (1_000) is left to
        # the slow path, as pandas leaves it in a workbook.
        casts = "".join(
            f", CASE WHEN contains(c{j}, '_') THEN NULL ELSE TRY_CAST(c{j} AS DOUBLE) END AS n{j}"
            for j in value_columns
            if j < width
        )
        handle, path = tempfile.mkstemp(suffix=".csv")
        con = duckdb.connect()
        try:
            con.execute("SET enable_progress_bar = false")
            with os.fdopen(handle, "wb") as out:
                out.write(payload)
            # The lines are counted while DuckDB parses (it frees the GIL).
            lines = _POOL.submit(_count_lines, payload)
            # auto_detect off: every column is text, so no cell is altered by type guessing; the order of
            # the rows is the file's (DuckDB preserves insertion order).
            self.table = con.sql(
                f"SELECT *{casts} FROM read_csv($path, header = false, skip = $skip, delim = $delim, quote = '\"', "
                "escape = '\"', auto_detect = false, columns = $columns, null_padding = true, strict_mode = false)",
                params={"path": path, "skip": skip_lines, "delim": delimiter, "columns": columns},
            ).to_arrow_table()
        finally:
            con.close()
            os.unlink(path)
        self.n = self.table.num_rows
        self.width = width
        self.row_numbers = _row_numbers(payload, skip_lines, self.n, lines.result())
        self._codes: dict[int, tuple[np.ndarray, list] | Future] = {}
        self._numbers: dict[int, NumericPass] = {}

    def _column(self, j: int) -> pa.ChunkedArray:
        return self.table.column(f"c{j}")

    def prefetch(self, columns: tuple[int, ...]) -> None:
        """Start encoding these columns on other threads; `codes` waits for them."""
        for j in columns:
            if j not in self._codes and 0 <= j < self.width:
                self._codes[j] = _POOL.submit(self._encode, j)

    def codes(self, column: int) -> tuple[np.ndarray, list]:
        found = self._codes.get(column)
        if isinstance(found, Future):
            self._codes[column] = found = found.result()
        if found is None:
            self._codes[column] = found = self._encode(column)
        return found

    def _encode(self, column: int) -> tuple[np.ndarray, list]:
        # Chunks are encoded one by one, each with its own dictionary: unify them to one list of cells.
        encoded = pc.dictionary_encode(self._column(column)).unify_dictionaries()
        dictionary = encoded.chunk(0).dictionary if encoded.num_chunks else pa.array([], pa.string())
        uniques = dictionary.to_pylist() + [""]  # the last code stands for empty (null) cells
        indices = (
            pa.chunked_array([c.indices for c in encoded.chunks], type=pa.int32())
            if encoded.num_chunks
            else pa.array([], pa.int32())
        )
        codes = indices.fill_null(len(uniques) - 1).to_numpy().astype(np.int64)
        return codes, uniques

    def numbers(self, column: int) -> NumericPass:
        if column not in self._numbers:
            cells = self._column(column)
            if f"n{column}" in self.table.column_names:
                numbers = self.table.column(f"n{column}")
            else:
                trimmed = pc.utf8_trim_whitespace(cells)
                plain = pc.fill_null(pc.match_substring_regex(trimmed, PLAIN_NUMBER), False)
                numbers = pc.cast(pc.if_else(plain, trimmed, pa.scalar(None, pa.string())), pa.float64())
            values = numbers.to_numpy().astype(float)
            slow = ~np.isfinite(values)
            slow_at = np.flatnonzero(slow)
            text = np.full(self.n, None, dtype=object)
            text[slow_at] = ["" if c is None else c for c in pc.take(cells, pa.array(slow_at)).to_pylist()]
            empty = np.zeros(self.n, dtype=bool)
            empty[slow_at] = [is_blank(c) for c in text[slow_at]]
            values[slow] = np.nan
            self._numbers[column] = NumericPass(values, slow, empty, text)
        return self._numbers[column]

    def rows(self, positions: np.ndarray) -> list[list]:
        if not len(positions):
            return []
        text = self.table.select([f"c{j}" for j in range(self.width)])
        taken = text.take(pa.array(np.asarray(positions, dtype=np.int64))).to_pylist()
        return [["" if c is None else c for c in row.values()] for row in taken]


def _count_lines(payload: bytes) -> int:
    return payload.count(b"\n") + (0 if payload.endswith(b"\n") else 1)


def _row_numbers(payload: bytes, skip_lines: int, n: int, lines: int) -> np.ndarray:
    """Line number (1-based) of each table row; DuckDB leaves out empty lines, so count them back in."""
    if lines - skip_lines == n:
        return skip_lines + 1 + np.arange(n)
    raw = np.frombuffer(payload, dtype=np.uint8)
    ends = np.flatnonzero(raw == 10)  # index of each line's "\n"
    starts = np.concatenate([[0], ends + 1])
    stops = np.concatenate([ends, [len(raw)]])
    length = stops - starts
    has_cr = (length == 1) & (raw[np.minimum(starts, len(raw) - 1)] == 13)
    blank = (length == 0) | has_cr
    numbers = np.flatnonzero(~blank)
    numbers = numbers[numbers >= skip_lines]
    return numbers[:n] + 1
