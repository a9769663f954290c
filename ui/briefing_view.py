"""The overview's written briefing (数据解读), shown copyable under the KPI cards."""

from __future__ import annotations

import streamlit as st

from metrics.briefing import briefing
from metrics.config import db_path
from ui.i18n import t


@st.cache_data(show_spinner=False, max_entries=64)
def _text(path: str, version, key: str, lang: str, _store, _filters) -> str:
    return briefing(_store, _filters, lang).text


def briefing_box(ctx) -> None:
    """The briefing of the view in front of the reader, in a code block (its copy button copies the text)."""
    st.subheader(t("briefing_title", ctx.lang), anchor=False)
    st.caption(t("briefing_help", ctx.lang))
    text = _text(str(db_path()), ctx.version, repr(ctx.filters), ctx.lang, ctx.store, ctx.filters)
    st.code(text, language=None, wrap_lines=True)
