"""The composite index by the efficacy-coefficient method, on figures worked out by hand (docs/METHOD.md)."""

from __future__ import annotations

import dataclasses
import math

import pytest
from parsed_factory import figure, parsed

from metrics import queries as q
from metrics.store import Store


def make_store(db_path, *figures) -> Store:
    store = Store(db_path)
    assert store.load(parsed("fixture.csv", list(figures))).status == "loaded"
    return store


def scores_of(df) -> dict:
    return {(r["park"], r["indicator"]): round(r["score"], 6) for r in df.to_dict("records")}


def index_of(df) -> dict:
    return {r["park"]: (None if math.isnan(r["index"]) else round(r["index"], 6)) for r in df.to_dict("records")}


def lower_is_better(catalog, *ids):
    inds = tuple(dataclasses.replace(i, direction="lower") if i.id in ids else i for i in catalog.indicators)
    return dataclasses.replace(catalog, indicators=inds)


def test_two_parks_score_60_and_100_never_0(db_path):
    store = make_store(
        db_path,
        figure("A", "revenue", 100),
        figure("B", "revenue", 50),
        figure("A", "national_platforms", 3),
        figure("B", "national_platforms", 5),
    )
    f = q.Filters(indicators=("revenue", "national_platforms"))
    assert scores_of(q.normalised_scores(store, f)) == {
        ("A", "revenue"): 100.0,
        ("B", "revenue"): 60.0,
        ("A", "national_platforms"): 60.0,
        ("B", "national_platforms"): 100.0,
    }
    # Weights revenue 2, platforms 1.5: A = (2·100 + 1.5·60)/3.5, B = (2·60 + 1.5·100)/3.5.
    index = q.composite_index(store, f)
    assert index_of(index) == {"A": round(290 / 3.5, 6), "B": round(270 / 3.5, 6)}
    assert index[["rank", "park", "n_indicators", "n_indicators_available", "coverage", "scored"]].values.tolist() == [
        [1.0, "A", 2, 2, 1.0, True],
        [2.0, "B", 2, 2, 1.0, True],
    ]


def test_three_parks_direction_aware(db_path, catalog):
    store = make_store(
        db_path,
        figure("A", "revenue", 0),
        figure("B", "revenue", 50),
        figure("C", "revenue", 100),
        figure("A", "problems_collected", 10),  # lower is better here: A best
        figure("B", "problems_collected", 20),
        figure("C", "problems_collected", 30),
    )
    cat = lower_is_better(catalog, "problems_collected")
    f = q.Filters(indicators=("revenue", "problems_collected"))
    assert scores_of(q.normalised_scores(store, f, catalog=cat)) == {
        ("A", "revenue"): 60.0,
        ("B", "revenue"): 80.0,
        ("C", "revenue"): 100.0,
        ("A", "problems_collected"): 100.0,
        ("B", "problems_collected"): 80.0,
        ("C", "problems_collected"): 60.0,
    }
    # Weights revenue 2, problems_collected 0.5: A = (120 + 50)/2.5, B = (160 + 40)/2.5, C = (200 + 30)/2.5.
    index = q.composite_index(store, f, catalog=cat)
    assert index["park"].tolist() == ["C", "B", "A"]
    assert index_of(index) == {"A": 68.0, "B": 80.0, "C": 92.0}
    # The same indicator higher-is-better turns its scores round.
    assert scores_of(q.normalised_scores(store, f))[("A", "problems_collected")] == 60.0


def test_many_parks_coverage_threshold_and_selection(db_path):
    revenue = {"A": 0, "B": 10, "C": 20, "D": 30, "E": 40, "G": 100}
    store = make_store(
        db_path,
        *(figure(p, "revenue", v) for p, v in revenue.items()),
        *(figure(p, "events_held", 5) for p in "ABCD"),
        figure("F", "events_held", 9),  # F reports events only: 0.5 of 2.5 = 20 % of the weight
    )
    f = q.Filters(indicators=("revenue", "events_held"))
    scores = scores_of(q.normalised_scores(store, f))
    assert [scores[(p, "revenue")] for p in revenue] == [60.0, 64.0, 68.0, 72.0, 76.0, 100.0]
    # events_held: A-D report 5, F reports 9: F 100, the others 60.
    assert (scores[("A", "events_held")], scores[("F", "events_held")]) == (60.0, 100.0)
    index = q.composite_index(store, f)
    got = index_of(index)
    # A-D: (2·revenue score + 0.5·60)/2.5; E and G report revenue only (80 % of the weight): their revenue score.
    assert got == {"A": 60.0, "B": 63.2, "C": 66.4, "D": 69.6, "E": 76.0, "G": 100.0, "F": None}
    f_row = index[index["park"] == "F"].iloc[0]
    assert (bool(f_row["scored"]), f_row["coverage"], f_row["n_indicators"]) == (False, 0.2, 1)
    assert math.isnan(f_row["rank"]) and index["park"].iloc[-1] == "F"  # listed last, never as 0
    assert index["rank"].dropna().tolist() == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    # A stricter threshold leaves E and G unscored too; a lax one scores F on its one indicator.
    strict = q.composite_index(store, f, min_coverage=0.9)
    assert set(strict.loc[~strict["scored"], "park"]) == {"E", "F", "G"}
    assert index_of(q.composite_index(store, f, min_coverage=0.2))["F"] == 100.0
    # Selecting two parks changes neither their scores nor their index: the yardstick is every park.
    two = q.Filters(indicators=("revenue", "events_held"), parks=("B", "E"))
    assert index_of(q.composite_index(store, two)) == {"B": 63.2, "E": 76.0}
    medians = q.score_medians(store, two)
    assert dict(zip(medians["indicator"], medians["score"], strict=True)) == {"events_held": 60.0, "revenue": 70.0}


def test_no_spread_scores_80_for_everyone(db_path):
    store = make_store(
        db_path,
        figure("A", "events_held", 7),
        figure("B", "events_held", 7),  # all equal
        figure("A", "service_teams", 3),  # a single park
    )
    scores = scores_of(q.normalised_scores(store, q.Filters(indicators=("events_held", "service_teams"))))
    assert scores == {("A", "events_held"): 80.0, ("B", "events_held"): 80.0, ("A", "service_teams"): 80.0}


def test_weights_change_the_ranking_and_zero_leaves_out(db_path):
    store = make_store(
        db_path,
        figure("A", "revenue", 100),
        figure("B", "revenue", 0),
        figure("A", "national_platforms", 1),
        figure("B", "national_platforms", 5),
    )
    f = q.Filters(indicators=("revenue", "national_platforms"))
    swapped = q.composite_index(store, f, weights={"revenue": 1, "national_platforms": 3})
    # A = (100 + 3·60)/4 = 70, B = (60 + 3·100)/4 = 90.
    assert swapped[["rank", "park", "index"]].values.tolist() == [[1.0, "B", 90.0], [2.0, "A", 70.0]]
    only_revenue = q.composite_index(store, f, weights={"national_platforms": 0})
    assert only_revenue[["park", "index", "n_indicators"]].values.tolist() == [["A", 100.0, 1], ["B", 60.0, 1]]
    with pytest.raises(ValueError):
        q.composite_index(store, f, min_coverage=1.5)


def test_the_threshold_setting_comes_from_the_environment(db_path, monkeypatch):
    store = make_store(db_path, figure("A", "revenue", 1), figure("B", "revenue", 2), figure("B", "events_held", 1))
    f = q.Filters(indicators=("revenue", "events_held"))
    assert q.composite_index(store, f).attrs["min_coverage"] == 0.6
    monkeypatch.setenv("PARKDASH_INDEX_MIN_COVERAGE", "0.9")  # A reports 2 of 2.5 = 80 %
    index = q.composite_index(store, f)
    assert (index.attrs["min_coverage"], index.loc[~index["scored"], "park"].tolist()) == (0.9, ["A"])
    monkeypatch.setenv("PARKDASH_INDEX_MIN_COVERAGE", "sixty")
    assert q.composite_index(store, f).attrs["min_coverage"] == 0.6


# -- on the pages (AppTest against a real database) ---------------------------------------------------------


def _seed_pages(db_path):
    make_store(
        db_path,
        figure("A", "revenue", 100),
        figure("B", "revenue", 50),
        figure("C", "revenue", 0),
        figure("A", "national_platforms", 3),
        figure("B", "national_platforms", 5),
        figure("C", "national_platforms", 4),
        figure("D", "events_held", 4),  # D reports one light indicator only: not scored
    )


def test_overview_lists_an_unscored_park_and_shows_the_threshold_and_method(db_path):
    import json

    from app_data import open_page

    _seed_pages(db_path)
    at = open_page()
    bar = json.loads(at.get("plotly_chart")[0].proto.spec)["data"][0]
    assert "D" not in bar["y"] and all(x >= 60 for x in bar["x"])
    assert all(" · " in text and "指标" in text for text in bar["text"])  # coverage beside each score
    assert any("至少 60% 权重" in c.value for c in at.caption)
    unscored = [i.value for i in at.info if "未评分" in i.value]
    assert unscored and "D（1/" in unscored[0] and "不是 0 分" in unscored[0]
    assert any(e.label == "综合指数的计算方法" for e in at.expander)
    table = at.dataframe[0].value
    d_row = table[table["园区"] == "D"].iloc[0]
    assert d_row["状态"] == "未评分：指标过少" and str(d_row["综合指数"]) in ("–", "nan", "None")


def test_radar_of_two_parks_is_drawn_against_the_median_of_all(db_path):
    import json

    from app_data import open_page

    _seed_pages(db_path)
    at = open_page("pages/parks.py", params={"parks": ["A", "B"]})
    radar = next(s for s in (json.loads(c.proto.spec) for c in at.get("plotly_chart")) if "polar" in s["layout"])
    names = [t.get("name") for t in radar["data"]]
    assert names[0] == "全部园区中位数" and set(names[1:]) == {"A", "B"}
    at = open_page("pages/parks.py", params={"parks": ["A", "B", "C"]})
    radar = next(s for s in (json.loads(c.proto.spec) for c in at.get("plotly_chart")) if "polar" in s["layout"])
    assert "全部园区中位数" not in [t.get("name") for t in radar["data"]]
