"""Upload preview: each file label that matches no indicator, mapped to one (an alias) or made a new one."""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from metrics.catalog import CatalogError
from metrics.store import StoreError
from ui import cache
from ui.i18n import literal, t

SKIP, ALIAS, NEW = "skip", "alias", "new"
MESSAGE_KEY = "_pd_map_msg"
ERROR_KEY = "_pd_map_error"


def distinct_labels(parsed: list) -> list[tuple[object, list[str]]]:
    """Each unmatched label once (by the name it would be matched on), with every place it was found."""
    found: dict[str, tuple[object, list[str]]] = {}
    for p in parsed:
        for u in p.report.unmatched_labels:
            where = f"{p.report.file} · {u.sheet} · {u.where}"
            found.setdefault(u.name_zh, (u, []))[1].append(where)
    return list(found.values())


def _key(label) -> str:
    """A widget key per label (labels are data: any text; keys stay short and safe)."""
    return "map_" + hashlib.sha1(label.name_zh.encode("utf-8")).hexdigest()[:12]


def labels_frame(ctx, labels) -> pd.DataFrame:
    lang = ctx.lang
    return pd.DataFrame(
        [
            {
                t("map_col_label", lang): u.label,
                t("map_col_name", lang): u.name_zh,
                t("col_unit", lang): u.unit,
                t("map_col_where", lang): "；".join(places),
            }
            for u, places in labels
        ]
    )


def label_mapping(ctx, parsed: list, actor: str | None) -> None:
    """List the labels no indicator matches; an analyst maps each to an indicator (the label becomes its
    alias, for every later file) or makes a new indicator of it. The files are then read again."""
    lang = ctx.lang
    message, error = st.session_state.pop(MESSAGE_KEY, None), st.session_state.pop(ERROR_KEY, None)
    if message:
        st.success(message, icon=":material/check_circle:")
    if error:
        st.error(error)
    labels = distinct_labels(parsed)
    if not labels:
        return
    st.markdown(f"**{t('map_title', lang, n=len(labels))}**")
    st.caption(t("map_help", lang))
    if actor is None:
        st.dataframe(labels_frame(ctx, labels), hide_index=True)
        st.caption(t("map_sign_in", lang))
        return
    cat = ctx.catalog
    choices = []
    for label, places in labels:
        key = _key(label)
        with st.container(border=True):
            st.markdown(f"**{literal(label.label)}** · {literal('；'.join(places))}")
            action = st.radio(
                t("map_action", lang),
                [SKIP, ALIAS, NEW],
                key=f"{key}_action",
                horizontal=True,
                format_func=lambda a: t("map_" + a, lang),
            )
            if action == ALIAS:
                target = st.selectbox(
                    t("map_to", lang),
                    cat.ids,
                    index=None,
                    key=f"{key}_to",
                    placeholder=t("map_to_pick", lang),
                    format_func=lambda i: f"{cat.indicator(i).name(lang)} ({i})",
                )
                if target:
                    choices.append((ALIAS, label, target))
            elif action == NEW:
                left, right = st.columns([3, 1])
                name = left.text_input(t("map_name", lang), label.name_zh, key=f"{key}_name", max_chars=100)
                unit = right.text_input(t("map_unit", lang), label.unit, key=f"{key}_unit", max_chars=10)
                choices.append((NEW, label, {"name_zh": name.strip(), "unit": unit.strip()}))
    if st.button(t("map_apply", lang), type="primary", disabled=not choices, key="map_apply", icon=":material/done:"):
        _apply(ctx, choices, actor)


def _apply(ctx, choices: list, actor: str) -> None:
    """New indicators first (one transaction), then aliases (one change each, every one revertible on the
    catalog page); a refusal names its reasons and leaves what was refused unstored."""
    lang, store = ctx.lang, ctx.store
    done: list[str] = []
    new = []
    for _, label, fields in (c for c in choices if c[0] == NEW):
        aliases = [label.name_zh] if fields["name_zh"] != label.name_zh else []  # later files still match
        new.append({**fields, "aliases": aliases})
    try:
        if new:
            done += [i.name(lang) for i in store.add_indicators(new, actor=actor)]
        for _, label, target in (c for c in choices if c[0] == ALIAS):
            store.add_alias(target, label.name_zh, actor=actor)
            done.append(f"{label.name_zh} → {ctx.catalog.indicator(target).name(lang)}")
    except (CatalogError, StoreError) as exc:
        reasons = exc.messages(lang) if isinstance(exc, CatalogError) else [exc.message(lang)]
        lines = "\n".join(f"- {literal(r)}" for r in reasons)
        st.session_state[ERROR_KEY] = f"{t('catalog_refused', lang)}\n\n{lines}"
        if not done:
            st.rerun()
    cache.clear()  # the catalog changed: cached views and the files' previews go with the old one
    if done:
        st.session_state[MESSAGE_KEY] = t("map_done", lang, what="；".join(done))
    st.rerun()
