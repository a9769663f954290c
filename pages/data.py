"""数据管理 Data: history of loads with undo, a figure's source and replaced values with restore, audit log
and the catalog changes."""

import streamlit as st

import ui
from ui import catalog_view, data_view, load_notes
from ui.auth import analyst_status, require_analyst

ctx = ui.begin("data")
st.title(ctx.t("page_data"), anchor=False)
data_view.times_caption(ctx)
message = st.session_state.pop("_pd_data_msg", None)
if message:
    st.success(message, icon=":material/check_circle:")

st.subheader(ctx.t("loads_title"), anchor=False)
loads = data_view.loads_frame(ctx)
if loads.empty:
    st.info(ctx.t("no_loads"))
    st.stop()
st.dataframe(loads, hide_index=True, key="loads_table")
data_view.all_figures_downloads(ctx)

st.subheader(ctx.t("changes_title"), anchor=False)
actor = require_analyst(ctx.lang)
if actor:
    analyst_status(ctx.lang)
    data_view.undo_form(ctx, actor)

load_notes.show(ctx)

st.subheader(ctx.t("figure_title"), anchor=False)
row = data_view.figure_picker(ctx)
if row is None:
    st.info(ctx.t("no_data"))
elif data_view.figure_detail(ctx, row):
    history = data_view.history_frame(ctx, row)
    st.caption(ctx.t("history_caption", n=len(history)))
    if len(history):
        st.dataframe(ui.localise(ctx, history), hide_index=True, key="history_table")
        if actor:
            data_view.restore_form(ctx, history, actor)

st.subheader(ctx.t("audit_title"), anchor=False)
ui.table_with_downloads(ctx, data_view.audit_frame(ctx), "audit_log", hidden=(), filtered=False)

st.subheader(ctx.t("catalog_changes_title"), anchor=False)
catalog_changes = catalog_view.changes_frame(ctx)
if catalog_changes.empty:
    st.caption(ctx.t("catalog_no_changes"))
else:
    st.dataframe(catalog_changes, hide_index=True, key="catalog_changes_table")
st.page_link("pages/catalog.py", label=ctx.t("catalog_go"), icon=":material/list_alt:")
