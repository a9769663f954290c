"""Analysts extend the catalog: entries in the database merged over the shipped TOML, every change
recorded with before/after and revertible, export -> import between deployments."""

from __future__ import annotations

import json
import subprocess
import sys

import duckdb
import pytest
from conftest import ROOT, python_env
from ingest_support import read_xlsx

from metrics import queries
from metrics.catalog import CatalogError, load_catalog
from metrics.catalog_entries import added_indicator_id, catalog_toml
from metrics.dbfile import StoreError
from metrics.store import Store

EDU = {"name_zh": "地方财政教育支出", "unit": "万元"}


def test_added_indicator_gets_an_id_apart_from_the_shipped_ones(store_db, catalog):
    store = Store(store_db)
    [ind] = store.add_indicators([EDU], actor="张三")
    assert ind.id == added_indicator_id("地方财政教育支出") and ind.id.startswith("x_")
    assert ind.id not in catalog.ids
    assert (ind.category, ind.weight, ind.unit, ind.name_en) == ("custom", 0.0, "万元", "地方财政教育支出")
    assert store.catalog.match_indicator("地方财政教育支出") == ind
    # Added again (a later file with the same label): reused, no second change.
    assert store.add_indicators([EDU, {"name_zh": "地方财政教育支出", "unit": "万元"}], actor="李四") == [ind, ind]
    changes = store.catalog_changes()
    assert list(changes["action"]) == ["add"] and changes["actor"].iloc[0] == "张三"
    assert json.loads(changes["after"].iloc[0])["name_zh"] == "地方财政教育支出"
    assert changes["before"].isna().iloc[0]
    # Another handle on the same file (another process) sees it: the catalog lives in the database.
    assert Store(store_db).catalog.indicator(ind.id) == ind


def test_bad_entries_are_refused_with_every_reason_in_both_languages_nothing_stored(store_db):
    store = Store(store_db)
    version = store.data_version()
    with pytest.raises(CatalogError) as err:
        store.save_indicator(
            {**EDU, "aliases": ["营收", "走访企业数"], "unit": "亿元", "direction": "up", "category": "nope"}, actor="t"
        )
    zh, en = " | ".join(err.value.messages("zh")), " | ".join(err.value.messages("en"))
    for fragment in (
        "'营收' 已被 revenue 使用",
        "'走访企业数' 已被 enterprises_visited 使用",
        "金额一律以万元或万美元存储",
        "方向",
        "未知的类别",
    ):
        assert fragment in zh, fragment
    for fragment in (
        "'营收' also used by revenue",
        "money is stored in 万元 or 万美元",
        "direction",
        "unknown category 'nope'",
    ):
        assert fragment in en, fragment
    with pytest.raises(CatalogError) as err:
        store.add_alias("gdp", "营业收入", actor="t")  # the name of another indicator
    assert "'营业收入' 已被 revenue 使用" in err.value.messages("zh")[0]
    with pytest.raises(CatalogError) as err:
        store.save_park({"name": "青岛西海岸新区", "aliases": ["东营经开区"], "kind": "zone"}, actor="t")
    text = " | ".join(err.value.messages("en"))
    assert "'东营经开区' also used by 东营经济技术开发区" in text and "kind must be 'park' or 'region'" in text
    assert store.catalog_changes().empty and store.data_version() == version


def test_edit_keeps_the_entry_before_and_a_change_can_be_reverted(store_db, catalog):
    store = Store(store_db)
    shipped = catalog.indicator("tax_revenue")
    v0 = store.data_version()
    store.save_indicator({**_entry(shipped), "weight": 1.5, "name_en": "Taxes"}, actor="张三")
    assert store.data_version() != v0  # UI caches key on it: a catalog change is seen at once
    store.add_alias("tax_revenue", "税收收入合计", actor="李四")
    edited = store.catalog.indicator("tax_revenue")
    assert (edited.weight, edited.name_en, edited.aliases[-1]) == (1.5, "Taxes", "税收收入合计")
    changes = store.catalog_changes()
    assert list(changes["action"]) == ["alias", "edit"] and list(changes["revertible"]) == [True, False]
    edit_id, alias_id = int(changes["change_id"].iloc[1]), int(changes["change_id"].iloc[0])
    assert json.loads(changes["before"].iloc[1])["weight"] == 0.0  # the shipped entry, kept
    with pytest.raises(StoreError) as err:  # newer change first
        store.revert_catalog_change(edit_id, actor="王五")
    assert "revert the newer change first" in err.value.message_en and "请先撤销较新的修改" in err.value.message_zh
    store.revert_catalog_change(alias_id, actor="王五")
    assert store.catalog.match_indicator("税收收入合计") is None
    store.revert_catalog_change(edit_id, actor="王五")  # the entry is as the edit left it: back to the shipped one
    assert store.catalog.indicator("tax_revenue") == shipped
    changes = store.catalog_changes()
    assert list(changes["action"][:2]) == ["revert", "revert"] and int(changes["reverts"].iloc[0]) == edit_id
    # A revert is a change too: reverting it brings the edit back.
    store.revert_catalog_change(int(changes["change_id"].iloc[0]), actor="王五")
    assert store.catalog.indicator("tax_revenue").weight == 1.5
    with pytest.raises(StoreError):
        store.revert_catalog_change(9999, actor="王五")


def test_parks_and_regions(store_db):
    store = Store(store_db)
    region = store.save_park({"name": "青岛市", "name_en": "Qingdao", "aliases": ["青岛"], "kind": "region"}, actor="t")
    assert region.kind == "region" and store.catalog.canonical_park("青岛") == "青岛市"
    assert store.catalog.park_name_en("青岛市") == "Qingdao"
    store.save_park(
        {"name": "东营经济技术开发区", "name_en": "Dongying ETDZ", "aliases": ["东营经开区", "东营区开发区"]}, "t"
    )
    assert store.catalog.canonical_park("东营区开发区") == "东营经济技术开发区"
    assert [c for c in store.catalog_changes()["action"]] == ["edit", "add"]


def test_a_figure_of_an_added_indicator_is_stored_and_shown(store_db):
    store = Store(store_db)
    rows = [["园区", "统计期", "地方财政教育支出(亿元)", "营业收入(亿元)"], ["东营经开区", "2024年", 1.5, 100]]
    before = read_xlsx({"财政": rows}, catalog=store.catalog)
    assert set(before.frame["indicator"]) == {"revenue"}  # not in the catalog yet: the column is ignored
    [ind] = store.add_indicators([EDU], actor="t")
    parsed = read_xlsx({"财政": rows}, catalog=store.catalog)
    assert store.load(parsed, actor="t").status == "loaded"
    cards = queries.kpi_cards(store, queries.Filters(category="custom"))
    assert list(cards["indicator"]) == [ind.id] and list(cards["name"]) == ["地方财政教育支出"]
    assert cards["value"].iloc[0] == 15000  # 1.5 亿元 in 万元
    # Its unit cannot change, nor can it go, while figures are stored in it.
    with pytest.raises(StoreError) as err:
        store.save_indicator({**_entry(ind), "unit": "万美元"}, actor="t")
    assert "万元" in err.value.message_zh and "万美元" in err.value.message_en
    with pytest.raises(StoreError) as err:
        store.revert_catalog_change(int(store.catalog_changes()["change_id"].iloc[0]), actor="t")
    assert "undo their loads first" in err.value.message_en
    # Figures outside the catalog in effect are refused (a handle whose shipped catalog lacks the entry
    # still merges the database's).
    assert ind.id in {i.id for i in Store(store_db).catalog.indicators}


def test_store_refuses_figures_of_an_indicator_outside_its_catalog(db_path):
    store = Store(db_path)
    other = Store(db_path.with_name("other.duckdb"))
    [ind] = other.add_indicators([EDU], actor="t")
    parsed = read_xlsx(
        {"s": [["园区", "统计期", "地方财政教育支出(万元)"], ["东营经开区", "2024年", 3]]}, catalog=other.catalog
    )
    report = store.load(parsed, actor="t")
    assert report.status == "rejected" and ind.id in report.fatal_en


def test_old_database_files_gain_the_catalog_tables_on_their_next_write(db_path, catalog):
    Store(db_path)
    con = duckdb.connect(str(db_path))
    for table in ("catalog_changes", "catalog_indicators", "catalog_parks"):
        con.execute(f"DROP TABLE {table}")
    con.close()
    store = Store(db_path)
    assert store.catalog == catalog and store.catalog_changes().empty and store.data_version().endswith("c0")
    store.add_alias("gdp", "GDP总值", actor="t")
    assert store.catalog.match_indicator("GDP总值").id == "gdp"


def test_entries_that_no_longer_fit_the_shipped_catalog_are_left_out_not_fatal(db_path, catalog, tmp_path):
    Store(db_path).add_alias("gdp", "经济总量", actor="t")
    newer = tmp_path / "ind.toml"  # a later release ships the same alias for another indicator
    text = (ROOT / "metrics" / "indicators.toml").read_text(encoding="utf-8")
    newer.write_text(text.replace('aliases = ["第二产业",', 'aliases = ["经济总量", "第二产业",'), encoding="utf-8")
    store = Store(db_path, catalog=load_catalog(newer))
    assert store.catalog.match_indicator("经济总量").id == "secondary_industry_va"
    assert store.catalog_problems and "经济总量" in str(store.catalog_problems[0])


def test_export_then_import_elsewhere_round_trip(db_path, tmp_path):
    store = Store(db_path)
    # An added indicator keeps the unit of its label (吨), which the shipped catalog does not know.
    [ind, tons] = store.add_indicators([EDU, {"name_zh": "港口货物吞吐量", "unit": "吨"}], actor="t")
    assert tons.unit == "吨"
    store.save_indicator({**_entry(ind), "name_en": "Local education spending", "aliases": ["教育支出"]}, actor="t")
    store.save_park({"name": "青岛市", "name_en": "Qingdao", "aliases": ["青岛"], "kind": "region"}, actor="t")
    out = tmp_path / "catalog.toml"
    env = python_env(db_path)
    run = [sys.executable, "-m", "metrics", "catalog"]
    done = subprocess.run([*run, "export", "--out", str(out)], env=env, cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert load_catalog(out, out) == store.catalog  # the file validates with the same loader
    elsewhere = tmp_path / "elsewhere.duckdb"
    args = [*run, "import", str(out), "--db", str(elsewhere)]
    done = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    moved = Store(elsewhere)
    assert moved.catalog == store.catalog
    assert moved.catalog.indicator(ind.id).name_en == "Local education spending"
    assert set(moved.catalog_changes()["action"]) == {"import"}
    again = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True)  # nothing new: no change
    assert again.returncode == 0 and len(Store(elsewhere).catalog_changes()) == 3


def test_import_of_a_bad_file_names_every_problem_and_stores_nothing(db_path, tmp_path):
    store = Store(db_path)
    bad = tmp_path / "bad.toml"
    text = catalog_toml(store.catalog).replace('name_zh = "税收收入"', 'name_zh = "营业收入"')
    bad.write_text(text.replace('unit = "件"', 'unit = "斤"', 1), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "metrics", "catalog", "import", str(bad)],
        env=python_env(db_path) | {"PARKDASH_LANG": "en"},
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1
    assert "'营业收入' also used by revenue" in done.stderr or "'营业收入' 已被 revenue 使用" in done.stderr
    assert "斤" in done.stderr
    assert Store(db_path).catalog_changes().empty


def _entry(ind) -> dict:
    from metrics.catalog_entries import indicator_entry

    return indicator_entry(ind)
