"""Regions kept apart from parks (issue 9, CONTRACT §2b): names read under a 地区/城市 header join the catalog
as regions when loaded, and a view of "all parks" (rankings, cards, the composite yardstick) leaves every
region out, while a page can still set a park beside its province when both are picked."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from ingest_support import xlsx_bytes
from test_cli import cli, json_lines

from metrics.ingest import read_file
from metrics.periods import parse_period
from metrics.queries import Filters, kpi_cards, normalised_scores, ranking
from metrics.store import Store

sys.path.insert(0, str(Path(__file__).parent / "fixtures"))
from official_files import portal_csv_gbk  # noqa: E402

PORTAL_XLS = Path(__file__).parent / "fixtures" / "ingest" / "portal_gdp_by_province.xls"
NEW_REGIONS = ["北京市", "天津市", "河南省", "西藏自治区"]  # 山东省 is a region of the shipped catalog
YEAR_2019 = parse_period("2019年")


def parks_gdp_2019() -> bytes:
    """Two parks' GDP for 2019 in a statistics office's own sheet: a title, 园区 down, a 单位 line."""
    return xlsx_bytes(
        {
            "2019年": [
                ["2019年园区地区生产总值"],
                ["单位：亿元"],
                ["园区", "年份", "地区生产总值"],
                ["东营经开区", "2019年", 612.5],
                ["潍坊滨海区", "2019年", 455.1],
            ]
        }
    )


def load(store: Store, data: bytes, name: str, actor: str = "analyst"):
    report = store.load(read_file(data, name, catalog=store.catalog), actor=actor)
    assert report.status == "loaded", (report.fatal, report.errors[:3])
    return report


def test_cli_reports_new_regions_and_the_catalog_keeps_them_as_regions(db_path):
    result = cli(db_path, "ingest", str(PORTAL_XLS), "--json")
    assert result.returncode == 0, result.stderr.decode()
    [record] = json_lines(result)
    assert record["new_parks"] == NEW_REGIONS and record["new_regions"] == NEW_REGIONS
    store = Store(db_path)
    assert [store.catalog.park_kind(n) for n in [*NEW_REGIONS, "山东省"]] == ["region"] * 5
    changes = store.catalog_changes()
    assert sorted(changes["target"]) == sorted(NEW_REGIONS)
    assert set(changes["action"]) == {"add"} and set(changes["target_kind"]) == {"park"}
    # Each added region is a change of its own that can be taken back, like one added on the catalog page.
    beijing = int(changes.loc[changes["target"] == "北京市", "change_id"].iloc[0])
    store.revert_catalog_change(beijing, actor="analyst")
    assert store.catalog.park_kind("北京市") is None and store.catalog.park_kind("天津市") == "region"


def test_the_same_table_as_gbk_csv_adds_nothing_twice(db_path):
    store = Store(db_path)
    load(store, PORTAL_XLS.read_bytes(), PORTAL_XLS.name)
    again = store.load(read_file(portal_csv_gbk(), "分省年度数据.csv", catalog=store.catalog), actor="analyst")
    assert again.status == "unchanged" and again.rows_unchanged == 23  # every digit the same
    assert again.new_parks == [] and again.new_regions == []  # known now: regions of the catalog
    assert len(store.catalog_changes()) == len(NEW_REGIONS)


def test_new_names_under_a_park_header_stay_parks(db_path):
    store = Store(db_path)
    data = xlsx_bytes({"2019": [["园区", "年份", "地区生产总值(亿元)"], ["黄河三角洲新区", "2019年", 88.0]]})
    report = load(store, data, "新园区.xlsx")
    assert report.new_parks == ["黄河三角洲新区"] and report.new_regions == []
    assert store.catalog.park_kind("黄河三角洲新区") is None
    assert list(ranking(store, Filters(period=YEAR_2019), "gdp")["park"]) == ["黄河三角洲新区"]


@pytest.fixture
def parks_and_regions(db_path) -> Store:
    store = Store(db_path)
    load(store, parks_gdp_2019(), "园区2019.xlsx")
    load(store, PORTAL_XLS.read_bytes(), PORTAL_XLS.name)
    return store


def test_rankings_and_cards_of_all_parks_leave_regions_out(parks_and_regions):
    store = parks_and_regions
    ranked = ranking(store, Filters(period=YEAR_2019), "gdp")
    assert list(ranked["park"]) == ["东营经济技术开发区", "潍坊滨海经济技术开发区"]
    assert list(ranked["rank"]) == [1, 2]
    [card] = kpi_cards(store, Filters(period=YEAR_2019, indicators=("gdp",))).itertuples()
    assert card.value == pytest.approx(6_125_000 + 4_551_000) and card.n_parks == 2


def test_a_park_set_beside_its_province_when_both_are_picked(parks_and_regions):
    store = parks_and_regions
    picked = Filters(period=YEAR_2019, parks=("东营经济技术开发区", "山东省"))
    ranked = ranking(store, picked, "gdp")
    assert list(ranked["park"]) == ["山东省", "东营经济技术开发区"]
    assert ranked.set_index("park").loc["山东省", "value"] == pytest.approx(710_675_300)


def test_the_composite_yardstick_is_the_parks_not_the_provinces(parks_and_regions, db_path, tmp_path):
    """A park's score is the same whether or not provinces' figures of that period are in the store."""
    with_regions = normalised_scores(parks_and_regions, Filters(period=YEAR_2019, indicators=("gdp",)))
    alone = Store(tmp_path / "parks_only.duckdb")
    load(alone, parks_gdp_2019(), "园区2019.xlsx")
    without = normalised_scores(alone, Filters(period=YEAR_2019, indicators=("gdp",)))
    key = ["park", "indicator"]
    assert not with_regions.empty
    assert set(with_regions["park"]) == {"东营经济技术开发区", "潍坊滨海经济技术开发区"}
    got = with_regions.sort_values(key)["score"].tolist()
    assert got == pytest.approx(without.sort_values(key)["score"].tolist())
