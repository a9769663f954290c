"""The Word/PDF report: its content, the .docx read back by python-docx, the PDF's text and a rendered page."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import sys

import pytest
from conftest import ROOT, python_env
from parsed_factory import figure, parsed
from PIL import Image

from metrics import queries, report
from metrics.periods import parse_period

Y23 = (dt.date(2023, 1, 1), dt.date(2023, 12, 31))
Y24 = (dt.date(2024, 1, 1), dt.date(2024, 12, 31))
PARKS = ("东营经济技术开发区", "潍坊滨海经济技术开发区", "威海南海新区")
VALUES = {"revenue": (50000.0, 32000.0, 18000.0), "national_platforms": (12, 7, 3), "satisfaction": (95.5, 91.0, 90.2)}
CJK = {chr(c) for c in range(0x4E00, 0xA000)}


@pytest.fixture(scope="module")
def small_db(tmp_path_factory):
    from metrics.store import Store

    figs = []
    for n, park in enumerate(PARKS):
        for ind, values in VALUES.items():
            q = "at_least" if (ind, n) == ("national_platforms", 0) else "exact"
            basis = "illustrative" if (ind, n) == ("revenue", 2) else "reported"
            for period, k in ((Y23, 0.9), (Y24, 1.0)):
                figs.append(
                    figure(
                        park, ind, round(values[n] * k, 2), period=period, qualifier=q, basis=basis, reference="报告A"
                    )
                )
    figs.append(figure("<b>新园区</b>", "revenue", 10.0, period=Y24))  # markup in a name stays text
    path = tmp_path_factory.mktemp("report") / "parks.duckdb"
    assert Store(path).load(parsed("园区数据.xlsx", figs)).status == "loaded"
    return path


@pytest.fixture(scope="module")
def store(small_db):
    from metrics.store import Store

    return Store(small_db)


def blocks_text(rep: report.Report) -> str:
    return "\n".join(b[1] for b in rep.blocks if isinstance(b, tuple))


def test_content_has_briefing_tables_charts_and_notes(store):
    rep = report.build_report(store, queries.Filters(period=parse_period("2024")), "zh")
    assert rep.title == "园区发展指标报告 · 2024年"
    headings = [b[1] for b in rep.blocks if isinstance(b, tuple) and b[0] == "h2"]
    assert headings == ["数据解读", "主要指标", "图表", "园区排名：营业收入", "数据说明"]
    kpi, ranking = (b for b in rep.blocks if isinstance(b, report.Table))
    assert kpi.header[:4] == ("指标", "数值", "单位", "变化")
    rows = {r[0]: r for r in kpi.rows}
    assert rows["国家级创新平台"][1:4] == ("22余", "家", "+11.1%")
    assert rows["营业收入"][1:3] == ("10*", "亿元")  # 100,010 万元, one figure illustrative
    assert rows["满意度"][3] == "+9.22 pp" or rows["满意度"][3].endswith(" pp")
    assert ranking.rows[0][:2] == ("1", "东营经济技术开发区") and ranking.header[2] == "数值（亿元）"
    assert len([b for b in rep.blocks if isinstance(b, report.Image)]) == 3
    text = blocks_text(rep)
    assert "园区数据.xlsx：报告数据" in text and "出处：报告A" in text
    assert "示意数据：本范围内有1条示意数据" in text and "生成时间：" in text


def test_docx_opens_with_headings_tables_images_in_a_cjk_font(store):
    from docx import Document
    from docx.oxml.ns import qn

    rep = report.build_report(store, queries.Filters(period=parse_period("2024")), "zh")
    doc = Document(io.BytesIO(report.report_docx(rep)))
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)  # A4 portrait
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert headings[0] == "园区发展指标报告 · 2024年" and "数据解读" in headings and "数据说明" in headings
    assert len(doc.tables) == 2
    assert doc.tables[0].rows[0].cells[0].text == "指标"
    assert any(c.text == "22余" for row in doc.tables[0].rows for c in row.cells)
    assert len(doc.inline_shapes) == 3
    fonts = doc.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == report.FONT
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "国家级创新平台合计22余家" in body
    assert "<b>新园区</b>" in "\n".join(c.text for row in doc.tables[1].rows for c in row.cells)


def run_report(db, *args, timeout=300):
    return subprocess.run(
        [sys.executable, "-m", "metrics", "report", "--db", str(db), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=python_env(db),
        timeout=timeout,
        check=False,
    )


@pytest.mark.skipif(not shutil.which("chromium"), reason="Debian chromium not installed")
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_cli_pdf_has_the_text_and_renders(small_db, tmp_path, lang):
    from pypdf import PdfReader

    out = tmp_path / f"report-{lang}.pdf"
    done = run_report(small_db, "--period", "2024", "--lang", lang, "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert ("已生成报告" if lang == "zh" else "Report written") in done.stdout
    pdf = PdfReader(out)
    box = pdf.pages[0].mediabox
    assert round(float(box.width) * 25.4 / 72) == 210 and round(float(box.height) * 25.4 / 72) == 297
    text = "".join(page.extract_text() for page in pdf.pages)
    if lang == "zh":
        assert "数据解读" in text and "国家级创新平台" in text and "数据说明" in text
    else:
        assert "Briefing" in text and "About the data" in text
        data_names = ("<b>新园区</b>", "园区数据.xlsx", "报告A")  # stored names and references stay as loaded
        for name in data_names:
            text = text.replace(name, "")
        assert not [ch for ch in text if ch in CJK]
    if shutil.which("pdftoppm"):  # a page as an image: the CJK font drew glyphs (not blank, not one box colour)
        subprocess.run(
            ["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", str(out), str(tmp_path / "p")], check=True
        )
        page = Image.open(next(tmp_path.glob("p*.png"))).convert("L")
        dark = sum(1 for px in page.tobytes() if px < 128)
        assert dark > 2000


def test_cli_docx_and_its_errors(small_db, tmp_path):
    out = tmp_path / "r.docx"
    done = run_report(small_db, "--park", "东营经开区", "--out", str(out))  # an alias of a catalog park
    assert done.returncode == 0, done.stderr
    from docx import Document

    doc = Document(str(out))
    assert "东营经济技术开发区" in "\n".join(p.text for p in doc.paragraphs)
    bad = run_report(small_db, "--period", "2024年第九季度", "--out", str(tmp_path / "x.docx"))
    assert bad.returncode == 1 and "无法识别的时期" in bad.stderr
    none = run_report(small_db, "--period", "2019", "--lang", "en", "--out", str(tmp_path / "x.docx"))
    assert none.returncode == 1 and "No data for the chosen period" in none.stderr
    assert not (tmp_path / "x.docx").exists()


def test_html_escapes_every_text(store):
    rep = report.build_report(store, queries.Filters(period=parse_period("2024")), "zh", with_charts=False)
    page = report.report_html(rep)
    assert "&lt;b&gt;新园区&lt;/b&gt;" in page and "<b>新园区" not in page


def test_targets_get_their_own_table(tmp_path):
    from metrics.store import Store

    store = Store(tmp_path / "parks.duckdb")
    nine = (dt.date(2024, 1, 1), dt.date(2024, 9, 30))
    figs = [
        figure(PARKS[0], "target:revenue", 100000.0, period=Y24),
        figure(PARKS[0], "revenue", 80000.0, period=nine),
        figure(PARKS[1], "target:national_platforms", 10, period=Y24, qualifier="approx"),
        figure(PARKS[1], "national_platforms", 6, period=nine, qualifier="at_least"),
    ]
    store.load(parsed("t.xlsx", figs))
    rep = report.build_report(store, queries.Filters(period=parse_period("2024年1-9月")), "zh", with_charts=False)
    headings = [b[1] for b in rep.blocks if isinstance(b, tuple) and b[0] == "h2"]
    assert headings[:3] == ["数据解读", "主要指标", "目标进度"]
    table = next(b for b in rep.blocks if isinstance(b, report.Table) and b.header[0] == "指标" and "状态" in b.header)
    assert table.rows == (
        ("营业收入", PARKS[0], "100,000万元", "80,000万元", "80.0%", "75.0%", "超序时"),
        ("国家级创新平台", PARKS[1], "约10家", "6余家", "60.0%", "75.0%", "落后序时"),
    )
