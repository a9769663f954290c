"""The 目标进度 page through AppTest: ranking by 完成率, 序时进度, statuses, qualifiers, both languages."""

from __future__ import annotations

import datetime as dt
import json

from app_data import open_page
from parsed_factory import figure, parsed

DY, WF, WH = "东营经济技术开发区", "潍坊滨海经济技术开发区", "威海南海新区"
Y24 = (dt.date(2024, 1, 1), dt.date(2024, 12, 31))
M9 = (dt.date(2024, 1, 1), dt.date(2024, 9, 30))


def seed(db_path) -> None:
    from metrics.store import Store

    figs = [
        figure(DY, "target:revenue", 1000, period=Y24),
        figure(DY, "revenue", 800, period=M9),  # 80% at 75%: ahead
        figure(WF, "target:revenue", 1000, period=Y24),
        figure(WF, "revenue", 600, period=M9),  # 60%: behind
        figure(WH, "target:revenue", 1000, period=Y24, basis="illustrative"),
        figure(WH, "revenue", 750, period=M9),  # on track
        figure(DY, "target:national_platforms", 120, period=Y24, qualifier="approx"),
        figure(DY, "national_platforms", 110, period=M9, qualifier="at_least"),
    ]
    assert Store(db_path).load(parsed("targets.xlsx", figs)).status == "loaded"


def test_targets_page_ranks_by_completion(db_path):
    seed(db_path)
    at = open_page("pages/targets.py", params={"period": "2024 Jan–Sep"})
    assert at.title[0].value == "目标进度"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"序时进度": "75.0%", "超序时": "1", "达序时": "1", "落后序时": "1"}
    table = at.dataframe[0].value
    assert list(table["园区"]) == [DY, WH, WF]
    assert list(table["状态"]) == ["超序时", "达序时", "落后序时"]
    assert list(table["完成率（%）"]) == [80.0, 75.0, 60.0]
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert "完成率与序时进度" in spec["layout"]["title"]["text"]
    bars, diamonds = spec["data"]
    assert bars["x"] == [80.0, 75.0, 60.0] and diamonds["x"] == [75.0, 75.0, 75.0]
    at.selectbox(key="w_target_ind").select("national_platforms").run()
    table = at.dataframe[0].value
    assert (table["目标"].iloc[0], table["实际"].iloc[0]) == ("约120", "110余")


def test_targets_page_in_english_and_without_targets(db_path):
    seed(db_path)
    at = open_page("pages/targets.py", params={"lang": "en", "period": "2024 Jan–Sep"})
    assert at.title[0].value == "Targets"
    assert {m.label for m in at.metric} == {"Time progress", "ahead", "on track", "behind"}
    assert "Completion (%)" in at.dataframe[0].value.columns
    at = open_page("pages/targets.py", params={"family": "talent"})  # no target in this family
    assert any("没有目标数据" in i.value for i in at.info)


def test_overview_shows_target_cards_only_with_targets(db_path):
    seed(db_path)
    at = open_page(params={"period": "2024 Jan–Sep"})
    card = next(m for m in at.metric if m.label == "营业收入 完成率")
    assert card.value == "71.7%"  # (800 + 600 + 750) / 3000, the three parks with both
    assert card.proto.delta == "-3.3个百分点" and card.proto.delta_description == "落后序时 · 序时进度 75.0%"
    assert "目标 3,000万元，实际 2,150万元（有目标和实际数的 3 个园区合计" in card.proto.help
    assert "目标进度" in [m.value.strip("# ") for m in at.markdown if m.value.startswith("#####")]
    assert "目标进度（序时进度75.0%）" in at.code[0].value  # the briefing says it too


def test_upload_preview_names_targets(db_path):
    """The preview of a file with targets shows them as 营业收入（目标） in the indicator's unit."""
    at = open_page("pages/upload.py")
    uploader = next(w for w in at.get("file_uploader") if w.key.startswith("upload_files"))
    data = f"园区,统计期,指标,数值,数据性质\n{DY},2024年,营业收入,1200,目标\n{DY},2024年1-9月,营业收入,800,报告\n"
    uploader.upload("目标.csv", data.encode("utf-8"), "text/csv").run()
    assert not at.exception, at.exception
    [preview] = [df.value for df in at.dataframe if "指标" in df.value.columns]
    assert list(preview["指标"]) == ["营业收入（目标）", "营业收入"] and list(preview["单位"]) == ["万元", "万元"]
