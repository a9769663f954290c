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
# With many parks and none selected, the lines are the parks best on the indicator in the period in view.
top = ui.top_parks(ctx, ctx.q("ranking", indicator, ctx.lang))
series = ctx.q("trend", indicator, ctx.lang, filters=ctx.with_filters(parks=top or ctx.filters.parks))
ui.stop_if_empty(ctx, series, filters=ctx.with_filters(indicators=(indicator,)))

fig = charts.trend_lines(series, indicator, ctx.lang, subtitle=ui.subtitle(ctx, top))
ui.chart_with_downloads(ctx, fig, "trend", series)
st.subheader(ctx.t("table_title"), anchor=False)
ui.table_with_downloads(
    ctx,
    series,
    "trend",
    indicator=indicator,
    full=ctx.later("trend", indicator, ctx.lang) if top else None,
)
