"""Every page through Streamlit's AppTest against a real DuckDB file holding the fixture figures."""

# ruff: noqa: F811  (app_db is a fixture imported from app_data and requested by name)
from __future__ import annotations

import json

import pytest
from app_data import DY, WF, WH, XSS, app_db, open_page, specs  # noqa: F401


def metrics(at) -> dict[str, tuple[str, str]]:
    return {m.label: (m.value, m.proto.delta) for m in at.metric}


@pytest.mark.parametrize(
    "page, title, charts",
    [
        ("dashboard.py", "总览", 1),
        ("pages/parks.py", "园区对比", 4),
        ("pages/chains.py", "产业链对比", 3),
        ("pages/trends.py", "趋势", 1),
        ("pages/upload.py", "数据上传", 0),
        ("pages/data.py", "数据管理", 0),
        ("pages/catalog.py", "指标与园区目录", 0),
    ],
)
def test_every_page_runs_on_fixture_data(app_db, page, title, charts):
    at = open_page(page)
    assert at.title[0].value == title
    assert len(at.get("plotly_chart")) == charts
    labels = [link.proto.label for link in at.sidebar.get("page_link")]
    assert labels == ["总览", "园区对比", "产业链对比", "趋势", "目标进度", "数据上传", "数据管理", "指标与园区目录"]


def test_overview_cards_show_qualifiers_and_year_on_year_change(app_db):
    at = open_page()
    cards = metrics(at)
    # 2024: 1100 + 880 + 550 + 50 (<script> park); 2023 only the three parks: 2300.
    assert cards["营业收入（万元）"][0] == "2,580"
    assert cards["国家级创新平台（家）"][0] == "127余"
    assert cards["国家级人才工程专家（名）"][0] == "约50"
    revenue = next(m for m in at.metric if m.label == "营业收入（万元）")
    assert revenue.proto.delta_description == "4/4 园区 · 同比 2023年"
    # Dongying's visits are illustrative in both years: said first (a narrow card cuts the end), delta grey.
    visited = next(m for m in at.metric if m.label.startswith("走访企业"))
    assert visited.proto.delta_description == "两期均含示意 · 2/4 园区 · 同比 2023年"
    assert visited.color == 2 and revenue.color != 2  # MetricColor: 0 red, 1 green, 2 gray
    assert revenue.proto.help == "营业收入（万元）: 4 个园区的合计"
    # One Dongying figure is illustrative, so the view says so.
    assert any("含示意数据" in md.value for md in at.markdown if "badge" in md.value)


def test_period_filter_changes_cards_and_chart(app_db):
    at = open_page()
    before = specs(at)[0]
    at.sidebar.selectbox(key="w_period").select("2023").run()
    assert not at.exception
    assert metrics(at)["营业收入（万元）"][0] == "2,300"
    assert specs(at)[0] != before
    assert at.query_params["period"] == "2023"


def test_park_filter_changes_ranking(app_db):
    at = open_page("pages/parks.py")
    assert XSS in json.dumps(specs(at)[0], ensure_ascii=False).replace("&lt;", "<").replace("&gt;", ">")
    at.sidebar.multiselect(key="w_parks").set_value([DY, WF]).run()
    ranking = specs(at)[0]["data"][0]
    assert ranking["y"] == [DY, WF]
    assert at.query_params["parks"] == [DY, WF]


def test_language_switch_changes_labels(app_db):
    at = open_page()
    at.sidebar.segmented_control(key="w_lang").set_value("en").run()
    assert not at.exception
    assert at.title[0].value == "Overview"
    assert "Operating revenue (10k CNY)" in metrics(at)
    assert [link.proto.label for link in at.sidebar.get("page_link")][:2] == ["Overview", "Parks"]
    assert at.query_params["lang"] == "en"
    assert metrics(at)["National platforms (units)"][0] == "127+"


def test_query_params_open_the_same_view(app_db):
    at = open_page(params={"lang": "en", "period": "2023", "parks": [DY], "family": "revenue_growth"})
    assert at.sidebar.selectbox(key="w_period").value == "2023"
    assert at.sidebar.multiselect(key="w_parks").value == [DY]
    assert at.sidebar.selectbox(key="w_family").value == "revenue_growth"
    assert list(metrics(at)) == ["Operating revenue (10k CNY)"]
    assert metrics(at)["Operating revenue (10k CNY)"][0] == "1,000"


def test_filters_survive_a_page_switch_and_go_into_the_links(app_db):
    at = open_page()
    at.sidebar.multiselect(key="w_parks").set_value([WF]).run()
    at.switch_page("pages/trends.py").run()
    assert not at.exception
    assert at.sidebar.multiselect(key="w_parks").value == [WF]
    assert [t["name"] for t in specs(at)[0]["data"] if t.get("type") == "scatter"] == [WF]
    link = at.sidebar.get("page_link")[1].proto
    assert (
        link.query_string  # the period in view is pinned too, though it is the default
        == "period=2024&parks=%E6%BD%8D%E5%9D%8A%E6%BB%A8%E6%B5%B7%E7%BB%8F%E6%B5%8E%E6%8A%80%E6%9C%AF%E5%BC%80%E5%8F%91%E5%8C%BA"
    )


def test_no_data_for_the_filters_shows_a_message(app_db):
    at = open_page(params={"parks": [WH], "family": "talent"})  # Weihai has no talent figure in any period
    assert [i.value for i in at.info] == [
        "当前筛选条件下没有数据：所选的园区、产业链、指标类别或数据性质在任何统计期都没有数据。请调整左侧的筛选条件。"
    ]
    assert not at.metric and not at.button


def test_weights_change_the_composite_index_and_the_url(app_db):
    at = open_page()
    before = specs(at)[0]
    at.number_input(key="w_weight_revenue").set_value(0.0).run()
    assert not at.exception
    assert specs(at)[0] != before
    assert "revenue:0" in at.query_params["weights"]


def test_script_park_name_is_text_never_html(app_db):
    at = open_page("pages/parks.py")
    assert not any(md.proto.allow_html for md in at.get("markdown"))
    # The table holds the name as a plain value; the sidebar offers it as a plain option.
    assert any(XSS in set(df.value.iloc[:, 0]) for df in at.dataframe)
    assert XSS in at.sidebar.multiselect(key="w_parks").options
    # Plotly reads tags in any text: charts carry it entity-escaped, never as markup.
    for spec in specs(at):
        assert "<script>" not in json.dumps(spec, ensure_ascii=False)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in specs(at)[0]["data"][0]["y"]


def test_chains_and_trends_show_their_data(app_db):
    at = open_page("pages/chains.py")
    heat = specs(at)[0]["data"][0]
    assert set(heat["x"]) == {"新材料", "高端装备", "海洋化工"}
    at.switch_page("pages/trends.py").run()
    lines = [t for t in specs(at)[0]["data"] if t.get("type") == "scatter"]
    assert lines[0]["x"] == ["2023年", "2024年"]


@pytest.fixture
def fresh_png_status():
    from ui.cache import png_status

    png_status.clear()
    yield
    png_status.clear()


def test_each_chart_offers_a_png_download_or_says_why_not(app_db, fresh_png_status, monkeypatch):
    from metrics.render import png_available

    at = open_page("pages/parks.py")
    png_buttons = [b for b in at.get("download_button") if b.proto.label == "下载图片 (PNG)"]
    assert len(png_buttons) == (4 if png_available()[0] else 0)

    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    from ui.cache import png_status

    png_status.clear()
    at = open_page("pages/parks.py")
    assert not [b for b in at.get("download_button") if b.proto.label == "下载图片 (PNG)"]
    reasons = [c.value for c in at.caption if c.value.startswith("此服务器无法导出图片")]
    assert len(reasons) == 4 and "BROWSER_PATH=/nonexistent/chromium" in reasons[0]
    # Tables still offer CSV and Excel.
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels.count("下载 CSV") == 1 and labels.count("下载 Excel") == 1


def test_every_page_runs_on_the_bundled_sample_data(db_path):
    at = open_page()  # an empty database: the first visit loads the sample
    assert len(at.metric) >= 10
    for page, charts in (
        ("pages/parks.py", 4),
        ("pages/chains.py", 3),
        ("pages/trends.py", 1),
        ("pages/upload.py", 0),
        ("pages/data.py", 0),
    ):
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
        assert not at.info or page == "pages/upload.py", (page, [i.value for i in at.info])
        assert len(at.get("plotly_chart")) == charts, page


def test_first_start_loads_the_sample_data_once(db_path):
    from metrics.store import Store

    at = open_page()
    assert len(at.metric) >= 10  # the sample covers every indicator family
    loads = Store(db_path).loads()
    assert set(loads["actor"]) == {"sample"} and len(loads) >= 2
    # Everything undone: the next visitor sees an empty database, not the sample again.
    for load_id in loads["load_id"]:
        Store(db_path).undo_load(int(load_id), actor="test")
    at = open_page()
    assert [i.value for i in at.info] == [
        "数据库中还没有数据。请在“数据上传”页导入 Excel 或 CSV 文件（可先下载空白模板）。"
    ]
    assert at.main.get("page_link")[0].proto.label == "数据上传"
    assert len(Store(db_path).loads()) == len(loads)


def test_chain_indicator_and_trend_language_follow_the_inputs(app_db):
    at = open_page("pages/chains.py")
    assert at.selectbox(key="w_ind").value == "revenue"
    at.selectbox(key="w_ind").select("national_platforms").run()
    assert [i.value for i in at.info] == ["当前统计期和园区没有分产业链的数据。"]  # no chain figures for it
    assert at.query_params["ind"] == "national_platforms"
    at.switch_page("pages/trends.py").run()  # the indicator goes along
    assert at.selectbox(key="w_ind").value == "national_platforms"
    at.sidebar.segmented_control(key="w_lang").set_value("en").run()
    lines = [t for t in specs(at)[0]["data"] if t.get("type") == "scatter"]
    assert lines[0]["x"] == ["2023", "2024"]
    assert at.caption[0].value.startswith("The axis holds only periods like the selected one (years)")


def test_garbage_in_the_url_falls_back_to_defaults(app_db):
    at = open_page(
        params={
            "lang": "fr",
            "period": "yesterday",
            "parks": ["nowhere", DY],
            "family": "bogus",
            "weights": "revenue:abc,unknown:3",
            "ind": "nope",
            "illus": "0",
        }
    )
    assert at.title[0].value == "总览"
    assert at.sidebar.selectbox(key="w_period").value == "2024"
    assert at.sidebar.multiselect(key="w_parks").value == [DY]
    assert at.sidebar.selectbox(key="w_family").value == "all"
    assert at.sidebar.toggle(key="w_illus").value is False
    # Reported figures only: Dongying's illustrative 走访企业 is left out, so the view says "reported".
    assert "走访企业（家）" not in metrics(at)
    assert any("均为报告数据" in md.value for md in at.markdown if "badge" in md.value)


def test_english_shows_catalog_parks_by_english_name_but_keeps_canonical_filters(app_db):
    en = {
        DY: "Dongying Economic and Technological Development Zone",
        WF: "Weifang Binhai Economic and Technological Development Zone",
    }
    at = open_page("pages/parks.py", params={"lang": "en"})
    at.sidebar.multiselect(key="w_parks").set_value([DY, WF]).run()
    assert not at.exception
    assert specs(at)[0]["data"][0]["y"] == [en[DY], en[WF]]
    assert at.query_params["parks"] == [DY, WF]  # the link works in both languages
    table = at.dataframe[0].value
    assert set(table["Park"]) == set(en.values())
    at.sidebar.segmented_control(key="w_lang").set_value("zh").run()
    assert specs(at)[0]["data"][0]["y"] == [DY, WF] and at.query_params["parks"] == [DY, WF]


def test_big_revenue_cards_read_in_yi_yuan(db_path):
    from app_data import Y2023, Y2024
    from parsed_factory import figure, parsed

    from metrics.store import Store

    figs = [figure(DY, "revenue", 39_715_876.0, period=Y2024), figure(DY, "revenue", 36_000_000.0, period=Y2023)]
    assert Store(db_path).load(parsed("big.xlsx", figs), actor="test").status == "loaded"
    at = open_page()
    cards = metrics(at)
    # 3,971.59亿元: the unit in the label, as on every card (a unit inside the value is cut in a narrow card).
    assert cards["营业收入（亿元）"][0] == "3,971.59" and cards["营业收入（亿元）"][1] == "+10.3%"
    revenue = next(m for m in at.metric if m.label == "营业收入（亿元）")
    assert revenue.proto.help.endswith(" = 39,715,876万元")  # the stored figure, exact, on hover
    at.sidebar.segmented_control(key="w_lang").set_value("en").run()
    assert metrics(at)["Operating revenue (bn CNY)"][0] == "397.16"
    at.switch_page("pages/trends.py").run()
    assert "bn CNY" in specs(at)[0]["layout"]["yaxis"]["title"]["text"]
    table = at.dataframe[0].value
    # The table (and its CSV/Excel, built from the same frame) is in the chart's unit, bn CNY, 2 decimals.
    assert "Value (bn CNY)" in table.columns and "397.16" in set(table["Value (bn CNY)"])
    assert 397.15876 in set(table["Value (raw) (bn CNY)"])


def test_exported_table_keeps_wan_yuan_and_stored_park_names():
    import pandas as pd

    from metrics.catalog import default_catalog
    from ui.widgets import export_frame

    df = pd.DataFrame({"park": [DY], "indicator": ["revenue"], "value": [39_715_876.0], "display": ["39,715,876"]})
    out = export_frame("en", default_catalog(), df, "万元")
    assert out["Value (raw) (10k CNY)"].tolist() == [39_715_876.0] and out["Park"].tolist() == [DY]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_trend_table_shows_a_dash_where_there_is_no_year_earlier_figure(app_db, lang):
    import math

    from ui.i18n import t

    at = open_page("pages/trends.py", params={"lang": lang})
    element = at.dataframe[0]
    table, on_screen = element.value, list(element.proto.column_order)
    prev = next(c for c in on_screen if c.startswith(t("col_prev_value", lang)))
    growth = t("col_growth_pct", lang)
    first = table[table[t("col_period_label", lang)] == ("2023年" if lang == "zh" else "2023")]
    later = table[table[t("col_period_label", lang)] == ("2024年" if lang == "zh" else "2024")]
    # 2023 is the first year: no previous figure, no growth; shown as the app's dash, never "None".
    assert set(first[prev]) == {"–"} and set(first[growth]) == {"–"}
    assert "1,000" in set(later[prev]) and "10.0" in set(later[growth])  # Dongying 1000 -> 1100
    for column in on_screen:
        assert not any(v is None or (isinstance(v, float) and math.isnan(v)) for v in table[column]), column


def test_english_shows_the_made_up_sample_parks_by_english_name(db_path):
    beiwan, beiwan_en = "北湾经济开发区", "Beiwan Economic Development Zone"
    at = open_page("pages/parks.py", params={"lang": "en"})  # an empty database: the sample is loaded
    ranking = specs(at)[0]["data"][0]["y"]
    assert beiwan_en in ranking
    assert not any("\u4e00" <= ch <= "\u9fff" for name in ranking for ch in name), ranking
    assert beiwan_en in set(at.dataframe[0].value["Park"])
    at.sidebar.multiselect(key="w_parks").set_value([beiwan]).run()  # the value stays the stored name
    assert not at.exception
    assert at.query_params["parks"] in (beiwan, [beiwan]) and set(at.dataframe[0].value["Park"]) == {beiwan_en}


def test_english_cards_carry_short_labels_and_the_full_name_on_hover(app_db):
    at = open_page(params={"lang": "en"})
    talents = next(m for m in at.metric if m.label == "National experts (persons)")
    assert talents.value == "~50"
    assert talents.proto.help.startswith("National talent-programme experts (persons): ")
    zh = next(m for m in open_page().metric if m.label == "国家级人才工程专家（名）")
    assert zh.proto.help.startswith("国家级人才工程专家（名）: ")
