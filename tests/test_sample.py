"""metrics.sample: the bundled files load without errors, and the reported figures come out as the reports say."""

from __future__ import annotations

import pytest

import metrics.ingest as ingest  # noqa: E402
import metrics.store as store_module  # noqa: E402
from metrics.sample import (
    SAMPLE_ACTOR,
    ensure_sample_data,
    load_sample_data,
    sample_files,
)

N_REPORTED = 38  # figures in sample_data/reported_figures_long.csv (and in the workbook)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """One store with the sample data loaded, shared by the read-only tests below."""
    store = store_module.Store(tmp_path_factory.mktemp("sample") / "parks.duckdb")
    reports = load_sample_data(store)
    return store, reports


def figure(store, park: str, period_start: str, period_end: str, indicator: str, chain: str | None = None):
    rows = store.query(
        "SELECT value, qualifier, basis, reference FROM observations WHERE park = $park "
        "AND chain IS NOT DISTINCT FROM $chain AND period_start = CAST($start AS DATE) "
        "AND period_end = CAST($end AS DATE) AND indicator = $indicator",
        {"park": park, "chain": chain, "start": period_start, "end": period_end, "indicator": indicator},
    )
    assert len(rows) == 1, (park, period_start, indicator)
    return rows.iloc[0]


def test_sample_files_exist_in_load_order():
    names = [p.name for p in sample_files()]
    assert names == [
        "reported_figures_long.csv",
        "reported_figures.xlsx",
        "illustrative_series.csv",
        "illustrative_targets.csv",
    ]
    assert all(p.is_file() for p in sample_files())


@pytest.mark.parametrize("path", sample_files(), ids=lambda p: p.name)
def test_each_sample_file_reads_with_zero_errors(path, catalog):
    parsed = ingest.read_file(path.read_bytes(), path.name, catalog=catalog)
    report = parsed.report
    assert report.fatal is None
    assert report.errors == []
    made_up_parks = set() if "reported" in path.name else {"北湾经济开发区", "东岚高新技术产业开发区", "南屿临港产业园"}
    assert set(report.new_parks) == made_up_parks
    assert set(report.ignored_columns) <= {"序号"}
    assert len(parsed.frame) == (N_REPORTED if "reported" in path.name else report.rows_loaded)


def test_load_reports_every_file_and_the_workbook_repeats_the_csv(loaded):
    _store, reports = loaded
    assert [(r.file, r.status) for r in reports] == [
        ("reported_figures_long.csv", "loaded"),
        ("reported_figures.xlsx", "unchanged"),
        ("illustrative_series.csv", "loaded"),
        ("illustrative_targets.csv", "loaded"),
    ]
    assert reports[0].rows_loaded == N_REPORTED
    assert reports[1].rows_unchanged == N_REPORTED  # same figures, same references: nothing double-counted
    assert all(r.errors == [] for r in reports)


DY, WF, WH = "东营经济技术开发区", "潍坊滨海经济技术开发区", "威海南海新区"


@pytest.mark.parametrize(
    "park, start, end, indicator, value, qualifier",
    [
        (DY, "2023-01-01", "2023-12-31", "national_platforms", 8, "exact"),
        (DY, "2023-01-01", "2023-12-31", "provincial_platforms", 68, "exact"),
        (DY, "2023-01-01", "2023-12-31", "academician_teams", 24, "exact"),
        (DY, "2023-01-01", "2023-12-31", "key_tech_breakthroughs", 20, "at_least"),
        (DY, "2023-01-01", "2023-12-31", "provincial_talents", 26, "exact"),
        (DY, "2023-01-01", "2023-12-31", "problems_solved", 260, "at_least"),
        (DY, "2021-01-01", "2021-12-31", "training_sessions", 42, "exact"),
        (WF, "2023-01-01", "2023-09-30", "revenue_yoy", 19.5, "exact"),
        (WF, "2023-01-01", "2023-09-30", "firms_revenue_100m", 78, "exact"),
        (WF, "2023-01-01", "2023-09-30", "firms_revenue_1b", 16, "exact"),
        (WF, "2023-01-01", "2023-12-31", "enterprises_visited", 223, "exact"),
        (WF, "2023-01-01", "2023-12-31", "problems_solved", 643, "exact"),
        (WF, "2022-01-01", "2022-12-31", "above_scale_firms", 214, "exact"),
        (WF, "2022-01-01", "2022-12-31", "people_trained", 2230, "at_least"),
        (WH, "2025-01-01", "2025-12-31", "problems_solved", 9, "exact"),
        (WH, "2025-01-01", "2025-12-31", "people_trained", 100, "at_least"),
        # Party building (党建引领), the reports' own subject.
        (DY, "2023-01-01", "2023-12-31", "enterprise_party_branches", 170, "exact"),
        (DY, "2023-01-01", "2023-12-31", "party_service_centers", 5, "exact"),
        (DY, "2023-01-01", "2023-12-31", "chain_party_committees", 6, "exact"),
        (DY, "2023-01-01", "2023-12-31", "party_vanguard_teams", 17, "exact"),
        (WF, "2023-01-01", "2023-12-31", "party_affairs_workers", 13, "exact"),
        (WF, "2023-01-01", "2023-12-31", "party_service_centers", 7, "exact"),
        (WF, "2023-01-01", "2023-12-31", "chain_party_committees", 6, "exact"),
        (WF, "2022-01-01", "2022-12-31", "chain_party_committees", 6, "exact"),
        (WF, "2022-01-01", "2022-12-31", "party_affairs_workers", 60, "at_least"),
        (WF, "2022-01-01", "2022-12-31", "party_service_centers", 7, "exact"),
    ],
)
def test_reported_figures_come_out_right(loaded, park, start, end, indicator, value, qualifier):
    row = figure(loaded[0], park, start, end, indicator)
    assert (row["value"], row["qualifier"], row["basis"]) == (value, qualifier, "reported")
    assert row["reference"].endswith("行") and row["reference"][:3] in {"000", "001", "002", "003", "004"}


def test_reported_and_illustrative_are_flagged_apart(loaded):
    store, _ = loaded
    counts = store.query(
        "SELECT basis, reference LIKE '示意数据%' AS illustrative_reference, count(*) AS n "
        "FROM observations GROUP BY ALL ORDER BY basis"
    ).values.tolist()
    n_illustrative = store.query("SELECT count(*) AS n FROM observations WHERE basis = 'illustrative'")["n"][0]
    assert counts == [["illustrative", True, n_illustrative], ["reported", False, N_REPORTED]]


def test_illustrative_never_replaced_a_reported_figure(loaded):
    store, _ = loaded
    replaced = store.query("SELECT count(*) AS n FROM observation_history")["n"][0]
    assert replaced == 0


def test_illustrative_series_covers_every_indicator_park_and_period(loaded, catalog):
    # The series invents the 19 indicators of CONTRACT §3 (the design card's); official and party-building
    # figures (§3b) are never invented, they come from the reports only.
    store, _ = loaded
    shape = (
        store.query(
            "SELECT count(DISTINCT park) AS parks, count(DISTINCT indicator) AS indicators, "
            "count(DISTINCT (period_start, period_end)) AS periods, count(DISTINCT chain) AS chains "
            "FROM observations WHERE basis = 'illustrative' AND NOT starts_with(indicator, 'target:')"  # figures
        )
        .iloc[0]
        .to_dict()
    )
    assert shape == {"parks": 6, "indicators": 19, "periods": 8, "chains": 11}


def test_chain_figures_add_up_to_at_most_the_park(loaded):
    store, _ = loaded
    over = store.query(
        "WITH chains AS (SELECT park, period_start, period_end, indicator, sum(value) AS total "
        "  FROM observations WHERE chain IS NOT NULL AND indicator IN ('revenue', 'above_scale_firms') "
        "  GROUP BY ALL) "
        "SELECT count(*) AS n FROM chains JOIN observations o USING (park, period_start, period_end, indicator) "
        "WHERE o.chain IS NULL AND chains.total > o.value"
    )["n"][0]
    assert over == 0


def test_ensure_sample_data_loads_only_into_an_empty_store(db_path):
    store = store_module.Store(db_path)
    first = ensure_sample_data(store)
    assert [r.status for r in first] == ["loaded", "unchanged", "loaded", "loaded"]
    version = store.data_version()
    assert ensure_sample_data(store) == []
    assert store.data_version() == version
    actors = set(store.loads()["actor"])
    assert actors == {SAMPLE_ACTOR}
