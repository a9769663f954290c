"""指标与园区目录 Catalog: indicators, parks and regions in effect; analysts add, edit and revert (logged)."""

import streamlit as st

import ui
from ui import catalog_view
from ui.auth import analyst_status, require_analyst

ctx = ui.begin("catalog")
st.title(ctx.t("page_catalog"), anchor=False)
st.caption(ctx.t("catalog_caption"))
message = st.session_state.pop(catalog_view.MESSAGE_KEY, None)
if message:
    st.success(message, icon=":material/check_circle:")
if ctx.store.catalog_problems:
    st.warning(ctx.t("catalog_problems"))
    for problem in ctx.store.catalog_problems:
        for line in problem.messages(ctx.lang):
            st.text(line)  # plain text: names are data

st.subheader(ctx.t("catalog_edit_title"), anchor=False)
actor = require_analyst(ctx.lang)
if actor:
    analyst_status(ctx.lang)
    indicators_tab, parks_tab, revert_tab = st.tabs(
        [ctx.t("catalog_indicators_title"), ctx.t("catalog_parks_title"), ctx.t("revert")]
    )
    with indicators_tab:
        catalog_view.indicator_form(ctx, actor)
    with parks_tab:
        catalog_view.park_form(ctx, actor)
    with revert_tab:
        catalog_view.revert_form(ctx, actor)

st.subheader(ctx.t("catalog_changes_title"), anchor=False)
changes = catalog_view.changes_frame(ctx)
if changes.empty:
    st.caption(ctx.t("catalog_no_changes"))
else:
    st.dataframe(changes, hide_index=True, key="catalog_changes_table")

st.subheader(ctx.t("catalog_indicators_title"), anchor=False)
st.dataframe(catalog_view.indicators_frame(ctx), hide_index=True, key="catalog_indicators_table")

st.subheader(ctx.t("catalog_parks_title"), anchor=False)
st.dataframe(catalog_view.parks_frame(ctx), hide_index=True, key="catalog_parks_table")
