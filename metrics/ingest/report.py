"""Collects what reading one file finds, and words each problem in Chinese and English."""

from __future__ import annotations

from metrics.model import IngestReport, Problem

# A file with an error in every one of a million rows needs the first errors, not a million of them.
MAX_LISTED_ERRORS = 2000


def where_zh(sheet: str, row: int | None, column: str | None) -> str:
    parts = [f"工作表“{sheet}”" if sheet else ""]
    if row is not None:
        parts.append(f"第{row}行")
    if column:
        parts.append(f"“{column}”列")
    return "".join(parts)


def where_en(sheet: str, row: int | None, column: str | None) -> str:
    parts = [f"sheet {sheet!r}" if sheet else ""]
    if row is not None:
        parts.append(f"row {row}")
    if column:
        parts.append(f"column {column!r}")
    return ", ".join(p for p in parts if p)


def show(value: object) -> str | None:
    """A cell as text for a report; long text shortened."""
    if value is None:
        return None
    text = str(value)
    return text if len(text) <= 200 else text[:200] + "…"


class ReportBuilder:
    """Accumulates counts and problems for one file's IngestReport."""

    def __init__(self, file_name: str):
        self.report = IngestReport(file=file_name)
        self._new_parks: dict[str, None] = {}
        self._new_regions: dict[str, None] = {}
        self._ignored: dict[str, None] = {}
        self.unlisted_errors = 0
        self.fixable: dict[tuple, object] = {}  # (sheet, row, column) -> model.FixableCell

    def problem(self, sheet: str, row: int | None, column: str | None, value: object, zh: str, en: str) -> None:
        """Record one problem; its message names file, sheet, row, column and the text."""
        if len(self.report.errors) >= MAX_LISTED_ERRORS:
            self.unlisted_errors += 1
            return
        text = show(value)
        file = self.report.file
        quoted_zh = f"“{text}”" if text is not None else ""
        quoted_en = f" {text!r}" if text is not None else ""
        self.report.errors.append(
            Problem(
                sheet=sheet,
                row=row,
                column=column,
                value=text,
                message=f"{file} {where_zh(sheet, row, column)}：{quoted_zh}{zh}",
                message_en=f"{file}, {where_en(sheet, row, column)}:{quoted_en} {en}",
            )
        )

    def new_park(self, name: str, region: bool = False) -> None:
        """A name no catalog entry has; `region` when its column is headed 地区/城市/区县... (a region)."""
        self._new_parks[name] = None
        if region:
            self._new_regions[name] = None

    def new_parks(self, names: list[str], region: bool = False) -> None:
        """`new_park` of each name, in order (a portal's thousands of regions at once)."""
        self._new_parks.update(dict.fromkeys(names))
        if region:
            self._new_regions.update(dict.fromkeys(names))

    def ignored_column(self, header: str) -> None:
        self._ignored[header] = None

    def skipped_sheet(self, sheet: str) -> None:
        if sheet not in self.report.skipped_sheets:
            self.report.skipped_sheets.append(sheet)

    def fatal(self, zh: str, en: str) -> None:
        if self.report.fatal is None:
            self.report.fatal, self.report.fatal_en = zh, en

    def finish(self, rows_loaded: int) -> IngestReport:
        rep = self.report
        rep.new_parks = list(self._new_parks)
        rep.new_regions = list(self._new_regions)
        rep.ignored_columns = list(self._ignored)
        rep.rows_loaded = rows_loaded
        if self.unlisted_errors:
            n = self.unlisted_errors
            rep.errors.append(
                Problem(
                    sheet="",
                    row=None,
                    column=None,
                    value=None,
                    message=f"{rep.file}：另有 {n} 处错误未逐条列出",
                    message_en=f"{rep.file}: {n} more errors not listed",
                )
            )
        return rep
