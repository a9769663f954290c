"""`python -m metrics extract` end to end in subprocesses: a report in, the long CSV out, that CSV through
`ingest` into a real database, and `export` showing the figures with their sentence as 出处."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

from conftest import python_env

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "extract"


def cli(db: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "metrics", *args], capture_output=True, env=python_env(db), check=False, timeout=120
    )


def test_extract_ingest_export(db_path, tmp_path):
    out = tmp_path / "figures.csv"
    every = tmp_path / "all.csv"
    done = cli(db_path, "extract", str(FIXTURE / "lan_gu_2024.pdf"), "--out", str(out), "--candidates", str(every))
    assert done.returncode == 0, done.stderr.decode()
    assert "lan_gu_2024.pdf" in done.stderr.decode() and "13" in done.stderr.decode()
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert list(rows[0]) == ["园区", "产业链", "统计期", "指标", "数值", "单位", "数据性质", "出处"]
    assert len(rows) == 13 and {r["数据性质"] for r in rows} == {"报告"}
    listed = every.read_text(encoding="utf-8-sig")
    assert "人才公寓" in listed and "3200" in listed  # figures with no indicator or no park are listed too

    loaded = cli(db_path, "ingest", str(out), "--json")
    assert loaded.returncode == 0, loaded.stderr.decode()
    record = json.loads(loaded.stdout.decode().splitlines()[0])
    assert (record["status"], record["rows_loaded"], record["errors"]) == ("loaded", 13, [])
    assert record["new_parks"] == ["青岛蓝谷经济技术开发区"]

    exported = cli(db_path, "export")
    assert exported.returncode == 0
    figures = {r["indicator"]: r for r in csv.DictReader(io.StringIO(exported.stdout.decode("utf-8-sig")))}
    visited = figures["enterprises_visited"]
    assert (float(visited["value"]), visited["qualifier"], visited["basis"]) == (300.0, "at_least", "reported")
    assert visited["reference"].startswith("lan_gu_2024.pdf!!段") and "走访企业超过300家" in visited["reference"]
    assert float(figures["import_export"]["value"]) == 125000.0  # 12.5亿美元 in 万美元
    assert (figures["people_trained"]["qualifier"], figures["revenue_yoy"]["period_end"]) == ("approx", "2024-09-30")


def test_extract_year_and_park_options(db_path, tmp_path):
    report = tmp_path / "brief.txt"
    report.write_text("今年以来，累计走访企业45家，解决问题12个。\n", encoding="utf-8")
    without = cli(db_path, "extract", str(report))
    assert without.returncode == 0
    assert len(without.stdout.decode("utf-8-sig").strip().splitlines()) == 1  # header only: no park, no year
    given = cli(db_path, "extract", str(report), "--year", "2025", "--park", "威海南海新区")
    lines = given.stdout.decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 3 and all(line.startswith("威海南海新区,,2025年,") for line in lines[1:])


def test_extract_bad_input(db_path, tmp_path):
    missing = cli(db_path, "extract", str(tmp_path / "none.txt"))
    assert missing.returncode == 1 and "none.txt" in missing.stderr.decode()
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"not a zip")
    assert cli(db_path, "extract", str(broken)).returncode == 1
    assert cli(db_path, "extract", str(broken), "--year", "abc").returncode == 2
