"""产业链对比 Chains: chain × park matrix of one indicator, chain ranking within and across parks, treemap."""

import streamlit as st

import ui
from metrics import charts

ctx = ui.begin("chains")
st.title(ctx.t("page_chains"), anchor=False)
st.caption(ctx.t("chains_caption"))

indicator = ui.indicator_picker(ctx)
if indicator is None:
    st.info(ctx.t("pick_indicators"))
    st.stop()
# With many parks and none selected, the charts show the parks best on the indicator as a whole.
top = ui.top_parks(ctx, ctx.q("ranking", indicator, ctx.lang))
shown = ctx.with_filters(parks=top or ctx.filters.parks)
matrix = ctx.q("chain_matrix", indicator, ctx.lang, filters=shown)
ui.stop_if_empty(ctx, matrix, "no_chain_data", filters=ctx.with_filters(indicators=(indicator,)))

sub = ui.subtitle(ctx, top, every_chain=True)
ui.chart_with_downloads(
    ctx,
    charts.chain_heatmap(matrix, indicator, ctx.lang, subtitle=sub),
    "chain_matrix",
    matrix,
    min_width=ui.heatmap_width(matrix["chain"].nunique()),
)
ranked = ctx.q("chain_ranking", indicator, ctx.lang, filters=shown)
ui.chart_with_downloads(
    ctx, charts.chain_ranking_bar(ranked, indicator, ctx.lang, subtitle=sub), "chain_ranking", ranked
)
ui.chart_with_downloads(ctx, charts.chain_treemap(matrix, indicator, ctx.lang, subtitle=sub), "chain_treemap", matrix)

st.subheader(ctx.t("table_title"), anchor=False)
ui.table_with_downloads(
    ctx,
    ranked,
    "chain_ranking",
    indicator=indicator,
    full=ctx.later("chain_ranking", indicator, ctx.lang) if top else None,
)
