"""Stored codes written for people: sources (file · sheet · row), audit details, replacement kinds."""

from __future__ import annotations

import datetime as dt
import json

from metrics.charts import active_catalog, display_chain, display_park
from metrics.periods import Period
from metrics.queries import format_number
from metrics.sample import SAMPLE_FILE_NAMES
from ui.i18n import strings, t

# The bundled sample files by what they are (i18n key), not by their file names.
SAMPLE_TITLES = {
    name: "sample_illustrative" if name.startswith("illustrative") else "sample_reported"
    for name in SAMPLE_FILE_NAMES
    if name.startswith(("illustrative", "reported"))
}
SOURCE_COLUMNS = ("source", "dropped_source", "kept_source")


def file_title(file_name: str, lang: str) -> str:
    """A file as people know it: the bundled illustrative series as 示意数据, any other file by its name."""
    key = SAMPLE_TITLES.get(file_name)
    return t(key, lang) if key else file_name


def source_text(source: object, lang: str = "zh") -> object:
    """`东营经开区.xlsx!汇总!6` as `东营经开区.xlsx · 工作表 汇总 · 第6行`; `x.csv!!2493` as `x.csv · 第2493行`
    (the sample series as `示意数据 · 第2493行`). Anything not of that form is returned as it is."""
    if not isinstance(source, str) or source.count("!") < 2:
        return source
    file_name, sheet, row = source.rsplit("!", 2)
    if not row.isdigit() or not file_name:
        return source
    parts = [file_title(file_name, lang)]
    if sheet:
        parts.append(t("source_sheet", lang, sheet=sheet))
    parts.append(t("source_row", lang, row=row))
    return " · ".join(parts)


def replaced_by_text(kind: object, lang: str = "zh") -> object:
    """How a value left the current figures: 导入替换 / 恢复 / 撤销 (replaced_by 'load' | 'restore' | 'undo')."""
    key = f"replaced_by_{kind}"
    return t(key, lang) if isinstance(kind, str) and key in strings() else kind


def audit_text(action: str, detail: object, lang: str = "zh") -> str:
    """One audit entry's details as a sentence (the stored JSON as it is when it has another form)."""
    try:
        d = json.loads(detail) if isinstance(detail, str) else dict(detail)
    except (TypeError, ValueError):
        return str(detail)
    try:
        if action == "load":
            return t(
                "audit_load",
                lang,
                id=d["load_id"],
                file=file_title(str(d["file"]), lang),
                n=format_number(d.get("rows_loaded", 0)),
                replaced=format_number(d.get("rows_replaced", 0)),
            )
        if action == "undo":
            return t(
                "audit_undo",
                lang,
                id=d["load_id"],
                file=file_title(str(d["file"]), lang),
                removed=format_number(d.get("removed", 0)),
                back=format_number(d.get("brought_back", 0)),
            )
        if action == "restore":
            chain = d.get("chain")
            return t(
                "audit_restore",
                lang,
                id=d["history_id"],
                park=display_park(d["park"], lang),
                chain=display_chain(chain, lang) if chain else t("whole_park_short", lang),
                period=Period(
                    dt.date.fromisoformat(str(d["period_start"])), dt.date.fromisoformat(str(d["period_end"]))
                ).label(lang),
                indicator=_indicator_name(d["indicator"], lang),
                value=format_number(d["value"]),
            )
    except (KeyError, TypeError, ValueError):
        pass
    return "; ".join(f"{k}={v}" for k, v in d.items())


def _indicator_name(indicator: str, lang: str) -> str:
    try:
        return active_catalog().indicator(indicator).name(lang)
    except KeyError:
        return indicator
