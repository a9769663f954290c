"""Figures written in running text: the number (digits, `1.2万`, `十三`, `两`), its qualifier and measure word."""

from __future__ import annotations

import re
from dataclasses import dataclass

CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_BIG = {"万": 10_000, "亿": 100_000_000}
CN_CHARS = "".join(CN_DIGITS) + "".join(CN_UNITS)
OPENING_QUOTES = '“‘「『《〈"'
CLOSING_QUOTES = '”’」』》〉"'
_DIGITS = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")
_CN_RUN = re.compile(f"[{CN_CHARS}]+")


@dataclass(frozen=True)
class Figure:
    """A number the text states with a measure word: where it is (`start`..`end`, qualifiers included)."""

    start: int
    end: int
    value: float
    qualifier: str  # exact | at_least | approx
    measure: str  # the measure word as written (家, 场次, 亿元, %)
    number_text: str  # the number as written (`1.2万`, `十三`)


def chinese_number(text: str) -> int | None:
    """`十三` -> 13, `两` -> 2, `一百二十` -> 120, `百` -> 100; None when it is not a number."""
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in CN_DIGITS:
            if digit is not None:  # two digits in a row (二三) is no number written in words
                return None
            digit = CN_DIGITS[ch]
        elif ch in CN_UNITS:
            section += (1 if digit is None else digit) * CN_UNITS[ch]
            digit = None
        elif ch in CN_BIG:
            total += (section + (digit or 0)) * CN_BIG[ch]
            section, digit = 0, None
        else:
            return None
    return total + section + (digit or 0)


def _quoted_spans(text: str) -> list[bool]:
    """Per character: is it inside quotation marks or title marks (“四位一体”, 《…》)?"""
    inside, depth = [], 0
    for ch in text:
        if ch in OPENING_QUOTES and ch != '"':
            depth += 1
        inside.append(depth > 0)
        if ch in CLOSING_QUOTES and ch != '"' and depth:
            depth -= 1
    return inside


def _startswith_any(text: str, pos: int, words) -> str | None:
    for word in words:
        if text.startswith(word, pos):
            return word
    return None


def _endswith_any(text: str, pos: int, words) -> str | None:
    for word in words:
        if pos >= len(word) and text.endswith(word, 0, pos):
            return word
    return None


def find_figures(text: str, reading: dict) -> list[Figure]:
    """Every figure in `text`: a number followed by a measure word, not a date, rank, frequency or
    threshold, not inside quotation marks; with the qualifier written before or after it."""
    measures = sorted(reading["measure_words"], key=len, reverse=True)
    time_words = sorted(reading["time_words"], key=len, reverse=True)
    at_least_before = sorted(reading["at_least_before"], key=len, reverse=True)
    approx_before = sorted(reading["approx_before"], key=len, reverse=True)
    quoted = _quoted_spans(text)
    figures: list[Figure] = []
    candidates = [(m.start(), m.end(), float(m[0].replace(",", "")), m[0]) for m in _DIGITS.finditer(text)]
    for m in _CN_RUN.finditer(text):
        value = chinese_number(m[0])
        if value is None or m[0] in ("一", "零", "〇"):  # a lone 一 is wording (一站式, 一批), not a count
            continue
        candidates.append((m.start(), m.end(), float(value), m[0]))
    for start, end, value, _written in sorted(candidates):
        if quoted[start] or _endswith_any(text, start, reading["not_a_count_before"]):
            continue
        if start and (text[start - 1].isascii() and text[start - 1].isalnum()):
            continue  # part of a code or a name (G20, 5G)
        pos = end
        magnitude = (
            _startswith_any(text, pos, ("万亿", "万", "亿")) if not _startswith_any(text, pos, measures) else None
        )
        if magnitude and not _startswith_any(text, pos, ("万亿元", "万元", "亿元", "万美元", "亿美元")):
            value *= CN_BIG["万"] ** 2 if magnitude == "万亿" else CN_BIG[magnitude]
            pos += len(magnitude)
        number_text = text[start:pos]
        qualifier = "exact"
        if after := _startswith_any(text, pos, reading["at_least_after"]):
            qualifier, pos = "at_least", pos + len(after)
        if _startswith_any(text, pos, time_words):
            continue
        measure = _startswith_any(text, pos, measures)
        if measure is None:
            continue
        pos += len(measure)
        if text.startswith("的", pos) or text.startswith("以上的", pos):
            continue  # the figure describes a noun (45人的队伍), it counts nothing itself
        money = measure.endswith("元") or measure == "%"
        if money and _startswith_any(text, pos, reading["threshold_after"]):
            continue  # 过10亿元企业, 亿元以上企业: a class of firms, not an amount
        if after := _startswith_any(text, pos, reading["at_least_after"]):
            qualifier, pos = "at_least", pos + len(after)
        elif after := _startswith_any(text, pos, reading["approx_after"]):
            qualifier, pos = "approx", pos + len(after)
        first = start
        if before := _endswith_any(text, start, at_least_before):
            qualifier, first = "at_least", start - len(before)
        elif before := _endswith_any(text, start, approx_before):
            qualifier, first = "approx", start - len(before)
        if figures and first < figures[-1].end:
            continue
        figures.append(Figure(first, pos, value, qualifier, measure, number_text))
    return figures
