"""Queries against a real DuckDB file built through Store.load, on figures small enough to check by hand."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

import pandas as pd
import pytest
from parsed_factory import figure, parsed

from metrics import queries as q
from metrics.periods import Period, month_end
from metrics.store import Store

Y2023 = (dt.date(2023, 1, 1), dt.date(2023, 12, 31))
Y2024 = (dt.date(2024, 1, 1), dt.date(2024, 12, 31))
P2024 = Period(*Y2024)


def month(year: int, m: int) -> tuple[dt.date, dt.date]:
    return (dt.date(year, m, 1), month_end(year, m))


def span(year: int, first: int, last: int) -> tuple[dt.date, dt.date]:
    return (dt.date(year, first, 1), month_end(year, last))


def make_store(db_path, *figures) -> Store:
    store = Store(db_path)
    report = store.load(parsed("fixture.csv", list(figures)))
    assert report.status == "loaded", report
    return store


def by(df: pd.DataFrame, key: str) -> dict:
    return {k: row for k, row in zip(df[key], df.to_dict("records"), strict=True)}


def lower_is_better(catalog, *ids):
    """The real catalog with some indicators turned lower-is-better (none is, in the bundled one)."""
    inds = tuple(dataclasses.replace(i, direction="lower") if i.id in ids else i for i in catalog.indicators)
    return dataclasses.replace(catalog, indicators=inds)


def test_whole_park_figure_wins_chains_sum_only_when_missing_and_percent_never_summed(db_path):
    store = make_store(
        db_path,
        figure("A", "revenue", 100),  # whole-park figure ...
        figure("A", "revenue", 70, chain="x"),  # ... wins over its chains
        figure("A", "revenue", 60, chain="y"),
        figure("B", "revenue", 50, chain="x"),
        figure("B", "revenue", 30, chain="y"),
        figure("B", "satisfaction", 80, chain="x"),  # rates per chain: no park rate
        figure("B", "satisfaction", 90, chain="y"),
        figure("A", "satisfaction", 95),
    )
    m = q.park_matrix(store, q.Filters())
    got = {
        (r["park"], r["indicator"]): (r["value"], r["derived_from_chains"], r["n_chains"]) for r in m.to_dict("records")
    }
    assert got == {
        ("A", "revenue"): (100.0, False, 0),
        ("A", "satisfaction"): (95.0, False, 0),
        ("B", "revenue"): (80.0, True, 2),
    }
    assert set(m["name"]) == {"营业收入", "满意度"} and set(m.loc[m.indicator == "revenue", "unit"]) == {"万元"}


def test_selected_chains_sum_and_a_rate_only_from_a_single_chain(db_path):
    store = make_store(
        db_path,
        figure("A", "revenue", 100),
        figure("A", "revenue", 70, chain="x"),
        figure("A", "revenue", 60, chain="y"),
        figure("A", "revenue", 5, chain="z"),
        figure("A", "satisfaction", 80, chain="x"),
        figure("A", "satisfaction", 90, chain="y"),
    )
    both = by(q.park_matrix(store, q.Filters(chains=("x", "y"))), "indicator")
    assert both["revenue"]["value"] == 130.0 and not both["revenue"]["derived_from_chains"]
    assert "satisfaction" not in both  # two chain rates are not averaged into one
    one = by(q.park_matrix(store, q.Filters(chains=["y"])), "indicator")
    assert one["revenue"]["value"] == 60.0 and one["satisfaction"]["value"] == 90.0


def test_illustrative_figures_are_flagged_and_can_be_left_out(db_path):
    store = make_store(
        db_path,
        figure("A", "revenue", 100),
        figure("B", "revenue", 40, basis="illustrative"),
        figure("C", "revenue", 7, chain="x"),
        figure("C", "revenue", 3, chain="y"),
    )
    card = q.kpi_cards(store, q.Filters(indicators=("revenue",))).iloc[0]
    assert (card["value"], card["illustrative"], card["n_parks_from_chains"]) == (150.0, True, 1)
    ranked = q.ranking(store, q.Filters(), "revenue")
    assert ranked[["park", "illustrative", "derived_from_chains"]].values.tolist() == [
        ["A", False, False],
        ["B", True, False],
        ["C", False, True],
    ]
    store.load(
        parsed(
            "more.csv",
            [
                figure("B", "revenue", 5, chain="x"),  # B's whole figure still counts
                figure("C", "revenue", 1, chain="z", basis="illustrative"),
            ],
        )
    )
    ranked = q.ranking(store, q.Filters(), "revenue")
    assert ranked[["park", "value", "illustrative"]].values.tolist() == [
        ["A", 100.0, False],
        ["B", 40.0, True],
        ["C", 11.0, True],
    ]
    store = make_store(
        db_path.with_name("other.duckdb"), figure("A", "revenue", 100), figure("B", "revenue", 40, basis="illustrative")
    )
    only_reported = q.Filters(indicators=("revenue",), include_illustrative=False)
    assert q.kpi_cards(store, only_reported)["value"].tolist() == [100.0]
    assert q.filtered_table(store, only_reported)["park"].tolist() == ["A"]


def test_kpi_sums_parks_propagates_qualifiers_and_compares_like_with_like(db_path):
    store = make_store(
        db_path,
        figure("A", "revenue", 110, qualifier="at_least"),
        figure("B", "revenue", 20),
        figure("A", "revenue", 100, period=Y2023),  # B has no 2023 figure: compared on A alone
        figure("A", "enterprises_visited", 20, qualifier="approx"),
        figure("B", "enterprises_visited", 5),
        figure("A", "national_platforms", 3, qualifier="approx"),
        figure("B", "national_platforms", 4, qualifier="at_least"),
    )
    cards = by(q.kpi_cards(store, q.Filters()), "indicator")
    rev = cards["revenue"]
    assert (rev["value"], rev["qualifier"], rev["display"], rev["aggregation"]) == (130.0, "at_least", "130余", "sum")
    assert (rev["n_parks"], rev["n_parks_compared"], rev["comparison"]) == (2, 1, "yoy")
    assert (rev["prev_value"], rev["change"], rev["change_pct"], rev["prev_label"]) == (100.0, 10.0, 10.0, "2023年")
    assert (rev["name"], rev["unit"], rev["category"], rev["period_label"]) == (
        "营业收入",
        "万元",
        "revenue_growth",
        "2024年",
    )
    assert cards["enterprises_visited"]["display"] == "约25"
    assert cards["national_platforms"]["qualifier"] == "at_least"  # at_least outranks approx
    visited = cards["enterprises_visited"]
    assert visited["comparison"] is None and pd.isna(visited["prev_value"]) and pd.isna(visited["change_pct"])
    assert visited["n_parks_compared"] == 0
    en = by(q.kpi_cards(store, q.Filters(), lang="en"), "indicator")
    assert (en["revenue"]["display"], en["revenue"]["name"], en["revenue"]["prev_label"]) == (
        "130+",
        "Operating revenue",
        "2023",
    )
    assert en["enterprises_visited"]["display"] == "~25"


def test_kpi_averages_rates_and_reports_their_change_in_points(db_path):
    store = make_store(
        db_path,
        figure("A", "satisfaction", 90),
        figure("B", "satisfaction", 80),
        figure("A", "satisfaction", 85, period=Y2023),
        figure("B", "satisfaction", 75, period=Y2023),
    )
    card = q.kpi_cards(store, q.Filters()).iloc[0]
    assert (card["value"], card["aggregation"], card["prev_value"], card["change"]) == (85.0, "mean", 80.0, 5.0)
    assert pd.isna(card["change_pct"])


def test_kpi_yoy_leaves_out_parks_with_no_figure_this_year(db_path):
    # C reported in 2023 only: its 2023 figure must not enter 同比, summed or averaged (like for like).
    store = make_store(
        db_path,
        figure("A", "revenue", 120),
        figure("A", "revenue", 100, period=Y2023),
        figure("C", "revenue", 500, period=Y2023),
        figure("A", "satisfaction", 90),
        figure("A", "satisfaction", 85, period=Y2023),
        figure("C", "satisfaction", 40, period=Y2023),
    )
    cards = by(q.kpi_cards(store, q.Filters()), "indicator")
    rev, sat = cards["revenue"], cards["satisfaction"]
    assert (rev["value"], rev["prev_value"], rev["change"], rev["change_pct"]) == (120.0, 100.0, 20.0, 20.0)
    assert (rev["n_parks"], rev["n_parks_compared"]) == (1, 1)
    assert (sat["value"], sat["prev_value"], sat["change"]) == (90.0, 85.0, 5.0)


def test_kpi_change_pct_is_missing_against_zero_and_keeps_the_sign_of_the_change_against_a_negative(db_path):
    """change_pct is relative to |previous|: a rise from -100 to -50 is +50 %, never -50 %; from 0 it is
    missing (NaN, shown as no percent), never infinite."""
    store = make_store(
        db_path,
        figure("A", "revenue", -50),
        figure("A", "revenue", -100, period=Y2023),
        figure("A", "enterprises_visited", 7),
        figure("A", "enterprises_visited", 0, period=Y2023),
        figure("A", "national_platforms", -30),
        figure("A", "national_platforms", -20, period=Y2023),
    )
    cards = by(q.kpi_cards(store, q.Filters()), "indicator")
    assert (cards["revenue"]["change"], cards["revenue"]["change_pct"]) == (50.0, 50.0)
    assert (cards["national_platforms"]["change"], cards["national_platforms"]["change_pct"]) == (-10.0, -50.0)
    visited = cards["enterprises_visited"]
    assert (visited["prev_value"], visited["change"]) == (0.0, 7.0)
    assert pd.isna(visited["change_pct"])
    assert all(math.isnan(v) or math.isfinite(v) for v in q.kpi_cards(store, q.Filters())["change_pct"])


def test_trend_growth_is_missing_against_zero_and_keeps_the_sign_against_a_negative(db_path):
    store = make_store(
        db_path,
        figure("A", "revenue", -100, period=Y2023),
        figure("A", "revenue", -50),
        figure("B", "revenue", 0, period=Y2023),
        figure("B", "revenue", 8),
    )
    growth = q.trend(store, q.Filters(period=P2024), "revenue").set_index(["park", "period_label"])["growth_pct"]
    assert growth[("A", "2024年")] == 50.0
    assert pd.isna(growth[("B", "2024年")])


def test_kpi_falls_back_to_previous_month_only_without_a_year_earlier(db_path):
    store = make_store(
        db_path,
        figure("A", "revenue", 30, period=month(2024, 9)),
        figure("A", "revenue", 20, period=month(2024, 8)),
    )
    f = q.Filters(period=Period(*month(2024, 9)))
    card = q.kpi_cards(store, f).iloc[0]
    assert (card["comparison"], card["prev_value"], card["change"], card["change_pct"]) == ("mom", 20.0, 10.0, 50.0)
    assert card["prev_label"] == "2024年8月"
    store.load(parsed("more.csv", [figure("A", "revenue", 24, period=month(2023, 9))]))
    card = q.kpi_cards(store, f).iloc[0]
    assert (card["comparison"], card["prev_value"], card["change_pct"]) == ("yoy", 24.0, 25.0)


def test_year_to_date_is_compared_with_year_to_date_a_year_earlier(db_path):
    store = make_store(
        db_path,
        figure("A", "revenue", 90, period=span(2024, 1, 9)),
        figure("A", "revenue", 40, period=span(2024, 7, 9)),  # Q3
        figure("A", "revenue", 15, period=month(2024, 9)),
        figure("A", "revenue", 60, period=span(2023, 1, 9)),
        figure("A", "revenue", 80, period=span(2023, 1, 12)),  # a whole year: not comparable
        figure("A", "revenue", 50, period=span(2024, 1, 6)),  # an earlier ytd: not comparable either
    )
    # Latest end is 2024-09-30, shared by three spans: the longest (1-9月) is shown.
    assert q.resolve_period(store, q.Filters()) == Period(*span(2024, 1, 9))
    card = q.kpi_cards(store, q.Filters()).iloc[0]
    assert (card["period_label"], card["comparison"], card["prev_value"], card["change_pct"]) == (
        "2024年前三季度",
        "yoy",
        60.0,
        50.0,
    )
    quarter = q.kpi_cards(store, q.Filters(period=Period(*span(2024, 7, 9)))).iloc[0]
    assert quarter["comparison"] is None and pd.isna(quarter["prev_value"])  # no Q3 2023, no Q2 2024


def test_ties_share_a_rank(db_path):
    store = make_store(
        db_path,
        figure("A", "revenue", 10),
        figure("B", "revenue", 10),
        figure("C", "revenue", 5),
        figure("A", "events_held", 1),
        figure("B", "events_held", 1),
    )
    assert q.ranking(store, q.Filters(), "revenue")[["rank", "park", "display", "unit"]].values.tolist() == [
        [1, "A", "10", "万元"],
        [1, "B", "10", "万元"],
        [3, "C", "5", "万元"],
    ]
    composite = q.composite_index(store, q.Filters(indicators=("events_held",)))
    assert composite["rank"].tolist() == [1, 1]


def test_chain_ranking_within_park_and_overall(db_path):
    store = make_store(
        db_path,
        figure("A", "revenue", 100),  # whole-park figures are not chains
        figure("A", "revenue", 30, chain="x"),
        figure("A", "revenue", 50, chain="y"),
        figure("B", "revenue", 40, chain="x", qualifier="at_least"),
        figure("B", "revenue", 10, chain="z"),
    )
    df = q.chain_ranking(store, q.Filters(), "revenue")
    assert df.values.tolist() == [  # last: illustrative (all reported here)
        ["y", "A", 50.0, "exact", "50", 1, 1, False],
        ["x", "A", 30.0, "exact", "30", 2, 3, False],
        ["x", "B", 40.0, "at_least", "40余", 1, 2, False],
        ["z", "B", 10.0, "exact", "10", 2, 4, False],
    ]
    matrix = q.chain_matrix(store, q.Filters(parks=("B",), chains=("z",)), "revenue")
    assert matrix.values.tolist() == [["B", "z", 10.0, "exact", "10", False]]
    assert q.available_chains(store) == ["x", "y", "z"] and q.available_chains(store, ["A"]) == ["x", "y"]


def test_trend_keeps_to_one_kind_and_grows_year_on_year(db_path):
    store = make_store(
        db_path,
        figure("A", "revenue", 100, period=Y2023),
        figure("A", "revenue", 120, period=Y2024),
        figure("A", "revenue", 90, period=span(2024, 1, 9)),
        figure("A", "revenue", 60, period=span(2023, 1, 9)),
        figure("A", "revenue", 50, period=span(2024, 1, 6)),
        figure("A", "revenue", 10, period=span(2023, 7, 9)),
        figure("A", "revenue", 20, period=span(2024, 4, 6)),
        figure("A", "revenue", 30, period=span(2024, 7, 9)),
        figure("A", "satisfaction", 80, period=Y2023),
        figure("A", "satisfaction", 90, period=Y2024),
    )
    years = q.trend(store, q.Filters(period=P2024), "revenue")
    assert years["period_label"].tolist() == ["2023年", "2024年"] and years["value"].tolist() == [100.0, 120.0]
    assert pd.isna(years["growth_pct"].iloc[0]) and years["growth_pct"].iloc[1] == 20.0
    ytd = q.trend(store, q.Filters(period=Period(*span(2024, 1, 9))), "revenue")
    assert ytd["period_label"].tolist() == ["2023年前三季度", "2024年前三季度"]  # not 1-6月
    assert ytd["growth_pct"].iloc[1] == 50.0
    quarters = q.trend(store, q.Filters(period=Period(*span(2024, 7, 9))), "revenue", lang="en")
    assert quarters["period_label"].tolist() == ["2023 Q3", "2024 Q2", "2024 Q3"]
    assert quarters["growth_pct"].iloc[2] == 200.0 and pd.isna(quarters["growth_pct"].iloc[1])  # YoY, not vs Q2
    later = q.trend(store, q.Filters(period=Period(*span(2022, 7, 9))), "revenue")
    assert later["period_label"].tolist() == ["2023年第三季度", "2024年第二季度", "2024年第三季度"]
    store.load(
        parsed(
            "b.csv",
            [
                figure("B", "revenue", 130, period=Y2024),
                figure("C", "revenue", 110, period=Y2024),
                figure("C", "revenue", 999, period=Y2023),
            ],
        )
    )
    top2 = q.trend(store, q.Filters(period=P2024), "revenue", top=2)
    assert top2[["park", "period_label"]].values.tolist() == [["A", "2023年"], ["A", "2024年"], ["B", "2024年"]]
    rates = q.trend(store, q.Filters(period=P2024), "satisfaction")
    assert rates["change"].iloc[1] == 10.0 and pd.isna(rates["growth_pct"].iloc[1])


HOSTILE = ["'; DROP TABLE observations; --", "<b>x</b>", "O'Brien $park", '园区"\\']


def test_hostile_names_pass_through_filters_as_values(db_path):
    store = make_store(
        db_path,
        *(figure(name, "revenue", n + 1, chain=name) for n, name in enumerate(HOSTILE)),
        figure("plain", "revenue", 100),
    )
    for n, name in enumerate(HOSTILE):
        f = q.Filters(parks=(name,))
        assert q.ranking(store, f, "revenue")[["park", "value"]].values.tolist() == [[name, n + 1.0]]
        assert q.chain_matrix(store, q.Filters(parks=(name,), chains=(name,)), "revenue")["chain"].tolist() == [name]
        assert q.filtered_table(store, f)["park"].tolist() == [name]
    assert sorted(q.available_parks(store)) == sorted([*HOSTILE, "plain"])
    assert q.data_status(store)["n_observations"] == len(HOSTILE) + 1


def test_filtered_table_is_key_sorted_with_display_and_label(db_path):
    store = make_store(
        db_path,
        figure("B", "revenue", 3, chain="y"),
        figure("B", "revenue", 1.5),
        figure("A", "satisfaction", 19.5),
        figure("A", "revenue", 110, qualifier="at_least", reference="报告第2段"),
        figure("A", "revenue", 9, period=Y2023),
    )
    df = q.filtered_table(store, q.Filters(), lang="en")
    assert list(df.columns) == [*q.OBS_COLUMNS, "display", "period_label"]
    chains = [None if pd.isna(c) else c for c in df["chain"]]
    assert list(zip(df["park"], chains, df["indicator"], df["display"], strict=True)) == [
        ("A", None, "revenue", "110+"),
        ("A", None, "satisfaction", "19.5"),
        ("B", None, "revenue", "1.5"),
        ("B", "y", "revenue", "3"),
    ]
    assert set(df["period_label"]) == {"2024"} and df["reference"].iloc[0] == "报告第2段"
    assert df.attrs["n_total"] == 4
    first = q.filtered_table(store, q.Filters(), limit=2)
    assert first["indicator"].tolist() == ["revenue", "satisfaction"] and first.attrs["n_total"] == 4


def test_periods_status_and_detail(db_path):
    store = make_store(
        db_path,
        figure("A", "revenue", 1, period=Y2023),
        figure("A", "revenue", 2, period=month(2024, 3)),
        figure("B", "revenue", 3, period=span(2024, 1, 3), basis="illustrative", reference="示意"),
        figure("B", "revenue", 4, chain="x", period=span(2024, 1, 3)),
    )
    assert q.available_periods(store) == [Period(*span(2024, 1, 3)), Period(*month(2024, 3)), Period(*Y2023)]
    assert q.period_kinds_available(store) == ["quarter", "month", "year"]
    status = q.data_status(store)
    assert {k: status[k] for k in ("n_observations", "n_reported", "n_illustrative", "n_parks", "n_loads")} == {
        "n_observations": 4,
        "n_reported": 3,
        "n_illustrative": 1,
        "n_parks": 2,
        "n_loads": 1,
    }
    assert status["latest_period"] == Period(*span(2024, 1, 3))
    assert isinstance(status["last_load_at"], dt.datetime)
    whole = q.observation_detail(store, "B", None, Period(*span(2024, 1, 3)), "revenue")
    assert (whole["value"], whole["basis"], whole["reference"], whole["file_name"]) == (
        3.0,
        "illustrative",
        "示意",
        "fixture.csv",
    )
    assert whole["source"].startswith("fixture.csv!!") and isinstance(whole["loaded_at"], dt.datetime)
    assert q.observation_detail(store, "B", "x", Period(*span(2024, 1, 3)), "revenue")["value"] == 4.0
    assert q.observation_detail(store, "B", "nope", Period(*span(2024, 1, 3)), "revenue") is None
    assert q.observation_detail(store, "B", math.nan, Period(*span(2024, 1, 3)), "revenue")["value"] == 3.0


def test_an_empty_database_gives_empty_frames_with_the_contract_columns(db_path):
    store = Store(db_path)
    f = q.Filters()
    assert list(q.kpi_cards(store, f).columns) == q.KPI_COLUMNS and q.kpi_cards(store, f).empty
    assert list(q.ranking(store, f, "revenue").columns) == q.RANKING_COLUMNS
    assert list(q.trend(store, f, "revenue").columns) == q.TREND_COLUMNS
    assert list(q.composite_index(store, f).columns) == q.COMPOSITE_COLUMNS
    assert q.chain_ranking(store, f, "revenue").empty and q.filtered_table(store, f).empty
    assert q.available_periods(store) == [] and q.available_parks(store) == []
    assert q.data_status(store) == {
        "n_observations": 0,
        "n_reported": 0,
        "n_illustrative": 0,
        "n_parks": 0,
        "latest_period": None,
        "last_load_at": None,
        "n_loads": 0,
    }


def test_filters_are_hashable_and_unknown_indicators_refused(catalog):
    assert hash(q.Filters(parks=["A"])) == hash(q.Filters(parks=("A",)))
    assert q.Filters(parks="园区A", indicators=None).parks == ("园区A",)
    assert q.scope_indicators(q.Filters(category="talent"), catalog) == [i.id for i in catalog.in_category("talent")]
    with pytest.raises(KeyError):
        q.scope_indicators(q.Filters(indicators=("no_such",)), catalog)
    with pytest.raises(KeyError):
        q.scope_indicators(q.Filters(category="no_such"), catalog)
    with pytest.raises(ValueError):
        q._params(q.Filters(), catalog, ["revenue"], weights={"revenue": -1})


@pytest.mark.parametrize(
    "value, qualifier, lang, expected",
    [
        (8.0, "exact", "zh", "8"),
        (19.5, "exact", "zh", "19.5"),
        (110.0, "at_least", "zh", "110余"),
        (20.0, "approx", "zh", "约20"),
        (110.0, "at_least", "en", "110+"),
        (20.0, "approx", "en", "~20"),
        (1234567.891, "exact", "zh", "1,234,567.89"),
        (0.0, "exact", "zh", "0"),
        (-2.50, "exact", "en", "-2.5"),
        (0.0123, "exact", "zh", "0.0123"),
        (None, "exact", "zh", ""),
        (math.nan, "approx", "zh", ""),
    ],
)
def test_display(value, qualifier, lang, expected):
    assert q.display_value(value, qualifier, lang) == expected


def test_sql_display_fragment_renders_what_python_renders(db_path):
    values = [
        8.0,
        19.5,
        110.0,
        1234567.891,
        0.0,
        -2.5,
        0.0123,
        0.5,
        0.9996,
        0.0004,
        -0.001,
        99.999,
        1e15,
        None,
        math.nan,
        12.345,
        -1234.005,
    ]
    store = Store(db_path)
    for lang in ("zh", "en"):
        for qualifier in ("exact", "at_least", "approx"):
            sql = (
                "SELECT " + q.sql("display") + " AS display "
                "FROM (SELECT unnest($values::DOUBLE[]) AS value, $qualifier AS qualifier)"
            )
            got = store.query(sql, {"values": values, "qualifier": qualifier, "lang": lang})["display"].tolist()
            assert got == [q.display_value(v, qualifier, lang) for v in values], (lang, qualifier)


def test_every_named_query_runs_against_a_fixture(db_path, catalog):
    store = make_store(
        db_path,
        figure("A", "revenue", 1),
        figure("A", "revenue", 2, chain="x"),
        figure("B", "satisfaction", 50),
        figure("A", "target:revenue", 4),  # for q_target_progress and q_target_totals
    )
    params = q._params(q.Filters(), catalog, catalog.ids) | {
        "starts": [Y2024[0]],
        "ends": [Y2024[1]],
        "start": Y2024[0],
        "end": Y2024[1],
        "prev_starts": [Y2023[0]],
        "prev_ends": [Y2023[1]],
        "cur_start": Y2024[0],
        "cur_end": Y2024[1],
        "yoy_start": Y2023[0],
        "yoy_end": Y2023[1],
        "seq_start": None,
        "seq_end": None,
        "park": "A",
        "chain": None,
        "indicator": "revenue",
        "limit": None,
        "since": None,
        "top": None,
        "selected": [],
        "chain_only": False,
        "min_coverage": 0.0,
    }
    names = sorted(p.stem for p in q.SQL_DIR.glob("q_*.sql"))
    assert len(names) >= 14
    for name in names:
        df = q.run(store, name, params)
        assert not df.empty, name


def test_every_chart_of_a_view_shows_the_period_of_the_whole_scope(db_path):
    store = make_store(db_path, figure("A", "revenue", 5, period=Y2023), figure("A", "events_held", 2))
    f = q.Filters()
    assert q.resolve_period(store, f) == P2024
    for df in (
        q.kpi_cards(store, f),
        q.ranking(store, f, "revenue"),
        q.trend(store, f, "revenue"),
        q.chain_ranking(store, f, "revenue"),
        q.filtered_table(store, f),
        q.composite_index(store, f),
    ):
        assert df.attrs["period"] == P2024
    assert q.ranking(store, f, "revenue").empty  # revenue has no 2024 figure: empty, not silently 2023
    assert q.ranking(store, q.Filters(indicators=("revenue",)), "revenue")["value"].tolist() == [5.0]
    assert q.trend(store, f, "revenue")["period_label"].tolist() == ["2023年"]  # the series of years


def test_latest_period_follows_the_filters(db_path):
    y2025 = (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    store = make_store(
        db_path,
        figure("A", "revenue", 1),
        figure("B", "revenue", 2, period=y2025),
        figure("A", "events_held", 3, period=y2025, basis="illustrative"),
    )
    assert q.resolve_period(store, q.Filters()) == Period(*y2025)
    assert q.resolve_period(store, q.Filters(parks=("A",), include_illustrative=False)) == P2024
    assert q.resolve_period(store, q.Filters(parks=("A",), category="revenue_growth")) == P2024
    assert q.resolve_period(store, q.Filters(parks=("nobody",))) is None
    years = [(dt.date(y, 1, 1), dt.date(y, 12, 31)) for y in range(2018, 2023)]
    store.load(
        parsed(
            "older.csv",
            [figure("old", "revenue", 1, period=years[0])] + [figure("C", "revenue", 1, period=y) for y in years],
        )
    )
    assert q.resolve_period(store, q.Filters(parks=("old",))) == Period(*years[0])  # beyond the newest three


def test_default_period_is_the_newest_well_covered_one():
    y = [Period(dt.date(year, 1, 1), dt.date(year, 12, 31)) for year in (2025, 2024, 2023)]
    assert q.default_period([(y[0], 3), (y[1], 100), (y[2], 90)]) == y[1]
    assert q.default_period([(y[0], 60), (y[1], 100)]) == y[0]
    assert q.default_period([]) is None
