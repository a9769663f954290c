"""In a real browser, as a new analyst would: paste a seed report on the upload page, review the figures,
load them, and find one on the data page with its sentence as 出处 (screenshots to /tmp/shots/)."""

# ruff: noqa: F811, F401  (the harness fixtures are imported from test_browser and requested by name)
from __future__ import annotations

from urllib.parse import quote

import pytest
from conftest import ROOT
from test_browser import (
    PASSWORD,
    TIMEOUT_MS,
    browser,
    goto_page,
    i18n,
    i18n_auth,
    new_page,
    server,
    shots,
    wait_ready,
)

SEED = "002_b833c407ed08397e.txt"
PARK = "潍坊滨海经济技术开发区"


def seed_text() -> str:
    for base in (ROOT.parent, ROOT.parent.parent):
        path = base / "shared" / "seeds" / SEED
        if path.is_file():
            return path.read_text(encoding="utf-8")
    pytest.skip("../shared/seeds is not present")


def test_paste_a_seed_report_review_load_and_find_its_sentence(server, new_page, shots):
    text = seed_text()
    page = new_page()
    goto_page(page, server, "", chart=True)  # the first visit fills the empty database with the sample
    goto_page(page, server, "upload", chart=False)
    page.get_by_text(i18n("tr_title", "zh")).click()
    page.get_by_label(i18n("tr_year", "zh")).fill("2023")
    page.get_by_label(i18n("tr_year", "zh")).press("Enter")
    wait_ready(page, chart=False)
    area = page.get_by_label(i18n("tr_paste", "zh"))
    area.fill(text)
    area.press("Control+Enter")
    page.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=TIMEOUT_MS)
    wait_ready(page, chart=False)
    assert page.get_by_text("报告年份：2023（已指定）").count() == 1
    shots(page, "text_review_candidates", keep=True)

    page.get_by_label(i18n_auth("password", "zh")).fill(PASSWORD)
    page.get_by_role("button", name=i18n_auth("submit", "zh")).click()
    load = page.get_by_role("button", name=i18n("tr_load", "zh").format(n=10))
    load.wait_for(timeout=TIMEOUT_MS)
    wait_ready(page, chart=False)
    load.click()
    page.locator('[data-testid="stAlertContentSuccess"]').first.wait_for(timeout=TIMEOUT_MS)
    wait_ready(page, chart=False)
    done = page.locator('[data-testid="stAlertContentSuccess"]').first.inner_text()
    assert "已导入 10 个数字" in done, done
    shots(page, "text_review_loaded", keep=True)

    goto_page(page, server, f"data?parks={quote(PARK)}&family=service&period=2023", chart=False)
    # The figure's detail (a grid: its cells are in the page for screen readers) names the sentence.
    cell = page.get_by_text("累计走访企业223家").first
    cell.wait_for(state="attached", timeout=TIMEOUT_MS)
    wait_ready(page, chart=False)
    assert page.get_by_text("粘贴文字!!段33「").count() >= 1
    page.locator('[data-testid="stDataFrame"]').nth(1).scroll_into_view_if_needed()
    shots(page, "text_review_figure_detail", keep=True)
