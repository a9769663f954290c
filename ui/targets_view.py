"""The 目标进度 page's parts: status counts for one indicator and its table with statuses in words."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from metrics.target_chart import status_text
from ui.i18n import t
from ui.widgets import table_with_downloads

TABLE_COLUMNS = [
    "rank",
    "park",
    "target_label",
    "target_display",
    "actual_display",
    "unit",
    "completion_pct",
    "time_pct",
    "gap_pts",
    "status",
    "illustrative",
]


def target_summary(ctx, rows: pd.DataFrame) -> None:
    """序时进度 of the view and how many parks are ahead of it, on it, behind it."""
    cols = st.columns(4)
    times = sorted(set(rows["time_pct"].round(1)))
    cols[0].metric(t("time_progress", ctx.lang), " / ".join(f"{x:.1f}%" for x in times), border=True)
    for col, status in zip(cols[1:], ("ahead", "on_track", "behind"), strict=True):
        col.metric(status_text(status, ctx.lang), int((rows["status"] == status).sum()), border=True)


def target_table(ctx, rows: pd.DataFrame, unit: str) -> None:
    """Target, actual (qualifiers kept), 完成率, 序时进度, gap and status per park, with downloads."""
    table = rows[TABLE_COLUMNS].copy()
    table["status"] = [status_text(s, ctx.lang) for s in table["status"]]
    table["illustrative"] = [t("yes" if x else "no", ctx.lang) for x in table["illustrative"]]
    for col in ("completion_pct", "time_pct", "gap_pts"):
        table[col] = table[col].round(1)
    table_with_downloads(ctx, table, "target_progress", hidden=(), unit=unit)
