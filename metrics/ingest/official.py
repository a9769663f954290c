"""Layouts of official statistics files (CONTRACT §2b): periods across, indicators down, the indicator of a
table in a title line, region entities, the column-number row and signature lines of a statistical form."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from functools import lru_cache

import numpy as np

from metrics.catalog import Indicator
from metrics.ingest.body import ArrayBody
from metrics.ingest.context import find_indicator
from metrics.ingest.grid import Context, Grid
from metrics.ingest.headers import ColumnMeaning, clean, role_of, split_unit
from metrics.ingest.layout import (
    HEADER_SEARCH_ROWS,
    Column,
    Layout,
    find_layout,
    is_empty,
    text_of,
    unit_row,
)
from metrics.ingest.values import parse_text
from metrics.periods import Period, find_period, month_end, parse_period, year_earlier

# Headers naming the entity column besides the park headers of CONTRACT §2: regions are entities too.
ENTITY_HEADERS = frozenset(
    {
        "地区",
        "区域",
        "区县",
        "城市",
        "省份",
        "省市",
        "地市",
        "地区名称",
        "城市名称",
        "行政区划",
        "region",
        "area",
        "city",
    }
)
# Headers of the label column of an indicators-down table.
LABEL_HEADERS = frozenset({"指标", "指标名称", "指标项", "指标名", "项目", "项目名称", "indicator"})
# Lines below a statistical form: who signed it, when it was sent (not data).
SIGNATURE_PREFIXES = ("单位负责人", "统计负责人", "填表人", "报出日期", "填报人", "审核人", "联系电话", "制表人")
# Headers of columns that never hold an indicator's figures, even when they hold numbers.
NOT_INDICATORS = frozenset(
    {
        "序号",
        "编号",
        "代码",
        "指标代码",
        "行次",
        "排名",
        "名次",
        "排序",
        "备注",
        "说明",
        "序",
        "no",
        "no.",
        "id",
        "邮编",
    }
)
_COLUMN_NUMBERS = frozenset("甲乙丙丁戊己庚辛壬癸")
# Rows of the stacked header of an economic-database export (one series per column, periods down).
STACK_INDICATOR = frozenset({"指标", "指标名称", "指标名"})
STACK_UNIT = frozenset({"单位", "计量单位"})
STACK_OTHER = frozenset({"频度", "频率", "来源", "数据来源", "指标id", "指标编码", "更新时间", "时间区间", "统计口径"})
STACK_NOTES = ("注", "数据来源", "资料来源", "来源：", "来源:", "说明")
_TITLE_INDICATOR = re.compile(r"^指标(?:名称)?[:：](.+)$")
_REPORTER = re.compile(r"(?:填报单位|报送单位|填报机关|单位名称)[:：]([^:：]+?)(?=(?:19|20)\d{2}年|$)")
_LEADING_ITEM = re.compile(
    r"^(?:其中[:：]?|[一二三四五六七八九十]+、|\d{1,2}[.、]|[(（][一二三四五六七八九十\d]{1,2}[)）])"
)
_MONTHS = re.compile(r"^(\d{1,2})(?:[-—~～至](\d{1,2}))?月(?:份)?$")


def official_role(text: object) -> str | None:
    """role_of, with region headers (`地区`, `城市`...) naming the entity (park) column."""
    return _official_role(text if isinstance(text, str) else str(text))


@lru_cache(maxsize=8192)
def _official_role(text: str) -> str | None:
    role = role_of(text)
    if role is None and split_unit(text)[0].casefold() in ENTITY_HEADERS:
        return "park"
    return role


def is_region_header(text: object) -> bool:
    """An entity column headed 地区/城市/区县... holds regions (provinces, cities), not parks."""
    return split_unit(clean(text_of(text)))[0].casefold() in ENTITY_HEADERS


def label_name(text: str) -> str:
    """A row or column label as an indicator name: no `其中：`, item numbering, unit bracket or spaces."""
    return _without_item_marks(split_unit(text)[0])


# The first characters _LEADING_ITEM can match: a label starting otherwise skips the regular expression.
_ITEM_STARTS = frozenset("其一二三四五六七八九十0123456789(（")


def _without_item_marks(name: str) -> str:
    while True:
        if name[:1] not in _ITEM_STARTS:
            return name
        stripped = _LEADING_ITEM.sub("", name)
        if stripped == name:
            return name
        name = stripped


def label_parts(cell: object) -> tuple[str, str | None, bool] | None:
    """A form's label cell as (indicator name, unit in its bracket, a sub-item?); None when empty."""
    if type(cell) is str:
        return _text_label_parts(cell)
    return _label_parts(cell)


@lru_cache(maxsize=16384)
def _text_label_parts(cell: str) -> tuple[str, str | None, bool] | None:
    # Cached: a park sends the same form every month, its hundreds of labels unchanged.
    return _label_parts(cell)


def _label_parts(cell: object) -> tuple[str, str | None, bool] | None:
    text = text_of(cell)
    if not text:
        return None
    name, unit = split_unit(text)
    sub = isinstance(cell, str) and cell[:1] in (" ", "\u3000", "\t") or name.startswith("其中")
    return _without_item_marks(name), unit, sub


def relative_period(text: str, base: Period | None) -> Period | None | bool:
    """A period header relative to the period of the report (`本年累计`, `上年同期`, `3月`): the period, or
    True when the header is relative but no base period is known, or None when it is not such a header."""
    word = clean(split_unit(text)[0])
    months = _MONTHS.match(word)
    words = {
        "本期",
        "本期数",
        "本月",
        "本月数",
        "本年累计",
        "本年累计数",
        "累计",
        "1-本月累计",
        "本年",
        "上年同期",
        "同期",
        "上年同期数",
        "上年同月",
        "上年同期累计",
        "去年同期累计",
        "同期累计",
        "上年同期累计数",
    }
    if not months and word not in words:
        return None
    if base is None:
        return True
    year, last = base.end.year, base.end.month
    if months:
        first = int(months[1])
        end = int(months[2] or months[1])
        return Period(dt.date(year, first, 1), month_end(year, end)) if 1 <= first <= end <= 12 else None
    month = Period(dt.date(year, last, 1), base.end)
    ytd = Period(dt.date(year, 1, 1), base.end)
    if word in ("本期", "本期数"):
        return base
    if word in ("本月", "本月数"):
        return month
    if word in ("上年同期", "同期", "上年同期数"):
        return year_earlier(base)
    if word == "上年同月":
        return year_earlier(month)
    if word in ("上年同期累计", "去年同期累计", "同期累计", "上年同期累计数"):
        return year_earlier(ytd)
    return ytd


def header_period(cell: object, base: Period | None) -> Period | None | bool:
    """The period a column header names (absolute, or relative to `base`); True: relative without a base."""
    if is_empty(cell):
        return None
    absolute = parse_period(cell if not isinstance(cell, str) else split_unit(cell)[0] or cell)
    if absolute is not None:
        return absolute
    return relative_period(text_of(cell), base) if isinstance(cell, str) else None


def is_column_number_row(row: np.ndarray) -> bool:
    """The `甲 乙 丙 1 2 3` row under a form's header: every filled cell a column letter or a running number."""
    filled = [text_of(c) for c in row if not is_empty(c)]
    if len(filled) < 2:
        return False
    letters = [t for t in filled if t in _COLUMN_NUMBERS]
    numbers = [t for t in filled if t not in _COLUMN_NUMBERS]
    if not all(t.isdigit() for t in numbers):
        return False
    ints = [int(t) for t in numbers]
    return bool(letters) and ints == list(range(ints[0], ints[0] + len(ints))) if ints else len(letters) >= 2


def title_lines(cells: np.ndarray, header: int) -> list[tuple[int, int, str]]:
    """(row, column, text) of every filled cell above the header."""
    return [
        (r, c, text_of(cells[r][c]))
        for r in range(min(header, cells.shape[0]))
        for c in range(cells.shape[1])
        if not is_empty(cells[r][c])
    ]


def reporter(lines: list[tuple[int, int, str]]) -> tuple[str, int] | None:
    """The `填报单位：NAME` of a form's title lines, and its row."""
    for r, _c, text in lines:
        m = _REPORTER.search(re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)))
        if m and m[1].strip():
            return m[1].strip(), r
    return None


def title_indicator(lines: list[tuple[int, int, str]]) -> tuple[str, int, int] | None:
    """The label of a `指标：地区生产总值(亿元)` title line, with its cell."""
    for r, c, text in lines:
        m = _TITLE_INDICATOR.match(clean(text))
        if m:
            return m[1], r, c
    return None


def cell_ref(row_number: int, column: int) -> str:
    """`C4`: a cell as Excel names it (column index from 0, row number as shown)."""
    letters, n = "", column + 1
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row_number}"


class OfficialLayouts:
    """Finds the table of a sheet that the CONTRACT §2 reader found none in, in an official layout."""

    def __init__(self, grid: Grid, ctx: Context):
        self.grid, self.ctx = grid, ctx
        self.options = ctx.options

    def problem(self, row_index: int, column: str | None, value: object, zh: str, en: str) -> None:
        self.ctx.report.problem(self.grid.sheet, self.grid.first_row + row_index, column, value, zh, en)

    def base_period(self, title_text: str, header: int) -> Period | None | bool:
        """The period of the report: title, sheet name, file name, else --period; False on a conflict."""
        found = find_period(title_text) or find_period(self.grid.sheet) or self.ctx.file_period
        given = self.options.period
        if found and given and found != given:
            self.problem(
                header,
                None,
                found.label(),
                f"文件所写时期“{found.label()}”与指定的时期“{given.label()}”不同",
                f"the file gives the period {found.label('en')!r}, but {given.label('en')!r} was given",
            )
            return False
        return found or given

    def find(self) -> Layout | None:
        """The table of an official layout; `self.grid` is then the grid to read (a stacked header's
        series are read as a long table of their own)."""
        stacked = self._stacked()
        if stacked is not None:
            return stacked
        cells = self.grid.cells
        layout = find_layout(cells, self.ctx.catalog, role_of=official_role)
        if layout is not None and "park" in layout.roles:
            return self._across(layout)
        return self._down()

    def _table_indicator(self, layout_header: int) -> tuple[Indicator | None, str | None, str | None] | None:
        """The indicator of the whole table (title line, sheet name, --indicator), the unit written with
        it and the label as written; None after a conflict (reported)."""
        lines = title_lines(self.grid.cells, layout_header)
        given = self.options.indicator
        found, unit, label, where = None, None, None, None
        titled = title_indicator(lines)
        if titled is not None:
            label, r, c = titled
            found = find_indicator(self.ctx.catalog, label)
            unit = split_unit(label)[1]
            where = (r, c)
            if found is None:
                self.unmatched(label, unit, cell_ref(self.grid.first_row + r, c))
        elif self.grid.sheet and find_indicator(self.ctx.catalog, self.grid.sheet):
            found = find_indicator(self.ctx.catalog, self.grid.sheet)
            unit = split_unit(self.grid.sheet)[1]
            label = self.grid.sheet
        if found is not None and given is not None and found.id != given.id:
            row = where[0] if where else layout_header
            self.problem(
                row,
                None,
                label,
                f"文件所写指标“{found.name_zh}”与指定的指标“{given.name_zh}”不同",
                f"the file names the indicator {found.id!r}, but {given.id!r} was given",
            )
            return None
        if found is None and label is None:
            found = given
        return found, unit, label

    def unmatched(self, label: str, unit: str | None, where: str) -> None:
        self.ctx.unmatched(self.grid.sheet, label, unit, where)

    def _across(self, layout: Layout) -> Layout | None:
        """Entities (parks, regions) down; periods across, each column of one indicator given once for the
        whole table, or indicator columns as in the wide layout of CONTRACT §2."""
        layout.official = True
        cells = self.grid.cells
        if layout.body_start < cells.shape[0] and is_column_number_row(cells[layout.body_start]):
            layout.body_start += 1
        base = self.base_period(layout.title_text, layout.header_row)
        if base is False:
            return None
        periods = [(col, header_period(col.text, base)) for col in layout.ignored]
        period_cols = [(col, p) for col, p in periods if p is not None]
        if not period_cols or not self._holds_numbers(layout.body_start, [c for c, _p in period_cols]):
            return layout  # no period columns, or only empty ones (a template): nothing to read
        table = self._table_indicator(layout.header_row)
        if table is None:
            return None
        indicator, unit, label = table
        header_row = layout.header_row
        if indicator is None:
            if label is None:
                self.problem(
                    header_row,
                    None,
                    None,
                    "文件没有说明这些数值是什么指标：表头、标题（如“指标：地区生产总值(亿元)”）和工作表名中都没有指标，"
                    "也没有指定指标（--indicator）",
                    "the file does not say what its figures are: no indicator in a header, a title line "
                    "(such as 指标：地区生产总值(亿元)), the sheet name, nor given (--indicator)",
                )
                return None
            return layout  # a label outside the catalog: listed, its columns ignored
        layout.ignored = [col for col, p in periods if p is None]
        for col, period in period_cols:
            if period is True:
                self._no_base(header_row, col)
                continue
            if self._given_period_differs(col, period):
                self._period_conflict(header_row, col, period)
                continue
            col.meaning = ColumnMeaning(indicator, col.unit or unit, period)
            layout.indicators.append(col)
        return layout

    def _stacked(self) -> Layout | None:
        """指标/地区/频度/单位 rows stacked over one series per column, a period per row below (exports of
        economic databases): read as the long table (entity, period, indicator, unit, value) it stands for."""
        cells = self.grid.cells
        if cells.shape[1] < 2:
            return None
        keys: dict[str, int] = {}
        r = 0
        while r < min(cells.shape[0], 12):
            word = clean(text_of(cells[r][0])).casefold()
            if word in STACK_INDICATOR:
                keys.setdefault("indicator", r)
            elif word in ENTITY_HEADERS or role_of(word) == "park":
                keys.setdefault("park", r)
            elif word in STACK_UNIT:
                keys.setdefault("unit", r)
            elif word not in STACK_OTHER:
                break
            r += 1
        if (
            "indicator" not in keys
            or len(keys) < 2
            or r >= cells.shape[0]
            or parse_period(text_of(cells[r][0])) is None
        ):
            return None
        series = [j for j in range(1, cells.shape[1]) if not is_empty(cells[keys["indicator"]][j])]
        body_rows = []
        for i in range(r, cells.shape[0]):
            first = text_of(cells[i][0])
            if first.startswith(STACK_NOTES):
                break
            if first or any(not is_empty(cells[i][j]) for j in series):
                body_rows.append(i)
        given = self.options.park
        melted = np.empty((len(body_rows) * len(series) + 1, 5), dtype=object)
        melted[0] = ["地区", "时间", "指标名称", "单位", "数值"]
        k = 1
        for i in body_rows:
            for j in series:
                park = text_of(cells[keys["park"]][j]) if "park" in keys else given or ""
                unit = text_of(cells[keys["unit"]][j]) if "unit" in keys else ""
                melted[k] = [park, cells[i][0], text_of(cells[keys["indicator"]][j]), unit, cells[i][j]]
                k += 1
        numbers = self.grid.first_row + np.repeat(np.array(body_rows, dtype=np.int64), len(series))

        def load_body(start: int, value_columns: tuple[int, ...] = ()) -> ArrayBody:
            body = ArrayBody(melted[start:], 0)
            body.row_numbers = numbers[start - 1 :]
            return body

        self.grid = Grid(sheet=self.grid.sheet, cells=melted, first_row=self.grid.first_row, load_body=load_body)
        layout = Layout(header_row=0, body_start=1, title_text="", official=True)
        for j, role in enumerate(("park", "period", "indicator", "unit", "value")):
            layout.roles[role] = Column(index=j, text=melted[0][j], role=role)
        return layout

    def _holds_numbers(self, start: int, columns: list[Column]) -> bool:
        """Whether the columns hold any number below the header (a template sheet holds none)."""
        for row in self.grid.cells[start : start + 2000]:
            for col in columns:
                cell = row[col.index]
                if isinstance(cell, bool) or is_empty(cell):
                    continue
                if isinstance(cell, (int, float)) or parse_text(str(cell), "万元").value is not None:
                    return True
        return False

    def _no_base(self, header_row: int, col: Column) -> None:
        self.problem(
            header_row,
            col.text,
            col.text,
            "表头是相对时期，但标题、填报单位行、工作表名和文件名中都没有报告期，也没有指定时期（--period）",
            "the header is a relative period, but no title, 填报单位 line, sheet name or file name gives the "
            "period of the report, nor was one given (--period)",
        )

    def _down(self) -> Layout | None:
        """Indicators down (a label column, maybe 计量单位 and 代码 columns), periods across: one entity for
        the whole table, from the 填报单位 line, a title, the sheet name, the file name or --park."""
        cells = self.grid.cells
        header = None
        for r in range(min(cells.shape[0], HEADER_SEARCH_ROWS)):
            texts = [clean(split_unit(text_of(c))[0]).casefold() for c in cells[r]]
            if any(t in LABEL_HEADERS for t in texts):
                header = r
                break
        if header is None:
            return None
        top = [text_of(c) for c in cells[header]]
        lines = title_lines(cells, header)
        title = " ".join(dict.fromkeys(t for _r, _c, t in lines))
        layout = Layout(header_row=header, body_start=header + 1, title_text=title, official=True)
        units = unit_row(cells, layout.body_start, top, official_role)
        if units is not None:
            layout.body_start += 1
        if layout.body_start < cells.shape[0] and is_column_number_row(cells[layout.body_start]):
            layout.body_start += 1
        base = self.base_period(title, header)
        if base is False:
            return None
        label_col = None
        unresolved: list[Column] = []  # relative periods (本年累计) without a period of the report
        for j, text in enumerate(top):
            if not text:
                continue
            col = Column(index=j, text=text, unit=units[j] if units else None)
            name = clean(split_unit(text)[0]).casefold()
            if label_col is None and name in LABEL_HEADERS:
                col.role = "indicator"
                layout.roles["indicator"] = label_col = col
                continue
            role = role_of(text)
            if role in ("unit", "basis", "reference") and role not in layout.roles:
                col.role = role
                layout.roles[role] = col
                continue
            period = header_period(cells[header][j], base)
            if period is True:
                unresolved.append(col)
            elif period is not None:
                if self._given_period_differs(col, period):
                    self._period_conflict(header, col, period)
                    continue
                col.role, col.period = "value", period
                layout.down_values.append(col)
                continue
            layout.ignored.append(col)
        if not self._holds_numbers(layout.body_start, layout.down_values + unresolved):
            return None  # no period columns, or an empty form (a template): nothing to read, as before
        for col in unresolved:
            self._no_base(header, col)
        if not layout.down_values:
            return None
        park = self._down_entity(lines, header)
        if park is None:
            return None
        layout.sheet_park = park
        return layout

    def _given_period_differs(self, col: Column, period: Period) -> bool:
        """A header naming a period itself (not `本年累计`, relative to the report's) other than --period."""
        given = self.options.period
        return given is not None and period != given and relative_period(col.text, None) is None

    def _period_conflict(self, header: int, col: Column, period: Period) -> None:
        given = self.options.period
        self.problem(
            header,
            col.text,
            col.text,
            f"表头时期“{period.label()}”与指定的时期“{given.label()}”不同",
            f"the header names the period {period.label('en')!r}, but {given.label('en')!r} was given",
        )

    def _down_entity(self, lines: list[tuple[int, int, str]], header: int) -> str | None:
        from metrics.ingest.table import sheet_park

        found = reporter(lines)
        name, row = (self.ctx.parks.get(re.sub(r"\s+", "", found[0]), found[0]), found[1]) if found else (None, header)
        name = name or sheet_park(self.grid, self.ctx)
        given = self.options.park
        if name and given and name != given:
            self.problem(
                row,
                None,
                name,
                f"文件所写单位“{name}”与指定的园区“{given}”不同",
                f"the file names {name!r}, but the park {given!r} was given",
            )
            return None
        name = name or given
        if name is None:
            self.problem(
                header,
                None,
                None,
                "文件没有说明这些数值属于哪个园区或地区：没有填报单位行，标题、工作表名和文件名中也没有，也没有指定园区（--park）",
                "the file does not say whose figures these are: no 填报单位 line, no park in a title, the sheet "
                "name or the file name, nor given (--park)",
            )
        return name
