"""Official layouts (CONTRACT §2b) through read_file: the data portal's export, a development zone's monthly
report form, periods across, indicators down, unit rows, region entities, US-dollar units."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest
from ingest_support import read_xlsx, xlsx_bytes

from metrics.ingest import read_file

sys.path.insert(0, str(Path(__file__).parent / "fixtures"))
from official_files import FORM_MERGES, form_rows, portal_csv_gbk, portal_rows  # noqa: E402

DY = "东营经济技术开发区"
YEAR = {y: (dt.date(y, 1, 1), dt.date(y, 12, 31)) for y in range(2015, 2025)}
JAN_SEP = {y: (dt.date(y, 1, 1), dt.date(y, 9, 30)) for y in (2023, 2024)}


def by_key(parsed) -> dict[tuple, float]:
    """(park, indicator, period_start, period_end) -> value."""
    return {(o.park, o.indicator, o.period_start, o.period_end): o.value for o in parsed.observations}


def portal_files() -> dict[str, bytes]:
    fixtures = Path(__file__).parent / "fixtures" / "ingest"
    return {
        "分省年度数据.xlsx": xlsx_bytes({"年度数据": portal_rows()}),
        "分省年度数据.xls": (fixtures / "portal_gdp_by_province.xls").read_bytes(),
        "分省年度数据.csv": portal_csv_gbk(),
    }


@pytest.mark.parametrize("name", ["分省年度数据.xlsx", "分省年度数据.xls", "分省年度数据.csv"])
def test_data_portal_export_regions_down_years_across(name):
    """数据库/指标/时间 lines, 地区 down, 2019年…2015年 across (newest first), notes below, empty cells."""
    parsed = read_file(portal_files()[name], name)
    rep = parsed.report
    assert rep.fatal is None and rep.errors == []
    assert (rep.rows_loaded, rep.missing) == (23, 2)  # 西藏自治区 has no 2016, 2015 figures
    got = by_key(parsed)
    assert got[("北京市", "gdp", *YEAR[2019])] == pytest.approx(353_713_000)  # 35371.3 亿元 in 万元
    assert got[("北京市", "gdp", *YEAR[2015])] == pytest.approx(247_791_000)
    assert got[("山东省", "gdp", *YEAR[2018])] == pytest.approx(666_488_700)
    assert ("西藏自治区", "gdp", *YEAR[2016]) not in got
    assert {o.indicator for o in parsed.observations} == {"gdp"}
    # 山东省 is a region of the catalog; the others are named as new, like any name outside it
    assert rep.new_parks == ["北京市", "天津市", "河南省", "西藏自治区"]
    sheet = "" if name.endswith(".csv") else "年度数据"
    beijing = parsed.frame[(parsed.frame.park == "北京市") & (parsed.frame.period_start == dt.date(2019, 1, 1))]
    assert beijing.source.tolist() == [f"{name}!{sheet}!5"]
    assert rep.unmatched_labels == [] and rep.ignored_columns == []


@pytest.mark.parametrize("kind", ["xlsx", "xls"])
def test_development_zone_monthly_report_form(kind):
    """填报单位 and 2024年1-9月 above, 指标名称/计量单位/代码/本年累计/上年同期累计/同比增长(%), the 甲乙丙123
    row, 其中： sub-items (and their indented continuation), units per row, a signature line below."""
    if kind == "xls":
        data = (Path(__file__).parent / "fixtures" / "ingest" / "dev_zone_monthly_2024_9.xls").read_bytes()
    else:
        data = xlsx_bytes({"月报": form_rows()}, merges={"月报": FORM_MERGES})
    parsed = read_file(data, f"月报.{kind}")
    rep = parsed.report
    assert rep.fatal is None and rep.errors == []
    assert rep.new_parks == [] and rep.unmatched_labels == []
    assert rep.ignored_columns == ["代码", "同比增长(%)"]
    assert (rep.rows_loaded, rep.missing) == (25, 1)  # 13 items x 2 periods, one "—"
    got = by_key(parsed)
    now, before = JAN_SEP[2024], JAN_SEP[2023]
    assert got[(DY, "gdp", *now)] == 3_456_789 and got[(DY, "gdp", *before)] == 3_210_000
    assert got[(DY, "secondary_industry_va", *now)] == 2_100_000
    assert got[(DY, "tertiary_industry_va", *now)] == 1_300_000  # indented under 其中：
    assert got[(DY, "industrial_output_above_scale", *now)] == pytest.approx(12_345_000)  # 亿元 row
    assert got[(DY, "fixed_asset_investment", *now)] == 890_000
    assert got[(DY, "import_export", *now)] == 123_456  # 万美元 stays in US dollars
    assert got[(DY, "exports", *now)] == 80_000 and got[(DY, "imports", *before)] == 40_000
    assert got[(DY, "fdi_actual", *now)] == 5_600
    assert got[(DY, "patents_granted", *now)] == 1_500
    assert got[(DY, "invention_patents_granted", *now)] == 320  # 其中：发明专利 under 当年专利授权量
    assert (DY, "invention_patents_granted", *before) not in got  # the — cell
    rows = parsed.frame[(parsed.frame.indicator == "gdp") & (parsed.frame.period_start == now[0])]
    assert rows.source.tolist() == [f"月报.{kind}!月报!5"]  # after title, reporter, header, column numbers


def test_sub_item_read_in_the_context_of_the_item_above(catalog):
    """`其中：发明专利` names invention patents only under 专利授权量: its label is read with the item above."""
    rows = [
        ["填报单位：东营经开区 2024年"],
        ["指标", "计量单位", "本期"],
        ["专利授权量", "件", 90],
        ["其中：发明", "件", 30],
    ]
    parsed = read_xlsx({"S": rows})
    assert parsed.report.errors == []
    assert by_key(parsed) == {
        (DY, "patents_granted", *YEAR[2024]): 90,
        (DY, "invention_patents_granted", *YEAR[2024]): 30,  # 发明 + 专利授权量 = 发明专利授权量
    }


def test_months_across_with_the_indicator_in_the_sheet_name():
    rows = [["园区", "2024年1月", "2024年2月", "2024年3月"], [DY, 10, 12, "—"], ["威海南海新区", 5, 6, 7]]
    parsed = read_xlsx({"营业收入(万元)": rows})
    assert parsed.report.errors == [] and parsed.report.missing == 1
    got = by_key(parsed)
    assert got[(DY, "revenue", dt.date(2024, 2, 1), dt.date(2024, 2, 29))] == 12
    assert got[("威海南海新区", "revenue", dt.date(2024, 3, 1), dt.date(2024, 3, 31))] == 7


def test_relative_periods_from_the_title_period():
    """本月 / 上年同月 / 本年累计 / 上年同期累计 from `2024年9月` in the title; bare months from `2024年`."""
    rows = [
        ["指标：走访企业数"],
        ["2024年9月"],
        ["区县", "本月", "上年同月", "本年累计", "上年同期累计"],
        ["垦利区", 5, 4, 40, 33],
    ]
    got = by_key(read_xlsx({"S": rows}))
    assert got == {
        ("垦利区", "enterprises_visited", dt.date(2024, 9, 1), dt.date(2024, 9, 30)): 5,
        ("垦利区", "enterprises_visited", dt.date(2023, 9, 1), dt.date(2023, 9, 30)): 4,
        ("垦利区", "enterprises_visited", *JAN_SEP[2024]): 40,
        ("垦利区", "enterprises_visited", *JAN_SEP[2023]): 33,
    }
    months = [["2023年 各城市税收收入(亿元)"], ["城市", "1月", "2月"], ["东营市", 1.5, 2]]
    parsed = read_xlsx({"S": [["指标：税收收入(亿元)"], *months]})
    assert by_key(parsed)[("东营市", "tax_revenue", dt.date(2023, 2, 1), dt.date(2023, 2, 28))] == 20_000
    assert parsed.report.new_parks == []  # 东营市: a region of the catalog


def test_relative_period_without_any_period_is_a_problem_not_a_guess():
    parsed = read_xlsx({"S": [["指标：税收收入(万元)"], ["地区", "本年累计"], ["东营市", 5]]}, name="tax.xlsx")
    assert parsed.frame.empty
    [problem] = parsed.report.errors
    assert "报告期" in problem.message and "--period" in problem.message_en


def test_unit_row_under_the_header_gives_each_column_its_unit():
    rows = [
        ["2023年"],
        ["地区", "地区生产总值", "税收收入", "进出口总额"],
        ["单位", "亿元", "万元", "亿美元"],
        ["东营市", 3900.5, 120000, 1.5],
    ]
    parsed = read_xlsx({"S": rows})
    assert parsed.report.errors == []
    assert by_key(parsed) == {
        ("东营市", "gdp", *YEAR[2023]): pytest.approx(39_005_000),
        ("东营市", "tax_revenue", *YEAR[2023]): 120_000,
        ("东营市", "import_export", *YEAR[2023]): pytest.approx(15_000),
    }


@pytest.mark.parametrize("header", ["地区", "区域", "区县", "城市", "省份", "单位名称", "开发区"])
def test_entity_headers(header):
    parsed = read_xlsx({"2024年": [[header, "地区生产总值(万元)"], ["潍坊市", 10]]})
    assert by_key(parsed) == {("潍坊市", "gdp", *YEAR[2024]): 10}


def test_catalog_marks_regions_apart_from_parks(catalog):
    assert catalog.park_kind("东营市") == "region" and catalog.park_kind("山东省") == "region"
    assert catalog.park_kind("东营经开区") == "park"
    assert catalog.park_kind("北京市") is None


def test_us_dollars_stay_dollars_and_never_fit_yuan():
    rows = [
        ["园区", "年份", "进出口总额(亿美元)", "出口总额(美元)", "进口总额", "营业收入(万美元)"],
        [DY, 2024, 1.2, 50_000_000, "3000万美元", 10],
        ["威海南海新区", 2024, 0.5, 1, "1.5亿元", 10],
    ]
    parsed = read_xlsx({"S": rows})
    got = by_key(parsed)
    assert got[(DY, "import_export", *YEAR[2024])] == pytest.approx(12_000)
    assert got[(DY, "exports", *YEAR[2024])] == pytest.approx(5_000)
    assert got[(DY, "imports", *YEAR[2024])] == pytest.approx(3_000)
    messages = [(e.column, e.message) for e in parsed.report.errors]
    # a yuan amount in a dollar indicator, and a dollar header on a yuan indicator: both units named
    assert any(c == "进口总额" and "亿元" in m and "万美元" in m for c, m in messages)
    assert any(c == "营业收入(万美元)" and "万美元" in m and "万元" in m for c, m in messages)
    assert not any(o.indicator == "revenue" for o in parsed.observations)


def test_stacked_header_rows_of_an_economic_database():
    """Exports of economic databases: 指标/地区/频度/单位 rows over the series, periods down."""
    rows = [
        ["指标名称", "地区生产总值", "地区生产总值", "进出口总额"],
        ["地区", "东营市", "潍坊市", "东营市"],
        ["频度", "年", "年", "年"],
        ["单位", "亿元", "亿元", "亿美元"],
        ["2023", 3900.5, 7606.0, 1.2],
        ["2022", 3620.1, 7306.5, "—"],
        ["数据来源：统计局"],
    ]
    parsed = read_xlsx({"S": rows})
    assert parsed.report.errors == [] and parsed.report.missing == 1
    got = by_key(parsed)
    assert got[("东营市", "gdp", *YEAR[2023])] == pytest.approx(39_005_000)
    assert got[("潍坊市", "gdp", *YEAR[2022])] == pytest.approx(73_065_000)
    assert got[("东营市", "import_export", *YEAR[2023])] == pytest.approx(12_000)
    assert len(got) == 5


def test_indicators_down_with_units_in_brackets_from_a_gbk_csv():
    text = (
        "开发区主要指标\r\n填报单位：潍坊滨海经济技术开发区\r\n指标,2024年,2023年\r\n"
        "地区生产总值(亿元),560.5,520\r\n进出口总额(亿美元),1.2,1.1\r\n  其中：出口总额(万美元),8000,7000\r\n"
        "填表人：张某,,\r\n"
    )
    parsed = read_file(text.encode("gbk"), "form.csv")
    assert parsed.report.errors == []
    got = by_key(parsed)
    wf = "潍坊滨海经济技术开发区"
    assert got[(wf, "gdp", *YEAR[2024])] == pytest.approx(5_605_000)
    assert got[(wf, "import_export", *YEAR[2023])] == pytest.approx(11_000)
    assert got[(wf, "exports", *YEAR[2024])] == 8_000
    assert parsed.frame.source.iloc[0] == "form.csv!!4"


def test_a_unit_row_under_a_park_header():
    rows = [["园区", "年份", "营业收入", "走访企业"], ["单位", None, "亿元", "家"], [DY, 2024, 1.5, 7]]
    parsed = read_xlsx({"S": rows})
    assert parsed.report.errors == [] and parsed.report.new_parks == []
    assert by_key(parsed) == {(DY, "revenue", *YEAR[2024]): 15_000, (DY, "enterprises_visited", *YEAR[2024]): 7}


def test_empty_official_templates_are_skipped_as_before():
    """A blank form or portal template holds no figure: the sheet is skipped, not an error."""
    book = {
        "数据": [["园区", "年份", "走访企业"], [DY, 2024, 3]],
        "月报模板": [["指标名称", "计量单位", "本年累计"], ["营业收入", "万元", None]],
        "地区模板": [["地区", "2024年", "2023年"], ["东营市", None, None]],
    }
    parsed = read_xlsx(book)
    assert parsed.report.errors == [] and parsed.report.rows_loaded == 1
    assert parsed.report.skipped_sheets == ["月报模板", "地区模板"]


def test_a_form_of_several_months_reads_each_cell_with_its_column_period_and_row():
    """The period columns of a form are read together: each figure keeps its own column's period, its
    row's source, a qualifier, a percent format; a bad cell is named by its row and column, and its row's
    other cells are kept apart as figures of a row with a bad cell."""
    rows = [
        ["开发区主要经济指标"],
        ["填报单位：东营经济技术开发区"],
        ["指标名称", "计量单位", "代码", "2024年3月", "2024年2月", "2024年1月"],
        ["甲", "乙", "丙", 1, 2, 3],
        ["营业收入", "亿元", "01", 3.5, "abc", 2.5],
        ["国家级创新平台", "家", "02", "110余", 100, "—"],
        ["满意度", "%", "03", 0.955, 95, 94],
        [],
        ["单位负责人：王某", None, "填表人：赵某"],
    ]
    parsed = read_xlsx({"月报": rows}, name="月报.xlsx", percent={"月报": ["D7"]})
    rep = parsed.report
    assert [(e.row, e.column, e.value) for e in rep.errors] == [(5, "2024年2月", "abc")]
    assert rep.missing == 1  # —

    def read(frame):
        return {
            (r.indicator, r.period_start.month): (r.value, r.qualifier, r.source)
            for r in frame.itertuples()
            if r.period_start.year == 2024
        }

    got = read(parsed.frame)
    assert got == {
        ("national_platforms", 3): (110, "at_least", "月报.xlsx!月报!6"),
        ("national_platforms", 2): (100, "exact", "月报.xlsx!月报!6"),
        ("satisfaction", 3): (pytest.approx(95.5), "exact", "月报.xlsx!月报!7"),
        ("satisfaction", 2): (95, "exact", "月报.xlsx!月报!7"),
        ("satisfaction", 1): (94, "exact", "月报.xlsx!月报!7"),
    }
    assert {(r.period_start, r.period_end) for r in parsed.frame.itertuples() if r.indicator == "satisfaction"} == {
        (dt.date(2024, m, 1), dt.date(2024, m, last)) for m, last in ((1, 31), (2, 29), (3, 31))
    }
    # The revenue row holds the bad cell: its two valid figures wait for "load every valid cell".
    assert read(parsed.partial_frame) == {
        ("revenue", 3): (35000, "exact", "月报.xlsx!月报!5"),
        ("revenue", 1): (25000, "exact", "月报.xlsx!月报!5"),
    }
    assert ("月报", 5, "2024年2月") in parsed.fixable_cells
