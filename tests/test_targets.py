"""Targets (目标): read from a 年度目标 sheet or a 数据性质 = 目标 column, stored apart from figures (never
counted), undone like any load; 完成率 and 序时进度 for year, half, quarter and 1–N月 views, direction-aware."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io

import pytest
from openpyxl import Workbook
from parsed_factory import figure, parsed

from metrics import queries
from metrics.catalog import default_catalog
from metrics.ingest import read_file
from metrics.periods import parse_period

DY, WF = "东营经济技术开发区", "潍坊滨海经济技术开发区"


def workbook_with_target_sheet() -> bytes:
    """An office's workbook: a data sheet (title, 单位 line, notes) and a 年度目标 sheet of annual targets."""
    wb = Workbook()
    data = wb.active
    data.title = "前三季度"
    data.append(["2024年1-9月园区主要指标"])
    data.append(["单位：亿元"])
    data.append(["园区名称", "统计期", "营业收入", "国家级创新平台(家)"])
    data.append([DY, "2024年1-9月", 600, "110余"])
    data.append([WF, "2024年1-9月", 900, 40])
    data.append(["注：数据来源于各园区报送。"])
    goals = wb.create_sheet("年度目标")
    goals.append(["2024年度目标"])
    goals.append(["园区名称", "统计期", "营业收入(亿元)", "国家级创新平台(家)"])
    goals.append([DY, "2024", 1000, "约120"])
    goals.append([WF, "2024", 1000, 50])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_template_sheet_targets_are_stored_apart_and_undone(db_path):
    from metrics.store import Store

    parsed_file = read_file(workbook_with_target_sheet(), "2024年前三季度.xlsx")
    assert not parsed_file.report.errors
    frame = parsed_file.frame
    targets = frame[frame["indicator"].astype(str).str.startswith("target:")]
    assert sorted(set(targets["indicator"].astype(str))) == ["target:national_platforms", "target:revenue"]
    assert set(targets["basis"].astype(str)) == {"reported"}
    store = Store(db_path)
    report = store.load(parsed_file)
    assert report.status == "loaded"
    f = queries.Filters(period=parse_period("2024年1-9月"))
    cards = queries.kpi_cards(store, f).set_index("indicator")
    assert cards.loc["revenue", "value"] == 15_000_000  # 600 + 900 亿元 in 万元: the targets are not added
    assert [p.label("zh") for p in queries.available_periods(store)] == ["2024年前三季度"]  # no target-only period
    assert queries.data_status(store)["n_observations"] == 4
    progress = queries.target_progress(store, f).set_index(["indicator", "park"])
    row = progress.loc[("revenue", DY)]
    assert row["target"] == 10_000_000 and row["actual"] == 6_000_000
    assert row["completion_pct"] == pytest.approx(60.0) and row["time_pct"] == pytest.approx(75.0)
    assert row["gap_pts"] == pytest.approx(-15.0) and row["status"] == "behind"
    assert progress.loc[("revenue", WF), "status"] == "ahead"  # 90% against 75%
    platforms = progress.loc[("national_platforms", DY)]
    assert (platforms["target_display"], platforms["actual_display"]) == ("约120", "110余")  # qualifiers kept
    assert platforms["target_label"] == "2024年"
    store.undo_load(int(store.loads()["load_id"].iloc[0]))
    assert queries.target_progress(store, f).empty and store.is_empty()


def test_only_figures_of_a_sheet_named_as_targets_become_targets():
    """The target sheet is told by its name alone: a file or a sheet that merely mentions 目标 keeps its
    figures as figures, and every figure of a `targets` sheet (past thousands of rows) is a target."""
    wb = Workbook()
    data = wb.active
    data.title = "2024年度目标完成情况"  # names 目标 but is not a target sheet
    data.append(["园区名称", "统计期", "营业收入(亿元)"])
    data.append([DY, "2024年1-9月", 600])
    goals = wb.create_sheet("targets")
    goals.append(["园区名称", "统计期", "营业收入(亿元)"])
    for k in range(3000):
        goals.append([f"园区{k:04d}", "2024", 1000 + k])
    out = io.BytesIO()
    wb.save(out)
    frame = read_file(out.getvalue(), "2024年目标!汇总.xlsx").frame
    indicator = frame["indicator"].astype(str)
    on_goals = frame["source"].astype(str).str.contains("!targets!", regex=False)
    assert (indicator[on_goals] == "target:revenue").all() and on_goals.sum() == 3000
    assert list(indicator[~on_goals]) == ["revenue"]


def test_basis_column_marks_targets_and_bad_words_are_refused(db_path):
    from metrics.store import Store

    csv = (
        "园区,统计期,指标,数值,数据性质\n"
        f"{DY},2024,营业收入,1000000,目标\n"
        f"{DY},2024年1-6月,营业收入,480000,报告\n"
        f"{WF},2024,营业收入,2000000,示意目标\n"
        f"{WF},2024年1-6月,营业收入,1000000,示意\n"
    ).encode()
    parsed_file = read_file(csv, "targets.csv")
    assert not parsed_file.report.errors and len(parsed_file.frame) == 4
    assert parsed_file.report.duplicate_figures == 0  # a target and a figure of one key are not duplicates
    store = Store(db_path)
    store.load(parsed_file)
    progress = queries.target_progress(store, queries.Filters(period=parse_period("2024年上半年")))
    by_park = progress.set_index("park")
    assert by_park.loc[DY, "time_pct"] == pytest.approx(50.0) and by_park.loc[DY, "completion_pct"] == 48.0
    assert by_park.loc[DY, "status"] == "behind" and by_park.loc[WF, "status"] == "on_track"
    assert bool(by_park.loc[WF, "illustrative"]) and not bool(by_park.loc[DY, "illustrative"])
    assert list(progress["park"]) == [WF, DY]  # ranked by 完成率
    only_reported = queries.target_progress(
        store, queries.Filters(period=parse_period("2024年上半年"), include_illustrative=False)
    )
    assert list(only_reported["park"]) == [DY]
    bad = read_file(f"园区,统计期,指标,数值,数据性质\n{DY},2024,营业收入,1,计划\n".encode(), "bad.csv")
    assert bad.report.errors and "目标" in bad.report.errors[0].message


Y24 = (dt.date(2024, 1, 1), dt.date(2024, 12, 31))
H1 = (dt.date(2024, 1, 1), dt.date(2024, 6, 30))
Q3 = (dt.date(2024, 7, 1), dt.date(2024, 9, 30))


@pytest.mark.parametrize(
    "target_period, view, time_pct",
    [
        (Y24, "2024", 100.0),
        (Y24, "2024年上半年", 50.0),
        (Y24, "2024年第一季度", 25.0),
        (Y24, "2024年1-9月", 75.0),
        (Y24, "2024年1-2月", 100 * 2 / 12),
        (Y24, "2024-01", 100 / 12),
        (H1, "2024年第一季度", 50.0),
        (H1, "2024年1-6月", 100.0),
        (Q3, "2024年第三季度", 100.0),
        (Q3, "2024-07", 100 / 3),
    ],
)
def test_time_progress_for_year_half_quarter_and_months(db_path, target_period, view, time_pct):
    from metrics.store import Store

    period = parse_period(view)
    figs = [
        figure(DY, "target:revenue", 1200.0, period=target_period),
        figure(DY, "revenue", 600.0, period=(period.start, period.end)),
    ]
    store = Store(db_path)
    store.load(parsed("t.xlsx", figs))
    row = queries.target_progress(store, queries.Filters(period=period)).iloc[0]
    assert row["time_pct"] == pytest.approx(time_pct)
    assert row["completion_pct"] == pytest.approx(50.0)
    assert row["gap_pts"] == pytest.approx(50.0 - time_pct)


def test_a_target_not_starting_with_the_view_does_not_apply(db_path):
    from metrics.store import Store

    store = Store(db_path)
    store.load(
        parsed("t.xlsx", [figure(DY, "target:revenue", 100.0, period=Y24), figure(DY, "revenue", 30.0, period=Q3)])
    )
    assert queries.target_progress(store, queries.Filters(period=parse_period("2024Q3"))).empty


def test_lower_is_better_completion_means_staying_under(db_path):
    from metrics.store import Store

    base = default_catalog()
    catalog = dataclasses.replace(
        base,
        indicators=tuple(
            dataclasses.replace(i, direction="lower") if i.id == "problems_collected" else i for i in base.indicators
        ),
    )
    figs = [
        figure(DY, "target:problems_collected", 100.0, period=Y24),  # a ceiling for the year
        figure(DY, "problems_collected", 60.0, period=(dt.date(2024, 1, 1), dt.date(2024, 9, 30))),
        figure(WF, "target:problems_collected", 100.0, period=Y24),
        figure(WF, "problems_collected", 80.0, period=(dt.date(2024, 1, 1), dt.date(2024, 9, 30))),
    ]
    store = Store(db_path, catalog=catalog)
    store.load(parsed("t.xlsx", figs))
    f = queries.Filters(period=parse_period("2024年1-9月"), indicators=("problems_collected",))
    progress = queries.target_progress(store, f, catalog=catalog).set_index("park")
    assert progress.loc[DY, "completion_pct"] == 60.0 and progress.loc[DY, "gap_pts"] == pytest.approx(15.0)
    assert progress.loc[DY, "status"] == "ahead"  # 60% used at 75% of the year
    assert progress.loc[WF, "status"] == "behind" and progress.loc[WF, "gap_pts"] == pytest.approx(-5.0)
    assert progress.loc[DY, "rank"] == 1  # less used ranks first


def test_export_writes_targets_so_they_load_back_as_targets(db_path, tmp_path):
    import subprocess
    import sys

    from conftest import ROOT, python_env

    from metrics.store import Store

    store = Store(db_path)
    store.load(read_file(workbook_with_target_sheet(), "2024年前三季度.xlsx"))
    out = tmp_path / "all.csv"
    done = subprocess.run(
        [sys.executable, "-m", "metrics", "export", "--db", str(db_path), "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=python_env(db_path),
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    text = out.read_text(encoding="utf-8-sig")
    assert "target:" not in text and '"target"' in text
    again = read_file(out.read_bytes(), "all.csv")
    assert not again.report.errors
    before = store.observations_frame().sort_values(["park", "indicator", "period_end"])
    loaded = again.frame.assign(indicator=again.frame["indicator"].astype(str))
    assert sorted(loaded["indicator"]) == sorted(before["indicator"])
    assert Store(tmp_path / "second.duckdb").load(again).status == "loaded"
