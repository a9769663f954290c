"""Upload page: figures from a report's text, reviewed in a table; accepted ones load like any file."""

from __future__ import annotations

import dataclasses
import hashlib
import re

import pandas as pd
import streamlit as st

from metrics.catalog import CatalogError
from metrics.extract import TextError, candidates_frame, extract_file, extract_text, long_csv_bytes
from metrics.extract.output import REPORTED, unit_text, value_text
from metrics.store import StoreError
from ui import cache
from ui.auth import current_analyst, require_analyst
from ui.i18n import literal
from ui.uploads import errors_frame

ROUND = "_tr_round"  # a new round after each load gives fresh, empty inputs
RESULT = "_tr_result"  # what the last load or undo did, shown once after the rerun
QUALIFIERS = ("exact", "at_least", "approx")
EDITABLE = ("accept", "park", "period", "indicator", "value", "qualifier")
# The sentence early, where the analyst reads it beside the figure; the place last.
COLUMNS = ("accept", "indicator", "value", "qualifier", "sentence", "park", "period", "unit", "words", "note", "source")


def text_review(ctx, spreadsheets_chosen: bool) -> None:
    """The whole section: inputs, the candidates table, load and undo. `spreadsheets_chosen`: the page's
    own sign-in form is drawn below (so this section draws none)."""
    n = st.session_state.get(ROUND, 0)
    result = st.session_state.get(RESULT)
    has_input = bool(st.session_state.get(f"tr_file_{n}") or st.session_state.get(f"tr_paste_{n}"))
    with st.expander(ctx.t("tr_title"), expanded=has_input or result is not None, icon=":material/article:"):
        st.caption(ctx.t("tr_help"))
        if result is not None:
            _show_result(ctx, result)
        left, right = st.columns(2)
        upload = left.file_uploader(ctx.t("tr_file"), type=["txt", "docx", "pdf"], key=f"tr_file_{n}")
        pasted = right.text_area(ctx.t("tr_paste"), key=f"tr_paste_{n}", height=120)
        left, middle, right = st.columns(3)
        year = left.number_input(ctx.t("tr_year"), min_value=1990, max_value=2100, value=None, step=1, key="tr_year")
        park = middle.text_input(ctx.t("tr_park"), key="tr_park", max_chars=100).strip() or None
        name = right.text_input(ctx.t("tr_name"), key=f"tr_name_{n}", max_chars=100, disabled=upload is not None)
        if upload is None and not (pasted or "").strip():
            return
        name = _safe_name(name) or ctx.t("tr_pasted_name")
        extraction = _extract(ctx, upload, pasted, name, int(year) if year else None, park)
        if extraction is None:
            return
        _review(ctx, extraction, spreadsheets_chosen)


def _safe_name(name: str) -> str:
    """A name for pasted text in 出处 and source: no `!` (it separates the parts of a source), no line breaks."""
    return re.sub(r"[!\r\n\t]+", " ", name or "").strip()


def _extract(ctx, upload, pasted: str, name: str, year: int | None, park: str | None):
    try:
        if upload is not None:
            return extract_file(upload.getvalue(), upload.name, ctx.catalog, year=year, park=park)
        return extract_text(pasted, name, ctx.catalog, year=year, park=park)
    except TextError as exc:
        st.error(literal(exc.message(ctx.lang)))
    except CatalogError as exc:
        for line in exc.messages(ctx.lang):
            st.error(literal(line))
    return None


def _review(ctx, extraction, spreadsheets_chosen: bool) -> None:
    cands = extraction.candidates
    if extraction.report_year is None:
        st.warning(ctx.t("tr_year_unknown"))
    else:
        how = ctx.t("tr_year_given") if extraction.year_given else ctx.t("tr_year_inferred")
        st.caption(ctx.t("tr_year_used", year=extraction.report_year, how=how))
    if not cands:
        st.info(ctx.t("tr_no_figures"))
        return
    frame = candidates_frame(cands, ctx.catalog, ctx.lang)
    proposed = int(frame["accept"].sum())
    st.markdown(ctx.t("tr_counts", n=len(cands), proposed=proposed, none=sum(1 for c in cands if not c.indicator)))
    st.caption(ctx.t("tr_table_help"))
    if any(not c.indicator for c in cands):  # what they count may deserve an indicator of its own
        st.page_link("pages/catalog.py", label=ctx.t("tr_make_indicator"), icon=":material/add_chart:")
    edited = st.data_editor(
        _shown(ctx, frame),
        key=f"tr_editor_{_digest(extraction)}",
        hide_index=True,
        num_rows="fixed",
        disabled=[c for c in _columns(ctx) if c not in {_label(ctx, e) for e in EDITABLE}],
        column_config=_column_config(ctx),
    )
    rows, incomplete = _accepted_rows(ctx, edited, cands)
    if incomplete:
        st.warning(ctx.t("tr_incomplete", rows="、".join(map(str, incomplete))))
    parsed = _read_back(ctx, extraction, rows)
    if parsed is not None and (parsed.report.fatal or parsed.report.errors):
        st.error(ctx.t("tr_check_failed"))
        if parsed.report.fatal:
            st.text(parsed.report.fatal_en if ctx.lang == "en" else parsed.report.fatal)
        st.dataframe(errors_frame(ctx, parsed.report), hide_index=True)
        return
    actor = current_analyst()
    if actor is None:
        if spreadsheets_chosen:
            st.caption(ctx.t("tr_sign_in_below"))
            return
        actor = require_analyst(ctx.lang)
        if actor is None:
            return
    clicked = st.button(
        ctx.t("tr_load", n=len(rows)),
        type="primary",
        disabled=parsed is None,
        icon=":material/database_upload:",
        key="tr_load",
    )
    if clicked and parsed is not None:
        report = ctx.store.load(parsed, actor=actor)
        cache.clear()
        st.session_state[RESULT] = {"kind": "load", "report": report}
        st.session_state[ROUND] = st.session_state.get(ROUND, 0) + 1
        st.rerun()


def _show_result(ctx, result: dict) -> None:
    if result["kind"] == "undo":
        st.success(ctx.t("tr_undone", **result["done"]))
        st.session_state.pop(RESULT, None)
        return
    report = result["report"]
    name = literal(report.file)
    if report.status == "loaded":
        st.success(ctx.t("tr_loaded", n=report.rows_loaded, file=name), icon=":material/check_circle:")
    elif report.status == "unchanged":
        st.info(ctx.t("tr_unchanged", file=name))
    else:
        reason = (report.fatal_en or report.fatal) if ctx.lang == "en" else report.fatal
        st.error(ctx.t("result_rejected", file=name, reason=literal(reason or "")))
    actor = current_analyst()
    if report.status == "loaded" and report.load_id is not None and actor:
        if st.button(ctx.t("tr_undo"), icon=":material/undo:", key="tr_undo"):
            try:
                done = ctx.store.undo_load(int(report.load_id), actor=actor)
            except StoreError as exc:
                st.error(exc.message(ctx.lang))
                return
            cache.clear()
            st.session_state[RESULT] = {
                "kind": "undo",
                "done": {"id": report.load_id, "removed": done.get("removed", 0), "back": done.get("brought_back", 0)},
            }
            st.rerun()


def _digest(extraction) -> str:
    """Names the editor after what it shows, so other text (or another year) starts a fresh review."""
    text = repr([(c.source, c.figure_text, c.park, c.period, c.indicator) for c in extraction.candidates])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def _label(ctx, column: str) -> str:
    own = {"accept": "tr_col_accept", "qualifier": "tr_col_qualifier", "unit": "tr_col_measure"}
    own |= {"sentence": "tr_col_sentence", "words": "tr_col_words", "note": "tr_col_note", "source": "tr_col_source"}
    shared = {"park": "col_park", "period": "col_period_label", "indicator": "col_name", "value": "col_value"}
    return ctx.t(own.get(column) or shared[column])


def _columns(ctx) -> list[str]:
    return [_label(ctx, c) for c in COLUMNS]


def _shown(ctx, frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.drop(columns=["reference"]).copy()
    out["qualifier"] = [ctx.t("q_" + q) for q in out["qualifier"]]
    out = out[list(COLUMNS)]
    return out.rename(columns={c: _label(ctx, c) for c in out.columns})


def _column_config(ctx) -> dict:
    names = [i.name(ctx.lang) for i in ctx.catalog.indicators]
    return {
        _label(ctx, "accept"): st.column_config.CheckboxColumn(width="small"),
        _label(ctx, "indicator"): st.column_config.SelectboxColumn(options=names),
        _label(ctx, "qualifier"): st.column_config.SelectboxColumn(options=[ctx.t("q_" + q) for q in QUALIFIERS]),
        _label(ctx, "value"): st.column_config.NumberColumn(format="%g"),
        _label(ctx, "sentence"): st.column_config.TextColumn(width="large"),
    }


def _accepted_rows(ctx, edited: pd.DataFrame, cands) -> tuple[list[dict], list[int]]:
    """Long-CSV rows of the ticked candidates as edited; the table rows (1-based) ticked but incomplete."""
    by_name = {i.name(ctx.lang): i for i in ctx.catalog.indicators}
    qualifier_of = {ctx.t("q_" + q): q for q in QUALIFIERS}
    rows, incomplete = [], []
    for pos, (_, row) in enumerate(edited.iterrows()):
        if not bool(row[_label(ctx, "accept")]):
            continue
        ind = by_name.get(row[_label(ctx, "indicator")] or "")
        park = str(row[_label(ctx, "park")] or "").strip()
        period = str(row[_label(ctx, "period")] or "").strip()
        value = row[_label(ctx, "value")]
        if ind is None or not park or not period or pd.isna(value):
            incomplete.append(pos + 1)
            continue
        cand = cands[pos]
        factor, unit = unit_text(cand.measure, ind.unit)
        qualifier = qualifier_of.get(row[_label(ctx, "qualifier")], "exact")
        rows.append(
            {
                "园区": park,
                "产业链": "",
                "统计期": period,
                "指标": ind.name_zh,
                "数值": value_text(float(value) * factor, qualifier, unit),
                "单位": unit,
                "数据性质": REPORTED,
                "出处": cand.reference,
                "_source": cand.source,
            }
        )
    return rows, incomplete


def _read_back(ctx, extraction, rows: list[dict]):
    """The accepted figures as the long CSV, read by read_file (every check of a file applies); each
    figure's source is its place in the report (`file!!段N`). None when nothing is accepted."""
    from metrics.ingest import read_file

    if not rows:
        return None
    name = re.sub(r"\.(txt|docx|pdf)$", "", extraction.file, flags=re.I) + ".csv"
    parsed = read_file(long_csv_bytes(rows), name, catalog=ctx.catalog)
    if parsed.report.fatal or parsed.report.errors or not len(parsed.frame):
        return parsed
    sources = [r["_source"] for r in rows]
    csv_row = parsed.frame["source"].astype(str).str.rsplit("!!", n=1).str[-1].astype(int)
    frame = parsed.frame.assign(source=[sources[r - 2] for r in csv_row])  # data rows start at CSV row 2
    return dataclasses.replace(parsed, frame=frame)
