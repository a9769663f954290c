"""Value cells (CONTRACT §2 'Values'): each written form, as text and in a real workbook."""

from __future__ import annotations

import pytest
from ingest_support import figures, read_xlsx

from metrics.ingest.values import parse_text

P = "东营经济技术开发区"


@pytest.mark.parametrize(
    ("text", "unit", "value", "qualifier"),
    [
        ("1,234.5", "万元", 1234.5, "exact"),
        ("1234.5", "万元", 1234.5, "exact"),
        ("110余", "家", 110, "at_least"),
        ("110余批次", "个", 110, "at_least"),
        ("1500余名", "名", 1500, "at_least"),
        ("20多项", "项", 20, "at_least"),
        ("超过1000", "人次", 1000, "at_least"),
        ("逾200", "家", 200, "at_least"),
        ("30以上", "个", 30, "at_least"),
        ("约20", "个", 20, "approx"),
        ("近500", "家", 500, "approx"),
        ("300左右", "场", 300, "approx"),
        ("19.5%", "%", 19.5, "exact"),
        ("19.5％", "%", 19.5, "exact"),
        ("-3.2%", "%", -3.2, "exact"),
        ("1.2亿", "万元", 12000, "exact"),
        ("1.2亿元", "万元", 12000, "exact"),
        ("3000万元", "万元", 3000, "exact"),
        ("5000元", "万元", 0.5, "exact"),
        ("1.5万人次", "人次", 15000, "exact"),
        ("１２３", "家", 123, "exact"),  # full-width digits
        (" 45 ", "家", 45, "exact"),
    ],
)
def test_value_forms(text, unit, value, qualifier):
    parsed = parse_text(text, unit)
    assert parsed.error is None and not parsed.missing
    assert parsed.value == pytest.approx(value)
    assert parsed.qualifier == qualifier


@pytest.mark.parametrize("text", ["", "—", "–", "-", "/", "N/A", "无数据", "--", "  "])
def test_missing_markers(text):
    assert parse_text(text, "家").missing


@pytest.mark.parametrize(
    "text, unit, reason",
    [
        ("abc", "家", "无法识别的数值"),
        ("12..3", "家", "无法识别的数值"),
        ("1,2,3", "家", "无法识别的数值"),
        ('=HYPERLINK("http://x","y")', "家", "无法识别的数值"),
        ("1.2亿", "%", "单位“亿”与指标单位“%”不符"),  # 亿 cannot be a percentage
        ("约110余", "家", "数值限定词相互矛盾"),
        ("1.2亿万元", "万元", "数值单位重复"),
    ],
)
def test_not_a_number(text, unit, reason):
    parsed = parse_text(text, unit)
    assert parsed.value is None and parsed.error[0] == reason and parsed.error[1]


@pytest.mark.parametrize(("text", "unit"), [("5000元", "家"), ("1.2万元", "人次"), ("3亿元", "个"), ("2万元", "%")])
def test_money_written_for_a_count_or_a_rate_is_an_error_naming_both_units(text, unit):
    parsed = parse_text(text, unit)
    assert parsed.value is None and not parsed.missing
    zh, en = parsed.error
    assert unit in zh and "元" in zh and unit in en


def test_a_plain_magnitude_scales_a_count():
    assert (parse_text("1.2万", "家").value, parse_text("3千", "人次").value) == (12000, 3000)


def test_header_unit_scales_plain_numbers_not_suffixed_ones():
    assert parse_text("2", "万元", header_factor=10000).value == 20000
    assert parse_text("1.2亿", "万元", header_factor=10000).value == 12000
    assert parse_text("8%", "%", header_factor=10000).value == 8


def test_every_form_in_a_real_workbook():
    rows = [
        ["园区", "营业收入(万元)", "走访企业", "满意度(%)"],
        [P, "1,234.5", "110余", "19.5%"],
        ["潍坊滨海经济技术开发区", 1234.5, "约20", 0.195],
        ["威海南海新区", "1.2亿", "—", None],
        ["园区甲", "5000元", "N/A", "无数据"],
    ]
    parsed = read_xlsx({"2024年": rows}, percent={"2024年": ["D3"]})
    assert parsed.report.errors == []
    got = figures(parsed)
    assert got[(P, None, "revenue")] == (1234.5, "exact")
    assert got[(P, None, "enterprises_visited")] == (110, "at_least")
    assert got[(P, None, "satisfaction")] == (19.5, "exact")
    assert got[("潍坊滨海经济技术开发区", None, "enterprises_visited")] == (20, "approx")
    assert got[("潍坊滨海经济技术开发区", None, "satisfaction")] == (pytest.approx(19.5), "exact")
    assert got[("威海南海新区", None, "revenue")] == (12000, "exact")
    assert got[("园区甲", None, "revenue")] == (0.5, "exact")
    assert len(got) == 8
    assert parsed.report.missing == 4  # —, the empty cell, N/A, 无数据
    assert parsed.report.rows_loaded == 8


@pytest.mark.parametrize(
    ("header", "cell", "value"),
    [
        ("营业收入(亿元)", 1.5, 15000),
        ("营业收入（亿元）", 1.5, 15000),
        ("营业收入(元)", 25000, 2.5),
        ("营业收入(千元)", 250, 25),
        ("营业收入（万元）", 7, 7),
        ("营业收入", 7, 7),
        ("营收(亿元)", "2", 20000),
        ("revenue", 3, 3),
    ],
)
def test_header_units_convert_to_the_catalog_unit(header, cell, value):
    parsed = read_xlsx({"2024": [["园区", header], [P, cell]]})
    assert figures(parsed) == {(P, None, "revenue"): (pytest.approx(value), "exact")}


def test_header_unit_that_does_not_fit_is_reported_and_the_column_not_read():
    parsed = read_xlsx({"2024": [["园区", "营业收入(家)", "走访企业(家)"], [P, 5, 6]]})
    assert figures(parsed) == {(P, None, "enterprises_visited"): (6, "exact")}
    [problem] = parsed.report.errors
    assert (problem.sheet, problem.row, problem.column) == ("2024", 1, "营业收入(家)")
    assert "单位" in problem.message and problem.message_en


def test_percent_styles_read_from_styles_xml():
    from metrics.ingest.percent import percent_styles

    styles = (
        b'<styleSheet><numFmts><numFmt numFmtId="164" formatCode="0.0%"/>'
        b'<numFmt numFmtId="165" formatCode="0.0&quot;%&quot;"/></numFmts>'
        b'<cellXfs count="5"><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="165"/><xf numFmtId="10"/>'
        b'<xf numFmtId="3"/></cellXfs></styleSheet>'
    )
    assert percent_styles(styles) == [1, 3]  # a quoted "%" is literal text: the number is not scaled
