"""Headers and layouts (CONTRACT §2): title rows, two-row headers, long tables, sheets, totals, notes."""

from __future__ import annotations

import datetime as dt

import pytest
from ingest_support import figures, read_xlsx

from metrics.ingest import read_file

DY, WF, WH = "东营经济技术开发区", "潍坊滨海经济技术开发区", "威海南海新区"
Q1_Q3 = (dt.date(2024, 1, 1), dt.date(2024, 9, 30))


@pytest.mark.parametrize("name", ["statistics_office_2024q3.xlsx", "statistics_office_2024q3.xls"])
def test_statistics_office_export(fixtures_dir, name):
    """Title row, merged two-row header, units, 合计, 注：, 110余, — : the whole expected result.

    The .xls (Excel 97-2003, written by tests/fixtures/make_xls.py) holds the same cells as the .xlsx."""
    parsed = read_file((fixtures_dir / "ingest" / name).read_bytes(), name)
    rep = parsed.report
    assert rep.fatal is None and rep.errors == []
    assert (rep.totals_skipped, rep.missing, rep.rows_loaded) == (1, 2, 18)
    assert rep.new_parks == ["新园区"]
    assert rep.ignored_columns == ["序号", "备注"]
    assert set(zip(parsed.frame.period_start, parsed.frame.period_end, strict=True)) == {Q1_Q3}
    got = figures(parsed)
    assert got[(DY, None, "revenue")] == (12_345_000, "exact")  # 1234.5 亿元 in 万元
    assert got[(DY, None, "revenue_yoy")] == (pytest.approx(8.2), "exact")  # percent-formatted 0.082
    assert got[(DY, None, "national_platforms")] == (12, "exact")
    assert got[(DY, None, "provincial_platforms")] == (110, "at_least")
    assert (WF, None, "national_platforms") not in got  # the — cell
    assert got[(WF, None, "academician_teams")] == (2, "approx")
    assert got[(WH, None, "revenue")] == (pytest.approx(10_203_000), "exact")  # "  威海南海新区 " trimmed
    assert got[(WH, None, "revenue_yoy")] == (6.5, "exact")  # text 6.5%
    rows = parsed.frame[(parsed.frame.park == DY) & (parsed.frame.indicator == "revenue")]
    assert rows.source.tolist() == [f"{name}!主要指标!6"]
    assert rows.basis.tolist() == ["reported"] and rows.reference.isna().tolist() == [True]


def test_two_row_header_without_merges_and_group_after_child():
    rows = [
        ["园区", "创新平台", None, "人才工程专家(名)", None],
        [None, "国家级", "省级", "国家级", "省级"],
        [DY, 3, 7, 10, "20余"],
    ]
    got = figures(read_xlsx({"2024年": rows}))
    assert got == {
        (DY, None, "national_platforms"): (3, "exact"),
        (DY, None, "provincial_platforms"): (7, "exact"),
        (DY, None, "national_talents"): (10, "exact"),
        (DY, None, "provincial_talents"): (20, "at_least"),
    }


def test_period_from_title_then_sheet_name_then_file_name():
    body = [["园区", "走访企业"], [DY, 5]]
    from_title = read_xlsx({"Sheet1": [["2023年上半年园区服务情况"], *body]}, name="x.xlsx")
    from_sheet = read_xlsx({"2024Q3": body}, name="x.xlsx")
    from_file = read_xlsx({"Sheet1": body}, name="服务_2024年9月.xlsx")
    assert from_title.frame.period_end.tolist() == [dt.date(2023, 6, 30)]
    assert from_sheet.frame.period_start.tolist() == [dt.date(2024, 7, 1)]
    assert from_file.frame.period_start.tolist() == [dt.date(2024, 9, 1)]
    assert from_title.frame.source.tolist() == ["x.xlsx!Sheet1!3"]


def test_period_column_with_mixed_forms_and_date_cells():
    rows = [
        ["园区", "时间", "走访企业"],
        [DY, 2024, 1],
        [DY, "2024年第三季度", 2],
        [DY, dt.datetime(2024, 9, 1), 3],
        [DY, "2024年1—9月", 4],
    ]
    frame = read_xlsx({"S": rows}).frame
    spans = dict(zip(frame.value, zip(frame.period_start, frame.period_end, strict=True), strict=True))
    assert spans == {
        1: (dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
        2: (dt.date(2024, 7, 1), dt.date(2024, 9, 30)),
        3: (dt.date(2024, 9, 1), dt.date(2024, 9, 30)),
        4: Q1_Q3,
    }


def test_no_period_anywhere_is_an_error_naming_the_sheet():
    parsed = read_xlsx({"Sheet1": [["园区", "走访企业"], [DY, 5]]}, name="data.xlsx")
    assert parsed.frame.empty
    [problem] = parsed.report.errors
    assert problem.sheet == "Sheet1" and problem.row == 2 and "时期" in problem.message


def test_long_layout_with_units_and_chains():
    rows = [
        ["园区", "产业链", "期间", "指标", "数值", "单位"],
        [DY, "新材料", "2024Q3", "营业收入", "1.5", "亿元"],
        [DY, None, "2024Q3", "营业收入(万元)", 800, None],
        [WF, "化工", "2024Q3", "院士团队", "2余", "个"],
        [WF, "化工", "2024Q3", "满意度", "—", "%"],
    ]
    parsed = read_xlsx({"long": rows})
    assert parsed.report.errors == []
    assert figures(parsed) == {
        (DY, "新材料", "revenue"): (15000, "exact"),
        (DY, None, "revenue"): (800, "exact"),
        (WF, "化工", "academician_teams"): (2, "at_least"),
    }
    assert parsed.report.missing == 1


def test_long_layout_unknown_indicator_and_unit_mismatch_are_row_errors():
    rows = [
        ["park", "period", "indicator", "value", "unit"],
        [DY, "2024", "营业收入", 1, "万元"],
        [DY, "2024", "利润总额", 2, "万元"],
        [DY, "2024", "满意度", 90, "家"],
    ]
    parsed = read_xlsx({"long": rows})
    assert [(p.row, p.column, p.value) for p in parsed.report.errors] == [
        (3, "indicator", "利润总额"),
        (4, "unit", "家"),
    ]
    assert parsed.report.skipped_rows == 2 and parsed.report.rows_loaded == 1


def test_several_sheets_and_sheets_without_a_table():
    book = {
        "说明": [["本表由统计局编制"], ["口径说明……"]],
        "2024年": [["园区名称", "走访企业"], [DY, 5]],
        "空白": [],
        "2023年": [["开发区", "走访企业数"], [WF, 7]],
    }
    parsed = read_xlsx(book)
    assert parsed.report.skipped_sheets == ["说明", "空白"]
    assert figures(parsed) == {
        (DY, None, "enterprises_visited"): (5, "exact"),
        (WF, None, "enterprises_visited"): (7, "exact"),
    }
    assert sorted(parsed.frame.source) == ["test.xlsx!2023年!2", "test.xlsx!2024年!2"]


def test_totals_notes_blank_rows_and_ignored_columns():
    rows = [
        ["2024年园区服务情况表"],
        [None],
        ["序号", "园区", "走访企业", "备注"],
        [1, DY, 10, "x"],
        [None, None, None, None],
        [2, WF, 20, None],
        [None, "小计", 30, None],
        [None, "总计", 30, None],
        [None, "全区", 30, None],
        [None, "合计", 30, None],
        ["注：走访企业含回访"],
        ["数据来源：区工信局"],
        ["说明：无"],
    ]
    parsed = read_xlsx({"S": rows})
    assert parsed.report.errors == []
    assert parsed.report.totals_skipped == 4
    assert parsed.report.ignored_columns == ["序号", "备注"]
    assert sorted(parsed.frame.source) == ["test.xlsx!S!4", "test.xlsx!S!6"]


def test_park_aliases_resolved_and_new_parks_listed():
    rows = [["园区", "走访企业"], ["东营经开区", 1], [" 潍坊滨海区 ", 2], ["山东省威海南海新区", 3], ["高新区", 4]]
    parsed = read_xlsx({"2024": rows})
    assert sorted(parsed.frame.park) == sorted([DY, WF, WH, "高新区"])
    assert parsed.report.new_parks == ["高新区"]


def test_chain_column_optional_and_park_written_once_above_its_chains():
    rows = [["园区", "产业链", "走访企业"], [DY, None, 9], [DY, "新材料", 5], [None, "高端装备", 4], [WF, "", 3]]
    got = figures(read_xlsx({"2024": rows}))
    assert got == {
        (DY, None, "enterprises_visited"): (9, "exact"),
        (DY, "新材料", "enterprises_visited"): (5, "exact"),
        (DY, "高端装备", "enterprises_visited"): (4, "exact"),
        (WF, None, "enterprises_visited"): (3, "exact"),
    }


def test_vertically_merged_park_cells_cover_their_chains():
    rows = [["园区", "产业链", "走访企业"], [DY, "新材料", 5], [None, "化工", 4]]
    got = figures(read_xlsx({"2024": rows}, merges={"2024": ["A2:A3"]}))
    assert set(got) == {(DY, "新材料", "enterprises_visited"), (DY, "化工", "enterprises_visited")}


def test_basis_and_reference_columns():
    rows = [
        ["园区", "走访企业", "数据性质", "出处"],
        [DY, 1, "报告", "《2024年工作总结》第三段"],
        [WF, 2, "示意", None],
        [WH, 3, None, None],
        ["X", 4, "估计", None],
    ]
    parsed = read_xlsx({"2024": rows})
    frame = parsed.frame.set_index("park")
    assert frame.loc[DY, "basis"] == "reported" and frame.loc[DY, "reference"] == "《2024年工作总结》第三段"
    assert frame.loc[WF, "basis"] == "illustrative" and frame.loc[WH, "basis"] == "reported"
    [problem] = parsed.report.errors
    assert (problem.row, problem.column, problem.value) == (5, "数据性质", "估计")


def test_period_in_group_header_over_indicator_columns():
    rows = [
        ["园区", "2023年", None, "2024年", None],
        [None, "走访企业", "满意度(%)", "走访企业", "满意度(%)"],
        [DY, 1, 90, 2, 95],
    ]
    frame = read_xlsx({"S": rows}, merges={"S": ["B1:C1", "D1:E1"]}).frame
    assert sorted(zip(frame.indicator, frame.period_start, frame.value, strict=True)) == [
        ("enterprises_visited", dt.date(2023, 1, 1), 1),
        ("enterprises_visited", dt.date(2024, 1, 1), 2),
        ("satisfaction", dt.date(2023, 1, 1), 90),
        ("satisfaction", dt.date(2024, 1, 1), 95),
    ]


def test_unit_written_above_the_table_applies_to_money_columns_without_one():
    rows = [
        ["2024年各园区营收情况"],
        ["单位：亿元"],
        ["园区", "营业收入", "营业收入同比增长(%)", "走访企业"],
        [DY, 2, 5.5, 7],
    ]
    got = figures(read_xlsx({"S": rows}))
    assert got == {
        (DY, None, "revenue"): (20000, "exact"),
        (DY, None, "revenue_yoy"): (5.5, "exact"),
        (DY, None, "enterprises_visited"): (7, "exact"),
    }


def test_total_rows_with_a_word_before_the_total_are_skipped_not_loaded_as_parks():
    # As statistics offices write them: 园区合计, 2024年合计, 全区总计 below the parks; 小计 under a park's chains.
    rows = [
        ["2024年各园区企业服务情况"],
        ["单位：家"],
        ["园区", "产业链", "走访企业"],
        [DY, "新材料", 5],
        [None, "高端装备", 4],
        [None, "小计", 9],
        [WF, "海洋化工", 3],
        [None, "合计", 3],
        ["园区合计", None, 12],
        ["2024年合计", None, 12],
        ["全区总计", None, 12],
        ["注：走访企业含回访"],
    ]
    parsed = read_xlsx({"2024": rows}, merges={"2024": ["A4:A6", "A7:A8"]})
    report = parsed.report
    assert report.errors == [] and report.new_parks == []
    assert report.totals_skipped == 5
    assert figures(parsed) == {
        (DY, "新材料", "enterprises_visited"): (5, "exact"),
        (DY, "高端装备", "enterprises_visited"): (4, "exact"),
        (WF, "海洋化工", "enterprises_visited"): (3, "exact"),
    }


def test_headers_match_whatever_spaces_an_office_typed():
    """Line breaks, full-width and no-break spaces, tabs inside a header or its unit bracket (as wrapped
    header cells and typed forms have them) are no part of the name: each column still finds its indicator."""
    parsed = read_xlsx(
        {
            "2024年前三季度": [
                ["园区\n名称", "营业\n收入\u3000（亿元）", "国家级\u00a0创新平台 ( 家 )", "走访\t企业\u2003"],
                [DY, 1234.5, "110余", 20],
            ]
        }
    )
    assert parsed.report.errors == [] and parsed.report.ignored_columns == []
    got = figures(parsed)
    assert got[(DY, None, "revenue")] == (12_345_000, "exact")
    assert got[(DY, None, "national_platforms")] == (110, "at_least")
    assert got[(DY, None, "enterprises_visited")] == (20, "exact")
