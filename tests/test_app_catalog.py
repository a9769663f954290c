"""The catalog page through AppTest: viewers see the catalog; analysts add, edit and revert, every change logged."""

# ruff: noqa: F811  (app_db is a fixture imported from app_data and requested by name)
from __future__ import annotations

import pytest
from app_data import app_db, open_page  # noqa: F401
from streamlit.testing.v1 import AppTest

from metrics.auth import PASSWORD_ENV
from metrics.store import Store


@pytest.fixture
def analyst(monkeypatch):
    from ui.auth import analyst_gate

    monkeypatch.setenv(PASSWORD_ENV, "park-secret")
    analyst_gate.clear()
    yield "park-secret"
    analyst_gate.clear()


def catalog_page(params: dict | None = None) -> AppTest:
    return open_page("pages/catalog.py", params)


def signed_in(params: dict | None = None) -> AppTest:
    at = catalog_page(params)
    at.text_input(key="analyst_password").input("park-secret")
    at.button(key="analyst_login_submit").click().run()
    assert not at.exception, at.exception
    return at


def texts(at) -> str:
    return "\n".join(
        str(e.value)
        for kind in ("markdown", "caption", "text", "info", "warning", "error", "success")
        for e in at.get(kind)
        if hasattr(e, "value")
    )


# AppTest's dataframes carry no key: each table is known by a column only it has (zh, en).
TABLE_COLUMNS = {
    "catalog_indicators_table": ("指标代码", "Indicator id"),
    "catalog_parks_table": ("类型", "Kind"),
    "catalog_changes_table": ("修改编号", "Change"),
}


def _by_key(at, key):
    for df in at.dataframe:
        if set(TABLE_COLUMNS[key]) & set(df.value.columns):
            return df.value
    raise AssertionError(f"no table {key}")


def test_viewers_see_the_catalog_but_no_forms(app_db):
    at = catalog_page()
    indicators = _by_key(at, "catalog_indicators_table")
    assert "地区生产总值" in list(indicators["中文名"]) and "党员先锋队" in list(indicators["中文名"])
    assert set(indicators["来源"]) == {"内置"}
    assert "分析员登录" in texts(at) and not [w for w in at.get("text_input") if w.key.startswith("cat_")]
    assert "目录还没有修改过" in texts(at)
    links = [e.proto.label for e in at.get("page_link")]
    assert "指标与园区目录" in links


def test_analyst_adds_and_edits_an_indicator_refusals_named_and_reverts(app_db, analyst):
    at = signed_in()
    at.text_input(key="cat_ind_zh___new__").input("地方财政教育支出")
    at.text_area(key="cat_ind_aliases___new__").input("教育支出、财政教育支出")
    at.button(key="cat_ind_save").click().run()
    assert not at.exception, at.exception
    assert "已保存：地方财政教育支出" in texts(at)
    store = Store(app_db)
    added = store.catalog.match_indicator("教育支出")
    assert added.id.startswith("x_") and added.category == "custom" and added.weight == 0
    indicators = _by_key(at, "catalog_indicators_table")
    row = indicators[indicators["指标代码"] == added.id].iloc[0]
    assert (row["类别"], row["来源"]) == ("自定义指标", "分析员添加")
    changes = _by_key(at, "catalog_changes_table")
    assert list(changes["操作"]) == ["添加"] and changes["操作人"].iloc[0].startswith("analyst@")

    # An alias that another indicator owns: refused with the reason, nothing stored.
    at.selectbox(key="cat_ind_pick").set_value("gdp").run()
    at.text_area(key="cat_ind_aliases_gdp").input("国内生产总值、营业收入")
    at.button(key="cat_ind_save").click().run()
    assert "未保存" in texts(at) and "'营业收入' 已被 revenue 使用" in texts(at)
    assert len(store.catalog_changes()) == 1

    # Edit a shipped indicator: its weight enters the composite index; the change keeps the entry before.
    at.number_input(key="cat_ind_weight_gdp").set_value(1.5)
    at.text_area(key="cat_ind_aliases_gdp").input("国内生产总值、GDP、地区GDP总量")
    at.button(key="cat_ind_save").click().run()
    assert not at.exception, at.exception
    assert store.catalog.indicator("gdp").weight == 1.5
    changes = _by_key(at, "catalog_changes_table")
    assert changes["修改前"].iloc[0].startswith("aliases:") and "weight: 0.0" in changes["修改前"].iloc[0]
    assert "weight: 1.5" in changes["修改后"].iloc[0]

    # Revert the edit: back to the shipped entry, logged as a change of its own.
    at.selectbox(key="cat_revert_pick").set_value(int(changes["修改编号"].iloc[0]))
    at.button(key="cat_revert_button").click().run()
    assert not at.exception, at.exception
    assert "已撤销修改" in texts(at)
    assert store.catalog.indicator("gdp") == store.base_catalog.indicator("gdp")
    assert list(_by_key(at, "catalog_changes_table")["操作"]) == ["撤销", "修改", "添加"]


def test_analyst_adds_a_region_in_english(app_db, analyst):
    at = signed_in({"lang": "en"})
    at.selectbox(key="cat_park_pick")  # the park form is on the second tab; tabs all render in AppTest
    at.text_input(key="cat_park_name___new__").input("青岛市")
    at.text_input(key="cat_park_en___new__").input("Qingdao")
    at.selectbox(key="cat_park_kind___new__").set_value("region")
    at.text_area(key="cat_park_aliases___new__").input("青岛, 琴岛")
    at.button(key="cat_park_save").click().run()
    assert not at.exception, at.exception
    assert "Saved: 青岛市." in texts(at)
    parks = _by_key(at, "catalog_parks_table")
    row = parks[parks["Park"] == "青岛市"].iloc[0]
    assert (row["Kind"], row["Aliases"], row["Origin"]) == (
        "region (province, city, county)",
        "青岛、琴岛",
        "added by an analyst",
    )
    assert Store(app_db).catalog.canonical_park("琴岛") == "青岛市"


def test_data_page_lists_the_catalog_changes_with_the_audit(app_db):
    Store(app_db).add_alias("gdp", "GDP总量", actor="张三@abc")
    at = open_page("pages/data.py")
    changes = _by_key(at, "catalog_changes_table")
    assert list(changes["操作"]) == ["添加别名"] and list(changes["操作人"]) == ["张三@abc"]
    assert "GDP总量" in changes["修改后"].iloc[0]


def test_party_building_family_opens_on_its_own_period_on_the_sample_data(db_path):
    # An empty database: the first page run loads the bundled sample data (reported + illustrative).
    at = open_page("dashboard.py", {"family": "party_building"})
    cards = {m.label: m.value for m in at.metric}
    # 2023 is the latest year with party-building figures (the design card's families open on 2024).
    assert cards["企业党支部（个）"] == "170" and cards["党员先锋队（支）"] == "17"
    assert cards["产业链党委（个）"] == "12"  # 东营 6 + 潍坊滨海 6
    assert any("统计期：2023年" in c.value for c in at.caption)
    assert any("默认不计入综合指数" in c.value for c in at.caption)  # weight 0: the empty ranking is explained
    families = at.sidebar.selectbox(key="w_family").options
    assert families[:5] == ["全部类别", "营收增长", "创新平台", "人才", "服务企业"]
    assert families[-2:] == ["党建引领", "自定义指标"]
    at = open_page("dashboard.py", {"family": "economy"})  # no figures at all: said so, no error
    assert any("当前筛选条件下没有数据" in i.value for i in at.info)


def test_editing_an_added_indicator_keeps_its_own_unit(app_db, analyst):
    [tons] = Store(app_db).add_indicators([{"name_zh": "港口货物吞吐量", "unit": "吨"}], actor="t")
    at = signed_in()
    at.selectbox(key="cat_ind_pick").set_value(tons.id).run()
    assert at.selectbox(key=f"cat_ind_unit_{tons.id}").value == "吨"
    at.text_input(key=f"cat_ind_en_{tons.id}").input("Port cargo throughput")
    at.button(key="cat_ind_save").click().run()
    assert not at.exception, at.exception
    edited = Store(app_db).catalog.indicator(tons.id)
    assert (edited.name_en, edited.unit, edited.category) == ("Port cargo throughput", "吨", "custom")
