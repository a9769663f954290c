"""Rows and cells of one file counted against the configured limits while it is read."""

from __future__ import annotations

from metrics.config import Limits


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
            raise LimitExceeded(
                f"文件行数超过上限 {lim.max_rows_per_file:,} 行（max_rows_per_file）",
                f"the file has more than {lim.max_rows_per_file:,} rows (max_rows_per_file)",
            )
        if self.cells > lim.max_cells_per_file:
            raise LimitExceeded(
                f"文件单元格数超过上限 {lim.max_cells_per_file:,} 个（max_cells_per_file）",
                f"the file has more than {lim.max_cells_per_file:,} cells (max_cells_per_file)",
            )
