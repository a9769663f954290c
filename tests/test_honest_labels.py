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


def cards_by_indicator(store, f=q.Filters()):
    df = q.kpi_cards(store, f)
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
