"""One sheet's grid of cells into columns of figures (wide or long layout), problems into the report."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import PurePosixPath

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from metrics.ingest.grid import Block, Coded, Context, Grid, fill_merged
from metrics.ingest.headers import clean, match_column, split_unit, unit_factor
from metrics.ingest.layout import Column, Layout, find_layout, is_empty, text_of
from metrics.ingest.official import (
    NOT_INDICATORS,
    SIGNATURE_PREFIXES,
    OfficialLayouts,
    cell_ref,
    header_period,
    is_region_header,
    label_name,
    label_parts,
)
from metrics.ingest.values import parse_text, read_values
from metrics.model import QUALIFIERS, FixableCell
from metrics.periods import Period, find_period, parse_period

NOTE_PREFIXES = ("注", "备注:", "备注：", "数据来源", "资料来源", "来源:", "来源：", "说明", "附注", "*", "※")
TOTAL_WORDS = frozenset(
    {"合计", "总计", "小计", "全区", "全市", "全省", "汇总", "总体", "全部", "total", "subtotal", "sum"}
)
BASIS_WORDS = {
    "": "reported",
    "报告": "reported",
    "reported": "reported",
    "示意": "illustrative",
    "illustrative": "illustrative",
    # targets (metrics/targets.py turns them into `target:<id>` rows with basis reported/illustrative)
    "目标": "target",
    "target": "target",
    "示意目标": "illustrative_target",
    "illustrative target": "illustrative_target",
    "illustrative_target": "illustrative_target",
}
QUALIFIER_WORDS = {q: k for k, q in enumerate(QUALIFIERS)}
_TITLE_UNIT = re.compile(r"单位[:：]\s*(亿美元|万美元|美元|亿元|万元|千元|元)")
UNMATCHED_SAMPLE_ROWS = 2000  # rows looked at to tell whether a column of an unknown label holds numbers

KEY_OK, KEY_EMPTY, KEY_TOTAL, KEY_BAD = 0, 1, 2, 3
# A sheet named like this is one park's (the table below has no park column).
PARK_SUFFIXES = ("园区", "开发区", "新区", "高新区", "经开区", "产业园", "工业园", "示范区", "保税区", "产业基地")
TITLE_ROWS = 5  # title lines looked at for a park's name
# Sheets that explain a workbook: never one park's figures, whatever the file is called.
NOT_DATA_SHEETS = frozenset({"说明", "填报说明", "填表说明", "目录", "封面", "备注", "notes", "readme", "instructions"})

# From this many body rows on, the `file!sheet!row` texts are built in Arrow on a second thread (Arrow frees
# the GIL) while this one resolves keys and values. A wide table formats every body row (each is taken once
# per indicator column); a table with one value column formats the rows whose value is not empty, which
# are its figures unless a row has an error (then the figures' texts are taken from them).
EARLY_SOURCE_ROWS = 100_000
_BACKGROUND = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest-source")


def _date_of(cell: object) -> tuple[int, dt.date | None]:
    """A date cell or ISO date text (2024-01-01, 2024/1/1)."""
    if isinstance(cell, dt.datetime):
        return KEY_OK, cell.date()
    if isinstance(cell, dt.date):
        return KEY_OK, cell
    m = re.fullmatch(r"((?:19|20)\d{2})[-/.](\d{1,2})[-/.](\d{1,2})", text_of(cell))
    if m:
        try:
            return KEY_OK, dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            pass
    return KEY_BAD, None


def unquote(text: str) -> str:
    """Text without the `'` an export puts before `=`, `+`, `-` or `@` so that no spreadsheet runs it."""
    return text[1:] if len(text) > 1 and text[0] == "'" and text[1] in "=+-@" else text


def read_grid(grid: Grid, ctx: Context) -> Block | None:
    """The figures of one sheet; None (and the sheet named as skipped) when it holds no table."""
    fill_merged(grid)
    errors_before = len(ctx.report.report.errors)
    layout = find_layout(grid.cells, ctx.catalog)
    if layout is None:  # no park column: a sheet (or file) per park names its park itself, or --park does
        park = _park_of_sheet(grid, ctx)
        layout = find_layout(grid.cells, ctx.catalog, sheet_park=park) if park else None
    if (layout is None or (not layout.indicators and not layout.is_long)) and not _instructions(grid):
        # Not a table of CONTRACT §2: maybe one of the official layouts of §2b (periods across...).
        finder = OfficialLayouts(grid, ctx)
        layout = finder.find() or layout
        grid = finder.grid
    label = grid.sheet or ctx.file_name
    if layout is not None:
        _given_indicator_only(grid, layout, ctx)
    if layout is None or (not layout.indicators and not layout.is_long):
        if layout is not None and layout.ignored:
            _report_ignored(grid, layout, ctx, grid.body(layout.body_start))
        if len(ctx.report.report.errors) == errors_before:
            ctx.report.skipped_sheet(label)
        return None
    for col, zh, en in layout.problems:
        ctx.report.problem(grid.sheet, grid.first_row + layout.header_row, col.text, col.text, zh, en)
    first_error = len(ctx.report.report.errors)
    block = _Sheet(grid, layout, ctx).figures()
    _sort_errors(ctx.report.report.errors, first_error, layout)
    return block


def _instructions(grid: Grid) -> bool:
    return "".join(grid.sheet.split()).casefold() in NOT_DATA_SHEETS


def _park_of_sheet(grid: Grid, ctx: Context) -> str | None:
    """The park of a sheet without a park column: named by the sheet (sheet_park), else given (--park);
    None when neither, or when they differ (a problem naming both)."""
    found, given = sheet_park(grid, ctx), ctx.options.park
    if found and given and found != given:
        ctx.report.problem(
            grid.sheet,
            None,
            None,
            found,
            f"文件所写园区“{found}”与指定的园区“{given}”不同",
            f"the file names the park {found!r}, but {given!r} was given",
        )
        return None
    return found or given


def _given_indicator_only(grid: Grid, layout: Layout, ctx: Context) -> None:
    """With --indicator, a column naming another indicator is a problem naming both (the column not read)."""
    given = ctx.options.indicator
    if given is None:
        return
    keep = []
    for col in layout.indicators:
        if col.meaning.indicator.id == given.id:
            keep.append(col)
            continue
        ctx.report.problem(
            grid.sheet,
            grid.first_row + layout.header_row,
            col.text,
            col.text,
            f"表头指标“{col.meaning.indicator.name_zh}”与指定的指标“{given.name_zh}”不同，该列未读取",
            f"the header names {col.meaning.indicator.id!r}, but {given.id!r} was given; column not read",
        )
    layout.indicators = keep


def _report_ignored(grid: Grid, layout: Layout, ctx: Context, body) -> None:
    """Name the ignored columns; note those whose label names no indicator but which hold numbers."""
    sample = None
    for col in layout.ignored:
        ctx.report.ignored_column(col.text)
        name = label_name(col.text.replace("/", ""))
        if layout.down_values or not name or clean(name).casefold() in NOT_INDICATORS or col.role is not None:
            # (The columns of a form with indicators down are periods, codes or growth rates, not indicators.)
            continue
        if header_period(col.text, None) is not None:
            continue  # a period column of a table whose indicator is not known: the title's label is listed
        if sample is None:
            sample = body.rows(np.arange(min(body.n, UNMATCHED_SAMPLE_ROWS)))
        if any(_is_figure(row[col.index]) for row in sample if col.index < len(row)):
            ref = cell_ref(grid.first_row + layout.header_row, col.index)
            ctx.unmatched(grid.sheet, col.text, col.unit, ref)


def _is_figure(cell: object) -> bool:
    if isinstance(cell, bool):
        return False
    if isinstance(cell, (int, float, np.integer, np.floating)):
        return cell == cell
    return isinstance(cell, str) and parse_text(cell, "万元").value is not None


def sheet_park(grid: Grid, ctx: Context) -> str | None:
    """The park of a sheet whose table has no park column: its sheet name when that names a catalog
    park or reads as a park's name (东营经开区, XX高新区), else a catalog park that a title line at the top
    of the sheet starts with, or that the file name holds."""
    name = "".join(grid.sheet.split())
    if name.casefold() in NOT_DATA_SHEETS:
        return None
    if name:
        if name in ctx.parks:
            return ctx.parks[name]
        if name.endswith(PARK_SUFFIXES) and len(name) > 3 and find_period(name) is None:
            return grid.sheet.strip()
    titles = [
        "".join(text_of(row[0]).split())
        for row in grid.cells[:TITLE_ROWS]
        if len(row) and sum(not is_empty(c) for c in row) == 1 and not is_empty(row[0])
    ]
    # A report title starts with its park (东营经开区2024年主要指标); a file name may hold it anywhere.
    for title in titles:
        found = [alias for alias in ctx.parks if title.startswith(alias)]
        if found:
            return ctx.parks[max(found, key=len)]
    stem = "".join(PurePosixPath(ctx.file_name).stem.split())
    found = [alias for alias in ctx.parks if alias in stem]
    return ctx.parks[max(found, key=len)] if found else None


def _sort_errors(errors: list, start: int, layout: Layout) -> None:
    """Order one sheet's problems as a reader scans it: by row, then left to right."""
    position = {c.text: c.index for c in [*layout.roles.values(), *layout.indicators, *layout.ignored]}
    errors[start:] = sorted(errors[start:], key=lambda p: (p.row or 0, position.get(p.column, -1)))


class _Sheet:
    """Reads the body of one sheet below its header."""

    def __init__(self, grid: Grid, layout: Layout, ctx: Context):
        self.grid, self.layout, self.ctx = grid, layout, ctx
        roles = layout.roles
        if layout.down_values:
            self.value_columns = layout.down_values
        else:
            self.value_columns = [roles["value"]] if layout.is_long else layout.indicators
        self.note_prefixes = NOTE_PREFIXES + SIGNATURE_PREFIXES if layout.official else NOTE_PREFIXES
        self.body = grid.body(layout.body_start, tuple(c.index for c in self.value_columns))
        _report_ignored(grid, layout, ctx, self.body)
        self.row_numbers = self.body.row_numbers
        self.indicator_ids = list(ctx.catalog.ids)
        self.indicator_code = {iid: k for k, iid in enumerate(ctx.catalog.ids)}
        # Catalog.indicator scans the list: a form of a thousand items would scan it a thousand times.
        self.indicator_by_id = {ind.id: ind for ind in ctx.catalog.indicators}
        # The period the file states for the whole sheet, and the one used where it states none (--period).
        self.stated_period = find_period(layout.title_text) or find_period(grid.sheet) or ctx.file_period
        self.default_period = self.stated_period or ctx.options.period
        m = _TITLE_UNIT.search(layout.title_text.replace(" ", ""))
        self.title_unit = m[1] if m else None
        self.source_prefix = f"{ctx.file_name}!{grid.sheet}!"
        self.early_source: tuple[np.ndarray, Future] | None = None
        if self.body.n >= EARLY_SOURCE_ROWS and len(self.value_columns) > 1:
            self.start_source(None)

    def start_source(self, at: np.ndarray | None) -> None:
        """Format the texts of the body rows `at` (None: all of them) on the background thread."""
        numbers = self.row_numbers if at is None else self.row_numbers[at]
        self.early_source = (at, _BACKGROUND.submit(_source_texts, self.source_prefix, numbers))

    def cell(self, column: Column, pos: int) -> object:
        """The cell as written at body row `pos` (for messages)."""
        if column.role in (None, "value"):
            return self.body.numbers(column.index).cells[pos]
        codes, uniques = self.body.codes(column.index)
        return uniques[codes[pos]]

    def problem(self, pos: int, column: Column | None, value: object, zh: str, en: str) -> None:
        self.ctx.report.problem(
            self.grid.sheet, int(self.row_numbers[pos]), column.text if column else None, value, zh, en
        )

    def refuse_cells(self, rows: np.ndarray, bad: np.ndarray, column: Column, zh: str, en: str) -> None:
        """Mark the rows where `bad` holds as errors, each reported with the cell's text and one message."""
        for i in np.flatnonzero(bad):
            self.bad[i] = True
            self.problem(rows[i], column, self.cell(column, rows[i]), zh, en)

    def figures(self) -> Block | None:
        roles = self.layout.roles
        rows = self._data_rows()
        if self.early_source is None and len(rows) >= EARLY_SOURCE_ROWS:
            # One value column: its figures are the rows whose cell is neither empty nor a missing marker.
            self.start_source(rows[~self.body.numbers(self.value_columns[0].index).no_figure()[rows]])
        park, chain, park_state = self._keys(rows)
        # Totals rows are dropped here, and rows whose only content was a blank-looking park cell.
        keep = (park_state >= 0) & ~((park_state == 1) & self.values_empty[rows])
        if not keep.all():
            rows, park, chain, park_state = rows[keep], park.take(keep), chain.take(keep), park_state[keep]
        park_empty = park_state == 1
        self.bad = park_empty.copy()  # rows whose key cannot be read: none of their figures is usable
        self.cell_bad = np.zeros(len(rows), dtype=bool)  # rows with a bad value cell: their other cells are
        self.bad_cells: list[tuple] = []  # (row position, indicator id, column, factor, period) per bad cell
        for i in np.flatnonzero(park_empty):
            self.problem(rows[i], roles["park"], "", "园区名称为空", "the park name is empty")
        given = self.ctx.options.park
        if given is not None and "park" in roles:
            other = np.array([name is not None and name != given for name in park.table], dtype=bool)
            for i in np.flatnonzero(other[park.codes] & ~park_empty):
                self.bad[i] = True
                name = park.table[park.codes[i]]
                self.problem(
                    rows[i],
                    roles["park"],
                    name,
                    f"园区“{name}”与指定的园区“{given}”不同",
                    f"the park {name!r} differs from the one given ({given!r})",
                )
        starts, ends = self._periods(rows)
        basis = self._basis(rows)
        reference = self._reference(rows)
        parts = list(self._long_values(rows) if self.layout.is_long else self._wide_values(rows))
        self.ctx.report.report.skipped_rows += int((self.bad | self.cell_bad).sum())
        if not parts:
            return None
        override = self._qualifier_column(rows)
        kept = []
        for ind, pos, values, quals, period in parts:
            if override is not None:
                quals = np.where(override[pos] >= 0, override[pos], quals).astype(np.int8)
            m = ~self.bad[pos] & ~np.isnan(values)
            if not m.all():
                ind = ind[m] if isinstance(ind, np.ndarray) else ind
                pos, values, quals = pos[m], values[m], quals[m]
                period = period.take(m) if isinstance(period, ColumnPeriods) else period
            codes = ind if isinstance(ind, np.ndarray) else np.full(len(pos), ind, dtype=np.int16)
            kept.append((codes, pos, values, quals, period))
        if self.bad_cells:
            self._fixable(rows, park, chain, starts, ends, basis, reference)
        pos = _joined([k[1] for k in kept])
        indicator = _joined([k[0] for k in kept])
        # One part of one value column holds each row once; a part of several columns repeats the rows.
        single_pass = len(kept) == 1 and not isinstance(kept[0][4], ColumnPeriods)
        source = self._source(rows, pos, single_pass=single_pass)
        if any(k[4] is not None for k in kept):
            # Columns with their own period (a period written in the header) replace the row's period.
            extra: list[Period] = []  # those periods, after the row periods in the tables
            base, codes = len(starts.table), []
            for _i, p, _v, _q, per in kept:
                if per is None:
                    codes.append(starts.codes[p])
                elif isinstance(per, ColumnPeriods):
                    codes.append(base + len(extra) + per.codes)
                    extra += per.periods
                else:
                    codes.append(np.full(len(p), base + len(extra), dtype=np.int64))
                    extra.append(per)
            start_table = np.concatenate([starts.table, np.array([p.start for p in extra], dtype=object)])
            end_table = np.concatenate([ends.table, np.array([p.end for p in extra], dtype=object)])
            whole = np.arange(len(pos))
            period_start = Coded(np.concatenate(codes), start_table).categorical(whole)
            period_end = Coded(np.concatenate(codes), end_table).categorical(whole)
        else:
            period_start, period_end = starts.categorical(pos), ends.categorical(pos)
        # Columns repeating a few values are Categoricals (codes, no object per figure); an empty chain
        # or reference is a missing category (NaN), stored as NULL.
        return Block(
            partial=self.cell_bad[pos] if self.cell_bad.any() else None,
            source_prefix=self.source_prefix,
            columns={
                "park": park.categorical(pos),
                "chain": chain.categorical(pos),
                "period_start": period_start,
                "period_end": period_end,
                "indicator": pd.Categorical.from_codes(indicator, categories=self.indicator_ids),
                "value": _joined([k[2] for k in kept]),
                "qualifier": pd.Categorical.from_codes(_joined([k[3] for k in kept]), categories=QUALIFIERS),
                "source": source,
                "basis": basis.categorical(pos),
                "reference": reference.categorical(pos),
            },
        )

    def _fixable(self, rows, park: Coded, chain: Coded, starts: Coded, ends: Coded, basis: Coded, reference: Coded):
        """Name, per bad value cell of a row whose key is readable, the figure a corrected text becomes."""
        fixable = self.ctx.report.fixable
        for i, indicator_id, column, factor, period in self.bad_cells:
            if self.bad[i]:
                continue
            row = int(self.row_numbers[rows[i]])
            fixable[(self.grid.sheet, row, column.text)] = FixableCell(
                park=park.table[park.codes[i]],
                chain=chain.table[chain.codes[i]],
                period_start=period.start if period else starts.table[starts.codes[i]],
                period_end=period.end if period else ends.table[ends.codes[i]],
                indicator=indicator_id,
                unit=self.ctx.catalog.indicator(indicator_id).unit,
                factor=float(factor),
                source=f"{self.source_prefix}{row}",
                basis=basis.table[basis.codes[i]] or "reported",
                reference=reference.table[reference.codes[i]],
            )

    def _source(self, rows: np.ndarray, pos: np.ndarray, single_pass: bool) -> pa.Array:
        """`file!sheet!row` per figure, built in Arrow (no Python string per figure), as large_string
        (pandas' "str" dtype, so that pandas need not copy it)."""
        pool = pa.system_memory_pool()
        if self.early_source is not None:
            formatted, texts = self.early_source[0], self.early_source[1].result()
            at = rows[pos]
            if formatted is None:
                return pc.take(texts, pa.array(at), memory_pool=pool)
            if len(at) == len(formatted) and (at == formatted).all():
                return texts
            # `formatted` is ascending and holds every figure's row
            return pc.take(texts, pa.array(np.searchsorted(formatted, at)), memory_pool=pool)
        # A wide table repeats each row once per indicator column: format every row once, then take.
        # A long table has one figure per row at most: format the figures' rows directly.
        numbers = self.row_numbers[rows[pos]] if single_pass else self.row_numbers[rows]
        texts = _source_texts(self.source_prefix, numbers)
        return texts if single_pass else pc.take(texts, pa.array(pos), memory_pool=pool)

    def _data_rows(self) -> np.ndarray:
        """Positions of body rows that may hold figures: not blank, not notes."""
        prefetch = getattr(self.body, "prefetch_numbers", None)
        if prefetch is not None:
            prefetch(tuple(c.index for c in self.value_columns))
        passes = [self.body.numbers(c.index) for c in self.value_columns]
        values_empty = self.values_empty = np.logical_and.reduce([p.empty for p in passes])
        no_number = np.logical_and.reduce([p.slow for p in passes])
        key = self.layout.key_column.index
        codes, uniques = self.body.codes(key)
        blank, noted = _blank_and_noted(uniques, self.note_prefixes)
        has_any = ~values_empty | ~blank[codes]
        # A note sits where the park (or indicator) is written, or is merged across it; lines continuing
        # it follow it. Only such rows without any number are looked at one by one.
        maybe = has_any & no_number
        first_note = np.flatnonzero(maybe & noted[codes])
        candidates = maybe & noted[codes]
        if len(first_note):
            candidates[first_note[0] :] |= maybe[first_note[0] :]
        notes = self._note_rows(np.flatnonzero(candidates))
        return np.flatnonzero(has_any & ~notes)

    def _note_rows(self, candidates: np.ndarray) -> np.ndarray:
        """Rows holding a note (`注：`, `数据来源：`...) and the lines that continue it."""
        notes = np.zeros(self.body.n, dtype=bool)
        seen_note = False
        for i, row in zip(candidates, self.body.rows(candidates), strict=True):
            filled = [c for c in row if not is_empty(c)]
            if not filled:
                continue
            first = filled[0]
            if isinstance(first, str) and first.lstrip().startswith(self.note_prefixes):
                notes[i] = seen_note = True
            elif seen_note and len(set(map(str, filled))) <= 1:
                notes[i] = True  # continuation lines of a note ("2. ..."), merged across or not
        return notes

    def _keys(self, rows: np.ndarray) -> tuple[Coded, Coded, np.ndarray]:
        """Park and chain per row, and per row: -1 a totals row (counted), 1 park empty, 0 fine."""
        park_col = self.layout.roles.get("park")
        chain_col = self.layout.roles.get("chain")
        self.new_parks: set[str] = set()
        self.new_park_at: dict[int, str] = {}  # distinct park cell (its index) -> the new park it names
        if park_col is None:  # one park for the whole sheet
            park_kind, park = np.zeros(len(rows), dtype=np.int8), Coded.constant(len(rows), self.layout.sheet_park)
            if self.layout.sheet_park not in self.ctx.catalog_park_names:
                self.ctx.report.new_park(self.layout.sheet_park)
        else:
            park_kind, park = self._resolve(park_col, rows, resolve_all=self._parks)
        if chain_col is not None:
            chain_kind, chain = self._resolve(chain_col, rows, self._chain)
            # A park written once above its chains (blank cells below it) covers them.
            inherit = (park_kind == KEY_EMPTY) & (chain_kind == KEY_OK)
            if inherit.any():
                known = np.where(park_kind == KEY_OK, park.codes, -1).astype(float)
                known[known < 0] = np.nan
                carried = pd.Series(known).ffill().to_numpy()
                ok = inherit & ~np.isnan(carried)
                park = Coded(np.where(ok, np.nan_to_num(carried, nan=-1).astype(np.int64), park.codes), park.table)
                park_kind = np.where(ok, KEY_OK, park_kind)
        else:
            chain_kind = np.zeros(len(rows), dtype=np.int8)
            chain = Coded.constant(len(rows), None)
        totals = (park_kind == KEY_TOTAL) | (chain_kind == KEY_TOTAL)
        self.ctx.report.report.totals_skipped += int(totals.sum())
        if self.new_parks and park_col is not None:
            codes, uniques = self.body.codes(park_col.index)
            used = np.zeros(len(uniques) + 1, dtype=bool)
            used[(codes if len(rows) == self.body.n else codes[rows])[~totals]] = True
            # Cells naming the same new park have the same text, so all of them resolved to it.
            new_at = self.new_park_at
            self.ctx.report.new_parks(
                [new_at[k] for k in np.flatnonzero(used[:-1]).tolist() if k in new_at],
                region=is_region_header(park_col.text),
            )
        state = np.where(totals, np.int8(-1), (park_kind == KEY_EMPTY).astype(np.int8))
        return park, chain, state

    def _resolve(self, column: Column, rows: np.ndarray, resolve=None, resolve_all=None) -> tuple[np.ndarray, Coded]:
        """Resolve each distinct cell of a column once; per row its kind, and the results as codes."""
        codes, uniques = self.body.codes(column.index)
        resolved = resolve_all(uniques) if resolve_all is not None else [resolve(u) for u in uniques]
        kinds = np.array([k for k, _ in resolved] + [KEY_EMPTY], dtype=np.int8)
        table = np.empty(len(resolved) + 1, dtype=object)
        table[:] = [n for _, n in resolved] + [None]
        at = codes if len(rows) == self.body.n else codes[rows]
        return kinds[at], Coded(at, table)

    def _parks(self, uniques: list) -> list[tuple[int, str | None]]:
        """`_park` over the distinct cells of a park column in one loop (tens of thousands in a big file),
        noting which cells name new parks."""
        parks, new_at, out = self.ctx.parks, self.new_park_at, []
        for k, cell in enumerate(uniques):
            if type(cell) is str:  # text_of and unquote, inline
                text = cell.strip()
                if len(text) > 1 and text[0] == "'" and text[1] in "=+-@":
                    text = text[1:]
            else:
                text = unquote(text_of(cell))
            if not text:
                out.append((KEY_EMPTY, None))
                continue
            key = "".join(text.split())  # without any whitespace (faster than a regex)
            canonical = parks.get(key)
            if canonical is not None:
                out.append((KEY_OK, canonical))
                continue
            if len(key) <= 16:
                word = unicodedata.normalize("NFKC", key).casefold()
                if word in TOTAL_WORDS or word.endswith(("合计", "总计")):
                    out.append((KEY_TOTAL, None))
                    continue
            name = text.strip("\u3000 ")
            self.new_parks.add(name)
            new_at[k] = name
            out.append((KEY_OK, name))
        return out

    @staticmethod
    def _chain(cell: object) -> tuple[int, str | None]:
        text = unquote(text_of(cell))
        if not text:
            return KEY_EMPTY, None
        if clean(text).casefold() in TOTAL_WORDS:
            return KEY_TOTAL, None
        return KEY_OK, text.strip("\u3000 ")

    def _periods(self, rows: np.ndarray) -> tuple[Coded, Coded]:
        col = self.layout.roles.get("period")
        if col is None and "period_start" in self.layout.roles and "period_end" in self.layout.roles:
            return self._date_columns(rows)
        default = self.default_period
        if self.layout.down_values:
            needs_row_period = any(c.period is None for c in self.layout.down_values)
        else:
            needs_row_period = not self.layout.indicators or any(
                c.meaning.period is None for c in self.layout.indicators
            )
        found, given = self.stated_period, self.ctx.options.period
        if col is None and needs_row_period and found and given and found != given and len(rows):
            self.problem(
                rows[0],
                None,
                found.label(),
                f"文件所写时期“{found.label()}”与指定的时期“{given.label()}”不同",
                f"the file gives the period {found.label('en')!r}, but {given.label('en')!r} was given",
            )
            self.bad[:] = True
        if col is None:
            if default is None and needs_row_period:
                self._no_period(rows)
            return (
                Coded.constant(len(rows), default.start if default else None),
                Coded.constant(len(rows), default.end if default else None),
            )
        codes, uniques = self.body.codes(col.index)
        codes = codes if len(rows) == self.body.n else codes[rows]
        parsed = []
        for u in uniques:
            if is_empty(u):
                parsed.append(default)
            else:
                parsed.append(parse_period(u.strip() if isinstance(u, str) else u) or "bad")
        starts, ends = np.empty(len(parsed) + 1, dtype=object), np.empty(len(parsed) + 1, dtype=object)
        starts[:] = [p.start if isinstance(p, Period) else None for p in parsed] + [None]
        ends[:] = [p.end if isinstance(p, Period) else None for p in parsed] + [None]
        bad_codes = [k for k, p in enumerate(parsed) if not isinstance(p, Period)]
        given = self.ctx.options.period
        if given is not None and needs_row_period:
            other = [k for k, p in enumerate(parsed) if isinstance(p, Period) and p != given]
            for i in np.flatnonzero(np.isin(codes, other)):
                self.bad[i] = True
                found = parsed[codes[i]]
                self.problem(
                    rows[i],
                    col,
                    uniques[codes[i]],
                    f"时期“{found.label()}”与指定的时期“{given.label()}”不同",
                    f"the period {found.label('en')!r} differs from the one given ({given.label('en')!r})",
                )
        if bad_codes and needs_row_period:
            for i in np.flatnonzero(np.isin(codes, bad_codes)):
                cell = uniques[codes[i]]
                self.bad[i] = True
                if is_empty(cell):
                    self.problem(
                        rows[i],
                        col,
                        cell,
                        "时期为空，且标题、工作表名和文件名中都没有时期",
                        "the period is empty, and no title, sheet name or file name gives one",
                    )
                else:
                    self.problem(rows[i], col, cell, "无法识别的时期", "not a period")
        return Coded(codes, starts), Coded(codes, ends)

    def _qualifier_column(self, rows: np.ndarray) -> np.ndarray | None:
        """Per row the qualifier a `qualifier` column gives (-1 where it is empty), or None without one."""
        col = self.layout.roles.get("qualifier")
        if col is None:
            return None

        def resolve(cell):
            word = clean(text_of(cell)).casefold()
            if not word:
                return KEY_EMPTY, -1
            code = QUALIFIER_WORDS.get(word)
            return (KEY_OK, code) if code is not None else (KEY_BAD, -1)

        kinds, codes = self._resolve(col, rows, resolve)
        self.refuse_cells(
            rows,
            kinds == KEY_BAD,
            col,
            "数值限定应为 exact、at_least 或 approx",
            "qualifier must be exact, at_least or approx",
        )
        return np.array([-1 if c is None else c for c in codes.table], dtype=np.int8)[codes.codes]

    def _date_columns(self, rows: np.ndarray) -> tuple[Coded, Coded]:
        """Periods written as two date columns (`period_start`, `period_end`), as the export writes them."""
        coded = []
        for role in ("period_start", "period_end"):
            col = self.layout.roles[role]
            kinds, dates = self._resolve(col, rows, _date_of)
            self.refuse_cells(rows, kinds != KEY_OK, col, "无法识别的日期", "not a date")
            coded.append(dates)
        return coded[0], coded[1]

    def _no_period(self, rows: np.ndarray) -> None:
        if len(rows):
            self.ctx.report.problem(
                self.grid.sheet,
                int(self.row_numbers[rows[0]]),
                None,
                None,
                "找不到时期：没有时期列，标题、工作表名和文件名中也没有时期（如“2024年前三季度”）",
                "no period: no period column, and none in the title, sheet name or file name (e.g. 2024Q3)",
            )
            self.bad[:] = True

    def _basis(self, rows: np.ndarray) -> Coded:
        col = self.layout.roles.get("basis")
        if col is None:
            return Coded.constant(len(rows), "reported")

        def resolve(cell):
            word = BASIS_WORDS.get(clean(text_of(cell)).casefold())
            return (KEY_OK, word) if word else (KEY_BAD, None)

        kinds, names = self._resolve(col, rows, resolve)
        self.refuse_cells(
            rows,
            kinds == KEY_BAD,
            col,
            "数据性质应为“报告”“示意”“目标”或“示意目标”",
            "basis must be 报告/reported, 示意/illustrative, 目标/target or 示意目标/illustrative target",
        )
        return names

    def _reference(self, rows: np.ndarray) -> Coded:
        col = self.layout.roles.get("reference")
        if col is None:
            return Coded.constant(len(rows), None)
        _kinds, names = self._resolve(col, rows, lambda c: (KEY_OK, unquote(text_of(c)) or None))
        return names

    def _percent_rows(self, column: int, rows: np.ndarray) -> np.ndarray | None:
        marked = self.grid.percent.get(column)
        if marked is None or not len(marked):
            return None
        return np.isin(rows + self.layout.body_start, marked)

    def _column_factor(self, col: Column, unit: str) -> float | None:
        written = col.meaning.unit
        if written is None and self.title_unit and unit == "万元":
            written = self.title_unit  # `单位：亿元` above the table applies to money columns without a unit
        return unit_factor(written, unit)

    def _wide_values(self, rows: np.ndarray):
        for col in self.layout.indicators:
            ind = col.meaning.indicator
            factor = self._column_factor(col, ind.unit)
            if factor is None:
                self.ctx.report.problem(
                    self.grid.sheet,
                    self.grid.first_row + self.layout.header_row,
                    col.text,
                    col.text,
                    f"表头单位“{col.meaning.unit}”与指标“{ind.name_zh}”的单位“{ind.unit}”不符，该列未读取",
                    f"header unit {col.meaning.unit!r} does not fit {ind.id} ({ind.unit}); column not read",
                )
                continue
            first = self.body.numbers(col.index)
            parsed = read_values(
                first if len(rows) == self.body.n else first.take(rows),
                ind.unit,
                factor,
                self._percent_rows(col.index, rows),
            )
            yield self._collect(
                rows, col, self.indicator_code[ind.id], np.arange(len(rows)), parsed, col.meaning.period, ind.id, factor
            )

    def _collect(self, rows, col, indicator_code, pos, parsed, period, indicator_id, factor):
        """Count missing cells, report bad ones (marking their rows), and hand on the figures."""
        self.ctx.report.report.missing += int(parsed.missing.sum())
        for k, (cell, (zh, en)) in parsed.errors.items():
            i = pos[k]
            self.cell_bad[i] = True
            self.bad_cells.append((i, indicator_id, col, factor, period))
            self.problem(rows[i], col, cell, zh, en)
        return indicator_code, pos, parsed.values, parsed.qualifiers, period

    def _long_values(self, rows: np.ndarray):
        roles = self.layout.roles
        ind_col, unit_col = roles["indicator"], roles.get("unit")
        catalog = self.ctx.catalog
        down = bool(self.layout.down_values)

        def indicator_of(cell):
            name, unit = split_unit(text_of(cell))
            if not name:
                return (KEY_EMPTY, None)
            found = catalog.match_indicator(name)
            return (KEY_OK, (found.id, unit)) if found else (KEY_BAD, None)

        if down:
            ind_kind, ind_info = self._row_indicators(rows)
        else:
            ind_kind, ind_info = self._resolve(ind_col, rows, indicator_of)
        units = (
            self._resolve(unit_col, rows, lambda c: (KEY_OK, clean(text_of(c)) or None))[1]
            if unit_col
            else Coded.constant(len(rows), None)
        )
        value_columns = self.layout.down_values or [roles["value"]]
        for i in np.flatnonzero(ind_kind != KEY_OK):
            cell = self.cell(ind_col, rows[i])
            if ind_kind[i] == KEY_EMPTY:
                self.bad[i] = True
                self.problem(rows[i], ind_col, cell, "指标名称为空", "the indicator name is empty")
                continue
            holds = any(self._holds_figure(c, rows[i]) for c in value_columns)
            if holds:
                unit = units.table[units.codes[i]] or split_unit(text_of(cell))[1]
                where = cell_ref(int(self.row_numbers[rows[i]]), ind_col.index)
                self.ctx.unmatched(self.grid.sheet, text_of(cell), unit, where)
            if down:  # a form's row of another indicator system: ignored and named, as an unknown column is
                if holds:
                    self.ctx.report.ignored_column(text_of(cell))
                continue
            self.bad[i] = True
            self.problem(rows[i], ind_col, cell, "未知指标（不在指标目录中）", "unknown indicator (not in the catalog)")
        given = self.ctx.options.indicator
        unread = ind_kind != KEY_OK
        if given is not None:
            other = np.array([e is not None and e[0] != given.id for e in ind_info.table], dtype=bool)
            unread = unread | other[ind_info.codes]
            for i in np.flatnonzero((ind_kind == KEY_OK) & other[ind_info.codes]):
                self.bad[i] = True
                found = self.indicator_by_id[ind_info.table[ind_info.codes[i]][0]]
                self.problem(
                    rows[i],
                    ind_col,
                    self.cell(ind_col, rows[i]),
                    f"指标“{found.name_zh}”与指定的指标“{given.name_zh}”不同",
                    f"the row names {found.id!r}, but {given.id!r} was given",
                )
        n = len(rows)
        # One group per (indicator, written unit): each is read with one unit and one factor. The group
        # code names its indicator and unit (code = indicator code x units + unit code), so the plain
        # numbers of every group are scaled in one vectorised pass; only the few cells that are not plain
        # numbers go through the Python parser, group by group.
        n_units = len(units.table)
        group = ind_info.codes * n_units + units.codes
        group[unread] = -1
        valid = group >= 0
        all_valid = valid.all()
        present = np.flatnonzero(np.bincount(group if all_valid else group[valid])) if valid.any() else []
        n_groups = int(present[-1]) + 1 if len(present) else 0
        # Per group its factor and indicator; one more entry (NaN, 0) for code -1, the rows of no group.
        factor_of = np.full(n_groups + 1, np.nan)
        code_of = np.zeros(n_groups + 1, dtype=np.int16)
        info: dict[int, tuple] = {}
        for g in present:  # bincount, not unique: the groups are few small numbers, no sort needed
            ind_id, bracket_unit = ind_info.table[g // n_units]
            column_unit = units.table[g % n_units]
            written = column_unit if isinstance(column_unit, str) else bracket_unit
            ind = self.indicator_by_id[ind_id]
            factor = unit_factor(written, ind.unit)
            info[int(g)] = (ind_id, ind, factor)
            if factor is None:
                for i in np.flatnonzero(group == g):
                    self.bad[i] = True
                    self.problem(
                        rows[i],
                        unit_col or ind_col,
                        written,
                        f"单位“{written}”与指标“{ind.name_zh}”的单位“{ind.unit}”不符",
                        f"unit {written!r} does not fit {ind.id} ({ind.unit})",
                    )
                continue
            factor_of[g], code_of[g] = factor, self.indicator_code[ind_id]
        # Every value column at once (a form's 60 period columns): the columns one after the other, each
        # row's group, factor and indicator repeated per column (`_tiled`).
        k = len(value_columns)
        passes = [self.body.numbers(c.index) for c in value_columns]
        whole = n == self.body.n

        def joined(arrays: list[np.ndarray]) -> np.ndarray:
            return _joined(arrays if whole else [a[rows] for a in arrays])

        ok = _tiled(~np.isnan(factor_of[group]), k)
        multiplier = _tiled(factor_of[group], k)  # NaN where the row belongs to no group that can be read
        percents = [self._percent_rows(c.index, rows) for c in value_columns]
        if any(p is not None for p in percents):
            percent = _joined([p if p is not None else np.zeros(n, dtype=bool) for p in percents])
            multiplier = np.where(percent & ok, 100.0, multiplier)
        # NaN (no figure) stays NaN, and so does every row of no readable group.
        values = joined([p.values for p in passes]) * multiplier
        qualifiers = np.zeros(n * k, dtype=np.int8)
        empty = joined([p.empty for p in passes])
        self.ctx.report.report.missing += int(np.count_nonzero(empty & ok))
        slow_at = np.flatnonzero(joined([p.slow for p in passes]) & ~empty & ok)
        column_of = slow_at // n if n else slow_at
        for j in np.unique(column_of):  # the few columns holding cells that are not plain numbers
            at = slow_at[column_of == j]
            pos_of, slow_group = at - j * n, group[at - j * n]
            value_col, percent = value_columns[j], percents[j]
            for g in np.flatnonzero(np.bincount(slow_group)):
                ind_id, ind, factor = info[int(g)]
                sel = slow_group == g
                pos = pos_of[sel]
                parsed = read_values(
                    passes[j].take(rows[pos]), ind.unit, factor, percent[pos] if percent is not None else None
                )
                self._collect(rows, value_col, ind_id, pos, parsed, value_col.period, ind_id, factor)
                values[at[sel]], qualifiers[at[sel]] = parsed.values, parsed.qualifiers
        if k == 1:
            yield code_of[group], np.arange(n), values, qualifiers, value_columns[0].period
        else:
            periods = ColumnPeriods([c.period for c in value_columns], np.repeat(np.arange(k), n))
            yield _tiled(code_of[group], k), _tiled(np.arange(n), k), values, qualifiers, periods

    def _holds_figure(self, col: Column, pos: int) -> bool:
        """The value cell at body row `pos` holds a number (plain, or text such as `110余`)."""
        numbers = self.body.numbers(col.index)
        if np.isfinite(numbers.values[pos]):
            return True
        return bool(numbers.slow[pos] and not numbers.empty[pos]) and _is_figure(numbers.cells[pos])

    def _row_indicators(self, rows: np.ndarray) -> tuple[np.ndarray, Coded]:
        """The indicator of each row of a form (indicators down), a `其中：` or indented sub-item read in the
        context of the item above it (`专利授权量` / `其中：发明专利`); KEY_BAD where none is named."""
        codes, uniques = self.body.codes(self.layout.roles["indicator"].index)
        catalog = self.ctx.catalog
        # Each distinct label cleaned and looked up once; the rows then walked as Python lists.
        labels = [label_parts(cell) for cell in uniques]
        matched = [catalog.match_indicator(label[0]) if label is not None else None for label in labels]
        kinds: list[int] = []
        entries: list[tuple | None] = []
        parent = ""
        for code in codes[rows].tolist():
            label = labels[code]
            if label is None:
                kinds.append(KEY_EMPTY)
                entries.append(None)
                continue
            name, unit, sub = label
            found = matched[code]
            if found is None and sub and parent:
                found = catalog.match_indicator(parent + name) or catalog.match_indicator(name + parent)
            if found is None:
                meaning = match_column(catalog, "", name)  # `2024年营业收入`: a period before the name
                found = meaning.indicator if meaning is not None and meaning.period is None else None
            if not sub:
                parent = name
            kinds.append(KEY_OK if found is not None else KEY_BAD)
            entries.append((found.id, unit) if found is not None else None)
        entries.append(None)
        table = np.fromiter(entries, dtype=object, count=len(entries))
        return np.array(kinds, dtype=np.int8), Coded(np.arange(len(rows)), table)


def _blank_and_noted(uniques: list, prefixes: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Per distinct key cell (and one more entry, for the code of no cell): empty, or starting a note.
    One pass with text cells stripped once (a portal's thousands of region names, a form's labels)."""
    blank = np.zeros(len(uniques) + 1, dtype=bool)
    noted = np.zeros(len(uniques) + 1, dtype=bool)
    blank[-1] = True
    for k, cell in enumerate(uniques):
        text = cell.strip() if type(cell) is str else text_of(cell)  # text_of, inline for text
        if not text:
            blank[k] = True
        elif text.startswith(prefixes):
            noted[k] = True
    return blank, noted


@dataclass
class ColumnPeriods:
    """The periods of figures read from several value columns at once: per figure, its column's period."""

    periods: list[Period]  # per value column
    codes: np.ndarray  # per figure, the index of its column's period

    def take(self, keep: np.ndarray) -> ColumnPeriods:
        return ColumnPeriods(self.periods, self.codes[keep])


def _tiled(array: np.ndarray, k: int) -> np.ndarray:
    """The array repeated k times one after the other; the array itself for k = 1 (no copy)."""
    return array if k == 1 else np.tile(array, k)


def _joined(parts: list[np.ndarray]) -> np.ndarray:
    """The parts as one array; a single part as it is (np.concatenate would copy it)."""
    return parts[0] if len(parts) == 1 else np.concatenate(parts)


def _source_texts(prefix: str, numbers: np.ndarray) -> pa.Array:
    """`prefix` + each row number, as one large_string array."""
    # The system allocator: Arrow's default (mimalloc) is several times slower on the first touch of
    # a fresh large buffer (measured 110-170 ms against 30 ms for the 1.6M texts of bench_ingest).
    pool = pa.system_memory_pool()
    texts = pc.cast(pa.array(numbers), pa.large_string(), memory_pool=pool)
    return pc.binary_join_element_wise(
        pa.scalar(prefix, pa.large_string()), texts, pa.scalar("", pa.large_string()), memory_pool=pool
    )
