"""Shared rendering: charts and tables with their downloads, KPI cards, data badges."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from metrics import charts
from metrics.export import table_csv_bytes, table_xlsx_bytes
from ui import cache
from ui.i18n import strings, t

PNG_WIDTH = 1200
# Columns shown on screen; downloads carry every column (raw value and qualifier too).
HIDDEN_ON_SCREEN = ("value", "qualifier", "indicator", "period_start", "period_end", "load_id")


def subtitle(ctx, every_chain: bool = False) -> str:
    """The period and filters in one line, under each chart title (`every_chain`: no chain picked = all)."""
    f = ctx.filters
    chains = f.chains or ((t("all_chains", ctx.lang),) if every_chain else ())
    return charts.filters_text(ctx.lang, f.period.label(ctx.lang) if f.period else None, f.parks, chains,
                               f.category, f.include_illustrative)


def chart_with_downloads(ctx, fig, name: str) -> None:
    """The chart, then a PNG download rendered only when clicked (or why PNG export is unavailable)."""
    st.plotly_chart(fig, theme=None, key=f"chart_{name}",
                    config={"displaylogo": False, "toImageButtonOptions": {"format": "png", "filename": name}})
    ok, reason = png_state(ctx)
    if not ok:
        st.caption(t("png_unavailable", ctx.lang, reason=reason))
        return
    height = int(fig.layout.height or 500)

    def render() -> bytes:
        from metrics.render import figure_png

        return figure_png(fig, PNG_WIDTH, height)

    st.download_button(t("download_png", ctx.lang), data=render, file_name=f"{name}.png", mime="image/png",
                       on_click="ignore", icon=":material/image:", key=f"png_{name}")


def png_state(ctx) -> tuple[bool, str]:
    try:
        return cache.png_status(ctx.lang)
    except ImportError as exc:  # metrics.render not importable (missing kaleido)
        return False, str(exc)


def localise(ctx, df: pd.DataFrame) -> pd.DataFrame:
    """Column headers in the chosen language, indicator names from the catalog, `110余` kept as text."""
    out = df.copy()
    out.attrs = {}  # queries may attach Periods there, which Arrow cannot serialise
    if "indicator" in out.columns:
        names = {i.id: i.name(ctx.lang) for i in ctx.catalog.indicators}
        if "name" in out.columns:
            out = out.drop(columns="name")
        out.insert(list(out.columns).index("indicator") + 1, "name", [names.get(i, i) for i in out["indicator"]])
    if "chain" in out.columns:
        whole = t("whole_park_short", ctx.lang)
        out["chain"] = [whole if c is None or (isinstance(c, float) and math.isnan(c)) else c for c in out["chain"]]
    if "qualifier" in out.columns:
        out["qualifier"] = [t("q_" + q, ctx.lang) if isinstance(q, str) and "q_" + q in strings() else q
                            for q in out["qualifier"]]
    if "basis" in out.columns:
        out["basis"] = [t("basis_" + b, ctx.lang) if isinstance(b, str) and "basis_" + b in strings() else b
                        for b in out["basis"]]
    return out.rename(columns={c: t("col_" + c, ctx.lang) for c in out.columns if "col_" + c in strings()})


def table_with_downloads(ctx, df: pd.DataFrame, name: str, hidden: tuple[str, ...] = HIDDEN_ON_SCREEN) -> None:
    """The table behind a view, with CSV and Excel downloads of every column."""
    shown = localise(ctx, df)
    on_screen = [t("col_" + c, ctx.lang) if "col_" + c in strings() else c for c in df.columns if c not in hidden]
    one_decimal = {t("col_" + c, ctx.lang): st.column_config.NumberColumn(format="%.1f")
                   for c in ("index", "score", "growth_pct", "change_pct") if c in df.columns}
    st.dataframe(shown, hide_index=True, column_order=on_screen, column_config=one_decimal, key=f"table_{name}")
    csv_col, xlsx_col = st.columns(2)
    csv_col.download_button(t("download_csv", ctx.lang), data=lambda: table_csv_bytes(shown), file_name=f"{name}.csv",
                            mime="text/csv", on_click="ignore", icon=":material/csv:", key=f"csv_{name}")
    xlsx_col.download_button(
        t("download_xlsx", ctx.lang), data=lambda: table_xlsx_bytes(shown, name[:31], None),
        file_name=f"{name}.xlsx", on_click="ignore", icon=":material/table_view:", key=f"xlsx_{name}",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def _is_num(x) -> bool:
    return x is not None and not (isinstance(x, float) and math.isnan(x)) and not pd.isna(x)


def kpi_grid(ctx, cards: pd.DataFrame, columns: int = 4) -> None:
    """st.metric cards per indicator family: value as reported (110余), change vs the comparable period."""
    for cat in ctx.catalog.categories:
        part = cards[cards["category"] == cat.id]
        if part.empty:
            continue
        st.markdown(f"##### {cat.name(ctx.lang)}")
        cols = st.columns(columns)
        for n, card in enumerate(part.to_dict("records")):
            ind = ctx.catalog.indicator(card["indicator"])
            delta, description = None, t("no_comparable", ctx.lang)
            if _is_num(card.get("change_pct")) and ind.unit != "%":
                delta = f"{card['change_pct']:+.1f}%"
            elif _is_num(card.get("change")):
                delta = f"{card['change']:+,.2f}".rstrip("0").rstrip(".") + (" pp" if ind.unit == "%" else "")
            if delta is not None:
                word = t(card["comparison"], ctx.lang) if card.get("comparison") in ("yoy", "mom") else ""
                description = f"{word} {card.get('prev_label') or ''}".strip()
            label = f"{ind.name(ctx.lang)}（{ind.unit}）" if ctx.lang != "en" else f"{ind.name('en')} ({ind.unit})"
            how = t("n_parks_mean" if card.get("aggregation") == "mean" else "n_parks", ctx.lang,
                    n=card.get("n_parks") or 0)
            cols[n % columns].metric(
                label, str(card.get("display") if card.get("display") is not None else "–"),
                delta=delta, delta_description=description, border=True,
                delta_color="normal" if ind.direction == "higher" else "inverse",
                help=f"{label}: {how}",  # the full name too: long labels are cut in a card
            )


def data_badges(ctx) -> None:
    """Freshness (last load, latest period) and whether the view includes illustrative figures."""
    status = ctx.look("data_status")
    illustrative = cache.has_illustrative(ctx.store, ctx.version, ctx.filters)
    left, right = st.columns([3, 2])
    latest = status.get("latest_period")
    loaded = status.get("last_load_at")
    left.caption(t("freshness", ctx.lang, loaded=f"{loaded:%Y-%m-%d %H:%M} UTC" if loaded else "–",
                   latest=latest.label(ctx.lang) if latest else "–", n=status.get("n_observations", 0)))
    with right:
        if illustrative:
            st.badge(t("badge_illustrative", ctx.lang), icon=":material/info:", color="orange")
        else:
            st.badge(t("badge_reported", ctx.lang), icon=":material/verified:", color="green")


def stop_if_empty(ctx, frame: pd.DataFrame, message: str = "no_data") -> None:
    """Guard: when there is nothing to show, say why (empty database or filters) and stop the page."""
    if frame is not None and len(frame):
        return
    if not ctx.periods:
        st.info(t("empty_db", ctx.lang), icon=":material/database:")
        st.page_link("pages/upload.py", label=t("page_upload", ctx.lang), icon=":material/upload_file:")
    else:
        st.info(t(message, ctx.lang))
    st.stop()
