"""目标进度 Targets: target, actual, 完成率 and 序时进度 per park for one indicator, ranked by completion."""

import streamlit as st

import ui
from metrics import charts, target_chart

ctx = ui.begin("targets")
st.title(ctx.t("page_targets"), anchor=False)

progress = ctx.q("target_progress", ctx.lang)
ui.stop_if_empty(ctx, progress, "no_targets")
indicator = ui.indicator_picker(ctx, key="target_ind", options=charts.catalog_order(progress["indicator"]))
rows = progress[progress["indicator"] == indicator]
st.caption(ctx.t("targets_caption", period=progress.attrs["period"].label(ctx.lang)))
ui.target_summary(ctx, rows)

name = ctx.catalog.indicator(indicator).name(ctx.lang)
fig = target_chart.progress_bars(rows, name, ctx.lang, subtitle=ui.subtitle(ctx))
ui.chart_with_downloads(ctx, fig, "target_progress")
st.subheader(ctx.t("table_title"), anchor=False)
ui.target_table(ctx, rows, ctx.catalog.indicator(indicator).unit)
