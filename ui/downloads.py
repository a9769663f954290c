"""What a download is: its file name (view, period, date) and its notes (period, filters, basis, source, time)."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from metrics import charts
from metrics.localtime import local_text, now_local, with_zone
from ui.i18n import strings, t

_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')  # characters no file system (or browser) keeps in a name


def item_title(name: str, lang: str) -> str:
    """The title of a chart or table in a file name and its notes (`dl_<name>` in ui/i18n.toml)."""
    key = f"dl_{name}"
    return t(key, lang) if key in strings() else name


def file_name(ctx, name: str, ext: str, period: bool = True) -> str:
    """`园区对比_园区排名_2024年_20261206.png`: page, item, period in view and today's date (display zone)."""
    page = t(f"page_{ctx.page}", ctx.lang)
    parts = [page, item_title(name, ctx.lang)]
    if period and ctx.filters.period is not None:
        parts.append(ctx.filters.period.label(ctx.lang))
    parts.append(f"{now_local():%Y%m%d}")
    cleaned = [_UNSAFE.sub("-", p).strip("-.") for p in dict.fromkeys(parts) if p]
    return "_".join(c for c in cleaned if c) + f".{ext}"


def basis_text(lang: str, include_illustrative: bool, frame: pd.DataFrame | None = None) -> str:
    """Whether the figures are reported or include illustrative ones (报告/示意)."""
    if not include_illustrative:
        return t("dl_basis_reported_only", lang)
    if frame is not None and "illustrative" in frame.columns:
        has = bool(frame["illustrative"].fillna(False).astype(bool).any())
    elif frame is not None and "basis" in frame.columns:
        has = bool((frame["basis"] == "illustrative").any())
    else:
        has = True  # unknown: say that illustrative figures may be in it
    return t("dl_basis_illustrative" if has else "dl_basis_reported", lang)


def notes(ctx, name: str, frame: pd.DataFrame | None = None, *, filters: bool = True) -> list[tuple[str, str]]:
    """The header block of a CSV and the `说明` sheet of an Excel file: what the table is. Built when the
    download is clicked (off the script thread: reads only `ctx`'s plain data and the store)."""
    lang, f = ctx.lang, ctx.filters
    rows = [(t("dl_view", lang), f"{t('page_' + ctx.page, lang)} · {item_title(name, lang)}")]
    if filters:
        rows.append((t("dl_period", lang), f.period.label(lang) if f.period else "–"))
        scope = charts.filters_text(lang, None, f.parks, f.chains, f.category, f.include_illustrative)
        rows.append((t("dl_filters", lang), scope))
        rows.append((t("dl_basis", lang), basis_text(lang, f.include_illustrative, frame)))
    rows.append((t("dl_source", lang), source_text(ctx)))
    rows.append((t("dl_generated", lang), with_zone(local_text(dt.datetime.now(dt.UTC), seconds=True), lang)))
    return rows


def source_text(ctx) -> str:
    """The app and the files the figures were loaded from (those still in effect)."""
    loads = ctx.store.loads()
    files = [str(n) for n, s in zip(loads["file_name"], loads["status"], strict=True) if s == "loaded"]
    shown = "、".join(files[:5]) if ctx.lang != "en" else ", ".join(files[:5])
    more = t("dl_more_files", ctx.lang, n=len(files)) if len(files) > 5 else ""
    return t("dl_source_text", ctx.lang, app=t("app_title", ctx.lang), files=shown + more)


def footer_text(ctx, frame: pd.DataFrame | None = None) -> str:
    """One line under a downloaded chart: source, generation time, and the illustrative note when it applies."""
    lang, f = ctx.lang, ctx.filters
    parts = [
        t("dl_source_short", lang, app=t("app_title", lang)),
        t("dl_generated_at", lang, time=with_zone(local_text(dt.datetime.now(dt.UTC)), lang)),
        basis_text(lang, f.include_illustrative, frame),
    ]
    return " · ".join(parts)
