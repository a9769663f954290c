"""CSV rows below the header, parsed by Arrow's multi-threaded reader: no Python object per cell.

Key columns (park, chain, period, indicator...) are dictionary-encoded while they are parsed, so each
distinct cell is resolved once from its dictionary; value columns are cast to numbers by DuckDB
(TRY_CAST, on all cores), leaving only the few cells that are not plain numbers to the Python parser.
"""

from __future__ import annotations

import os
import re
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from metrics.ingest.values import NumericPass, SlowCells, is_blank

# Dictionary-encoded text: chunks share no dictionary, `codes` unifies them (cheap: few distinct cells).
KEY_TYPE = pa.dictionary(pa.int32(), pa.string())
# Arrow splits the file into blocks parsed on all cores; larger blocks mean fewer dictionary chunks.
BLOCK_BYTES = 4 << 20

_NOT_SPACE = re.compile(rb"\S")

# Counting the file's lines (for row numbers) runs beside the parse: both free the GIL.
_POOL = ThreadPoolExecutor(max_workers=1, thread_name_prefix="csv-lines")


class RaggedRows(Exception):
    """Neither Arrow nor DuckDB read the rows (bad UTF-8, a quoted value spanning lines in a ragged file...)."""


class CsvBody:
    """The rows of a CSV below its header as an Arrow table (keys dictionary-encoded, values as text)."""

    def __init__(
        self, payload: bytes, skip_lines: int, width: int, delimiter: str, value_columns: tuple[int, ...] = ()
    ):
        offset = _line_offset(payload, skip_lines)
        lines = _POOL.submit(_count_lines, payload)
        names = [f"c{j}" for j in range(width)]
        values = {j for j in value_columns if j < width}
        types = {name: (pa.string() if j in values else KEY_TYPE) for j, name in enumerate(names)}
        body = pa.py_buffer(memoryview(payload)[offset:])
        quoted = payload.find(b'"', offset) >= 0
        try:
            if _NOT_SPACE.search(payload, offset) is None:  # nothing below the header: Arrow calls that an error
                self.table = pa.table({name: pa.array([], types[name]) for name in names})
            else:
                self.table = pa_csv.read_csv(
                    body,
                    read_options=pa_csv.ReadOptions(column_names=names, block_size=BLOCK_BYTES),
                    parse_options=pa_csv.ParseOptions(
                        delimiter=delimiter,
                        quote_char='"',
                        double_quote=True,
                        # A quoted value may span lines only if the file has quotes at all; allowing it
                        # costs Arrow its parallel block splitting.
                        newlines_in_values=quoted,
                    ),
                    # Every cell stays text as written: "" is "", never a null or a guessed type.
                    convert_options=pa_csv.ConvertOptions(
                        column_types=types, strings_can_be_null=False, quoted_strings_can_be_null=False
                    ),
                    memory_pool=pa.system_memory_pool(),
                )
        except pa.ArrowInvalid:
            try:  # rows with fewer or more fields than the header (a note line below the table...)
                self.table = _lenient_table(memoryview(payload)[offset:], names, delimiter)
            except duckdb.Error as exc:
                lines.cancel()
                raise RaggedRows(str(exc)) from exc
        if quoted and _spans_lines(self.table):
            # Row numbers count lines; Excel shows such a record as one row. Python's csv module
            # numbers records as Excel does (a rare file, read the slow way).
            lines.cancel()
            raise RaggedRows("a quoted value spans lines")
        self.n = self.table.num_rows
        self.width = width
        self.row_numbers = _row_numbers(payload, skip_lines, self.n, lines.result())
        self._numbers_cast = _cast_numbers(self.table, sorted(values)) if values and self.n else {}
        self._codes: dict[int, tuple[np.ndarray, list]] = {}
        self._numbers: dict[int, NumericPass] = {}

    def _column(self, j: int) -> pa.ChunkedArray:
        return self.table.column(f"c{j}")

    def codes(self, column: int) -> tuple[np.ndarray, list]:
        if column not in self._codes:
            cells = self._column(column)
            if not pa.types.is_dictionary(cells.type):
                cells = pc.dictionary_encode(cells)
            self._codes[column] = _dictionary_codes(cells)
        return self._codes[column]

    def numbers(self, column: int) -> NumericPass:
        if column not in self._numbers:
            cells = self._column(column)
            numbers = self._numbers_cast.get(column)
            if numbers is None:  # not declared a value column: cast it now
                numbers = _cast_numbers(pa.table({f"c{column}": cells.cast(pa.string())}), [column])[column]
            values = np.require(numbers.to_numpy(), dtype=float, requirements="W")  # Arrow's may be read-only
            slow = ~np.isfinite(values)
            slow_at = np.flatnonzero(slow)
            taken = pc.take(cells, pa.array(slow_at)).cast(pa.string()).to_pylist() if len(slow_at) else []
            text = np.array(["" if c is None else c for c in taken], dtype=object)
            empty = np.zeros(self.n, dtype=bool)
            empty[slow_at] = [is_blank(c) for c in text]
            values[slow] = np.nan
            self._numbers[column] = NumericPass(values, slow, empty, SlowCells(slow_at, text))
        return self._numbers[column]

    def rows(self, positions: np.ndarray) -> list[list]:
        if not len(positions):
            return []
        taken = self.table.take(pa.array(np.asarray(positions, dtype=np.int64)))
        text = pa.table({name: taken.column(name).cast(pa.string()) for name in taken.column_names})
        return [["" if c is None else c for c in row.values()] for row in text.to_pylist()]


def _lenient_table(body: memoryview, names: list[str], delimiter: str) -> pa.Table:
    """The rows as text, short rows padded with nulls and extra fields left out (DuckDB's reader, which
    takes a file): slower than Arrow's, faster than Python's csv module by far."""
    handle, path = tempfile.mkstemp(suffix=".csv")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(body)
        con = _caster().cursor()
        try:
            return con.sql(
                "SELECT * FROM read_csv($path, header = false, delim = $delim, quote = '\"', escape = '\"', "
                "auto_detect = false, columns = $columns, null_padding = true, strict_mode = false)",
                params={"path": path, "delim": delimiter, "columns": dict.fromkeys(names, "VARCHAR")},
            ).to_arrow_table()
        finally:
            con.close()
    finally:
        os.unlink(path)


def _cast_numbers(table: pa.Table, columns: list[int]) -> dict[int, pa.ChunkedArray]:
    """Per value column its cells as doubles (null where not a plain number), cast by DuckDB.

    Text with "_" (1_000) is left to the slow path, as pandas leaves it in a workbook.
    """
    view = table.select([f"c{j}" for j in columns])
    casts = ", ".join(f"CASE WHEN contains(c{j}, '_') THEN NULL ELSE TRY_CAST(c{j} AS DOUBLE) END" for j in columns)
    con = _caster().cursor()  # a connection of its own per call (threads), to one kept in-memory database
    try:
        con.register("cells", view)
        # The order of the rows is kept: DuckDB preserves insertion order for a plain projection.
        out = con.sql(f"SELECT {casts} FROM cells").to_arrow_table()
    finally:
        con.close()
    return {j: out.column(k) for k, j in enumerate(columns)}


_CASTER: list[duckdb.DuckDBPyConnection] = []
_CASTER_LOCK = threading.Lock()


def _caster() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB kept for casting (opening one costs ~13 ms per file)."""
    with _CASTER_LOCK:
        if not _CASTER:
            con = duckdb.connect()
            con.execute("SET enable_progress_bar = false")
            _CASTER.append(con)
        return _CASTER[0]


def _dictionary_codes(cells: pa.ChunkedArray) -> tuple[np.ndarray, list]:
    """Per row an index into the column's distinct cells, and those cells; nulls get a final ""."""
    unified = cells.unify_dictionaries()
    dictionary = unified.chunk(0).dictionary if unified.num_chunks else pa.array([], pa.string())
    uniques = dictionary.to_pylist() + [""]
    if not unified.num_chunks:
        return np.zeros(0, dtype=np.int32), uniques
    indices = pa.chunked_array([c.indices for c in unified.chunks], type=pa.int32())
    if indices.null_count:
        indices = indices.fill_null(len(uniques) - 1)
    return np.require(indices.to_numpy(), requirements="W"), uniques


def _spans_lines(table: pa.Table) -> bool:
    """Whether any cell holds a line break (only a quoted value can); dictionaries are checked, not rows."""
    for column in table.columns:
        for chunk in column.chunks:
            cells = chunk.dictionary if pa.types.is_dictionary(chunk.type) else chunk
            if pc.any(pc.match_substring(cells, "\n")).as_py():
                return True
    return False


def _line_offset(payload: bytes, lines: int) -> int:
    """Byte offset of the start of line `lines` (0-based): the header rows are skipped as lines."""
    offset = 0
    for _ in range(lines):
        found = payload.find(b"\n", offset)
        if found < 0:
            return len(payload)
        offset = found + 1
    return offset


def _count_lines(payload: bytes) -> int:
    # numpy over 4 MB slices: about 3x faster than bytes.count, and it frees the GIL
    raw = np.frombuffer(payload, dtype=np.uint8)
    step = 1 << 22
    ends = sum(int(np.count_nonzero(raw[i : i + step] == 10)) for i in range(0, len(raw), step))
    return ends + (0 if payload.endswith(b"\n") else 1)


def _row_numbers(payload: bytes, skip_lines: int, n: int, lines: int) -> np.ndarray:
    """Line number (1-based) of each table row; the reader leaves out empty lines, so count them back in."""
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
