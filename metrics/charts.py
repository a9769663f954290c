"""Pure Plotly figure builders over the queries.py frames, sharing one layout (template, CJK font, context)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from plotly.subplots import make_subplots

from metrics import numbers
from metrics.catalog import Catalog, default_catalog
from metrics.chains import default_chains
from metrics.queries import display_value

# The catalog whose names and units figures show: the shipped one, or a store's merged catalog (analysts'
# indicators and parks) set by the caller with use_catalog. A context variable: each Streamlit session runs
# in its own thread, so sessions never see each other's.
_CATALOG: ContextVar[Catalog | None] = ContextVar("charts_catalog", default=None)


def active_catalog() -> Catalog:
    """The catalog figures are labelled from (see use_catalog)."""
    return _CATALOG.get() or default_catalog()


def set_catalog(catalog: Catalog | None) -> None:
    """Label figures from `catalog` in this thread from now on (a page sets its store's merged catalog)."""
    _CATALOG.set(catalog)


@contextmanager
def use_catalog(catalog: Catalog | None) -> Iterator[None]:
    """Label figures from `catalog` inside the block."""
    token = _CATALOG.set(catalog)
    try:
        yield
    finally:
        _CATALOG.reset(token)


FONT_FAMILY = "Noto Sans CJK SC, Noto Sans SC, WenQuanYi Micro Hei, Microsoft YaHei, PingFang SC, sans-serif"
# Calm, distinguishable, none close to black (the streamlit template exports black bars; see STACK_NOTES).
COLORWAY = (
    "#3B6EA8",
    "#E08E45",
    "#5AA17F",
    "#C25B56",
    "#8A7BB8",
    "#C9A83E",
    "#5B9AA9",
    "#9C755F",
    "#7F8C8D",
    "#B07AA1",
    "#6B8E23",
    "#E377C2",
)  # 12: TOP_N parks
SEQUENTIAL = ((0.0, "#F3F7FB"), (0.5, "#8FB3D9"), (1.0, "#1F4E79"))
GOOD, BAD = "#2E8B57", "#C0392B"
TEMPLATE_NAME = "parkdash"

_T = {
    "ranking": ("园区排名", "Park ranking"),
    "comparison": ("园区指标对比", "Park comparison"),
    "radar": ("园区指标得分（60–100）", "Indicator scores (60–100)"),
    "heat_scores": ("园区指标得分热力图（60–100）", "Indicator scores heatmap (60–100)"),
    "heat_values": ("园区指标热力图", "Indicator heatmap"),
    "composite": ("综合指数排名", "Composite index ranking"),
    "chain_heat": ("产业链热力图", "Industrial chains heatmap"),
    "chain_tree": ("园区 → 产业链构成", "Park → industrial chain breakdown"),
    "chain_rank": ("产业链排名", "Industrial chain ranking"),
    "trend": ("趋势", "Trend"),
    "growth": ("同比增长（%）", "Growth YoY (%)"),
    "kpi": ("关键指标", "Key indicators"),
    "score": ("得分", "Score"),
    "index": ("综合指数", "Composite index"),
    "n_ind": ("参与指标数", "Indicators used"),
    "park": ("园区", "Park"),
    "chain": ("产业链", "Chain"),
    "period": ("时期", "Period"),
    "all": ("全部", "all"),
    "whole_park": ("园区整体", "whole park"),
    "category": ("指标类别", "Category"),
    "all_categories": ("全部类别", "all categories"),
    "reported_only": ("仅报告数据", "reported figures only"),
    "with_illustrative": ("含示意数据", "incl. illustrative figures"),
    "yoy": ("同比", "YoY"),
    "mom": ("环比", "MoM"),
    "vs": ("对比", "vs"),
    "no_prev": ("无可比时期数据", "no comparable period"),
    "no_data": ("暂无数据", "No data"),
    "n_compared": ("（{n}/{total} 个园区可比）", " ({n} of {total} parks comparable)"),
    "park_mean": ("园区平均", "mean of parks"),
    "illus_bars": ("示意数据（浅色斜线）", "illustrative (light, hatched)"),
    "illus_points": ("示意数据（空心点）", "illustrative (hollow points)"),
    "illus_cells": ("示意数据（方框）", "illustrative (boxed)"),
    "illus_tiles": ("示意数据（浅色）", "illustrative (light)"),
    "illus_short": ("示意", "illustrative"),
    "prev_illus": ("对比期为示意数据", "vs illustrative figures"),
    "n_of_parks": ("{n}/{total} 园区", "{n}/{total} parks"),
    "n_of_ind": ("{n}/{total} 指标", "{n}/{total} indicators"),
    "group_median": ("全部园区中位数", "median of all parks"),
    "pp": ("个百分点", " pp"),
}
SEP = " · "


def t(key: str, lang: str = "zh") -> str:
    """Chart text in the chosen language."""
    zh, en = _T[key]
    return en if lang == "en" else zh


def esc(text: object) -> str:
    """Data text made literal for Plotly, which reads <b>, <br>, <a href> and entities in any text."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return ""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _template() -> go.layout.Template:
    base = go.layout.Template(pio.templates["plotly_white"])
    base.layout.colorway = list(COLORWAY)
    base.layout.font = {"family": FONT_FAMILY, "size": 14, "color": "#2B2B2B"}
    base.layout.paper_bgcolor = "#FFFFFF"
    base.layout.plot_bgcolor = "#FFFFFF"
    base.layout.colorscale = {"sequential": [list(s) for s in SEQUENTIAL]}
    return base


TEMPLATE = _template()
pio.templates[TEMPLATE_NAME] = TEMPLATE  # registered for convenience; figures carry the object itself


# A title or subtitle longer than this (in half-width characters; a Chinese one counts two) goes onto
# several lines, broken at its " · " parts: a phone's chart (~360 px) shows about this much, and Plotly
# cuts a line that runs past the figure's edge.
TITLE_WIDTH, SUBTITLE_WIDTH = 30, 48


def _width(text: str) -> int:
    return sum(2 if "\u2e80" <= ch <= "\uffef" else 1 for ch in text)


def line_parts(text: str, width: int) -> list[str]:
    """`text` as lines of at most about `width` (a part longer than that keeps a line of its own)."""
    out: list[str] = []
    for part in str(text or "").split(SEP):
        if out and _width(out[-1] + SEP + part) <= width:
            out[-1] += SEP + part
        else:
            out.append(part)
    return out


def lines(text: str, width: int) -> str:
    """Escaped text on lines of at most about `width`, broken at " · " (see line_parts)."""
    return "<br>".join(esc(p) for p in line_parts(text, width))


def _top_margin(title: str, subtitle: str) -> int:
    extra = 26 * (len(line_parts(title, TITLE_WIDTH)) - 1) + 20 * (len(line_parts(subtitle, SUBTITLE_WIDTH)) - 1)
    return (96 if subtitle else 72) + extra


def apply_layout(
    fig: go.Figure,
    title: str,
    subtitle: str = "",
    lang: str = "zh",
    *,
    height: int | None = None,
    legend: bool = True,
    wrap: bool = True,
) -> go.Figure:
    """The one shared layout: explicit template, CJK font, calm colours, title and context inside the figure.
    `wrap`: long titles and subtitles on several lines, to fit a phone (not for a fixed-size image)."""
    title_width, subtitle_width = (TITLE_WIDTH, SUBTITLE_WIDTH) if wrap else (10**6, 10**6)
    fig.update_layout(
        template=TEMPLATE,
        font={"family": FONT_FAMILY, "size": 14, "color": "#2B2B2B"},
        colorway=list(COLORWAY),
        paper_bgcolor="#FFFFFF",
        plot_bgcolor="#FFFFFF",
        title={
            # Pinned to the top edge in pixels, so a tall figure does not push it into the plots.
            "text": lines(title, title_width),
            "x": 0.01,
            "xanchor": "left",
            "xref": "container",
            "y": 1.0,
            "yanchor": "top",
            "yref": "container",
            "pad": {"t": 20},
            "font": {"size": 20, "family": FONT_FAMILY, "color": "#1F2A36"},
            "subtitle": {
                "text": lines(subtitle, subtitle_width),
                "font": {"size": 14, "family": FONT_FAMILY, "color": "#5F6B76"},
            },
        },
        # The legend sits under the plot, anchored to the figure's bottom edge: a legend that wraps onto
        # several lines then grows downwards (the bottom margin grows with it) instead of into the subtitle.
        margin={"l": 24, "r": 32, "t": _top_margin(title, subtitle) if wrap else (96 if subtitle else 72), "b": 48},
        showlegend=legend,
        legend={
            "orientation": "h",
            "yref": "container",
            "yanchor": "bottom",
            "y": 0.0,
            "xanchor": "left",
            "x": 0.0,
            "title": {"text": ""},
        },
        hoverlabel={"font": {"family": FONT_FAMILY}},
        meta={"lang": lang},
    )
    if height:
        fig.update_layout(height=height)
    # Plain grouped numbers on value axes (4,000,000), not SI suffixes: "4M 万元" reads as nonsense in Chinese.
    fig.update_xaxes(automargin=True, exponentformat="none", separatethousands=True)
    fig.update_yaxes(automargin=True, exponentformat="none", separatethousands=True)
    return fig


def filters_text(
    lang: str = "zh",
    period_label: str | None = None,
    parks: Sequence[str] = (),
    chains: Sequence[str] = (),
    category: str | None = None,
    include_illustrative: bool = True,
) -> str:
    """One line naming the period and filters, for a chart's subtitle (raw text; apply_layout escapes)."""
    colon = "：" if lang != "en" else ": "
    list_sep = "、" if lang != "en" else ", "
    parts = []
    if period_label:
        parts.append(period_label)
    names = [str(display_park(p, lang)) for p in parks]
    parts.append(t("park", lang) + colon + (list_sep.join(names) if names else t("all", lang)))
    names = [str(display_chain(c, lang)) for c in chains]
    parts.append(t("chain", lang) + colon + (list_sep.join(names) if names else t("whole_park", lang)))
    if category:
        try:
            cat_name = active_catalog().category(category).name(lang)
        except KeyError:
            cat_name = category
        parts.append(t("category", lang) + colon + cat_name)
    parts.append(t("with_illustrative", lang) if include_illustrative else t("reported_only", lang))
    return SEP.join(parts)


def _indicator_meta(indicator: str, lang: str) -> tuple[str, str, str]:
    """(display name, unit label in `lang`, direction) from the catalog; the id itself when not in the catalog."""
    cat = active_catalog()
    try:
        ind = cat.indicator(indicator)
    except KeyError:
        return indicator, "", "higher"
    return ind.name(lang), cat.unit_label(ind.unit, lang), ind.direction


def unit_label(unit: str | None, lang: str = "zh") -> str:
    """A canonical unit (万元) as shown in `lang` (10k CNY); catalog data, the unit itself when unknown."""
    return active_catalog().unit_label(unit, lang) if unit else ""


# Money is stored in 万元; shown in 亿元 (zh) or M/bn CNY (en) once the largest figure reaches 1亿元.
WAN_PER_YI = 10_000
MONEY_UNIT = "万元"
_SCALES = {"zh": ((WAN_PER_YI, WAN_PER_YI, "亿元"),), "en": ((100_000, 100_000, "bn CNY"), (WAN_PER_YI, 100, "M CNY"))}


def money_scale(values: Iterable[object], unit: str | None, lang: str = "zh") -> tuple[float, str]:
    """(divisor, unit label) to show figures of `unit` at a glance: 万元 figures whose largest reaches
    10,000 万元 in 亿元 (zh) or M/bn CNY (en); (1, the catalog's label) otherwise. Data stays in 万元."""
    label = unit_label(unit, lang)
    if unit != MONEY_UNIT:
        return 1.0, label
    top = max((abs(float(v)) for v in values if _known(v)), default=0.0)
    for threshold, divisor, scaled in _SCALES["en" if lang == "en" else "zh"]:
        if top >= threshold:
            return float(divisor), scaled
    return 1.0, label


def scaled_text(value: object, qualifier: object, divisor: float, lang: str = "zh") -> str:
    """A figure divided by `divisor`, qualifier kept (约/余, ~/+), up to two decimals: 3,971.59余."""
    if not _known(value):
        return "–"
    q = qualifier if isinstance(qualifier, str) else None
    return display_value(float(value) / divisor, q, lang)


def card_value(value: object, qualifier: object, unit: str | None, lang: str = "zh") -> tuple[str, str, float]:
    """A KPI card's figure: (text, unit label, divisor). Big money carries its unit in the text
    (3,971.59亿元 / 397.16 bn CNY, qualifier kept: 3,971.59余亿元, ~397.16 bn CNY); otherwise
    (the figure, the catalog's unit label, 1)."""
    divisor, label = money_scale([value], unit, lang)
    if divisor == 1:
        return "", label, 1.0
    text = scaled_text(value, qualifier, divisor, lang)
    return (f"{text} {label}" if lang == "en" else f"{text}{label}"), label, divisor


def _scaled(df: pd.DataFrame, indicator: str, lang: str) -> tuple[pd.DataFrame, str]:
    """`df` with value and display as shown (big money in 亿元, the indicator's decimals; see
    numbers.in_view_units), and the unit label to show."""
    if "display" not in df.columns:
        df = df.assign(display=None)
    out, unit = numbers.in_view_units(df, lang, indicator)
    return out, unit if unit is not None else _indicator_meta(indicator, lang)[1]


def display_park(name: object, lang: str = "zh") -> object:
    """A park as shown on screen and in images: a catalog (or illustrative sample) park's English name in
    English, otherwise the name as stored. Display only: data, filters and URLs keep the canonical name."""
    if lang != "en" or not isinstance(name, str):
        return name
    return active_catalog().park_name_en(name) or name


def display_chain(name: object, lang: str = "zh") -> object:
    """A chain as shown on screen and in images: its English name (metrics/chains.toml) in English,
    otherwise as stored. Display only, like display_park."""
    return default_chains().name(name, lang)


def chain_label(name: object, lang: str = "zh") -> str:
    """display_chain, escaped for Plotly."""
    return esc(display_chain(name, lang))


def park_label(name: object, lang: str = "zh") -> str:
    """display_park, escaped for Plotly."""
    return esc(display_park(name, lang))


def park_axis(fig: go.Figure, parks: Iterable[object], lang: str = "zh", axis: str = "y", width: int = 30, **where):
    """Long (English) park names on a category axis broken onto lines of about `width` characters; the
    categories themselves stay the full names. Chinese names are left as they are."""
    parks = list(parks)
    labels = [park_label(p, lang) for p in parks]
    ticks = [
        label
        if any("\u4e00" <= ch <= "\u9fff" for ch in str(display_park(p, lang)))
        else wrap(display_park(p, lang), width)
        for p, label in zip(parks, labels, strict=True)
    ]
    if ticks != labels:
        update = fig.update_yaxes if axis == "y" else fig.update_xaxes
        update(tickmode="array", tickvals=labels, ticktext=ticks, **where)
    return fig


def legend_name(park: object, lang: str = "zh", width: int = 26) -> str:
    """A park in a legend: a long English name on short lines (a phone's legend cuts one long line)."""
    shown = display_park(park, lang)
    if lang != "en" or len(str(shown)) <= width:
        return park_label(park, lang)
    return wrap(shown, width)


def catalog_order(indicator_ids: Iterable[str]) -> list[str]:
    """The distinct ids in catalog order (ids not in the catalog last, as first seen)."""
    rank = {iid: n for n, iid in enumerate(active_catalog().ids)}
    distinct = list(dict.fromkeys(indicator_ids))
    return sorted(distinct, key=lambda i: (rank.get(i, len(rank)), distinct.index(i)))


def _with_unit(name: str, unit: str, lang: str) -> str:
    if not unit:
        return name
    return f"{name}（{unit}）" if lang != "en" else f"{name} ({unit})"


def wrap(text: str, width: int | None = None, suffix: str = "") -> str:
    """Escaped text broken into lines of about `width` characters (words kept whole; Chinese by character),
    then `suffix` (e.g. the unit) on the last line or a line of its own; for axis tick labels."""
    text = str(text)
    cjk = any("\u4e00" <= ch <= "\u9fff" for ch in text)
    width = width or (9 if cjk else 20)
    lines, line = [], ""
    for token in list(text) if cjk else text.split(" "):
        joined = (line + token) if cjk else (f"{line} {token}" if line else token)
        if line and len(joined) > width:
            lines.append(line)
            line = token
        else:
            line = joined
    lines.append(line)
    if suffix:
        gap = "" if cjk or suffix.startswith("（") else " "
        if len(lines[-1]) + len(gap) + len(suffix) <= width:
            lines[-1] += gap + suffix
        else:
            lines.append(suffix)
    return "<br>".join(esc(part) for part in lines)


def fmt_number(value: object) -> str:
    """A number as reports write it: thousands separated, no trailing zeros."""
    if value is None or pd.isna(value):
        return "–"
    v = float(value)
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    if v.is_integer():
        return str(int(v))
    return f"{v:.2f}".rstrip("0").rstrip(".")


def _display(df: pd.DataFrame) -> list[str]:
    if "display" in df.columns:
        return [
            fmt_number(v) if (d is None or (isinstance(d, float) and math.isnan(d))) else str(d)
            for d, v in zip(df["display"], df["value"], strict=True)
        ]
    return [fmt_number(v) for v in df["value"]]


def _empty(fig: go.Figure, lang: str) -> go.Figure:
    fig.add_annotation(
        text=t("no_data", lang),
        x=0.5,
        y=0.5,
        xref="paper",
        yref="paper",
        showarrow=False,
        font={"size": 20, "color": "#8A96A3"},
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


def value_range(values: Iterable[float], pad: float = 0.15) -> list[float] | None:
    """An axis range from 0 (or below, for negatives) with room past the bars for outside labels."""
    vals = [float(v) for v in values if v is not None and not pd.isna(v)]
    if not vals:
        return None
    lo, hi = min(0.0, *vals), max(0.0, *vals)
    extra = (hi - lo) * pad or 1.0
    return [lo - extra if lo < 0 else 0.0, hi + extra if hi > 0 else 0.0]


def park_colours(parks: Iterable[str]) -> dict[str, str]:
    """One colour per park, by name order: the same parks get the same colours in every chart of a view."""
    return {p: COLORWAY[n % len(COLORWAY)] for n, p in enumerate(sorted({str(p) for p in parks}))}


def level_value_ticks(fig: go.Figure) -> go.Figure:
    """Value-axis numbers level and few enough not to collide on a phone-wide chart (Plotly tilts them)."""
    return fig.update_xaxes(tickangle=0, nticks=4)


def _bar_height(n: int, parks: Iterable[object] = (), lang: str = "zh") -> int:
    """Height of a horizontal bar chart of `n` bars; taller rows when park names are wrapped (English)."""
    wrapped = lang == "en" and any(len(str(display_park(p, lang))) > 30 for p in parks)
    return max(360, 140 + (46 if wrapped else 34) * n)


def _indicator_values(
    df: pd.DataFrame, indicator: str, lang: str, positive_only: bool = False
) -> tuple[pd.DataFrame, str, str]:
    """The rows of a one-indicator frame that have a value (money scaled to 亿元 when large), its name and unit."""
    name, unit, _ = _indicator_meta(indicator, lang)
    if len(df):
        df = df.dropna(subset=["value"])
    if positive_only and len(df):
        df = df[df["value"] > 0]
    if len(df):
        df, unit = _scaled(df, indicator, lang)
    return df, name, unit


def _basis_note(flag: bool, lang: str) -> str:
    """Hover text after a figure: `（示意）` / ` (illustrative)` for an illustrative one."""
    if not flag:
        return ""
    return f" ({t('illus_short', lang)})" if lang == "en" else f"（{t('illus_short', lang)}）"


def ranking_bar(
    ranking_df: pd.DataFrame,
    indicator: str,
    period_label: str = "",
    lang: str = "zh",
    *,
    title: str | None = None,
    subtitle: str | None = None,
) -> go.Figure:
    """Horizontal bars of one indicator by park, best on top, labelled with `display` (e.g. 110余)."""
    df, name, unit = _indicator_values(ranking_df, indicator, lang)
    title = title or f"{_with_unit(name, unit, lang)}{SEP}{t('ranking', lang)}"
    subtitle = period_label if subtitle is None else subtitle
    fig = go.Figure()
    if not len(df):
        return apply_layout(_empty(fig, lang), title, subtitle, lang, legend=False)
    df = df.sort_values("rank", kind="stable") if "rank" in df.columns else df
    labels = _display(df)
    parks = [park_label(p, lang) for p in df["park"]]
    flags = illustrative_flags(df)
    fig.add_bar(
        x=list(df["value"]),
        y=parks,
        orientation="h",
        text=[esc(s) for s in labels],
        textposition="outside",
        cliponaxis=False,
        marker=bar_marker(COLORWAY[0], flags),
        customdata=[[esc(s), unit, _basis_note(f, lang)] for s, f in zip(labels, flags, strict=True)],
        hovertemplate="%{y}<br>%{customdata[0]} %{customdata[1]}%{customdata[2]}<extra></extra>",
        name=esc(name),
        showlegend=False,
    )
    if any(flags):
        add_illustrative_legend(fig, lang)
    fig.update_yaxes(autorange="reversed", title_text="")
    park_axis(fig, df["park"], lang)
    # Room past the longest bar for its label (0.3 of the axis: on a phone the axis is ~150 px).
    fig.update_xaxes(title_text=_with_unit(name, unit, lang), range=value_range(df["value"], pad=0.3))
    level_value_ticks(fig)
    height = _bar_height(len(df), df["park"], lang)
    return apply_layout(fig, title, subtitle, lang, height=height, legend=any(flags))


def grouped_bars(
    park_matrix_df: pd.DataFrame,
    lang: str = "zh",
    *,
    title: str | None = None,
    subtitle: str = "",
    indicators: Sequence[str] | None = None,
    parks: Sequence[str] | None = None,
) -> go.Figure:
    """Parks ranked in one panel (and colour) per indicator, so neither units nor magnitudes mix (a count of
    5 platforms next to 200 visits would vanish). Horizontal bars: park names stay level and readable on a
    phone; `parks`: their order, top down (e.g. the ranking's)."""
    title = title or t("comparison", lang)
    df = park_matrix_df.dropna(subset=["value"]) if len(park_matrix_df) else park_matrix_df
    if indicators:
        df = df[df["indicator"].isin(list(indicators))]
    if not len(df):
        return apply_layout(_empty(go.Figure(), lang), title, subtitle, lang, legend=False)
    present = set(df["indicator"])
    order = [i for i in (list(indicators) if indicators else catalog_order(df["indicator"])) if i in present]
    seen = list(dict.fromkeys(df["park"]))
    ordered = [p for p in (parks or []) if p in set(seen)] + [p for p in seen if p not in set(parks or [])]
    panels = []
    for ind in order:
        name, _, _ = _indicator_meta(ind, lang)
        part, unit = _scaled(df[df["indicator"] == ind], ind, lang)
        panels.append((name, unit, part))
    fig = make_subplots(
        rows=len(order),
        cols=1,
        vertical_spacing=min(0.12, 0.5 / len(order)),
        subplot_titles=[esc(_with_unit(name, unit, lang)) for name, unit, _ in panels],
    )
    labels_order = [park_label(p, lang) for p in ordered]
    for n, (name, unit, part) in enumerate(panels, start=1):
        labels = _display(part)
        flags = illustrative_flags(part)
        fig.add_bar(
            x=list(part["value"]),
            y=[park_label(p, lang) for p in part["park"]],
            orientation="h",
            name=esc(_with_unit(name, unit, lang)),
            text=[esc(s) for s in labels],
            textposition="outside",
            cliponaxis=False,
            marker=bar_marker(COLORWAY[(n - 1) % len(COLORWAY)], flags),
            customdata=[[esc(s), _basis_note(f, lang)] for s, f in zip(labels, flags, strict=True)],
            hovertemplate="%{y}<br>"
            + esc(name)
            + ": %{customdata[0]} "
            + esc(unit)
            + "%{customdata[1]}<extra></extra>",
            row=n,
            col=1,
        )
        fig.update_xaxes(title_text="", range=value_range(part["value"], pad=0.3), row=n, col=1)
        fig.update_yaxes(categoryorder="array", categoryarray=labels_order, autorange="reversed", row=n, col=1)
        park_axis(fig, ordered, lang, row=n, col=1)
    if any(illustrative_flags(df)):
        add_illustrative_legend(fig, lang, row=1, col=1)
    fig.update_annotations(xanchor="left", x=0, font={"size": 15})  # panel titles over the park names
    level_value_ticks(fig)
    fig.update_layout(barmode="group")
    per_panel = 60 + 30 * len(ordered)
    height = max(420, 150 + per_panel * len(order))
    return apply_layout(fig, title, subtitle, lang, height=height, legend=any(illustrative_flags(df)))


def radar(
    scores_df: pd.DataFrame,
    lang: str = "zh",
    *,
    title: str | None = None,
    subtitle: str = "",
    medians: pd.DataFrame | None = None,
) -> go.Figure:
    """One closed polygon per park over the indicators, efficacy-coefficient scores 60–100 (higher is better);
    `medians` (indicator, score): the median of every park, drawn dashed as the yardstick for one or two parks."""
    title = title or t("radar", lang)
    df = scores_df.dropna(subset=["score"]) if len(scores_df) else scores_df
    fig = go.Figure()
    if not len(df):
        return apply_layout(_empty(fig, lang), title, subtitle, lang, legend=False)
    inds = catalog_order(df["indicator"])
    # Names on short lines: around the circle they have little room, and on a phone a long one is cut.
    theta = [wrap(_indicator_meta(i, lang)[0], 5 if lang != "en" else 12) for i in inds]
    colours = park_colours(df["park"])
    if medians is not None and len(medians):
        by_ind = dict(zip(medians["indicator"], medians["score"], strict=True))
        r = [by_ind.get(i) for i in inds]
        fig.add_scatterpolar(
            r=r + r[:1],
            theta=theta + theta[:1],
            name=t("group_median", lang),
            mode="lines",
            line={"color": LEGEND_GREY, "width": 2, "dash": "dash"},
            hovertemplate=t("group_median", lang) + "<br>%{theta}: %{r:.1f}<extra></extra>",
        )
    any_illustrative = False
    for park, part in df.groupby("park", sort=False):
        by_ind = dict(zip(part["indicator"], part["score"], strict=True))
        illus = dict(zip(part["indicator"], illustrative_flags(part), strict=True))
        r = [by_ind.get(i) for i in inds]
        flags = [illus.get(i, False) for i in inds]
        any_illustrative = any_illustrative or any(flags)
        fig.add_scatterpolar(
            r=r + r[:1],
            theta=theta + theta[:1],
            name=legend_name(park, lang),
            mode="lines+markers",
            # A light fill: the largest polygon must not hide the others under it.
            fill="toself",
            fillcolor=_rgba(colours[str(park)], 0.12),
            line={"color": colours[str(park)], "width": 2},
            marker={"symbol": _point_symbols(flags + flags[:1]), "size": 8},
            customdata=[_basis_note(f, lang) for f in flags + flags[:1]],
            hovertemplate=park_label(park, lang) + "<br>%{theta}: %{r:.1f}%{customdata}<extra></extra>",
        )
    if any_illustrative:
        add_illustrative_legend(fig, lang, "polar")
    # First indicator on top, clockwise; the score ticks run between two indicators, not over a label.
    fig.update_layout(
        polar={
            "radialaxis": {
                # Efficacy-coefficient scores run 60-100; the axis starts at 50 so 60 is not the centre point.
                "range": [50, 100],
                "tickvals": [60, 70, 80, 90, 100],
                "angle": 90 - 180 / max(len(inds), 1),
                "tickfont": {"size": 11, "color": "#8A96A3"},
            },
            "angularaxis": {"rotation": 90, "direction": "clockwise"},
            "bgcolor": "#FFFFFF",
            "domain": {"x": [0.1, 0.9], "y": [0.06, 1.0]},  # room at the sides for the indicator names
        }
    )
    fig = apply_layout(fig, title, subtitle, lang, height=600)
    return fig.update_layout(margin={"l": 56, "r": 56})


def _rgba(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


# Illustrative (made-up) figures are drawn visibly apart from reported ones, with a legend entry saying so:
# bars lighter and hatched, treemap tiles lighter, points hollow, heatmap cells framed.
ILLUSTRATIVE_ALPHA = 0.35
ILLUSTRATIVE_PATTERN = "/"
LEGEND_GREY = "#7F8C8D"


def illustrative_flags(df: pd.DataFrame) -> list[bool]:
    """Per row: whether an illustrative figure went into it (the frames' `illustrative` column; False without)."""
    if "illustrative" not in df.columns:
        return [False] * len(df)
    return [v is True or (not isinstance(v, str) and _known(v) and bool(v)) for v in df["illustrative"]]


def bar_marker(colour: str | Sequence[str], flags: Sequence[bool]) -> dict:
    """A bar trace's marker: reported bars solid, illustrative ones light with hatching in the same colour."""
    if not any(flags):
        return {"color": colour}  # all reported: plain bars, as before
    colours = [colour] * len(flags) if isinstance(colour, str) else list(colour)
    return {
        "color": [_rgba(c, ILLUSTRATIVE_ALPHA) if f else c for c, f in zip(colours, flags, strict=True)],
        "pattern": {
            "shape": [ILLUSTRATIVE_PATTERN if f else "" for f in flags],
            "fgcolor": colours if len(set(colours)) > 1 else colours[0] if colours else None,
            "size": 7,
            "solidity": 0.3,
        },
        "line": {"color": colours, "width": [1.5 if f else 0 for f in flags]},
    }


def _point_symbols(flags: Sequence[bool], base: str = "circle") -> list[str]:
    return [f"{base}-open" if f else base for f in flags]


def add_illustrative_legend(fig: go.Figure, lang: str, kind: str = "bars", **where) -> go.Figure:
    """One legend entry naming how illustrative figures are drawn (kind: bars, points, cells, tiles, polar)."""
    name = t({"polar": "illus_points"}.get(kind, f"illus_{kind}"), lang)
    if kind == "bars":
        trace = go.Bar(
            x=[None],
            y=[None],
            name=name,
            marker=bar_marker(LEGEND_GREY, [True]),
            showlegend=True,
            hoverinfo="skip",
        )
    elif kind == "polar":
        trace = go.Scatterpolar(
            r=[None],
            theta=[None],
            name=name,
            mode="markers",
            marker={"symbol": "circle-open", "color": LEGEND_GREY, "size": 10},
            showlegend=True,
            hoverinfo="skip",
        )
    else:
        marker = {
            "points": {"symbol": "circle-open", "color": LEGEND_GREY, "size": 10},
            "cells": {"symbol": "square-open", "color": LEGEND_GREY, "size": 14},
            "tiles": {"symbol": "square", "color": _rgba(LEGEND_GREY, ILLUSTRATIVE_ALPHA), "size": 14},
        }[kind]
        trace = go.Scatter(
            x=[None], y=[None], name=name, mode="markers", marker=marker, showlegend=True, hoverinfo="skip"
        )
    fig.add_trace(trace, **where)
    return fig


def _box_illustrative_cells(fig: go.Figure, cells: list[tuple[str, str]], lang: str) -> None:
    """A square frame on each heatmap cell (x, y categories) that holds an illustrative figure, named in the legend."""
    fig.add_scatter(
        x=[x for x, _ in cells],
        y=[y for _, y in cells],
        mode="markers",
        marker={"symbol": "square-open", "size": 30, "color": "#5F6B76", "line": {"width": 1.5}},
        hoverinfo="skip",
        showlegend=True,
        name=t("illus_cells", lang),
    )


def heatmap(
    df: pd.DataFrame,
    lang: str = "zh",
    *,
    title: str | None = None,
    subtitle: str = "",
    parks: Sequence[str] | None = None,
) -> go.Figure:
    """Parks × indicators. A scores frame colours by score; a park matrix by each indicator's min–max.
    `parks`: the order of the rows, top down (e.g. the ranking's); otherwise as they come."""
    order = list(parks or [])
    scores = "score" in df.columns
    title = title or t("heat_scores" if scores else "heat_values", lang)
    col = "score" if scores else "value"
    data = df.dropna(subset=[col]) if len(df) else df
    fig = go.Figure()
    if not len(data):
        return apply_layout(_empty(fig, lang), title, subtitle, lang, legend=False)
    inds = catalog_order(data["indicator"])
    seen = list(dict.fromkeys(data["park"]))
    parks = [p for p in order if p in set(seen)] + [p for p in seen if p not in set(order)]
    z, text = [], []
    units = {i: _indicator_meta(i, lang)[1] for i in inds}
    if scores:
        cell = {(p, i): s for p, i, s in zip(data["park"], data["indicator"], data["score"], strict=True)}
        for p in parks:
            z.append([cell.get((p, i)) for i in inds])
            text.append(["" if cell.get((p, i)) is None else f"{cell[(p, i)]:.0f}" for i in inds])
    else:
        # Each indicator at its own scale (big money in 亿元), named in its column label.
        scaled = [_scaled(data[data["indicator"] == i], i, lang) for i in inds]
        units = {i: u for i, (_, u) in zip(inds, scaled, strict=True)}
        data = pd.concat([part for part, _ in scaled])
        shown = dict(zip(zip(data["park"], data["indicator"], strict=True), _display(data), strict=True))
        cell = {(p, i): v for p, i, v in zip(data["park"], data["indicator"], data["value"], strict=True)}
        span = {}
        for i in inds:
            vals = [v for (p, j), v in cell.items() if j == i]
            span[i] = (min(vals), max(vals))
        for p in parks:
            row_z, row_t = [], []
            for i in inds:
                v = cell.get((p, i))
                lo, hi = span[i]
                shade = None if v is None else (50.0 if hi == lo else 100 * (v - lo) / (hi - lo))
                if shade is not None and _indicator_meta(i, lang)[2] == "lower":
                    shade = 100 - shade  # darker is always better
                row_z.append(shade)
                row_t.append(esc(shown.get((p, i), "")))
            z.append(row_z)
            text.append(row_t)
    x = [
        esc(_with_unit(_indicator_meta(i, lang)[0], units[i], lang)) if not scores else esc(_indicator_meta(i, lang)[0])
        for i in inds
    ]
    # Tick labels on several lines, so long indicator names do not run into each other.
    ticks = [
        wrap(
            _indicator_meta(i, lang)[0],
            suffix=_with_unit("", units[i], lang).strip() if not scores else "",
        )
        for i in inds
    ]
    fig.add_heatmap(
        z=z,
        x=x,
        y=[park_label(p, lang) for p in parks],
        text=text,
        texttemplate="%{text}",
        colorscale=[list(s) for s in SEQUENTIAL],
        zmin=60 if scores else 0,  # scores run 60-100 (efficacy coefficient); value shades 0-100
        zmax=100,
        showscale=scores,
        colorbar={"title": {"text": t("score", lang)}} if scores else None,
        xgap=2,
        ygap=2,
        hovertemplate="%{y}<br>%{x}: %{text}<extra></extra>",
    )
    flagged = {(p, i) for p, i, f in zip(data["park"], data["indicator"], illustrative_flags(data), strict=True) if f}
    x_of = dict(zip(inds, x, strict=True))
    cells = [(x_of[i], park_label(p, lang)) for p in parks for i in inds if (p, i) in flagged]
    if cells:
        _box_illustrative_cells(fig, cells, lang)
    fig.update_yaxes(autorange="reversed")
    park_axis(fig, parks, lang)
    fig.update_xaxes(side="bottom", tickangle=-30 if len(inds) > 6 else 0, tickvals=x, ticktext=ticks)
    height = max(420, 160 + 56 * len(parks))
    return apply_layout(fig, title, subtitle, lang, height=height, legend=bool(cells))


def composite_bar(
    composite_df: pd.DataFrame, lang: str = "zh", *, title: str | None = None, subtitle: str = ""
) -> go.Figure:
    """Composite index by park, best on top, coverage (`4/6 指标`) beside each score; unscored parks left out
    (the page lists them)."""
    title = title or t("composite", lang)
    df = composite_df.dropna(subset=["index"]) if len(composite_df) else composite_df
    fig = go.Figure()
    if not len(df):
        return apply_layout(_empty(fig, lang), title, subtitle, lang, legend=False)
    trace = composite_trace(df, lang)
    fig.add_trace(trace)
    illustrative = any(illustrative_flags(df))
    if illustrative:
        add_illustrative_legend(fig, lang)
    fig.update_yaxes(autorange="reversed")
    park_axis(fig, df["park"], lang)
    # Scores run 60-100: the axis starts at 50 so that differences show; room on the right for the labels.
    fig.update_xaxes(title_text=t("index", lang), range=[50, 112])
    level_value_ticks(fig)
    return apply_layout(fig, title, subtitle, lang, height=_bar_height(len(df), df["park"], lang), legend=illustrative)


def coverage_text(n: object, total: object, lang: str = "zh") -> str:
    """`4/6 指标` / `4/6 indicators`; empty when either count is unknown."""
    if not (_known(n) and _known(total)):
        return ""
    return t("n_of_ind", lang).format(n=int(n), total=int(total))


def composite_trace(composite_df: pd.DataFrame, lang: str = "zh") -> go.Bar:
    """The composite-index bar trace of the scored parks (also placed into the summary's grid)."""
    df = composite_df.dropna(subset=["index"]) if len(composite_df) else composite_df
    df = df.sort_values("rank", kind="stable") if "rank" in df.columns else df
    n_ind = df["n_indicators"] if "n_indicators" in df.columns else [None] * len(df)
    n_all = df["n_indicators_available"] if "n_indicators_available" in df.columns else [None] * len(df)
    cover = [coverage_text(n, a, lang) for n, a in zip(n_ind, n_all, strict=True)]
    flags = illustrative_flags(df)
    return go.Bar(
        x=list(df["index"]),
        y=[park_label(p, lang) for p in df["park"]],
        orientation="h",
        text=[f"{v:.1f} · {c}" if c else f"{v:.1f}" for v, c in zip(df["index"], cover, strict=True)],
        textposition="outside",
        cliponaxis=False,
        marker=bar_marker(COLORWAY[2], flags),
        customdata=[[c or n, _basis_note(f, lang)] for c, n, f in zip(cover, n_ind, flags, strict=True)],
        name=t("index", lang),
        showlegend=False,
        hovertemplate="%{y}<br>"
        + t("index", lang)
        + ": %{x:.1f}%{customdata[1]}<br>"
        + t("n_ind", lang)
        + ": %{customdata[0]}<extra></extra>",
    )


def chain_heatmap(
    chain_matrix_df: pd.DataFrame, indicator: str, lang: str = "zh", *, title: str | None = None, subtitle: str = ""
) -> go.Figure:
    """Parks × industrial chains for one indicator, labelled with `display`."""
    df, name, unit = _indicator_values(chain_matrix_df, indicator, lang)
    title = title or f"{_with_unit(name, unit, lang)}{SEP}{t('chain_heat', lang)}"
    fig = go.Figure()
    if not len(df):
        return apply_layout(_empty(fig, lang), title, subtitle, lang, legend=False)
    parks = list(dict.fromkeys(df["park"]))
    chains = list(dict.fromkeys(df["chain"]))
    cell = {(p, c): v for p, c, v in zip(df["park"], df["chain"], df["value"], strict=True)}
    shown = dict(zip(zip(df["park"], df["chain"], strict=True), _display(df), strict=True))
    fig.add_heatmap(
        z=[[cell.get((p, c)) for c in chains] for p in parks],
        x=[chain_label(c, lang) for c in chains],
        y=[park_label(p, lang) for p in parks],
        text=[[esc(shown.get((p, c), "")) for c in chains] for p in parks],
        texttemplate="%{text}",
        colorscale=[list(s) for s in SEQUENTIAL],
        xgap=2,
        ygap=2,
        colorbar={"title": {"text": esc(unit)}},
        hovertemplate="%{y}<br>%{x}: %{text} " + esc(unit) + "<extra></extra>",
    )
    flagged = [
        (esc(c), park_label(p, lang))
        for p, c, f in zip(df["park"], df["chain"], illustrative_flags(df), strict=True)
        if f
    ]
    if flagged:
        _box_illustrative_cells(fig, flagged, lang)
    fig.update_yaxes(autorange="reversed")
    park_axis(fig, parks, lang)
    # Level names, on short lines: a phone scrolls this chart sideways rather than tilt or squeeze them.
    fig.update_xaxes(
        tickangle=0,
        tickmode="array",
        tickvals=[chain_label(c, lang) for c in chains],
        ticktext=[wrap(display_chain(c, lang), 5 if lang != "en" else 12) for c in chains],
    )
    height = max(420, 160 + 56 * len(parks))
    return apply_layout(fig, title, subtitle, lang, height=height, legend=bool(flagged))


def chain_treemap(
    chain_matrix_df: pd.DataFrame, indicator: str, lang: str = "zh", *, title: str | None = None, subtitle: str = ""
) -> go.Figure:
    """Park → chain treemap sized by one indicator (positive values only; a treemap cannot show others)."""
    df, name, unit = _indicator_values(chain_matrix_df, indicator, lang, positive_only=True)
    title = title or f"{_with_unit(name, unit, lang)}{SEP}{t('chain_tree', lang)}"
    fig = go.Figure()
    if not len(df):
        return apply_layout(_empty(fig, lang), title, subtitle, lang, legend=False)
    ids, labels, parents, values, text, colours = [], [], [], [], [], []
    scaled = unit != _indicator_meta(indicator, lang)[1]  # money shown in 亿元 / M or bn CNY
    places = numbers.places(indicator, WAN_PER_YI if scaled else 1)
    shown = _display(df)
    by_park = park_colours(df["park"])
    df = df.assign(_illus=illustrative_flags(df))
    for n, park in enumerate(dict.fromkeys(df["park"])):
        mask = (df["park"] == park).to_numpy()
        part = df[mask]
        pid = f"p{n}"
        ids.append(pid)
        labels.append(park_label(park, lang))
        parents.append("")
        values.append(float(part["value"].sum()))
        text.append(numbers.number_text(part["value"].sum(), places))
        colours.append(by_park[str(park)])
        for k, (chain, value, disp, illus) in enumerate(
            zip(
                part["chain"],
                part["value"],
                [s for s, m in zip(shown, mask, strict=True) if m],
                part["_illus"],
                strict=True,
            )
        ):
            ids.append(f"{pid}/c{k}")
            labels.append(chain_label(chain, lang))
            parents.append(pid)
            values.append(float(value))
            text.append(esc(disp) + _basis_note(illus, lang))
            colours.append(_rgba(by_park[str(park)], ILLUSTRATIVE_ALPHA) if illus else by_park[str(park)])
    fig.add_treemap(
        ids=ids,
        labels=labels,
        parents=parents,
        values=values,
        text=text,
        branchvalues="total",
        texttemplate="%{label}<br>%{text}",
        textinfo="label+text",
        hovertemplate="%{label}: %{text} " + esc(unit) + "<extra></extra>",
        marker={"colors": colours},
        tiling={"pad": 2},
        root_color="#FFFFFF",
    )
    illustrative = bool(df["_illus"].any())
    if illustrative:  # a legend entry needs a trace that can show one; its axes stay hidden
        add_illustrative_legend(fig, lang, "tiles")
        fig.update_xaxes(visible=False)
        fig.update_yaxes(visible=False)
    fig.update_layout(margin={"l": 8, "r": 8, "b": 8})
    return apply_layout(fig, title, subtitle, lang, height=560, legend=illustrative)


def chain_ranking_bar(
    chain_ranking_df: pd.DataFrame,
    indicator: str,
    lang: str = "zh",
    *,
    title: str | None = None,
    subtitle: str = "",
    top: int | None = 20,
) -> go.Figure:
    """Chains across parks ranked on one indicator, best on top, coloured by park."""
    df, name, unit = _indicator_values(chain_ranking_df, indicator, lang)
    title = title or f"{_with_unit(name, unit, lang)}{SEP}{t('chain_rank', lang)}"
    fig = go.Figure()
    if not len(df):
        return apply_layout(_empty(fig, lang), title, subtitle, lang, legend=False)
    sort_col = "rank_overall" if "rank_overall" in df.columns else "value"
    df = df.sort_values(sort_col, ascending=sort_col == "rank_overall", kind="stable")
    if top:
        df = df.head(top)
    open_, close = ("（", "）") if lang != "en" else (" (", ")")
    df = df.assign(
        # The park on a second line: one long line left a phone's bars no room.
        _label=[
            f"{chain_label(c, lang)}<br>{open_.strip()}{legend_name(p, lang, 30)}{close}"
            for c, p in zip(df["chain"], df["park"], strict=True)
        ],
        _shown=_display(df),
    )
    colours = park_colours(chain_ranking_df["park"])  # every park of the view, as the treemap colours them
    for park, part in df.groupby("park", sort=False):
        flags = illustrative_flags(part)
        fig.add_bar(
            x=list(part["value"]),
            y=list(part["_label"]),
            orientation="h",
            name=legend_name(park, lang),
            text=[esc(s) for s in part["_shown"]],
            textposition="outside",
            cliponaxis=False,
            marker=bar_marker(colours[str(park)], flags),
            customdata=[_basis_note(f, lang) for f in flags],
            hovertemplate="%{y}<br>%{text} " + esc(unit) + "%{customdata}<extra></extra>",
        )
    if any(illustrative_flags(df)):
        add_illustrative_legend(fig, lang)
    fig.update_yaxes(categoryorder="array", categoryarray=list(df["_label"]), autorange="reversed")
    fig.update_xaxes(title_text=_with_unit(name, unit, lang), range=value_range(df["value"], pad=0.3))
    level_value_ticks(fig)
    return apply_layout(fig, title, subtitle, lang, height=max(360, 140 + 48 * len(df)))


def trend_lines(
    trend_df: pd.DataFrame, indicator: str, lang: str = "zh", *, title: str | None = None, subtitle: str = ""
) -> go.Figure:
    """One line per park over periods of one kind; growth_pct on hover and, when known, in a lower panel."""
    df, name, unit = _indicator_values(trend_df, indicator, lang)
    title = title or f"{_with_unit(name, unit, lang)}{SEP}{t('trend', lang)}"
    if not len(df):
        return apply_layout(_empty(go.Figure(), lang), title, subtitle, lang, legend=False)
    df = df.sort_values(["period_start", "period_end"], kind="stable")
    periods = [esc(p) for p in dict.fromkeys(df["period_label"])]
    growth = "growth_pct" in df.columns and df["growth_pct"].notna().any()
    fig = make_subplots(
        rows=2 if growth else 1,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.08,
        row_heights=[0.68, 0.32] if growth else None,
    )
    shown = _display(df)
    df = df.assign(_shown=shown)
    colours = park_colours(df["park"])
    for park, part in df.groupby("park", sort=False):
        color = colours[str(park)]
        g = part["growth_pct"] if "growth_pct" in part.columns else pd.Series([None] * len(part))
        g_text = ["–" if pd.isna(v) else f"{v:+.1f}%" for v in g]
        flags = illustrative_flags(part)
        fig.add_scatter(
            x=[esc(p) for p in part["period_label"]],
            y=list(part["value"]),
            name=legend_name(park, lang),
            mode="lines+markers",
            line={"color": color, "width": 2.5},
            # Illustrative points hollow (and bigger, so the hole shows), reported ones solid.
            marker={"symbol": _point_symbols(flags), "size": [10 if f else 7 for f in flags]},
            legendgroup=park_label(park, lang),
            customdata=[
                [esc(s), gt, _basis_note(f, lang)] for s, gt, f in zip(part["_shown"], g_text, flags, strict=True)
            ],
            hovertemplate=park_label(park, lang)
            + "<br>%{x}: %{customdata[0]} "
            + esc(unit)
            + "%{customdata[2]}<br>"
            + t("growth", lang)
            + ": %{customdata[1]}<extra></extra>",
            row=1,
            col=1,
        )
        if growth:
            fig.add_bar(
                x=[esc(p) for p in part["period_label"]],
                y=[None if pd.isna(v) else v for v in g],
                name=legend_name(park, lang),
                marker=bar_marker(color, flags),
                legendgroup=park_label(park, lang),
                showlegend=False,
                hovertemplate=park_label(park, lang) + "<br>%{x}: %{y:+.1f}%<extra></extra>",
                row=2,
                col=1,
            )
    if any(illustrative_flags(df)):
        add_illustrative_legend(fig, lang, "points", row=1, col=1)
        if growth:  # the growth bars of illustrative figures are hatched too
            add_illustrative_legend(fig, lang, "bars", row=2, col=1)
    fig.update_xaxes(categoryorder="array", categoryarray=periods)
    fig.update_yaxes(title_text=_with_unit(name, unit, lang), row=1, col=1)
    if growth:
        fig.update_yaxes(title_text=t("growth", lang), zeroline=True, zerolinecolor="#9AA5B1", row=2, col=1)
        fig.update_layout(barmode="group")
    return apply_layout(fig, title, subtitle, lang, height=620 if growth else 460)


def _known(value: object) -> bool:
    return value is not None and not pd.isna(value)


def _delta_reference(card: dict, value: float, prev: float, divisor: float, rate: bool) -> tuple[float, bool]:
    """Plotly's delta `reference` and `relative` that make a card show the card's own change: like for like
    (`change`, `change_pct` cover only the parks with a figure in both periods, see queries.kpi_cards).

    Plotly shows value - reference, or value / reference - 1 when relative: so the reference is
    value / (1 + change_pct) for a percent, value - change otherwise. Without a change_pct (a previous
    value of 0, a rate) or when that reference would be 0 or infinite, the absolute change: never an
    infinite or sign-flipped percent (a plain value / prev - 1 flips the sign when prev is negative).
    A rate (`rate`: unit '%') always changes in percentage points. `value`, `prev` are already / divisor.
    """
    change = card.get("change")
    change = float(change) / divisor if _known(change) else value - prev
    if rate:
        return value - change, False
    pct = card["change_pct"] if "change_pct" in card else (100.0 * change / abs(prev) if prev else None)
    if _known(pct) and value != 0 and float(pct) != -100.0:
        return value / (1.0 + float(pct) / 100.0), True
    return value - change, False


def _flag(value: object) -> bool:
    return _known(value) and bool(value)


def kpi_indicator(card: pd.Series | dict, lang: str = "zh") -> go.Indicator:
    """One KPI card: the value as reported (约/余 kept) and its change vs the comparable previous period."""
    card = dict(card)
    raw_unit = card.get("unit") or ""
    unit = unit_label(raw_unit, lang)
    name = card.get("name") or _indicator_meta(str(card.get("indicator", "")), lang)[0]
    _, _, direction = _indicator_meta(str(card.get("indicator", "")), lang)
    qualifier = card.get("qualifier") or "exact"
    value = card.get("value")
    prev = card.get("prev_value")
    has_prev = prev is not None and not pd.isna(prev) and value is not None and not pd.isna(value)
    comparison = card.get("comparison")
    if has_prev:
        cmp_word = t(comparison, lang) if comparison in ("yoy", "mom") else t("vs", lang)
        sub = f"{cmp_word} {card.get('prev_label') or ''}".strip()
        n_parks, n_cmp = card.get("n_parks"), card.get("n_parks_compared")
        if _known(n_parks) and _known(n_cmp) and int(n_cmp) < int(n_parks):
            # The change covers only parks with a figure in both periods: say so on the card.
            sub += t("n_compared", lang).format(n=int(n_cmp), total=int(n_parks))
    else:
        sub = t("no_prev", lang)
    # Never overstate: how many of the parks in view the card covers, and what is illustrative.
    if has_prev and _flag(card.get("prev_illustrative")):
        sub += SEP + t("prev_illus", lang)
    if _flag(card.get("illustrative")):
        sub += SEP + t("illus_short", lang)
    n_parks, in_view = card.get("n_parks"), card.get("n_parks_in_view")
    if _known(n_parks) and _known(in_view) and int(in_view) > 0:
        sub += SEP + t("n_of_parks", lang).format(n=int(n_parks), total=int(in_view))
    if card.get("aggregation") == "mean":
        sub = f"{t('park_mean', lang)}{SEP}{sub}"
    prefix = ("约" if lang != "en" else "~") if qualifier == "approx" else ""
    suffix = ("余" if lang != "en" else "+") if qualifier == "at_least" else ""
    # Big money in 亿元 / bn CNY (value and reference alike, so the delta agrees); stored figures stay in 万元.
    divisor, unit = money_scale([value], raw_unit, lang) if _known(value) else (1.0, unit)
    reference, relative = None, False
    if has_prev:
        scaled = (float(value) / divisor, float(prev) / divisor)
        reference, relative = _delta_reference(card, *scaled, divisor, rate=raw_unit == "%")
    if divisor != 1:
        value = float(value) / divisor
    suffix += unit if lang != "en" or raw_unit == "%" or not unit else f" {unit}"
    valueformat = f",.{numbers.places(card.get('indicator'), divisor)}f"  # the catalog's decimals
    up, down = (GOOD, BAD) if direction == "higher" else (BAD, GOOD)
    return go.Indicator(
        mode="number+delta" if has_prev else "number",
        value=None if value is None or pd.isna(value) else float(value),
        number={
            "prefix": prefix,
            "suffix": esc(suffix),
            "valueformat": valueformat,
            "font": {"size": 30, "color": "#1F2A36"},
        },
        delta={
            "reference": reference,
            "relative": relative,
            "valueformat": ".1%" if relative else ",.2~f",
            "increasing": {"color": up},
            "decreasing": {"color": down},
            "font": {"size": 15},
            "suffix": "" if relative else (t("pp", lang) if raw_unit == "%" else ""),
        }
        if has_prev
        else None,
        title={
            "text": f"{esc(name)}<br><span style='font-size:12px;color:#5F6B76'>{esc(sub)}</span>",
            "font": {"size": 15},
        },
    )


def kpi_figure(
    kpi_df: pd.DataFrame, lang: str = "zh", *, title: str | None = None, subtitle: str = "", columns: int = 4
) -> go.Figure:
    """KPI cards in a grid, each with its change vs the comparable previous period."""
    title = title or t("kpi", lang)
    fig = go.Figure()
    if not len(kpi_df):
        return apply_layout(_empty(fig, lang), title, subtitle, lang, legend=False)
    rows = math.ceil(len(kpi_df) / columns)
    for n, (_, card) in enumerate(kpi_df.iterrows()):
        r, c = divmod(n, columns)
        trace = kpi_indicator(card, lang)
        trace.domain = {
            "x": [c / columns + 0.01, (c + 1) / columns - 0.01],
            "y": [1 - (r + 1) / rows + 0.02, 1 - r / rows - 0.08],
        }
        fig.add_trace(trace)
    return apply_layout(fig, title, subtitle, lang, height=max(300, 60 + 190 * rows), legend=False)


def names_in(fig: go.Figure) -> Iterable[str]:
    """Every text a figure shows from its traces (labels, categories, names): for tests and checks."""
    for trace in fig.data:
        for attr in ("name", "x", "y", "text", "labels", "theta"):
            val = getattr(trace, attr, None)
            if val is None:
                continue
            if isinstance(val, str):
                yield val
            else:
                for item in val:
                    if isinstance(item, (list, tuple)):
                        yield from (str(i) for i in item)
                    elif isinstance(item, str):
                        yield item


FOOTER_HEIGHT = 44  # pixels added under a figure for its footer line


def with_footer(fig: go.Figure, text: str) -> go.Figure:
    """A copy of `fig` with one grey line at its bottom edge (source, time, illustrative note: what a
    downloaded image is), the figure made that much taller so nothing moves into it."""
    out = go.Figure(fig)
    height = int(out.layout.height or 500)
    bottom = (out.layout.margin.b if out.layout.margin and out.layout.margin.b is not None else 48) + FOOTER_HEIGHT
    out.update_layout(height=height + FOOTER_HEIGHT, margin={"b": bottom})
    if out.layout.showlegend is not False:  # the legend sits at the bottom edge (apply_layout): above the footer
        out.update_layout(legend={"y": FOOTER_HEIGHT / (height + FOOTER_HEIGHT)})
    out.add_annotation(
        text=esc(text),
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        yshift=-(bottom - 12),
        xanchor="left",
        yanchor="bottom",
        showarrow=False,
        align="left",
        font={"size": 12, "color": "#5F6B76", "family": FONT_FAMILY},
    )
    return out
