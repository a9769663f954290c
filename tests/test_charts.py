"""Chart builders: trace types, values, order, the shared layout and literal data text."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from metrics import charts

EVIL = "<b>x</b> & <br>y"
EVIL_ESCAPED = "&lt;b&gt;x&lt;/b&gt; &amp; &lt;br&gt;y"


def ranking_frame():
    return pd.DataFrame(
        {
            "rank": [2, 1, 3],
            "park": ["潍坊", "东营", EVIL],
            "value": [110.0, 120.0, 20.0],
            "qualifier": ["at_least", "exact", "approx"],
            "display": ["110余", "120", "约20"],
            "unit": ["家"] * 3,
        }
    )


def matrix_frame():
    rows = [
        ("东营", "revenue", 500.0, "500"),
        ("东营", "firms_revenue_100m", 110.0, "110余"),
        ("潍坊", "revenue", 300.0, "300"),
        ("潍坊", "firms_revenue_100m", 20.0, "约20"),
        ("潍坊", "revenue_yoy", 8.5, "8.5"),
    ]
    return pd.DataFrame(rows, columns=["park", "indicator", "value", "display"])


def chain_frame():
    return pd.DataFrame(
        {
            "park": ["东营", "东营", "潍坊"],
            "chain": ["石化", EVIL, "海洋化工"],
            "value": [500.0, 300.0, 200.0],
            "qualifier": ["exact", "exact", "approx"],
            "display": ["500", "300", "约200"],
        }
    )


def trend_frame():
    rows = []
    for park, base in (("东营", 100.0), ("潍坊", 80.0)):
        for y in (2024, 2022, 2023):  # out of order on purpose
            rows.append(
                (park, dt.date(y, 1, 1), dt.date(y, 12, 31), f"{y}年", base + y - 2022, None if y == 2022 else 1.0)
            )
    return pd.DataFrame(rows, columns=["park", "period_start", "period_end", "period_label", "value", "growth_pct"])


@lru_cache(maxsize=2)
def all_figures(lang="zh") -> dict[str, go.Figure]:
    scores = matrix_frame().assign(score=[100.0, 100.0, 0.0, 0.0, 50.0])[["park", "indicator", "score"]]
    composite = pd.DataFrame({"rank": [2, 1], "park": ["潍坊", EVIL], "index": [40.0, 75.5], "n_indicators": [3, 2]})
    kpi = pd.DataFrame(
        {
            "indicator": ["revenue", "firms_revenue_100m"],
            "name": ["营业收入", "营业收入过亿元企业数"],
            "unit": ["万元", "家"],
            "value": [800.0, 130.0],
            "qualifier": ["exact", "at_least"],
            "prev_value": [700.0, None],
            "prev_label": ["2023年", None],
            "comparison": ["yoy", None],
        }
    )
    return {
        "ranking": charts.ranking_bar(ranking_frame(), "firms_revenue_100m", "2024年", lang),
        "grouped": charts.grouped_bars(matrix_frame(), lang),
        "radar": charts.radar(scores, lang),
        "heat_scores": charts.heatmap(scores, lang),
        "heat_values": charts.heatmap(matrix_frame(), lang),
        "composite": charts.composite_bar(composite, lang),
        "chain_heat": charts.chain_heatmap(chain_frame(), "revenue", lang),
        "chain_tree": charts.chain_treemap(chain_frame(), "revenue", lang),
        "chain_rank": charts.chain_ranking_bar(chain_frame().assign(rank_overall=[1, 2, 3]), "revenue", lang),
        "trend": charts.trend_lines(trend_frame(), "revenue", lang),
        "kpi": charts.kpi_figure(kpi, lang),
    }


FIGURE_NAMES = [
    "ranking",
    "grouped",
    "radar",
    "heat_scores",
    "heat_values",
    "composite",
    "chain_heat",
    "chain_tree",
    "chain_rank",
    "trend",
    "kpi",
]


def test_ranking_bar_best_on_top_with_display_labels():
    fig = charts.ranking_bar(ranking_frame(), "firms_revenue_100m", "2024年前三季度", "zh")
    (bar,) = fig.data
    assert bar.type == "bar" and bar.orientation == "h"
    assert list(bar.y) == ["东营", "潍坊", EVIL_ESCAPED]  # sorted by rank
    assert list(bar.x) == [120.0, 110.0, 20.0]
    assert list(bar.text) == ["120", "110余", "约20"]
    assert fig.layout.yaxis.autorange == "reversed"  # first category drawn at the top
    # A long title goes onto two lines at its " · " on a phone-sized chart.
    assert fig.layout.title.text.replace("<br>", charts.SEP) == "营业收入过亿元企业数（家） · 园区排名"
    assert fig.layout.title.subtitle.text == "2024年前三季度"


def test_bar_axes_leave_room_for_outside_labels_and_negatives():
    assert charts.value_range([120.0, 110.0, 20.0]) == [0.0, 138.0]
    assert charts.value_range([-5.0, 10.0]) == [-7.25, 12.25]  # a fall in growth stays on the chart
    assert charts.value_range([float("nan")]) is None
    fig = charts.ranking_bar(ranking_frame(), "firms_revenue_100m", "2024年", "zh")
    assert tuple(fig.layout.xaxis.range) == (0.0, 156.0)  # 0.3 of the axis past the longest bar: room on a phone


def test_english_titles_come_from_the_catalog():
    fig = charts.ranking_bar(ranking_frame(), "firms_revenue_100m", "2024", "en")
    assert (
        fig.layout.title.text.replace("<br>", charts.SEP) == "Firms with revenue over 100M yuan (units) · Park ranking"
    )
    assert "(units)" in fig.layout.xaxis.title.text


@pytest.mark.parametrize("name", FIGURE_NAMES)
def test_every_figure_carries_the_shared_layout(name):
    fig = all_figures()[name]
    assert fig.layout.template.layout.colorway == charts.COLORWAY
    assert fig.layout.template.layout.paper_bgcolor == "#FFFFFF"
    assert fig.layout.font.family == charts.FONT_FAMILY
    assert fig.layout.font.family.startswith("Noto Sans CJK SC")
    assert fig.layout.title.text


def test_template_is_explicit_even_when_streamlit_changed_the_default(monkeypatch):
    import streamlit  # noqa: F401 - registers the "streamlit" template and makes it the default

    monkeypatch.setattr(pio.templates, "default", "streamlit")  # as the first import did; undone after
    fig = charts.ranking_bar(ranking_frame(), "revenue", "2024", "zh")
    full = fig.to_plotly_json()["layout"]["template"]["layout"]
    assert full["colorway"] == list(charts.COLORWAY)
    assert full != pio.templates["streamlit"].to_plotly_json()["layout"]
    assert fig.data[0].marker.color == charts.COLORWAY[0]


@pytest.mark.parametrize("name", FIGURE_NAMES)
def test_data_names_are_escaped(name):
    texts = list(charts.names_in(all_figures()[name]))
    # The data's "<b>x</b> & <br>y" only escaped; a "<br>" of the chart's own (a wrapped label) is no data.
    assert not any("<b>" in s or "<br>y" in s for s in texts), texts
    if name in ("ranking", "composite", "chain_heat", "chain_tree", "chain_rank"):
        assert any(EVIL_ESCAPED in s for s in texts), texts


HOSTILE = '=HYPERLINK("http://x","点我")<img src=x onerror=alert(1)>'
HOSTILE_TAG = "<img"
HOSTILE_SHOWN = "&lt;img src=x onerror=alert(1)&gt;"


def hostile(df: pd.DataFrame) -> pd.DataFrame:
    """The frame with every park and chain name (and a KPI card's name and label) hostile."""
    out = df.copy()
    for column in ("park", "chain", "name", "prev_label"):
        if column in out.columns:
            out[column] = [None if v is None else f"{v}{HOSTILE}" for v in out[column]]
    return out


def hostile_figures(lang: str) -> dict[str, go.Figure]:
    scores = matrix_frame().assign(score=[100.0, 100.0, 0.0, 0.0, 50.0])[["park", "indicator", "score"]]
    composite = pd.DataFrame({"rank": [2, 1], "park": ["潍坊", "东营"], "index": [40.0, 75.5], "n_indicators": [3, 2]})
    kpi = pd.DataFrame(
        {
            "indicator": ["revenue", "firms_revenue_100m"],
            "name": ["营业收入", "营业收入过亿元企业数"],
            "unit": ["万元", "家"],
            "value": [800.0, 130.0],
            "qualifier": ["exact", "at_least"],
            "prev_value": [700.0, 120.0],
            "prev_label": ["2023年", "2023年"],
            "comparison": ["yoy", "yoy"],
        }
    )
    chains = hostile(chain_frame())
    return {
        "ranking": charts.ranking_bar(hostile(ranking_frame()), "firms_revenue_100m", "2024年", lang),
        "grouped": charts.grouped_bars(hostile(matrix_frame()), lang),
        "radar": charts.radar(hostile(scores), lang),
        "heat_scores": charts.heatmap(hostile(scores), lang),
        "heat_values": charts.heatmap(hostile(matrix_frame()), lang),
        "composite": charts.composite_bar(hostile(composite), lang),
        "chain_heat": charts.chain_heatmap(chains, "revenue", lang),
        "chain_tree": charts.chain_treemap(chains, "revenue", lang),
        "chain_rank": charts.chain_ranking_bar(chains.assign(rank_overall=[1, 2, 3]), "revenue", lang),
        "trend": charts.trend_lines(hostile(trend_frame()), "revenue", lang),
        "kpi": charts.kpi_figure(hostile(kpi), lang),
    }


def every_text(node) -> list[str]:
    """Every string anywhere in a figure's JSON: names, text, hovertemplate, customdata, labels, ticks, titles."""
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for value in node.values() for s in every_text(value)]
    if isinstance(node, (list, tuple)):
        return [s for value in node for s in every_text(value)]
    if hasattr(node, "tolist"):  # numpy arrays (customdata, text)
        return every_text(node.tolist())
    return []


def test_hostile_names_are_fed_to_every_builder():
    assert set(hostile_figures("zh")) == set(FIGURE_NAMES)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", FIGURE_NAMES)
def test_hostile_names_are_literal_in_every_text_of_every_figure(name, lang):
    fig = hostile_figures(lang)[name].to_plotly_json()
    texts = every_text(fig["data"]) + every_text(fig["layout"])
    assert not [s for s in texts if HOSTILE_TAG in s], name  # no raw tag in any field, hover text included
    shown = [s for s in every_text(fig["data"]) if HOSTILE_SHOWN in s]
    assert shown, f"{name}: the hostile name is not shown at all"  # it is there, as literal text


def test_esc_is_literal_for_tags_entities_and_missing():
    assert charts.esc("<a href='x'>y</a>") == "&lt;a href='x'&gt;y&lt;/a&gt;"
    assert charts.esc("&lt;") == "&amp;lt;"
    assert charts.esc(None) == "" and charts.esc(float("nan")) == ""
    fig = charts.apply_layout(go.Figure(), "<b>标题</b>", "园区：<i>a</i>", "zh")
    assert fig.layout.title.text == "&lt;b&gt;标题&lt;/b&gt;"
    assert fig.layout.title.subtitle.text == "园区：&lt;i&gt;a&lt;/i&gt;"


def test_grouped_bars_one_trace_per_indicator_one_panel_per_unit():
    fig = charts.grouped_bars(matrix_frame(), "zh")
    assert [t.type for t in fig.data] == ["bar"] * 3
    # Catalog order, whatever order the frame came in; 万元, % and 家 never share a scale.
    assert [t.name for t in fig.data] == ["营业收入（万元）", "营业收入同比增长（%）", "营业收入过亿元企业数（家）"]
    assert [t.yaxis for t in fig.data] == ["y", "y2", "y3"]
    assert list(fig.data[2].text) == ["110余", "约20"]
    assert fig.layout.barmode == "group"


def test_radar_closes_each_polygon_on_a_60_100_axis():
    scores = matrix_frame().assign(score=[100.0, 90.0, 60.0, 64.0, 80.0])
    fig = charts.radar(scores, "zh")
    assert [t.type for t in fig.data] == ["scatterpolar", "scatterpolar"]
    dongying = fig.data[0]
    assert dongying.name == "东营" and list(dongying.r) == [100.0, None, 90.0, 100.0]  # catalog order
    assert dongying.theta[0] == dongying.theta[-1] == "营业收入"
    assert tuple(fig.layout.polar.radialaxis.range) == (50, 100)  # efficacy-coefficient scores are 60-100


def test_heatmap_scores_and_values():
    scores = matrix_frame().assign(score=[100.0, 90.0, 60.0, 64.0, 80.0])[["park", "indicator", "score"]]
    h = charts.heatmap(scores, "zh").data[0]
    assert h.type == "heatmap" and (h.zmin, h.zmax) == (60, 100)
    assert [list(r) for r in h.z] == [[100.0, None, 90.0], [60.0, 80.0, 64.0]]  # revenue, revenue_yoy, firms
    v = charts.heatmap(matrix_frame(), "zh").data[0]
    assert [list(r) for r in v.text] == [["500", "", "110余"], ["300", "8.5", "约20"]]
    assert [list(r) for r in v.z] == [[100.0, None, 100.0], [0.0, 50.0, 0.0]]  # colour within each indicator


def test_composite_bar_sorted_by_rank():
    df = pd.DataFrame({"rank": [2, 1], "park": ["潍坊", "东营"], "index": [40.0, 75.5], "n_indicators": [3, 2]})
    (bar,) = charts.composite_bar(df, "zh").data
    assert list(bar.y) == ["东营", "潍坊"] and list(bar.text) == ["75.5", "40.0"]


def test_chain_heatmap_and_treemap():
    h = charts.chain_heatmap(chain_frame(), "revenue", "zh").data[0]
    assert list(h.y) == ["东营", "潍坊"] and list(h.x) == ["石化", EVIL_ESCAPED, "海洋化工"]
    assert [list(r) for r in h.z] == [[500.0, 300.0, None], [None, None, 200.0]]
    tm = charts.chain_treemap(chain_frame(), "revenue", "zh").data[0]
    assert tm.type == "treemap" and tm.branchvalues == "total"
    assert list(tm.labels) == ["东营", "石化", EVIL_ESCAPED, "潍坊", "海洋化工"]
    assert list(tm.parents) == ["", "p0", "p0", "", "p1"]
    assert list(tm.values) == [800.0, 500.0, 300.0, 200.0, 200.0]
    assert "约200" in tm.text


def test_chain_ranking_bar_orders_across_parks():
    df = chain_frame().assign(rank_overall=[2, 3, 1])
    fig = charts.chain_ranking_bar(df, "revenue", "zh")
    assert [t.name for t in fig.data] == ["潍坊", "东营"]
    # The park on a line of its own under the chain.
    assert list(fig.layout.yaxis.categoryarray) == [
        "海洋化工<br>（潍坊）",
        "石化<br>（东营）",
        EVIL_ESCAPED + "<br>（东营）",
    ]


def test_trend_lines_chronological_with_growth_panel():
    fig = charts.trend_lines(trend_frame(), "revenue", "zh")
    lines = [t for t in fig.data if t.type == "scatter"]
    bars = [t for t in fig.data if t.type == "bar"]
    assert [t.name for t in lines] == ["东营", "潍坊"] and len(bars) == 2
    assert list(lines[0].x) == ["2022年", "2023年", "2024年"]
    assert list(lines[0].y) == [100.0, 101.0, 102.0]
    assert [c[1] for c in lines[0].customdata] == ["–", "+1.0%", "+1.0%"]
    assert list(bars[0].y) == [None, 1.0, 1.0] and bars[0].yaxis == "y2"


def test_trend_without_growth_is_one_panel():
    fig = charts.trend_lines(trend_frame().assign(growth_pct=None), "revenue", "zh")
    assert {t.type for t in fig.data} == {"scatter"}


def test_kpi_cards_keep_qualifiers_and_compare_to_previous():
    kpi = all_figures()["kpi"]
    revenue, firms = kpi.data
    assert revenue.type == "indicator" and revenue.mode == "number+delta"
    assert revenue.delta.reference == 700.0 and revenue.delta.relative
    assert "同比 2023年" in revenue.title.text
    assert firms.mode == "number" and firms.number.suffix == "余家"
    assert "无可比时期数据" in firms.title.text


def test_kpi_card_says_when_not_every_park_compares_and_when_it_is_a_mean():
    card = {
        "indicator": "revenue_yoy",
        "name": "营业收入同比增长",
        "unit": "%",
        "value": 8.0,
        "qualifier": "exact",
        "aggregation": "mean",
        "prev_value": 7.5,
        "prev_label": "2023年",
        "comparison": "yoy",
        "n_parks": 3,
        "n_parks_compared": 2,
    }
    trace = charts.kpi_indicator(card, "zh")
    assert "园区平均 · 同比 2023年（2/3 个园区可比）" in trace.title.text
    assert not trace.delta.relative and trace.delta.suffix == "个百分点"  # a rate changes in percentage points
    en = charts.kpi_indicator(card | {"n_parks_compared": 3, "aggregation": "sum"}, "en")
    assert en.delta.suffix == " pp"
    assert "comparable" not in en.title.text and "YoY 2023年" in en.title.text


def shown_delta(trace) -> float:
    """The change a KPI card draws: Plotly shows value / reference - 1 (relative) or value - reference."""
    if trace.delta.relative:
        return trace.value / trace.delta.reference - 1
    return trace.value - trace.delta.reference


def test_kpi_card_image_shows_the_like_for_like_change_of_the_card():
    # 130 now over two parks; only one reported last year (100 then, 110 now): +10 %, not +30 %.
    card = {
        "indicator": "enterprises_visited",
        "unit": "家",
        "value": 130.0,
        "prev_value": 100.0,
        "change": 10.0,
        "change_pct": 10.0,
        "comparison": "yoy",
        "prev_label": "2023年",
        "n_parks": 2,
        "n_parks_compared": 1,
    }
    trace = charts.kpi_indicator(card, "zh")
    assert trace.delta.relative and shown_delta(trace) == pytest.approx(0.10)


def test_kpi_card_image_never_flips_the_sign_or_divides_by_zero():
    rise_from_negative = {"indicator": "revenue", "unit": "万元", "value": -50.0, "prev_value": -100.0}
    rise_from_negative |= {"change": 50.0, "change_pct": 50.0, "comparison": "yoy", "prev_label": "2023年"}
    trace = charts.kpi_indicator(rise_from_negative, "zh")
    assert trace.delta.relative and shown_delta(trace) == pytest.approx(0.5)  # a rise shows as a rise
    from_zero = rise_from_negative | {"value": 7.0, "prev_value": 0.0, "change": 7.0, "change_pct": float("nan")}
    trace = charts.kpi_indicator(from_zero, "zh")
    assert not trace.delta.relative and shown_delta(trace) == 7.0  # no percent of nothing: the change itself
    without_change_columns = {k: v for k, v in rise_from_negative.items() if k not in ("change", "change_pct")}
    assert shown_delta(charts.kpi_indicator(without_change_columns, "zh")) == pytest.approx(0.5)


def test_empty_frames_give_a_no_data_figure():
    empty = ranking_frame().iloc[0:0]
    fig = charts.ranking_bar(empty, "revenue", "2024", "zh")
    assert not fig.data and fig.layout.annotations[0].text == "暂无数据"
    assert charts.trend_lines(trend_frame().iloc[0:0], "revenue", "en").layout.annotations[0].text == "No data"


def test_filters_text():
    assert (
        charts.filters_text("zh", "2024年", parks=["东营", "潍坊"], category="talent", include_illustrative=False)
        == "2024年 · 园区：东营、潍坊 · 产业链：园区整体 · 指标类别：人才 · 仅报告数据"
    )
    assert (
        charts.filters_text("en", "2024", chains=["石化"])
        == "2024 · Park: all · Chain: 石化 · incl. illustrative figures"
    )


def test_value_heatmap_is_darker_for_better_even_when_lower_is_better(tmp_path, monkeypatch):
    from metrics.catalog import HERE, load_catalog

    text = (HERE / "indicators.toml").read_text(encoding="utf-8")
    start = text.index('id = "revenue_yoy"')
    flipped = text[:start] + text[start:].replace('direction = "higher"', 'direction = "lower"', 1)
    (tmp_path / "indicators.toml").write_text(flipped, encoding="utf-8")
    monkeypatch.setattr(charts, "default_catalog", lambda: load_catalog(tmp_path / "indicators.toml"))
    v = charts.heatmap(
        matrix_frame().assign(park=["东营", "东营", "潍坊", "潍坊", "威海"], value=[500.0, 110.0, 300.0, 20.0, 9.0]),
        "zh",
    ).data[0]
    yoy = [row[1] for row in v.z]  # revenue_yoy: only 威海 reports it
    assert yoy == [None, None, 50.0]
    rates = matrix_frame().assign(
        indicator="revenue_yoy", park=["a", "b", "c", "d", "e"], value=[1.0, 2.0, 3.0, 4.0, 5.0]
    )
    z = [row[0] for row in charts.heatmap(rates, "zh").data[0].z]
    assert z == [100.0, 75.0, 50.0, 25.0, 0.0]  # the lowest rate is best here


DY_ZH, DY_EN = "东营经济技术开发区", "Dongying Economic and Technological Development Zone"
WH_ZH, WH_EN = "威海南海新区", "Weihai Nanhai New Area"


def big_money_frame():
    return pd.DataFrame(
        {
            "rank": [1, 2, 3],
            "park": [DY_ZH, WH_ZH, "某新园区"],
            "value": [39_715_876.0, 25_000.0, 800.0],
            "qualifier": ["exact", "at_least", "approx"],
            "display": ["39,715,876", "25,000余", "约800"],
            "unit": ["万元"] * 3,
        }
    )


def test_money_scale_and_card_text():
    assert charts.card_value(39_715_876, "exact", "万元", "zh")[0] == "3,971.59亿元"
    assert charts.card_value(39_715_876, "exact", "万元", "en")[0] == "397.16 bn CNY"
    assert charts.card_value(39_715_876, "at_least", "万元", "zh")[0] == "3,971.59余亿元"
    assert charts.card_value(39_715_876, "approx", "万元", "en")[0] == "~397.16 bn CNY"
    assert charts.card_value(25_000, "exact", "万元", "en")[0] == "250 M CNY"
    assert charts.card_value(9_999, "exact", "万元", "zh") == ("", "万元", 1.0)  # below 1亿元: as stored
    assert charts.card_value(39_715_876, "exact", "家", "zh") == ("", "家", 1.0)  # only money is rescaled


@pytest.mark.parametrize("lang, unit, divisor", [("zh", "亿元", 1e4), ("en", "bn CNY", 1e5)])
def test_big_money_charts_scale_to_yi_yuan(lang, unit, divisor):
    df = big_money_frame()
    fig = charts.ranking_bar(df, "revenue", "2024", lang)
    bar = fig.data[0]
    assert list(bar.x) == pytest.approx([v / divisor for v in df["value"]])
    assert bar.text[0] == ("3,971.59" if lang == "zh" else "397.16")
    assert bar.text[1] == ("2.50余" if lang == "zh" else "0.25+")  # every figure with the same 2 decimals
    assert unit in fig.layout.xaxis.title.text and unit in fig.layout.title.text
    assert "万元" not in fig.layout.xaxis.title.text and "10k CNY" not in fig.layout.xaxis.title.text
    assert list(df["value"]) == [39_715_876.0, 25_000.0, 800.0]  # the caller's frame is untouched
    trend = df.assign(period_start=dt.date(2024, 1, 1), period_end=dt.date(2024, 12, 31), period_label="2024")
    line = charts.trend_lines(trend, "revenue", lang)
    assert unit in line.layout.yaxis.title.text and max(line.data[0].y) < 4_000
    matrix = df.assign(indicator="revenue", name="营业收入")
    grouped = charts.grouped_bars(matrix, lang)
    assert unit in grouped.layout.annotations[0].text and max(grouped.data[0].x) < 4_000  # panel title
    heat = charts.heatmap(matrix, lang)
    assert unit in heat.data[0].x[0] and heat.data[0].text[0][0] == bar.text[0]


def test_small_money_keeps_wan_yuan():
    df = big_money_frame().iloc[1:].assign(value=[5_000.0, 800.0], display=["5,000", "约800"])
    fig = charts.ranking_bar(df, "revenue", "2024", "zh")
    assert list(fig.data[0].x) == [5_000.0, 800.0] and "万元" in fig.layout.xaxis.title.text


def test_parks_by_english_name_in_english_only():
    df = big_money_frame()
    assert list(charts.ranking_bar(df, "revenue", "", "en").data[0].y) == [DY_EN, WH_EN, "某新园区"]
    assert list(charts.ranking_bar(df, "revenue", "", "zh").data[0].y) == [DY_ZH, WH_ZH, "某新园区"]
    assert charts.display_park(EVIL, "en") == EVIL and charts.park_label(EVIL, "en") == EVIL_ESCAPED
    assert f"Park: {DY_EN}" in charts.filters_text("en", "2024", parks=[DY_ZH])
    assert f"园区：{DY_ZH}" in charts.filters_text("zh", "2024", parks=[DY_ZH])
    chains = df.assign(chain=["新材料", "海洋化工", "高端装备"])
    assert set(charts.chain_heatmap(chains, "revenue", "en").data[0].y) == {DY_EN, WH_EN, "某新园区"}
    assert DY_EN in charts.chain_treemap(chains, "revenue", "en").data[0].labels
    legend = {t.name.replace("<br>", " ") for t in charts.chain_ranking_bar(chains, "revenue", "en").data}
    assert legend == {DY_EN, WH_EN, "某新园区"}  # a long English name on short lines in the legend
