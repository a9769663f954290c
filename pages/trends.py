"""趋势 Trends: one indicator over periods of the same kind for the chosen parks, with YoY growth."""

import streamlit as st

import ui
from metrics import charts

ctx = ui.begin("trends")
st.title(ctx.t("page_trends"), anchor=False)

indicator = ui.indicator_picker(ctx)
if indicator is None or ctx.filters.period is None:
    ui.stop_if_empty(ctx, None)
st.caption(ctx.t("trends_caption", kind=ctx.t("kind_" + ctx.filters.period.kind)))
series = ctx.q("trend", indicator, ctx.lang)
ui.stop_if_empty(ctx, series)

fig = charts.trend_lines(series, indicator, ctx.lang, subtitle=ui.subtitle(ctx))
ui.chart_with_downloads(ctx, fig, "trend")
st.subheader(ctx.t("table_title"), anchor=False)
ui.table_with_downloads(ctx, series, "trend")
