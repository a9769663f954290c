"""The composite index on a page: its coverage threshold, the parks left unscored, the method, the radar's yardstick."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from metrics.charts import display_park
from ui.i18n import literal, t

RADAR_MIN_PARKS = 3  # below this a radar of the parks alone says little: the group median is drawn beside them


def _pct(share: float) -> str:
    return f"{100 * float(share):.0f}"


def composite_notes(ctx, index: pd.DataFrame) -> None:
    """Under the index chart: the threshold in use, the parks not scored (named, never shown as 0), the method."""
    share = index.attrs.get("min_coverage", 0.6)
    st.caption(t("index_threshold", ctx.lang, pct=_pct(share)))
    if len(index) and "scored" in index.columns:
        unscored = index[~index["scored"].astype(bool)]
        if len(unscored):
            items = [
                t(
                    "index_unscored_item",
                    ctx.lang,
                    park=literal(display_park(r["park"], ctx.lang)),
                    n=int(r["n_indicators"]),
                    total=int(r["n_indicators_available"]),
                    pct=_pct(r["coverage"]),
                )
                for r in unscored.to_dict("records")
            ]
            sep = ", " if ctx.lang == "en" else "、"
            st.info(t("index_unscored_list", ctx.lang, parks=sep.join(items)), icon=":material/rule:")
    with st.expander(t("index_method_title", ctx.lang), icon=":material/functions:"):
        st.markdown(t("index_method", ctx.lang, pct=_pct(share)))


def composite_table(ctx, index: pd.DataFrame) -> pd.DataFrame:
    """The index as its table shows it: coverage in per cent, a status saying scored or not scored (no 0)."""
    out = index.copy()
    if len(out):
        out["coverage"] = (100 * out["coverage"].astype(float)).round(1)
        out["status"] = [t("index_scored" if s else "index_not_scored", ctx.lang) for s in out["scored"].astype(bool)]
        out = out.drop(columns=["scored"])
    out.attrs = index.attrs
    return out


def radar_yardstick(ctx, scores: pd.DataFrame, filters) -> pd.DataFrame | None:
    """The median scores of every park of the period when the radar holds one or two parks; None for three or more."""
    if not len(scores) or scores["park"].nunique() >= RADAR_MIN_PARKS:
        return None
    st.caption(t("radar_median_note", ctx.lang))
    return ctx.q("score_medians", ctx.lang, filters=filters)
