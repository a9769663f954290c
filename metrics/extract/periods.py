"""Periods as reports write them in prose (`今年前三季度`, `2023年以来`, `去年以来`), resolved against the
report's year by the rule of sample_data/README.md: a cumulative figure is filed under the year it starts
accruing, an explicit period is kept with its year, other figures go with the report's own period."""

from __future__ import annotations

import re
from dataclasses import dataclass

from metrics.periods import Period, parse_period

_YEAR = r"((?:19|20)\d{2})"
_RELATIVE = {"今年": 0, "本年": 0, "去年": -1, "上年": -1, "前年": -2}
_REL = "(今年|本年|去年|上年|前年)"
_PART = r"(前三季度|前[一二三四1-4]季度|第[一二三四1-4]季度|上半年|下半年|\d{1,2}\s*[-—–~～至到]\s*\d{1,2}\s*月)"
# Order matters: at one place the longer, more specific wording wins.
_PATTERNS = [
    ("part", re.compile(_YEAR + "年" + _PART)),
    ("part", re.compile(_REL + _PART)),
    ("part_of_report", re.compile(r"(?:^|(?<=[，。；,;\s]))" + _PART + r"(?=[，,])")),  # 上半年，… : the report's year
    ("since", re.compile(_YEAR + r"年(?:以来|来|至今)")),
    ("since", re.compile(_REL + r"(?:以来|至今)")),
    ("report", re.compile(r"截至目前|截至今年|截止目前|目前|近年来|近年以来|全年")),
    ("year", re.compile(r"(?:^|[，。；,;])\s*" + _YEAR + r"年度?[，,]")),
]
YEAR_MENTION = re.compile(_YEAR + r"年")


@dataclass(frozen=True)
class PeriodPhrase:
    """A wording of a period at `start` in a paragraph; `period` is None while the report's year is unknown."""

    start: int
    words: str
    period: Period | None


def _year(token: str, report_year: int | None) -> int | None:
    if token in _RELATIVE:
        return None if report_year is None else report_year + _RELATIVE[token]
    return int(token)


def _resolve(kind: str, m: re.Match, report_year: int | None, report_period: Period | None) -> Period | None:
    if kind == "report":
        return report_period
    if kind == "part_of_report":
        return parse_period(f"{report_year}年{m[1]}") if report_year else None
    year = _year(m[1], report_year)
    if year is None:
        return None
    if kind == "part":
        return parse_period(f"{year}年{m[2]}")
    return parse_period(f"{year}年")


def period_phrases(text: str, report_year: int | None, report_period: Period | None) -> list[PeriodPhrase]:
    """The period wordings of a paragraph in order of place (one per place, the most specific)."""
    found: dict[int, PeriodPhrase] = {}
    taken: list[tuple[int, int]] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            start = m.start(1) if kind == "year" else m.start()
            if any(a <= start < b for a, b in taken):
                continue
            taken.append((start, m.end()))
            found[start] = PeriodPhrase(start, m[0].strip("，。；,; "), _resolve(kind, m, report_year, report_period))
    return [found[k] for k in sorted(found)]


def infer_report_year(text: str) -> int | None:
    """The report's year when the analyst sets none: the latest year the text names, and a year after one it
    looks back on (a report calls its own year 今年, so `2023年以来` is written in 2024 or later)."""
    years = [int(m[1]) + (1 if text.startswith("以来", m.end()) else 0) for m in YEAR_MENTION.finditer(text)]
    return max(years) if years else None


def report_period(paragraphs: list[str], report_year: int | None) -> Period | None:
    """The report's own period: its first period wording that resolves, else its year."""
    fallback = parse_period(f"{report_year}年") if report_year else None
    for text in paragraphs:
        for phrase in period_phrases(text, report_year, fallback):
            if phrase.period is not None:
                return phrase.period
    return fallback
