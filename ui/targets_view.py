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


def target_cards(ctx) -> None:
    """The overview's 目标进度 cards: per indicator with targets in view, 完成率 over the parks having both,
    its gap to 序时进度 as the delta (direction-aware: positive is good), target and actual in the help."""
    totals = ctx.q("target_totals", ctx.lang)
    if totals.empty:
        return
    st.markdown(f"##### {t('target_cards_title', ctx.lang)}")
    columns = 3 if ctx.lang == "en" else 4
    cols = st.columns(columns)
    for n, row in enumerate(totals.to_dict("records")):
        unit = ctx.catalog.unit_label(row["unit"], ctx.lang)
        known = row["completion_pct"] == row["completion_pct"]  # NaN without a usable target
        cols[n % columns].metric(
            t("target_card_label", ctx.lang, name=ctx.catalog.indicator(row["indicator"]).short_name(ctx.lang)),
            f"{row['completion_pct']:.1f}%" if known else "–",
            delta=f"{row['gap_pts']:+.1f}{t('percentage_points', ctx.lang)}" if known else None,
            delta_description=f"{status_text(row['status'], ctx.lang)} · "
            + t("time_progress_is", ctx.lang, pct=f"{row['time_pct']:.1f}%"),
            border=True,
            help=t(
                "target_card_help",
                ctx.lang,
                target=f"{row['target_display']}{unit}" if ctx.lang != "en" else f"{row['target_display']} {unit}",
                actual=f"{row['actual_display']}{unit}" if ctx.lang != "en" else f"{row['actual_display']} {unit}",
                n=row["n_parks"],
            ),
        )
