"""Formatting rules on the pages (AppTest, real DuckDB file): no change shown neutral, percentage points in
Chinese, times in Beijing time (PARKDASH_TIMEZONE) with the zone named once, chains by English name in English."""

# ruff: noqa: F811  (app_db is a fixture imported from app_data and requested by name)
from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest
from app_data import DY, WF, Y2023, Y2024, app_db, open_page  # noqa: F401
from parsed_factory import figure, parsed

from metrics.store import Store


def card(at, label: str):
    return next(m for m in at.metric if m.label == label)


def test_no_change_is_neutral_not_a_green_rise(app_db):
    at = open_page()
    same = card(at, "国家级创新平台（家）")  # 127余 in 2023 and in 2024
    assert same.proto.delta == "0.0%"
    assert same.proto.color == 2 and same.proto.direction == 2  # grey, no arrow (MetricColor.GRAY, NONE)
    rise = card(at, "营业收入（万元）")
    assert rise.proto.delta.startswith("+") and rise.proto.color != 2


def test_a_rate_changes_in_percentage_points(db_path):
    rows = [figure(DY, "revenue_yoy", 7.5, period=Y2023), figure(DY, "revenue_yoy", 8.0, period=Y2024)]
    rows += [figure(WF, "revenue_yoy", 7.5, period=Y2023), figure(WF, "revenue_yoy", 8.0, period=Y2024)]
    Store(db_path).load(parsed("rates.xlsx", rows), actor="test")
    zh = card(open_page(), "营业收入同比增长（%）")
    assert zh.proto.delta == "+0.5个百分点"
    en = card(open_page(params={"lang": "en"}), "Revenue growth (YoY) (%)")
    assert en.proto.delta == "+0.5 pp"


def _loaded_at_utc(db) -> dt.datetime:
    return pd.Timestamp(Store(db).loads()["loaded_at"].iloc[0]).to_pydatetime()


def test_times_are_beijing_time_and_the_zone_is_named_once(app_db, monkeypatch):
    monkeypatch.delenv("PARKDASH_TIMEZONE", raising=False)
    utc = _loaded_at_utc(app_db)
    beijing = utc + dt.timedelta(hours=8)
    at = open_page()
    freshness = next(c.value for c in at.caption if c.value.startswith("最近导入"))
    assert f"{beijing:%Y-%m-%d %H:%M}（北京时间）" in freshness
    at = open_page("pages/data.py")
    zone_notes = [c.value for c in at.caption if "北京时间" in c.value]
    assert zone_notes == ["本页时间均为北京时间。"]
    loads = at.dataframe[0].value
    assert pd.Timestamp(loads["导入时间"].iloc[0]).to_pydatetime() == beijing
    audit = at.dataframe[-1].value
    assert pd.Timestamp(audit["时间"].iloc[0]).to_pydatetime() == beijing
    assert audit["详情"].iloc[0].startswith("导入 #1（fixture.xlsx）：")  # not load_id=1, file=...


def test_another_zone_by_setting(app_db, monkeypatch):
    monkeypatch.setenv("PARKDASH_TIMEZONE", "UTC")
    utc = _loaded_at_utc(app_db)
    at = open_page("pages/data.py", {"lang": "en"})
    assert "Times on this page are in UTC." in [c.value for c in at.caption]
    assert pd.Timestamp(at.dataframe[0].value["Loaded at"].iloc[0]).to_pydatetime() == utc


def test_chains_by_their_english_names_in_english(app_db):
    at = open_page("pages/chains.py", {"lang": "en"})
    heat = json.loads(at.get("plotly_chart")[0].proto.spec)["data"][0]
    assert "New materials" in heat["x"] and "新材料" not in heat["x"]
    assert "海洋化工" in heat["x"]  # not in the chain catalog: shown as stored


def test_tables_use_the_charts_unit_and_each_indicators_decimals(db_path):
    figs = [
        figure(DY, "revenue", 39_715_876.0, period=Y2024),
        figure(WF, "revenue", 15_223_000.0, period=Y2024),
        figure(DY, "revenue_yoy", 8.0, period=Y2024),
        figure(WF, "revenue_yoy", 12.26, period=Y2024),
    ]
    Store(db_path).load(parsed("big.xlsx", figs), actor="test")
    at = open_page("pages/parks.py", {"inds": ["revenue", "revenue_yoy"]})
    bars = json.loads(at.get("plotly_chart")[1].proto.spec)["data"]
    revenue = next(b for b in bars if b["name"].startswith("营业收入（"))
    assert "亿元" in revenue["name"] and revenue["text"] == ["3,971.59", "1,522.30"]  # not 1,522.3 beside 888.23
    rate = next(b for b in bars if b["name"].startswith("营业收入同比增长"))
    assert rate["text"] == ["8.0", "12.3"]  # the catalog's 1 decimal, also for a round 8
    table = at.dataframe[0].value
    rows = dict(
        zip(zip(table["园区"], table["指标"], strict=True), zip(table["数值"], table["单位"], strict=True), strict=True)
    )
    assert rows[(DY, "营业收入")] == ("3,971.59", "亿元")  # as the chart, not 39,715,876 万元
    assert rows[(WF, "营业收入")] == ("1,522.30", "亿元")
    assert rows[(DY, "营业收入同比增长")] == ("8.0", "%")
    cards = {m.label: m.value for m in open_page().metric}
    assert cards["营业收入（亿元）"] == "5,493.89" and cards["营业收入同比增长（%）"] == "10.1"


def test_decimals_in_the_catalog_are_validated(tmp_path):
    from metrics.catalog import CatalogError, load_catalog

    text = (
        open("metrics/indicators.toml", encoding="utf-8")
        .read()
        .replace("weight = 2.0\ndecimals = 1", "weight = 2.0\ndecimals = 1.5", 1)
    )
    bad = tmp_path / "indicators.toml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogError) as err:
        load_catalog(bad)
    assert any("revenue_yoy" in p and "decimals must be a whole number from 0 to 4" in p for p in err.value.problems)


def test_a_copied_link_pins_the_period_even_when_it_is_the_default(app_db):
    at = open_page()  # no period in the URL: the latest with data
    assert at.query_params["period"] == "2024"
    later = [figure(DY, "revenue", 1300, period=(dt.date(2025, 1, 1), dt.date(2025, 12, 31)))]
    Store(app_db).load(parsed("next_year.xlsx", later), actor="test")
    pinned = open_page(params={"period": "2024"})  # the link copied before 2025 came in
    assert pinned.sidebar.selectbox(key="w_period").value == "2024"
    assert "2025年" in pinned.sidebar.selectbox(key="w_period").options  # a later period exists
