"""Which .xlsx cells carry a percent number format (0.195 shown as 19.5%), read from the raw XML."""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib

import numpy as np

BUILTIN_PERCENT_FORMATS = {9, 10}  # 0% and 0.00%
_NUM_FMT = re.compile(rb'<numFmt\b[^>]*?numFmtId="(\d+)"[^>]*?formatCode="([^"]*)"')
_CELL_XFS = re.compile(rb"<cellXfs\b[^>]*>(.*?)</cellXfs>", re.DOTALL)
_XF = re.compile(rb"<xf\b([^>]*)")
_XF_FORMAT = re.compile(rb'numFmtId="(\d+)"')
_SHEET = re.compile(rb'<sheet\b[^>]*?name="([^"]*)"[^>]*?r:id="([^"]*)"')
_REL = re.compile(
    rb'<Relationship\b[^>]*?Id="([^"]*)"[^>]*?Target="([^"]*)"|'
    rb'<Relationship\b[^>]*?Target="([^"]*)"[^>]*?Id="([^"]*)"'
)
_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')


def is_percent_format(format_code: str) -> bool:
    return "%" in _QUOTED.sub("", format_code)


def _unescape(raw: bytes) -> str:
    text = raw.decode("utf-8", "replace")
    for ent, ch in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'"), ("&amp;", "&")):
        text = text.replace(ent, ch)
    return text


def percent_styles(styles_xml: bytes) -> list[int]:
    """Indices of cell styles (the `s` attribute of a cell) whose number format shows a percent."""
    formats = {int(i): _unescape(code) for i, code in _NUM_FMT.findall(styles_xml)}
    percent_ids = BUILTIN_PERCENT_FORMATS | {i for i, code in formats.items() if is_percent_format(code)}
    block = _CELL_XFS.search(styles_xml)
    if not block:
        return []
    styles = []
    for k, attrs in enumerate(_XF.findall(block[1])):
        m = _XF_FORMAT.search(attrs)
        if m and int(m[1]) in percent_ids:
            styles.append(k)
    return styles


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n - 1


_CELL_REF = re.compile(rb'\sr="([A-Z]+)(\d+)"')
_CHUNK = 1 << 22  # bytes of sheet XML inflated at a time: the sheet is never held whole a second time


def _marked_cells(stream, style_attrs: list[bytes]) -> dict[int, list[int]]:
    """{0-based column: 0-based rows} of the `<c>` cells whose `s` attribute is one of `style_attrs`.

    A plain substring search (`s="9"`) instead of a regular expression over every cell: the search
    runs at memory speed, and only the few hits are looked at, back to the start of their tag."""
    by_column: dict[int, list[int]] = {}
    carry = b""
    while True:
        chunk = stream.read(_CHUNK)
        buffer = carry + chunk
        # Every tag that starts before the last `<` also ends before it: search up to there, keep the rest.
        cut = buffer.rfind(b"<") if chunk else len(buffer)
        if cut < 0:
            cut = 0
        segment, carry = buffer[:cut], buffer[cut:]
        for attr in style_attrs:
            hit = segment.find(attr)
            while hit >= 0:
                tag = segment.rfind(b"<", 0, hit)
                if tag >= 0 and segment.startswith(b"<c", tag) and segment[tag + 2 : tag + 3].isspace():
                    if segment[hit - 1 : hit].isspace():
                        end = segment.find(b">", hit)
                        m = _CELL_REF.search(segment, tag + 2, end if end >= 0 else len(segment))
                        if m:
                            by_column.setdefault(_column_number(m[1]), []).append(int(m[2]) - 1)
                hit = segment.find(attr, hit + len(attr))
        if not chunk:
            return by_column


def percent_cells(data: bytes) -> dict[str, dict[int, np.ndarray]]:
    """Sheet name -> {0-based column: 0-based rows} of percent-formatted cells; {} when there are none."""
    try:
        book = zipfile.ZipFile(io.BytesIO(data))
        styles = percent_styles(book.read("xl/styles.xml")) if "xl/styles.xml" in book.namelist() else []
        if not styles:
            return {}
        rels = {}
        for a, b, c, d in _REL.findall(book.read("xl/_rels/workbook.xml.rels")):
            rid, target = (a, b) if a else (d, c)
            rels[rid.decode()] = target.decode()
        style_attrs = [f's="{s}"'.encode() for s in styles]
        found: dict[str, dict[int, np.ndarray]] = {}
        for raw_name, rid in _SHEET.findall(book.read("xl/workbook.xml")):
            target = rels.get(rid.decode())
            if not target:
                continue
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            with book.open(path) as stream:
                by_column = _marked_cells(stream, style_attrs)
            if by_column:
                found[_unescape(raw_name)] = {c: np.array(r, dtype=np.int64) for c, r in by_column.items()}
        return found
    except (KeyError, zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error):
        return {}  # formats are a refinement; calamine reports a truly broken file itself
