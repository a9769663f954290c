"""Header cells: column roles (park, chain, period...), indicator matching, units in brackets."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from metrics.catalog import Catalog, Indicator
from metrics.ingest.values import MAGNITUDES
from metrics.periods import Period, parse_period

# Usual headers of the key and extension columns (CONTRACT §2, ARCHITECTURE "Observation columns").
ROLE_HEADERS = {
    "park": ("园区", "园区名称", "开发区", "开发区名称", "园区(开发区)", "park", "parkname", "park_name", "单位名称"),
    "chain": ("产业链", "产业链名称", "重点产业链", "chain", "industrialchain", "industry_chain"),
    "period": ("时间", "年份", "年度", "期间", "统计期", "统计时间", "时期", "报告期", "月份", "period", "year"),
    "indicator": ("指标", "指标名称", "指标项", "indicator", "indicatorname"),
    "value": ("数值", "值", "指标值", "数据", "value"),
    "unit": ("单位", "计量单位", "unit"),
    "period_start": ("period_start", "起始日期", "开始日期", "起始时间"),
    "period_end": ("period_end", "截止日期", "结束日期", "截止时间"),
    "qualifier": ("qualifier", "数值限定"),
    "basis": ("数据性质", "basis"),
    "reference": ("出处", "资料出处", "reference"),
}
_ROLE_INDEX = {re.sub(r"\s+", "", h).casefold(): role for role, names in ROLE_HEADERS.items() for h in names}

_UNIT_BRACKET = re.compile(r"^(?P<name>.*?)\s*[(\[](?P<unit>[^()\[\]]*)[)\]]\s*$")
# Count units accepted for any count indicator: offices write 人 for 名, 次 for 场, and so on.
COUNT_UNITS = frozenset(
    [
        "家",
        "个",
        "项",
        "名",
        "人",
        "人次",
        "次",
        "场",
        "场次",
        "支",
        "批",
        "批次",
        "位",
        "户",
        "件",
        "条",
        "所",
        "队",
        "团队",
        "家次",
        "期",
        "班",
        "篇",
        "台",
        "套",
    ]
)


def clean(text: object) -> str:
    """Header or key text as compared: NFKC (full-width brackets to ASCII), no spaces."""
    # str.split() drops exactly the characters `\s` matches, without a regular expression per call.
    return "".join(unicodedata.normalize("NFKC", str(text)).split())


def split_unit(text: str) -> tuple[str, str | None]:
    """`营业收入(亿元)` -> (`营业收入`, `亿元`); the unit is None when there is no bracket."""
    cleaned = clean(text)
    m = _UNIT_BRACKET.match(cleaned) if cleaned.endswith((")", "]")) else None
    if not m:
        return cleaned, None
    unit = re.sub(r"^单位[:：]", "", m["unit"])
    return m["name"], unit or None


def role_of(text: object) -> str | None:
    """The key/extension role a header names (`park`, `chain`, ...), if any."""
    return _role_of_text(text if isinstance(text, str) else str(text))


@lru_cache(maxsize=8192)
def _role_of_text(text: str) -> str | None:
    # Cached: the rows above a table are searched for a header by several layouts, cell by cell.
    name, _unit = split_unit(text)
    return _ROLE_INDEX.get(name.casefold())


# US-dollar amounts stay in US dollars (CONTRACT §3b): factors into 万美元.
DOLLAR_FACTORS = {"美元": 1e-4, "千美元": 0.1, "万美元": 1.0, "百万美元": 100.0, "亿美元": 1e4}
YUAN_FACTORS = {"元": 1e-4, "千元": 0.1, "万元": 1.0, "百万元": 100.0, "亿元": 1e4, "亿": 1e4}


def unit_factor(written: str | None, unit: str) -> float | None:
    """Factor from a header's unit to the indicator's unit; None when they do not fit (美元 never fits 万元)."""
    if not written or written == unit:
        return 1.0
    written = written.replace("%", "%")
    if unit == "万美元":
        return DOLLAR_FACTORS.get(written)
    if unit == "万元":
        if written in MAGNITUDES and written not in ("千",):
            return MAGNITUDES[written] / 1e4
        if written == "百万元":
            return 100.0
        return None
    if unit == "%":
        return 1.0 if written in ("%", "百分比", "百分点") else None
    if written in COUNT_UNITS:
        return 1.0
    if written.startswith("万") and (written[1:] in COUNT_UNITS or written[1:] == unit):
        return 1e4
    return None


def canonical_unit(written: str | None) -> str:
    """The unit a new indicator gets from a label's bracket: money in 万元 or 万美元, `万人` as 人, else as
    written ("" without a unit)."""
    if not written:
        return ""
    written = written.replace("%", "%")
    if written in YUAN_FACTORS:
        return "万元"
    if written in DOLLAR_FACTORS:
        return "万美元"
    if written.startswith("万") and written[1:] in COUNT_UNITS:
        return written[1:]
    return written


@dataclass(frozen=True)
class ColumnMeaning:
    """What a (possibly two-row) header names: an indicator with its written unit, and maybe a period."""

    indicator: Indicator
    unit: str | None
    period: Period | None = None


def match_column(catalog: Catalog, group: str, child: str) -> ColumnMeaning | None:
    """Match `child` under `group` (either may be empty) to an indicator: child, group+child, child+group."""
    g_name, g_unit = split_unit(group) if group else ("", None)
    c_name, c_unit = split_unit(child) if child else ("", None)
    unit = c_unit or g_unit
    g_period = parse_period(g_name) if g_name else None
    c_period = parse_period(c_name) if c_name else None
    candidates: list[tuple[str, Period | None]] = []
    if c_name:
        candidates += [(c_name, g_period), (g_name + c_name, None), (c_name + g_name, None)]
    if g_name:
        candidates.append((g_name, c_period))
    for name, period in candidates:
        found = catalog.match_indicator(name) if name else None
        if found is None and name:
            found, period = _match_with_period(catalog, name, period)
        if found is not None:
            return ColumnMeaning(found, unit, period)
    return None


_LEADING_PERIOD = re.compile(
    r"^((?:19|20)\d{2}(?:年度|年)?(?:前[一二三四1-4]季度|第?[一二三四1-4]季度|[上下]半年|\d{1,2}(?:[-—~至]\d{1,2})?月)?)(.+)$"
)


def _match_with_period(catalog: Catalog, name: str, period: Period | None) -> tuple[Indicator | None, Period | None]:
    # `2024年营业收入`: a period written in front of the indicator name.
    m = _LEADING_PERIOD.match(name)
    if not m:
        return None, period
    found = catalog.match_indicator(m[2])
    return (found, parse_period(m[1]) or period) if found else (None, period)
