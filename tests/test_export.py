"""CSV and xlsx downloads: BOM, typed cells, units in headers, inert hostile text."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pandas as pd
import pytest
from parsed_factory import figure, parsed

from metrics.export import (
    observations_export_frame,
    safe_sheet_name,
    table_csv_bytes,
    table_xlsx_bytes,
)
from metrics.model import OBS_COLUMNS
from metrics.store import Store

HOSTILE = [
    '=HYPERLINK("http://x","点我")',
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
    "<script>alert(1)</script>园区",
    "'; DROP TABLE observations; --",
    'say "hi", ok',
]


def table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "园区": HOSTILE,
            "数值": [float(n) - 3.5 for n in range(len(HOSTILE))],
            "日期": [dt.date(2024, 1, n + 1) for n in range(len(HOSTILE))],
        }
    )


def test_csv_has_bom_crlf_and_defused_text():
    data = table_csv_bytes(table())
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    lines = text.split("\r\n")
    assert lines[0] == "园区,数值,日期"
    assert lines[1] == '"\'=HYPERLINK(""http://x"",""点我"")",-3.5,2024-01-01'
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", keep_default_na=False)
    assert back["园区"].tolist() == ["'" + h if h[0] in "=+-@\t\r" else h for h in HOSTILE]
    assert back["数值"].tolist() == table()["数值"].tolist()  # numbers, negative ones included, untouched


def hostile_headers() -> pd.DataFrame:
    """A pivot as the pages download it: park names as column headers, hostile ones included."""
    return pd.DataFrame({"指标": ["营业收入"], **{name: [float(n)] for n, name in enumerate(HOSTILE)}})


def test_csv_header_cells_are_defused_too():
    data = table_csv_bytes(hostile_headers())
    names = list(pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", nrows=0).columns)
    assert names[0] == "指标"
    assert names[1:] == ["'" + h if h[0] in "=+-@\t\r" else h for h in HOSTILE]
    first_line = data.decode("utf-8-sig").split("\r\n")[0]
    assert first_line.startswith('指标,"\'=HYPERLINK(""http://x"",""点我"")",\'+1+1,\'-2+3,\'@SUM(A1)')


def test_xlsx_header_cells_are_inert_text():
    ws = openpyxl.load_workbook(io.BytesIO(table_xlsx_bytes(hostile_headers()))).active
    header = list(ws[1])
    assert [c.value for c in header[1:]] == [h.replace("\r", "\n") for h in HOSTILE]
    assert all(c.data_type == "s" for c in header)
    assert [c.coordinate for row in ws.iter_rows() for c in row if c.data_type == "f"] == []


@pytest.mark.parametrize(
    "name, expected",
    [("数据", "数据"), ("a[b]:c*d?e/f\\g", "abcdefg"), ("x" * 40, "x" * 31), ("[]", "数据"), ("'quoted'", "quoted")],
)
def test_safe_sheet_name(name, expected):
    assert safe_sheet_name(name) == expected


def test_xlsx_header_units_types_and_no_formula():
    data = table_xlsx_bytes(table(), sheet_name="园区/对比:2024", units={"数值": "万元"})
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb.active
    assert ws.title == "园区对比2024"
    assert [c.value for c in ws[1]] == ["园区", "数值(万元)", "日期"]
    assert ws["A1"].font.bold and ws["A1"].fill.fgColor.rgb.endswith("DDE5F0")
    assert ws.freeze_panes == "A2"
    texts = [ws.cell(row=r, column=1) for r in range(2, len(HOSTILE) + 2)]
    assert [c.value for c in texts] == [h.replace("\r", "\n") for h in HOSTILE]  # XML turns CR into LF
    assert all(c.data_type == "s" for c in texts)
    assert ws["B2"].value == -3.5 and ws["B2"].data_type == "n"
    assert ws["C2"].value == dt.datetime(2024, 1, 1) and ws["C2"].is_date
    formulas = [c.coordinate for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []


def test_xlsx_writes_missing_values_as_empty_cells():
    df = pd.DataFrame({"a": [1.0, float("nan")], "b": [None, "x"], "c": [pd.NaT, pd.Timestamp("2024-03-01")]})
    ws = openpyxl.load_workbook(io.BytesIO(table_xlsx_bytes(df))).active
    assert [[c.value for c in row] for row in ws.iter_rows(min_row=2)] == [
        [1, None, None],
        [None, "x", dt.datetime(2024, 3, 1)],
    ]


def test_observations_export_frame_is_contract_order_sorted_by_key(db_path):
    store = Store(db_path)
    figures = [
        figure("乙园区", "revenue", 2),
        figure("甲园区", "revenue", 1, chain="新材料"),
        figure("甲园区", "revenue", 3),
        figure(HOSTILE[0], "revenue", 4),
    ]
    store.load(parsed("a.csv", figures))
    frame = observations_export_frame(store)
    assert tuple(frame.columns) == OBS_COLUMNS
    keys = list(zip(frame["park"], frame["chain"].map(lambda c: c if isinstance(c, str) else ""), strict=True))
    assert keys == sorted(keys)
    assert frame["period_start"].iloc[0] == dt.date(2024, 1, 1)
    csv = table_csv_bytes(frame).decode("utf-8-sig")
    assert csv.splitlines()[0] == ",".join(OBS_COLUMNS)
    assert "\"'=HYPERLINK(" in csv
    ws = openpyxl.load_workbook(io.BytesIO(table_xlsx_bytes(frame))).active
    assert [c.value for c in ws[1]] == list(OBS_COLUMNS)
    assert not [c for row in ws.iter_rows() for c in row if c.data_type == "f"]


def test_csv_of_mixed_type_column_falls_back_and_stays_defused():
    df = pd.DataFrame({"混合": [1, "=2", dt.date(2024, 5, 1)], "数值": [1.0, 2.5, None]})
    text = table_csv_bytes(df).decode("utf-8-sig")
    assert text.split("\r\n")[:4] == ["混合,数值", "1,1.0", "'=2,2.5", "2024-05-01,"]


def test_csv_writes_midnight_timestamps_as_dates_and_keeps_float_precision():
    df = pd.DataFrame({"t": pd.to_datetime(["2024-01-01", "2024-02-01"]), "v": [1 / 3, 1e-7]})
    back = pd.read_csv(io.BytesIO(table_csv_bytes(df)), encoding="utf-8-sig")
    assert back["t"].tolist() == ["2024-01-01", "2024-02-01"]
    assert back["v"].tolist() == [1 / 3, 1e-7]


def test_xlsx_typed_columns_with_gaps_and_text_xml_cannot_hold():
    df = pd.DataFrame(
        {
            "整数": pd.array([1, None, 3], dtype="Int64"),
            "布尔": pd.array([True, None, False], dtype="boolean"),
            "浮点": [1.5, float("inf"), -0.25],
            "时间": pd.to_datetime(["2024-01-02 03:04:05", None, "2024-03-01 00:00:00"]),
            "文本": ["a\x00b\x1fc", " 前后空格 ", "<b>&amp;</b>"],
        }
    )
    ws = openpyxl.load_workbook(io.BytesIO(table_xlsx_bytes(df, sheet_name='a"&<b>'))).active
    assert ws.title == 'a"&<b>'
    assert [[c.value for c in row] for row in ws.iter_rows(min_row=2)] == [
        [1, True, 1.5, dt.datetime(2024, 1, 2, 3, 4, 5), "abc"],
        [None, None, None, None, " 前后空格 "],
        [3, False, -0.25, dt.datetime(2024, 3, 1), "<b>&amp;</b>"],
    ]
    assert ws["A2"].data_type == "n" and ws["B2"].data_type == "b" and ws["D2"].is_date


def test_xlsx_continues_on_further_sheets_past_the_row_limit(monkeypatch):
    from metrics import export

    monkeypatch.setattr(export, "XLSX_MAX_ROWS", 4)  # header + 3 rows per sheet
    df = pd.DataFrame({"n": range(7)})
    wb = openpyxl.load_workbook(io.BytesIO(table_xlsx_bytes(df, sheet_name="明细")))
    assert wb.sheetnames == ["明细", "明细 (2)", "明细 (3)"]
    assert [[c.value for c in col] for ws in wb for col in ws.iter_cols()] == [["n", 0, 1, 2], ["n", 3, 4, 5], ["n", 6]]
    assert all(ws.freeze_panes == "A2" and ws["A1"].font.bold for ws in wb)


def test_xlsx_of_50000_rows_is_complete_and_written_without_openpyxl(monkeypatch):
    # Its speed (the reason for writing the XML directly: openpyxl took ~5 s) is measured in bench/bench_checks.py.
    def refuse(*args, **kwargs):
        raise AssertionError("the export wrote through openpyxl")

    n = 50_000
    df = pd.DataFrame(
        {
            "park": [f"园区{k % 50}" for k in range(n)],
            "chain": [None if k % 3 == 0 else f"链{k % 7}" for k in range(n)],
            "period_start": [dt.date(2024, 1, 1)] * n,
            "period_end": [dt.date(2024, 12, 31)] * n,
            "indicator": ["revenue"] * n,
            "value": [k * 1.5 for k in range(n)],
            "qualifier": ["exact"] * n,
            "source": [f"a.xlsx!表!{k}" for k in range(n)],
            "basis": ["reported"] * n,
            "reference": [None] * n,
        }
    )
    with monkeypatch.context() as mp:
        mp.setattr(openpyxl, "Workbook", refuse)
        data = table_xlsx_bytes(df, units={"value": "万元"})
    ws = openpyxl.load_workbook(io.BytesIO(data), read_only=True).active
    assert ws.max_row == n + 1
    assert next(ws.iter_rows(max_row=1, values_only=True)) == tuple(
        c if c != "value" else "value(万元)" for c in df.columns
    )
