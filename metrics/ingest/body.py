"""The rows below a header, seen column by column: distinct values with codes, numbers, whole rows."""

from __future__ import annotations

from typing import Protocol

import numpy as np
import pandas as pd

from metrics.ingest.values import NumericPass, numeric_pass

SHORT_COLUMN_ROWS = 20_000  # below this many rows, value columns are first looked at together


class Body(Protocol):
    """What reading a table needs from its rows; `ArrayBody` in memory, `CsvBody` for CSV."""

    n: int
    row_numbers: np.ndarray  # spreadsheet row number (1-based, as Excel shows it) of each body row

    def codes(self, column: int) -> tuple[np.ndarray, list]:
        """Per row an index into the column's distinct cells; those cells ("" for empty)."""

    def numbers(self, column: int) -> NumericPass:
        """The column's plain numbers, and the other cells for the slow path."""

    def rows(self, positions: np.ndarray) -> list[list]:
        """Whole rows, as lists of cells."""


class ArrayBody:
    """Body rows held as a 2-D object array (workbooks; CSV the database could not parse)."""

    def __init__(self, cells: np.ndarray, first_row_number: int):
        self.cells = cells
        self.n = len(cells)
        self.row_numbers = first_row_number + np.arange(self.n)
        self._codes: dict[int, tuple[np.ndarray, list]] = {}
        self._numbers: dict[int, NumericPass] = {}

    def codes(self, column: int) -> tuple[np.ndarray, list]:
        if column not in self._codes:
            cells = pd.Series(self.cells[:, column], dtype=object, copy=False)
            # Nulls (None, NaN: never from calamine or the csv module, which give "") take the sentinel
            # and become "": pandas would otherwise look for them in a pass of its own over the column.
            codes, uniques = pd.factorize(cells)
            uniques = list(uniques)
            null = codes < 0
            if null.any():
                codes[null] = len(uniques)
                uniques.append("")
            self._codes[column] = (codes, uniques)
        return self._codes[column]

    def numbers(self, column: int) -> NumericPass:
        if column not in self._numbers:
            self._numbers[column] = numeric_pass(self.cells[:, column])
        return self._numbers[column]

    def prefetch_numbers(self, columns: tuple[int, ...]) -> None:
        """First looks at many short columns in one pass (a form's 60 period columns of a thousand rows):
        per column the fixed cost of a pass would outweigh its cells. Results as `numbers` gives them."""
        todo = [c for c in dict.fromkeys(columns) if c not in self._numbers]
        if len(todo) < 2 or self.n >= SHORT_COLUMN_ROWS:
            return
        flat = numeric_pass(np.ascontiguousarray(self.cells[:, todo].T).ravel())
        for k, column in enumerate(todo):
            part = slice(k * self.n, (k + 1) * self.n)
            self._numbers[column] = NumericPass(
                flat.values[part], flat.slow[part], flat.empty[part], self.cells[:, column]
            )

    def rows(self, positions: np.ndarray) -> list[list]:
        return [list(self.cells[i]) for i in positions]
