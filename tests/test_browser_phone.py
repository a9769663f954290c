"""Where leaders read it: every page on a phone-sized screen, with every request that would leave the
server blocked (an intranet), each language's visible text checked, downloads opened.

Uses the harness of tests/test_browser.py (a `streamlit run` subprocess, Debian chromium through
Playwright). Phone screenshots go to /tmp/phone/ for people to look at.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

import pytest
from test_browser import (  # noqa: F401  (fixtures used by name)
    CHART,
    CHROMIUM,
    TIMEOUT_MS,
    browser,
    server,
    wait_ready,
)

PHONE_SHOTS = Path("/tmp/phone")
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
# (path, whether the page draws a chart)
PAGES = (
    ("", True),
    ("parks", True),
    ("chains", True),
    ("trends", True),
    ("targets", True),
    ("upload", False),
    ("data", False),
    ("catalog", False),
)
IPHONE = {"width": 390, "height": 844}
SMALL_PHONE = {"width": 360, "height": 780}

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium (/usr/bin/chromium) is not installed")


class Offline:
    """A browser context where every request to a host other than the app's own is recorded and refused."""

    def __init__(self, chromium, viewport: dict, mobile: bool):
        self.attempted: list[str] = []
        self.context = chromium.new_context(
            viewport=viewport,
            device_scale_factor=2 if mobile else 1,
            is_mobile=mobile,
            has_touch=mobile,
            accept_downloads=True,
            locale="zh-CN",
        )
        self.context.set_default_timeout(TIMEOUT_MS)
        self.context.route("**/*", self._route)

    def _route(self, route) -> None:
        url = route.request.url
        host = urlparse(url).hostname
        if url.startswith(("data:", "blob:")) or host in LOCAL_HOSTS:
            route.continue_()
        else:
            self.attempted.append(url)
            route.abort()

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def phone(browser):  # noqa: F811
    made: list[Offline] = []

    def open_(viewport: dict = IPHONE, mobile: bool = True) -> Offline:
        made.append(Offline(browser, viewport, mobile))
        return made[-1]

    yield open_
    for offline in made:
        offline.close()


def visit(page, server, path: str, chart: bool, lang: str = "zh") -> None:  # noqa: F811
    page.goto(f"{server.url}/{path}" + ("?lang=en" if lang == "en" else ""))
    wait_ready(page, chart=chart)
    page.wait_for_timeout(500)  # fonts and icons requested after the first paint


def icon_font_loaded(page) -> bool:
    """Whether the Material Symbols font (served by Streamlit itself) has been loaded for the icons."""
    return page.evaluate(
        "async () => { await document.fonts.ready;"
        " return [...document.fonts].some(f => /Material/.test(f.family) && f.status === 'loaded'); }"
    )


def test_no_request_leaves_the_server_on_any_page(server, phone):  # noqa: F811
    offline = phone({"width": 1400, "height": 1000}, mobile=False)
    page = offline.context.new_page()
    for path, chart in PAGES:
        visit(page, server, path, chart)
        assert not offline.attempted, f"/{path} asked for {offline.attempted}"
    assert icon_font_loaded(page), "the icons' font comes from the app itself"
    favicon = page.evaluate("() => document.querySelector('link[rel~=icon]')?.href || ''")
    assert urlparse(favicon).hostname in LOCAL_HOSTS or favicon.startswith("data:"), favicon


# Visible text of the app: text nodes that are shown, without the icons' ligature names (`upload_file`
# drawn as a glyph by the icon font) and without scripts and styles; plus the texts CSS writes.
VISIBLE_TEXT_JS = """
() => {
  const root = document.querySelector('[data-testid="stApp"]');
  const out = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    if (!el || !node.textContent.trim()) continue;
    if (el.closest('script, style, noscript, [data-testid="stSkipToContent"]')) continue;  // skip link: on focus only
    if (/Material Symbols/.test(getComputedStyle(el).fontFamily)) continue;  // an icon's ligature name
    if (!el.checkVisibility({opacityProperty: true, visibilityProperty: true})) continue;
    if (parseFloat(getComputedStyle(el).fontSize) === 0) continue;  // replaced by CSS text below
    out.push(node.textContent.trim());
  }
  for (const el of root.querySelectorAll('*')) {
    const after = getComputedStyle(el, '::after').content;
    if (after && after.startsWith('"')) out.push(after.slice(1, -1));
  }
  return out;
}
"""
# Words that may stand in Chinese text: file formats, units, the English option of the language switch,
# and file names (data, as stored).
ZH_ALLOWED = {
    "PNG",
    "CSV",
    "Excel",
    "Word",
    "PDF",
    "xlsx",
    "xls",
    "csv",
    "MB",
    "UTF",
    "GBK",
    "English",
}  # the language switch
FILE_NAME = re.compile(r"\S+\.(?:csv|xlsx|xls)\b")
# Chinese that may stand in English text: the language switch's own name for Chinese.
EN_ALLOWED = {"中文"}


def foreign_words(texts: list[str], lang: str) -> set[str]:
    """Words of the other language in `texts` (minus the allow-lists)."""
    found: set[str] = set()
    for text in texts:
        text = FILE_NAME.sub(" ", text)
        if lang == "zh":
            found |= {w for w in re.findall(r"[A-Za-z]{2,}", text) if w not in ZH_ALLOWED}
        else:
            found |= {w for w in re.findall(r"[\u3400-\u9fff\uf900-\ufaff]+", text) if w not in EN_ALLOWED}
    return found


def whole_page_shot(page, path: Path, viewport: dict) -> None:
    """A screenshot of the whole page: Streamlit scrolls inside its main block, so the window is made as
    tall as the content for the shot (same width), then set back."""
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": viewport["width"], "height": max(viewport["height"], min(height, 16000))})
    page.wait_for_timeout(400)  # charts re-laid out
    page.screenshot(path=str(path))
    page.set_viewport_size(viewport)


@pytest.mark.parametrize("lang, viewport", [("zh", IPHONE), ("en", IPHONE), ("zh", SMALL_PHONE)])
def test_every_page_on_a_phone_offline_in_one_language(server, phone, lang, viewport):  # noqa: F811
    """On a phone (390 × 844, and 360 wide) with the Internet blocked: every page draws, fits the screen's
    width, and shows no word of the other language. Screenshots in /tmp/phone/ (looked at)."""
    offline = phone(viewport)
    page = offline.context.new_page()
    PHONE_SHOTS.mkdir(parents=True, exist_ok=True)
    for path, chart in PAGES:
        visit(page, server, path, chart, lang)
        whole_page_shot(page, PHONE_SHOTS / f"{lang}_{viewport['width']}_{path or 'overview'}.png", viewport)
        assert not offline.attempted, f"/{path} asked for {offline.attempted}"
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= viewport["width"] + 1, f"/{path} is {width} px wide on a {viewport['width']} px screen"
        words = foreign_words(page.evaluate(VISIBLE_TEXT_JS), lang)
        assert not words, f"/{path} in {lang} shows {sorted(words)[:30]}"


def test_downloads_say_what_they_are_and_use_the_charts_units(server, phone, tmp_path):  # noqa: F811
    """The parks page's table as CSV and Excel, and its ranking as PNG: names with view, period and date;
    a header block / 说明 sheet; revenue in the unit its chart shows."""
    import csv
    import io

    import openpyxl

    offline = phone({"width": 1400, "height": 1000}, mobile=False)
    page = offline.context.new_page()
    visit(page, server, "parks", chart=True)
    period = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"] input').first.input_value().strip()
    title = page.locator('[data-testid="stPlotlyChart"]').first.locator(".gtitle").first.text_content()
    unit = re.search(r"营业收入（(.+?)）", title).group(1)  # the ranking chart's unit, e.g. 亿元
    assert unit != "万元", title  # the sample's revenue is shown in 亿元
    today = re.compile(r"_20\d{6}\.")

    with page.expect_download() as got:
        page.get_by_role("button", name="下载 CSV").first.click()
    name = got.value.suggested_filename
    assert name.startswith(f"园区对比_园区指标表_{period}_") and today.search(name), name
    rows = list(csv.reader(io.StringIO(Path(got.value.path()).read_text(encoding="utf-8-sig"))))
    notes = {r[0]: r[1] for r in rows[: rows.index([])]}
    assert notes["统计期"] == period and "园区" in notes["筛选条件"] and "北京时间" in notes["生成时间"]
    assert notes["数据性质"].startswith(("含示意数据", "均为报告数据")) and "导入的文件" in notes["来源"]
    header = rows[rows.index([]) + 1]
    table = [dict(zip(header, r, strict=True)) for r in rows[rows.index([]) + 2 :]]
    revenue = [r for r in table if r["指标"] == "营业收入"]
    assert revenue and {r["单位"] for r in revenue} == {unit}

    with page.expect_download() as got:
        page.get_by_role("button", name="下载 Excel").first.click()
    assert got.value.suggested_filename == name.removesuffix(".csv") + ".xlsx"
    wb = openpyxl.load_workbook(io.BytesIO(Path(got.value.path()).read_bytes()))  # the saved file has no suffix
    assert wb.sheetnames == ["园区指标表", "说明"]
    about = {r[0]: r[1] for r in wb["说明"].iter_rows(min_row=2, values_only=True)}
    assert about["统计期"] == period

    with page.expect_download(timeout=TIMEOUT_MS) as got:
        page.get_by_role("button", name="下载图片 (PNG)").first.click()
    png_name = got.value.suggested_filename
    assert png_name.startswith(f"园区对比_园区排名_{period}_") and png_name.endswith(".png"), png_name
    png = Path(got.value.path()).read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 10_000
    PHONE_SHOTS.mkdir(parents=True, exist_ok=True)
    (PHONE_SHOTS / "downloaded_ranking.png").write_bytes(png)
    assert not offline.attempted
