"""Value cells (CONTRACT §2 'Values'): each written form, as text and in a real workbook."""

from __future__ import annotations

import numpy as np
import pytest
from ingest_support import figures, read_xlsx

from metrics.ingest.values import NUMERIC_CHUNK, QUALIFIER_CODES, numeric_pass, parse_cell, parse_text, read_values

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


# Cells that are not plain numbers, each with what it must give: a qualified figure, a percent-formatted
# cell, a magnitude, missing markers, and cells that are errors (text, a boolean).
SPECIAL_ROWS = [
    [P, "1,234.5", "110余", "19.5%"],
    ["潍坊滨海经济技术开发区", 1234.5, "约20", 0.195],
    ["威海南海新区", "1.2亿", "—", None],
    ["园区甲", "abc", True, "无数据"],
]


def _special_cells_read(parsed) -> tuple[dict, list, int]:
    parks = {row[0] for row in SPECIAL_ROWS}
    got = {k: v for k, v in figures(parsed).items() if k[0] in parks}
    errors = [(p.column, p.value, p.message_en.rsplit(":", 1)[-1]) for p in parsed.report.errors]
    return got, errors, parsed.report.missing


@pytest.mark.parametrize("spread", [False, True])
def test_text_cells_among_thousands_of_numbers_read_as_in_a_small_table(spread):
    """A large sheet's value columns are first read as plain numbers chunk by chunk (or, with text spread
    all over, by pandas' parser at once); the cells that are not plain numbers must give the same figures,
    qualifiers, missing counts and cell errors as the same cells in a table of four rows."""
    header = ["园区", "营业收入(万元)", "走访企业", "满意度(%)"]
    small = read_xlsx({"2024年": [header, *SPECIAL_ROWS]}, percent={"2024年": ["D3"]})
    rows = [header]
    for k in range(6000):
        if k == 4000:
            rows += SPECIAL_ROWS  # all in one chunk of the columns' first look
        visited = "30余" if spread and k % 500 == 0 else k % 97
        rows.append([f"园区{k:04d}", k * 1.5, visited, (k % 100) / 2])
    at = 1 + 4000 + 2  # the spreadsheet row of the second special row (0.195 formatted as a percent)
    large = read_xlsx({"2024年": rows}, percent={"2024年": [f"D{at}"]})
    assert _special_cells_read(large) == _special_cells_read(small)
    got, errors, missing = _special_cells_read(small)
    assert got[(P, None, "enterprises_visited")] == (110, "at_least")
    assert got[("潍坊滨海经济技术开发区", None, "satisfaction")] == (pytest.approx(19.5), "exact")
    assert got[("威海南海新区", None, "revenue")] == (12000, "exact")
    assert [(column, value) for column, value, _ in errors] == [("营业收入(万元)", "abc"), ("走访企业", "True")]
    assert missing == 3  # —, the empty cell, 无数据
    plain = figures(large)
    assert plain[("园区3999", None, "revenue")] == (3999 * 1.5, "exact")
    assert plain[("园区5999", None, "satisfaction")] == (49.5, "exact")
    assert plain[("园区1000", None, "enterprises_visited")] == ((30, "at_least") if spread else (1000 % 97, "exact"))
    assert large.report.rows_loaded == small.report.rows_loaded + 3 * 6000


FIRST_LOOK_SPECIALS = ["1,234.5", "110余", "19.5%", "—", "", "abc", True, "1.2亿", "无数据", " 45 ", "N/A", "约20"]


@pytest.mark.parametrize("layout", ["short column", "text in one chunk", "text all over"])
def test_first_look_at_a_column_gives_what_parsing_each_cell_gives(layout):
    """numeric_pass + read_values (plain numbers in bulk, chunk by chunk or at once) against parse_cell
    on every cell, one by one: the same value, qualifier, missing cell or error everywhere."""
    rng = np.random.default_rng(9)
    n = 24 if layout == "short column" else 10 * NUMERIC_CHUNK
    cells = np.empty(n, dtype=object)
    cells[:] = [float(v) for v in rng.uniform(0, 1e4, n)]
    cells[::7] = ""  # gaps
    cells[5] = 12  # a whole number as calamine gives it
    if layout == "short column":
        at = range(8, 8 + len(FIRST_LOOK_SPECIALS))
    elif layout == "text in one chunk":
        at = range(3 * NUMERIC_CHUNK + 10, 3 * NUMERIC_CHUNK + 10 + len(FIRST_LOOK_SPECIALS))
    else:
        at = range(1, n, n // len(FIRST_LOOK_SPECIALS))
    for i, cell in zip(at, FIRST_LOOK_SPECIALS, strict=False):
        cells[i] = cell
    parsed = read_values(numeric_pass(cells), "万元")
    for i, cell in enumerate(cells):
        one = parse_cell(cell, "万元")
        if one.error:
            assert parsed.errors[i] == (cell, one.error), (i, cell)
            continue
        assert i not in parsed.errors, (i, cell)
        assert bool(parsed.missing[i]) == one.missing, (i, cell)
        if not one.missing:
            assert (parsed.values[i], parsed.qualifiers[i]) == (one.value, QUALIFIER_CODES[one.qualifier]), (i, cell)
