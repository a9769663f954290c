"""The command line end to end, in subprocesses: ingest (JSON and human output), export, exit codes."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from conftest import python_env
from ingest_support import xlsx_bytes

from metrics.model import OBS_COLUMNS
from metrics.store import Store

HOSTILE_PARK = '=HYPERLINK("http://x","点我")'
SCRIPT_PARK = "<script>alert(1)</script>园区"


def cli(db: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "metrics", *args], capture_output=True, env=python_env(db), check=False, timeout=120
    )


def json_lines(result: subprocess.CompletedProcess) -> list[dict]:
    return [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list]) -> Path:
    path.write_bytes(xlsx_bytes({"2024年": rows}))
    return path


@pytest.fixture
def good_files(tmp_path) -> list[Path]:
    wide = write_csv(
        tmp_path / "parks.csv",
        [
            ["园区", "产业链", "年份", "营业收入(亿元)", "国家级创新平台"],
            ["东营经开区", "", "2024", "1.5", "110余"],
            [SCRIPT_PARK, "新材料", "2024", "2", "3"],
            [HOSTILE_PARK, "", "2024", "3", "4"],
            ["合计", "", "2024", "9", "9"],
        ],
    )
    book = write_xlsx(
        tmp_path / "talent.xlsx",
        [
            ["园区", "年份", "引进院士团队", "培训人次"],
            ["威海南海新区", 2024, 2, 1500],
        ],
    )
    return [wide, book]


def test_ingest_json_then_unchanged_on_second_run(db_path, good_files):
    first = cli(db_path, "ingest", *map(str, good_files), "--json")
    assert first.returncode == 0, first.stderr.decode() + first.stdout.decode()
    records = json_lines(first)
    assert [(r["file"], r["status"], r["rows_loaded"]) for r in records] == [
        (str(good_files[0]), "loaded", 6),
        (str(good_files[1]), "loaded", 2),
    ]
    # CONTRACT §5 fields in their order, then the extensions (added, never renamed).
    assert list(records[0]) == [
        "file",
        "status",
        "rows_loaded",
        "missing",
        "totals_skipped",
        "new_parks",
        "skipped_sheets",
        "ignored_columns",
        "errors",
        "duplicate_figures",
        "duplicates",
        "unmatched_labels",
        "new_indicators",
        "replaced",
        "new",
        "unchanged",
        "warnings",
        "corrections",
        "new_regions",
    ]
    assert (records[0]["new"], records[0]["replaced"], records[0]["unchanged"]) == (6, 0, 0)
    assert records[0]["totals_skipped"] == 1
    assert sorted(records[0]["new_parks"]) == sorted([SCRIPT_PARK, HOSTILE_PARK])
    again = cli(db_path, "ingest", *map(str, good_files), "--json")
    assert again.returncode == 0
    assert [r["status"] for r in json_lines(again)] == ["unchanged", "unchanged"]
    store = Store(db_path)
    assert len(store.observations_frame()) == 8 and len(store.loads()) == 2
    assert set(store.loads()["actor"].str.startswith("cli")) == {True}
    kept = sorted(p.suffix for p in (db_path.parent / f"{db_path.stem}_files").iterdir())
    assert kept == [".csv", ".xlsx"]


def test_bad_rows_reject_the_file_unless_skipped(db_path, tmp_path):
    bad = write_csv(
        tmp_path / "bad.csv", [["园区", "年份", "营业收入(万元)"], ["甲园区", "2024", "12..3"], ["乙园区", "2024", "7"]]
    )
    rejected = cli(db_path, "ingest", str(bad), "--json")
    assert rejected.returncode == 1
    [record] = json_lines(rejected)
    assert (record["status"], record["rows_loaded"]) == ("rejected", 0)
    assert [(e["row"], e["value"]) for e in record["errors"]] == [(2, "12..3")]
    assert Store(db_path).is_empty()
    skipped = cli(db_path, "ingest", str(bad), "--json", "--skip-bad-rows")
    assert skipped.returncode == 0
    [record] = json_lines(skipped)
    assert (record["status"], record["rows_loaded"], len(record["errors"])) == ("loaded", 1, 1)


def test_missing_file_is_rejected_and_others_still_load(db_path, good_files, tmp_path):
    result = cli(db_path, "ingest", str(tmp_path / "nope.xlsx"), str(good_files[1]), "--json")
    assert result.returncode == 1
    missing, loaded = json_lines(result)
    assert missing["status"] == "rejected" and "文件不存在" in missing["errors"][0]["message"]
    assert loaded["status"] == "loaded"


def test_unreadable_file_is_rejected_with_a_reason(db_path, tmp_path):
    junk = tmp_path / "report.xlsx"
    junk.write_bytes(b"this is not a spreadsheet at all")
    result = cli(db_path, "ingest", str(junk), "--json")
    assert result.returncode == 1
    [record] = json_lines(result)
    assert record["status"] == "rejected" and record["errors"][0]["message"]


def test_human_output_is_chinese(db_path, good_files):
    result = cli(db_path, "ingest", str(good_files[0]))
    out = result.stdout.decode("utf-8")
    assert result.returncode == 0
    assert "[已导入]" in out and "跳过合计行：1 行" in out and "新园区" in out


@pytest.mark.parametrize("args", [["ingest"], ["ingest", "a.csv", "--bogus"], ["export", "--format", "pdf"], []])
def test_usage_errors_exit_2(db_path, args):
    assert cli(db_path, *args).returncode == 2


def test_export_csv_has_bom_contract_columns_and_inert_text(db_path, good_files):
    cli(db_path, "ingest", *map(str, good_files))
    result = cli(db_path, "export")
    assert result.returncode == 0
    assert result.stdout.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(result.stdout.decode("utf-8-sig"))))
    assert tuple(rows[0]) == OBS_COLUMNS
    assert len(rows) == 9
    parks = {r[0] for r in rows[1:]}
    assert "'" + HOSTILE_PARK in parks and SCRIPT_PARK in parks and HOSTILE_PARK not in parks
    keys = [(r[0].removeprefix("'"), r[1], r[2], r[3], r[4]) for r in rows[1:]]  # sorted before defusing
    assert keys == sorted(keys)


def test_export_xlsx_to_file_has_no_formulas(db_path, good_files, tmp_path):
    cli(db_path, "ingest", *map(str, good_files))
    out = tmp_path / "out.xlsx"
    result = cli(db_path, "export", "--format", "xlsx", "--out", str(out))
    assert result.returncode == 0, result.stderr.decode()
    ws = openpyxl.load_workbook(out).active
    assert tuple(c.value for c in ws[1]) == OBS_COLUMNS
    assert ws.max_row == 9
    assert HOSTILE_PARK in {c.value for c in ws["A"]}
    assert not [c for row in ws.iter_rows() for c in row if c.data_type == "f"]


def test_export_lang_zh_has_chinese_headers_and_the_same_rows(db_path, good_files):
    cli(db_path, "ingest", *map(str, good_files))
    default = list(csv.reader(io.StringIO(cli(db_path, "export").stdout.decode("utf-8-sig"))))
    zh = list(csv.reader(io.StringIO(cli(db_path, "export", "--lang", "zh").stdout.decode("utf-8-sig"))))
    assert zh[0][:6] == ["园区", "产业链", "起始日", "截止日", "指标代码", "数值"] and len(zh[0]) == len(OBS_COLUMNS)
    assert zh[1:] == default[1:]  # the values stay as stored
    en = list(csv.reader(io.StringIO(cli(db_path, "export", "--lang", "en").stdout.decode("utf-8-sig"))))
    assert en == default


def test_export_without_database_exits_1(tmp_path):
    result = cli(tmp_path / "absent.duckdb", "export")
    assert result.returncode == 1 and "数据库不存在" in result.stderr.decode()
    assert not (tmp_path / "absent.duckdb").exists()


def test_ingest_waits_for_another_load_and_times_out_when_told_to(db_path, good_files):
    from test_concurrency import start_worker, wait_for_pause

    Store(db_path)
    worker = start_worker(db_path, "other.csv", "园区甲", 1, pause=120)
    wait_for_pause(worker)
    env = python_env(db_path) | {"PARKDASH_LOCK_WAIT": "0.5"}
    command = [sys.executable, "-m", "metrics", "ingest", str(good_files[1]), "--json"]
    impatient = subprocess.run(command, capture_output=True, env=env, check=False, timeout=60)
    assert impatient.returncode == 1
    [record] = json_lines(impatient)
    assert record["status"] == "rejected" and "等待超时" in record["errors"][0]["message"]
    patient = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=python_env(db_path))
    assert "另一个导入正在进行" in patient.stderr.readline().decode()
    worker.kill()  # the other load ends (here: dies); the waiting one goes on
    worker.wait(timeout=30)
    out, _ = patient.communicate(timeout=60)
    assert patient.returncode == 0
    assert json.loads(out)["status"] == "loaded"
    assert Store(db_path).loads()["file_name"].tolist() == ["talent.xlsx"]


def test_a_db_that_is_not_a_database_is_a_usage_error(tmp_path, good_files):
    not_db = tmp_path / "notes.duckdb"
    not_db.write_text("just text, not a database")
    result = cli(not_db, "ingest", str(good_files[1]), "--json")
    assert result.returncode == 2 and "无法打开数据库" in result.stderr.decode()


def test_ingest_loads_an_old_excel_xls_file(db_path, fixtures_dir):
    xls = fixtures_dir / "ingest" / "statistics_office_2024q3.xls"
    result = cli(db_path, "ingest", str(xls), "--json")
    assert result.returncode == 0, result.stderr.decode() + result.stdout.decode()
    [record] = json_lines(result)
    assert (record["status"], record["rows_loaded"], record["totals_skipped"]) == ("loaded", 18, 1)
    assert record["errors"] == [] and record["new_parks"] == ["新园区"]
    frame = Store(db_path).observations_frame()
    dongying = frame[frame["park"] == "东营经济技术开发区"].set_index("indicator")
    assert dongying.loc["revenue", "value"] == 12_345_000  # 1234.5 亿元
    assert dongying.loc["revenue_yoy", "value"] == pytest.approx(8.2)  # percent-formatted 0.082
    assert (dongying.loc["provincial_platforms", "value"], dongying.loc["provincial_platforms", "qualifier"]) == (
        110,
        "at_least",
    )
    assert [p.suffix for p in (db_path.parent / f"{db_path.stem}_files").iterdir()] == [".xls"]


def trust_files(tmp_path) -> tuple[Path, Path]:
    """A clean file, and the same with a 195 % satisfaction and a bad cell beside two good ones."""
    clean = write_csv(
        tmp_path / "clean.csv", [["园区", "年份", "营业收入(万元)", "满意度(%)"], ["东营经开区", "2024", "1000", "96"]]
    )
    slips = write_csv(
        tmp_path / "slips.csv",
        [
            ["园区", "年份", "营业收入(万元)", "满意度(%)", "国家级创新平台"],
            ["东营经开区", "2024", "1200", "195", "3"],
            ["甲园区", "2024", "12..3", "90", "4"],
        ],
    )
    return clean, slips


def test_dry_run_stores_nothing_and_reports_what_would_happen(db_path, tmp_path):
    clean, slips = trust_files(tmp_path)
    assert cli(db_path, "ingest", str(clean)).returncode == 0
    before = Store(db_path).data_version()
    result = cli(db_path, "ingest", str(slips), "--json", "--dry-run", "--skip-bad-cells")
    assert result.returncode == 0, result.stderr.decode()
    [record] = json_lines(result)
    assert record["status"] == "dry_run"
    assert (record["replaced"], record["new"], record["unchanged"], record["rows_loaded"]) == (2, 3, 0, 5)
    assert [(w["row"], w["column"], w["value"]) for w in record["warnings"]] == [(2, "满意度", "195")]
    assert list(record)[-6:] == ["replaced", "new", "unchanged", "warnings", "corrections", "new_regions"]
    assert Store(db_path).data_version() == before and len(Store(db_path).loads()) == 1
    # Without a choice for the bad cell, a dry run is rejected as the load would be.
    rejected = cli(db_path, "ingest", str(slips), "--json", "--dry-run")
    assert rejected.returncode == 1 and json_lines(rejected)[0]["status"] == "rejected"
    human = cli(db_path, "ingest", str(clean), "--dry-run").stdout.decode()
    assert "[试运行]" in human and "未变 2 个" in human and "数据库未改动" in human


def test_strict_rejects_a_file_with_warnings_and_the_warning_is_kept_with_a_load(db_path, tmp_path):
    _clean, slips = trust_files(tmp_path)
    strict = cli(db_path, "ingest", str(slips), "--json", "--strict", "--skip-bad-cells")
    assert strict.returncode == 1
    [record] = json_lines(strict)
    assert record["status"] == "rejected" and "195" in [e["value"] for e in record["errors"]]
    assert Store(db_path).is_empty()
    loaded = cli(db_path, "ingest", str(slips), "--json", "--skip-bad-cells")
    assert loaded.returncode == 0 and json_lines(loaded)[0]["status"] == "loaded"
    stored = json.loads(Store(db_path).loads()["report_json"].iloc[0])
    assert [w["value"] for w in stored["warnings"]] == ["195"] and "合理范围 0–100" in stored["warnings"][0]["message"]


def test_skip_bad_cells_loads_the_rows_other_figures(db_path, tmp_path):
    _clean, slips = trust_files(tmp_path)
    rows = cli(db_path, "ingest", str(slips), "--json", "--skip-bad-rows")
    assert json_lines(rows)[0]["rows_loaded"] == 3  # 甲园区's row left out whole
    cells = cli(db_path, "ingest", str(slips), "--json", "--skip-bad-cells")
    [record] = json_lines(cells)
    assert (record["status"], record["new"], record["unchanged"]) == ("loaded", 2, 3)
    assert [(e["row"], e["value"]) for e in record["errors"]] == [(3, "12..3")]
    stored = Store(db_path).observations_frame()
    assert sorted(stored[stored["park"] == "甲园区"]["indicator"]) == ["national_platforms", "satisfaction"]
    human = cli(db_path, "ingest", str(slips), "--skip-bad-cells").stdout.decode()
    assert "1 处错误（这些单元格未导入）" in human and "1 条合理性提醒" in human
