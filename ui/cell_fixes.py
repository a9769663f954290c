"""Upload page: an editable table of a file's bad value cells, whose corrected texts become figures."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from metrics.cells import Correction
from ui.i18n import t

FIELDS = ("sheet", "row", "column", "value", "message")


def corrections(ctx, parsed, key: str) -> list[Correction]:
    """The corrections typed into the table of bad value cells (an empty list when there are none)."""
    fixable = [p for p in parsed.report.errors if (p.sheet, p.row, p.column) in parsed.fixable_cells]
    if not fixable:
        return []
    st.caption(t("fix_caption", ctx.lang, n=len(fixable)))
    headers = {f: t("err_" + f, ctx.lang) for f in FIELDS}
    corrected = t("fix_corrected", ctx.lang)
    table = pd.DataFrame(
        {
            headers["sheet"]: [p.sheet for p in fixable],
            headers["row"]: [p.row for p in fixable],
            headers["column"]: [p.column for p in fixable],
            headers["value"]: [p.value for p in fixable],
            headers["message"]: [(p.message_en or p.message) if ctx.lang == "en" else p.message for p in fixable],
            corrected: [""] * len(fixable),
        }
    )
    edited = st.data_editor(
        table,
        key=f"fix_{key}",
        hide_index=True,
        disabled=list(headers.values()),
        column_config={corrected: st.column_config.TextColumn(corrected, help=t("fix_help", ctx.lang))},
    )
    out = []
    for problem, text in zip(fixable, edited[corrected], strict=True):
        text = "" if text is None or (isinstance(text, float) and text != text) else str(text).strip()
        if text and text != (problem.value or ""):
            out.append(Correction(problem.sheet, problem.row, problem.column, problem.value, text))
    return out
