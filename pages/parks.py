"""园区对比 Parks: ranking, grouped bars, radar of 60–100 scores, park × indicator heatmap, the table behind."""

import streamlit as st

import ui

ctx = ui.begin("parks")
st.title(ctx.t("page_parks"), anchor=False)
st.caption(ctx.t("parks_caption"))

indicators = ui.indicators_picker(ctx)
if not indicators:
    st.info(ctx.t("pick_indicators"))
    st.stop()
focus = ui.indicator_picker(ctx, options=indicators, label="rank_by")
f = ctx.with_filters(indicators=tuple(indicators))
rank = ctx.q("ranking", focus, ctx.lang, filters=f)
# With many parks and none selected, the charts show the best on the ranking indicator.
top = ui.top_parks(ctx, rank)
shown = ctx.with_filters(indicators=tuple(indicators), parks=top or ctx.filters.parks)
matrix = ctx.q("park_matrix", ctx.lang, filters=shown)
ui.stop_if_empty(ctx, matrix, filters=f)
sub = ui.subtitle(ctx, top)
ui.chart_with_downloads(
    ctx, ctx.chart("ranking_bar", ui.only_parks(rank, top), focus, lang=ctx.lang, subtitle=sub), "park_ranking", rank
)
order = list(rank["park"])  # every chart lists the parks as the ranking does
ui.chart_with_downloads(
    ctx,
    ctx.chart("grouped_bars", matrix, ctx.lang, subtitle=sub, indicators=tuple(indicators), parks=tuple(order)),
    "park_comparison",
    matrix,
)

scores = ctx.q("normalised_scores", ctx.lang, filters=shown)
medians = ui.radar_yardstick(ctx, scores, shown)  # one or two parks: against the median of every park
ui.chart_with_downloads(ctx, ctx.chart("radar", scores, ctx.lang, subtitle=sub, medians=medians), "park_radar", matrix)
st.caption(ctx.t("scores_help"))
ui.chart_with_downloads(
    ctx,
    ctx.chart("heatmap", matrix, ctx.lang, subtitle=sub, parks=tuple(order)),
    "park_heatmap",
    matrix,
    min_width=ui.heatmap_width(len(indicators)),
)

st.subheader(ctx.t("table_title"), anchor=False)
ui.table_with_downloads(ctx, matrix, "park_matrix", full=ctx.later("park_matrix", ctx.lang, filters=f) if top else None)
