"""Upload page, figures from report text (ui/text_review.py) through AppTest: paste a report, review the
candidates (accept, edit a value, reject), load them, find them stored with their sentence, undo the load."""

# ruff: noqa: F811  (app_db is a fixture imported from app_data and requested by name)
from __future__ import annotations

import pytest
from app_data import app_db, open_page  # noqa: F401

from metrics.auth import PASSWORD_ENV
from metrics.store import Store

REPORT = """西湾临港经济技术开发区2024年工作总结
今年以来，西湾临港经济技术开发区（以下简称“西湾区”）扎实推进企业服务。
西湾区累计走访企业312家，帮助企业解决问题86个，组建企业服务队5支。
西湾区建成人才公寓4处。
"""
PARK = "西湾临港经济技术开发区"


@pytest.fixture
def analyst(monkeypatch):
    from ui.auth import analyst_gate

    monkeypatch.setenv(PASSWORD_ENV, "park-secret")
    analyst_gate.clear()
    yield "park-secret"
    analyst_gate.clear()


def editor(at):
    [table] = [e for e in at.data_editor if e.key and e.key.startswith("tr_editor_")]
    return table


def current(db) -> dict:
    frame = Store(db).observations_frame()
    mine = frame[frame["park"] == PARK]
    return {row.indicator: (row.value, row.source, row.reference, row.basis) for row in mine.itertuples()}


def test_paste_review_load_and_undo(app_db, analyst):
    at = open_page("pages/upload.py")
    at.text_input(key="tr_name_0").input("西湾日报 2024-10-12")
    at.text_area(key="tr_paste_0").input(REPORT).run()
    assert not at.exception, at.exception
    table = editor(at).value
    assert list(table.columns[:6]) == ["采用", "指标", "数值（原始）", "限定", "原句", "园区"]
    assert list(table["指标"]) == ["走访企业", "解决问题", "企业服务队", ""]
    assert list(table["采用"]) == [True, True, True, False]  # 人才公寓 has no indicator: listed, not accepted
    assert table["所计之物"].iloc[3] == "建成人才公寓"
    assert "【312家】" in table["原句"].iloc[0] and set(table["统计期"][:3]) == {"2024年"}
    assert "报告年份：2024（从文中推断" in "\n".join(c.value for c in at.caption)
    links = [link.proto for link in at.get("page_link")]
    assert any(p.page == "catalog" and "新建指标" in p.label for p in links)  # for 人才公寓

    # reject 企业服务队, correct 解决问题 86 -> 96, then sign in and load
    at.session_state[editor(at).key] = {
        "edited_rows": {1: {"数值（原始）": 96}, 2: {"采用": False}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    assert not at.exception, at.exception
    at.text_input(key="analyst_password").input(analyst)
    at.button(key="analyst_login_submit").click().run()
    assert not at.exception, at.exception
    load = at.button(key="tr_load")
    assert load.label == "导入采用的 2 个数字"
    load.click().run()
    assert not at.exception, at.exception
    assert any("已导入 2 个数字" in s.value for s in at.success), [s.value for s in at.success]

    stored = current(app_db)
    assert set(stored) == {"enterprises_visited", "problems_solved"}
    value, source, reference, basis = stored["problems_solved"]
    assert (value, basis) == (96.0, "reported")
    assert source == "西湾日报 2024-10-12!!段3"
    assert reference.startswith("西湾日报 2024-10-12!!段3「") and "解决问题86个" in reference

    at.button(key="tr_undo").click().run()
    assert not at.exception, at.exception
    assert any(s.value.startswith("已撤销导入") for s in at.success)
    assert current(app_db) == {}


def test_without_sign_in_nothing_is_stored_and_english_is_complete(app_db):
    at = open_page("pages/upload.py", {"lang": "en"})
    at.text_area(key="tr_paste_0").input("今年以来，东营经开区走访企业45家。").run()
    assert not at.exception, at.exception
    table = editor(at).value
    assert list(table.columns[:6]) == ["Accept", "Indicator", "Value (raw)", "Qualifier", "Sentence", "Park"]
    assert table["Indicator"].iloc[0] == "Enterprises visited"
    assert "The text names no year" in "\n".join(w.value for w in at.warning)
    assert not [b for b in at.button if b.key == "tr_load"]  # not signed in: the login form, no load button
    assert at.text_input(key="analyst_password")


def test_unreadable_report_file_is_refused_with_reason(app_db):
    at = open_page("pages/upload.py")
    [up] = [u for u in at.get("file_uploader") if u.key == "tr_file_0"]
    up.upload("报告.docx", b"not a word file", "application/octet-stream").run()
    assert not at.exception, at.exception
    assert any("文件已损坏或不完整" in e.value for e in at.error), [e.value for e in at.error]
    assert not [e for e in at.data_editor if e.key and e.key.startswith("tr_editor_")]
