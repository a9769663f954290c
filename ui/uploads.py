"""Upload page pieces: read files with a progress bar, show preview and report, store them."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from metrics.periods import period_label
from metrics.queries import display_value
from ui import cache
from ui.i18n import literal, t
from ui.widgets import localise

PARSED = "_pd_parsed"  # file_id -> ParsedFile, so a rerun does not read a file again


def read_uploads(ctx, files, context=None) -> list:
    """ParsedFile per uploaded file, read with the catalog in effect and the park/period/indicator the user
    gave (`context`; cached per upload, catalog and context, so a mapped label or a changed field reads the
    files again), new ones with a progress bar."""
    from metrics.ingest import read_file

    cached = st.session_state.setdefault(PARSED, {})
    for gone in set(cached) - {f.file_id for f in files}:
        del cached[gone]
    for f in files:
        if f.file_id in cached and cached[f.file_id][0] == (ctx.catalog, context):
            continue
        bar = st.progress(0.0, text=t("reading", ctx.lang, file=f.name))
        progress = _progress(bar, ctx.lang, f.name)
        parsed = read_file(f.getvalue(), f.name, catalog=ctx.catalog, progress=progress, context=context)
        cached[f.file_id] = ((ctx.catalog, context), parsed)
        bar.empty()
    return [cached[f.file_id][1] for f in files]


def _progress(bar, lang: str, name: str):
    def update(*args) -> None:
        # Accept progress(fraction) and progress(done, total), each optionally followed by a message.
        nums = [a for a in args if isinstance(a, (int, float)) and not isinstance(a, bool)]
        if len(nums) >= 2 and nums[1]:
            fraction = nums[0] / nums[1]
        elif nums:
            fraction = nums[0]
        else:
            return
        bar.progress(min(max(float(fraction), 0.0), 1.0), text=t("reading", lang, file=name))

    return update


def errors_frame(ctx, report) -> pd.DataFrame:
    rows = [
        {
            "sheet": p.sheet,
            "row": p.row,
            "column": p.column,
            "value": p.value,
            "message": (p.message_en or p.message) if ctx.lang == "en" else p.message,
        }
        for p in report.errors
    ]
    frame = pd.DataFrame(rows, columns=["sheet", "row", "column", "value", "message"])
    return frame.rename(columns={c: t("err_" + c, ctx.lang) for c in frame.columns})


def duplicates_frame(ctx, report) -> pd.DataFrame:
    """The figures given twice: the key, the earlier (dropped) and the later (loaded) value and place."""
    rows = [
        {
            "park": d.park,
            "chain": d.chain,
            "period_label": period_label(d.period_start, d.period_end, ctx.lang),
            "indicator": d.indicator,
            "conflicting": d.conflicting,
            "dropped": display_value(d.dropped_value, d.dropped_qualifier, ctx.lang),
            "kept": display_value(d.kept_value, d.kept_qualifier, ctx.lang),
            "dropped_source": d.dropped_source,
            "kept_source": d.kept_source,
        }
        for d in report.duplicates
    ]
    frame = pd.DataFrame(rows, columns=list(rows[0]) if rows else ["park", "chain", "indicator"])
    return localise(ctx, frame, park_names=False).drop(columns=t("col_indicator", ctx.lang))


def show_report(ctx, parsed) -> None:
    """Everything reading found, before anything is stored (what loading would change: ui/preview_diff.py)."""
    r = parsed.report
    with st.container(border=True):
        st.markdown(f"**{t('file', ctx.lang)}**")
        st.text(r.file)
        if r.fatal:
            reason = (r.fatal_en or r.fatal) if ctx.lang == "en" else r.fatal
            st.error(t("file_refused", ctx.lang, reason=literal(reason)))
            return
        cols = st.columns(5)
        cols[0].metric(t("r_figures", ctx.lang), len(parsed.frame))
        cols[1].metric(t("r_missing", ctx.lang), r.missing)
        cols[2].metric(t("r_totals", ctx.lang), r.totals_skipped)
        cols[3].metric(t("r_errors", ctx.lang), len(r.errors))
        regions = set(r.new_regions)  # read under a 地区/城市 header: they join the catalog as regions
        cols[4].metric(t("r_new_parks", ctx.lang), len(r.new_parks) - len(regions))
        for key, names in (
            ("r_new_parks", [n for n in r.new_parks if n not in regions]),
            ("r_new_regions", r.new_regions),
            ("r_skipped_sheets", r.skipped_sheets),
            ("r_ignored_columns", r.ignored_columns),
        ):
            if names:
                st.caption(t(key, ctx.lang))
                st.text("、".join(map(str, names)) if ctx.lang != "en" else ", ".join(map(str, names)))
        if r.errors:
            st.warning(t("has_errors", ctx.lang, n=len(r.errors)))
            st.dataframe(errors_frame(ctx, r), hide_index=True)
        if r.duplicate_figures:
            conflicting = sum(d.conflicting for d in r.duplicates)
            notice = st.warning if conflicting else st.info
            notice(t("has_duplicates", ctx.lang, n=r.duplicate_figures, conflicting=conflicting))
            st.caption(t("dup_listed", ctx.lang, n=len(r.duplicates)))
            st.dataframe(duplicates_frame(ctx, r), hide_index=True)


def store_all(ctx, parsed_files: list, skip_bad_rows: bool, actor: str, allowed_parks=None) -> dict:
    """Load each file (one transaction each), telling the user while another load holds the lock;
    `allowed_parks`: a scoped account's parks (the store refuses a file holding others)."""
    waiting = st.empty()
    waited: list[str] = []

    def on_wait(zh: str, en: str) -> None:
        waited.append(en if ctx.lang == "en" else zh)
        waiting.info(waited[-1], icon=":material/hourglass_top:")

    reports = []
    with st.spinner(t("loading", ctx.lang)):
        for p in parsed_files:
            reports.append(
                ctx.store.load(
                    p, skip_bad_rows=skip_bad_rows, actor=actor, on_wait=on_wait, allowed_parks=allowed_parks
                )
            )
    waiting.empty()
    st.session_state.pop(PARSED, None)
    cache.clear()
    return {"reports": reports, "waited": bool(waited)}


def show_results(ctx, results: dict) -> None:
    """One line per stored file: loaded / unchanged / refused, with counts; and whether it had to wait."""
    if results["waited"]:
        st.caption(t("waited", ctx.lang))
    for r in results["reports"]:
        counts = {"n": r.rows_loaded, "skipped": r.skipped_rows, "replaced": getattr(r, "rows_replaced", 0)}
        if r.status == "loaded":
            st.success(t("result_loaded", ctx.lang, file=literal(r.file), **counts), icon=":material/check_circle:")
        elif r.status == "unchanged":
            st.info(t("result_unchanged", ctx.lang, file=literal(r.file)), icon=":material/info:")
        else:
            reason = (r.fatal_en or r.fatal) if ctx.lang == "en" else r.fatal
            st.error(t("result_rejected", ctx.lang, file=literal(r.file), reason=literal(reason or "")))
