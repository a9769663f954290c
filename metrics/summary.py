"""The one-page summary image (title, filters, KPI cards by family, composite ranking, key comparisons)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
from PIL import Image
from plotly.subplots import make_subplots

from metrics import charts, queries, render
from metrics.briefing import lead_indicator
from metrics.localtime import local_text, zone_name
from metrics.periods import Period

WIDTH, HEIGHT, SCALE = 1600, 1150, 1.5  # layout pixels; the PNG is 2400 × 1725
CARDS_PER_FAMILY = 2
TOP = 150  # px above the plots: title, filters, family headers
KPI_ROW_PX = 165
BOTTOM = 180  # px below the plots: rotated indicator names, then the footer line

_T = {
    "title": ("园区发展指标看板", "Park Indicator Dashboard"),
    "composite": ("综合指数排名（60–100）", "Composite index ranking (60–100)"),
    "scores": ("各指标得分（60–100，100 为最佳）", "Indicator scores (60–100, 100 = best)"),
    "ranking": ("园区排名", "park ranking"),
    "no_cards": ("暂无数据", "no data"),
    "illus_key": ("浅色斜线的柱 = 含示意数据", "light hatched bars = illustrative figures"),
    "footer": (
        "数据：{n} 条（其中示意数据 {ill} 条）· 最近导入：{last} · 生成时间：{now}（{zone}）",
        "Data: {n} figures ({ill} illustrative) · last load: {last} · generated: {now} ({zone})",
    ),
    "empty_db": (
        "数据库中还没有数据，无法生成汇总图。请先导入数据（python -m metrics ingest 文件）。",
        ("The database holds no data yet; cannot make the summary. Load data first (python -m metrics ingest FILE)."),
    ),
    "no_period_data": (
        "所选时期（{period}）和园区没有数据，无法生成汇总图。可用时期：{available}",
        ("No data for the chosen period ({period}) and parks; cannot make the summary. Periods with data: {available}"),
    ),
    "written": ("已生成汇总图：{out}（{w}×{h} 像素）", "Summary written: {out} ({w}×{h} px)"),
    "failed": ("无法生成汇总图：{reason}", "Cannot make the summary image: {reason}"),
}


def _t(key: str, lang: str) -> str:
    zh, en = _T[key]
    return en if lang == "en" else zh


class SummaryUnavailable(RuntimeError):
    """The summary cannot be made (empty database, no data for the period, no renderer); zh and en."""

    def __init__(self, message: str, message_en: str):
        self.message_zh, self.message_en = message, message_en
        super().__init__(message)

    def message(self, lang: str = "zh") -> str:
        return self.message_en if lang == "en" else self.message_zh


def _row_heights(height: int) -> list[float]:
    """KPI card rows of a fixed pixel height; the charts share what is left (the heatmap a little more)."""
    cards = min(0.2, KPI_ROW_PX / (height - TOP - BOTTOM))
    rest = 1 - 2 * cards
    return [cards, cards, rest * 0.48, rest * 0.52]


def _narrow(lang: str) -> dict:
    """Tick settings for park names in the summary's two side-by-side bar charts: English names on two
    smaller lines, so rows about 25 px high do not overlap."""
    return {"width": 36, "tickfont": {"size": 11}} if lang == "en" else {}


def _family_cards(kpi: pd.DataFrame, cat) -> list[tuple[str, pd.DataFrame]]:
    """Per family of the design card (catalog order, four columns of the image): its first cards."""
    return [(c.id, kpi[kpi["category"] == c.id].head(CARDS_PER_FAMILY)) for c in cat.design_card_categories]


def summary_figure(
    store,
    lang: str = "zh",
    period: Period | None = None,
    parks: Sequence[str] = (),
    weights: dict[str, float] | None = None,
) -> go.Figure:
    """The summary as one Plotly figure; SummaryUnavailable when there is nothing to show."""
    if store.is_empty():
        raise SummaryUnavailable(*_T["empty_db"])
    f = queries.Filters(period=period or queries.default_period(queries.period_coverage(store)), parks=tuple(parks))
    kpi = queries.kpi_cards(store, f, lang)
    if kpi.empty and period is None:  # the parks asked for have nothing in the usual period: their latest one
        f = queries.Filters(period=None, parks=tuple(parks))
        kpi = queries.kpi_cards(store, f, lang)
    if kpi.empty:
        periods = queries.available_periods(store)[:8]
        raise SummaryUnavailable(
            *(
                _T["no_period_data"][i].format(
                    period=period.label(lg) if period else "–", available=sep.join(p.label(lg) for p in periods)
                )
                for i, lg, sep in ((0, "zh", "、"), (1, "en", ", "))
            )
        )
    resolved = queries.resolve_period(store, f)
    f = queries.Filters(period=resolved, parks=tuple(parks))
    composite = queries.composite_index(store, f, weights)
    lead = lead_indicator(kpi)  # kpi is not empty here (refused above): the briefing's key ranking too
    ranking = queries.ranking(store, f, lead, lang)
    scores = queries.normalised_scores(store, f, lang)
    status = queries.data_status(store)

    cat = store.catalog
    families = _family_cards(kpi, cat)
    lead_name = cat.indicator(lead).name(lang)
    # The ranking's unit as its chart shows it (亿元 / bn CNY for big money).
    lead_unit = charts.money_scale(ranking["value"] if len(ranking) else [], cat.indicator(lead).unit, lang)[1]
    family_titles = []
    for cid, cards in families:
        name = cat.category(cid).name(lang)
        family_titles.append(
            name
            if len(cards)
            else f"{name}（{_t('no_cards', lang)}）"
            if lang != "en"
            else f"{name} ({_t('no_cards', lang)})"
        )
    n_parks = max(len(composite), len(ranking), scores["park"].nunique() if len(scores) else 0, 1)
    height = HEIGHT + max(0, n_parks - 8) * 40
    fig = make_subplots(
        rows=4,
        cols=4,
        specs=[
            [{"type": "indicator"}] * 4,
            [{"type": "indicator"}] * 4,
            [{"type": "xy", "colspan": 2}, None, {"type": "xy", "colspan": 2}, None],
            [{"type": "xy", "colspan": 4}, None, None, None],
        ],
        row_heights=_row_heights(height),
        vertical_spacing=min(0.075, 70 / (height - TOP - BOTTOM)),
        horizontal_spacing=0.09,
        subplot_titles=[charts.esc(t) for t in family_titles]
        + [""] * 4
        + [
            _t("composite", lang),
            charts.esc(f"{charts._with_unit(lead_name, lead_unit, lang)}{charts.SEP}{_t('ranking', lang)}"),
            _t("scores", lang),
        ],
    )
    for col, (_cid, cards) in enumerate(families, start=1):
        for row, (_, card) in enumerate(cards.iterrows(), start=1):
            fig.add_trace(charts.kpi_indicator(card, lang), row=row, col=col)
    if len(composite):
        fig.add_trace(charts.composite_trace(composite, lang), row=3, col=1)
        charts.park_axis(fig, composite.sort_values("rank", kind="stable")["park"], lang, **_narrow(lang), row=3, col=1)
        fig.update_xaxes(range=[0, 112], row=3, col=1)
    if len(ranking):
        bar = charts.ranking_bar(ranking, lead, "", lang).data[0]
        fig.add_trace(bar, row=3, col=3)
        charts.park_axis(fig, ranking.sort_values("rank", kind="stable")["park"], lang, **_narrow(lang), row=3, col=3)
        fig.update_xaxes(range=charts.value_range(bar.x, pad=0.18), row=3, col=3)
    fig.update_yaxes(autorange="reversed", row=3)
    if len(scores):
        # Indicators in catalog order, parks in composite-index order (best on top).
        ind_order = {iid: n for n, iid in enumerate(cat.ids)}
        park_order = {p: n for n, p in enumerate(composite["park"])}
        scores = scores.assign(
            _i=scores["indicator"].map(ind_order), _p=scores["park"].map(park_order).fillna(len(park_order))
        )
        scores = scores.sort_values(["_p", "park", "_i"], kind="stable")
        heat = charts.heatmap(scores[["park", "indicator", "score"]], lang).data[0]
        heat.showscale = False
        heat.textfont = {"size": 12}
        fig.add_trace(heat, row=4, col=1)
        charts.park_axis(fig, list(dict.fromkeys(scores["park"])), lang, row=4, col=1)
        fig.update_yaxes(autorange="reversed", row=4, col=1)
        fig.update_xaxes(tickangle=-30, tickfont={"size": 11}, row=4, col=1)
    label = resolved.label(lang) if resolved else ""
    park_names = tuple(parks)
    subtitle = charts.filters_text(lang, label, parks=park_names)
    fig = charts.apply_layout(fig, f"{_t('title', lang)}{charts.SEP}{label}", subtitle, lang, legend=False, wrap=False)
    last = status.get("last_load_at")
    now = dt.datetime.now(dt.UTC)
    footer = _t("footer", lang).format(
        n=status.get("n_observations", 0),
        ill=status.get("n_illustrative", 0),
        last=local_text(last),
        now=local_text(now),
        zone=zone_name(lang),
    )
    if any(charts.illustrative_flags(composite)) or any(charts.illustrative_flags(ranking)):
        footer += charts.SEP + _t("illus_key", lang)  # the image has no legend: the key goes in the footer
    fig.add_annotation(
        text=charts.esc(footer),
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        yshift=-(BOTTOM - 34),
        xanchor="left",
        yanchor="top",
        showarrow=False,
        font={"size": 12, "color": "#8A96A3"},
    )
    for ann in fig.layout.annotations[:4]:  # family headers sit above their cards' own titles
        ann.update(font={"size": 17, "color": "#3B6EA8"}, yshift=26)
    fig.update_layout(width=WIDTH, height=height, margin={"l": 24, "r": 40, "t": TOP, "b": BOTTOM})
    return fig


def summary_png(
    store,
    lang: str = "zh",
    period: Period | None = None,
    parks: Sequence[str] = (),
    weights: dict[str, float] | None = None,
) -> bytes:
    """The summary PNG (at least 1600×1000 px), rendered once through the warm browser."""
    with charts.use_catalog(store.catalog):  # analysts' indicators and parks named as on the pages
        fig = summary_figure(store, lang, period, parks, weights)
    try:
        return render.figure_png(fig, width=WIDTH, height=int(fig.layout.height), scale=SCALE)
    except render.RenderUnavailable as exc:
        raise SummaryUnavailable(
            _T["failed"][0].format(reason=exc.message("zh")), _T["failed"][1].format(reason=exc.message("en"))
        ) from exc


def run_cli(args) -> int:
    """`python -m metrics summary`: write the PNG; exit 1 with a message when it cannot be made."""
    from metrics import cli_view
    from metrics.store import Store, StoreError

    lang = getattr(args, "lang", None) or "zh"
    period, problem = cli_view.period_option(getattr(args, "period", None), lang)
    if problem:
        return cli_view.fail(problem)
    ok, reason = render.png_available(lang)
    if not ok:
        return cli_view.fail(_t("failed", lang).format(reason=reason))
    problem = cli_view.missing_database(getattr(args, "db", None), lang)
    if problem:
        return cli_view.fail(problem)
    warm_up = None
    try:
        store = Store(getattr(args, "db", None))
        parks = cli_view.canonical_parks(store, getattr(args, "park", None))
        if not store.is_empty():
            warm_up = render.warm_up_in_background()  # the browser starts while the queries run
        data = summary_png(store, lang, period, parks)
    except SummaryUnavailable as exc:
        return cli_view.fail(exc.message(lang))
    except StoreError as exc:
        return cli_view.fail(_t("failed", lang).format(reason=exc.message(lang)))
    finally:
        if warm_up is not None:
            # A browser killed half-started leaves its profile in /tmp: let it finish, atexit closes it.
            warm_up.join(render.RENDER_TIMEOUT)
    out = Path(getattr(args, "out", None) or "summary.png")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    w, h = Image.open(io.BytesIO(data)).size
    print(_t("written", lang).format(out=out, w=w, h=h))
    return 0
