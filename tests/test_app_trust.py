"""Issue 10 through AppTest: the upload preview as a diff (confirmation, warnings, corrections, every
valid cell) and the data page's undo and restore that ask first; each checked in the database too."""

# ruff: noqa: F811  (app_db is a fixture imported from app_data and requested by name)
from __future__ import annotations

import json

import pytest
from app_data import DY, WF, app_db, open_page, picker, seed_replacement  # noqa: F401
from ingest_support import xlsx_bytes
from test_app_upload import XLSX, analyst, sign_in, texts, uploader  # noqa: F401

from metrics.store import Store

HEADER = ["园区", "年份", "营业收入(万元)", "国家级创新平台(家)", "满意度(%)"]


def book(*rows) -> bytes:
    return xlsx_bytes({"2024年": [HEADER, *rows]})


def stored(db, park: str, indicator: str):
    frame = Store(db).observations_frame()
    hit = frame[
        (frame["park"] == park)
        & (frame["indicator"] == indicator)
        & frame["chain"].isna()
        & (frame["period_start"].astype(str) == "2024-01-01")
    ]
    return None if hit.empty else float(hit["value"].iloc[0])


def figures_table(at):
    return next(df.value for df in at.dataframe if "状态" in df.value.columns or "Status" in df.value.columns)


def test_replacing_a_cited_figure_by_an_uncited_one_needs_a_confirmation(app_db, analyst):
    seed_replacement(Store(app_db))  # DY revenue 2024 = 1200 with 出处 年报第3页
    at = open_page("pages/upload.py")
    uploader(at).upload("update.xlsx", book([DY, 2024, 1300, 12, None], ["新园区甲", 2024, 10, 1, None]), XLSX).run()
    assert not at.exception, at.exception
    counts = {m.label: m.value for m in at.metric}
    assert (counts["替换现有数据"], counts["新增数据"], counts["与现有数据相同"]) == ("1", "2", "1")
    table = figures_table(at)
    first = table.iloc[0]  # replaced first
    assert (first["状态"], first["园区"], first["导入的数值"], first["现有数值（将被替换）"]) == (
        "替换现有数据",
        DY,
        "1,300",
        "1,200",
    )
    assert (first["现有出处"], first["现有来源"], first["现有数据性质"]) == (
        "年报第3页",
        "replacement.xlsx!Sheet1!2",
        "报告",
    )
    assert "有 1 条有出处或属于报告数据的现有数据" in texts(at)
    sign_in(at, analyst)
    assert at.button(key="load_all").disabled and at.button(key="load_valid").disabled
    assert "请先在上方确认替换有出处的数据。" in texts(at)
    [confirm] = [c for c in at.checkbox if c.key.startswith("confirm_uncited_")]
    assert "这 1 条" in confirm.label
    confirm.check().run()
    assert not at.button(key="load_all").disabled
    at.button(key="load_all").click().run()
    assert not at.exception, at.exception
    assert stored(app_db, DY, "revenue") == 1300


def test_plausibility_warnings_are_shown_and_kept_with_the_load(app_db, analyst):
    at = open_page("pages/upload.py")
    slips = book([DY, 2024, 1150, 12, 195], ["示例园区", 2024, 10, 1, 90], ["东营经开", 2024, 5, 1, 90])
    uploader(at).upload("slips.xlsx", slips, XLSX).run()
    assert not at.exception, at.exception
    assert "合理性检查发现 3 处可疑" in texts(at)
    [warnings] = [df.value for df in at.dataframe if "问题" in df.value.columns and "更正为" not in df.value.columns]
    assert list(warnings["行"]) == [2, 3, 4]
    assert "满意度 195%" in warnings["问题"].iloc[0] and "示例行" in warnings["问题"].iloc[1]
    assert "只差一个字" in warnings["问题"].iloc[2]
    sign_in(at, analyst)
    at.button(key="load_all").click().run()  # the analyst may load anyway
    assert not at.exception, at.exception
    record = json.loads(Store(app_db).loads()["report_json"].iloc[0])
    assert [w["row"] for w in record["warnings"]] == [2, 3, 4]

    at.switch_page("pages/data.py").run()
    assert not at.exception, at.exception
    assert at.selectbox(key="notes_pick").value == 2
    shown = [df.value for df in at.dataframe if "问题" in df.value.columns]
    assert shown and "满意度 195%" in shown[0]["问题"].iloc[0]


def test_a_bad_cell_corrected_in_the_preview_is_loaded_and_recorded(app_db, analyst):
    at = open_page("pages/upload.py")
    uploader(at).upload("typo.xlsx", book(["新园区乙", 2024, "12..3", 3, 90]), XLSX).run()
    [editor] = at.data_editor
    assert list(editor.value["内容"]) == ["12..3"]
    sign_in(at, analyst)
    assert at.button(key="load_all").disabled
    at.session_state[editor.key] = {"edited_rows": {0: {"更正为": "1,250"}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception, at.exception
    assert "已更正 1 个单元格" in texts(at)
    assert not at.button(key="load_all").disabled  # no error left
    at.button(key="load_all").click().run()
    assert not at.exception, at.exception
    assert stored(app_db, "新园区乙", "revenue") == 1250 and stored(app_db, "新园区乙", "satisfaction") == 90
    [correction] = json.loads(Store(app_db).loads()["report_json"].iloc[0])["corrections"]
    assert (correction["original"], correction["corrected"]) == ("12..3", "1,250")
    assert correction["by"].startswith("analyst@")  # who: the signed-in analyst and session


def test_an_invalid_correction_is_named_and_nothing_changes(app_db, analyst):
    at = open_page("pages/upload.py", {"lang": "en"})
    uploader(at).upload("typo.xlsx", book(["新园区乙", 2024, "12..3", 3, 90]), XLSX).run()
    [editor] = at.data_editor
    at.session_state[editor.key] = {
        "edited_rows": {0: {"Correct to": "still wrong"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    assert any("correction 'still wrong': not a number" in e.value for e in at.error), texts(at)


def test_load_every_valid_cell_keeps_the_rows_other_figures(app_db, analyst):
    at = open_page("pages/upload.py")
    uploader(at).upload("typo.xlsx", book(["新园区乙", 2024, "12..3", 3, 90], ["新园区丙", 2024, 7, 1, 80]), XLSX).run()
    sign_in(at, analyst)
    at.button(key="load_cells").click().run()
    assert not at.exception, at.exception
    assert stored(app_db, "新园区乙", "national_platforms") == 3 and stored(app_db, "新园区乙", "revenue") is None
    assert stored(app_db, "新园区丙", "revenue") == 7


def test_every_figure_of_a_long_file_is_reachable_by_page_and_filter(app_db):
    rows = [[f"园区{i:03d}", 2024, 100 + i, i % 7, 90] for i in range(150)]
    at = open_page("pages/upload.py")
    uploader(at).upload("long.xlsx", book(*rows), XLSX).run()
    assert "文件中的全部 450 个数值" in texts(at) and "第 1–200 条，共 450 条" in texts(at)
    [page] = [n for n in at.number_input if n.key.startswith("diff_page_")]
    page.set_value(3).run()
    assert "第 401–450 条，共 450 条" in texts(at) and len(figures_table(at)) == 50
    [parks] = [m for m in at.multiselect if m.key.startswith("diff_park_")]
    parks.set_value(["园区149"]).run()
    assert list(figures_table(at)["园区"]) == ["园区149"] * 3


def test_undo_asks_first_then_nothing_stays_selected(app_db, analyst):
    seed_replacement(Store(app_db))  # load 2 replaced DY revenue 2024 (1100 -> 1200)
    at = open_page("pages/data.py")
    sign_in(at, analyst)
    assert picker(at, "undo_pick").value is None and at.button(key="undo_button").disabled
    picker(at, "undo_pick").select_index(0).run()
    at.button(key="undo_button").click().run()
    assert not at.exception, at.exception
    assert "撤销导入 #2（文件 replacement.xlsx）将移除 1 条数据，恢复 1 条被它替换的旧值。" in texts(at)
    assert stored(app_db, DY, "revenue") == 1200  # nothing undone yet
    at.button(key="undo_cancel").click().run()
    assert "将移除" not in texts(at) and stored(app_db, DY, "revenue") == 1200

    at.button(key="undo_button").click().run()
    at.button(key="undo_confirm").click().run()
    assert not at.exception, at.exception
    assert at.success[0].value.startswith("已撤销导入 #2")
    assert stored(app_db, DY, "revenue") == 1100
    assert list(Store(app_db).loads()["status"]) == ["undone", "loaded"]
    # The same button under the same mouse does nothing now: a new choice is needed, in a new picker
    # (a new key: the browser would otherwise keep showing the old choice).
    assert picker(at, "undo_pick").key == "undo_pick_1"
    assert picker(at, "undo_pick").value is None and at.button(key="undo_button").disabled
    assert picker(at, "undo_pick").options == ["#1 · fixture.xlsx"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_undo_confirmation_is_in_the_chosen_language(app_db, analyst, lang):
    at = open_page("pages/data.py", {"lang": lang})
    sign_in(at, analyst)
    picker(at, "undo_pick").select_index(0).run()
    at.button(key="undo_button").click().run()
    expected = "removes 27 figures and brings back 0" if lang == "en" else "将移除 27 条数据，恢复 0 条"
    assert expected in texts(at)
