"""Read one uploaded file (.xlsx, .xls, .csv) into observations and a report, never raising on content."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import PurePosixPath

import numpy as np
import pandas as pd
import pyarrow as pa
from pandas.api.types import union_categoricals

from metrics import guards
from metrics.catalog import Catalog, Indicator, default_catalog
from metrics.catalog_entries import new_indicator_entry
from metrics.config import Limits
from metrics.config import limits as current_limits
from metrics.ingest.budget import LimitExceeded, SheetBudget
from metrics.ingest.context import ContextError, IngestContext, ResolvedContext
from metrics.ingest.csvfile import UndecodableText, csv_grid
from metrics.ingest.duplicates import drop_earlier_duplicates
from metrics.ingest.grid import Block, Context
from metrics.ingest.memory import small_pages
from metrics.ingest.report import ReportBuilder
from metrics.ingest.table import read_grid
from metrics.ingest.xlsx import workbook_grids
from metrics.model import OBS_COLUMNS, ParsedFile
from metrics.periods import find_period
from metrics.targets import mark_targets, names_target_sheet

__all__ = ["IngestContext", "empty_frame", "new_indicator", "read_file"]

Progress = Callable[[float, str], None]

NO_TABLE = (
    "文件中没有找到数据表：没有任何工作表含有“园区”等表头，也没有以园区命名的工作表",
    "no table found: no sheet has a header row with a park column (园区/park), nor is a sheet named after a park",
)
NO_DATA = ("文件中没有可读取的数值：表头下没有数据", "no figures could be read: there is no data below the header")
ONLY_TOTALS = (
    "文件中没有可读取的数值：表头下只有合计行（{n} 行，按规则不导入）",
    "no figures could be read: below the header there are only total rows ({n}, which are never loaded)",
)
ONLY_MISSING = (
    "文件中没有可读取的数值：{n} 个数值单元格都是空的或为缺失标记（如“—”）",
    "no figures could be read: all {n} value cells are empty or missing markers (such as “—”)",
)
UNMATCHED_ONLY = (
    "文件中的标签都不是指标目录中的指标：{labels}。可将其添加为新指标（--add-indicators，或在上传预览中选择）",
    "the file's labels match no indicator of the catalog: {labels}. Add them as new indicators "
    "(--add-indicators, or the choice in the upload preview)",
)
UNREADABLE = (
    "无法识别的文件格式，请上传 .xlsx、.xls 或 .csv 文件",
    "not a spreadsheet this tool reads; upload .xlsx, .xls or .csv",
)


class InternalError(Exception):
    """A bug met while reading a sheet (args: sheet, exception), kept apart from corrupt files."""


def empty_frame() -> pd.DataFrame:
    """An observations frame with no rows."""
    return _EMPTY_FRAME.copy()  # a copy of one built once: every read starts with one (~0.5 ms to build)


def _build_empty_frame() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series([], dtype=object) for c in OBS_COLUMNS})
    frame["value"] = frame["value"].astype(float)
    return frame


_EMPTY_FRAME = _build_empty_frame()


def read_file(
    data: bytes,
    file_name: str,
    catalog: Catalog | None = None,
    limits: Limits | None = None,
    progress: Progress | None = None,
    *,
    context: IngestContext | None = None,
) -> ParsedFile:
    """Read one file's figures (frame, OBS_COLUMNS) and everything found about it (report). `context`
    supplies the park, period and indicator a file does not state, and may let labels that match no
    indicator become new ones (their Indicator records in `ParsedFile.new_indicators`)."""
    catalog = catalog or default_catalog()
    limits = limits or current_limits()
    notify = progress or (lambda fraction, message: None)
    name = PurePosixPath(file_name.replace("\\", "/")).name or file_name
    context = context or IngestContext()
    try:
        options = context.resolve(catalog)
    except ContextError as exc:
        builder = ReportBuilder(name)
        builder.fatal(*exc.args)
        builder.finish(0)
        return ParsedFile(frame=empty_frame(), report=builder.report, data=data)
    with small_pages():
        parsed = _read(data, name, catalog, limits, notify, ReportBuilder(name), options)
        unmatched = parsed.report.unmatched_labels
        made = _new_indicators(unmatched, catalog) if options.add_indicators else []
        if made:  # read again with the labels as indicators of their own
            extended = dataclasses.replace(catalog, indicators=catalog.indicators + tuple(made))
            parsed = _read(data, name, extended, limits, notify, ReportBuilder(name), options)
            parsed.report.unmatched_labels = unmatched
            parsed.new_indicators = made
            parsed.report.new_indicators = [{"id": i.id, "name_zh": i.name_zh, "unit": i.unit} for i in made]
        return parsed


def new_indicator(name_zh: str, unit: str) -> Indicator:
    """An indicator made of a label, as the store adds it (Store.add_indicators): same id (`x_` + a hash
    of the name, never a shipped id), family `custom`, out of the composite index."""
    entry = new_indicator_entry(name_zh, unit)
    return Indicator(**{**entry, "aliases": tuple(entry["aliases"])})


def _new_indicators(unmatched, catalog: Catalog) -> list[Indicator]:
    """One new indicator per distinct name among the unmatched labels (the first label's unit)."""
    made: dict[str, Indicator] = {}
    for label in unmatched:
        if label.name_zh not in made and catalog.match_indicator(label.name_zh) is None:
            ind = new_indicator(label.name_zh, label.unit)
            if ind.id not in catalog.ids:
                made[label.name_zh] = ind
    return list(made.values())


def _read(
    data: bytes,
    name: str,
    catalog: Catalog,
    limits: Limits,
    notify: Progress,
    builder: ReportBuilder,
    options: ResolvedContext,
) -> ParsedFile:
    parsed = ParsedFile(frame=empty_frame(), report=builder.report, data=data)
    reason = guards.check_file(data, name, limits)
    kind = None if reason else guards.sniff_kind(data, name)
    if reason or kind is None:
        builder.fatal(*(reason or UNREADABLE))
        builder.finish(0)
        return parsed
    ctx = Context(
        file_name=name,
        catalog=catalog,
        report=builder,
        file_period=find_period(PurePosixPath(name).stem),
        options=options,
    )
    try:
        blocks, tables = _read_blocks(data, kind, ctx, limits, notify)
    except (LimitExceeded, UndecodableText) as exc:
        builder.fatal(*exc.args)
        builder.finish(0)
        return parsed
    except InternalError as exc:
        builder.fatal(
            f"读取工作表“{exc.args[0]}”时程序出错（{exc.args[1]!r}），请把文件交给维护人员",
            f"internal error while reading sheet {exc.args[0]!r} ({exc.args[1]!r}); please report it",
        )
        builder.finish(0)
        return parsed
    except Exception as exc:  # noqa: BLE001 - a reader library choking on a corrupt file is a content problem
        builder.fatal(
            f"文件已损坏或无法读取（{type(exc).__name__}: {exc}）",
            f"the file is corrupt or cannot be read ({type(exc).__name__}: {exc})",
        )
        builder.finish(0)
        return parsed
    builder.report.unmatched_labels = list(ctx.unmatched_labels.values())
    notify(0.95, "正在整理数据")
    if blocks:
        on_sheet = None if kind == "csv" else _on_target_sheet(blocks)
        frame = mark_targets(_frame(blocks), on_sheet)  # before duplicates: a target is no figure
        partial = _partial_mask(blocks)
        if partial is not None:  # rows with a bad value cell: their valid cells are kept apart
            parsed.partial_frame = frame[partial].reset_index(drop=True)
            frame = frame[~partial].reset_index(drop=True)
        parsed.fixable_cells = builder.fixable
        parsed.frame, builder.report.duplicate_figures, builder.report.duplicates = drop_earlier_duplicates(frame)
        parsed.keys_unique = True
    if len(parsed.frame) == 0 and not builder.report.errors:
        builder.fatal(*_why_nothing(builder.report, tables))
    builder.finish(len(parsed.frame))
    notify(1.0, "读取完成")
    return parsed


def _why_nothing(report, tables: int) -> tuple[str, str]:
    """Why a readable file gave no figure, as precisely as the report tells."""
    if report.unmatched_labels:
        labels = "、".join(u.label for u in report.unmatched_labels[:10])
        return tuple(m.format(labels=labels) for m in UNMATCHED_ONLY)
    if not tables:
        return NO_TABLE
    if report.missing:
        return tuple(m.format(n=report.missing) for m in ONLY_MISSING)
    if report.totals_skipped:
        return tuple(m.format(n=report.totals_skipped) for m in ONLY_TOTALS)
    return NO_DATA


def _read_blocks(data: bytes, kind: str, ctx: Context, limits: Limits, notify: Progress) -> tuple[list[Block], int]:
    """Blocks of figures from every sheet, and how many sheets held a table."""
    budget = SheetBudget(limits)
    blocks: list[Block] = []
    tables = 0
    if kind == "csv":
        notify(0.05, "正在读取")
        grids = [(0, 1, csv_grid(data, budget), "")]
    else:
        grids = workbook_grids(data, kind, budget)
    for k, count, grid, sheet in grids:
        notify(0.1 + 0.8 * k / max(count, 1), f"正在读取工作表“{sheet}”" if sheet else "正在读取")
        if grid is None:
            ctx.report.skipped_sheet(sheet)
            continue
        before = len(ctx.report.report.skipped_sheets)
        try:
            block = read_grid(grid, ctx)
        except (LimitExceeded, UndecodableText):
            raise
        except Exception as exc:
            raise InternalError(sheet, exc) from exc
        if len(ctx.report.report.skipped_sheets) == before:
            tables += 1
        if block is not None and len(block):
            blocks.append(block)
    return blocks, tables


def _partial_mask(blocks: list[Block]) -> np.ndarray | None:
    """Per figure of the joined blocks, whether its row holds a bad value cell; None when no row does."""
    if all(b.partial is None or not b.partial.any() for b in blocks):
        return None
    return np.concatenate([b.partial if b.partial is not None else np.zeros(len(b), dtype=bool) for b in blocks])


def _on_target_sheet(blocks: list[Block]) -> np.ndarray:
    """Per figure of the joined blocks, whether it was read from a target sheet (年度目标)."""
    return np.repeat([names_target_sheet(b.source_prefix) for b in blocks], [len(b) for b in blocks])


def _frame(blocks: list[Block]) -> pd.DataFrame:
    """One DataFrame over the blocks' arrays, without copying them again (pandas would consolidate)."""
    index = pd.RangeIndex(sum(len(b) for b in blocks))
    series = []
    for c in OBS_COLUMNS:
        parts = [b.columns[c] for b in blocks]
        if isinstance(parts[0], pa.Array):
            column = pa.chunked_array(parts) if len(parts) > 1 else parts[0]
            series.append(pd.Series(column, name=c, index=index, dtype=pd.StringDtype("pyarrow", na_value=np.nan)))
        elif isinstance(parts[0], pd.Categorical):
            column = union_categoricals(parts) if len(parts) > 1 else parts[0]
            series.append(pd.Series(column, name=c, index=index, copy=False))
        else:
            column = np.concatenate(parts) if len(parts) > 1 else parts[0]
            series.append(pd.Series(column, name=c, index=index, dtype=float if c == "value" else object, copy=False))
    return pd.concat(series, axis=1)
