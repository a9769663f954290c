"""Every chart that draws values draws illustrative figures apart from reported ones, with a legend entry saying so."""

from __future__ import annotations

import datetime as dt

import pytest
from parsed_factory import figure, parsed

from metrics import charts
from metrics import queries as q
from metrics.store import Store

Y2023 = (dt.date(2023, 1, 1), dt.date(2023, 12, 31))


@pytest.fixture
def store(db_path):
    s = Store(db_path)
    rows = [
        figure("A", "revenue", 100),
        figure("B", "revenue", 50, basis="illustrative"),
        figure("A", "revenue", 90, period=Y2023),
        figure("B", "revenue", 40, period=Y2023, basis="illustrative"),
        figure("A", "national_platforms", 3),
        figure("B", "national_platforms", 5),
        figure("A", "revenue", 60, chain="x"),
        figure("A", "revenue", 40, chain="y", basis="illustrative"),
    ]
    assert s.load(parsed("mixed.csv", rows)).status == "loaded"
    return s


def legend_names(fig) -> list[str]:
    return [t.name for t in fig.data if getattr(t, "showlegend", False) and t.name and "示意数据" in t.name]


def trace_of(fig, name):
    return next(t for t in fig.data if t.name == name)


F = q.Filters(indicators=("revenue", "national_platforms"))


def test_bars_of_illustrative_figures_are_light_and_hatched(store):
    ranked = q.ranking(store, F, "revenue")
    fig = charts.ranking_bar(ranked, "revenue")
    bar = fig.data[0]
    assert list(bar.y) == ["A", "B"]
    assert list(bar.marker.pattern.shape) == ["", "/"]
    assert bar.marker.color[0] == charts.COLORWAY[0] and bar.marker.color[1].startswith("rgba(")
    assert legend_names(fig) == ["示意数据（浅色斜线）"] and fig.layout.showlegend
    en = charts.ranking_bar(ranked, "revenue", lang="en")
    assert [t.name for t in en.data if t.showlegend] == ["illustrative (light, hatched)"]

    grouped = charts.grouped_bars(q.park_matrix(store, F), indicators=["revenue", "national_platforms"])
    revenue, platforms = (t for t in grouped.data if t.type == "bar" and t.x[0] is not None)
    assert list(revenue.marker.pattern.shape) == ["", "/"] and platforms.marker.pattern.shape is None
    assert legend_names(grouped) == ["示意数据（浅色斜线）"]


def test_reported_only_charts_carry_no_illustrative_legend(store):
    fig = charts.ranking_bar(q.ranking(store, F, "national_platforms"), "national_platforms")
    assert fig.data[0].marker.pattern.shape is None and not legend_names(fig)


def test_points_of_illustrative_figures_are_hollow(store):
    fig = charts.trend_lines(q.trend(store, F, "revenue"), "revenue")
    b = trace_of(fig, "B")
    a = trace_of(fig, "A")
    assert list(b.marker.symbol) == ["circle-open", "circle-open"] and list(a.marker.symbol) == ["circle", "circle"]
    assert legend_names(fig) == ["示意数据（空心点）", "示意数据（浅色斜线）"]  # points, and growth bars
    radar = charts.radar(q.normalised_scores(store, F), medians=None)
    assert "circle-open" in list(trace_of(radar, "B").marker.symbol)
    assert legend_names(radar) == ["示意数据（空心点）"]


def test_heatmap_cells_and_composite_bars_and_chain_charts(store):
    heat = charts.heatmap(q.park_matrix(store, F))
    boxes = [t for t in heat.data if t.type == "scatter" and t.showlegend]
    assert len(boxes) == 1 and list(boxes[0].y) == ["B"] and boxes[0].name == "示意数据（方框）"
    composite = charts.composite_bar(q.composite_index(store, F))
    bar = composite.data[0]
    assert dict(zip(bar.y, bar.marker.pattern.shape, strict=True)) == {"A": "", "B": "/"}
    assert legend_names(composite) == ["示意数据（浅色斜线）"]
    chains = q.chain_ranking(store, F, "revenue")
    ranked = charts.chain_ranking_bar(chains, "revenue")
    assert list(ranked.data[0].marker.pattern.shape) == ["", "/"] and legend_names(ranked)
    tree = charts.chain_treemap(q.chain_matrix(store, F, "revenue"), "revenue").data[0]
    assert [c.startswith("rgba(") for c in tree.marker.colors] == [False, False, True]  # park, x, y
    assert legend_names(charts.chain_treemap(q.chain_matrix(store, F, "revenue"), "revenue"))
    cheat = charts.chain_heatmap(q.chain_matrix(store, F, "revenue"), "revenue")
    assert [list(t.x) for t in cheat.data if t.type == "scatter"] == [["y"]]


def test_kpi_figure_says_what_the_summary_cards_rest_on(store):
    cards = q.kpi_cards(store, F)
    fig = charts.kpi_figure(cards)
    titles = {t.title.text.split("<br>")[0]: t.title.text for t in fig.data}
    revenue = titles["营业收入"]
    assert "对比期为示意数据" in revenue and "示意" in revenue and "2/2 园区" in revenue


def test_the_summary_image_names_what_its_hatched_bars_are(store):
    from metrics.summary import summary_figure

    footer = summary_figure(store, "zh").layout.annotations[-1].text
    assert footer.endswith("浅色斜线的柱 = 含示意数据")
    english = summary_figure(store, "en").layout.annotations[-1].text
    assert english.endswith("light hatched bars = illustrative figures")
