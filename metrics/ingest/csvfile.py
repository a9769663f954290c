"""CSV files: encoding (UTF-8, BOM, GB18030/GBK, UTF-16) and delimiter detection, then a grid."""

from __future__ import annotations

import codecs
import csv
import io
from collections import Counter

import numpy as np

from metrics.ingest.body import ArrayBody, Body
from metrics.ingest.budget import SheetBudget
from metrics.ingest.csvbody import CsvBody, RaggedRows
from metrics.ingest.grid import Grid
from metrics.ingest.layout import HEADER_SEARCH_ROWS

DELIMITERS = (",", "\t", ";", "|")
SNIFF_LINES = 60
HEAD_LINES = HEADER_SEARCH_ROWS + 2  # enough lines to hold any header (two rows) we look for
HEAD_BYTES = 256 * 1024


class UndecodableText(Exception):
    """The bytes are in no encoding we know; args are (zh, en)."""


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding name): BOMs first, then strict UTF-8, then GB18030 (a superset of GBK)."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", "replace"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        raise UndecodableText(
            "无法识别文件编码（支持 UTF-8、GBK/GB18030）", "unknown text encoding (UTF-8 and GBK/GB18030 are supported)"
        ) from None


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the most lines into the same number (>1) of fields."""
    lines = [ln for ln in text[:200_000].splitlines()[:SNIFF_LINES] if ln.strip()]
    best, best_score = ",", (0, 0)
    for delim in DELIMITERS:
        counts = Counter(ln.count(delim) for ln in lines)
        counts.pop(0, None)
        if not counts:
            continue
        fields, lines_with = counts.most_common(1)[0]
        score = (lines_with, fields)
        if score > best_score:
            best, best_score = delim, score
    return best


def rows_grid(rows: list[list[str]]) -> np.ndarray:
    """Records of different lengths as a rectangular grid of strings ("" for a missing field)."""
    width = max((len(r) for r in rows), default=0)
    cells = np.full((len(rows), width), "", dtype=object)
    for i, r in enumerate(rows):
        cells[i, : len(r)] = r
    return cells


def detect_encoding(head: bytes) -> str:
    """Encoding judged from the head of the file; Arrow checks the rest of a UTF-8 file as it reads."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        return "gb18030"


def csv_grid(data: bytes, budget: SheetBudget) -> Grid:
    """The head of a CSV as a grid (to find the header); the rows below it load through Arrow (csvbody)."""
    encoding = detect_encoding(data[:HEAD_BYTES])
    text = data[:HEAD_BYTES].decode(encoding, "ignore") if encoding.startswith("utf-8") else decode(data)[0]
    delimiter = sniff_delimiter(text)
    head_lines = text.split("\n", HEAD_LINES)[:HEAD_LINES]
    head = rows_grid(list(csv.reader(io.StringIO("\n".join(head_lines)), delimiter=delimiter)))
    width = head.shape[1]

    def load_body(start: int, value_columns: tuple[int, ...] = ()) -> Body:
        payload = data if encoding.startswith("utf-8") else text.encode("utf-8")
        try:
            body = CsvBody(payload, start, width, delimiter, value_columns)
        except RaggedRows:
            full, found = decode(data)
            body = None
            if not found.startswith("utf-8"):
                try:  # UTF-8 only in its head: GB18030 after all
                    body = CsvBody(full.encode("utf-8"), start, width, delimiter, value_columns)
                except RaggedRows:
                    pass
            if body is None:
                # Ragged rows, stray quotes...: Python's csv module reads what Arrow refuses.
                cells = rows_grid(list(csv.reader(io.StringIO(full), delimiter=delimiter)))
                body = ArrayBody(cells[start:], start + 1)
        budget.take(body.n, width)
        return body

    return Grid(sheet="", cells=head, first_row=1, load_body=load_body)
