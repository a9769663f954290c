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


def test_set_a_target_by_upload_then_see_it_on_the_targets_page(server, new_page, shots, tmp_path):
    import csv
    import io
    from pathlib import Path

    from test_browser import PASSWORD, goto_page, i18n_auth

    page = new_page()
    goto_page(page, server, "", chart=True)  # the first visit loads the sample (with its 示意目标)
    target_file = tmp_path / "2024年度目标.csv"
    target_file.write_text(
        "园区,统计期,指标,数值,数据性质\n东营经开区,2024年,营业收入,9999999,目标\n", encoding="utf-8-sig"
    )
    goto_page(page, server, "upload", chart=False)
    page.locator('[data-testid="stFileUploader"] input[type="file"]').first.set_input_files(str(target_file))
    page.get_by_text("2024年度目标.csv").first.wait_for(timeout=TIMEOUT_MS)
    wait_ready(page, chart=False)
    shots(page, "targets_upload_preview", keep=True)
    page.get_by_label(i18n_auth("password", "zh")).fill(PASSWORD)
    page.get_by_role("button", name=i18n_auth("submit", "zh")).click()
    load_button = page.get_by_role("button", name=i18n("load", "zh"), exact=True)
    load_button.wait_for(timeout=TIMEOUT_MS)
    wait_ready(page, chart=False)
    # The sample's 示意目标 for this key has a 出处 and the new target none: loading asks to confirm that first.
    page.get_by_text(i18n("uncited_confirm", "zh").format(n=1)).first.click()
    wait_ready(page, chart=False)
    load_button.click()
    page.locator('[data-testid="stAlertContentSuccess"]').first.wait_for(timeout=TIMEOUT_MS)
    wait_ready(page, chart=False)

    goto_page(page, server, "targets", chart=True)
    assert page.locator("h1").first.inner_text().strip() == i18n("page_targets", "zh")
    assert "序时进度" in " ".join(page.locator('[data-testid="stMetric"]').all_inner_texts())
    shots(page, "targets_page_zh", keep=True)
    with page.expect_download() as csv_download:
        page.get_by_role("button", name=i18n("download_csv", "zh")).first.click()
    text = Path(csv_download.value.path()).read_bytes().decode("utf-8-sig")
    table = text.split("\r\n\r\n", 1)[-1]  # the table sits below the header block (view, period, filters…)
    rows = list(csv.DictReader(io.StringIO(table)))
    dongying = next(r for r in rows if r["园区"] == "东营经济技术开发区")
    assert (dongying["目标"], dongying["单位"]) == ("9,999,999", "万元")  # the uploaded target replaced the sample's
    page.goto(server.url + "/targets?lang=en")
    wait_ready(page)
    shots(page, "targets_page_en", keep=True)
    assert page.locator("h1").first.inner_text().strip() == i18n("page_targets", "en")
