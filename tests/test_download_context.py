"""Downloads that say what they are: a CSV header block, an Excel `说明` sheet with column widths and number
formats, a chart PNG footer, file names with view, period and date."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pandas as pd

from metrics import charts
from metrics.export import table_csv_bytes, table_xlsx_bytes

NOTES = [("内容", "园区对比 · 园区指标表"), ("统计期", "2024年"), ("数据性质", "均为报告数据"), ("备注", "=1+1")]


def test_csv_has_the_notes_above_the_table():
    df = pd.DataFrame({"园区": ["甲", "乙"], "数值（亿元）": [3971.59, 1522.3]})
    data = table_csv_bytes(df, NOTES)
    assert data.startswith(b"\xef\xbb\xbf") and data.count(b"\xef\xbb\xbf") == 1
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[:3] == [["内容", "园区对比 · 园区指标表"], ["统计期", "2024年"], ["数据性质", "均为报告数据"]]
    assert rows[3] == ["备注", "'=1+1"]  # notes are defused like the table
    assert rows[4] == [] and rows[5] == ["园区", "数值（亿元）"] and rows[6] == ["甲", "3971.59"]
    assert table_csv_bytes(df) == table_csv_bytes(df, None)  # without notes: the plain table


def test_xlsx_has_a_notes_sheet_widths_and_number_formats(tmp_path):
    df = pd.DataFrame(
        {
            "园区": ["东营经济技术开发区", "乙"],
            "数值（原始）": [3971.58765, 8.0],
            "综合指数": [81.25, 40.0],
        }
    )
    path = tmp_path / "t.xlsx"
    path.write_bytes(
        table_xlsx_bytes(
            df, "园区指标表", notes=NOTES, notes_sheet="说明", places={"数值（原始）": [2, 1], "综合指数": 1}
        )
    )
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["园区指标表", "说明"]
    data, about = wb["园区指标表"], wb["说明"]
    assert [c.value for c in about["A"]] == ["项目", "内容", "统计期", "数据性质", "备注"]
    assert about["B4"].value == "均为报告数据" and about["B5"].value == "'=1+1"
    assert data["B2"].number_format == "#,##0.00" and data["B3"].number_format == "#,##0.0"
    assert data["C2"].number_format == "#,##0.0" and data["B2"].value == 3971.58765  # the number stays exact
    # Wide enough for the longest text (a CJK character takes two columns), within 8..60.
    assert data.column_dimensions["A"].width >= 2 * len("东营经济技术开发区")
    assert 8 <= data.column_dimensions["C"].width <= 60
    assert about.column_dimensions["B"].width >= 2 * len("园区对比 · 园区指标表") - 4


def test_a_chart_png_gets_a_footer_below_everything():
    fig = charts.ranking_bar(
        pd.DataFrame({"rank": [1], "park": ["甲"], "value": [5.0], "qualifier": ["exact"], "display": ["5"]}),
        "national_platforms",
        "2024年",
    )
    out = charts.with_footer(fig, "来源：园区发展指标看板 · 生成时间：2026-12-07 07:30（北京时间） · 均为报告数据")
    assert out.layout.height == fig.layout.height + charts.FOOTER_HEIGHT
    note = out.layout.annotations[-1]
    assert "北京时间" in note.text and note.yshift < 0 and note.xanchor == "left"
    assert not fig.layout.annotations  # the page's figure is untouched


def test_file_names_say_view_period_and_date(monkeypatch):
    from metrics.periods import Period
    from metrics.queries import Filters
    from ui import downloads

    class Ctx:
        page, lang = "parks", "zh"
        filters = Filters(period=Period(dt.date(2024, 1, 1), dt.date(2024, 12, 31)))

    monkeypatch.setattr(downloads, "now_local", lambda: dt.datetime(2026, 12, 6, 9, 0))
    assert downloads.file_name(Ctx, "park_ranking", "png") == "园区对比_园区排名_2024年_20261206.png"
    Ctx.lang = "en"
    assert downloads.file_name(Ctx, "park_matrix", "csv") == "Parks_Park-table_2024_20261206.csv"
    Ctx.page, Ctx.lang = "trends", "zh"
    assert downloads.file_name(Ctx, "trend", "xlsx") == "趋势_2024年_20261206.xlsx"  # page and item not repeated
    Ctx.page = "data"
    assert downloads.file_name(Ctx, "observations", "csv", period=False) == "数据管理_全部数据_20261206.csv"


def test_notes_and_footer_say_the_time_in_beijing_time(db_path, monkeypatch):
    from app_data import seed

    from metrics.queries import Filters
    from metrics.store import Store
    from ui import downloads

    monkeypatch.delenv("PARKDASH_TIMEZONE", raising=False)
    store = Store(db_path)
    seed(store)

    class Ctx:
        page, lang, filters = "parks", "zh", Filters()

    Ctx.store = store
    before = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(hours=8)
    notes = dict(downloads.notes(Ctx, "park_matrix"))
    shown = dt.datetime.strptime(notes["生成时间"].removesuffix("（北京时间）"), "%Y-%m-%d %H:%M:%S")
    assert abs((shown - before).total_seconds()) < 120  # UTC + 8 h, not the server's zone, not twice
    assert notes["来源"] == "园区发展指标看板；数据来自导入的文件：fixture.xlsx"
    assert notes["数据性质"].startswith("含示意数据")  # the view may include them and no frame says otherwise
    assert "北京时间" in downloads.footer_text(Ctx)
