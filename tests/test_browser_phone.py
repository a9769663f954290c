"""Where leaders read it: every page on a phone-sized screen, with every request that would leave the
server blocked (an intranet), each language's visible text checked, downloads opened.

Uses the harness of tests/test_browser.py (a `streamlit run` subprocess, Debian chromium through
Playwright). Phone screenshots go to /tmp/phone/ for people to look at.
"""

from __future__ import annotations

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
PAGES = (("", True), ("parks", True), ("chains", True), ("trends", True), ("upload", False), ("data", False))
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


@pytest.mark.parametrize("viewport", [IPHONE, {"width": 1400, "height": 1000}], ids=["phone", "desktop"])
def test_no_request_leaves_the_server_on_any_page(server, phone, viewport):  # noqa: F811
    offline = phone(viewport, mobile=viewport["width"] < 800)
    page = offline.context.new_page()
    for path, chart in PAGES:
        visit(page, server, path, chart)
        assert not offline.attempted, f"/{path} asked for {offline.attempted}"
    assert icon_font_loaded(page), "the icons' font comes from the app itself"
    favicon = page.evaluate("() => document.querySelector('link[rel~=icon]')?.href || ''")
    assert urlparse(favicon).hostname in LOCAL_HOSTS or favicon.startswith("data:"), favicon
