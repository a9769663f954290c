"""What a sheet is while it is read: its cells, the file's context, and figures as coded columns."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from metrics.catalog import Catalog
from metrics.ingest.body import ArrayBody, Body
from metrics.ingest.context import ResolvedContext
from metrics.ingest.headers import canonical_unit, split_unit
from metrics.ingest.report import ReportBuilder
from metrics.model import UnmatchedLabel
from metrics.periods import Period


@dataclass
class Grid:
    """A sheet's cells from its first used row: values as calamine/csv give them."""

    sheet: str  # "" for a CSV file
    cells: np.ndarray  # 2-D, dtype object; "" for an empty cell
    first_row: int  # spreadsheet row number (1-based, as Excel shows it) of cells[0]
    merged: list = field(default_factory=list)  # ((r0, c0), (r1, c1)) inclusive, relative to cells
    percent: dict[int, np.ndarray] = field(default_factory=dict)  # column -> rows (relative) formatted as %
    # Rows below the header as a Body, given the index of the first of them; default: from `cells`.
    load_body: Callable[[int, tuple[int, ...]], Body] | None = None

    def body(self, start: int, value_columns: tuple[int, ...] = ()) -> Body:
        """The rows from `start` on; `value_columns` hold figures (a loader may read them as numbers)."""
        if self.load_body is not None:
            return self.load_body(start, value_columns)
        return ArrayBody(self.cells[start:], self.first_row + start)


@dataclass
class Context:
    file_name: str
    catalog: Catalog
    report: ReportBuilder
    file_period: Period | None
    parks: dict[str, str] = field(default_factory=dict)  # name or alias without spaces -> canonical name
    catalog_park_names: frozenset[str] = frozenset()
    options: ResolvedContext = field(default_factory=ResolvedContext)  # what the user said about the file
    unmatched_labels: dict[tuple[str, str], UnmatchedLabel] = field(default_factory=dict)  # (sheet, name) ->

    def __post_init__(self):
        # Catalog.canonical_park hashes the whole catalog per call; one index per file is enough.
        for park in self.catalog.parks:
            for text in (park.name, *park.aliases):
                self.parks[re.sub(r"\s+", "", text)] = park.name
        self.catalog_park_names = frozenset(park.name for park in self.catalog.parks)

    def unmatched(self, sheet: str, label: str, unit: str | None, where: str) -> None:
        """Note a label that holds numbers but names no indicator, with the indicator it would make."""
        from metrics.ingest.official import label_name

        name = label_name(label.replace("/", ""))
        if not name or (sheet, name) in self.unmatched_labels:
            return
        written = unit or split_unit(label.split("/")[-1])[1] or split_unit(label.split("/")[0])[1]
        self.unmatched_labels[(sheet, name)] = UnmatchedLabel(
            label=label, name_zh=name, unit=canonical_unit(written), sheet=sheet, where=where
        )


@dataclass
class Block:
    """Figures from one sheet, one array per OBS_COLUMNS column."""

    columns: dict[str, np.ndarray]
    # Per figure: True when its row holds a bad value cell elsewhere (such figures are loaded only by
    # "load every valid cell"); None when no row of the sheet has one.
    partial: np.ndarray | None = None
    source_prefix: str = ""  # `file!sheet!`: every figure's source is this and its row number

    def __len__(self) -> int:
        return len(self.columns["value"])


@dataclass
class Coded:
    """A column per row as codes into a small table of results; code -1 means the table's last entry."""

    codes: np.ndarray  # integers, one per row
    table: np.ndarray  # object

    @classmethod
    def constant(cls, n: int, value: object) -> Coded:
        table = np.empty(2, dtype=object)
        table[:] = [value, None]
        return cls(np.zeros(n, dtype=np.int8), table)

    def take(self, keep: np.ndarray) -> Coded:
        return Coded(self.codes[keep], self.table)

    def categorical(self, pos: np.ndarray) -> pd.Categorical:
        """The results at the given positions as a pandas Categorical: codes only, no object per row."""
        table_codes, categories = pd.factorize(pd.Series(self.table, dtype=object, copy=False))
        # Compose the small maps first (table -> category, per row), then take the figures' positions
        # once, in the narrowest integer type: one pass of 1-byte codes instead of two of 8-byte ones.
        per_row = table_codes.astype(_code_type(len(categories)))[self.codes]
        return pd.Categorical.from_codes(per_row[pos], categories=categories, validate=False)


def _code_type(size: int) -> type:
    return np.int8 if size < 127 else np.int16 if size < 32_767 else np.int32


def fill_merged(grid: Grid) -> None:
    """Give every cell of a merged range the value of its top-left cell (calamine leaves them empty)."""
    n_rows, n_cols = grid.cells.shape
    for (r0, c0), (r1, c1) in grid.merged:
        if r0 < n_rows and c0 < n_cols:
            grid.cells[r0 : r1 + 1, c0 : c1 + 1] = grid.cells[r0, c0]
