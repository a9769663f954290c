"""总览 Overview: KPI cards per indicator family, target progress cards, the written briefing, the composite-index ranking, data freshness, summary PNG, the Word/PDF report."""

import streamlit as st

import ui

ctx = ui.begin("overview")
st.title(ctx.t("page_overview"), anchor=False)

cards = ctx.q("kpi_cards", ctx.lang)
ui.stop_if_empty(ctx, cards)

period_label = cards["period_label"].iloc[0]
st.caption(ctx.t("overview_caption", period=period_label))
ui.data_badges(ctx, cards)
ui.kpi_grid(ctx, cards)
ui.target_cards(ctx)
ui.briefing_box(ctx)

st.subheader(ctx.t("composite_title"), anchor=False)
weights = ui.weights_editor(ctx)
if not any(weights.values()):  # e.g. party building: out of the index by default
    st.caption(ctx.t("composite_all_zero"))
index = ctx.q("composite_index", weights)
top = ui.top_parks(ctx, index)
fig = ctx.chart("composite_bar", ui.only_parks(index, top), ctx.lang, subtitle=ui.subtitle(ctx, top))
ui.chart_with_downloads(ctx, fig, "composite_index", cards)
ui.composite_notes(ctx, index)  # threshold, parks not scored (never 0), the method
ui.table_with_downloads(ctx, ui.composite_table(ctx, index), "composite_index")

st.subheader(ctx.t("summary_title"), anchor=False)
st.caption(ctx.t("summary_help"))
ui.summary_download(ctx, weights)

ui.report_downloads(ctx)
