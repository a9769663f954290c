"""Labels that never overstate the data: changes against illustrative figures, park coverage, empty views."""

from __future__ import annotations

import datetime as dt

from parsed_factory import figure, parsed

from metrics import queries as q
from metrics.periods import Period
from metrics.store import Store

Y2021 = (dt.date(2021, 1, 1), dt.date(2021, 12, 31))
Y2023 = (dt.date(2023, 1, 1), dt.date(2023, 12, 31))
Y2024 = (dt.date(2024, 1, 1), dt.date(2024, 12, 31))


def make_store(db_path, *figures) -> Store:
    store = Store(db_path)
    assert store.load(parsed("fixture.csv", list(figures))).status == "loaded"
    return store


def cards_by_indicator(store, f=None):
    df = q.kpi_cards(store, f or q.Filters())
    return {row["indicator"]: row for row in df.to_dict("records")}


def test_a_change_against_an_illustrative_comparison_period_says_so(db_path):
    store = make_store(
        db_path,
        figure("A", "revenue", 110),  # reported now ...
        figure("A", "revenue", 100, period=Y2023, basis="illustrative"),  # ... against an illustrative 2023
        figure("A", "national_platforms", 3),
        figure("A", "national_platforms", 2, period=Y2023),  # reported against reported
        figure("B", "national_platforms", 9, period=Y2023, basis="illustrative"),  # B has no 2024: not compared
    )
    cards = cards_by_indicator(store)
    rev, plat = cards["revenue"], cards["national_platforms"]
    assert (rev["illustrative"], rev["prev_illustrative"], rev["change"]) == (False, True, 10.0)
    # B's illustrative 2023 figure is not in the comparison (B has no current figure), so it taints nothing.
    assert (plat["illustrative"], plat["prev_illustrative"], plat["prev_value"]) == (False, False, 2.0)


def test_month_on_month_comparison_carries_the_basis_of_the_previous_month(db_path):
    sep, aug = (dt.date(2024, 9, 1), dt.date(2024, 9, 30)), (dt.date(2024, 8, 1), dt.date(2024, 8, 31))
    store = make_store(
        db_path,
        figure("A", "revenue", 30, period=sep),
        figure("A", "revenue", 20, period=aug, basis="illustrative"),
    )
    card = q.kpi_cards(store, q.Filters(period=Period(*sep))).iloc[0]
    assert (card["comparison"], bool(card["prev_illustrative"])) == ("mom", True)


def test_cards_count_the_parks_they_cover_out_of_those_in_view(db_path):
    store = make_store(
        db_path,
        figure("A", "revenue", 1),
        figure("B", "revenue", 2),
        figure("A", "national_platforms", 1),
        figure("B", "national_platforms", 1),
        figure("C", "national_platforms", 1),
    )
    cards = cards_by_indicator(store)
    assert (cards["revenue"]["n_parks"], cards["revenue"]["n_parks_in_view"]) == (2, 3)
    assert (cards["national_platforms"]["n_parks"], cards["national_platforms"]["n_parks_in_view"]) == (3, 3)
    # Selected parks count even when one of them has no figure at all.
    picked = cards_by_indicator(store, q.Filters(parks=("A", "D")))
    assert (picked["revenue"]["n_parks"], picked["revenue"]["n_parks_in_view"]) == (1, 2)


def test_an_empty_view_knows_the_periods_that_have_data_and_the_nearest(db_path):
    store = make_store(
        db_path,
        figure("A", "revenue", 1, period=Y2021),
        figure("A", "revenue", 1, period=Y2024),
        figure("B", "revenue", 1, period=Y2023, basis="illustrative"),
    )
    f = q.Filters(period=Period(*Y2023), parks=("A",))
    assert q.kpi_cards(store, f).empty
    periods = q.periods_with_data(store, f)
    assert periods == [Period(*Y2024), Period(*Y2021)]
    assert q.nearest_period(periods, Period(*Y2023)) == Period(*Y2024)  # a year away, not two
    assert q.nearest_period(periods, None) == Period(*Y2024)
    only_reported = q.Filters(parks=("B",), include_illustrative=False)
    assert q.periods_with_data(store, only_reported) == []
    assert q.nearest_period([], Period(*Y2023)) is None


# -- the overview page (AppTest against a real database) --------------------------------------------------


def _badges(at) -> list[str]:
    return [md.value for md in at.markdown if ":orange-badge" in md.value or ":green-badge" in md.value]


def test_overview_says_when_the_change_is_against_illustrative_figures(db_path):
    from app_data import open_page

    make_store(
        db_path,
        figure("A", "revenue", 110),
        figure("B", "revenue", 90),
        figure("A", "revenue", 100, period=Y2023, basis="illustrative"),
        figure("B", "revenue", 80, period=Y2023),
        figure("C", "national_platforms", 4),
    )
    at = open_page()
    revenue = next(m for m in at.metric if m.label == "营业收入（万元）")
    assert revenue.proto.delta_description == "对比期示意 · 2/3 园区 · 同比 2023年"
    assert "对比期的示意数据" in revenue.proto.help
    platforms = next(m for m in at.metric if m.label.startswith("国家级创新平台"))
    assert platforms.proto.delta_description == "1/3 园区 · 无可比时期"
    badges = _badges(at)
    # Every 2024 figure is reported, but the badge no longer says "all reported": the changes are not.
    assert len(badges) == 1 and "同比/环比按对比期的示意数据计算" in badges[0]
    at.sidebar.segmented_control(key="w_lang").set_value("en").run()
    revenue = next(m for m in at.metric if m.label.startswith("Operating revenue"))
    assert revenue.proto.delta_description == "vs illustrative · 2/3 parks · YoY 2023"


def test_overview_badge_is_green_only_when_both_periods_are_reported(db_path):
    from app_data import open_page

    make_store(db_path, figure("A", "revenue", 110), figure("A", "revenue", 100, period=Y2023))
    badges = _badges(open_page())
    assert len(badges) == 1 and "均为报告数据（含对比期）" in badges[0] and "green" in badges[0]


def test_an_empty_view_names_periods_with_data_and_switches_to_the_nearest(db_path):
    from app_data import open_page

    make_store(
        db_path,
        figure("A", "revenue", 1, period=Y2021),
        figure("B", "revenue", 5),  # 2024: the view opens here, where A has nothing
    )
    at = open_page(params={"parks": ["A"], "period": "2024"})
    assert not at.metric
    assert [i.value for i in at.info] == ["所选统计期（2024年）在当前筛选条件下没有数据。有数据的统计期：2021年。"]
    at.button(key="empty_switch_period").click().run()
    assert not at.exception
    assert at.sidebar.selectbox(key="w_period").value == "2021"
    assert [m.value for m in at.metric] == ["1"]
    assert at.query_params["period"] == "2021"


def test_the_chains_page_offers_a_period_that_has_chain_figures(db_path):
    from app_data import open_page

    store = make_store(
        db_path,
        figure("A", "revenue", 10),  # 2024: whole-park figures only
        figure("A", "revenue", 4, period=Y2021, chain="新材料"),
    )
    assert q.periods_with_data(store, q.Filters(parks=("A",)), chain_only=True) == [Period(*Y2021)]
    assert q.periods_with_data(store, q.Filters(parks=("A",))) == [Period(*Y2024), Period(*Y2021)]
    at = open_page("pages/chains.py", params={"period": "2024"})
    assert at.info[0].value == "当前统计期和园区没有分产业链的数据。"
    assert "有数据的统计期：2021年" in at.info[1].value
    at.button(key="empty_switch_period").click().run()
    assert not at.exception and at.sidebar.selectbox(key="w_period").value == "2021"
    assert len(at.get("plotly_chart")) == 3
