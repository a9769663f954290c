"""Catalog page pieces: the indicators, parks and changes in effect; forms to add, edit and revert."""

from __future__ import annotations

import json
import re

import pandas as pd
import streamlit as st

from metrics.catalog import CUSTOM_CATEGORY, PARK_KINDS, CatalogError
from metrics.catalog_entries import indicator_entry, park_entry
from metrics.store import StoreError
from ui import cache
from ui.i18n import literal, t

NEW = "__new__"  # the option "a new entry" of the pickers (never an indicator id: ids are snake_case)
MESSAGE_KEY = "_pd_catalog_msg"
SEPARATORS = re.compile(r"[,，、;；\n]+")  # how analysts separate aliases in one text box
WEIGHT_MAX = 10.0  # as the composite-index weights editor allows


def split_aliases(text: str) -> list[str]:
    """Aliases written in one box, separated by commas, 、 or new lines; blanks dropped, order kept."""
    return list(dict.fromkeys(a.strip() for a in SEPARATORS.split(text or "") if a.strip()))


def _origin(base_entry: dict | None, entry: dict, lang: str) -> str:
    if base_entry is None:
        return t("origin_added", lang)
    return t("origin_shipped" if base_entry == entry else "origin_edited", lang)


def indicators_frame(ctx) -> pd.DataFrame:
    """Every indicator in effect (catalog order) with where it comes from: shipped, added or edited."""
    cat, lang = ctx.catalog, ctx.lang
    base = {i.id: indicator_entry(i) for i in ctx.store.base_catalog.indicators}
    rows = [
        {
            t("col_family", lang): cat.category(i.category).name(lang),
            t("col_indicator", lang): i.id,
            t("col_name_zh", lang): i.name_zh,
            t("col_name_en", lang): i.name_en,
            t("col_unit", lang): cat.unit_label(i.unit, lang) or i.unit,
            t("col_direction", lang): t("dir_" + i.direction, lang),
            t("col_weight", lang): i.weight,
            t("col_aliases", lang): "、".join(i.aliases),
            t("col_origin", lang): _origin(base.get(i.id), indicator_entry(i), lang),
        }
        for i in cat.indicators
    ]
    return pd.DataFrame(rows)


def parks_frame(ctx) -> pd.DataFrame:
    """Every park and region in effect, with where it comes from."""
    lang = ctx.lang
    base = {p.name: park_entry(p) for p in ctx.store.base_catalog.parks}
    rows = [
        {
            t("col_park", lang): p.name,
            t("col_name_en", lang): p.name_en,
            t("col_kind", lang): t("kind_" + p.kind, lang),
            t("col_aliases", lang): "、".join(p.aliases),
            t("col_origin", lang): _origin(base.get(p.name), park_entry(p), lang),
        }
        for p in ctx.catalog.parks
    ]
    return pd.DataFrame(rows)


def _changed_fields(before: str | None, after: str | None) -> tuple[str, str]:
    """The fields a change touched, as `key: value` text before and after (every field of a new entry)."""
    old = json.loads(before) if isinstance(before, str) else {}
    new = json.loads(after) if isinstance(after, str) else {}
    keys = [k for k in dict.fromkeys([*old, *new]) if old.get(k) != new.get(k)]

    def text(entry: dict) -> str:
        return "; ".join(f"{k}: {_field(entry[k])}" for k in keys if k in entry)

    return text(old), text(new)


def _field(value) -> str:
    return "、".join(map(str, value)) if isinstance(value, list) else str(value)


def changes_frame(ctx) -> pd.DataFrame:
    """The catalog changes, newest first, each with the fields it changed before and after."""
    lang = ctx.lang
    changes = ctx.store.catalog_changes()
    rows = []
    for row in changes.to_dict("records"):
        before, after = _changed_fields(row["before"], row["after"])
        reverts = row["reverts"]
        rows.append(
            {
                t("col_change_id", lang): int(row["change_id"]),
                t("col_at", lang): row["at"],
                t("col_actor", lang): row["actor"],
                t("col_action", lang): t("cat_action_" + row["action"], lang),
                t("col_target", lang): _target_name(ctx, row["target_kind"], row["target"]),
                t("col_before", lang): before,
                t("col_after", lang): after,
                t("col_reverts", lang): "" if pd.isna(reverts) else f"#{int(reverts)}",
            }
        )
    return pd.DataFrame(rows)


def _target_name(ctx, kind: str, target: str) -> str:
    if kind == "indicator":
        try:
            return f"{ctx.catalog.indicator(target).name(ctx.lang)} ({target})"
        except KeyError:
            return target
    return target


def _show_refusal(exc: Exception, lang: str) -> None:
    if isinstance(exc, CatalogError):
        lines = "\n".join(f"- {literal(m)}" for m in exc.messages(lang))
        st.error(f"{t('catalog_refused', lang)}\n\n{lines}")
    else:
        st.error(f"{t('catalog_refused', lang)} {literal(exc.message(lang))}")


def _done(message: str) -> None:
    cache.clear()  # the catalog version is part of data_version; cached views go with the old catalog
    st.session_state[MESSAGE_KEY] = message
    st.rerun()


def _unit_option(cat, unit: str) -> str:
    """A unit in the picker: 万美元 · 10k USD; a bare count as itself; no unit as a dash."""
    english = cat.unit_label(unit, "en")
    if not unit:
        return "—"
    return f"{unit} · {english}" if english and english != unit else unit


def indicator_form(ctx, actor: str) -> None:
    """Add an indicator, or edit one (names, unit, family, direction, weight, aliases)."""
    cat, lang = ctx.catalog, ctx.lang
    choice = st.selectbox(
        t("ind_pick", lang),
        [NEW, *cat.ids],
        key="cat_ind_pick",
        format_func=lambda i: t("ind_new", lang) if i == NEW else f"{cat.indicator(i).name(lang)} ({i})",
    )
    ind = None if choice == NEW else cat.indicator(choice)
    # The shipped units, then those of added indicators (吨, 人…): an edit never changes a unit unasked.
    units = list(dict.fromkeys([u.id for u in cat.units] + [i.unit for i in cat.indicators]))
    families = [c.id for c in cat.categories]
    with st.form("cat_ind_form"):
        st.markdown(f"**{t('ind_form', lang)}**")
        k = choice  # widget keys per entry, so that picking another fills the fields with its values
        name_zh = st.text_input(
            t("ind_name_zh", lang), ind.name_zh if ind else "", key=f"cat_ind_zh_{k}", max_chars=100
        )
        name_en = st.text_input(
            t("ind_name_en", lang), ind.name_en if ind else "", key=f"cat_ind_en_{k}", max_chars=100
        )
        left, mid, right = st.columns(3)
        unit = left.selectbox(
            t("ind_unit", lang),
            units,
            index=units.index(ind.unit) if ind and ind.unit in units else 0,
            key=f"cat_ind_unit_{k}",
            format_func=lambda u: _unit_option(cat, u),
        )
        family = mid.selectbox(
            t("ind_family", lang),
            families,
            index=families.index(ind.category if ind else CUSTOM_CATEGORY),
            key=f"cat_ind_family_{k}",
            format_func=lambda c: cat.category(c).name(lang),
        )
        direction = right.selectbox(
            t("ind_direction", lang),
            ["higher", "lower"],
            index=1 if ind and ind.direction == "lower" else 0,
            key=f"cat_ind_dir_{k}",
            format_func=lambda d: t("dir_" + d, lang),
        )
        weight = st.number_input(
            t("ind_weight", lang),
            0.0,
            WEIGHT_MAX,
            float(ind.weight) if ind else 0.0,
            step=0.5,
            key=f"cat_ind_weight_{k}",
        )
        aliases = st.text_area(
            t("ind_aliases", lang), "、".join(ind.aliases) if ind else "", key=f"cat_ind_aliases_{k}"
        )
        submitted = st.form_submit_button(t("ind_save", lang), icon=":material/save:", key="cat_ind_save")
    if not submitted:
        return
    entry = {
        "name_zh": name_zh.strip(),
        "name_en": name_en.strip(),
        "unit": unit,
        "category": family,
        "direction": direction,
        "weight": float(weight),
        "aliases": split_aliases(aliases),
    }
    if ind is not None:
        entry["id"] = ind.id
        if ind.short_en:
            entry["short_en"] = ind.short_en
    try:
        saved = ctx.store.save_indicator(entry, actor=actor)
    except (CatalogError, StoreError) as exc:
        _show_refusal(exc, lang)
        return
    _done(t("catalog_saved", lang, name=saved.name(lang)))


def park_form(ctx, actor: str) -> None:
    """Add a park or a region, or edit one (English name, kind, aliases)."""
    cat, lang = ctx.catalog, ctx.lang
    names = [p.name for p in cat.parks]
    choice = st.selectbox(
        t("park_pick", lang),
        [NEW, *names],
        key="cat_park_pick",
        format_func=lambda n: t("park_new", lang) if n == NEW else n,
    )
    park = None if choice == NEW else next(p for p in cat.parks if p.name == choice)
    with st.form("cat_park_form"):
        st.markdown(f"**{t('park_form', lang)}**")
        k = choice
        name = st.text_input(
            t("park_name", lang),
            park.name if park else "",
            key=f"cat_park_name_{k}",
            max_chars=100,
            disabled=bool(park),
        )
        name_en = st.text_input(t("park_name_en", lang), park.name_en if park else "", key=f"cat_park_en_{k}")
        kind = st.selectbox(
            t("park_kind", lang),
            list(PARK_KINDS),
            index=PARK_KINDS.index(park.kind) if park else 0,
            key=f"cat_park_kind_{k}",
            format_func=lambda x: t("kind_" + x, lang),
        )
        aliases = st.text_area(
            t("park_aliases", lang), "、".join(park.aliases) if park else "", key=f"cat_park_aliases_{k}"
        )
        submitted = st.form_submit_button(t("park_save", lang), icon=":material/save:", key="cat_park_save")
    if not submitted:
        return
    entry = {
        "name": park.name if park else name.strip(),
        "name_en": name_en.strip(),
        "kind": kind,
        "aliases": split_aliases(aliases),
    }
    try:
        saved = ctx.store.save_park(entry, actor=actor)
    except (CatalogError, StoreError) as exc:
        _show_refusal(exc, lang)
        return
    _done(t("catalog_saved", lang, name=saved.name))


def revert_form(ctx, actor: str) -> None:
    """Pick a change whose entry is still as it left it, and put the entry back as it was before."""
    lang = ctx.lang
    changes = ctx.store.catalog_changes()
    open_ = changes[changes["revertible"]] if len(changes) else changes
    if open_.empty:
        st.caption(t("nothing_to_revert", lang))
        return
    labels = {
        int(r["change_id"]): f"#{int(r['change_id'])} · {t('cat_action_' + r['action'], lang)} · "
        f"{_target_name(ctx, r['target_kind'], r['target'])}"
        for r in open_.to_dict("records")
    }
    change_id = st.selectbox(t("revert_pick", lang), list(labels), key="cat_revert_pick", format_func=labels.get)
    if st.button(t("revert", lang), icon=":material/undo:", key="cat_revert_button"):
        try:
            done = ctx.store.revert_catalog_change(change_id, actor=actor)
        except (CatalogError, StoreError) as exc:
            _show_refusal(exc, lang)
            return
        _done(t("catalog_reverted", lang, id=change_id, target=done["target"]))
