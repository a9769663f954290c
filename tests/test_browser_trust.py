"""Issue 10 in a real browser: the session of a new analyst that the issue describes, each slip caught or
shown before loading, a bad cell corrected in the preview, and an undo that asks first and leaves nothing
selected. Harness (server, Playwright with Debian chromium) from tests/test_browser.py; screenshots of
each step go to /tmp/shots/ for people to look at."""

# ruff: noqa: F811  (fixtures imported from test_browser and requested by name)
from __future__ import annotations

import re
from pathlib import Path

from openpyxl import Workbook
from test_browser import (  # noqa: F401
    PASSWORD,
    TIMEOUT_MS,
    browser,
    goto_page,
    i18n,
    i18n_auth,
    new_page,
    pytestmark,
    server,
    shots,
    wait_ready,
)

from metrics.store import Store
from metrics.template import EXAMPLE_PARK


def slips_workbook(path: Path) -> Path:
    """The slips of the issue's session, against the bundled sample: the template's example row, revenue
    typed in 万元 under a 亿元 habit, a satisfaction of 195 %, a park name one character short, published
    figures with their 出处 replaced by uncited ones, and a typo in a row of good figures."""
    wb = Workbook()
    ws = wb.active
    ws.title = "2025年"
    ws.append(["园区", "统计期", "营业收入(万元)", "满意度(%)", "国家级创新平台(家)", "培训场次(场)"])
    ws.append([EXAMPLE_PARK["zh"], "2025年", 1250000, 96.5, 3, 40])
    ws.append(["东营经开区", "2025年", 1650, 195, 9, 160])  # 2024 in the sample: 8,882,321 万元
    ws.append(["东营经开区", "2023年", None, None, 9, 153])  # the sample's 2023 figures have a 出处
    ws.append(["东营经开", "2025年", 10, 90, 1, 5])
    ws.append(["威海南海新区", "2025年", "12..3", 92, 4, 30])
    wb.save(path)
    return path


def sign_in(page) -> None:
    page.get_by_label(i18n_auth("password", "zh")).fill(PASSWORD)
    page.get_by_role("button", name=i18n_auth("submit", "zh")).click()
    page.get_by_text(i18n_auth("signed_in", "zh").split("{")[0]).first.wait_for(timeout=TIMEOUT_MS)
    wait_ready(page, chart=False)


def test_a_new_analysts_slips_are_caught_before_loading_and_undo_asks_first(server, new_page, shots, tmp_path):
    page = new_page()
    goto_page(page, server, "", chart=True)  # first visit fills the empty database with the sample
    goto_page(page, server, "upload", chart=False)
    page.locator('[data-testid="stFileUploader"] input[type="file"]').first.set_input_files(
        str(slips_workbook(tmp_path / "园区数据.xlsx"))
    )
    page.get_by_text("合理性检查发现 4 处可疑").wait_for(timeout=TIMEOUT_MS)
    wait_ready(page, chart=False)
    shots(page, "trust_1_report", keep=True)
    body = page.locator('[data-testid="stMain"]').inner_text()
    assert "有 2 条有出处或属于报告数据的现有数据，将被没有出处（或示意）的数据替换" in body
    for shown in ("替换现有数据", "文件中的全部 17 个数值", "1 个数值单元格无法识别"):
        assert shown in body, shown
    warnings = page.locator('[data-testid="stDataFrame"]').filter(has_text="满意度")
    warnings.first.scroll_into_view_if_needed()
    shots(page, "trust_2_warnings_and_diff", keep=True)

    sign_in(page)
    load = page.get_by_role("button", name=i18n("load", "zh"), exact=True)
    assert load.is_disabled()  # a bad cell, and the replacement of cited figures unconfirmed

    # Correct the typo in the editable table of bad cells (its last column, "更正为").
    editor = page.locator('[data-testid="stDataFrame"]').filter(has_text="12..3").last
    editor.scroll_into_view_if_needed()
    box = editor.bounding_box()
    page.mouse.dblclick(box["x"] + box["width"] - 40, box["y"] + 36 + 17)
    entry = page.locator("textarea.gdg-input, input.gdg-input").first
    entry.wait_for(timeout=TIMEOUT_MS)
    entry.fill("1,923,400")  # near the 1,817,767 万元 of 2024: no new warning
    page.keyboard.press("Enter")
    page.get_by_text("已更正 1 个单元格").wait_for(timeout=TIMEOUT_MS)
    wait_ready(page, chart=False)
    assert load.is_disabled()  # still: the confirmation
    page.get_by_text("我确认用没有出处的数据替换这 2 条有出处的数据").click()
    wait_ready(page, chart=False)
    assert not load.is_disabled()
    load.scroll_into_view_if_needed()
    shots(page, "trust_3_confirmed", keep=True)
    load.click()
    page.locator('[data-testid="stAlertContentSuccess"]').first.wait_for(timeout=TIMEOUT_MS)
    wait_ready(page, chart=False)
    assert "已导入 18 条数据（其中替换 2 条" in page.locator('[data-testid="stAlertContentSuccess"]').first.inner_text()
    store = Store(server.db)
    [record] = [r for r in store.loads().itertuples() if r.file_name == "园区数据.xlsx"]
    assert '"corrected": "1,923,400"' in record.report_json and '"warnings": [{' in record.report_json

    goto_page(page, server, "data", chart=False)
    sign_in(page)
    notes = page.locator('[data-testid="stSelectbox"]').filter(has_text=i18n("notes_pick", "zh"))
    assert re.fullmatch(
        r"#\d+ · 园区数据\.xlsx · 提醒 4 条 · 更正 1 个", notes.locator('input[role="combobox"]').input_value()
    )
    undo = page.get_by_role("button", name=i18n("undo", "zh"))
    assert undo.is_disabled()  # nothing preselected
    page.locator('[data-testid="stSelectbox"]').filter(has_text=i18n("undo_pick", "zh")).click()
    page.locator('[role="option"]').filter(has_text="园区数据.xlsx").click()
    wait_ready(page, chart=False)
    undo.click()
    # The analyst's load is the newest (the sample's files came first).
    loaded = int(store.loads().query("file_name == '园区数据.xlsx'")["load_id"].max())
    question = page.get_by_text(f"撤销导入 #{loaded}（文件 园区数据.xlsx）将移除 18 条数据，恢复 2 条被它替换的旧值。")
    question.wait_for(timeout=TIMEOUT_MS)
    wait_ready(page, chart=False)
    shots(page, "trust_4_undo_asks", keep=True)
    assert dict(zip(store.loads()["load_id"], store.loads()["status"], strict=True))[loaded] == "loaded"
    page.get_by_role("button", name=i18n("undo_confirm", "zh")).click()
    page.locator('[data-testid="stAlertContentSuccess"]').first.wait_for(timeout=TIMEOUT_MS)
    wait_ready(page, chart=False)
    shots(page, "trust_5_after_undo", keep=True)
    assert dict(zip(store.loads()["load_id"], store.loads()["status"], strict=True))[loaded] == "undone"
    picker = page.locator('[data-testid="stSelectbox"]').filter(has_text=i18n("undo_pick", "zh"))
    assert picker.locator('input[role="combobox"]').input_value() == ""  # the old choice is not shown
    assert picker.locator('input[role="combobox"]').get_attribute("placeholder") == i18n("undo_choose", "zh")
    assert undo.is_disabled()
