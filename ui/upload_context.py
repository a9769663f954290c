"""Upload preview: the park, period and indicator a file does not say (the CLI's --park/--period/--indicator)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from metrics.ingest.context import IngestContext
from metrics.periods import period_label
from ui.i18n import t

PARK, PERIOD, INDICATOR = "ctx_park", "ctx_period", "ctx_indicator"


def current() -> IngestContext:
    """What the fields hold now (read before the files, so that the preview reflects them)."""
    state = st.session_state
    return IngestContext(
        park=(state.get(PARK) or "").strip() or None,
        period=(state.get(PERIOD) or "").strip() or None,
        indicator=state.get(INDICATOR) or None,
    )


def _found(ctx, parsed: list) -> tuple[str | None, str | None, str | None]:
    """The park, period and indicator the files state, where all their figures agree on one."""
    frames = [p.frame for p in parsed if len(p.frame)]
    if not frames:
        return None, None, None

    def one(column: str):
        values = set().union(*(set(f[column].dropna().unique()) for f in frames))
        return next(iter(values)) if len(values) == 1 else None

    park, indicator, start, end = one("park"), one("indicator"), one("period_start"), one("period_end")
    period = None
    if start is not None and end is not None:
        period = period_label(pd.Timestamp(start).date(), pd.Timestamp(end).date(), ctx.lang)
    name = ctx.catalog.indicator(indicator).name(ctx.lang) if indicator in ctx.catalog.ids else None
    return park, period, name


def context_fields(ctx, parsed: list) -> None:
    """Three fields for what a file leaves out; what the files say is shown in each (greyed), so one
    file's park never silently fills in another's. A value the file contradicts is a row error naming both."""
    lang = ctx.lang
    park, period, indicator = _found(ctx, parsed)
    refused = any(p.report.fatal for p in parsed)
    with st.expander(t("ctx_title", lang), expanded=refused or bool(current().park or current().period)):
        st.caption(t("ctx_help", lang))
        left, mid, right = st.columns(3)
        found = t("ctx_found", lang)
        left.text_input(t("ctx_park", lang), key=PARK, placeholder=f"{found}{park}" if park else "", max_chars=100)
        mid.text_input(t("ctx_period", lang), key=PERIOD, placeholder=f"{found}{period}" if period else "2024年1-9月")
        cat = ctx.catalog
        right.selectbox(
            t("ctx_indicator", lang),
            cat.ids,
            index=None,
            key=INDICATOR,
            placeholder=f"{found}{indicator}" if indicator else t("ctx_indicator_none", lang),
            format_func=lambda i: f"{cat.indicator(i).name(lang)} ({i})",
        )
