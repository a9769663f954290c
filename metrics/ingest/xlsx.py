"""Workbooks (.xlsx, .xls) into grids: calamine for values; percent number formats from the raw XML
(.xlsx) or the BIFF8 records (.xls), which calamine does not expose."""

from __future__ import annotations

import io
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from itertools import chain

import numpy as np
import python_calamine

from metrics.ingest.budget import SheetBudget
from metrics.ingest.grid import Grid
from metrics.ingest.percent import percent_cells
from metrics.ingest.xls_percent import xls_percent_cells


def _rectangle(rows: list[list]) -> np.ndarray:
    """Rows as a 2-D object array; calamine's rows are already of equal length, so pad only if not."""
    width = len(rows[0]) if rows else 0
    if len(set(map(len, rows))) <= 1:
        # One flat pass over the cells (np.array on nested lists first probes their shape: ~1.6x slower).
        flat = np.fromiter(chain.from_iterable(rows), dtype=object, count=len(rows) * width)
        return flat.reshape(len(rows), width)
    width = max(len(r) for r in rows)
    cells = np.full((len(rows), width), "", dtype=object)
    for i, r in enumerate(rows):
        cells[i, : len(r)] = r
    return cells


def workbook_grids(data: bytes, kind: str, budget: SheetBudget) -> Iterator[tuple[int, int, Grid | None, str]]:
    """(index, count, grid, sheet name) per worksheet; grid None for an empty sheet."""
    # Percent formats come from a second look at the file (sheet XML, or BIFF records); calamine parses
    # without the GIL, so that look runs beside it (wall time) instead of after it.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(percent_cells if kind == "xlsx" else xls_percent_cells, data)
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = [m.name for m in book.sheets_metadata if m.typ == python_calamine.SheetTypeEnum.WorkSheet]
        first = book.get_sheet_by_name(sheets[0]) if sheets else None
        percents = pending.result()
    for k, name in enumerate(sheets):
        sheet = first if k == 0 else book.get_sheet_by_name(name)
        first = None
        if sheet.start is None:
            yield k, len(sheets), None, name
            continue
        budget.take(sheet.height, sheet.width)
        cells = _rectangle(sheet.to_python())
        r0, c0 = sheet.start
        merged = [
            ((a - r0, b - c0), (c - r0, d - c0))
            for (a, b), (c, d) in (sheet.merged_cell_ranges or [])
            if c >= r0 and d >= c0
        ]
        merged = [((max(a, 0), max(b, 0)), (c, d)) for (a, b), (c, d) in merged]
        del sheet  # free calamine's copy of the sheet before its cells are read into figures
        percent = {}
        for col, marked_rows in percents.get(name, {}).items():
            percent[col - c0] = marked_rows - r0
        yield k, len(sheets), Grid(sheet=name, cells=cells, first_row=r0 + 1, merged=merged, percent=percent), name
    book.close()
