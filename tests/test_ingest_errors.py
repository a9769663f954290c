"""Problems: row errors name sheet, row, column and text; unreadable files are fatal; limits hold."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import zipfile

import pytest
from ingest_support import figures, read_xlsx, xlsx_bytes

from metrics.config import limits
from metrics.ingest import read_file

DY, WF = "东营经济技术开发区", "潍坊滨海经济技术开发区"
HYPERLINK = '=HYPERLINK("http://x","y")'


def test_bad_cell_makes_a_row_error_with_exact_place_and_the_row_gives_nothing():
    rows = [
        ["2024年前三季度"],
        [None],
        ["园区", "营业收入(万元)", "走访企业"],
        [DY, 100, "abc"],
        [WF, "12..3", 5],
        ["威海南海新区", 7, 8],
    ]
    parsed = read_xlsx({"数据": rows}, name="up.xlsx")
    errors = [(p.sheet, p.row, p.column, p.value) for p in parsed.report.errors]
    assert errors == [("数据", 4, "走访企业", "abc"), ("数据", 5, "营业收入(万元)", "12..3")]
    first = parsed.report.errors[0]
    for part in ("up.xlsx", "数据", "第4行", "走访企业", "abc"):
        assert part in first.message
    assert "row 4" in first.message_en and "'abc'" in first.message_en
    assert parsed.report.skipped_rows == 2
    assert set(figures(parsed)) == {("威海南海新区", None, "revenue"), ("威海南海新区", None, "enterprises_visited")}


def test_formula_text_is_an_error_in_a_value_and_literal_in_a_park_name():
    rows = [["园区", "走访企业"], [DY, HYPERLINK], [HYPERLINK, 3]]
    parsed = read_xlsx({"2024": rows}, text_cells={"2024": ["B2", "A3"]})
    [problem] = parsed.report.errors
    assert (problem.row, problem.column, problem.value) == (2, "走访企业", HYPERLINK)
    assert figures(parsed) == {(HYPERLINK, None, "enterprises_visited"): (3, "exact")}
    assert parsed.report.new_parks == [HYPERLINK]


def test_boolean_and_date_cells_are_not_numbers():
    import datetime as dt

    parsed = read_xlsx({"2024": [["园区", "走访企业", "满意度"], [DY, True, dt.datetime(2024, 1, 2)]]})
    assert [(p.row, p.column) for p in parsed.report.errors] == [(2, "走访企业"), (2, "满意度")]


def test_empty_park_with_figures_is_a_row_error():
    parsed = read_xlsx({"2024": [["园区", "走访企业"], [None, 4], [DY, 5]]})
    [problem] = parsed.report.errors
    assert (problem.row, problem.column) == (2, "园区")
    assert parsed.report.rows_loaded == 1


def test_unparseable_period_cell_is_a_row_error():
    parsed = read_xlsx({"S": [["园区", "统计期", "走访企业"], [DY, "去年", 4], [DY, "2024", 5]]})
    [problem] = parsed.report.errors
    assert (problem.row, problem.column, problem.value) == (2, "统计期", "去年")


def _fatal(data: bytes, name: str, **kw) -> str:
    parsed = read_file(data, name, **kw)
    assert parsed.frame.empty and parsed.report.rows_loaded == 0
    assert parsed.report.fatal and parsed.report.fatal_en
    return parsed.report.fatal


def test_fatal_files_say_why():
    assert "空" in _fatal(b"", "a.csv")
    assert "数据表" in _fatal(xlsx_bytes({"说明": [["只有文字"]]}), "a.xlsx")
    assert "没有数据" in _fatal(xlsx_bytes({"2024": [["园区", "走访企业"]]}), "a.xlsx")
    assert "都是空的或为缺失标记" in _fatal(xlsx_bytes({"2024": [["园区", "走访企业"], [DY, "—"]]}), "a.xlsx")
    assert _fatal(b"\x89PNG\r\n\x1a\n" + bytes(200), "a.xlsx")


def test_truncated_workbook_is_fatal_not_an_exception():
    data = xlsx_bytes({"2024": [["园区", "走访企业"], [DY, 1]]})
    assert _fatal(data[: len(data) // 2], "broken.xlsx")


def test_workbook_whose_sheet_xml_is_garbage_is_fatal():
    good = xlsx_bytes({"2024": [["园区", "走访企业"], [DY, 1]]})
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            body = src.read(item)
            dst.writestr(item, b"<worksheet><sheetData><row" if item.filename.endswith("sheet1.xml") else body)
    _fatal(out.getvalue(), "garbage.xlsx")


def test_row_and_cell_limits_are_fatal_and_named():
    data = xlsx_bytes({"2024": [["园区", "走访企业"]] + [[f"P{i}", i] for i in range(50)]})
    few_rows = dataclasses.replace(limits(), max_rows_per_file=20)
    few_cells = dataclasses.replace(limits(), max_cells_per_file=60)
    assert "max_rows_per_file" in _fatal(data, "big.xlsx", limits=few_rows)
    assert "max_cells_per_file" in _fatal(data, "big.xlsx", limits=few_cells)
    csv = ("园区,年份,走访企业\n" + "".join(f"P{i},2024,{i}\n" for i in range(50))).encode()
    assert "max_rows_per_file" in _fatal(csv, "big.csv", limits=few_rows)


def test_hash_bytes_and_progress():
    data = xlsx_bytes({"2024": [["园区", "走访企业"], [DY, 1]]})
    calls = []
    parsed = read_file(data, "a.xlsx", progress=lambda f, m: calls.append((f, m)))
    assert parsed.content_sha256 == hashlib.sha256(data).hexdigest() and parsed.data == data
    assert calls[-1][0] == 1.0 and all(0 <= f <= 1 for f, _ in calls)
    assert [f for f, _ in calls] == sorted(f for f, _ in calls)


def test_contract_json_shape():
    parsed = read_xlsx({"2024": [["园区", "走访企业"], [DY, "x"]]})
    d = parsed.report.as_contract()
    assert d["errors"] == [
        {"sheet": "2024", "row": 2, "column": "走访企业", "value": "x", "message": parsed.report.errors[0].message}
    ]


@pytest.mark.parametrize(
    ("text", "zh", "en"),
    [
        ("园区,年份,走访企业\n合计,2024,12\n总计,2024,12\n", "只有合计行（2 行", "only total rows (2,"),
        (
            "园区,年份,走访企业,满意度\n东营经开区,2024,—,\n潍坊滨海区,2024,,N/A\n",
            "4 个数值单元格都是空的",
            "all 4 value cells",
        ),
        ("园区,年份,走访企业\n", "表头下没有数据", "no data below the header"),
    ],
)
def test_a_file_without_figures_says_why(text, zh, en):
    report = read_file(text.encode(), "nothing.csv").report
    assert zh in report.fatal and en in report.fatal_en
