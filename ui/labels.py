"""Honest labels: what the numbers of a view rest on (coverage, basis of both periods) and the way out of an empty view."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from metrics import queries
from ui import state
from ui.i18n import t

LIST_PERIODS = 6  # periods named in an empty view's message; the rest are counted


def _flag(value) -> bool:
    return bool(value) and not pd.isna(value)


def rests_on_illustrative(card: dict) -> bool:
    """Whether the card's value or its change was computed from an illustrative figure."""
    return _flag(card.get("illustrative")) or (_flag(card.get("prev_illustrative")) and bool(card.get("comparison")))


def card_notes(ctx, card: dict) -> tuple[list[str], list[str]]:
    """(short notes for the card's description line, sentences for its help): whether its value or its
    change rests on illustrative figures (first: a narrow card cuts the end of the line), then how many of
    the parks in view it covers."""
    lang, short, long = ctx.lang, [], []
    current = _flag(card.get("illustrative"))
    previous = _flag(card.get("prev_illustrative")) and bool(card.get("comparison"))
    if current and previous:
        short.append(t("card_both_illustrative", lang))
    elif current or previous:
        short.append(t("card_illustrative" if current else "card_prev_illustrative", lang))
    if current:
        long.append(t("card_help_illustrative", lang))
    if previous:
        long.append(t("card_help_prev_illustrative", lang))
    total = card.get("n_parks_in_view")
    n = int(card.get("n_parks") or 0)
    if total is not None and not pd.isna(total) and int(total) > 0:
        short.append(t("card_parks", lang, n=n, total=int(total)))
    return short, long


def basis_badges(ctx, cards: pd.DataFrame) -> None:
    """One badge per thing the view's numbers rest on: current figures that are illustrative, changes computed
    against illustrative figures of the comparison period; green only when neither."""
    current = bool(cards["illustrative"].fillna(False).astype(bool).any()) if "illustrative" in cards else False
    previous = (
        bool(cards["prev_illustrative"].fillna(False).astype(bool).any()) if "prev_illustrative" in cards else False
    )
    if current:
        st.badge(t("badge_illustrative", ctx.lang), icon=":material/info:", color="orange")
    if previous:
        st.badge(t("badge_prev_illustrative", ctx.lang), icon=":material/info:", color="orange")
    if not (current or previous):
        st.badge(t("badge_reported_all", ctx.lang), icon=":material/verified:", color="green")


def _switch_period(token: str) -> None:
    state.put("period", token)


def offer_periods(ctx, chain_only: bool = False, filters=None) -> None:
    """An empty view: name the periods that have figures for the view's filters (`filters`: those the empty
    frame was asked with, default the sidebar's; `chain_only`: chain figures only), and a button to the nearest."""
    lang, f = ctx.lang, filters or ctx.filters
    shown = queries.resolve_period(ctx.store, f, ctx.catalog) if f.period is None else f.period
    periods = [p for p in ctx.q("periods_with_data", filters=f, chain_only=chain_only) if p != shown]
    if not periods:
        if not chain_only:  # the chains page has said there are no chain figures already
            st.info(t("empty_no_period", lang), icon=":material/filter_alt_off:")
        return
    names = [p.label(lang) for p in periods[:LIST_PERIODS]]
    if len(periods) > LIST_PERIODS:
        names.append(t("empty_periods_more", lang, n=len(periods) - LIST_PERIODS))
    st.info(
        t(
            "empty_periods",
            lang,
            period=shown.label(lang) if shown else "–",
            periods=("、" if lang != "en" else ", ").join(names),
        ),
        icon=":material/event_busy:",
    )
    nearest = queries.nearest_period(periods, shown)
    st.button(
        t("empty_switch", lang, period=nearest.label(lang)),
        key="empty_switch_period",
        icon=":material/event_available:",
        type="primary",
        on_click=_switch_period,
        args=(state.period_token(nearest),),
    )
