"""Data page pieces: loads with undo, one figure's source and replaced values with restore, audit log."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from metrics.charts import display_chain, display_park
from metrics.localtime import local_column, local_text, zone_name
from metrics.periods import Period
from metrics.queries import display_value
from metrics.store import StoreError
from ui import cache
from ui.auth import analyst_parks
from ui.i18n import literal, t
from ui.readable import audit_text, replaced_by_text, source_text
from ui.widgets import localise

LOAD_COLUMNS = ["load_id", "file_name", "loaded_at", "rows_loaded", "rows_replaced", "status", "actor"]
HISTORY_COLUMNS = [
    "history_id",
    "value",
    "qualifier",
    "source",
    "basis",
    "reference",
    "load_id",
    "replaced_at",
    "replaced_by",
    "restored",
]


def loads_frame(ctx) -> pd.DataFrame:
    loads = ctx.store.loads()
    out = loads[[c for c in LOAD_COLUMNS if c in loads.columns]].copy()
    out["file_name"] = [_event_name(ctx, row) for row in loads.itertuples()]
    out["status"] = [t("status_" + s, ctx.lang) for s in out["status"]]
    if "loaded_at" in out.columns:
        out["loaded_at"] = local_column(out["loaded_at"])
    return localise(ctx, out)


def times_caption(ctx) -> None:
    """The zone of every time on the page, said once (times are stored in UTC, shown in PARKDASH_TIMEZONE)."""
    st.caption(t("times_in_zone", ctx.lang, zone=zone_name(ctx.lang)))


def _waiter(lang: str):
    box = st.empty()
    return lambda zh, en: box.info(en if lang == "en" else zh, icon=":material/hourglass_top:")


UNDO_PENDING = "_pd_undo_pending"  # the load whose undo waits for its confirmation
RESTORE_PENDING = "_pd_restore_pending"
# Done undos and restores: the pickers' keys carry the count, so after each one the browser draws a new,
# empty picker (a cleared value under the same key kept showing the old choice in the browser).
ROUNDS = "_pd_edit_rounds"


def picker_key(name: str) -> str:
    """The key of the undo or restore picker now (`undo_pick_0`, then `undo_pick_1` after an undo...)."""
    return f"{name}_{st.session_state.get(ROUNDS, 0)}"


def _next_round() -> None:
    st.session_state[ROUNDS] = st.session_state.get(ROUNDS, 0) + 1


def undo_form(ctx, actor: str) -> None:
    """Pick a load that is still in effect and undo it (its replaced values come back), once the
    confirmation naming the file and both counts is accepted; afterwards nothing is preselected."""
    loads = ctx.store.loads()
    active = [(int(row.load_id), _event_name(ctx, row)) for row in loads.itertuples() if row.status == "loaded"]
    if not active:
        st.caption(t("nothing_to_undo", ctx.lang))
        return
    names = dict(active)
    load_id = st.selectbox(
        t("undo_pick", ctx.lang),
        list(names),
        index=None,
        placeholder=t("undo_choose", ctx.lang),
        key=picker_key("undo_pick"),
        format_func=lambda i: f"#{i} · {names[i]}",
    )
    if st.button(t("undo", ctx.lang), icon=":material/undo:", key="undo_button", disabled=load_id is None):
        st.session_state[UNDO_PENDING] = load_id
    if load_id is None or st.session_state.get(UNDO_PENDING) != load_id:
        return
    preview = ctx.store.undo_preview(load_id)
    if preview is None or preview["status"] != "loaded":
        st.session_state.pop(UNDO_PENDING, None)
        return
    question = t(
        "undo_confirm_text",
        ctx.lang,
        id=load_id,
        file=literal(names[load_id]),  # a load's file, or which value a restore brought back
        removed=preview["removed"],
        back=preview["brought_back"],
    )

    def undo() -> str:
        done = ctx.store.undo_load(load_id, actor=actor, on_wait=_waiter(ctx.lang), allowed_parks=analyst_parks())
        return t("undone", ctx.lang, id=load_id, removed=done.get("removed", 0), back=done.get("brought_back", 0))

    _ask_then_do(ctx, "undo", UNDO_PENDING, question, ":material/undo:", undo)


def _ask_then_do(ctx, action: str, pending: str, question: str, icon: str, act: Callable[[], str]) -> None:
    """The confirmation of an undo or a restore: the question with confirm and cancel buttons; confirmed, `act`
    runs and its message shows after the rerun; a StoreError is shown. Afterwards nothing is preselected."""
    st.warning(question, icon=":material/warning:")
    yes, no = st.columns(2)
    if no.button(t("cancel", ctx.lang), key=f"{action}_cancel"):
        st.session_state.pop(pending, None)
        st.rerun()
    if yes.button(t(f"{action}_confirm", ctx.lang), type="primary", icon=icon, key=f"{action}_confirm"):
        st.session_state.pop(pending, None)
        try:
            message = act()
        except StoreError as exc:
            st.error(exc.message(ctx.lang))
            return
        cache.clear()
        _next_round()  # the next undo or restore needs a new choice: nothing stays selected
        st.session_state["_pd_data_msg"] = message
        st.rerun()


def _event_name(ctx, load) -> str:
    """A load by its file; a restore (an event that can be undone too) says which value it brought back."""
    if getattr(load, "kind", "file") == "restore":
        return t("restore_event", ctx.lang, id=int(load.restored_history_id), file=load.file_name)
    return load.file_name


def figure_picker(ctx) -> dict | None:
    """A figure of the period in view, chosen by park, chain and indicator (each list narrowed by the
    sidebar filters), so no list holds one option per figure; None when there is no period."""
    period = ctx.filters.period
    if period is None:
        return None
    parks = list(ctx.filters.parks) or list(ctx.look("available_parks"))
    if not parks:
        return None
    names = {i.id: i.name(ctx.lang) for i in ctx.catalog.indicators}
    cat = ctx.filters.category
    indicators = [i.id for i in (ctx.catalog.in_category(cat) if cat else ctx.catalog.indicators)]
    left, middle, right = st.columns(3)
    park = left.selectbox(
        t("figure_park", ctx.lang), parks, key="figure_pick", format_func=lambda p: display_park(p, ctx.lang)
    )
    # The sidebar's chain list (already cached), not a query per park: a chain the park lacks says so below.
    chains = [""] + list(ctx.filters.chains or ctx.look("available_chains", tuple(ctx.filters.parks)))
    whole = t("whole_park_short", ctx.lang)
    chain = middle.selectbox(
        t("figure_chain", ctx.lang),
        chains,
        key="figure_chain",
        format_func=lambda c: display_chain(c, ctx.lang) if c else whole,
    )
    indicator = right.selectbox(
        t("figure_indicator", ctx.lang), indicators, key="figure_indicator", format_func=names.get
    )
    return {
        "park": park,
        "chain": chain or None,
        "indicator": indicator,
        "period_start": period.start,
        "period_end": period.end,
    }


def figure_detail(ctx, row: dict) -> bool:
    """Where one figure came from: value, source file!sheet!row, reference, basis, load."""
    period = Period(pd.Timestamp(row["period_start"]).date(), pd.Timestamp(row["period_end"]).date())
    detail = _detail(ctx, row, period)
    if detail is None:
        st.info(t("figure_none", ctx.lang, period=period.label(ctx.lang)))
        return False
    facts = {
        "col_display": _value_text(ctx, row["indicator"], detail),
        "col_period_label": detail["period_label"],
        "col_source": source_text(detail.get("source"), ctx.lang) or "–",
        "col_reference": detail.get("reference") or "–",
        "col_basis": t("basis_" + detail["basis"], ctx.lang) if detail.get("basis") else "–",
        "col_file_name": detail.get("file_name") or "–",
        "col_loaded_at": local_text(detail.get("loaded_at"), seconds=True),
    }
    st.dataframe(
        pd.DataFrame(
            {
                t("field", ctx.lang): [t(k, ctx.lang) for k in facts],
                t("content", ctx.lang): [str(v) for v in facts.values()],
            }
        ),
        hide_index=True,
        key="figure_detail",
    )
    return True


def _value_text(ctx, indicator: str, detail: dict) -> str:
    """A figure as the charts show it (575.95亿元, the indicator's decimals), the stored one beside big money."""
    from metrics.charts import money_scale
    from metrics.numbers import shown

    raw = ctx.catalog.indicator(indicator).unit
    divisor, unit = money_scale([detail.get("value")], raw, ctx.lang)
    text = shown(detail.get("value"), detail.get("qualifier"), indicator, ctx.lang, divisor)
    gap = " " if ctx.lang == "en" and unit else ""
    if divisor == 1:
        return f"{text}{gap}{unit}"
    stored = f"{detail['display']}{gap}{ctx.catalog.unit_label(raw, ctx.lang)}"
    return f"{text}{gap}{unit}（= {stored}）" if ctx.lang != "en" else f"{text}{gap}{unit} (= {stored})"


def _detail(ctx, row: dict, period: Period):
    from metrics.queries import observation_detail

    return observation_detail(ctx.store, row["park"], row["chain"], period, row["indicator"], ctx.lang)


def history_frame(ctx, row: dict) -> pd.DataFrame:
    hist = ctx.store.history(row["park"], row["chain"], row["period_start"], row["period_end"], row["indicator"])
    out = hist[[c for c in HISTORY_COLUMNS if c in hist.columns]].copy()
    if "replaced_at" in out.columns:
        out["replaced_at"] = local_column(out["replaced_at"])
    if "replaced_by" in out.columns:
        out["replaced_by"] = [replaced_by_text(k, ctx.lang) for k in out["replaced_by"]]
    return out


def restore_form(ctx, history: pd.DataFrame, actor: str) -> None:
    """Make a replaced value current again, once the confirmation naming its file and the value it
    displaces is accepted; afterwards nothing is preselected."""
    ids = [int(i) for i in history["history_id"]]
    values = dict(zip(ids, history["value"], strict=True))
    hid = st.selectbox(
        t("restore_pick", ctx.lang),
        ids,
        index=None,
        placeholder=t("restore_choose", ctx.lang),
        key=picker_key("restore_pick"),
        format_func=lambda i: f"#{i} · {values[i]:g}",
    )
    if st.button(t("restore", ctx.lang), icon=":material/restore:", key="restore_button", disabled=hid is None):
        st.session_state[RESTORE_PENDING] = hid
    if hid is None or st.session_state.get(RESTORE_PENDING) != hid:
        return
    preview = ctx.store.restore_preview(hid)
    if preview is None:
        st.session_state.pop(RESTORE_PENDING, None)
        return
    current = preview["current_value"]
    question = t(
        "restore_confirm_text",
        ctx.lang,
        id=hid,
        value=display_value(preview["value"], preview["qualifier"], ctx.lang),
        file=literal(preview["file"] or "–"),
        removed=preview["removed"],
        current="–" if current is None else display_value(current, preview["current_qualifier"], ctx.lang),
        back=preview["brought_back"],
    )

    def restore() -> str:
        ctx.store.restore(hid, actor=actor, on_wait=_waiter(ctx.lang), allowed_parks=analyst_parks())
        return t("restored", ctx.lang, id=hid)

    _ask_then_do(ctx, "restore", RESTORE_PENDING, question, ":material/restore:", restore)


def audit_frame(ctx) -> pd.DataFrame:
    audit = ctx.store.audit()
    audit = audit.assign(
        detail=[audit_text(a, d, ctx.lang) for a, d in zip(audit["action"], audit["detail"], strict=True)],
        at=local_column(audit["at"]),
    )
    audit["action"] = [t("action_" + a, ctx.lang) for a in audit["action"]]
    return localise(ctx, audit)


def _missing(value) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def all_figures_downloads(ctx) -> None:
    """Every current figure (CONTRACT column order, stored units), as CSV or Excel; built only when clicked.
    Headers in the chosen language (the CONTRACT ids in English); the Excel file says what it is (说明 sheet)."""
    from metrics.export import observations_export_frame, table_csv_bytes, table_xlsx_bytes, with_headers
    from ui import downloads

    store, lang = ctx.store, ctx.lang

    def frame():
        return with_headers(observations_export_frame(store), lang)

    def xlsx() -> bytes:
        return table_xlsx_bytes(
            frame(),
            downloads.item_title("observations", lang),
            notes=downloads.notes(ctx, "observations", filters=False),
            notes_sheet=t("dl_notes_sheet", lang),
            notes_headers=(t("dl_notes_item", lang), t("dl_notes_text", lang)),
        )

    csv_col, xlsx_col = st.columns(2)
    csv_col.download_button(
        t("all_csv", lang),
        data=lambda: table_csv_bytes(frame()),
        file_name=downloads.file_name(ctx, "observations", "csv", period=False),
        mime="text/csv",
        on_click="ignore",
        icon=":material/csv:",
        key="all_csv",
    )
    xlsx_col.download_button(
        t("all_xlsx", lang),
        data=xlsx,
        file_name=downloads.file_name(ctx, "observations", "xlsx", period=False),
        on_click="ignore",
        icon=":material/table_view:",
        key="all_xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
