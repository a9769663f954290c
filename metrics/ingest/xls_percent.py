"""Percent-formatted number cells of an old Excel (.xls, BIFF8) workbook, which calamine does not expose:
the FORMAT and XF records name the percent styles, each sheet's number cells point at a style."""

from __future__ import annotations

import struct
from collections.abc import Iterator

import numpy as np

from metrics.cfb import CfbError, CompoundFile
from metrics.ingest.percent import BUILTIN_PERCENT_FORMATS, is_percent_format

# BIFF8 record types (MS-XLS 2.3)
_BOF, _EOF, _FORMAT, _XF, _BOUNDSHEET = 0x0809, 0x000A, 0x041E, 0x00E0, 0x0085
_NUMBER, _RK, _MULRK, _FORMULA = 0x0203, 0x027E, 0x00BD, 0x0006
_BIFF8 = 0x0600


def _biff_string(raw: bytes, offset: int, count: int) -> str:
    """An XLUnicodeString body at `offset` (flags byte, optional run/ext counts, then `count` characters)."""
    flags = raw[offset]
    offset += 1 + (2 if flags & 0x08 else 0) + (4 if flags & 0x04 else 0)
    if flags & 0x01:
        return raw[offset : offset + 2 * count].decode("utf-16-le", "replace")
    return raw[offset : offset + count].decode("latin-1")


def _records(stream: bytes, offset: int) -> Iterator[tuple[int, int, int]]:
    """(type, body offset, body length) from `offset` to the end of the substream (its EOF record)."""
    while offset + 4 <= len(stream):
        kind, length = struct.unpack_from("<HH", stream, offset)
        yield kind, offset + 4, length
        if kind == _EOF:
            return
        offset += 4 + length


def xls_percent_cells(data: bytes) -> dict[str, dict[int, np.ndarray]]:
    """Sheet name -> {0-based column: 0-based rows} of the number cells of an .xls whose format shows a percent
    (0.195 shown as 19.5%), as `percent_cells` gives for .xlsx; {} when there are none or the file is not BIFF8."""
    try:
        cfb = CompoundFile(data)
        name = next((e.name for e in cfb.entries if e.kind == 2 and e.name.lower() in ("workbook", "book")), None)
        if name is None:
            return {}
        stream = cfb.read_stream_head(name, max_bytes=len(data))
        if len(stream) < 8 or struct.unpack_from("<HHH", stream, 0)[::2] != (_BOF, _BIFF8):
            return {}  # BIFF5 and older: calamine's values only
        percent_formats, xf_formats, sheets = set(BUILTIN_PERCENT_FORMATS), [], []
        for kind, at, length in _records(stream, 0):
            if kind == _FORMAT and length >= 5:
                number, count = struct.unpack_from("<HH", stream, at)
                if is_percent_format(_biff_string(stream, at + 4, count)):
                    percent_formats.add(number)
            elif kind == _XF and length >= 4:
                xf_formats.append(struct.unpack_from("<H", stream, at + 2)[0])
            elif kind == _BOUNDSHEET and length >= 8:
                position, visibility_and_type, count = struct.unpack_from("<IHB", stream, at)
                if visibility_and_type >> 8 == 0:  # a worksheet (not a chart or macro sheet)
                    sheets.append((_biff_string(stream, at + 7, count), position))
        percent_xfs = {i for i, f in enumerate(xf_formats) if f in percent_formats}
        if not percent_xfs:
            return {}
        found: dict[str, dict[int, np.ndarray]] = {}
        for sheet_name, position in sheets:
            by_column: dict[int, list[int]] = {}
            for kind, at, length in _records(stream, position):
                if kind in (_NUMBER, _RK, _FORMULA) and length >= 6:
                    row, col, xf = struct.unpack_from("<HHH", stream, at)
                    if xf in percent_xfs:
                        by_column.setdefault(col, []).append(row)
                elif kind == _MULRK and length >= 6:
                    row, first = struct.unpack_from("<HH", stream, at)
                    for k in range((length - 6) // 6):
                        if struct.unpack_from("<H", stream, at + 4 + 6 * k)[0] in percent_xfs:
                            by_column.setdefault(first + k, []).append(row)
            if by_column:
                found[sheet_name] = {c: np.array(r, dtype=np.int64) for c, r in by_column.items()}
        return found
    except (CfbError, struct.error, IndexError, ValueError):
        return {}  # formats are a refinement; calamine reports a truly broken file itself
