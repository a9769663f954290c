"""The report leadership forwards (A4 portrait, .docx or PDF): briefing, KPI table, charts, ranking, 数据说明.

One content model (`Report`: a title and a list of blocks) is built from the same queries as the
overview, then written twice: as .docx by python-docx, and as HTML printed to PDF by the headless
Chromium the PNG export already requires (no second layout engine, no extra system library).
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
import subprocess
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from metrics import charts, queries, render
from metrics.briefing import BriefingInputs, briefing_inputs, write_briefing
from metrics.cardtext import card_text
from metrics.catalog import Catalog

FONT = "Noto Sans CJK SC"  # installed by .ci/sysdeps.sh (fonts-noto-cjk); named in the .docx and the PDF's CSS
CHART_WIDTH, CHART_HEIGHT = 1100, 560  # layout pixels of a chart image (rendered at scale 2)
PDF_TIMEOUT = 120  # seconds Chromium may take to print
RANKING_ROWS = 30  # parks in the report's ranking table
REFS_LISTED = 3  # references (出处) named per source file

_T = {
    "title": ("园区发展指标报告", "Park Indicator Report"),
    "filters": ("统计期与筛选", "Period and filters"),
    "briefing": ("数据解读", "Briefing"),
    "kpi": ("主要指标", "Key indicators"),
    "charts": ("图表", "Charts"),
    "ranking": ("园区排名：{name}", "Park ranking: {name}"),
    "notes": ("数据说明", "About the data"),
    "targets": ("目标进度", "Progress against targets"),
    "col_target": ("目标", "Target"),
    "col_actual": ("实际", "Actual"),
    "col_completion": ("完成率", "Completion"),
    "col_time": ("序时进度", "Time progress"),
    "col_status": ("状态", "Status"),
    "col_indicator": ("指标", "Indicator"),
    "col_value": ("数值", "Value"),
    "col_unit": ("单位", "Unit"),
    "col_change": ("变化", "Change"),
    "col_compared": ("对比期", "Compared with"),
    "col_parks": ("园区数", "Parks"),
    "col_rank": ("排名", "Rank"),
    "col_park": ("园区", "Park"),
    "yoy": ("同比", "YoY"),
    "mom": ("环比", "vs previous"),
    "mark": ("*", "*"),
    "mark_note": ("标 * 的数值含示意数据。", "Values marked * include illustrative figures."),
    "source_line": (
        "{file}：{basis}{n}条{refs}",
        "{file}: {n} {basis} figure{s}{refs}",
    ),
    "refs": ("，出处：{refs}", "; references: {refs}"),
    "basis_reported": ("报告数据", "reported"),
    "basis_illustrative": ("示意数据", "illustrative"),
    "sources": ("数据来源（本报告范围内的数字）：", "Sources (the figures in this report's scope):"),
    "illustrative_note": (
        "示意数据：本范围内有{n}条示意数据，用于演示趋势，并非公开报告的数字；含示意数据的数值在表中以 * 标注。",
        "Illustrative figures: {n} figure{s} in this scope are illustrative (to show trends, not published "
        "figures); values including them are marked * in the tables.",
    ),
    "no_illustrative": (
        "本范围内的数字均为报告数据，不含示意数据。",
        "Every figure in this scope is a reported figure.",
    ),
    "aggregation": (
        "合计方式：数量类指标为各园区之和，比率类指标（%）为各园区的简单平均；变化与上年同期相比（月度、季度无上年数据时与上期相比），"
        "只计两期都有数据的园区。",
        "Aggregation: counts and amounts are summed over parks, rates (%) averaged; changes are against the same "
        "span a year earlier (months and quarters without one: the previous period), over parks with both figures.",
    ),
    "generated": ("生成时间：{now}；数据最近导入：{last}。", "Generated {now}; data last loaded {last}."),
    "no_charts": ("图表未能生成：{reason}", "Charts could not be made: {reason}"),
    "empty_db": (
        "数据库中还没有数据，无法生成报告。请先导入数据（python -m metrics ingest 文件）。",
        "The database holds no data yet; cannot make the report. Load data first (python -m metrics ingest FILE).",
    ),
    "no_data": (
        "所选统计期和园区没有数据，无法生成报告。可用统计期：{available}",
        "No data for the chosen period and parks; cannot make the report. Periods with data: {available}",
    ),
    "no_browser": (
        "找不到 Chromium 浏览器，无法生成 PDF（请安装 Debian 的 chromium）",
        "No Chromium browser found; cannot make the PDF (install Debian's chromium)",
    ),
    "pdf_failed": ("Chromium 未能生成 PDF：{reason}", "Chromium could not print the PDF: {reason}"),
}


def _t(key: str, lang: str) -> str:
    zh, en = _T[key]
    return en if lang == "en" else zh


def _s(n: int) -> str:
    return "" if int(n) == 1 else "s"


class ReportUnavailable(RuntimeError):
    """The report cannot be made (no data, no browser for the PDF); the reason in zh and en."""

    def __init__(self, message_zh: str, message_en: str):
        self.message_zh, self.message_en = message_zh, message_en
        super().__init__(message_zh)

    def message(self, lang: str = "zh") -> str:
        return self.message_en if lang == "en" else self.message_zh


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[int, ...] = ()  # columns aligned right


@dataclass(frozen=True)
class Image:
    png: bytes
    caption: str


@dataclass
class Report:
    """A document as a list of blocks: ("h1"|"h2"|"p"|"small", text), Table, Image."""

    title: str
    lang: str
    blocks: list = field(default_factory=list)

    def heading(self, text: str) -> None:
        self.blocks.append(("h2", text))

    def para(self, text: str, small: bool = False) -> None:
        self.blocks.append(("small" if small else "p", text))


def _kpi_table(cards: pd.DataFrame, catalog: Catalog, lang: str) -> Table:
    rows = []
    for card in cards.to_dict("records"):
        ct = card_text(card, lang, catalog)
        mark = _t("mark", lang) if card.get("illustrative") else ""
        compared = f"{_t(ct.comparison, lang)} {ct.prev_label}" if ct.comparison else "–"
        rows.append(
            (
                catalog.indicator(card["indicator"]).name(lang),
                ct.value + mark,
                ct.unit,
                ct.change or "–",
                compared,
                str(int(card["n_parks"])),
            )
        )
    header = tuple(_t(k, lang) for k in ("col_indicator", "col_value", "col_unit", "col_change", "col_compared"))
    return Table((*header, _t("col_parks", lang)), tuple(rows), numeric=(1, 3, 5))


def _ranking_table(ranked: pd.DataFrame, indicator: str, catalog: Catalog, lang: str) -> Table:
    """The ranking as its chart labels it (same scaling, 亿元 for big money), best first."""
    ranked = ranked.sort_values("rank", kind="stable").head(RANKING_ROWS)
    divisor, unit = charts.money_scale(ranked["value"], catalog.indicator(indicator).unit, lang)
    rows = tuple(
        (
            str(int(r["rank"])),
            str(charts.display_park(r["park"], lang)),
            charts.scaled_text(r["value"], r["qualifier"], divisor, lang)
            + (_t("mark", lang) if r["illustrative"] else ""),
        )
        for r in ranked.to_dict("records")
    )
    value = _t("col_value", lang) + (f" ({unit})" if lang == "en" else f"（{unit}）") if unit else _t("col_value", lang)
    return Table((_t("col_rank", lang), _t("col_park", lang), value), rows, numeric=(0, 2))


def _targets_table(targets: pd.DataFrame, catalog: Catalog, lang: str) -> Table:
    """Every target covering the view: indicator, park, target and actual as written, 完成率, 序时进度, status."""
    from metrics.target_chart import status_text

    order = {iid: n for n, iid in enumerate(catalog.ids)}
    rows = targets.assign(_o=targets["indicator"].map(order)).sort_values(["_o", "rank", "park"], kind="stable")
    body = []
    for r in rows.to_dict("records"):
        unit = catalog.unit_label(catalog.indicator(r["indicator"]).unit, lang)
        mark = _t("mark", lang) if r["illustrative"] else ""
        body.append(
            (
                catalog.indicator(r["indicator"]).name(lang),
                str(charts.display_park(r["park"], lang)),
                f"{r['target_display']} {unit}".strip() if lang == "en" else f"{r['target_display']}{unit}",
                (f"{r['actual_display']} {unit}".strip() if lang == "en" else f"{r['actual_display']}{unit}") + mark
                if r["actual_display"]
                else "–",
                f"{r['completion_pct']:.1f}%" if pd.notna(r["completion_pct"]) else "–",
                f"{r['time_pct']:.1f}%",
                status_text(r["status"], lang),
            )
        )
    header = ("col_indicator", "col_park", "col_target", "col_actual", "col_completion", "col_time", "col_status")
    return Table(tuple(_t(k, lang) for k in header), tuple(body), numeric=(2, 3, 4, 5))


def _charts(store, f: queries.Filters, inputs: BriefingInputs, lang: str) -> list[Image]:
    """The key charts as PNG: the composite index, the lead indicator's ranking and its trend."""
    subtitle = charts.filters_text(
        lang, f.period.label(lang) if f.period else None, f.parks, f.chains, f.category, f.include_illustrative
    )
    figures = [
        charts.composite_bar(queries.composite_index(store, f), lang, subtitle=subtitle),
        charts.ranking_bar(inputs.ranking, inputs.lead, subtitle, lang),
        charts.trend_lines(inputs.trend, inputs.lead, lang, subtitle=subtitle),
    ]
    images = []
    for fig in figures:
        title = fig.layout.title.text or ""
        images.append(Image(render.figure_png(fig, CHART_WIDTH, CHART_HEIGHT), html.unescape(title)))
    return images


def _sources(store, f: queries.Filters, catalog: Catalog, lang: str) -> list[str]:
    params = queries._params(f, catalog, queries.scope_indicators(f, catalog)) | {
        "start": f.period.start,
        "end": f.period.end,
    }
    lines = []
    for row in queries.run(store, "q_view_sources", params).to_dict("records"):
        refs = [r for r in (row["refs"] if row["refs"] is not None else []) if r]
        ref_text = ""
        if len(refs):
            listed = ("、" if lang != "en" else "; ").join(refs[:REFS_LISTED]) + (
                "…" if len(refs) > REFS_LISTED else ""
            )
            ref_text = _t("refs", lang).format(refs=listed)
        n = int(row["n_figures"])
        lines.append(
            _t("source_line", lang).format(
                file=row["file_name"] or "–", basis=_t("basis_" + row["basis"], lang), n=n, s=_s(n), refs=ref_text
            )
        )
    return lines


def build_report(
    store,
    f: queries.Filters,
    lang: str = "zh",
    catalog: Catalog | None = None,
    with_charts: bool = True,
    now: dt.datetime | None = None,
) -> Report:
    """The report's content for a view (the overview's filters); ReportUnavailable when there is no data."""
    cat = catalog or store.catalog
    if store.is_empty():
        raise ReportUnavailable(*_T["empty_db"])
    inputs = briefing_inputs(store, f, lang, cat)
    if inputs.cards.empty:
        periods = queries.available_periods(store)[:8]
        raise ReportUnavailable(
            _T["no_data"][0].format(available="、".join(p.label("zh") for p in periods)),
            _T["no_data"][1].format(available=", ".join(p.label("en") for p in periods)),
        )
    period = inputs.cards.attrs["period"]
    f = queries.Filters(period, f.parks, f.chains, f.category, f.indicators, f.include_illustrative)
    label = period.label(lang)
    report = Report(f"{_t('title', lang)}{charts.SEP}{label}", lang)
    report.para(charts.filters_text(lang, label, f.parks, f.chains, f.category, f.include_illustrative))

    report.heading(_t("briefing", lang))
    for paragraph in write_briefing(inputs, f, lang, cat).paragraphs:
        report.para(paragraph)

    report.heading(_t("kpi", lang))
    report.blocks.append(_kpi_table(inputs.cards, cat, lang))
    if inputs.cards["illustrative"].fillna(False).astype(bool).any():
        report.para(_t("mark_note", lang), small=True)

    if inputs.targets is not None and len(inputs.targets):
        report.heading(_t("targets", lang))
        report.blocks.append(_targets_table(inputs.targets, cat, lang))

    if with_charts:
        report.heading(_t("charts", lang))
        try:
            report.blocks.extend(_charts(store, f, inputs, lang))
        except render.RenderUnavailable as exc:
            report.para(_t("no_charts", lang).format(reason=exc.message(lang)))

    if inputs.ranking is not None and len(inputs.ranking):
        report.heading(_t("ranking", lang).format(name=cat.indicator(inputs.lead).name(lang)))
        report.blocks.append(_ranking_table(inputs.ranking, inputs.lead, cat, lang))

    report.heading(_t("notes", lang))
    report.para(_t("sources", lang))
    for line in _sources(store, f, cat, lang):
        report.para(f"• {line}")
    status = queries.data_status(store)
    n_ill = int(queries.filtered_table(store, f, lang, cat)["basis"].eq("illustrative").sum())
    report.para(_t("illustrative_note", lang).format(n=n_ill, s=_s(n_ill)) if n_ill else _t("no_illustrative", lang))
    report.para(_t("aggregation", lang))
    now = now or dt.datetime.now(dt.UTC)
    last = status.get("last_load_at")
    report.para(
        _t("generated", lang).format(
            now=now.strftime("%Y-%m-%d %H:%M UTC"), last=f"{last:%Y-%m-%d %H:%M} UTC" if last else "–"
        ),
        small=True,
    )
    return report


# --- .docx (python-docx) ---


def _cjk_font(target, size_pt: float | None = None, bold: bool | None = None, color=None) -> None:
    """Set the font of a style or run for Latin and East Asian text alike (Word picks the East Asian
    font for Chinese from w:eastAsia, which python-docx's `font.name` does not set)."""
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    font = target.font
    font.name = FONT
    rpr = target.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)
    if size_pt:
        font.size = Pt(size_pt)
    if bold is not None:
        font.bold = bold
    if color:
        font.color.rgb = RGBColor.from_string(color)


def report_docx(report: Report) -> bytes:
    """The report as a Word document: A4 portrait, Noto Sans CJK SC, headings, tables and images."""
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin = section.bottom_margin = Mm(18)
    _cjk_font(doc.styles["Normal"], 10.5)
    for name, size in (("Title", 20), ("Heading 1", 15), ("Heading 2", 13)):
        _cjk_font(doc.styles[name], size, bold=True, color="1F2A36")
    doc.core_properties.title = report.title
    doc.core_properties.language = "en-GB" if report.lang == "en" else "zh-CN"
    doc.add_heading(report.title, level=0)
    width = section.page_width - section.left_margin - section.right_margin
    for block in report.blocks:
        if isinstance(block, Table):
            table = doc.add_table(rows=1, cols=len(block.header), style="Table Grid")
            table.alignment = WD_TABLE_ALIGNMENT.CENTER
            for cell, text in zip(table.rows[0].cells, block.header, strict=True):
                cell.text = text
                for run in cell.paragraphs[0].runs:
                    run.font.bold = True
            for row in block.rows:
                cells = table.add_row().cells
                for n, (cell, text) in enumerate(zip(cells, row, strict=True)):
                    cell.text = text
                    if n in block.numeric:
                        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
        elif isinstance(block, Image):
            doc.add_picture(io.BytesIO(block.png), width=width)
            doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        else:
            kind, text = block
            if kind == "h2":
                doc.add_heading(text, level=1)
            else:
                paragraph = doc.add_paragraph(text)
                if kind == "small":
                    for run in paragraph.runs:
                        run.font.size = Pt(8.5)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# --- PDF (HTML printed by headless Chromium) ---

_CSS = """
@page { size: A4 portrait; margin: 16mm 18mm; }
body { font-family: "FONT", sans-serif; font-size: 10.5pt; color: #2B2B2B; line-height: 1.55;
       font-variant-ligatures: none; }  /* text copied from the PDF reads "fi", not the ligature */
h1 { font-size: 19pt; color: #1F2A36; margin: 0 0 4mm; }
h2 { font-size: 13.5pt; color: #3B6EA8; margin: 6mm 0 2mm; border-bottom: 0.4mm solid #D5DDE6; }
p { margin: 1.2mm 0; }
p.small { font-size: 8.5pt; color: #5F6B76; }
table { border-collapse: collapse; width: 100%; font-size: 9pt; margin: 2mm 0; page-break-inside: auto; }
th, td { border: 0.3mm solid #C4CDD6; padding: 1mm 2mm; text-align: left; }
th { background: #EEF2F6; }
td.num { text-align: right; }
tr { page-break-inside: avoid; }
figure { margin: 3mm 0; page-break-inside: avoid; text-align: center; }
figure img { width: 100%; }
""".replace("FONT", FONT)


def report_html(report: Report) -> str:
    """The report as one self-contained HTML page (images inline); every text escaped."""
    esc = html.escape
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{"en" if report.lang == "en" else "zh-CN"}"><head><meta charset="utf-8">',
        f"<title>{esc(report.title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{esc(report.title)}</h1>",
    ]
    for block in report.blocks:
        if isinstance(block, Table):
            head = "".join(f"<th>{esc(h)}</th>" for h in block.header)
            body = "".join(
                "<tr>"
                + "".join(
                    f'<td class="num">{esc(c)}</td>' if n in block.numeric else f"<td>{esc(c)}</td>"
                    for n, c in enumerate(row)
                )
                + "</tr>"
                for row in block.rows
            )
            parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
        elif isinstance(block, Image):
            data = base64.b64encode(block.png).decode("ascii")
            parts.append(f'<figure><img alt="{esc(block.caption)}" src="data:image/png;base64,{data}"></figure>')
        else:
            kind, text = block
            if kind == "h2":
                parts.append(f"<h2>{esc(text)}</h2>")
            else:
                parts.append(f'<p class="{kind}">{esc(text)}</p>')
    parts.append("</body></html>")
    return "\n".join(parts)


CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-pdf-header-footer",
    "--run-all-compositor-stages-before-draw",
)


def report_pdf(report: Report) -> bytes:
    """The report printed to PDF by headless Chromium (A4 from the page's CSS); ReportUnavailable on failure."""
    browser = render.find_browser()
    if browser is None:
        raise ReportUnavailable(*_T["no_browser"])
    with tempfile.TemporaryDirectory(prefix="parkdash-report-") as tmp:
        page, out = Path(tmp) / "report.html", Path(tmp) / "report.pdf"
        page.write_text(report_html(report), encoding="utf-8")
        cmd = [
            browser,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={Path(tmp) / 'profile'}",
            f"--print-to-pdf={out}",
            page.as_uri(),
        ]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=PDF_TIMEOUT, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise ReportUnavailable(
                _T["pdf_failed"][0].format(reason=exc), _T["pdf_failed"][1].format(reason=exc)
            ) from exc
        if not out.exists() or out.stat().st_size == 0:
            reason = (done.stderr or "").strip().splitlines()[-1:] or [f"exit {done.returncode}"]
            raise ReportUnavailable(
                _T["pdf_failed"][0].format(reason=reason[0]), _T["pdf_failed"][1].format(reason=reason[0])
            )
        return out.read_bytes()


def report_bytes(store, f: queries.Filters, fmt: str = "docx", lang: str = "zh") -> bytes:
    """The report of a view as .docx or PDF bytes (period None: the period the overview opens on)."""
    if f.period is None:
        f = replace(f, period=queries.default_period(queries.period_coverage(store)))
    with charts.use_catalog(store.catalog):  # analysts' indicators and parks named as on the pages
        report = build_report(store, f, lang)
    return report_pdf(report) if fmt == "pdf" else report_docx(report)
