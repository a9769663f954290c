"""The overview's written briefing (数据解读), shown copyable under the KPI cards, and its report downloads."""

from __future__ import annotations

import streamlit as st

from metrics.briefing import briefing
from metrics.config import db_setting
from ui.i18n import t


@st.cache_data(show_spinner=False, max_entries=64)
def _text(path: str, version, key: str, lang: str, _store, _filters) -> str:
    return briefing(_store, _filters, lang).text


def briefing_box(ctx) -> None:
    """The briefing of the view in front of the reader, in a code block (its copy button copies the text)."""
    st.subheader(t("briefing_title", ctx.lang), anchor=False)
    st.caption(t("briefing_help", ctx.lang))
    text = _text(db_setting(), ctx.version, repr(ctx.filters), ctx.lang, ctx.store, ctx.filters)
    st.code(text, language=None, wrap_lines=True)


def report_downloads(ctx) -> None:
    """报告下载: the A4 report of this view as Word and PDF, each built only when its button is clicked."""
    from ui.widgets import download_failure, lazy_image

    st.subheader(t("report_title", ctx.lang), anchor=False)
    st.caption(t("report_help", ctx.lang))
    store, lang, f = ctx.store, ctx.lang, ctx.filters
    word, pdf = st.columns(2)
    for col, fmt, mime, icon in (
        (
            word,
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ":material/description:",
        ),
        (pdf, "pdf", "application/pdf", ":material/picture_as_pdf:"),
    ):
        with col:
            download_failure(ctx, f"report_{fmt}")

            def make(fmt=fmt) -> bytes:
                from metrics.report import report_bytes

                return report_bytes(store, f, fmt, lang)

            st.download_button(
                t(f"download_report_{fmt}", lang),
                data=lazy_image(ctx, f"report_{fmt}", make, lang),
                file_name=t("report_file", lang) + f".{fmt}",
                mime=mime,
                on_click="ignore",
                icon=icon,
                key=f"report_{fmt}",
            )
