"""Where the table is on a sheet: header row(s), column meanings, title text above it."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from metrics.catalog import Catalog
from metrics.ingest.headers import ColumnMeaning, clean, match_column, role_of
from metrics.ingest.values import parse_text

HEADER_SEARCH_ROWS = 60  # a header lower than this is not a header


@dataclass
class Column:
    index: int
    text: str  # as written, for reports: `营业收入(亿元)` or `创新平台/国家级`
    role: str | None = None  # park | chain | period | indicator | value | unit | basis | reference
    meaning: ColumnMeaning | None = None  # for an indicator column (wide layout)


@dataclass
class Layout:
    header_row: int  # index into the grid of the (first) header row
    body_start: int  # index of the first row below the header(s)
    title_text: str
    roles: dict[str, Column] = field(default_factory=dict)
    indicators: list[Column] = field(default_factory=list)
    ignored: list[Column] = field(default_factory=list)
    problems: list[tuple[Column, str, str]] = field(default_factory=list)  # header problems (zh, en)

    @property
    def is_long(self) -> bool:
        return "indicator" in self.roles and "value" in self.roles


def is_empty(cell: object) -> bool:
    return (
        cell is None or (isinstance(cell, str) and not cell.strip()) or (isinstance(cell, float) and math.isnan(cell))
    )


def text_of(cell: object) -> str:
    """A cell as trimmed text; a whole number from a workbook without its `.0` (park code 1001.0 -> 1001)."""
    if is_empty(cell):
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def find_layout(cells: np.ndarray, catalog: Catalog) -> Layout | None:
    """The table on a sheet, or None when the sheet holds no table (no park column header)."""
    n_rows = cells.shape[0]
    header = None
    for r in range(min(n_rows, HEADER_SEARCH_ROWS)):
        if any(isinstance(c, str) and role_of(c) == "park" for c in cells[r]):
            header = r
            break
    if header is None:
        return None
    top = [text_of(c) for c in cells[header]]
    sub = _sub_header(cells, header, top, catalog)
    title = " ".join(dict.fromkeys(text_of(c) for row in cells[:header] for c in row if not is_empty(c)))
    layout = Layout(header_row=header, body_start=header + (2 if sub else 1), title_text=title)
    groups = _fill_groups(top) if sub else top
    seen: dict[tuple, Column] = {}
    for j in range(cells.shape[1]):
        group = groups[j]
        child = sub[j] if sub and sub[j] != group else ""
        text = f"{group}/{child}" if group and child else (child or group)
        if not text:
            continue
        col = Column(index=j, text=text)
        role = role_of(child) if child else role_of(group)
        if role:
            if role in layout.roles:
                layout.ignored.append(col)
            else:
                col.role = role
                layout.roles[role] = col
            continue
        meaning = match_column(catalog, group if child else "", child or group)
        if meaning is None:
            layout.ignored.append(col)
            continue
        col.meaning = meaning
        key = (meaning.indicator.id, meaning.period)
        if key in seen:
            layout.problems.append(
                (col, f"与“{seen[key].text}”列重复，已忽略", f"repeats column {seen[key].text!r}; ignored")
            )
            continue
        seen[key] = col
        layout.indicators.append(col)
    return layout


def _fill_groups(top: list[str]) -> list[str]:
    # A group header written once above several sub-columns (merged or not) applies to all of them.
    filled, last = [], ""
    for text in top:
        if text:
            last = "" if role_of(text) else text
            filled.append(text)
        else:
            filled.append(last)
    return filled


def _sub_header(cells: np.ndarray, header: int, top: list[str], catalog: Catalog) -> list[str] | None:
    """The second header row under `header`, when there is one."""
    if header + 1 >= cells.shape[0]:
        return None
    below = [text_of(c) for c in cells[header + 1]]
    park_col = next(j for j, t in enumerate(top) if t and role_of(t) == "park")
    if below[park_col] and clean(below[park_col]) != clean(top[park_col]):
        return None
    new_cells = [(j, t) for j, t in enumerate(below) if t and clean(t) != clean(top[j])]
    if not new_cells:
        return None
    raw_below = cells[header + 1]
    for j, _t in new_cells:
        cell = raw_below[j]
        if not isinstance(cell, str) or parse_text(cell, "个").error is None:
            return None  # a number or a missing marker: this is a data row
    groups = _fill_groups(top)
    if any(match_column(catalog, groups[j], t) or role_of(t) for j, t in new_cells):
        return below
    return None
