"""A workbook with one sheet per park (the sheet names the park; no park column), and a file per park."""

from __future__ import annotations

import datetime as dt

from ingest_support import figures, xlsx_bytes

from metrics.ingest import read_file

DY, WF = "东营经济技术开发区", "潍坊滨海经济技术开发区"
HEADER = ["产业链", "营业收入(亿元)", "国家级创新平台"]


def test_sheets_named_after_parks_give_their_parks():
    data = xlsx_bytes(
        {
            "东营经开区": [
                ["2024年1-9月主要指标"],
                HEADER,
                ["新材料", 12.5, 3],
                ["高端装备", 8, "2余"],
                ["合计", 20.5, 5],
            ],
            "青岛高新区": [["2024年1-9月主要指标"], HEADER, ["化工", 30, 4]],
            "填报说明": [["本表由统计局提供"]],
        }
    )
    parsed = read_file(data, "分园区.xlsx")
    report = parsed.report
    assert report.errors == [] and report.fatal is None
    assert report.skipped_sheets == ["填报说明"] and report.new_parks == ["青岛高新区"] and report.totals_skipped == 1
    got = figures(parsed)
    assert got[(DY, "新材料", "revenue")] == (125_000, "exact")
    assert got[(DY, "高端装备", "national_platforms")] == (2, "at_least")
    assert got[("青岛高新区", "化工", "revenue")] == (300_000, "exact")
    assert len(got) == 6
    assert set(parsed.frame.period_start) == {dt.date(2024, 1, 1)} and set(parsed.frame.period_end) == {
        dt.date(2024, 9, 30)
    }
    assert sorted(set(parsed.frame.source)) == [
        "分园区.xlsx!东营经开区!3",
        "分园区.xlsx!东营经开区!4",
        "分园区.xlsx!青岛高新区!3",
    ]


def test_a_long_table_per_park_sheet_with_a_period_column():
    data = xlsx_bytes(
        {
            "潍坊滨海区": [
                ["年份", "指标", "数值", "单位"],
                [2023, "走访企业", "300余", "家"],
                [2024, "营业收入", 1.5, "亿元"],
            ],
        }
    )
    parsed = read_file(data, "wf.xlsx")
    assert parsed.report.errors == [] and parsed.report.new_parks == []
    rows = sorted((o.park, o.period_start.year, o.indicator, o.value, o.qualifier) for o in parsed.observations)
    assert rows == [(WF, 2023, "enterprises_visited", 300, "at_least"), (WF, 2024, "revenue", 15_000, "exact")]


def test_a_park_named_in_the_title_or_the_file_name():
    titled = xlsx_bytes(
        {"Sheet1": [["东营经济技术开发区2024年主要指标"], ["年份", "走访企业", "营业收入(万元)"], [2024, 120, 500]]}
    )
    assert figures(read_file(titled, "report.xlsx"))[(DY, None, "enterprises_visited")] == (120, "exact")
    csv = "年份,走访企业,营业收入(万元)\n2024,120,500\n".encode()
    parsed = read_file(csv, "潍坊滨海区_2024.csv")
    assert figures(parsed)[(WF, None, "revenue")] == (500, "exact")
    assert parsed.frame.source.tolist() == ["潍坊滨海区_2024.csv!!2"] * 2


def test_without_a_park_anywhere_the_sheet_holds_no_table():
    data = xlsx_bytes(
        {"Sheet1": [["年份", "走访企业"], [2024, 120]], "2024年": [["产业链", "走访企业"], ["新材料", 5]]}
    )
    report = read_file(data, "data.xlsx").report
    assert report.skipped_sheets == ["Sheet1", "2024年"]
    assert "园区" in report.fatal and "park" in report.fatal_en


def test_an_instructions_sheet_is_not_read_as_the_named_parks_table():
    data = xlsx_bytes(
        {
            "数据": [["产业链", "走访企业"], ["新材料", 5]],
            "说明": [["年份", "营业收入", "走访企业"], ["填写年度", "万元", "家"]],
        }
    )
    parsed = read_file(data, "东营经开区2024.xlsx")
    assert parsed.report.skipped_sheets == ["说明"] and parsed.report.errors == []
    assert figures(parsed) == {(DY, "新材料", "enterprises_visited"): (5, "exact")}
