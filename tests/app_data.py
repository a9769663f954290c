"""Fixture data for the AppTest page tests, stored through the real Store (figures worked out by hand)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from conftest import ROOT
from parsed_factory import figure, parsed
from streamlit.testing.v1 import AppTest

ROOT_PAGES = (
    "dashboard.py",
    "pages/parks.py",
    "pages/chains.py",
    "pages/trends.py",
    "pages/upload.py",
    "pages/data.py",
    "pages/catalog.py",
)
DY, WF, WH = "东营经济技术开发区", "潍坊滨海经济技术开发区", "威海南海新区"
XSS = "<script>alert(1)</script>"
Y2023 = (dt.date(2023, 1, 1), dt.date(2023, 12, 31))
Y2024 = (dt.date(2024, 1, 1), dt.date(2024, 12, 31))


def figures() -> list[dict]:
    rows = []
    for period, scale in ((Y2023, 1.0), (Y2024, 1.1)):
        rows += [
            figure(DY, "revenue", 1000 * scale, period=period),
            figure(WF, "revenue", 800 * scale, period=period),
            figure(WH, "revenue", 500 * scale, period=period),
            figure(DY, "national_platforms", 12, period=period),
            figure(WF, "national_platforms", 110, period=period, qualifier="at_least"),
            figure(WH, "national_platforms", 5, period=period),
            figure(DY, "national_talents", 30, period=period),
            figure(WF, "national_talents", 20, period=period, qualifier="approx"),
            figure(DY, "enterprises_visited", 300, period=period, basis="illustrative"),
            figure(WF, "enterprises_visited", 200, period=period),
            figure(DY, "revenue", 600 * scale, chain="新材料", period=period),
            figure(DY, "revenue", 400 * scale, chain="高端装备", period=period),
            figure(WF, "revenue", 800 * scale, chain="海洋化工", period=period),
        ]
    rows.append(figure(XSS, "revenue", 50, period=Y2024))
    return rows


def seed(store) -> None:
    report = store.load(parsed("fixture.xlsx", figures()), actor="test")
    assert report.status == "loaded", report


@pytest.fixture
def app_db(db_path):
    """A database holding the fixture figures (PARKDASH_DB points at it)."""
    from metrics.store import Store

    seed(Store(db_path))
    return db_path


def seed_replacement(store) -> None:
    """A second load that replaces Dongying's 2024 revenue (1100 -> 1200), with source and reference."""
    row = figure(DY, "revenue", 1200, period=Y2024, source="replacement.xlsx!Sheet1!2", reference="年报第3页")
    report = store.load(parsed("replacement.xlsx", [row]), actor="test")
    assert report.status == "loaded", report


def open_page(page: str = "dashboard.py", params: dict | None = None) -> AppTest:
    """Run the app from its entry page (with URL params), then switch to `page`; fail on any exception."""
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.query_params.update(params or {})
    at.run()
    if page != "dashboard.py":
        at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def specs(at) -> list[dict]:
    """The Plotly figure JSON of every chart on the page."""
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def picker(at: AppTest, name: str):
    """The undo or restore picker (`undo_pick`, `restore_pick`): its key carries a round number that
    grows with each undo or restore, so the browser draws a new, empty picker after each."""
    [box] = [s for s in at.selectbox if s.key and s.key.rsplit("_", 1)[0] == name]
    return box
