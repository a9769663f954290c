"""CSV files: encoding (UTF-8, BOM, GB18030/GBK, UTF-16) and delimiter detection, then a grid."""

from __future__ import annotations

import codecs
import csv
import io
from collections import Counter

import numpy as np

from metrics.ingest.table import Grid

DELIMITERS = (",", "\t", ";", "|")
SNIFF_LINES = 60


class UndecodableText(Exception):
    """The bytes are in no encoding we know; args are (zh, en)."""


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding name): BOMs first, then strict UTF-8, then GB18030 (a superset of GBK)."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8", "replace"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        raise UndecodableText("无法识别文件编码（支持 UTF-8、GBK/GB18030）",
                              "unknown text encoding (UTF-8 and GBK/GB18030 are supported)") from None


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


def csv_grid(text: str, delimiter: str) -> Grid:
    """All records of a CSV text as a rectangular grid of strings ("" for a missing field)."""
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    width = max((len(r) for r in rows), default=0)
    cells = np.full((len(rows), width), "", dtype=object)
    for i, r in enumerate(rows):
        cells[i, : len(r)] = r
    return Grid(sheet="", cells=cells, first_row=1)
