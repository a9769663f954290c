"""A scoped analyst's uploads: files holding figures of other parks are named and refused before loading."""

from __future__ import annotations

import streamlit as st

from metrics.scope import parks_outside, refusal
from ui.i18n import literal


def refuse_files(ctx, parsed_files: list, parks: tuple[str, ...] | None) -> bool:
    """For an account limited to `parks`: an error per file with figures of other parks (naming them);
    True when any file is refused. Nothing for an account of every park."""
    if parks is None:
        return False
    refused = False
    for p in parsed_files:
        if not len(p.frame):
            continue
        outside = parks_outside(p.frame["park"].unique(), parks, ctx.catalog)
        if outside:
            refused = True
            zh, en = refusal("load", outside, parks)
            st.error(f"{literal(p.report.file)}: {literal(en if ctx.lang == 'en' else zh)}", icon=":material/block:")
    return refused
