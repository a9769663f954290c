"""Upload and data pages through AppTest: report before storing, analyst login, load, undo, restore."""

# ruff: noqa: F811  (app_db is a fixture imported from app_data and requested by name)
from __future__ import annotations

import json

import pytest
from app_data import DY, app_db, open_page, picker  # noqa: F401
from ingest_support import xlsx_bytes
from streamlit.testing.v1 import AppTest

from metrics.auth import PASSWORD_ENV

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NEW_PARK = "青岛新区示范园"


def workbook(rows: list[list]) -> bytes:
    return xlsx_bytes({"2024年": [["园区", "年份", "营业收入(万元)", "国家级创新平台(家)", "备注"], *rows]})


GOOD = workbook([[NEW_PARK, 2024, 1500, "20余", ""], [DY, 2024, 1150, 12, "同上"]])
WITH_ERROR = workbook([[NEW_PARK, 2024, 1500, "20余", ""], ["坏数据园", 2024, "12..3", 3, ""]])


@pytest.fixture
def analyst(monkeypatch):
    from ui.auth import analyst_gate

    monkeypatch.setenv(PASSWORD_ENV, "park-secret")
    analyst_gate.clear()  # a fresh gate reads the password above
    yield "park-secret"
    analyst_gate.clear()


def upload_page(params: dict | None = None) -> AppTest:
    return open_page("pages/upload.py", params)


def uploader(at):
    return next(w for w in at.get("file_uploader") if w.key.startswith("upload_files"))


def sign_in(at, password: str) -> None:
    at.text_input(key="analyst_password").input(password)
    at.button(key="analyst_login_submit").click().run()
    assert not at.exception, at.exception


def texts(at) -> str:
    return "\n".join(
        str(e.value)
        for kind in ("markdown", "caption", "text", "info", "warning", "error", "success")
        for e in at.get(kind)
        if hasattr(e, "value")
    )


def test_upload_shows_limits_and_template(app_db):
    at = upload_page()
    assert "每个文件 50 MB，每次最多 20 个文件" in texts(at)
    labels = [b.proto.label for b in at.get("download_button")]
    assert "下载空白模板 (Excel)" in labels


def test_preview_and_report_before_storing_then_load_valid_rows(app_db, analyst):
    at = upload_page()
    uploader(at).upload("园区数据.xlsx", WITH_ERROR, XLSX).run()
    assert not at.exception, at.exception
    shown = texts(at)
    assert "园区数据.xlsx" in shown and "发现 1 处错误" in shown
    errors, fixes, figures = [df.value for df in at.dataframe]
    assert list(figures.columns) == [
        "状态",
        "园区",
        "产业链",
        "统计期",
        "指标",
        "导入的数值",
        "现有数值（将被替换）",
        "单位",
        "现有出处",
        "出处",
        "现有数据性质",
        "数据性质",
        "来源",
        "现有来源",
        "所在行有错误",
    ]
    row = figures[figures["来源"] == "园区数据.xlsx · 工作表 2024年 · 第2行"].iloc[
        1
    ]  # stored as 园区数据.xlsx!2024年!2
    assert row[["状态", "园区", "产业链", "统计期", "指标", "导入的数值", "单位", "数据性质"]].tolist() == [
        "新增数据",
        NEW_PARK,
        "园区整体",
        "2024年",
        "国家级创新平台",
        "20余",
        "家",
        "报告",
    ]
    # The bad row's valid cell is listed, marked as loaded only with "load every valid cell".
    assert figures[figures["所在行有错误"]]["园区"].tolist() == ["坏数据园"]
    assert list(fixes["更正为"]) == [""]
    assert errors.iloc[0]["内容"] == "12..3" and errors.iloc[0]["列"] == "营业收入(万元)"
    assert errors.iloc[0]["行"] == 3
    assert "备注" in shown  # ignored column named
    # Nothing stored yet: the parks page does not know the new park.
    assert not at.get("button") or all(b.key != "load_all" for b in at.button)

    sign_in(at, analyst)
    assert at.button(key="load_all").disabled  # a file with errors cannot be loaded as a whole
    at.button(key="load_valid").click().run()
    assert not at.exception, at.exception
    assert any("已导入 2 条数据（其中替换 0 条，跳过有错误的行 1 行）" in s.value for s in at.success), texts(at)

    at.switch_page("pages/parks.py").run()
    assert NEW_PARK in at.sidebar.multiselect(key="w_parks").options
    ranking = json.loads(at.get("plotly_chart")[0].proto.spec)["data"][0]
    assert NEW_PARK in ranking["y"]


def test_clean_file_loads_as_a_whole_in_english(app_db, analyst):
    at = upload_page({"lang": "en"})
    uploader(at).upload("parks.xlsx", GOOD, XLSX).run()
    assert "All 4 figures of the file (replacements first)" in texts(at)
    assert {m.label: m.value for m in at.metric}["New parks"] == "1"
    sign_in(at, analyst)
    at.button(key="load_all").click().run()
    assert not at.exception
    assert any("parks.xlsx: 4 figures loaded (1 replaced" in s.value for s in at.success), texts(at)


def test_too_many_files_are_refused(app_db, monkeypatch):
    monkeypatch.setenv("PARKDASH_MAX_FILES", "1")
    at = upload_page()
    uploader(at).set_value([("a.xlsx", GOOD, XLSX), ("b.xlsx", GOOD, XLSX)]).run()
    assert [e.value for e in at.error] == ["一次选择了 2 个文件，最多允许 1 个。请分批上传。"]
    assert not at.dataframe


def test_data_page_lists_loads_and_undoes_and_restores(app_db, analyst):
    from app_data import seed_replacement

    from metrics.store import Store

    seed_replacement(Store(app_db))
    at = open_page("pages/data.py", {"parks": [DY], "family": "revenue_growth"})
    loads = at.dataframe[0].value
    assert list(loads["文件"]) == ["replacement.xlsx", "fixture.xlsx"]
    assert DY in at.selectbox(key="figure_pick").options[0]
    detail = at.dataframe[1].value
    assert "replacement.xlsx · 工作表 Sheet1 · 第2行" in set(detail["内容"])  # the stored replacement.xlsx!Sheet1!2
    assert "年报第3页" in set(detail["内容"])
    history = at.dataframe[2].value
    assert list(history["数值（原始）"]) == [1100.0]

    sign_in(at, analyst)
    picker(at, "restore_pick").select_index(0).run()
    at.button(key="restore_button").click().run()
    assert "恢复旧值 #1（1,100，来自文件 fixture.xlsx）将移除 1 条当前数据（1,200），恢复 1 条旧值" in texts(at)
    at.button(key="restore_confirm").click().run()
    assert not at.exception, at.exception
    assert [s.value for s in at.success] == ["已恢复历史值 #1。"]
    assert "1,100万元" in set(at.dataframe[1].value["内容"])
    assert current_revenue(app_db) == 1100.0  # the database holds it, not only the message
    assert picker(at, "restore_pick").value is None  # nothing preselected for the next restore

    picker(at, "undo_pick").set_value(2).run()  # the restore (#3) is listed first: undo the load
    at.button(key="undo_button").click().run()
    at.button(key="undo_confirm").click().run()
    assert not at.exception, at.exception
    assert at.success[0].value.startswith("已撤销导入 #2")
    audit = at.dataframe[-1].value
    assert list(audit["操作"])[:3] == ["撤销", "恢复", "导入"]
    store = Store(app_db)
    assert dict(zip(store.loads()["load_id"], store.loads()["status"], strict=True))[2] == "undone"
    # The restore came after load #2 and is not undone: the restored 1100 stays; load #1's figures are whole.
    assert current_revenue(app_db) == 1100.0
    assert "1200.0" not in set(store.observations_frame()["value"].astype(str))
    assert len(store.observations_frame()) == 27


def current_revenue(db) -> float:
    from metrics.store import Store

    rows = Store(db).query(
        "SELECT value FROM observations WHERE park = $park AND chain IS NULL AND indicator = 'revenue' "
        "AND period_end = DATE '2024-12-31'",
        {"park": DY},
    )
    assert len(rows) == 1, rows
    return float(rows["value"].iloc[0])


def test_a_file_name_with_markup_is_shown_as_text(app_db):
    at = upload_page()
    name = "<i>[点我](javascript:alert(1))<i>.csv"
    uploader(at).upload(name, b"\x00\x01\x02 not a table", "text/csv").run()
    assert not at.exception, at.exception
    assert name in [e.value for e in at.text]  # plain text element
    refused = [e.value for e in at.error]
    assert len(refused) == 1 and refused[0].startswith("无法读取此文件：")
    assert "<i>" not in refused[0] and "](javascript" not in refused[0]  # markdown-escaped if echoed at all
    assert not any(md.proto.allow_html for md in at.get("markdown"))


@pytest.mark.parametrize("lang, whole, unit", [("zh", "园区整体", "万元"), ("en", "whole park", "10k CNY")])
def test_preview_names_whole_park_figures_and_units_in_the_chosen_language(app_db, lang, whole, unit):
    at = upload_page({"lang": lang})
    uploader(at).upload("parks.xlsx", GOOD, XLSX).run()
    preview = at.dataframe[-1].value
    chain, unit_col = ("产业链", "单位") if lang == "zh" else ("Chain", "Unit")
    assert set(preview[chain]) == {whole}  # a missing chain is the whole park, never "None"
    assert unit in set(preview[unit_col])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_figure_given_twice_is_named_before_loading(app_db, lang):
    twice = workbook([[NEW_PARK, 2024, 1500, 20, ""], [NEW_PARK, 2024, 1600, 20, "更正"]])
    at = upload_page({"lang": lang})
    uploader(at).upload("twice.xlsx", twice, XLSX).run()
    assert not at.exception, at.exception
    [notice] = at.warning
    expected = "有 2 条数据在文件中出现了两次" if lang == "zh" else "2 figures appear twice in the file"
    differing = "其中 1 条数值不同" if lang == "zh" else "1 of them"
    assert expected in notice.value and differing in notice.value
    dropped, kept = ("较早的位置", "较晚的位置") if lang == "zh" else ("Earlier at", "Later at")
    [listed] = [df.value for df in at.dataframe if dropped in df.value.columns]
    row = ("twice.xlsx · 工作表 2024年 · 第{}行" if lang == "zh" else "twice.xlsx · sheet 2024年 · row {}").format
    revenue = listed[listed[dropped] == row(2)]  # stored as twice.xlsx!2024年!2
    assert revenue.shape[0] == 2 and set(revenue[kept]) == {row(3)}
    differ = "数值不同" if lang == "zh" else "Values differ"
    assert sorted(listed[differ]) == [False, True]
