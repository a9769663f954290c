"""Where the table is on a sheet: header row(s), column meanings, title text above it."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from metrics.catalog import Catalog
from metrics.ingest.headers import ColumnMeaning, clean, match_column, role_of
from metrics.ingest.values import parse_text
from metrics.periods import Period

HEADER_SEARCH_ROWS = 60  # a header lower than this is not a header
UNIT_ROW_KEYS = frozenset({"单位", "计量单位", "unit"})  # the key cell of a unit row under the header


@dataclass
class Column:
    index: int
    text: str  # as written, for reports: `营业收入(亿元)` or `创新平台/国家级`
    role: str | None = None  # park | chain | period | indicator | value | unit | basis | reference
    meaning: ColumnMeaning | None = None  # for an indicator column (wide layout)
    period: Period | None = None  # for a value column of an indicators-down table (periods across)
    unit: str | None = None  # written in a unit row under the header


@dataclass
class Layout:
    header_row: int  # index into the grid of the (first) header row
    body_start: int  # index of the first row below the header(s)
    title_text: str
    roles: dict[str, Column] = field(default_factory=dict)
    indicators: list[Column] = field(default_factory=list)
    ignored: list[Column] = field(default_factory=list)
    problems: list[tuple[Column, str, str]] = field(default_factory=list)  # header problems (zh, en)
    sheet_park: str | None = None  # the park of every row, when the table has no park column (a sheet per park)
    # Indicators down, periods across (a statistical form): one value column per period; labels are read
    # in the context of the item above (`其中：`), signature lines below are notes (metrics/ingest/official.py).
    down_values: list[Column] = field(default_factory=list)
    official: bool = False  # found by the reader of official layouts (CONTRACT §2b)

    @property
    def is_long(self) -> bool:
        return "indicator" in self.roles and ("value" in self.roles or bool(self.down_values))

    @property
    def key_column(self) -> Column:
        """The column that names what a row is about: park, else (long) indicator, else chain or period,
        else the first indicator column. Blank rows and notes are found there."""
        for role in ("indicator", "park") if self.is_long else ("park",):
            if role in self.roles:
                return self.roles[role]
        for role in ("chain", "period"):
            if role in self.roles:
                return self.roles[role]
        return self.indicators[0]


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


Role = Callable[[object], "str | None"]


def find_layout(
    cells: np.ndarray, catalog: Catalog, sheet_park: str | None = None, role_of: Role = role_of
) -> Layout | None:
    """The table on a sheet, or None when the sheet holds no table. A table has a park column header;
    given `sheet_park` (the sheet's park, from its name or title), a header without one will do.
    `role_of` names the role of a header (the reader of official layouts also takes `地区` as a park's)."""
    n_rows = cells.shape[0]
    header = None
    for r in range(min(n_rows, HEADER_SEARCH_ROWS)):
        if any(isinstance(c, str) and role_of(c) == "park" for c in cells[r]):
            header = r
            break
    if header is None and sheet_park is not None:
        header = next(
            (r for r in range(min(n_rows, HEADER_SEARCH_ROWS)) if _parkless_header(cells[r], catalog, role_of)), None
        )
    if header is None:
        return None
    top = [text_of(c) for c in cells[header]]
    sub = _sub_header(cells, header, top, catalog, role_of)
    title = " ".join(dict.fromkeys(text_of(c) for row in cells[:header] for c in row if not is_empty(c)))
    layout = Layout(header_row=header, body_start=header + (2 if sub else 1), title_text=title)
    if not any(t and role_of(t) == "park" for t in top):
        layout.sheet_park = sheet_park
    groups = _fill_groups(top, role_of) if sub else top
    units = unit_row(cells, layout.body_start, top, role_of)
    if units is not None:
        layout.body_start += 1
    seen: dict[tuple, Column] = {}
    for j in range(cells.shape[1]):
        group = groups[j]
        child = sub[j] if sub and sub[j] != group else ""
        text = f"{group}/{child}" if group and child else (child or group)
        if not text:
            continue
        col = Column(index=j, text=text, unit=units[j] if units else None)
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
        if meaning.unit is None and col.unit:
            meaning = replace(meaning, unit=col.unit)
        col.meaning = meaning
        key = (meaning.indicator.id, meaning.period)
        if key in seen:
            layout.problems.append(
                (col, f"与“{seen[key].text}”列重复，已忽略", f"repeats column {seen[key].text!r}; ignored")
            )
            continue
        seen[key] = col
        layout.indicators.append(col)
    if layout.sheet_park is not None and not layout.indicators and not layout.is_long:
        return None  # a row that looked like a header but names no figure
    return layout


def unit_row(cells: np.ndarray, row: int, top: list[str], role_of: Role = role_of) -> list[str] | None:
    """The units of a row under the header that gives each column its unit (`单位 | 亿元 | 家`), or None."""
    if row >= cells.shape[0]:
        return None
    anchor = next((j for j, t in enumerate(top) if t and role_of(t) in ("park", "chain", "period", "indicator")), 0)
    if clean(text_of(cells[row][anchor])).casefold() not in UNIT_ROW_KEYS:
        return None
    units = [clean(text_of(c)) for c in cells[row]]
    units[anchor] = ""
    # A unit is short text, never a number: otherwise this is a park or region named 单位.
    if any(u and (len(u) > 8 or parse_text(u, "个").error is None) for u in units):
        return None
    return units


def _parkless_header(row: np.ndarray, catalog: Catalog, role_of: Role = role_of) -> bool:
    """A header row without a park column: two or more text cells (none a number) naming a chain or
    period column, two indicators, or the indicator and value columns of a long table."""
    filled = [c for c in row if not is_empty(c)]
    if len(filled) < 2 or not all(isinstance(c, str) for c in filled):
        return False
    roles = {role_of(c) for c in filled}
    if roles & {"chain", "period"} or {"indicator", "value"} <= roles:
        return True
    return sum(1 for c in filled if match_column(catalog, "", text_of(c))) >= 2


def _fill_groups(top: list[str], role_of: Role = role_of) -> list[str]:
    # A group header written once above several sub-columns (merged or not) applies to all of them.
    filled, last = [], ""
    for text in top:
        if text:
            last = "" if role_of(text) else text
            filled.append(text)
        else:
            filled.append(last)
    return filled


def _sub_header(
    cells: np.ndarray, header: int, top: list[str], catalog: Catalog, role_of: Role = role_of
) -> list[str] | None:
    """The second header row under `header`, when there is one."""
    if header + 1 >= cells.shape[0]:
        return None
    below = [text_of(c) for c in cells[header + 1]]
    # Under the key column (park, else chain or period) a second header row is empty or repeats it.
    anchor = next((j for j, t in enumerate(top) if t and role_of(t) in ("park", "chain", "period")), None)
    if anchor is not None and below[anchor] and clean(below[anchor]) != clean(top[anchor]):
        return None
    new_cells = [(j, t) for j, t in enumerate(below) if t and clean(t) != clean(top[j])]
    if not new_cells:
        return None
    raw_below = cells[header + 1]
    for j, _t in new_cells:
        cell = raw_below[j]
        if not isinstance(cell, str) or parse_text(cell, "个").error is None:
            return None  # a number or a missing marker: this is a data row
    groups = _fill_groups(top, role_of)
    if any(match_column(catalog, groups[j], t) or role_of(t) for j, t in new_cells):
        return below
    return None
