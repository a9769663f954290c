"""The chain catalog (validated like the others), sources and audit details written for people, display times."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from metrics.catalog import CatalogError
from metrics.chains import default_chains, load_chains
from metrics.localtime import TimezoneError, display_zone, local_column, local_text, zone_name


def test_every_sample_chain_has_an_english_name():
    frame = pd.read_csv("sample_data/illustrative_series.csv")
    chains = default_chains()
    for chain in frame["产业链"].dropna().unique():
        assert chains.name(chain, "en") != chain, chain
        assert chains.name(chain, "zh") == chain
    assert chains.name("生物医药", "en") == chains.name("新医药", "en")  # an alias
    assert chains.name("某新链", "en") == "某新链"  # not in the catalog: as stored


def test_a_broken_chain_catalog_names_every_problem(tmp_path):
    bad = tmp_path / "chains.toml"
    bad.write_text(
        '[[chain]]\nname = "甲"\nname_en = "A"\ncolour = "red"\n'
        '[[chain]]\nname = "乙"\n'
        '[[chain]]\nname = "丙"\nname_en = "A"\naliases = ["甲"]\n',
        encoding="utf-8",
    )
    with pytest.raises(CatalogError) as err:
        load_chains(bad)
    text = " | ".join(err.value.problems)
    assert "unknown keys ['colour']" in text
    assert "chain #2 (乙): missing keys ['name_en']" in text
    assert "alias '甲' also used by 甲" in text
    assert "English name 'A' also used by 甲" in text


def test_sources_for_people():
    from ui.readable import source_text

    assert source_text("东营经开区.xlsx!汇总!6") == "东营经开区.xlsx · 工作表 汇总 · 第6行"
    assert source_text("东营经开区.xlsx!汇总!6", "en") == "东营经开区.xlsx · sheet 汇总 · row 6"
    assert source_text("illustrative_series.csv!!2493") == "示意数据 · 第2493行"
    assert source_text("a!b.csv!!7") == "a!b.csv · 第7行"  # a "!" in a file name
    assert source_text("年报第3页") == "年报第3页"  # not of that form: as it is
    assert source_text(None) is None


def test_audit_details_and_replacement_kinds_for_people():
    from ui.readable import audit_text, replaced_by_text

    load = json.dumps({"load_id": 2, "file": "a.xlsx", "rows_loaded": 1234, "rows_replaced": 5, "rows_unchanged": 0})
    assert audit_text("load", load) == "导入 #2（a.xlsx）：1,234 条数据，其中替换 5 条"
    undo = {"load_id": 3, "file": "illustrative_series.csv", "removed": 10, "brought_back": 2}
    assert (
        audit_text("undo", json.dumps(undo), "en")
        == "Load #3 (Illustrative series) undone: 10 removed, 2 old values back"
    )
    restore = {
        "history_id": 7,
        "park": "东营经济技术开发区",
        "chain": "新材料",
        "period_start": "2024-01-01",
        "period_end": "2024-12-31",
        "indicator": "revenue",
        "value": 1100.0,
    }
    assert (
        audit_text("restore", json.dumps(restore))
        == "恢复历史值 #7：东营经济技术开发区 · 新材料 · 2024年 · 营业收入 = 1,100"
    )
    assert "New materials" in audit_text("restore", json.dumps(restore), "en")
    assert audit_text("load", "not json") == "not json"
    assert [replaced_by_text(k) for k in ("load", "restore", "undo")] == ["导入替换", "恢复", "撤销"]


def test_times_in_the_display_zone(monkeypatch):
    monkeypatch.delenv("PARKDASH_TIMEZONE", raising=False)
    assert display_zone().key == "Asia/Shanghai" and zone_name("zh") == "北京时间" and zone_name("en") == "Beijing time"
    assert local_text(dt.datetime(2026, 12, 6, 17, 30)) == "2026-12-07 01:30"  # stored naive = UTC
    assert local_text(None) == "–"
    column = local_column(pd.Series([dt.datetime(2026, 6, 1, 0, 0), None]))
    assert column.iloc[0] == pd.Timestamp("2026-06-01 08:00") and pd.isna(column.iloc[1])
    monkeypatch.setenv("PARKDASH_TIMEZONE", "Europe/Berlin")
    assert local_text(dt.datetime(2026, 12, 6, 17, 30)) == "2026-12-06 18:30"
    assert zone_name("zh").startswith("Europe/Berlin (UTC+")
    monkeypatch.setenv("PARKDASH_TIMEZONE", "Mars/Olympus")
    with pytest.raises(TimezoneError) as err:
        display_zone()
    assert "PARKDASH_TIMEZONE" in err.value.message_zh and "Mars/Olympus" in err.value.message_en
