"""Context options (CONTRACT §2b) and labels that match no indicator, through read_file."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest
from ingest_support import read_xlsx, xlsx_bytes

from metrics.ingest import IngestContext, read_file

sys.path.insert(0, str(Path(__file__).parent / "fixtures"))
from official_files import form_rows, portal_csv_gbk, portal_rows  # noqa: E402

DY, WF = "东营经济技术开发区", "潍坊滨海经济技术开发区"
Y2024 = (dt.date(2024, 1, 1), dt.date(2024, 12, 31))
H1 = (dt.date(2024, 1, 1), dt.date(2024, 6, 30))


def by_key(parsed) -> dict[tuple, float]:
    return {(o.park, o.indicator, o.period_start, o.period_end): o.value for o in parsed.observations}


def silent_portal() -> list[list]:
    """The portal export without its 指标 line: nothing says what the figures are."""
    return [row for row in portal_rows() if not (row and str(row[0]).startswith("指标"))]


# -- --indicator ---------------------------------------------------------------------------------------


def test_a_file_that_says_nowhere_what_its_numbers_are_is_rejected_with_that_reason():
    parsed = read_xlsx({"年度数据": silent_portal()})
    assert parsed.frame.empty
    [problem] = parsed.report.errors
    assert "没有说明这些数值是什么指标" in problem.message and "--indicator" in problem.message
    assert "does not say what its figures are" in problem.message_en


def test_indicator_given_when_the_file_is_silent():
    parsed = read_xlsx({"年度数据": silent_portal()}, context=IngestContext(indicator="地区生产总值"))
    assert parsed.report.errors == [] and parsed.report.rows_loaded == 23
    assert {o.indicator for o in parsed.observations} == {"gdp"}
    # no unit anywhere: the figures are taken in the indicator's own unit (万元)
    assert by_key(parsed)[("北京市", "gdp", dt.date(2019, 1, 1), dt.date(2019, 12, 31))] == pytest.approx(35371.3)


def test_indicator_given_that_differs_from_the_title_line_names_both():
    parsed = read_file(portal_csv_gbk(), "gdp.csv", context=IngestContext(indicator="tax_revenue"))
    assert parsed.frame.empty
    [problem] = parsed.report.errors
    assert "地区生产总值" in problem.message and "税收收入" in problem.message
    assert "'gdp'" in problem.message_en and "'tax_revenue'" in problem.message_en


def test_indicator_given_that_differs_from_a_column_or_a_row_names_both():
    wide = read_xlsx(
        {"2024年": [["园区", "营业收入", "走访企业"], [DY, 5, 6]]}, context=IngestContext(indicator="revenue")
    )
    assert [(e.column, "走访企业" in e.message and "营业收入" in e.message) for e in wide.report.errors] == [
        ("走访企业", True)
    ]
    long = read_xlsx(
        {"S": [["园区", "年份", "指标", "数值"], [DY, 2024, "营业收入", 5], [DY, 2024, "走访企业", 6]]},
        context=IngestContext(indicator="revenue"),
    )
    [problem] = long.report.errors
    assert problem.row == 3 and "走访企业" in problem.message and "营业收入" in problem.message


# -- --park --------------------------------------------------------------------------------------------


def test_park_given_when_the_file_names_none():
    rows = [["年份", "走访企业", "营业收入(万元)"], [2024, 120, 500]]
    assert read_xlsx({"Sheet1": rows}).report.skipped_sheets == ["Sheet1"]  # as before: no park anywhere
    parsed = read_xlsx({"Sheet1": rows}, context=IngestContext(park="潍坊滨海区"))
    assert by_key(parsed) == {(WF, "enterprises_visited", *Y2024): 120, (WF, "revenue", *Y2024): 500}
    assert parsed.report.new_parks == []


def test_form_without_a_reporter_line_needs_a_park():
    rows = [r for r in form_rows() if not (r and str(r[0]).startswith("填报单位"))]
    rows.insert(1, ["2024年1-9月"])
    silent = read_xlsx({"月报": rows}, name="form.xlsx")
    assert silent.frame.empty and "属于哪个园区或地区" in silent.report.errors[0].message
    parsed = read_xlsx({"月报": rows}, name="form.xlsx", context=IngestContext(park="东营经开区"))
    assert parsed.report.errors == [] and set(parsed.frame.park) == {DY}


def test_park_given_that_differs_from_the_reporter_line_names_both():
    parsed = read_xlsx({"月报": form_rows()}, context=IngestContext(park="威海南海新区"))
    assert parsed.frame.empty
    [problem] = parsed.report.errors
    assert DY in problem.message and "威海南海新区" in problem.message and problem.row == 2


def test_park_given_that_differs_from_a_park_column_names_both_per_row():
    rows = [["园区", "年份", "走访企业"], ["东营经开区", 2024, 5], ["潍坊滨海区", 2024, 6]]
    parsed = read_xlsx({"S": rows}, context=IngestContext(park="东营经开区"))
    [problem] = parsed.report.errors
    assert problem.row == 3 and WF in problem.message and DY in problem.message
    assert by_key(parsed) == {(DY, "enterprises_visited", *Y2024): 5}


# -- --period ------------------------------------------------------------------------------------------


def test_period_given_when_the_file_is_silent():
    rows = [["园区", "走访企业"], [DY, 5]]
    assert read_xlsx({"S": rows}, name="x.xlsx").report.errors[0].message.count("找不到时期") == 1
    parsed = read_xlsx({"S": rows}, name="x.xlsx", context=IngestContext(period="2024年上半年"))
    assert by_key(parsed) == {(DY, "enterprises_visited", *H1): 5}


def test_relative_columns_take_the_period_given():
    rows = [["指标：走访企业"], ["园区", "本年累计", "上年同期累计"], [DY, 40, 30]]
    parsed = read_xlsx({"S": rows}, name="x.xlsx", context=IngestContext(period="2024年1-6月"))
    assert by_key(parsed) == {
        (DY, "enterprises_visited", *H1): 40,
        (DY, "enterprises_visited", dt.date(2023, 1, 1), dt.date(2023, 6, 30)): 30,
    }


def test_period_given_that_differs_from_the_file_names_both():
    title = read_xlsx(
        {"S": [["2023年各园区走访情况"], ["园区", "走访企业"], [DY, 5]]}, context=IngestContext(period="2024")
    )
    [problem] = title.report.errors
    assert "2023年" in problem.message and "2024年" in problem.message and title.frame.empty
    column = read_xlsx(
        {"S": [["园区", "年份", "走访企业"], [DY, 2024, 5], [DY, 2023, 4]]}, context=IngestContext(period="2024")
    )
    [problem] = column.report.errors
    assert problem.row == 3 and "2023年" in problem.message and "2024年" in problem.message
    across = read_file(portal_csv_gbk(), "gdp.csv", context=IngestContext(period="2019"))
    assert [e.column for e in across.report.errors] == ["2018年", "2017年", "2016年", "2015年"]


def test_options_that_name_nothing_are_refused():
    bad_period = read_xlsx({"S": [["园区", "走访企业"], [DY, 5]]}, context=IngestContext(period="去年"))
    assert "无法识别" in bad_period.report.fatal and "not a period" in bad_period.report.fatal_en
    bad_indicator = read_xlsx({"S": [["园区", "走访企业"], [DY, 5]]}, context=IngestContext(indicator="不存在的指标"))
    assert "不在指标目录中" in bad_indicator.report.fatal


# -- labels that match no indicator --------------------------------------------------------------------

THREE_UNKNOWN = [
    ["2023年各园区补充指标"],
    ["园区", "营业收入(亿元)", "地方财政教育支出 (亿元)", "规上服务业企业数(家)", "技术合同成交额(万元)", "备注"],
    ["东营经开区", 1.5, 2.5, 30, 1200, "示例"],
    ["潍坊滨海区", 2, "约3", 41, None, None],
]


def test_unmatched_labels_are_listed_and_ignored_without_the_option():
    parsed = read_xlsx({"补充": THREE_UNKNOWN})
    rep = parsed.report
    assert rep.errors == [] and {o.indicator for o in parsed.observations} == {"revenue"}
    assert rep.ignored_columns == ["地方财政教育支出 (亿元)", "规上服务业企业数(家)", "技术合同成交额(万元)", "备注"]
    assert [(u.label, u.name_zh, u.unit, u.sheet, u.where) for u in rep.unmatched_labels] == [
        ("地方财政教育支出 (亿元)", "地方财政教育支出", "万元", "补充", "C2"),
        ("规上服务业企业数(家)", "规上服务业企业数", "家", "补充", "D2"),
        ("技术合同成交额(万元)", "技术合同成交额", "万元", "补充", "E2"),
    ]
    assert rep.new_indicators == [] and parsed.new_indicators == []


def test_add_indicators_reads_the_unmatched_labels_as_new_indicators(catalog):
    parsed = read_xlsx({"补充": THREE_UNKNOWN}, context=IngestContext(add_indicators=True))
    rep = parsed.report
    assert rep.errors == [] and rep.ignored_columns == ["备注"]
    made = {i.name_zh: i for i in parsed.new_indicators}
    assert sorted(made) == ["地方财政教育支出", "技术合同成交额", "规上服务业企业数"]
    assert rep.new_indicators == [{"id": i.id, "name_zh": i.name_zh, "unit": i.unit} for i in parsed.new_indicators]
    for ind in made.values():
        assert ind.id.startswith("x_") and ind.id not in catalog.ids and ind.category == "custom" and ind.weight == 0
    edu = made["地方财政教育支出"].id
    got = {(o.park, o.indicator): (o.value, o.qualifier) for o in parsed.observations}
    assert got[(DY, edu)] == (pytest.approx(25_000), "exact")  # 2.5 亿元 -> 万元
    assert got[(WF, edu)] == (pytest.approx(30_000), "approx")
    assert got[(DY, made["规上服务业企业数"].id)] == (30, "exact")
    assert (WF, made["技术合同成交额"].id) not in got and rep.missing == 1
    assert len(rep.unmatched_labels) == 3  # still listed: they were not in the catalog


def test_a_file_of_unknown_labels_only_says_so_and_how_to_add_them():
    rows = [["园区", "年份", "地方财政教育支出(亿元)"], [DY, 2024, 1]]
    parsed = read_xlsx({"S": rows})
    assert "地方财政教育支出(亿元)" in parsed.report.fatal and "--add-indicators" in parsed.report.fatal_en


def test_unknown_title_indicator_and_form_rows_are_unmatched_labels_too():
    portal = [["指标：地方财政教育支出(亿元)"], ["地区", "2023年", "2022年"], ["东营市", 20.5, 19]]
    silent = read_xlsx({"S": portal})
    assert [(u.name_zh, u.unit, u.where) for u in silent.report.unmatched_labels] == [
        ("地方财政教育支出", "万元", "A1")
    ]
    added = read_xlsx({"S": portal}, context=IngestContext(add_indicators=True))
    [edu] = added.new_indicators
    assert by_key(added)[("东营市", edu.id, dt.date(2023, 1, 1), dt.date(2023, 12, 31))] == pytest.approx(205_000)
    form = form_rows()
    form.insert(6, ["  其中：新兴产业产值", "亿元", "02a", 12, 10, 20.0])
    parsed = read_file(xlsx_bytes({"月报": form}), "form.xlsx")
    assert [(u.label, u.name_zh, u.unit, u.where) for u in parsed.report.unmatched_labels] == [
        ("其中：新兴产业产值", "新兴产业产值", "万元", "A7")
    ]
    assert "其中：新兴产业产值" in parsed.report.ignored_columns and parsed.report.errors == []
