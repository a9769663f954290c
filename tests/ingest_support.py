"""Helpers for the ingestion tests: write real workbooks and CSV files, read them back."""

from __future__ import annotations

import io

import openpyxl

from metrics.ingest import read_file


def xlsx_bytes(
    sheets: dict[str, list[list]],
    percent: dict[str, list[str]] | None = None,
    merges: dict[str, list[str]] | None = None,
    text_cells: dict[str, list[str]] | None = None,
) -> bytes:
    """A workbook with one sheet per entry; rows start at A1, None leaves a cell empty."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    sheet.cell(r, c, value)
        for ref in (percent or {}).get(name, []):
            sheet[ref].number_format = "0.0%"
        for ref in (merges or {}).get(name, []):
            sheet.merge_cells(ref)
        for ref in (text_cells or {}).get(name, []):
            sheet[ref].data_type = "s"  # keep `=...` as literal text, as an export would
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def read_xlsx(sheets: dict[str, list[list]], name: str = "test.xlsx", **kwargs):
    fmt = {k: kwargs.pop(k) for k in ("percent", "merges", "text_cells") if k in kwargs}
    return read_file(xlsx_bytes(sheets, **fmt), name, **kwargs)


def figures(parsed) -> dict[tuple, tuple]:
    """(park, chain, indicator) -> (value, qualifier) for a parsed file with one period."""
    return {(r.park, r.chain, r.indicator): (r.value, r.qualifier) for r in parsed.observations}
