"""Workbooks (.xlsx, .xls) into grids: calamine for values, the raw XML for percent number formats."""

from __future__ import annotations

import io
from collections.abc import Iterator

import numpy as np
import python_calamine

from metrics.config import Limits
from metrics.ingest.percent import percent_cells
from metrics.ingest.table import Grid


class LimitExceeded(Exception):
    """The file is larger than a configured limit; args are (zh, en)."""


class SheetBudget:
    """Counts rows and cells over all sheets of a file against the limits."""

    def __init__(self, limits: Limits):
        self.limits, self.rows, self.cells = limits, 0, 0

    def take(self, rows: int, cols: int) -> None:
        self.rows += rows
        self.cells += rows * cols
        lim = self.limits
        if self.rows > lim.max_rows_per_file:
            raise LimitExceeded(f"文件行数超过上限 {lim.max_rows_per_file:,} 行（max_rows_per_file）",
                                f"the file has more than {lim.max_rows_per_file:,} rows (max_rows_per_file)")
        if self.cells > lim.max_cells_per_file:
            raise LimitExceeded(f"文件单元格数超过上限 {lim.max_cells_per_file:,} 个（max_cells_per_file）",
                                f"the file has more than {lim.max_cells_per_file:,} cells (max_cells_per_file)")


def workbook_grids(data: bytes, kind: str, budget: SheetBudget) -> Iterator[tuple[int, int, Grid | None, str]]:
    """(index, count, grid, sheet name) per worksheet; grid None for an empty sheet."""
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    sheets = [m.name for m in book.sheets_metadata if m.typ == python_calamine.SheetTypeEnum.WorkSheet]
    percents = percent_cells(data) if kind == "xlsx" else {}
    for k, name in enumerate(sheets):
        sheet = book.get_sheet_by_name(name)
        if sheet.start is None:
            yield k, len(sheets), None, name
            continue
        budget.take(sheet.height, sheet.width)
        rows = sheet.to_python()
        width = max((len(r) for r in rows), default=0)
        if any(len(r) != width for r in rows):
            rows = [list(r) + [""] * (width - len(r)) for r in rows]
        cells = np.empty((len(rows), width), dtype=object)
        cells[:] = rows if rows else cells
        r0, c0 = sheet.start
        merged = [((a - r0, b - c0), (c - r0, d - c0)) for (a, b), (c, d) in (sheet.merged_cell_ranges or [])
                  if c >= r0 and d >= c0]
        merged = [((max(a, 0), max(b, 0)), (c, d)) for (a, b), (c, d) in merged]
        percent = {}
        for col, marked_rows in percents.get(name, {}).items():
            percent[col - c0] = marked_rows - r0
        yield k, len(sheets), Grid(sheet=name, cells=cells, first_row=r0 + 1, merged=merged, percent=percent), name
    book.close()
