"""Periods: parse what reports write (CONTRACT §2), classify spans, label them, find comparable ones."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
MONTH_ABBR = ["", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
# Kinds that may share a trend axis only with their own kind.
KINDS = ("year", "half", "quarter", "ytd", "month", "custom")


@dataclass(frozen=True, order=True)
class Period:
    start: dt.date
    end: dt.date

    @property
    def kind(self) -> str:
        return period_kind(self.start, self.end)

    def label(self, lang: str = "zh") -> str:
        return period_label(self.start, self.end, lang)


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _span(year: int, first_month: int, last_month: int) -> Period:
    return Period(dt.date(year, first_month, 1), month_end(year, last_month))


_Y = r"((?:19|20)\d{2})"
_PATTERNS: list[tuple[re.Pattern, object]] = [
    # 2024年1-9月, 2024年1—9月, 2024年1~9月, 2024年1至9月
    (
        re.compile(_Y + r"\s*年?\s*(\d{1,2})\s*(?:-|—|–|~|～|至|到)\s*(\d{1,2})\s*月"),
        lambda m: _span(int(m[1]), int(m[2]), int(m[3])),
    ),
    (re.compile(_Y + r"\s*年?\s*前\s*([一二三四1-4])\s*季度"), lambda m: _span(int(m[1]), 1, 3 * CN_DIGITS[m[2]])),
    (re.compile(_Y + r"\s*年?\s*上半年"), lambda m: _span(int(m[1]), 1, 6)),
    (re.compile(_Y + r"\s*年?\s*下半年"), lambda m: _span(int(m[1]), 7, 12)),
    (
        re.compile(_Y + r"\s*年?\s*H([12])\b", re.I),
        lambda m: _span(int(m[1]), 1, 6) if m[2] == "1" else _span(int(m[1]), 7, 12),
    ),
    # 2024Q3, 2024-Q3, 2024 Q3, 2024年第三季度, 2024年3季度, 2024年第3季度
    (re.compile(_Y + r"\s*(?:年|-)?\s*Q([1-4])\b", re.I), lambda m: _span(int(m[1]), 3 * int(m[2]) - 2, 3 * int(m[2]))),
    (
        re.compile(_Y + r"\s*年?\s*第?\s*([一二三四1-4])\s*季度"),
        lambda m: _span(int(m[1]), 3 * CN_DIGITS[m[2]] - 2, 3 * CN_DIGITS[m[2]]),
    ),
    # English labels produced by period_label: "2024 Jan–Sep"
    (
        re.compile(_Y + r"\s+Jan\s*[–-]\s*([A-Z][a-z]{2})"),
        lambda m: _span(int(m[1]), 1, MONTH_ABBR.index(m[2])) if m[2] in MONTH_ABBR else None,
    ),
    # 2024年9月, 2024-09, 2024/9, 2024.9
    (
        re.compile(_Y + r"\s*(?:年|-|/|\.)\s*(\d{1,2})\s*月?(?!\d)"),
        lambda m: _span(int(m[1]), int(m[2]), int(m[2])) if 1 <= int(m[2]) <= 12 else None,
    ),
    (re.compile(_Y + r"\s*(?:年度|年)?"), lambda m: _span(int(m[1]), 1, 12)),
]


def parse_period(value: object) -> Period | None:
    """The period a cell or header holds when that is all it holds; None otherwise."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return _span(value.year, value.month, value.month)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if float(value).is_integer() and 1900 <= value <= 2100:
            return _span(int(value), 1, 12)
        return None
    text = re.sub(r"\s+", " ", str(value)).strip()
    if not text:
        return None
    for pattern, build in _PATTERNS:
        m = pattern.fullmatch(text)
        if m:
            return build(m)
    return None


def find_period(text: str) -> Period | None:
    """The first period written anywhere inside a longer text (a title row, a sheet name)."""
    text = re.sub(r"\s+", " ", str(text))
    best: tuple[int, int, Period] | None = None
    for order, (pattern, build) in enumerate(_PATTERNS):
        for m in pattern.finditer(text):
            if m.start() > 0 and text[m.start() - 1].isdigit():
                continue
            period = build(m)
            if period is None:
                continue
            # Earliest match wins; at the same place the more specific pattern (listed first) wins.
            key = (m.start(), order)
            if best is None or key < best[:2]:
                best = (m.start(), order, period)
            break
    return best[2] if best else None


def period_kind(start: dt.date, end: dt.date) -> str:
    if start.day != 1 or end != month_end(end.year, end.month) or start.year != end.year:
        return "custom"
    first, last = start.month, end.month
    if (first, last) == (1, 12):
        return "year"
    if (first, last) in ((1, 6), (7, 12)):
        return "half"
    if last - first == 2 and first % 3 == 1:
        return "quarter"
    if first == last:
        return "month"
    if first == 1:
        return "ytd"
    return "custom"


def period_label(start: dt.date, end: dt.date, lang: str = "zh") -> str:
    kind = period_kind(start, end)
    y = start.year
    zh = lang != "en"
    if kind == "year":
        return f"{y}年" if zh else f"{y}"
    if kind == "half":
        if zh:
            return f"{y}年上半年" if start.month == 1 else f"{y}年下半年"
        return f"{y} H1" if start.month == 1 else f"{y} H2"
    if kind == "quarter":
        q = (start.month + 2) // 3
        return f"{y}年第{'一二三四'[q - 1]}季度" if zh else f"{y} Q{q}"
    if kind == "month":
        return f"{y}年{start.month}月" if zh else f"{y}-{start.month:02d}"
    if kind == "ytd":
        if zh:
            return f"{y}年前三季度" if end.month == 9 else f"{y}年1-{end.month}月"
        return f"{y} Jan–{MONTH_ABBR[end.month]}"
    return f"{start.isoformat()}~{end.isoformat()}"


def shift_years(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` later; a month's last day stays a month's last day."""
    if day == month_end(day.year, day.month):
        return month_end(day.year + years, day.month)
    return day.replace(year=day.year + years)


def year_earlier(period: Period) -> Period:
    """同比: the same span one year earlier."""
    return Period(shift_years(period.start, -1), shift_years(period.end, -1))


def sequential_previous(period: Period) -> Period | None:
    """环比: the previous month or quarter; None for kinds where it means nothing."""
    kind = period.kind
    if kind == "month":
        prev_end = period.start - dt.timedelta(days=1)
        return Period(prev_end.replace(day=1), prev_end)
    if kind == "quarter":
        prev_end = period.start - dt.timedelta(days=1)
        return _span(prev_end.year, prev_end.month - 2, prev_end.month)
    return None
