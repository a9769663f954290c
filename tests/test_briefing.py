"""The written briefing: every number in it is a number on a card or a table/chart cell of the same view."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from parsed_factory import figure, parsed

from metrics import briefing, charts, queries
from metrics.cardtext import card_text
from metrics.periods import parse_period

Y23 = (dt.date(2023, 1, 1), dt.date(2023, 12, 31))
Y24 = (dt.date(2024, 1, 1), dt.date(2024, 12, 31))
PARKS = ("东营经济技术开发区", "潍坊滨海经济技术开发区", "威海南海新区")
VALUES = {  # 2024 per park; 2023 differs per indicator (FACTOR) so rises and falls differ
    "revenue": (50000.0, 32000.0, 18000.0),
    "revenue_yoy": (8.5, 6.1, 12.3),
    "national_platforms": (12, 7, 3),
    "academician_teams": (20, 9, 4),
    "enterprises_visited": (300, 220, 150),
    "satisfaction": (95.5, 91.0, 90.2),
}
FACTOR = {"revenue": (0.9, 0.95, 0.8), "national_platforms": (0.5, 1.0, 1.0), "academician_teams": (1.25, 1.0, 1.0)}
QUALIFIED = {("national_platforms", 0): "at_least", ("academician_teams", 2): "approx"}
NUMBER = re.compile(r"[+-]?\d+(?:,\d{3})*(?:\.\d+)?")


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    from metrics.store import Store

    figs = []
    for n, park in enumerate(PARKS):
        for ind, values in VALUES.items():
            q = QUALIFIED.get((ind, n), "exact")
            earlier = values[n] * FACTOR.get(ind, (1.0, 1.0, 1.0))[n]
            figs.append(figure(park, ind, values[n], period=Y24, qualifier=q))
            figs.append(figure(park, ind, round(earlier, 2), period=Y23, qualifier=q))
    store = Store(tmp_path_factory.mktemp("briefing") / "parks.duckdb")
    assert store.load(parsed("briefing.xlsx", figs)).status == "loaded"
    return store


def shown_numbers(store, f: queries.Filters, lang: str) -> set[str]:
    """Every number the view's cards, ranking chart and trend table show, written as they show it."""
    cards = queries.kpi_cards(store, f, lang)
    shown = {str(n) for n in cards["n_parks"]} | {str(n) for n in cards["n_parks_compared"]}
    for card in cards.to_dict("records"):
        ct = card_text(card, lang)
        shown |= set(NUMBER.findall(ct.value)) | set(NUMBER.findall(ct.change or ""))
    lead = briefing.lead_indicator(cards)
    ranked = queries.ranking(store, f, lead, lang)
    bar = charts.ranking_bar(ranked, lead, "", lang).data[0]
    shown |= {n for label in bar.text for n in NUMBER.findall(label)}
    growth = briefing.current_growth(queries.trend(store, f, lead, lang))
    shown |= {f"{g:+.1f}" for g in growth["growth_pct"]}  # the trend table shows growth to one decimal
    return shown


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_number_in_the_text_is_on_a_card_or_in_a_table(store, lang):
    f = queries.Filters(period=parse_period("2024"))
    text = briefing.briefing(store, f, lang).text
    allowed = shown_numbers(store, f, lang) | {"2024", "2023"}  # the period labels
    stray = [n for n in NUMBER.findall(text) if n not in allowed and n.lstrip("+") not in allowed]
    assert not stray, f"numbers not on any card or table: {stray}\n{text}"


def test_qualifiers_and_units_are_written_as_on_the_cards(store):
    f = queries.Filters(period=parse_period("2024"))
    text = briefing.briefing(store, f, "zh").text
    cards = queries.kpi_cards(store, f, "zh").set_index("indicator")
    assert cards.loc["national_platforms", "display"] == "22余"
    assert "国家级创新平台合计22余家" in text  # 12余 + 7 + 3: the qualifier propagates
    assert "引进院士团队合计约33个" in text
    assert "营业收入合计10亿元，同比+11.4%（对比2023年，3个园区可比）" in text  # 100,000 万元 = 10亿元
    en = briefing.briefing(store, f, "en").text
    assert "National innovation platforms: 22+ units in total" in en
    assert "Academician teams attracted: ~33 in total" in en


def test_leader_rise_fall_and_growth(store):
    f = queries.Filters(period=parse_period("2024"))
    text = briefing.briefing(store, f, "zh").text
    # national platforms doubled at Dongying (6 -> 12): 16 -> 22, +37.5%; academicians 25 -> 20 at Dongying
    assert "升幅最大的指标是国家级创新平台（+37.5%）" in text
    assert "降幅最大的是引进院士团队（-13.2%）" in text
    assert (
        "按营业收入，排名第一的是东营经济技术开发区（5.00亿元），排名最后的是威海南海新区（1.80亿元）" in text
    )  # as the chart labels them
    assert "营业收入同比增长最快的是威海南海新区（+25.0%），最慢的是潍坊滨海经济技术开发区（+5.3%）" in text
    assert text.endswith("以上数字均为报告数据，不含示意数据。")


def test_filters_are_named_and_illustrative_flagged(tmp_path):
    from metrics.store import Store

    store = Store(tmp_path / "parks.duckdb")
    figs = [figure(p, "revenue", v, basis="illustrative") for p, v in zip(PARKS, (3.0, 2.0, 1.0), strict=True)]
    store.load(parsed("ill.xlsx", figs))
    f = queries.Filters(period=parse_period("2024"), parks=PARKS[:2], category="revenue_growth")
    text = briefing.briefing(store, f, "zh").text
    assert text.startswith("2024年，东营经济技术开发区、潍坊滨海经济技术开发区（2个园区），园区整体数据，指标类别：")
    assert "营业收入合计5万元（无可比数据）" in text
    assert "注意：1项指标含示意数据" in text
    en = briefing.briefing(store, f, "en").text
    assert "Weifang Binhai Economic and Technological Development Zone (2 parks)" in en
    assert "Note: illustrative figures (for demonstration, not published figures) went into 1 indicator," in en


def test_no_data_says_so(store):
    f = queries.Filters(period=parse_period("2019"))
    assert briefing.briefing(store, f, "zh").text == "当前筛选条件下没有数据。"
    assert briefing.briefing(store, f, "en").text == "No data for these filters."


def test_target_sentence_numbers_are_the_target_tables(store):
    """With targets loaded, the sentence's numbers are cells of the 目标进度 table (one decimal) and its counts."""
    Y24_TARGETS = [
        figure(p, "target:revenue", v, period=Y24) for p, v in zip(PARKS, (40000, 40000, 20000), strict=True)
    ]
    store.load(parsed("targets.xlsx", Y24_TARGETS))
    f = queries.Filters(period=parse_period("2024"))
    text = briefing.briefing(store, f, "zh").text
    sentence = next(p for p in text.split("\n\n") if p.startswith("目标进度"))
    table = queries.target_progress(store, f)
    cells = {f"{x:.1f}" for col in ("completion_pct", "time_pct") for x in table[col]}
    cells |= {f"{abs(x):.1f}" for x in table["gap_pts"]} | {"0", "1", "2", "3"}
    assert all(n in cells for n in NUMBER.findall(sentence)), sentence
    # 50000/40000 = 125%, 32000/40000 = 80%, 18000/20000 = 90%: two behind a year's 100%, one ahead
    assert sentence == (
        "目标进度（序时进度100.0%）：营业收入完成率最高的是东营经济技术开发区（125.0%，超序时25.0个百分点），"
        "最低的是潍坊滨海经济技术开发区（80.0%，落后序时20.0个百分点）；1个园区超序时，0个达序时，2个落后序时。"
    )
    en = briefing.briefing(store, f, "en").text
    assert "Targets (time progress 100.0%): on Operating revenue, Dongying" in en
