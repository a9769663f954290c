"""`python -m metrics ingest` on official files, context options and --add-indicators, in subprocesses:
the JSON records (CONTRACT §5 plus the extensions) and the values and units that land in the database."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from ingest_support import xlsx_bytes
from test_cli import cli, json_lines

from metrics.store import Store

sys.path.insert(0, str(Path(__file__).parent / "fixtures"))
from official_files import portal_csv_gbk, portal_rows  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
DY = "东营经济技术开发区"
THREE_UNKNOWN = [
    ["2023年各园区补充指标"],
    ["园区", "地方财政教育支出 (亿元)", "规上服务业企业数(家)", "技术合同成交额(万元)"],
    ["东营经开区", 2.5, 30, 1200],
    ["潍坊滨海区", 3, 41, 800],
]


def stored(db: Path) -> dict[tuple, tuple]:
    """(park, indicator, period_start year, period_end month) -> (value, the indicator's unit)."""
    store = Store(db)
    units = {i.id: i.unit for i in store.catalog.indicators}
    frame = store.observations_frame()
    return {
        (r.park, r.indicator, r.period_start.year, r.period_end.month): (r.value, units[r.indicator])
        for r in frame.itertuples()
    }


def test_portal_export_xls_and_gbk_csv(db_path, tmp_path):
    csv = tmp_path / "分省年度数据.csv"
    csv.write_bytes(portal_csv_gbk())
    result = cli(db_path, "ingest", str(FIXTURES / "portal_gdp_by_province.xls"), str(csv), "--json")
    assert result.returncode == 0, result.stderr.decode()
    first, second = json_lines(result)
    assert (first["status"], first["rows_loaded"], first["missing"]) == ("loaded", 23, 2)
    assert first["new_parks"] == ["北京市", "天津市", "河南省", "西藏自治区"]
    assert (first["unmatched_labels"], first["new_indicators"]) == ([], [])
    # The same figures (the CSV writes every digit the .xls holds): nothing changes.
    assert (second["status"], second["rows_loaded"], second["unchanged"]) == ("unchanged", 23, 23)
    got = stored(db_path)
    assert got[("北京市", "gdp", 2019, 12)] == (pytest.approx(353_713_000), "万元")
    assert got[("山东省", "gdp", 2015, 12)] == (pytest.approx(552_888_000), "万元")
    assert len(got) == 23


def test_monthly_form_xls(db_path):
    result = cli(db_path, "ingest", str(FIXTURES / "dev_zone_monthly_2024_9.xls"), "--json")
    [record] = json_lines(result)
    assert result.returncode == 0 and record["status"] == "loaded" and record["errors"] == []
    assert record["ignored_columns"] == ["代码", "同比增长(%)"]
    got = stored(db_path)
    assert got[(DY, "import_export", 2024, 9)] == (123_456, "万美元")
    assert got[(DY, "exports", 2023, 9)] == (70_000, "万美元")
    assert got[(DY, "industrial_output_above_scale", 2024, 9)] == (pytest.approx(12_345_000), "万元")
    assert got[(DY, "invention_patents_granted", 2024, 9)] == (320, "件")


def test_unknown_labels_ignored_then_added(db_path, tmp_path):
    book = tmp_path / "补充指标.xlsx"
    book.write_bytes(xlsx_bytes({"补充": THREE_UNKNOWN}))
    plain = cli(db_path, "ingest", str(book), "--json")
    [record] = json_lines(plain)
    assert plain.returncode == 1 and record["status"] == "rejected"
    assert record["ignored_columns"] == ["地方财政教育支出 (亿元)", "规上服务业企业数(家)", "技术合同成交额(万元)"]
    assert [(u["name_zh"], u["unit"], u["where"]) for u in record["unmatched_labels"]] == [
        ("地方财政教育支出", "万元", "B2"),
        ("规上服务业企业数", "家", "C2"),
        ("技术合同成交额", "万元", "D2"),
    ]
    assert "--add-indicators" in record["errors"][0]["message"]
    added = cli(db_path, "ingest", str(book), "--json", "--add-indicators")
    [record] = json_lines(added)
    assert added.returncode == 0, added.stderr.decode() + added.stdout.decode()
    assert (record["status"], record["rows_loaded"], record["ignored_columns"]) == ("loaded", 6, [])
    new = {n["name_zh"]: n for n in record["new_indicators"]}
    assert {n: (v["unit"], v["id"][:2]) for n, v in new.items()} == {
        "地方财政教育支出": ("万元", "x_"),
        "规上服务业企业数": ("家", "x_"),
        "技术合同成交额": ("万元", "x_"),
    }
    got = stored(db_path)
    assert got[(DY, new["地方财政教育支出"]["id"], 2023, 12)] == (pytest.approx(25_000), "万元")
    assert got[("潍坊滨海经济技术开发区", new["规上服务业企业数"]["id"], 2023, 12)] == (41, "家")
    catalog = Store(db_path).catalog
    assert catalog.indicator(new["技术合同成交额"]["id"]).category == "custom"
    # The next file with these labels finds them in the catalog: nothing new, nothing unmatched.
    again = tmp_path / "补充指标2024.xlsx"
    again.write_bytes(xlsx_bytes({"补充": [["2024年"], *THREE_UNKNOWN[1:3]]}))
    [record] = json_lines(cli(db_path, "ingest", str(again), "--json"))
    assert (record["status"], record["unmatched_labels"], record["new_indicators"]) == ("loaded", [], [])


def test_context_options(db_path, tmp_path):
    silent = tmp_path / "走访.xlsx"
    silent.write_bytes(xlsx_bytes({"Sheet1": [["走访企业", "营业收入(万元)"], [12, 300]]}))
    result = cli(db_path, "ingest", str(silent), "--json", "--park", "东营经开区", "--period", "2024年1-9月")
    [record] = json_lines(result)
    assert result.returncode == 0 and record["status"] == "loaded" and record["rows_loaded"] == 2
    assert stored(db_path)[(DY, "revenue", 2024, 9)] == (300, "万元")
    no_indicator = tmp_path / "gdp.csv"
    no_indicator.write_bytes("\n".join(",".join(map(str, r)) for r in portal_rows()[2:6]).encode("gbk"))
    rejected = cli(db_path, "ingest", str(no_indicator), "--json")
    [record] = json_lines(rejected)
    assert rejected.returncode == 1 and "没有说明这些数值是什么指标" in record["errors"][0]["message"]
    given = cli(db_path, "ingest", str(no_indicator), "--json", "--indicator", "gdp")
    assert json_lines(given)[0]["status"] == "loaded"
    conflict = cli(db_path, "ingest", str(silent), "--json", "--park", "威海南海新区", "--indicator", "revenue")
    [record] = json_lines(conflict)
    assert conflict.returncode == 1 and record["status"] == "rejected"
    assert any("走访企业" in e["message"] and "营业收入" in e["message"] for e in record["errors"])
    usage = cli(db_path, "ingest", str(silent), "--period", "某个时候")
    assert usage.returncode == 2 and "某个时候" in usage.stderr.decode()
