"""Issue 9 in a real browser, as a new analyst does it: the data portal's GDP table (.xls, then the same table
saved as a GBK .csv) and a development zone's monthly report form go through the upload page, and the pages
show the right figures in the right units: the provinces set beside each other when picked, never mixed into
a view of all parks. Harness (server, Playwright with Debian chromium) from tests/test_browser.py; screenshots
go to /tmp/shots/ for people to look at."""

# ruff: noqa: F811  (fixtures imported from test_browser and requested by name)
from __future__ import annotations

import sys
from pathlib import Path

from test_browser import (  # noqa: F401
    PASSWORD,
    TIMEOUT_MS,
    browser,
    goto_page,
    i18n,
    i18n_auth,
    metric_texts,
    new_page,
    pytestmark,
    server,
    shots,
    wait_ready,
)

sys.path.insert(0, str(Path(__file__).parent / "fixtures"))
from official_files import portal_csv_gbk  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
SUCCESS = '[data-testid="stAlertContentSuccess"]'


def upload_and_load(page, server, path: Path, expect: str) -> str:
    """Upload one file on a fresh upload page, sign in when asked, load; the message after loading."""
    goto_page(page, server, "upload", chart=False)
    page.locator('[data-testid="stFileUploader"] input[type="file"]').first.set_input_files(str(path))
    page.get_by_text(i18n("diff_title", "zh").split("{")[0]).first.wait_for(timeout=TIMEOUT_MS)
    wait_ready(page, chart=False)
    password = page.get_by_label(i18n_auth("password", "zh"))
    if password.count():
        password.fill(PASSWORD)
        page.get_by_role("button", name=i18n_auth("submit", "zh")).click()
    load = page.get_by_role("button", name=i18n("load", "zh"), exact=True)
    load.wait_for(timeout=TIMEOUT_MS)
    wait_ready(page, chart=False)
    load.click()
    page.get_by_text(expect).first.wait_for(timeout=TIMEOUT_MS)
    wait_ready(page, chart=False)
    return page.locator('[data-testid="stAlert"]').first.inner_text()


def test_portal_table_and_monthly_form_reach_the_pages(server, new_page, shots, tmp_path):
    page = new_page()
    goto_page(page, server, "", chart=True)  # first visit fills the empty database with the sample

    goto_page(page, server, "upload", chart=False)
    page.locator('[data-testid="stFileUploader"] input[type="file"]').first.set_input_files(
        str(FIXTURES / "portal_gdp_by_province.xls")
    )
    page.get_by_text(i18n("r_new_regions", "zh")).wait_for(timeout=TIMEOUT_MS)
    wait_ready(page, chart=False)
    body = page.locator('[data-testid="stMain"]').inner_text()
    assert "北京市、天津市、河南省、西藏自治区" in body  # named as regions, not as new parks
    shots(page, "official_1_portal_preview", keep=True)
    done = upload_and_load(page, server, FIXTURES / "portal_gdp_by_province.xls", "已导入 23 条")
    assert "portal_gdp_by_province.xls" in done

    csv = tmp_path / "分省年度数据.csv"
    csv.write_bytes(portal_csv_gbk())
    same = upload_and_load(page, server, csv, "数据与库中一致")
    assert "分省年度数据.csv" in same  # the GBK CSV reads to exactly the figures of the .xls

    form = upload_and_load(page, server, FIXTURES / "dev_zone_monthly_2024_9.xls", "已导入 25 条")
    assert "dev_zone_monthly_2024_9.xls" in form
    shots(page, "official_2_form_loaded", keep=True)

    # The provinces side by side, in 亿元 as the portal gave them.
    goto_page(page, server, "parks?period=2019&parks=北京市&parks=山东省&parks=河南省&family=economy", chart=True)
    ranking = page.locator('[data-testid="stPlotlyChart"]').first
    axis = ranking.locator(".yaxislayer-above text").all_text_contents()
    assert axis == ["北京市", "河南省", "山东省"], axis  # ticks bottom up: the largest, ranked 1, on top
    labels = ranking.locator(".textpoint text, text.bartext").all_text_contents()
    assert {"71,067.53", "54,259.20", "35,371.30"} <= set(labels), labels
    assert "地区生产总值（亿元）" in ranking.inner_text()
    shots(page, "official_3_provinces_ranked", keep=True)

    # All parks in 2019: the provinces stay out (the sample has no park GDP for 2019, so no GDP card).
    goto_page(page, server, "?period=2019&family=economy", chart=False)
    assert not any(c.startswith("地区生产总值") for c in metric_texts(page))

    # The form's figures on the overview: 万元 shown as 亿元, US dollars never converted.
    goto_page(page, server, "?period=2024+Jan–Sep&parks=东营经济技术开发区", chart=False)
    cards = metric_texts(page)
    assert any(c.startswith("地区生产总值（亿元）") and "345.68" in c for c in cards), cards
    assert any(c.startswith("进出口总额（万美元）") and "123,456" in c for c in cards), cards
    assert any(c.startswith("发明专利授权量（件）") and "320" in c for c in cards), cards
    shots(page, "official_4_form_on_overview", keep=True)
