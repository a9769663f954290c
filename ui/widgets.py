"""Shared rendering: charts and tables with their downloads, KPI cards, data badges."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from metrics import charts, numbers
from metrics.cardtext import card_text
from metrics.export import table_csv_bytes, table_xlsx_bytes
from metrics.localtime import local_text, with_zone
from metrics.queries import format_number
from metrics.targets import indicator_name
from ui import cache, downloads, labels
from ui.i18n import strings, t
from ui.readable import SOURCE_COLUMNS, source_text

PNG_WIDTH = 1200
# Columns shown on screen; downloads carry every column (raw value and qualifier too).
HIDDEN_ON_SCREEN = ("value", "qualifier", "indicator", "period_start", "period_end", "load_id")
TOP_N = 12  # parks in a chart when none are selected: a chart of hundreds of parks is unreadable
PAGE_ROWS = 200  # rows a table shows on screen; its downloads hold every row
DOWNLOAD_ERRORS = "_pd_download_errors"  # session key: why a lazy download failed, shown on the next run
MISSING = "–"  # an empty cell on screen, as on the KPI cards and the data page
ONE_DECIMAL = ("index", "score", "growth_pct", "change_pct")
AS_DISPLAY = ("prev_value", "change")  # numbers written like `display`: 4,543,799, -3.83


def top_parks(ctx, ranked: pd.DataFrame, n: int = TOP_N) -> tuple[str, ...]:
    """The parks the charts show: the selection, or when none is selected and there are more than `n`,
    the first `n` of `ranked` (a frame sorted best first), said in a caption. () = every park."""
    if ctx.filters.parks or "park" not in ranked.columns:
        return ()
    parks = list(dict.fromkeys(ranked["park"]))
    if len(parks) <= n:
        return ()
    st.caption(t("top_parks", ctx.lang, n=n, total=len(parks)))
    return tuple(parks[:n])


def only_parks(df: pd.DataFrame, parks: tuple[str, ...]) -> pd.DataFrame:
    """The rows of `parks` (all rows for ())."""
    return df[df["park"].isin(parks)] if parks and len(df) else df


def _failed_downloads() -> dict:
    # The dict object itself goes into the download callables: they run on another thread, where
    # st.session_state is out of reach, and record there why they failed.
    return st.session_state.setdefault(DOWNLOAD_ERRORS, {})


def _reason(exc: Exception, lang: str) -> str:
    message = getattr(exc, "message", None)
    return message(lang) if callable(message) else str(exc)


def lazy_image(ctx, key: str, make, lang: str):
    """`make()` for a lazy download; a RenderUnavailable/SummaryUnavailable/ReportUnavailable is recorded under `key` (its
    reason in `lang`, shown by `download_failure` on the next run) and re-raised, so no broken file is saved."""
    from metrics.render import RenderUnavailable
    from metrics.report import ReportUnavailable
    from metrics.summary import SummaryUnavailable

    failed = _failed_downloads()

    def render() -> bytes:
        try:
            data = make()
        except (RenderUnavailable, SummaryUnavailable, ReportUnavailable) as exc:
            failed[key] = _reason(exc, lang)
            cache.png_status.clear()  # checked again on the next run (the browser may be gone)
            raise
        failed.pop(key, None)
        return data

    return render


def download_failure(ctx, key: str) -> None:
    """Why the last click on download `key` produced no file (once)."""
    reason = _failed_downloads().pop(key, None)
    if reason:
        st.warning(t("download_failed", ctx.lang, reason=reason), icon=":material/broken_image:")


def subtitle(ctx, top: tuple[str, ...] = (), every_chain: bool = False) -> str:
    """The period and filters in one line, under each chart title (`top`: the parks a chart is cut to;
    `every_chain`: no chain picked = all)."""
    f = ctx.filters
    chains = f.chains or ((t("all_chains", ctx.lang),) if every_chain else ())
    parks = (t("top_n_parks", ctx.lang, n=len(top)),) if top else f.parks
    return charts.filters_text(
        ctx.lang, f.period.label(ctx.lang) if f.period else None, parks, chains, f.category, f.include_illustrative
    )


def chart_with_downloads(
    ctx, fig, name: str, frame: pd.DataFrame | None = None, *, min_width: int | None = None
) -> None:
    """The chart, then a PNG download rendered only when clicked (or why PNG export is unavailable). The PNG
    carries a footer (source, time, whether `frame`, the chart's figures, holds illustrative ones) and a
    file name saying what it is (园区对比_园区排名_2024年_20261206.png). `min_width`: pixels below which the
    chart scrolls sideways instead of squeezing (a heatmap's columns on a phone)."""
    box = st.container(key=f"chart_box_{name}")
    if min_width:
        scroll_wider_than(f"chart_box_{name}", min_width)
    box.plotly_chart(
        fig,
        theme=None,
        key=f"chart_{name}",
        # No Plotly toolbar: on a phone it covers the title, and its buttons' names are English only.
        config={"displayModeBar": False, "displaylogo": False, "responsive": True},
    )
    download_failure(ctx, f"png_{name}")
    ok, reason = png_state(ctx)
    if not ok:
        st.caption(t("png_unavailable", ctx.lang, reason=reason))
        return
    footer = downloads.footer_text(ctx, frame)

    def make() -> bytes:
        from metrics.render import figure_png

        image = charts.with_footer(fig, footer)
        return figure_png(image, PNG_WIDTH, int(image.layout.height))

    st.download_button(
        t("download_png", ctx.lang),
        data=lazy_image(ctx, f"png_{name}", make, ctx.lang),
        file_name=downloads.file_name(ctx, name, "png"),
        mime="image/png",
        on_click="ignore",
        icon=":material/image:",
        key=f"png_{name}",
    )


def heatmap_width(columns: int) -> int:
    """The narrowest a heatmap of `columns` columns stays readable: park names plus ~110 px a column."""
    return 200 + 110 * columns


def scroll_wider_than(key: str, min_width: int) -> None:
    """The container `key` scrolls sideways on screens narrower than `min_width` px (style only, no data)."""
    box = f".st-key-{key}"
    st.html(
        f"<style>{box} {{ overflow-x: auto; }}"
        # The frame around the chart, whose width Streamlit gives the figure.
        f' {box} [data-testid="stFullScreenFrame"] {{ min-width: {int(min_width)}px; }}</style>'
    )


def png_state(ctx) -> tuple[bool, str]:
    try:
        return cache.png_status(ctx.lang)
    except ImportError as exc:  # metrics.render not importable (missing kaleido)
        return False, str(exc)


def localise(ctx, df: pd.DataFrame, *, park_names: bool = True) -> pd.DataFrame:
    """Column headers in the chosen language, indicator names from the catalog, `110余` kept as text;
    `park_names`: catalog parks and chains by their English names in English (screen; downloads keep the
    stored names)."""
    out = df.copy()
    out.attrs = {}  # queries may attach Periods there, which Arrow cannot serialise
    if park_names and ctx.lang == "en" and "park" in out.columns:
        out["park"] = [charts.display_park(p, "en") for p in out["park"]]
    if "indicator" in out.columns:
        names = {i.id: i.name(ctx.lang) for i in ctx.catalog.indicators}
        if "name" in out.columns:
            out = out.drop(columns="name")
        out.insert(
            list(out.columns).index("indicator") + 1,
            "name",
            [names.get(i) or indicator_name(i, ctx.catalog, ctx.lang) for i in out["indicator"]],  # 营业收入（目标）
        )
    if "chain" in out.columns:
        whole = t("whole_park_short", ctx.lang)
        shown = (lambda c: charts.display_chain(c, ctx.lang)) if park_names else (lambda c: c)
        out["chain"] = [whole if _missing_text(c) else shown(c) for c in out["chain"]]
    if "unit" in out.columns:
        out["unit"] = [ctx.catalog.unit_label(u, ctx.lang) if isinstance(u, str) else u for u in out["unit"]]
    if "qualifier" in out.columns:
        out["qualifier"] = [
            t("q_" + q, ctx.lang) if isinstance(q, str) and "q_" + q in strings() else q for q in out["qualifier"]
        ]
    for column in SOURCE_COLUMNS:
        if column in out.columns:
            out[column] = [source_text(v, ctx.lang) for v in out[column]]
    if "basis" in out.columns:
        out["basis"] = [
            t("basis_" + b, ctx.lang) if isinstance(b, str) and "basis_" + b in strings() else b for b in out["basis"]
        ]
    return out.rename(columns={c: t("col_" + c, ctx.lang) for c in out.columns if "col_" + c in strings()})


def _missing_text(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def _header(ctx, column: str, unit: str | None) -> str:
    """A column's header in the chosen language; value columns name the unit (营业收入 → 数值（万元）)."""
    text = t("col_" + column, ctx.lang) if "col_" + column in strings() else column
    label = ctx.catalog.unit_label(unit, ctx.lang) if unit else ""
    if label and column in ("display", "value", "prev_value", "change"):
        text = f"{text}（{label}）" if ctx.lang != "en" else f"{text} ({label})"
    return text


def table_with_downloads(
    ctx,
    df: pd.DataFrame,
    name: str,
    hidden: tuple[str, ...] = HIDDEN_ON_SCREEN,
    *,
    unit: str | None = None,
    full=None,
    indicator: str | None = None,
    filtered: bool = True,
) -> None:
    """The table behind a view: at most PAGE_ROWS rows on screen, CSV and Excel downloads of every row and column.

    Figures are in the units and decimals of the view's charts (亿元 where they show 亿元; numbers.in_view_units),
    per row's `indicator`, or `indicator` for a one-indicator table. `unit`: the one unit of the table's values
    (named in their headers) when no indicator says it; `full`: a callable giving the complete frame when `df`
    holds only the rows the charts show (called only when a download is clicked); `filtered`: whether the
    sidebar's period and filters shape the table (named in the file name and notes; not for the audit log).
    Downloads carry notes (CSV: a header block; Excel: a second sheet) and Excel number formats."""
    lang = ctx.lang
    charted = df
    df, shown_unit = cache.shared(numbers.in_view_units, ctx.version, df, lang, indicator)  # shared: read-only
    unit = shown_unit or unit
    headers = {c: _header(ctx, c, unit) for c in df.columns}
    shown = localise(ctx, df.head(PAGE_ROWS)).rename(
        columns={t("col_" + c, lang) if "col_" + c in strings() else c: h for c, h in headers.items()}
    )
    if full is not None:
        st.caption(t("table_charted", lang))
    elif len(df) > PAGE_ROWS:
        st.caption(t("table_page", lang, n=PAGE_ROWS, total=f"{len(df):,}"))
    on_screen = [headers[c] for c in df.columns if c not in hidden]
    shown, config = _screen_columns(shown, {headers[c]: c for c in df.columns if c not in hidden})
    st.dataframe(shown, hide_index=True, column_order=on_screen, column_config=config, key=f"table_{name}")
    catalog = ctx.catalog

    about = _Frame(lang, catalog, ctx.page, ctx.filters, ctx.store)

    def everything() -> tuple[pd.DataFrame, list[tuple[str, str]], dict]:
        whole = df if full is None else numbers.in_view_units(full(), lang, indicator, like=charted)[0]
        out = export_frame(lang, catalog, whole, unit)
        return out, downloads.notes(about, name, whole, filters=filtered), _places(whole, about, unit)

    def csv_bytes() -> bytes:
        out, notes, _ = everything()
        return table_csv_bytes(out, notes)

    def xlsx_bytes() -> bytes:
        out, notes, places = everything()
        return table_xlsx_bytes(
            out,
            downloads.item_title(name, lang),
            None,
            notes=notes,
            notes_sheet=t("dl_notes_sheet", lang),
            notes_headers=(t("dl_notes_item", lang), t("dl_notes_text", lang)),
            places=places,
        )

    csv_col, xlsx_col = st.columns(2)
    csv_col.download_button(
        t("download_csv", lang),
        data=csv_bytes,
        file_name=downloads.file_name(ctx, name, "csv", period=filtered),
        mime="text/csv",
        on_click="ignore",
        icon=":material/csv:",
        key=f"csv_{name}",
    )
    xlsx_col.download_button(
        t("download_xlsx", lang),
        data=xlsx_bytes,
        file_name=downloads.file_name(ctx, name, "xlsx", period=filtered),
        on_click="ignore",
        icon=":material/table_view:",
        key=f"xlsx_{name}",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def _screen_columns(shown: pd.DataFrame, columns: dict[str, str]) -> tuple[pd.DataFrame, dict]:
    """Number formats of the on-screen columns (`columns`: header -> column id), and MISSING in every gap:
    Streamlit prints "None" in an empty cell and no option changes that, so a number column with a gap
    is shown as right-aligned text (it then sorts as text; downloads keep the numbers and empty cells)."""
    out, config = shown.copy(), {}
    for header, column in columns.items():
        values = out[header]
        if column in ONE_DECIMAL or column in AS_DISPLAY:
            if values.isna().any():
                write = (lambda x: f"{x:.1f}") if column in ONE_DECIMAL else format_number
                out[header] = [MISSING if not _is_num(v) else write(float(v)) for v in values]
                config[header] = st.column_config.TextColumn(alignment="right")
            else:  # localized = 4,543,799 like `display`
                config[header] = st.column_config.NumberColumn(format="%.1f" if column in ONE_DECIMAL else "localized")
            continue
        if column == "display":
            config[header] = st.column_config.TextColumn(alignment="right")  # a number, aligned as numbers are
        if values.dtype == object or isinstance(values.dtype, pd.StringDtype):
            present = [v for v in values if not _missing_text(v)]
            if len(present) < len(values) and all(isinstance(v, str) for v in present):
                out[header] = [MISSING if _missing_text(v) else v for v in values]
    return out, config


def export_frame(lang: str, catalog, whole: pd.DataFrame, unit: str | None = None) -> pd.DataFrame:
    """A table as its CSV/Excel download holds it: headers in `lang` (the unit in them), figures as given
    (table_with_downloads gives them in the view's units) and parks by their stored names."""
    frame = _Frame(lang, catalog)
    out = localise(frame, whole, park_names=False)
    return out.rename(
        columns={t("col_" + c, lang) if "col_" + c in strings() else c: _header(frame, c, unit) for c in whole.columns}
    )


class _Frame:
    """The little of a page Context that `localise`, `_header` and download notes read, for use off the
    script thread."""

    def __init__(self, lang: str, catalog, page: str = "", filters=None, store=None):
        self.lang, self.catalog, self.page, self.filters, self.store = lang, catalog, page, filters, store


def _places(whole: pd.DataFrame, about: _Frame, unit: str | None) -> dict:
    """Decimals of a download's number columns (by header): figures per row as the view shows them
    (numbers.in_view_units), indices, scores and growth rates with one."""
    rows = whole.attrs.get("places")
    places: dict = {}
    for column in whole.columns:
        header = _header(about, column, unit)
        if column in ONE_DECIMAL:
            places[header] = 1
        elif column in numbers.SCALED_COLUMNS and rows is not None and len(rows) == len(whole):
            places[header] = list(rows)
    return places


def _is_num(x) -> bool:
    return x is not None and not (isinstance(x, float) and math.isnan(x)) and not pd.isna(x)


def kpi_grid(ctx, cards: pd.DataFrame, columns: int | None = None) -> None:
    """st.metric cards per indicator family: value as reported (110余), change vs the comparable period.
    Labels are the catalog's card names (`short_en` in English), the full name in the help; three to a
    row in English, whose labels are still about twice as wide (a card cuts its label)."""
    columns = columns or (3 if ctx.lang == "en" else 4)
    by_family: dict[str, list[dict]] = {}
    for card in cards.to_dict("records"):  # once: a frame filter per family cost more than drawing its cards
        by_family.setdefault(card["category"], []).append(card)
    for cat in ctx.catalog.categories:
        records = by_family.get(cat.id)
        if not records:
            continue
        st.markdown(f"##### {cat.name(ctx.lang)}")
        for n, card in enumerate(records):
            if n % columns == 0:
                # A row of columns per `columns` cards: on a phone the columns stack, and cards then read
                # in order (one set of columns would stack as 1, 5, 9, 2, 6...).
                cols = st.columns(columns)
            ind = ctx.catalog.indicator(card["indicator"])
            # Big money (≥ 1亿元) in 亿元 / bn CNY, named in the label as every card names its unit (a unit
            # inside the value is cut off in a narrow card); the stored 万元 figure stays in the help.
            text = card_text(card, ctx.lang, ctx.catalog)
            unit, delta = text.unit, shown_change(text.change, ctx.lang)
            # The figure with the indicator's decimals (catalog), as its charts and tables show it.
            divisor, _ = charts.money_scale([card.get("value")], ind.unit, ctx.lang)
            shown = numbers.shown(card.get("value"), card.get("qualifier"), ind.id, ctx.lang, divisor)
            exact = f" = {text.exact}" if text.exact else ""
            description = t("no_comparable", ctx.lang)
            neutral = delta is not None and _is_zero(delta)
            if delta is not None:
                word = t(text.comparison, ctx.lang) if text.comparison else ""
                description = f"{word} {text.prev_label or ''}".strip()
            notes, sentences = labels.card_notes(ctx, card)  # basis and coverage: a card never overstates
            description = " · ".join([*notes, description])
            label, full = (_with_unit(n, unit, ctx.lang) for n in (ind.short_name(ctx.lang), ind.name(ctx.lang)))
            how = t(
                "n_parks_mean" if card.get("aggregation") == "mean" else "n_parks", ctx.lang, n=card.get("n_parks") or 0
            )
            cols[n % columns].metric(
                label,
                shown,
                delta=delta,
                delta_description=description,
                border=True,
                # No change is neither good nor bad, and a change computed from illustrative figures is no
                # achievement: grey, not green or red (no arrow for no change).
                delta_color="off"
                if neutral or labels.rests_on_illustrative(card)
                else ("normal" if ind.direction == "higher" else "inverse"),
                delta_arrow="off" if neutral else "auto",
                # the full name: the label may be the catalog's short one
                help=" ".join([f"{full}: {how}{exact}", *sentences]),
            )


def shown_change(change: str | None, lang: str) -> str | None:
    """A card's change as shown: +1.5个百分点 / +1.5 pp for a rate, 0.0% / 0个百分点 (no sign) when it is nothing."""
    if change is None:
        return None
    if change.endswith(" pp"):
        change = change.removesuffix(" pp") + t("percentage_points", lang)
    return change.lstrip("+-") if _is_zero(change) else change


def _is_zero(text: str) -> bool:
    """Whether a shown change is zero (+0.0%, -0, 0个百分点)."""
    digits = [c for c in text if c.isdigit()]
    return bool(digits) and set(digits) == {"0"}


def _with_unit(name: str, unit: str, lang: str) -> str:
    if not unit:
        return name
    return f"{name} ({unit})" if lang == "en" else f"{name}（{unit}）"


def data_badges(ctx, cards: pd.DataFrame) -> None:
    """Freshness (last load, latest period) and whether the view's figures (the KPI cards', their comparison
    period's included) are illustrative."""
    status = ctx.look("data_status")
    left, right = st.columns([3, 2])
    latest = status.get("latest_period")
    loaded = status.get("last_load_at")
    left.caption(
        t(
            "freshness",
            ctx.lang,
            loaded=with_zone(local_text(loaded), ctx.lang) if loaded else MISSING,
            latest=latest.label(ctx.lang) if latest else MISSING,
            n=f"{status.get('n_observations', 0):,}",
        )
    )
    with right:
        labels.basis_badges(ctx, cards)  # the comparison period's figures count too


def stop_if_empty(ctx, frame: pd.DataFrame, message: str = "no_data", filters=None) -> None:
    """Guard: when there is nothing to show, say why (empty database or filters), offer the periods that have
    figures for `filters` (those the frame was asked with; default the sidebar's) and stop the page."""
    if frame is not None and len(frame):
        return
    if not ctx.periods:
        st.info(t("empty_db", ctx.lang), icon=":material/database:")
        st.page_link("pages/upload.py", label=t("page_upload", ctx.lang), icon=":material/upload_file:")
    elif message in ("no_data", "no_chain_data"):
        if message == "no_chain_data":
            st.info(t(message, ctx.lang))
        # name the periods that have figures, and switch to the nearest
        labels.offer_periods(ctx, chain_only=message == "no_chain_data", filters=filters)
    else:
        st.info(t(message, ctx.lang))
    st.stop()
