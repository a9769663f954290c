"""Write reported_figures.xlsx and reported_figures_long.csv from the figures the five seed reports give.

Run from the repository root: `python sample_data/make_reported.py`. Every figure below is quoted from
the seed report and line named in its reference; README.md explains each mapping and period.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

HERE = Path(__file__).resolve().parent
R000 = "000_8229caf280a9662d.txt"
R001 = "001_3f5061dfe421d184.txt"
R002 = "002_b833c407ed08397e.txt"
R003 = "003_7e4b2da79f5dd686.txt"
R004 = "004_1292672366756227.txt"


@dataclass(frozen=True)
class Figure:
    park: str  # canonical name (the workbook writes the alias of its sheet)
    period: str  # a CONTRACT §2 period form; README.md says how each was decided
    report: str
    line: int  # line of the seed file (as `sed -n LINEp` shows) that holds the figure
    indicator: str  # catalog name_zh
    header: str  # the workbook's column header: report wording, a catalog name or alias, unit in brackets
    group: str  # the workbook's merged group header above `header`, or ""
    written: str  # the figure as the report writes it, qualifier included
    unit: str  # the measure word the report uses

    @property
    def reference(self) -> str:
        return f"{self.report} 第{self.line}行"


DY, WF, WH = "东营经济技术开发区", "潍坊滨海经济技术开发区", "威海南海新区"

FIGURES = (
    # 000: 东营经济技术开发区：创新构建“工业社区”模式 ("2023年以来").
    Figure(DY, "2023年", R000, 13, "企业党支部", "企业党支部(个)", "党建引领", "170", "个"),
    Figure(DY, "2023年", R000, 17, "党群服务中心", "党群服务中心(个)", "党建引领", "5", "个"),
    Figure(DY, "2023年", R000, 27, "产业链党委", "产业链党委(个)", "党建引领", "6", "个"),
    Figure(DY, "2023年", R000, 29, "党员先锋队", "党员先锋队(支)", "党建引领", "17", "支"),
    Figure(DY, "2023年", R000, 29, "国家级创新平台", "国家级(家)", "创新平台", "8", "家"),
    Figure(DY, "2023年", R000, 29, "省级创新平台", "省级(家)", "创新平台", "68", "家"),
    Figure(DY, "2023年", R000, 29, "突破关键核心技术", "突破卡脖子技术(项)", "", "20余", "项"),
    Figure(DY, "2023年", R000, 33, "引进院士团队", "院士团队(个)", "人才", "24", "个"),
    Figure(DY, "2023年", R000, 33, "国家级人才工程专家", "国家级人才工程专家(名)", "人才", "13", "名"),
    Figure(DY, "2023年", R000, 33, "省级人才工程专家", "省泰山人才工程专家(名)", "人才", "26", "名"),
    Figure(DY, "2023年", R000, 50, "企业服务队", "高精专企业服务队(支)", "企业服务", "13", "支"),
    Figure(DY, "2023年", R000, 54, "培训场次", "技术培训场次(场)", "企业服务", "153", "场"),
    Figure(DY, "2023年", R000, 54, "活动场次", "文娱活动场次(场)", "企业服务", "75", "场"),
    Figure(DY, "2023年", R000, 56, "解决问题", "协调解决难题(项)", "企业服务", "260余", "项"),
    # 001: 山东东营经济技术开发区：对标创优学先进 开拓攻坚立新功 ("去年以来", published 2022).
    Figure(DY, "2021年", R001, 35, "活动场次", "举办活动(场)", "", "136", "场"),
    Figure(DY, "2021年", R001, 35, "培训场次", "培训期数(期)", "", "42", "期"),
    Figure(DY, "2021年", R001, 58, "收集问题诉求", "收集问题(项)", "", "79", "项"),
    # 002: 潍坊滨海经济技术开发区：实施园区党建“红色引擎”工程 ("今年以来", "今年前三季度", published 2023).
    Figure(WF, "2023年前三季度", R002, 7, "营业收入同比增长", "同比增长(%)", "营业收入", "19.5%", "%"),
    Figure(WF, "2023年前三季度", R002, 7, "营业收入过亿元企业数", "过亿元企业(家)", "营业收入", "78", "家"),
    Figure(WF, "2023年前三季度", R002, 7, "营业收入过十亿元企业数", "过十亿元企业(家)", "营业收入", "16", "家"),
    Figure(WF, "2023年", R002, 13, "党务工作者", "专兼职党务工作者(名)", "", "13", "名"),
    Figure(WF, "2023年", R002, 17, "培训场次", "培训班次(期)", "", "9", "期"),
    Figure(WF, "2023年", R002, 27, "党群服务中心", "区域党群服务中心(个)", "", "7", "个"),
    Figure(WF, "2023年", R002, 27, "活动场次", "活动场次(场次)", "", "15", "场次"),
    Figure(WF, "2023年", R002, 33, "产业链党委", "产业链党委(条)", "", "6", "条"),
    Figure(WF, "2023年", R002, 33, "走访企业", "遍访企业(家)", "", "223", "家"),
    Figure(WF, "2023年", R002, 33, "解决问题", "解决问题数(个)", "", "643", "个"),
    # 003: 山东潍坊滨海经济技术开发区：产业链党建聚“链”成势 ("去年以来", published 2023).
    Figure(WF, "2022年", R003, 13, "规上工业企业数", "规上工业企业(家)", "", "214", "家"),
    Figure(WF, "2022年", R003, 13, "产业链党委", "一链一党委(个)", "", "6", "个"),
    Figure(WF, "2022年", R003, 19, "党务工作者", "党务工作者(名)", "", "60余", "名"),
    Figure(WF, "2022年", R003, 34, "收集问题诉求", "收集意见建议(条)", "", "120余", "条"),
    Figure(WF, "2022年", R003, 40, "培训场次", "培训期数(期)", "", "12", "期"),
    Figure(WF, "2022年", R003, 40, "培训人次", "培训人次(人次)", "", "2230余", "人次"),
    Figure(WF, "2022年", R003, 40, "党群服务中心", "区域性党群服务中心(个)", "", "7", "个"),
    Figure(WF, "2022年", R003, 42, "活动场次", "活动数(次)", "", "16", "次"),
    # 004: 山东省威海南海新区：产业社区助推企业发展提档升级 ("今年以来", "截至目前", published 2025).
    Figure(WH, "2025年", R004, 35, "收集问题诉求", "收集问题诉求(个)", "", "13", "个"),
    Figure(WH, "2025年", R004, 35, "解决问题", "推动解决问题(个)", "", "9", "个"),
    Figure(WH, "2025年", R004, 43, "培训人次", "培养人才(名)", "", "100余", "名"),
)


@dataclass(frozen=True)
class Sheet:
    name: str
    park_written: str  # the park as the office writes it (an alias resolves to the canonical name)
    park: str
    period: str
    title: str
    notes: tuple[str, ...]


SHEETS = (
    Sheet(
        "东营经开区2023年",
        "东营经开区",
        DY,
        "2023年",
        "东营经济技术开发区主要发展指标（2023年以来累计，截至报道时）",
        (
            "注：1. “20余”“260余”按报道原文填写，表示至少 20、260；2. 各行按报道段落分列，空格表示该段未报该项；"
            "3. 党群服务中心为工业社区党群服务中心，另有党群服务驿站 13 个未列入。",
            f"数据来源：《东营经济技术开发区：创新构建“工业社区”模式》（{R000}），出处列为所在行。",
        ),
    ),
    Sheet(
        "东营经开区2021年",
        "东营经开区",
        DY,
        "2021年",
        "东营经济技术开发区基层工作指标（2021年以来，报道称“去年以来”）",
        (
            "注：报道发表于 2022 年，“去年以来”即 2021 年以来。",
            f"数据来源：《山东东营经济技术开发区：对标创优学先进 开拓攻坚立新功》（{R001}）。",
        ),
    ),
    Sheet(
        "潍坊滨海区2023年前三季度",
        "潍坊滨海区",
        WF,
        "2023年前三季度",
        "潍坊滨海经济技术开发区2023年前三季度主要经济指标",
        (
            "注：营业收入同比增长速度居潍坊市第 1 位。",
            f"数据来源：《潍坊滨海经济技术开发区：实施园区党建“红色引擎”工程》（{R002}）。",
        ),
    ),
    Sheet(
        "潍坊滨海区2023年",
        "潍坊滨海区",
        WF,
        "2023年",
        "潍坊滨海经济技术开发区企业服务指标（2023年以来，报道称“今年以来”）",
        (
            "注：各行按报道段落分列，空格表示该段未报该项；党群服务中心为“开放式”区域党群服务中心（报道称 7 处）。",
            f"数据来源：《潍坊滨海经济技术开发区：实施园区党建“红色引擎”工程》（{R002}）。",
        ),
    ),
    Sheet(
        "潍坊滨海区2022年",
        "山东潍坊滨海经济技术开发区",
        WF,
        "2022年",
        "潍坊滨海经济技术开发区产业链党建工作指标（2022年以来，报道称“去年以来”）",
        (
            "注：“120余”“2230余”“60余”按报道原文填写，表示至少 120、2230、60；“一链一党委”即 6 个重点产业各组建一个产业链党委。",
            f"数据来源：《山东潍坊滨海经济技术开发区：产业链党建聚“链”成势》（{R003}）。",
        ),
    ),
    Sheet(
        "威海南海新区2025年",
        "山东省威海南海新区",
        WH,
        "2025年",
        "威海南海新区蓝色创业谷产业社区服务指标（2025年，报道称“今年以来”“截至目前”）",
        (
            "注：“100余”按报道原文填写，表示至少 100 名。",
            f"数据来源：《山东省威海南海新区：产业社区助推企业发展提档升级》（{R004}）。",
        ),
    ),
)

LONG_COLUMNS = ("园区", "产业链", "统计期", "指标", "数值", "单位", "数据性质", "出处")


def long_csv_bytes() -> bytes:
    """The figures as a long table, UTF-8 with BOM so that Excel shows the Chinese text."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(LONG_COLUMNS)
    for f in FIGURES:
        writer.writerow((f.park, "", f.period, f.indicator, f.written, f.unit, "报告", f.reference))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def cell_value(figure: Figure) -> object:
    """A number cell for exact figures, the written text for qualified ones (as offices type them)."""
    if figure.written.endswith("%"):
        return float(figure.written[:-1]) / 100  # written into a percent-formatted cell
    try:
        return int(figure.written)
    except ValueError:
        return figure.written


def write_sheet(wb: Workbook, sheet: Sheet) -> None:
    figures = [f for f in FIGURES if f.park == sheet.park and f.period == sheet.period]
    columns: list[tuple[str, str]] = []  # (group, header), in first-seen order
    for f in figures:
        if (f.group, f.header) not in columns:
            columns.append((f.group, f.header))
    group_order = list(dict.fromkeys(g for g, _ in columns))
    columns.sort(key=lambda c: group_order.index(c[0]))  # keep each group's columns together
    lines = sorted({f.line for f in figures})
    ws = wb.create_sheet(sheet.name)
    keys_before = ["序号", "园区", "产业链"]
    keys_after = ["出处", "数据性质"]
    width = len(keys_before) + len(columns) + len(keys_after)
    two_rows = any(g for g, _ in columns)
    ws.cell(1, 1, sheet.title).font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    header_row = 3
    body_row = header_row + (2 if two_rows else 1)
    headers = keys_before + [h for _, h in columns] + keys_after
    for j, text in enumerate(headers, start=1):
        group = columns[j - 4][0] if len(keys_before) < j <= len(keys_before) + len(columns) else ""
        if two_rows and group:
            ws.cell(header_row + 1, j, text)
        else:
            ws.cell(header_row, j, text)
            if two_rows:
                ws.merge_cells(start_row=header_row, start_column=j, end_row=header_row + 1, end_column=j)
    if two_rows:
        j = len(keys_before) + 1
        for group in dict.fromkeys(g for g, _ in columns):
            span = sum(1 for g, _ in columns if g == group)
            if group:
                ws.cell(header_row, j, group)
                if span > 1:
                    ws.merge_cells(start_row=header_row, start_column=j, end_row=header_row, end_column=j + span - 1)
            j += span
    for r in range(header_row, body_row):
        for j in range(1, width + 1):
            ws.cell(r, j).font = Font(bold=True)
            ws.cell(r, j).alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for i, line in enumerate(lines):
        r = body_row + i
        ws.cell(r, 1, i + 1)
        ws.cell(r, 2, sheet.park_written)
        for f in (f for f in figures if f.line == line):
            j = len(keys_before) + 1 + columns.index((f.group, f.header))
            cell = ws.cell(r, j, cell_value(f))
            if f.written.endswith("%"):
                cell.number_format = "0.0%"
        ws.cell(r, width - 1, f"{figures[0].report} 第{line}行")
        ws.cell(r, width, "报告")
    note_row = body_row + len(lines) + 1
    for k, note in enumerate(sheet.notes):
        ws.cell(note_row + k, 1, note)
    ws.column_dimensions["B"].width = 26
    for j in range(4, width + 1):
        ws.column_dimensions[get_column_letter(j)].width = 16
    ws.freeze_panes = ws.cell(body_row, 3)


def workbook_bytes() -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for sheet in SHEETS:
        write_sheet(wb, sheet)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def main() -> None:
    covered = {(f.park, f.period) for f in FIGURES}
    assert covered == {(s.park, s.period) for s in SHEETS}, "every figure needs a sheet"
    (HERE / "reported_figures_long.csv").write_bytes(long_csv_bytes())
    (HERE / "reported_figures.xlsx").write_bytes(workbook_bytes())
    print(f"wrote {len(FIGURES)} figures in {len(SHEETS)} sheets")


if __name__ == "__main__":
    main()
