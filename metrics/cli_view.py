"""What the commands that make something of one view (report, push, summary) share: reading --period, --db
and --park, and the messages, in the command's --lang, when they name nothing usable."""

from __future__ import annotations

import sys

from metrics.periods import Period, parse_period

BAD_PERIOD = (
    "无法识别的时期：{period}（例如 2024、2024年前三季度、2024Q3、2024-09）",
    "Unrecognised period: {period} (e.g. 2024, 2024年前三季度, 2024Q3, 2024-09)",
)
NO_DB = ("找不到数据库文件：{path}", "Database file not found: {path}")


def fail(message: str) -> int:
    """Say why on stderr; the command's exit status 1."""
    print(message, file=sys.stderr)
    return 1


def period_option(value: str | None, lang: str) -> tuple[Period | None, str | None]:
    """The period --period names (None without the option), and the message when it names none."""
    if not value:
        return None, None
    period = parse_period(value)
    if period is None:
        return None, BAD_PERIOD[lang == "en"].format(period=value)
    return period, None


def missing_database(db: str | None, lang: str) -> str | None:
    """The message when --db (or PARKDASH_DB) names a database file that does not exist."""
    from metrics.config import database_missing

    missing = database_missing(db)
    return None if missing is None else NO_DB[lang == "en"].format(path=missing)


def canonical_parks(store, names) -> tuple[str, ...]:
    """--park values as the catalog names them (an alias gives its park; an unknown name stays as written)."""
    return tuple(store.catalog.canonical_park(p) or p.strip() for p in (names or ()))
