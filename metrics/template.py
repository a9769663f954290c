"""A blank upload template (.xlsx) built from the catalog: a data sheet and a 年度目标 (targets) sheet, each with
one example row, and a notes sheet."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from metrics.catalog import Catalog, Indicator

EXAMPLE_PARK = {"zh": "示例园区", "en": "Example Park"}
EXAMPLE_PERIOD = "2024年"
# One example cell per indicator, showing the forms the reader accepts (CONTRACT §2).
EXAMPLE_VALUES: dict[str, object] = {
    "revenue": 1250000,
    "revenue_yoy": "8.5%",
    "firms_revenue_100m": 45,
    "firms_revenue_1b": 8,
    "above_scale_firms": "110余",
    "national_platforms": 3,
    "provincial_platforms": 25,
    "key_tech_breakthroughs": "约12",
    "academician_teams": 6,
    "national_talents": 10,
    "provincial_talents": 20,
    "people_trained": 1500,
    "enterprises_visited": 200,
    "problems_collected": 320,
    "problems_solved": 300,
    "training_sessions": 40,
    "service_teams": 8,
    "events_held": "—",
    "satisfaction": 96.5,
}
DEFAULT_EXAMPLE = 10
# The targets sheet's example: a few annual targets; the other cells are left empty (no target).
EXAMPLE_TARGETS: dict[str, object] = {"revenue": 1400000, "above_scale_firms": 120, "national_platforms": "约4"}

TEXT = {
    "zh": {
        "data_sheet": "数据",
        "target_sheet": "年度目标",
        "target_title": "年度目标（每行一个园区在一个目标期的目标值；第3行为示例，填写前请删除）",
        "notes_sheet": "说明",
        "key_headers": ("园区", "产业链", "统计期"),
        "title": "园区发展指标数据填报模板（第3行为示例，填写前请删除）",
        "notes": (
            "填写说明",
            "每行填写一个园区（或园区的一条产业链）在一个统计期的各项指标；同一文件可包含多个园区、多个统计期。",
            "园区：填写园区全称或常用简称（如“东营经开区”），系统自动识别别名；新园区会在导入报告中列出。",
            "产业链：留空表示全园区数据；填写产业链名称（如“新材料”）表示该产业链的数据。",
            (
                "统计期可写为：2024、2024年、2024年度；2024Q3、2024年第三季度；2024年前三季度、2024年1-9月；"
                "2024年上半年、2024年下半年；2024年9月、2024-09。"
            ),
            (
                "数值可写为：1234.5 或 1,234.5；“110余”“20多项”“超过1000”“逾200”“30以上”表示至少；"
                "“约20”“近500”“300左右”表示约数；百分比写 19.5% 或 19.5（表头单位为%）。"
            ),
            "金额：表头括号中的单位为准（如“营业收入(亿元)”会换算为万元）；也可在数值后写“1.2亿”。",
            "无数据：留空或填写 —、-、/、N/A、无数据，不会被当作 0。",
            "合计、总计、小计、全区等汇总行会被跳过；表格下方以“注：”“数据来源：”开头的行会被忽略。",
            "可选列：数据性质（报告 / 示意 / 目标 / 示意目标）、出处（数据来自哪份报告的哪一段）。",
            (
                "目标：填在“年度目标”工作表（年度、半年或季度目标，统计期写 2024、2024年上半年、2024Q1），"
                "或在数据表中把该行的数据性质写为“目标”；目标单独保存，不计入任何数据。"
            ),
            "表头可使用下表中的指标名称、编号或别名，括号内写单位。",
        ),
        "catalog_headers": ("指标名称", "编号", "单位", "类别", "可用别名"),
    },
    "en": {
        "data_sheet": "Data",
        "target_sheet": "targets",
        "target_title": "Targets (one row per park and target period; row 3 is an example; delete it before filling in)",
        "notes_sheet": "Notes",
        "key_headers": ("park", "chain", "period"),
        "title": "Park indicators upload template (row 3 is an example; delete it before filling in)",
        "notes": (
            "How to fill in",
            "One row per park (or one industrial chain of a park) and period; a file may hold several parks and periods.",
            "Park: the full name or a usual short name; aliases are recognised; unknown parks are listed as new.",
            "Chain: leave empty for a whole-park figure; write the chain (e.g. 新材料) for a chain's figure.",
            "Periods: 2024, 2024年; 2024Q3, 2024年第三季度; 2024年前三季度, 2024年1-9月; 2024年上半年; 2024-09, 2024年9月.",
            (
                "Values: 1234.5 or 1,234.5; 110余, 20多项, 超过1000, 逾200, 30以上 mean 'at least'; "
                "约20, 近500, 300左右 mean 'about'; percentages as 19.5% or 19.5 under a (%) header."
            ),
            "Money: the unit in the header bracket counts (营业收入(亿元) is converted to 万元); 1.2亿 in a cell also works.",
            "No data: leave empty or write —, -, /, N/A, 无数据; never read as 0.",
            "Total rows (合计, 总计, 小计, 全区) are skipped; rows below the table starting 注： or 数据来源： are ignored.",
            "Optional columns: basis (reported / illustrative / target / illustrative target), reference (the report and paragraph).",
            (
                "Targets: on the targets sheet (annual, half-year or quarter targets; periods 2024, 2024年上半年, 2024Q1), "
                "or rows whose basis says target; targets are stored apart and never counted as figures."
            ),
            "Headers may use an indicator's name, id or alias from the table below, with the unit in brackets.",
        ),
        "catalog_headers": ("Indicator", "Id", "Unit", "Category", "Aliases"),
    },
}


def indicator_header(indicator: Indicator, lang: str = "zh") -> str:
    """`营业收入(万元)`: the indicator's name in the language, with its unit in brackets."""
    return f"{indicator.name(lang)}({indicator.unit})"


def template_xlsx_bytes(catalog: Catalog, lang: str = "zh") -> bytes:
    """A blank upload workbook: title, header, one example row (frozen header), and a notes sheet."""
    text = TEXT["en" if lang == "en" else "zh"]
    wb = Workbook()
    data = wb.active
    data.title = text["data_sheet"]
    headers = [*text["key_headers"], *(indicator_header(i, lang) for i in catalog.indicators)]
    park = EXAMPLE_PARK["en" if lang == "en" else "zh"]
    _table_sheet(
        data,
        text["title"],
        headers,
        [park, None, EXAMPLE_PERIOD, *(EXAMPLE_VALUES.get(i.id, DEFAULT_EXAMPLE) for i in catalog.indicators)],
    )
    targets = wb.create_sheet(text["target_sheet"])
    _table_sheet(
        targets,
        text["target_title"],
        headers,
        [park, None, EXAMPLE_PERIOD, *(EXAMPLE_TARGETS.get(i.id) for i in catalog.indicators)],
    )
    _notes_sheet(wb.create_sheet(text["notes_sheet"]), catalog, text, lang)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _table_sheet(ws, title: str, headers: list[str], example: list[object]) -> None:
    """Title, header row and one grey example row (frozen header and park column)."""
    ws.cell(1, 1, title).font = Font(bold=True, size=13)
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    for j, header in enumerate(headers, start=1):
        cell = ws.cell(2, j, header)
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(j)].width = 22 if j == 1 else 14
    for j, value in enumerate(example, start=1):
        if value is None:
            continue
        cell = ws.cell(3, j, value)
        cell.font = Font(italic=True, color="808080")
        cell.number_format = "@" if isinstance(value, str) else "General"
    ws.freeze_panes = "B3"  # header rows and the park column stay in view


def _notes_sheet(ws, catalog: Catalog, text: dict, lang: str) -> None:
    for r, line in enumerate(text["notes"], start=1):
        ws.cell(r, 1, line).font = Font(bold=(r == 1))
    start = len(text["notes"]) + 2
    for j, header in enumerate(text["catalog_headers"], start=1):
        ws.cell(start, j, header).font = Font(bold=True)
    for r, ind in enumerate(catalog.indicators, start=start + 1):
        category = catalog.category(ind.category).name(lang)
        for j, value in enumerate((ind.name(lang), ind.id, ind.unit, category, "、".join(ind.aliases)), start=1):
            ws.cell(r, j, value)
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["E"].width = 60
