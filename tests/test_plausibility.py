"""Plausibility warnings: one test per rule, with its absence on correct data (sample data, fixtures)."""

from __future__ import annotations

import datetime as dt

import pytest
from ingest_support import read_xlsx
from parsed_factory import figure, parsed

from metrics.ingest import read_file
from metrics.plausibility import check, one_edit_apart
from metrics.sample import sample_files
from metrics.store import Store
from metrics.template import EXAMPLE_PARK, template_xlsx_bytes

DY = "东营经济技术开发区"
TODAY = dt.date(2026, 12, 6)
Y2023 = (dt.date(2023, 1, 1), dt.date(2023, 12, 31))
HEADER = ["园区", "年份", "营业收入(万元)", "满意度(%)", "国家级创新平台(家)"]


def sheet(*rows) -> list[list]:
    return [HEADER, *rows]


def rules(warnings) -> list[tuple]:
    return [(w.row, w.column, w.value) for w in warnings]


def test_a_value_outside_its_catalog_range_is_named_with_the_range():
    p = read_xlsx({"2024年": sheet([DY, 2024, 1000, 195, 3], ["威海南海新区", 2024, 800, 96.5, -2])})
    warnings = check(p, today=TODAY)
    assert rules(warnings) == [(2, "满意度", "195"), (3, "国家级创新平台", "-2")]
    assert "满意度 195%，合理范围 0–100" in warnings[0].message and "超出该指标的合理范围" in warnings[0].message
    assert "plausible range 0–100" in warnings[0].message_en
    assert "合理范围 ≥ 0" in warnings[1].message


def test_a_negative_growth_rate_is_plausible():
    p = read_xlsx({"2024年": [["园区", "年份", "营业收入同比增长(%)"], [DY, 2024, -12.5]]})
    assert check(p, today=TODAY) == []


def test_a_unit_slip_against_the_stored_year_before_is_caught(db_path):
    store = Store(db_path)
    store.load(parsed("2023.xlsx", [figure(DY, "revenue", 15_223_000, period=Y2023)]))  # 1,522.3亿元
    p = read_xlsx({"2024年": sheet([DY, 2024, 1650, 96, 3])})  # typed in 亿元 under a 万元 header
    [warning] = check(p, store, today=TODAY)
    assert (warning.row, warning.column, warning.value) == (2, "营业收入", "1650")
    assert "2023年为 15,223,000万元（约 9,226 倍）" in warning.message
    assert "相差超过 50 倍，可能是单位写错" in warning.message and "unit slip" in warning.message_en


def test_a_unit_slip_within_the_file_and_against_the_previous_quarter(db_path):
    book = {
        "data": [
            ["园区", "统计期", "营业收入(万元)"],
            [DY, "2023年", 15_000_000],
            [DY, "2024年", 15_500_000],
            ["威海南海新区", "2024Q2", 300_000],
            ["威海南海新区", "2024Q3", 30],  # 元 typed under 万元, the previous quarter in the file
        ]
    }
    warnings = check(read_xlsx(book), Store(db_path), today=TODAY)
    assert rules(warnings) == [(5, "营业收入", "30")]
    assert "2024年第二季度为 300,000万元" in warnings[0].message


def test_growth_within_50x_is_no_slip(db_path):
    store = Store(db_path)
    store.load(parsed("2023.xlsx", [figure(DY, "revenue", 1000, period=Y2023)]))
    assert check(read_xlsx({"2024年": sheet([DY, 2024, 49_000, 90, 3])}), store, today=TODAY) == []


def test_the_templates_example_row_is_named(catalog):
    p = read_file(template_xlsx_bytes(catalog), "模板.xlsx")
    warnings = [w for w in check(p, today=TODAY) if "模板" in w.message]
    # one warning for the example row of each sheet that has one (the figures' sheet and 年度目标)
    assert {(w.row, w.value) for w in warnings} == {(3, EXAMPLE_PARK["zh"])}
    assert len({w.sheet for w in warnings}) == len(warnings) == 2
    assert "这是模板中的示例行" in warnings[0].message and "template's example row" in warnings[0].message_en


def test_a_park_name_one_character_off_a_catalog_alias_is_named():
    p = read_xlsx(
        {
            "2024年": sheet(
                ["东营经开", 2024, 1000, 90, 3],  # one character dropped
                ["东营经开区", 2024, 1000, 90, 3],  # the alias itself
                ["潍坊滨海去", 2024, 1000, 90, 3],  # one changed
                ["山东省威海南海新区A", 2024, 1000, 90, 3],  # one added
            )
        }
    )
    warnings = check(p, today=TODAY)
    assert [(w.row, w.value) for w in warnings] == [(2, "东营经开"), (4, "潍坊滨海去"), (5, "山东省威海南海新区A")]
    assert "“东营经开”与“东营经开区”（东营经济技术开发区）只差一个字" in warnings[0].message
    assert "“潍坊滨海去”与“潍坊滨海区”（潍坊滨海经济技术开发区）" in warnings[1].message
    assert "one character away from '山东省威海南海新区' (威海南海新区)" in warnings[2].message_en


def test_unknown_parks_far_from_the_catalog_are_not_warned():
    p = read_xlsx({"2024年": sheet(["青岛新区示范园", 2024, 1000, 90, 3], ["北湾经济开发区", 2024, 5, 5, 5])})
    assert check(p, today=TODAY) == []


@pytest.mark.parametrize(
    "a, b, near",
    [
        ("东营经开", "东营经开区", True),
        ("东营经开去", "东营经开区", True),
        ("东营经开区", "东营经开区", False),
        ("东营", "东营经开区", False),
    ],
)
def test_one_edit_apart(a, b, near):
    assert one_edit_apart(a, b) is near and one_edit_apart(b, a) is near


def test_a_period_not_yet_ended_is_named_once_per_row():
    p = read_xlsx(
        {"data": [["园区", "统计期", "营业收入(万元)", "满意度(%)"], [DY, "2052年", 10, 90], [DY, "2025年", 10, 90]]}
    )
    [warning] = check(p, today=TODAY)
    assert (warning.row, warning.value) == (2, "2052年")
    assert "2052年至 2052-12-31 才结束（今天 2026-12-06）" in warning.message
    assert check(p, today=dt.date(2053, 1, 1)) == []


def test_no_warning_on_the_bundled_sample_data(db_path):
    store = Store(db_path)
    for path in sample_files():  # in the order the app loads them, each checked against what came before
        p = read_file(path.read_bytes(), path.name)
        assert check(p, store) == [], path.name
        assert store.load(p).status in ("loaded", "unchanged")


@pytest.mark.parametrize("name", ["statistics_office_2024q3.xlsx", "statistics_office_2024q3.xls", "gbk_chains.csv"])
def test_no_warning_on_the_correct_fixtures(db_path, fixtures_dir, name):
    p = read_file((fixtures_dir / "ingest" / name).read_bytes(), name)
    assert len(p.frame) and check(p, Store(db_path)) == []
