"""A figure written twice in one file: the later one is kept, the earlier one named before loading."""

from __future__ import annotations

import json
import subprocess
import sys

from ingest_support import figures, xlsx_bytes

from metrics.ingest import read_file
from metrics.store import Store

DY, WF = "东营经济技术开发区", "潍坊滨海经济技术开发区"


def test_the_later_figure_is_kept_and_the_earlier_one_reported():
    text = (
        "园区,产业链,年份,走访企业,营业收入(亿元)\n"
        "东营经开区,,2024,10,1.5\n"
        "潍坊滨海区,,2024,20,2\n"
        "东营经开区,,2024,12,1.5\n"  # the same park, chain and year again: 走访企业 revised, 营业收入 repeated
    )
    parsed = read_file(text.encode(), "dup.csv")
    assert parsed.report.errors == [] and parsed.keys_unique
    assert figures(parsed)[(DY, None, "enterprises_visited")] == (12, "exact")
    assert len(parsed.frame) == 4 and parsed.report.rows_loaded == 4
    report = parsed.report
    assert report.duplicate_figures == 2
    by_indicator = {d.indicator: d for d in report.duplicates}
    visited = by_indicator["enterprises_visited"]
    assert (visited.dropped_source, visited.dropped_value) == ("dup.csv!!2", 10)
    assert (visited.kept_source, visited.kept_value) == ("dup.csv!!4", 12)
    assert visited.conflicting and not by_indicator["revenue"].conflicting
    record = report.as_contract()
    assert record["duplicate_figures"] == 2
    assert {d["indicator"] for d in record["duplicates"]} == {"enterprises_visited", "revenue"}
    json.dumps(record, ensure_ascii=False)  # the CLI prints it


def test_same_figure_on_two_sheets_of_a_workbook():
    header = ["园区", "年份", "国家级创新平台"]
    data = xlsx_bytes(
        {"汇总": [header, ["东营经开区", 2024, 8], ["潍坊滨海区", 2024, 5]], "东营": [header, ["东营经开区", 2024, 9]]}
    )
    parsed = read_file(data, "two.xlsx")
    assert figures(parsed)[(DY, None, "national_platforms")] == (9, "exact")
    assert figures(parsed)[(WF, None, "national_platforms")] == (5, "exact")
    [dup] = parsed.report.duplicates
    assert (dup.dropped_source, dup.kept_source) == ("two.xlsx!汇总!2", "two.xlsx!东营!2")


def test_chains_and_periods_are_part_of_the_key():
    text = "园区,产业链,期间,走访企业\n东营经开区,新材料,2024,1\n东营经开区,,2024,2\n东营经开区,新材料,2023,3\n东营经开区,新材料,2024Q1,4\n"
    parsed = read_file(text.encode(), "keys.csv")
    assert parsed.report.duplicate_figures == 0 and parsed.report.duplicates == [] and len(parsed.frame) == 4


def test_a_file_with_duplicates_loads_the_later_figures(tmp_path):
    text = "园区,年份,走访企业\n东营经开区,2024,10\n东营经开区,2024,12\n"
    path = tmp_path / "dup.csv"
    path.write_text(text, encoding="utf-8")
    db = tmp_path / "db.duckdb"
    out = subprocess.run(
        [sys.executable, "-m", "metrics", "ingest", str(path), "--db", str(db), "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    record = json.loads(out.stdout.strip().splitlines()[-1])
    assert record["status"] == "loaded" and record["rows_loaded"] == 1 and record["duplicate_figures"] == 1
    frame = Store(db).observations_frame()
    assert frame.value.tolist() == [12] and frame.source.tolist() == ["dup.csv!!3"]
