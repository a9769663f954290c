"""Upload preview through AppTest: labels that match no indicator are mapped to one (an alias) or made new
indicators, the files are read again, loaded and undone."""

# ruff: noqa: F811  (app_db is a fixture imported from app_data and requested by name)
from __future__ import annotations

import pytest
from app_data import app_db, open_page, picker  # noqa: F401
from ingest_support import xlsx_bytes

from metrics.auth import PASSWORD_ENV
from metrics.store import Store

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Three labels no indicator matches (the way a park's finance office heads its own sheet).
THREE_UNKNOWN = xlsx_bytes(
    {
        "2024年": [
            ["园区财政与运输情况（2024年）"],
            ["园区", "年份", "主营收入(万元)", "地方财政教育支出(亿元)", "港口货物吞吐量(万吨)"],
            ["东营经开区", 2024, 1500, 1.5, 30],
            ["潍坊滨海区", 2024, 900, 2, 45],
            ["注：教育支出为一般公共预算口径。"],
        ]
    }
)


@pytest.fixture
def analyst(monkeypatch):
    from ui.auth import analyst_gate

    monkeypatch.setenv(PASSWORD_ENV, "park-secret")
    analyst_gate.clear()
    yield "park-secret"
    analyst_gate.clear()


def texts(at) -> str:
    return "\n".join(
        str(e.value)
        for kind in ("markdown", "caption", "text", "info", "warning", "error", "success")
        for e in at.get(kind)
        if hasattr(e, "value")
    )


def uploaded(params=None):
    at = open_page("pages/upload.py", params)
    uploader = next(w for w in at.get("file_uploader") if w.key.startswith("upload_files"))
    uploader.upload("园区财政.xlsx", THREE_UNKNOWN, XLSX).run()
    assert not at.exception, at.exception
    return at


def radios(at) -> dict[str, object]:
    """The choice of each label, by the label's proposed name (the widget keys hash it)."""
    return {r.key: r for r in at.radio if r.key.startswith("map_")}


def test_viewers_see_the_unmatched_labels_listed(app_db):
    at = uploaded()
    shown = texts(at)
    assert "3 个标签不是目录中的指标" in shown and "分析员登录后可在此对应或新建指标" in shown
    table = next(df.value for df in at.dataframe if "标签" in df.value.columns)
    assert list(table["作为指标名"]) == ["主营收入", "地方财政教育支出", "港口货物吞吐量"]
    assert list(table["单位"]) == ["万元", "万元", "万吨"]
    assert "园区财政.xlsx · 2024年 · C2" in table["位置"].iloc[0]
    assert not radios(at)


def test_map_one_create_one_load_and_undo(app_db, analyst):
    at = uploaded()
    at.text_input(key="analyst_password").input(analyst)
    at.button(key="analyst_login_submit").click().run()
    assert not at.exception, at.exception
    assert at.button(key="load_all").disabled  # nothing in the file is an indicator yet
    choice = radios(at)
    assert len(choice) == 3
    first, second, _third = choice.values()  # in the order of the file's columns
    first.set_value("alias").run()
    at.selectbox(key=first.key.replace("_action", "_to")).set_value("revenue").run()
    second.set_value("new").run()
    assert at.text_input(key=second.key.replace("_action", "_name")).value == "地方财政教育支出"
    assert at.text_input(key=second.key.replace("_action", "_unit")).value == "万元"
    at.button(key="map_apply").click().run()
    assert not at.exception, at.exception
    assert "已更新指标目录" in texts(at) and "主营收入 → 营业收入" in texts(at)

    store = Store(app_db)
    new = store.catalog.match_indicator("地方财政教育支出")
    assert new.id.startswith("x_") and new.unit == "万元" and new.category == "custom"
    assert store.catalog.match_indicator("主营收入").id == "revenue"  # for every later file too
    # The preview was computed again: four figures of the two indicators, one label left.
    assert "1 个标签不是目录中的指标" in texts(at)
    preview = next(df.value for df in at.dataframe if "状态" in df.value.columns)  # every figure, as a diff
    assert sorted(set(preview["指标"])) == sorted({"营业收入", "地方财政教育支出"})
    assert "15,000" in set(preview["导入的数值"])

    at.button(key="load_all").click().run()
    assert not at.exception, at.exception
    assert any("园区财政.xlsx：已导入 4 条数据" in s.value for s in at.success), texts(at)
    figures = store.query("SELECT indicator, value FROM observations WHERE load_id = 2 ORDER BY indicator, value")
    assert sorted(figures["indicator"].unique()) == sorted(["revenue", new.id])
    assert set(figures[figures["indicator"] == new.id]["value"]) == {15000.0, 20000.0}  # 亿元 -> 万元

    # The added indicator is shown on the overview in its own family.
    at.switch_page("dashboard.py").run()
    at.selectbox(key="w_family").set_value("custom").run()
    assert not at.exception, at.exception
    assert any(m.label.startswith("地方财政教育支出") for m in at.metric)

    at.switch_page("pages/data.py").run()
    picker(at, "undo_pick").set_value(2).run()
    at.button(key="undo_button").click().run()
    at.button(key="undo_confirm").click().run()  # undo asks first
    assert not at.exception, at.exception
    assert store.query("SELECT count(*) AS n FROM observations WHERE load_id = 2")["n"][0] == 0
    changes = store.catalog_changes()
    assert list(changes["action"]) == ["alias", "add"]  # the catalog changes stay, each revertible


# A park's own monthly sheet: no park column and no 填报单位 line, so the file never says whose figures.
NO_PARK = xlsx_bytes({"Sheet1": [["月度统计报表"], ["年份", "营业收入(万元)", "规上工业企业数(家)"], [2024, 1500, 30]]})


def test_set_the_park_the_file_does_not_state_then_load_and_undo(app_db, analyst):
    at = open_page("pages/upload.py")
    uploader = next(w for w in at.get("file_uploader") if w.key.startswith("upload_files"))
    uploader.upload("月报.xlsx", NO_PARK, XLSX).run()
    assert "没有任何工作表含有“园区”等表头" in texts(at)  # rejected with the reason, nothing guessed
    at.text_input(key="ctx_park").input("东营经开区").run()
    assert not at.exception, at.exception
    preview = next(df.value for df in at.dataframe if "状态" in df.value.columns)
    assert set(preview["园区"]) == {"东营经济技术开发区"} and len(preview) == 2
    # A period the file contradicts: a row error naming both, not a silent override.
    at.text_input(key="ctx_period").input("2023").run()
    assert "发现 1 处错误" in texts(at)
    errors = next(df.value for df in at.dataframe if "问题" in df.value.columns)
    assert "时期“2024年”与指定的时期“2023年”不同" in errors["问题"].iloc[0]
    at.text_input(key="ctx_period").input("").run()
    at.text_input(key="analyst_password").input(analyst)
    at.button(key="analyst_login_submit").click().run()
    at.button(key="load_all").click().run()
    assert not at.exception, at.exception
    assert any("月报.xlsx：已导入 2 条数据" in s.value for s in at.success), texts(at)
    store = Store(app_db)
    assert (
        store.query("SELECT count(*) AS n FROM observations WHERE load_id = 2 AND park = '东营经济技术开发区'")["n"][0]
        == 2
    )
    at.switch_page("pages/data.py").run()
    picker(at, "undo_pick").set_value(2).run()
    at.button(key="undo_button").click().run()
    at.button(key="undo_confirm").click().run()  # undo asks first
    assert store.query("SELECT count(*) AS n FROM observations WHERE load_id = 2")["n"][0] == 0
