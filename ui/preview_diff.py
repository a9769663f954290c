"""Upload page: what loading a file would change (new, replaced, unchanged figures, every one of them),
its plausibility warnings, and the confirmation that replacing cited figures by uncited ones needs."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd
import streamlit as st

from metrics.cells import Correction, apply_corrections, with_valid_cells
from metrics.model import ParsedFile, Problem
from metrics.periods import period_label
from metrics.plausibility import check
from metrics.preview import STATUSES, LoadPreview
from metrics.queries import display_value
from metrics.targets import indicator_of
from ui import cell_fixes
from ui.i18n import literal, t
from ui.widgets import localise

CHECKS = "_pd_checks"  # file key -> (signature, preview, warnings): a rerun does not compare again
PAGE_ROWS = 200
MODES = ("all", "rows", "cells")  # load a clean file / valid rows only / every valid cell


@dataclass
class CheckedFile:
    """One uploaded file as checked: the file as read, the corrections typed, what the preview found."""

    original: ParsedFile
    corrections: list[Correction] = field(default_factory=list)
    corrected: ParsedFile | None = None  # the file with the valid corrections as figures
    warnings: list[Problem] = field(default_factory=list)
    losing_citation: int = 0
    confirmed: bool = True

    @property
    def parsed(self) -> ParsedFile:
        return self.corrected or self.original

    def to_load(self, mode: str, actor: str) -> ParsedFile:
        """The ParsedFile to store in `mode`: corrections recorded with who made them, warnings kept."""
        parsed = self.original
        if self.corrections:
            parsed, _invalid = apply_corrections(parsed, self.corrections, who=actor)
        if mode == "cells":
            parsed = with_valid_cells(parsed)
        parsed.report.warnings = list(self.warnings)
        return parsed


def show(ctx, parsed: ParsedFile) -> CheckedFile:
    """Corrections, counts, warnings, confirmation and every figure of one file, before it is stored."""
    checked = CheckedFile(parsed)
    if parsed.report.fatal:
        return checked
    key = f"{parsed.report.file}:{parsed.content_sha256[:16]}"
    with st.container(border=True):
        st.markdown(f"**{t('diff_title', ctx.lang, file=literal(parsed.report.file))}**")
        checked.corrections = cell_fixes.corrections(ctx, parsed, key)
        if checked.corrections:
            checked.corrected, invalid = apply_corrections(parsed, checked.corrections, who="")
            for problem in invalid:
                st.error((problem.message_en or problem.message) if ctx.lang == "en" else problem.message)
            fixed = len(checked.corrected.report.corrections)
            if fixed:
                st.success(t("fix_applied", ctx.lang, n=fixed), icon=":material/edit_note:")
        candidate = with_valid_cells(checked.parsed)  # every figure that some choice of load would store
        if not len(candidate.frame):
            return checked
        preview, checked.warnings = _compared(ctx, key, candidate, checked.corrections)
        _counts(ctx, preview, candidate, checked.parsed)
        _warnings(ctx, checked.warnings)
        checked.losing_citation = preview.losing_citation
        if checked.losing_citation:
            st.warning(t("uncited_warning", ctx.lang, n=checked.losing_citation), icon=":material/warning:")
            checked.confirmed = st.checkbox(
                t("uncited_confirm", ctx.lang, n=checked.losing_citation), key=f"confirm_uncited_{key}"
            )
        partial = checked.parsed.partial_frame
        bad_rows = set(partial["source"].astype(str)) if partial is not None and len(partial) else set()
        _figures(ctx, preview, key, bad_rows)
    return checked


def ready(checked: list[CheckedFile]) -> bool:
    """Every file whose load replaces cited figures by uncited ones has been confirmed."""
    return all(c.confirmed for c in checked)


def files_to_load(checked: list[CheckedFile], mode: str, actor: str) -> list[ParsedFile]:
    return [c.to_load(mode, actor) for c in checked]


def _compared(ctx, key: str, candidate: ParsedFile, corrections: list[Correction]) -> tuple[LoadPreview, list]:
    """The preview and the warnings of a file, kept while neither the database nor the corrections change."""
    signature = (ctx.store.data_version(), tuple(corrections))
    cache = st.session_state.setdefault(CHECKS, {})
    hit = cache.get(key)
    if hit is None or hit[0] != signature:
        hit = cache[key] = (signature, ctx.store.preview(candidate), check(candidate, ctx.store, ctx.catalog))
    return hit[1], hit[2]


def _counts(ctx, preview: LoadPreview, candidate: ParsedFile, parsed: ParsedFile) -> None:
    counts = preview.counts()
    cols = st.columns(3)
    for col, status in zip(cols, STATUSES, strict=True):
        col.metric(t("diff_" + status, ctx.lang), counts[status])
    in_bad_rows = len(candidate.frame) - len(parsed.frame)
    if in_bad_rows:
        st.caption(t("diff_in_bad_rows", ctx.lang, n=in_bad_rows))


def _warnings(ctx, warnings: list[Problem]) -> None:
    if not warnings:
        st.caption(t("no_warnings", ctx.lang))
        return
    st.warning(t("has_warnings", ctx.lang, n=len(warnings)), icon=":material/report:")
    rows = [
        {
            t("err_sheet", ctx.lang): w.sheet,
            t("err_row", ctx.lang): w.row,
            t("err_column", ctx.lang): w.column or "",  # a whole row's warning (park, period) names no column
            t("err_value", ctx.lang): w.value,
            t("err_message", ctx.lang): (w.message_en or w.message) if ctx.lang == "en" else w.message,
        }
        for w in warnings
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True)


def _figures(ctx, preview: LoadPreview, key: str, bad_rows: set[str]) -> None:
    """Every figure of the file, filtered by status, park and indicator, a page at a time."""
    figures = preview.figures
    st.caption(t("diff_all", ctx.lang, n=len(figures)))
    left, middle, right = st.columns(3)
    statuses = left.multiselect(
        t("diff_status", ctx.lang),
        list(STATUSES),
        key=f"diff_status_{key}",
        format_func=lambda s: t("diff_" + s, ctx.lang),
        placeholder=t("diff_any", ctx.lang),
    )
    parks = middle.multiselect(
        t("figure_park", ctx.lang),
        sorted(figures["park"].unique()),
        key=f"diff_park_{key}",
        placeholder=t("diff_any", ctx.lang),
    )
    names = {i.id: i.name(ctx.lang) for i in ctx.catalog.indicators}
    indicators = right.multiselect(
        t("figure_indicator", ctx.lang),
        [i for i in names if i in set(figures["indicator"])],
        key=f"diff_indicator_{key}",
        format_func=names.get,
        placeholder=t("diff_any", ctx.lang),
    )
    shown = figures
    for column, chosen in (("status", statuses), ("park", parks), ("indicator", indicators)):
        if chosen:
            shown = shown[shown[column].isin(chosen)]
    pages = max(1, math.ceil(len(shown) / PAGE_ROWS))
    page = 1
    if pages > 1:
        page = int(st.number_input(t("diff_page", ctx.lang, pages=pages), 1, pages, 1, step=1, key=f"diff_page_{key}"))
    st.caption(
        t(
            "diff_rows",
            ctx.lang,
            first=min(len(shown), (page - 1) * PAGE_ROWS + 1),
            last=min(len(shown), page * PAGE_ROWS),
            n=len(shown),
        )
    )
    st.dataframe(_display(ctx, shown.iloc[(page - 1) * PAGE_ROWS : page * PAGE_ROWS], bad_rows), hide_index=True)


def _display(ctx, rows: pd.DataFrame, bad_rows: set[str]) -> pd.DataFrame:
    """One page of figures as shown: status, key, new value, then the current value it meets."""
    lang = ctx.lang
    out = pd.DataFrame(
        {
            "diff_status": [t("diff_" + s, lang) for s in rows["status"]],
            "park": rows["park"],
            "chain": rows["chain"],
            "period_label": [
                period_label(pd.Timestamp(s).date(), pd.Timestamp(e).date(), lang)
                for s, e in zip(rows["period_start"], rows["period_end"], strict=True)
            ],
            "indicator": rows["indicator"],
            "diff_new_value": [
                display_value(v, q, lang) for v, q in zip(rows["value"], rows["qualifier"], strict=True)
            ],
            "diff_old_value": [
                "" if pd.isna(v) else display_value(v, q, lang)
                for v, q in zip(rows["old_value"], rows["old_qualifier"], strict=True)
            ],
            "unit": [
                ctx.catalog.indicator(indicator_of(i)).unit for i in rows["indicator"]
            ],  # a target: its indicator's
            # The 出处 and basis next to the value: a replacement that loses them is the one to look at.
            "diff_old_reference": [r if isinstance(r, str) else "" for r in rows["old_reference"]],
            "reference": [r if isinstance(r, str) else "" for r in rows["reference"]],
            "diff_old_basis": [t("basis_" + b, lang) if isinstance(b, str) else "" for b in rows["old_basis"]],
            "basis": rows["basis"],
            "source": rows["source"],
            "diff_old_source": [s if isinstance(s, str) else "" for s in rows["old_source"]],
        }
    )
    if bad_rows:  # figures loaded only with "load every valid cell"
        out["diff_in_bad_row"] = rows["source"].isin(bad_rows).to_numpy()
    out = localise(ctx, out, park_names=False).drop(columns=t("col_indicator", lang))
    return out.rename(columns={c: t(c, lang) for c in out.columns if c.startswith("diff_")})
