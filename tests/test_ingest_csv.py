"""CSV files: encodings, delimiters, sources `file!!row`; the GBK fixture as exported by an office."""

from __future__ import annotations

import codecs
import datetime as dt

import pytest
from ingest_support import figures

from metrics.ingest import read_file

DY, WH = "东营经济技术开发区", "威海南海新区"
TEXT = '标题：2024年园区服务情况\n园区,年份,走访企业(家),营业收入(亿元)\n东营经开区,2024,"1,100",1.5\n\n合计,2024,1100,1.5\n'


def test_gbk_fixture(fixtures_dir):
    data = (fixtures_dir / "ingest" / "gbk_chains.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    parsed = read_file(data, "gbk_chains.csv")
    assert parsed.report.errors == [] and parsed.report.totals_skipped == 1 and parsed.report.missing == 1
    got = figures(parsed)
    assert got[(DY, "新材料", "revenue")] == (1234.5, "exact")
    assert got[(DY, None, "revenue")] == (5000, "exact")
    assert got[(WH, "高端装备", "revenue")] == (12000, "exact")
    assert got[(DY, None, "enterprises_visited")] == (20, "at_least")
    assert got[(WH, "高端装备", "satisfaction")] == (90, "approx")
    assert len(got) == 8
    assert set(zip(parsed.frame.period_start, parsed.frame.period_end, strict=True)) == {
        (dt.date(2024, 1, 1), dt.date(2024, 9, 30))
    }
    assert sorted(set(parsed.frame.source)) == ["gbk_chains.csv!!2", "gbk_chains.csv!!3", "gbk_chains.csv!!4"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
@pytest.mark.parametrize("delimiter", [",", "\t", ";"])
def test_encodings_and_delimiters(encoding, delimiter):
    text = TEXT.replace(",", delimiter) if delimiter != "," else TEXT
    text = text.replace('"1' + delimiter + '100"', '"1,100"')
    parsed = read_file(text.encode(encoding), "s.csv")
    assert parsed.report.errors == [], parsed.report.errors
    assert figures(parsed) == {
        (DY, None, "enterprises_visited"): (1100, "exact"),
        (DY, None, "revenue"): (15000, "exact"),
    }
    assert parsed.report.totals_skipped == 1
    assert sorted(set(parsed.frame.source)) == ["s.csv!!3"]


def test_csv_errors_name_the_row_without_a_sheet():
    parsed = read_file("园区,年份,走访企业\n东营经开区,2024,abc\n".encode(), "e.csv")
    [problem] = parsed.report.errors
    assert (problem.sheet, problem.row, problem.column, problem.value) == ("", 2, "走访企业", "abc")
    assert "第2行" in problem.message and "e.csv" in problem.message


def test_long_csv():
    text = "park,chain,period,indicator,value,unit\n" + "\n".join(
        [f"{DY},新材料,2024Q{q},revenue,{q}.5,亿元" for q in (1, 2)] + [f"{DY},,2024Q1,satisfaction,88%,%"]
    )
    parsed = read_file(codecs.BOM_UTF8 + text.encode(), "long.csv")
    assert parsed.report.errors == []
    frame = parsed.frame.sort_values(["indicator", "period_start"])
    assert frame.value.tolist() == [15000, 25000, 88]
    assert [o.chain for o in sorted(parsed.observations, key=lambda o: (o.indicator, o.period_start))] == [
        "新材料",
        "新材料",
        None,
    ]


def test_blank_lines_keep_row_numbers_as_the_file_has_them():
    text = "2024年\n\n园区,走访企业\n\n东营经开区,1\n\n\n潍坊滨海区,x\r\n\r\n威海南海新区,3\n"
    parsed = read_file(text.encode(), "b.csv")
    [problem] = parsed.report.errors
    assert (problem.row, problem.value) == (8, "x")
    assert sorted(parsed.frame.source) == ["b.csv!!10", "b.csv!!5"]


def test_ragged_rows_and_quoted_line_breaks_are_still_read():
    text = '园区,年份,走访企业\n东营经开区,2024,1,多余\n"潍坊滨海区\n",2024,2\n威海南海新区,2024\n'
    parsed = read_file(text.encode(), "r.csv")
    assert parsed.report.errors == []
    assert sorted(parsed.frame.value) == [1, 2]
    assert parsed.report.missing == 1


def test_rows_after_a_value_spanning_lines_are_numbered_as_excel_shows_them():
    # Excel shows the quoted two-line note as one row (row 2), so 潍坊滨海区 is row 3 and the bad value row 4.
    text = (
        '园区,年份,走访企业,备注\n东营经开区,2024,1,"第一行\n第二行"\n潍坊滨海区,2024,"1,200",\n威海南海新区,2024,x,\n'
    )
    parsed = read_file(text.encode(), "m.csv")
    assert [(p.row, p.value) for p in parsed.report.errors] == [(4, "x")]
    assert sorted(parsed.frame.source) == ["m.csv!!2", "m.csv!!3"]


def test_quoted_thousands_and_blank_lines_keep_the_fast_path_numbering():
    text = '园区,年份,走访企业\n\n东营经开区,2024,"1,300"\n\n潍坊滨海区,2024,x\n\n'
    parsed = read_file(text.encode(), "q.csv")
    assert [(p.row, p.value) for p in parsed.report.errors] == [(5, "x")]
    assert list(parsed.frame.source) == ["q.csv!!3"] and list(parsed.frame.value) == [1300]


def test_export_layout_reads_back_dates_qualifiers_and_quoted_formulas():
    text = (
        "park,chain,period_start,period_end,indicator,value,qualifier,source,basis,reference\n"
        '\'=HYPERLINK("x"),,2024-07-01,2024-09-30,national_platforms,110.0,at_least,a.csv!!2,illustrative,\n'
        f"{DY},新材料,2024-01-01,2024-12-31,revenue,30.0,exact,a.csv!!3,reported,报告 第2段\n"
        f"{DY},,2024-01-01,2024-12-31,revenue,1.0,sometimes,a.csv!!4,reported,\n"
    )
    parsed = read_file(codecs.BOM_UTF8 + text.encode(), "export.csv")
    assert [(p.row, p.column, p.value) for p in parsed.report.errors] == [(4, "qualifier", "sometimes")]
    assert parsed.report.ignored_columns == ["source"]
    rows = sorted(parsed.observations, key=lambda o: o.value)
    assert [
        (o.park, o.chain, o.period_start, o.period_end, o.value, o.qualifier, o.basis, o.reference) for o in rows
    ] == [
        (DY, "新材料", dt.date(2024, 1, 1), dt.date(2024, 12, 31), 30.0, "exact", "reported", "报告 第2段"),
        ('=HYPERLINK("x")', None, dt.date(2024, 7, 1), dt.date(2024, 9, 30), 110.0, "at_least", "illustrative", None),
    ]


def test_gbk_file_whose_head_is_plain_ascii():
    head = "park,period,enterprises_visited\n" + "".join(f"P{i},2024,{i}\n" for i in range(30_000))
    data = (head + "东营经开区,2024,5\n").encode("gbk")
    assert data[: 256 * 1024].isascii() and len(data) > 256 * 1024
    parsed = read_file(data, "mixed.csv")
    assert parsed.report.errors == [] and parsed.report.rows_loaded == 30_001
    assert parsed.frame.park.iloc[-1] == DY


def test_errors_beyond_the_listing_limit_are_counted_not_listed():
    text = "园区,年份,走访企业\n" + "".join(f"P{i},2024,x{i}\n" for i in range(2100))
    parsed = read_file(text.encode(), "bad.csv")
    assert parsed.report.skipped_rows == 2100
    assert len(parsed.report.errors) == 2001
    assert "100" in parsed.report.errors[-1].message and parsed.report.errors[-1].row is None
