"""Value cells (CONTRACT §2): numbers, qualified counts, percentages, magnitudes, missing markers."""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd

from metrics.model import QUALIFIERS

QUALIFIER_CODES = {q: k for k, q in enumerate(QUALIFIERS)}
MISSING_MARKERS = frozenset(
    {
        "",
        "—",
        "–",
        "-",
        "/",
        "N/A",
        "n/a",
        "NA",
        "无数据",
        "--",
        "——",
        "---",
        "－",
        "#N/A",
        "暂无数据",
        "null",
        "NULL",
        "None",
        "nan",
        "NaN",
        "\\",
    }
)

# Magnitude words written after a number; the factor is relative to one yuan (or one unit for counts).
MAGNITUDES = {"亿元": 1e8, "亿": 1e8, "万元": 1e4, "万": 1e4, "千元": 1e3, "千": 1e3, "元": 1.0}
# Canonical currency units of the catalog, in yuan or in US dollars (never converted into each other).
CURRENCY_UNITS = {"万元": 1e4}
DOLLAR_MAGNITUDES = {"亿美元": 1e8, "万美元": 1e4, "美元": 1.0}
DOLLAR_UNIT = "万美元"
# Count words that may follow a figure (`110余批次`, `1500余名`); they carry no scale.
COUNT_WORDS = "人次|场次|批次|家|个|项|名|人|次|场|支|批|位|户|件|条|所|队|支队|团队|家次|期|班|篇|台|套|亩|平方米"

_NUMBER = r"(?P<num>[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[+-]?\.\d+)"
_VALUE = re.compile(
    r"(?P<pre>约|近|大约|接近|将近|超过|超|逾|多于|不少于|不低于|达|达到|共|累计)?"
    + _NUMBER
    + r"(?P<mag1>亿美元|万美元|美元|亿元|万元|千元|元|亿|万|千)?"
    r"(?P<q1>余|多|以上|左右|上下)?"
    r"(?P<mag2>亿元|万元|千元|元|亿|万)?"
    r"(?P<pct>%)?"
    r"(?:" + COUNT_WORDS + r")?"
    r"(?P<q2>以上|左右|上下)?"
)
_AT_LEAST = {"超过", "超", "逾", "多于", "不少于", "不低于", "余", "多", "以上"}
_APPROX = {"约", "近", "大约", "接近", "将近", "左右", "上下"}


@dataclass(frozen=True)
class Parsed:
    """One cell read: `value` in the indicator's unit, or `missing`, or an `error` (zh, en)."""

    value: float | None = None
    qualifier: str = "exact"
    missing: bool = False
    error: tuple[str, str] | None = None


MISSING = Parsed(missing=True)


def _normalise(text: str) -> str:
    # NFKC turns full-width digits, ％, ，, （ into their ASCII forms; spaces never carry meaning here.
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).replace("−", "-")


def is_missing_marker(text: str) -> bool:
    return text.strip() in MISSING_MARKERS or _normalise(text) in MISSING_MARKERS


def parse_text(text: str, unit: str, header_factor: float = 1.0) -> Parsed:
    """A text cell as a figure in `unit` (the indicator's unit); `header_factor` scales plain numbers."""
    if is_missing_marker(text):
        return MISSING
    norm = _normalise(text)
    m = _VALUE.fullmatch(norm)
    if not m:
        return Parsed(error=("无法识别的数值", "not a number"))
    number = float(m["num"].replace(",", ""))
    words = {m["pre"], m["q1"], m["q2"]} - {None}
    qualifier = "exact"
    if words & _AT_LEAST:
        qualifier = "at_least"
    if words & _APPROX:
        if qualifier != "exact":
            return Parsed(error=("数值限定词相互矛盾", "conflicting qualifiers"))
        qualifier = "approx"
    magnitude = m["mag1"] or m["mag2"]
    if m["mag1"] and m["mag2"]:
        return Parsed(error=("数值单位重复", "unit written twice"))
    if magnitude:
        factor = magnitude_factor(magnitude, unit)
        if factor is None:
            return Parsed(
                error=(f"单位“{magnitude}”与指标单位“{unit}”不符", f"unit {magnitude!r} does not fit {unit!r}")
            )
        number *= factor
    elif not m["pct"]:
        number *= header_factor
    if not math.isfinite(number):
        return Parsed(error=("无法识别的数值", "not a number"))
    return Parsed(value=number, qualifier=qualifier)


def magnitude_factor(magnitude: str, unit: str) -> float | None:
    """Factor turning a figure written with `magnitude` (亿, 万元...) into `unit`; None if they do not fit."""
    if unit == DOLLAR_UNIT:
        if magnitude in DOLLAR_MAGNITUDES:
            return DOLLAR_MAGNITUDES[magnitude] / 1e4
        return None if magnitude.endswith("元") else MAGNITUDES[magnitude] / 1e4
    if magnitude in DOLLAR_MAGNITUDES:
        return None  # US dollars never become yuan (or a count)
    if unit in CURRENCY_UNITS:
        return MAGNITUDES[magnitude] / CURRENCY_UNITS[unit]
    if unit == "%" or magnitude.endswith("元"):
        return None
    return MAGNITUDES[magnitude]  # 1.2万人次 = 12000 人次


def parse_cell(cell: object, unit: str, header_factor: float = 1.0, percent_cell: bool = False) -> Parsed:
    """Any spreadsheet cell (number, text, date, bool) as a figure in `unit`."""
    if cell is None:
        return MISSING
    if isinstance(cell, bool):
        return Parsed(error=("不是数值（逻辑值）", "not a number (boolean)"))
    if isinstance(cell, (int, float, np.integer, np.floating)):
        number = float(cell)
        if math.isnan(number):
            return MISSING
        if not math.isfinite(number):
            return Parsed(error=("无法识别的数值", "not a number"))
        return Parsed(value=number * 100 if percent_cell else number * header_factor)
    if isinstance(cell, str):
        return parse_text(cell, unit, header_factor)
    return Parsed(error=("不是数值（日期或时间）", "not a number (date or time)"))


class SlowCells:
    """The cells of a column at a few positions (those not plain numbers), without an object per row."""

    def __init__(self, positions: np.ndarray, texts: np.ndarray):
        self.positions = positions  # ascending row positions
        self.texts = texts  # object, aligned with positions

    def __getitem__(self, i: int) -> object:
        k = int(np.searchsorted(self.positions, i))
        return self.texts[k] if k < len(self.positions) and self.positions[k] == i else None

    def at(self, rows: np.ndarray) -> np.ndarray:
        """The cells at `rows` (each one of `positions`), in one search."""
        return self.texts[np.searchsorted(self.positions, rows)]

    def take(self, rows: np.ndarray) -> SlowCells:
        """The cells at `rows`, renumbered 0..len(rows)-1 as numpy's take would."""
        if not len(self.positions):
            return SlowCells(self.positions[:0], self.texts[:0])
        at = np.minimum(np.searchsorted(self.positions, rows), len(self.positions) - 1)
        found = self.positions[at] == rows
        return SlowCells(np.flatnonzero(found), self.texts[at[found]])


def cells_at(cells: np.ndarray | SlowCells, rows: np.ndarray) -> np.ndarray:
    """The cells at `rows` of a full column or of a column's slow cells."""
    return cells.at(rows) if isinstance(cells, SlowCells) else cells[rows]


@dataclass
class NumericPass:
    """A column's cells split cheaply: plain numbers read, the rest marked for the slow path."""

    values: np.ndarray  # float64; NaN where the cell is not a plain number
    slow: np.ndarray  # bool; cells needing `parse_cell` (text, empty, bool...)
    empty: np.ndarray  # bool; empty cells (None, "", spaces)
    cells: np.ndarray | SlowCells  # the cells as written, at least where `slow`

    def take(self, rows: np.ndarray) -> NumericPass:
        slow = self.slow[rows]
        if isinstance(self.cells, SlowCells):
            cells = self.cells.take(rows)
        else:  # keep only the cells the slow path reads: no object taken (and counted) per plain number
            at = np.flatnonzero(slow)
            cells = SlowCells(at, self.cells[rows[at]])
        return NumericPass(self.values[rows], slow, self.empty[rows], cells)

    def no_figure(self) -> np.ndarray:
        """Cells that give no figure whatever their column: empty, or a missing marker (—, N/A...)."""
        marked = self.empty.copy()
        at = np.flatnonzero(self.slow & ~self.empty)
        marked[at] = [isinstance(c, str) and is_missing_marker(c) for c in cells_at(self.cells, at)]
        return marked


_PLAIN_KINDS = frozenset({"floating", "integer", "mixed-integer-float", "decimal", "empty"})
# Cells looked at together when a column holds text: only the chunks holding some go through pandas'
# parser of text (a signature line under a form's 60 columns of a thousand rows is one chunk of fifteen).
NUMERIC_CHUNK = 4096


def numeric_pass(cells: np.ndarray) -> NumericPass:
    """Vectorised first look at a column: numbers (and number-like text) without a Python loop."""
    values, odd = _numbers(cells)
    slow = ~np.isfinite(values)
    if odd is not None:
        slow |= odd
    empty = np.zeros(len(cells), dtype=bool)
    for i in np.flatnonzero(slow):
        empty[i] = is_blank(cells[i])
    values[slow] = np.nan
    return NumericPass(values, slow, empty, cells)


def _numbers(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """The cells as floats (NaN where not a plain number), and the cells pandas' parser read as numbers
    that must go the slow way (booleans, odd objects; None when there are none)."""
    if pd.api.types.infer_dtype(cells, skipna=False) in _PLAIN_KINDS:
        return cells.astype(float), None  # only numbers (no bool, no text): the common, fastest case
    # Empty cells ("" from calamine) as NaN: numbers with gaps are then read without pandas' parser of
    # text, which costs more than the rest of the pass (a portal's or a form's thousands of figures).
    blank = cells == ""
    filled = np.where(blank, np.nan, cells) if blank.any() else cells
    n = len(cells)
    starts = range(0, n, NUMERIC_CHUNK)
    with_text = []  # none: numbers with gaps, read as such
    for a in starts:
        if pd.api.types.infer_dtype(filled[a : a + NUMERIC_CHUNK], skipna=False) not in _FILLED_KINDS:
            with_text.append(a)
            if 4 * len(with_text) > len(starts):  # text all over (110余 every thousand rows): one parser pass
                return _coerced(cells)
    values = filled.astype(float) if not with_text else np.empty(n, dtype=float)
    odd = None
    if with_text:
        text_at = set(with_text)
        for a in starts:
            part = slice(a, a + NUMERIC_CHUNK)
            if a not in text_at:
                values[part] = filled[part].astype(float)
                continue
            values[part], chunk_odd = _coerced(cells[part])
            if chunk_odd is not None:
                odd = np.zeros(n, dtype=bool) if odd is None else odd
                odd[part] = chunk_odd
    return values, odd


# Kinds of a column once its empty cells are NaN: numbers only (`integer-na`: whole numbers and NaN).
_FILLED_KINDS = _PLAIN_KINDS | {"integer-na"}


def _coerced(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """`_numbers` by pandas' parser: number-like text read, other text NaN (left to the slow path)."""
    values = np.array(pd.to_numeric(pd.Series(cells, dtype=object, copy=False), errors="coerce"), dtype=float)
    found = np.isfinite(values)
    if found.any() and pd.api.types.infer_dtype(cells[found], skipna=False) not in _PLAIN_KINDS | {"string"}:
        # to_numeric reads True as 1: booleans (and odd objects) go the slow way to be refused.
        return values, np.fromiter((type(c) not in (float, int, str) for c in cells), dtype=bool, count=len(cells))
    return values, None


def is_blank(cell: object) -> bool:
    return (
        cell is None or (isinstance(cell, str) and not cell.strip()) or (isinstance(cell, float) and math.isnan(cell))
    )


@dataclass
class ParsedColumn:
    """A value column read: arrays aligned with its rows."""

    values: np.ndarray  # float64, NaN where no figure
    qualifiers: np.ndarray  # int8 positions in model.QUALIFIERS (0 = exact)
    missing: np.ndarray  # bool
    errors: dict[int, tuple[object, tuple[str, str]]]  # position -> (cell, (zh, en))


def read_values(
    first: NumericPass, unit: str, header_factor: float = 1.0, percent_rows: np.ndarray | None = None
) -> ParsedColumn:
    """Finish a column: scale plain numbers, parse only the other cells one by one in Python."""
    n, cells = len(first.values), first.cells
    values = first.values.copy()
    if percent_rows is not None and percent_rows.any():
        # A percent-formatted cell shows 0.195 as 19.5%: the figure is the shown one.
        values *= np.where(percent_rows, 100.0, header_factor)
    elif header_factor != 1.0:
        values *= header_factor
    qualifiers = np.zeros(n, dtype=np.int8)
    missing = first.empty.copy()
    errors: dict[int, tuple[object, tuple[str, str]]] = {}
    cache: dict[object, Parsed] = {}
    slow_at = np.flatnonzero(first.slow & ~first.empty)
    for i, cell in zip(slow_at, cells_at(cells, slow_at), strict=True):
        key = (type(cell), cell)
        parsed = cache.get(key)
        if parsed is None:
            parsed = parse_cell(cell, unit, header_factor)
            if len(cache) < 10_000:
                cache[key] = parsed
        if parsed.missing:
            missing[i] = True
        elif parsed.error:
            errors[int(i)] = (cell, parsed.error)
        else:
            values[i] = parsed.value
            qualifiers[i] = QUALIFIER_CODES[parsed.qualifier]
    return ParsedColumn(values, qualifiers, missing, errors)
