"""Data page: the plausibility warnings and cell corrections kept with a load's record."""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from ui.i18n import t
from ui.widgets import localise

WARNING_FIELDS = ("sheet", "row", "column", "value", "message")
CORRECTION_FIELDS = ("sheet", "row", "column", "original", "corrected", "by")


def show(ctx) -> None:
    """Pick a load that had warnings or corrections; list them as they were when it was loaded."""
    st.subheader(t("notes_title", ctx.lang), anchor=False)
    notes = _notes(ctx.store.loads())
    if not notes:
        st.caption(t("no_notes", ctx.lang))
        return
    load_id = st.selectbox(
        t("notes_pick", ctx.lang),
        list(notes),
        key="notes_pick",
        format_func=lambda i: t(
            "notes_option",
            ctx.lang,
            id=i,
            file=notes[i]["file"],
            warnings=len(notes[i]["warnings"]),
            corrections=len(notes[i]["corrections"]),
        ),
    )
    warnings, corrections = notes[load_id]["warnings"], notes[load_id]["corrections"]
    if warnings:
        st.caption(t("notes_warnings", ctx.lang, n=len(warnings)))
        rows = [
            {**{f: w.get(f) for f in WARNING_FIELDS}, "column": w.get("column") or "", "message": _message(w, ctx.lang)}
            for w in warnings
        ]
        frame = pd.DataFrame(rows, columns=list(WARNING_FIELDS))
        st.dataframe(frame.rename(columns={f: t("err_" + f, ctx.lang) for f in WARNING_FIELDS}), hide_index=True)
    if corrections:
        st.caption(t("notes_corrections", ctx.lang, n=len(corrections)))
        frame = pd.DataFrame([{f: c.get(f) for f in CORRECTION_FIELDS} for c in corrections])
        frame = frame.rename(columns={f: t("err_" + f, ctx.lang) for f in ("sheet", "row", "column")})
        st.dataframe(localise(ctx, frame), hide_index=True)


def _message(warning: dict, lang: str) -> str:
    return (warning.get("message_en") or warning.get("message", "")) if lang == "en" else warning.get("message", "")


def _notes(loads: pd.DataFrame) -> dict[int, dict]:
    """Per load with any, newest first: its file, warnings and corrections from the stored JSON record."""
    out = {}
    for load_id, file_name, record in zip(loads["load_id"], loads["file_name"], loads["report_json"], strict=True):
        try:
            data = json.loads(record)
        except (TypeError, ValueError):
            continue
        warnings, corrections = data.get("warnings") or [], data.get("corrections") or []
        if warnings or corrections:
            out[int(load_id)] = {"file": file_name, "warnings": warnings, "corrections": corrections}
    return out
