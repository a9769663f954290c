"""Pages with more parks than a chart can show: top parks in charts with a caption, every row in the tables'
downloads, English units, download failures and the PNG warm-up. AppTest against a real DuckDB file."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from app_data import open_page, specs
from parsed_factory import figure, parsed

Y2023 = (dt.date(2023, 1, 1), dt.date(2023, 12, 31))
Y2024 = (dt.date(2024, 1, 1), dt.date(2024, 12, 31))
PARKS = [f"测试园区{n:02d}" for n in range(15)]  # revenue grows with n: 测试园区14 is best
BEST = PARKS[::-1][:12]


@pytest.fixture
def many_parks(db_path):
    from metrics.store import Store

    rows = []
    for n, park in enumerate(PARKS):
        for period, scale in ((Y2023, 1.0), (Y2024, 1.1)):
            rows.append(figure(park, "revenue", 100 * (n + 1) * scale, period=period))
            rows.append(figure(park, "national_platforms", 30 - n, period=period))
            rows.append(figure(park, "revenue", 10 * (n + 1) * scale, chain="新材料", period=period))
    assert Store(db_path).load(parsed("many.xlsx", rows), actor="test").status == "loaded"
    return db_path


def captions(at) -> list[str]:
    return [c.value for c in at.caption]


TOP_CAPTION = "图表显示前12个园区（共15个），可在侧栏选择园区。"


def test_overview_charts_the_top_parks_and_tables_every_park(many_parks):
    at = open_page("dashboard.py")
    assert TOP_CAPTION in captions(at)
    bars = specs(at)[0]["data"][0]
    assert len(bars["y"]) == 12
    assert "前12个" in specs(at)[0]["layout"]["title"]["subtitle"]["text"]
    assert len(at.dataframe[0].value) == 15  # the composite-index table keeps every park


def test_parks_page_charts_the_best_on_the_ranking_indicator(many_parks):
    at = open_page("pages/parks.py")
    assert TOP_CAPTION in captions(at)
    ranking, grouped, radar, heat = specs(at)
    assert ranking["data"][0]["y"] == BEST
    assert set(grouped["data"][0]["y"]) == set(BEST)  # horizontal bars: parks on the y axis
    assert {t["name"] for t in radar["data"]} == set(BEST)
    assert set(heat["data"][0]["y"]) == set(BEST)
    assert "表格显示图中的园区；CSV/Excel 下载包含全部园区。" in captions(at)
    # Ranked by platforms instead: the parks with the most platforms are the others end of the list.
    at.selectbox(key="w_ind").select("national_platforms").run()
    assert specs(at)[0]["data"][0]["y"] == PARKS[:12]


def test_a_selection_is_shown_as_it_is(many_parks):
    at = open_page("pages/trends.py", {"parks": PARKS[:2]})
    assert TOP_CAPTION not in captions(at)
    assert {t["name"] for t in specs(at)[0]["data"] if t["type"] == "scatter"} == set(PARKS[:2])


def test_trends_and_chains_chart_the_top_parks_with_english_units(many_parks):
    at = open_page("pages/trends.py", {"lang": "en"})
    assert "Charts show the top 12 of 15 parks; pick parks in the sidebar to compare others." in captions(at)
    lines = [t for t in specs(at)[0]["data"] if t["type"] == "scatter"]
    assert {t["name"] for t in lines} == set(BEST)
    assert specs(at)[0]["layout"]["yaxis"]["title"]["text"] == "Operating revenue (10k CNY)"
    table = at.dataframe[0].value
    assert "Value (10k CNY)" in table.columns and len(table) == 24  # 12 parks × 2 years
    at.switch_page("pages/chains.py").run()
    assert not at.exception
    assert set(specs(at)[0]["data"][0]["y"]) == set(BEST)
    assert "Operating revenue (10k CNY)" in specs(at)[0]["layout"]["title"]["text"]


def test_long_tables_show_a_page_and_say_so(many_parks, monkeypatch):
    from ui import widgets

    monkeypatch.setattr(widgets, "PAGE_ROWS", 10)
    at = open_page("dashboard.py")
    assert len(at.dataframe[0].value) == 10
    assert "表格显示前 10 行（共 15 行）；CSV/Excel 下载包含全部行。" in captions(at)


def test_data_page_picks_a_figure_by_park_chain_and_indicator(many_parks):
    at = open_page("pages/data.py")
    assert at.selectbox(key="figure_pick").options == PARKS  # one option per park, not per figure
    at.selectbox(key="figure_pick").select(PARKS[3]).run()
    at.selectbox(key="figure_chain").select("新材料").run()
    assert not at.exception
    detail = at.dataframe[1].value
    assert "44万元" in set(detail["内容"]) and "2024年" in set(detail["内容"])  # 10 × 4 × 1.1, with its unit
    at.selectbox(key="figure_indicator").select("national_platforms").run()  # no chain figure of it
    assert [i.value for i in at.info] == ["2024年没有这条数据。请换一个园区、产业链或指标，或在左侧换统计期。"]


def test_a_failed_image_download_says_why_in_the_chosen_language(many_parks):
    from metrics.render import RenderUnavailable
    from ui.widgets import lazy_image

    errors: dict = {}
    at = open_page("pages/parks.py", {"lang": "en"})
    at.session_state["_pd_download_errors"] = errors
    at.run()

    class Ctx:
        lang = "en"

    def broken() -> bytes:
        raise RenderUnavailable("浏览器无法启动", "the browser would not start")

    import streamlit as st

    st.session_state["_pd_download_errors"] = errors  # what the page's run put there, in this thread
    render = lazy_image(Ctx(), "png_park_ranking", broken, "en")
    with pytest.raises(RenderUnavailable):
        render()  # no file is offered for a failed image
    assert errors == {"png_park_ranking": "the browser would not start"}
    at.run()
    assert [w.value for w in at.warning] == ["The last download could not be made: the browser would not start"]
    at.run()
    assert not at.warning  # said once


def test_the_png_browser_starts_in_the_background_at_the_first_run(many_parks):
    from metrics import render
    from ui import cache

    if not render.png_available()[0]:
        pytest.skip("no browser or CJK font here: nothing to warm up")
    render.stop_server()
    cache._WARM["started"] = False
    cache._store.clear()
    open_page("dashboard.py")
    deadline = time.monotonic() + 60
    while not render.server_running() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert render.server_running()


def test_png_unavailable_reason_follows_the_language(many_parks, monkeypatch):
    from ui.cache import png_status

    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    png_status.clear()
    try:
        at = open_page("dashboard.py", {"lang": "en"})
        reasons = [c for c in captions(at) if c.startswith("PNG export is unavailable on this server")]
        assert len(reasons) == 2  # the chart and the one-page summary
        assert "is not an executable browser" in reasons[0] and "不是" not in reasons[0]
    finally:
        png_status.clear()
