"""In a real browser (Debian chromium through Playwright): the overview's 数据解读 and both 报告下载 buttons,
in Chinese and in English; the downloaded files opened and a PDF page rendered to PNG (kept in /tmp/shots)."""

# ruff: noqa: F811, F401  (fixtures imported from test_browser and requested by name)
from __future__ import annotations

import shutil
import subprocess

import pytest
from test_browser import CHROMIUM, SHOTS_FOR_PEOPLE, TIMEOUT_MS, browser, i18n, new_page, server, shots, wait_ready

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium (/usr/bin/chromium) is not installed")


def download(page, label: str, path):
    button = page.locator('[data-testid="stDownloadButton"] button').filter(has_text=label)
    with page.expect_download(timeout=TIMEOUT_MS * 3) as info:
        button.click()
    info.value.save_as(str(path))
    return path


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_briefing_and_report_downloads(server, new_page, shots, tmp_path, lang):
    from docx import Document
    from pypdf import PdfReader

    page = new_page()
    page.goto(server.url + ("/?lang=en" if lang == "en" else "/"))
    wait_ready(page)
    code = page.locator('[data-testid="stCode"]').first
    text = code.inner_text()
    assert ("营业收入合计" if lang == "zh" else "Operating revenue:") in text
    assert i18n("briefing_title", lang) in page.locator("h3").all_inner_texts()
    code.scroll_into_view_if_needed()
    shots(page, f"overview_briefing_{lang}", keep=True)

    docx = download(page, i18n("download_report_docx", lang), tmp_path / "report.docx")
    doc = Document(str(docx))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings[0] == ("数据解读" if lang == "zh" else "Briefing") and len(doc.inline_shapes) == 3
    first_sentence = text.splitlines()[0]
    assert first_sentence in "\n".join(p.text for p in doc.paragraphs)  # the page's briefing, word for word

    pdf = download(page, i18n("download_report_pdf", lang), tmp_path / "report.pdf")
    extracted = "".join(p.extract_text() for p in PdfReader(str(pdf)).pages)
    assert ("数据说明" if lang == "zh" else "About the data") in extracted
    if shutil.which("pdftoppm"):
        SHOTS_FOR_PEOPLE.mkdir(parents=True, exist_ok=True)
        subprocess.run(["pdftoppm", "-r", "70", "-png", str(pdf), str(SHOTS_FOR_PEOPLE / f"report_{lang}")], check=True)
        assert list(SHOTS_FOR_PEOPLE.glob(f"report_{lang}*.png"))
