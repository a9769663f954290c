"""Times for people: stored UTC instants shown in the display time zone (PARKDASH_TIMEZONE, default Beijing time)."""

from __future__ import annotations

import datetime as dt
import os
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd

TIMEZONE_ENV = "PARKDASH_TIMEZONE"
DEFAULT_TIMEZONE = "Asia/Shanghai"
# Zones people call by a name rather than by their IANA key.
_NAMES = {"Asia/Shanghai": ("北京时间", "Beijing time"), "UTC": ("协调世界时 (UTC)", "UTC")}


class TimezoneError(ValueError):
    """PARKDASH_TIMEZONE names no time zone (zh and en message)."""

    def __init__(self, value: str):
        self.message_zh = f"设置 {TIMEZONE_ENV}={value!r} 不是有效的时区名称（例如 Asia/Shanghai）。"
        self.message_en = f"The setting {TIMEZONE_ENV}={value!r} is not a time zone name (e.g. Asia/Shanghai)."
        super().__init__(self.message_en)


def display_zone() -> ZoneInfo:
    """The zone every time is shown in: PARKDASH_TIMEZONE, else Asia/Shanghai."""
    key = os.environ.get(TIMEZONE_ENV, "").strip() or DEFAULT_TIMEZONE
    try:
        return ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise TimezoneError(key) from exc


def zone_name(lang: str = "zh", zone: ZoneInfo | None = None) -> str:
    """How a page names the zone of its times once: 北京时间 / Beijing time, else the key with its offset."""
    zone = zone or display_zone()
    if zone.key in _NAMES:
        zh, en = _NAMES[zone.key]
        return en if lang == "en" else zh
    offset = dt.datetime.now(zone).strftime("%z")
    return f"{zone.key} (UTC{offset[:3]}:{offset[3:]})"


def local(value, zone: ZoneInfo | None = None) -> dt.datetime | None:
    """A stored instant (naive = UTC, or aware) in the display zone, without tzinfo; None for missing."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    stamp = pd.Timestamp(value)
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp
    return stamp.tz_convert(zone or display_zone()).tz_localize(None).to_pydatetime()


def local_column(values: pd.Series, zone: ZoneInfo | None = None) -> pd.Series:
    """A column of stored instants in the display zone (naive datetimes, NaT kept)."""
    stamps = pd.to_datetime(values)
    if stamps.dt.tz is None:
        stamps = stamps.dt.tz_localize("UTC")
    return stamps.dt.tz_convert(zone or display_zone()).dt.tz_localize(None)


def local_text(value, zone: ZoneInfo | None = None, seconds: bool = False) -> str:
    """`2026-12-06 18:05` in the display zone; "–" for missing."""
    moment = local(value, zone)
    return moment.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M") if moment else "–"


def now_local(zone: ZoneInfo | None = None) -> dt.datetime:
    """The current time in the display zone (naive)."""
    return dt.datetime.now(zone or display_zone()).replace(tzinfo=None)


def with_zone(text: str, lang: str = "zh") -> str:
    """A time with its zone named: 2026-12-07 07:30（北京时间） / 2026-12-07 07:30 (Beijing time)."""
    return f"{text} ({zone_name(lang)})" if lang == "en" else f"{text}（{zone_name(lang)}）"
