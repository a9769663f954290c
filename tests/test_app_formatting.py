"""Formatting rules on the pages (AppTest, real DuckDB file): no change shown neutral, percentage points in
Chinese, times in Beijing time (PARKDASH_TIMEZONE) with the zone named once, chains by English name in English."""

# ruff: noqa: F811  (app_db is a fixture imported from app_data and requested by name)
from __future__ import annotations

import datetime as dt
import json

import pandas as pd
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
