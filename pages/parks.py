"""园区对比 Parks: ranking, grouped bars, radar of 0–100 scores, park × indicator heatmap, the table behind."""

import streamlit as st

import ui
from metrics import charts

ctx = ui.begin("parks")
st.title(ctx.t("page_parks"), anchor=False)
st.caption(ctx.t("parks_caption"))

indicators = ui.indicators_picker(ctx)
if not indicators:
    st.info(ctx.t("pick_indicators"))
    st.stop()
f = ctx.with_filters(indicators=tuple(indicators))
matrix = ctx.q("park_matrix", ctx.lang, filters=f)
ui.stop_if_empty(ctx, matrix)

sub = ui.subtitle(ctx)
focus = ui.indicator_picker(ctx, options=indicators, label="rank_by")
rank = ctx.q("ranking", focus, ctx.lang, filters=f)
ui.chart_with_downloads(ctx, charts.ranking_bar(rank, focus, lang=ctx.lang, subtitle=sub), "park_ranking")
ui.chart_with_downloads(ctx, charts.grouped_bars(matrix, ctx.lang, subtitle=sub, indicators=indicators),
                        "park_comparison")

scores = ctx.q("normalised_scores", ctx.lang, filters=f)
ui.chart_with_downloads(ctx, charts.radar(scores, ctx.lang, subtitle=sub), "park_radar")
st.caption(ctx.t("scores_help"))
ui.chart_with_downloads(ctx, charts.heatmap(matrix, ctx.lang, subtitle=sub), "park_heatmap")

st.subheader(ctx.t("table_title"), anchor=False)
ui.table_with_downloads(ctx, matrix, "park_matrix")
