"""数据上传 Upload: read files, show preview and full report BEFORE storing, then load (analyst only)."""

import math

import streamlit as st

import ui
from metrics.config import limits
from ui import park_scope, preview_diff, upload_context, uploads
from ui.auth import analyst_parks, analyst_status, current_analyst, require_analyst
from ui.label_mapping import label_mapping
from ui.native_texts import file_uploader_texts
from ui.text_review import text_review

ctx = ui.begin("upload")
st.title(ctx.t("page_upload"), anchor=False)
lim = limits()
st.caption(
    ctx.t("limits", mb=f"{lim.max_file_mb:g}", files=lim.max_files_per_upload, rows=f"{lim.max_rows_per_file:,}")
)
ui.template_download(ctx)

# A new uploader key after each load empties it, so the same files are not offered again.
file_uploader_texts(ctx.lang)
files = st.file_uploader(
    ctx.t("choose_files"),
    type=["xlsx", "xls", "csv"],
    accept_multiple_files=True,
    key=f"upload_files_{st.session_state.get('_pd_round', 0)}",
    help=ctx.t("upload_help"),
    max_upload_size=max(1, math.ceil(lim.max_file_mb)),
)
text_review(ctx, spreadsheets_chosen=bool(files))
results = st.session_state.pop("_pd_results", None)
if results:
    uploads.show_results(ctx, results)
if not files:
    st.info(ctx.t("upload_hint"))
    st.stop()
if len(files) > lim.max_files_per_upload:
    st.error(ctx.t("too_many_files", n=len(files), max=lim.max_files_per_upload))
    st.stop()

parsed = uploads.read_uploads(ctx, files, upload_context.current())
st.subheader(ctx.t("check_title"), anchor=False)
upload_context.context_fields(ctx, parsed)
checked = []
for p in parsed:
    uploads.show_report(ctx, p)
    checked.append(preview_diff.show(ctx, p))
label_mapping(ctx, parsed, current_analyst())

st.subheader(ctx.t("store_title"), anchor=False)
actor = require_analyst(ctx.lang)
if actor is None:
    st.stop()
analyst_status(ctx.lang)
scope = analyst_parks()
out_of_scope = park_scope.refuse_files(ctx, parsed, scope)  # before loading; the store refuses them too
blocked = out_of_scope or any(c.parsed.report.fatal or c.parsed.report.errors for c in checked)
has_valid = not out_of_scope and any(len(c.parsed.frame) and not c.parsed.report.fatal for c in checked)
has_cells = not out_of_scope and any(
    c.parsed.partial_frame is not None and len(c.parsed.partial_frame) for c in checked
)
confirmed = preview_diff.ready(checked)
if not confirmed:
    st.warning(ctx.t("uncited_blocked"))
left, middle, right = st.columns(3)
load_all = left.button(
    ctx.t("load"),
    type="primary",
    disabled=blocked or not confirmed,
    icon=":material/database_upload:",
    help=ctx.t("load_blocked") if blocked else None,
    key="load_all",
)
load_valid = middle.button(
    ctx.t("load_valid"), disabled=not has_valid or not confirmed, icon=":material/rule:", key="load_valid"
)
load_cells = right.button(
    ctx.t("load_cells"),
    disabled=out_of_scope or not (has_valid or has_cells) or not blocked or not confirmed,
    icon=":material/grid_on:",
    help=ctx.t("load_cells_help"),
    key="load_cells",
)
if load_all or load_valid or load_cells:
    mode = "cells" if load_cells else "rows" if load_valid else "all"
    to_store = preview_diff.files_to_load(checked, mode, actor)
    st.session_state["_pd_results"] = uploads.store_all(
        ctx, to_store, skip_bad_rows=mode != "all", actor=actor, allowed_parks=scope
    )
    st.session_state.pop(preview_diff.CHECKS, None)
    st.session_state["_pd_round"] = st.session_state.get("_pd_round", 0) + 1
    st.rerun()
