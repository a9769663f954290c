"""Paths taken only by large files give the same figures as the plain paths (thresholds lowered here)."""

from __future__ import annotations

import pandas as pd
import pytest
from ingest_support import xlsx_bytes

import metrics.ingest.table as table
from metrics.ingest import read_file

LONG = (
    "园区,产业链,年份,指标,数值\n"
    "东营经开区,新材料,2024,走访企业,12\n"
    "\n"
    "东营经开区,,2024,走访企业,—\n"
    "潍坊滨海区,,2024,营业收入,abc\n"
    "潍坊滨海区,,2024,营业收入,1.5亿\n"
    "威海南海新区,,2024,满意度,95%\n"
    "\n"
    "威海南海新区,,2024,引进院士团队,3余\n"
)
WIDE = xlsx_bytes(
    {
        "2024年": [
            ["园区", "营业收入(亿元)", "国家级创新平台", "满意度(%)"],
            ["东营经开区", 1.5, "—", 90],
            ["潍坊滨海区", None, 8, "x"],
            [None, None, None, None],
            ["威海南海新区", 2, "5余", 88.5],
        ]
    }
)


@pytest.mark.parametrize(("data", "name"), [(LONG.encode(), "long.csv"), (WIDE, "wide.xlsx")])
def test_early_source_texts_match_the_plain_path(monkeypatch, data, name):
    plain = read_file(data, name)
    monkeypatch.setattr(table, "EARLY_SOURCE_ROWS", 1)
    early = read_file(data, name)
    assert len(plain.frame) >= 4
    pd.testing.assert_frame_equal(early.frame, plain.frame)
    assert [p.row for p in early.report.errors] == [p.row for p in plain.report.errors]


def test_short_long_and_note_rows_are_read_without_the_slow_reader(monkeypatch):
    import metrics.ingest.csvfile as csvfile

    def slow_reader(*args):
        raise AssertionError("read by Python's csv module")

    monkeypatch.setattr(csvfile, "ArrayBody", slow_reader)
    text = "园区,年份,走访企业,满意度\n东营经开区,2024,1,90,多余\n潍坊滨海区,2024,2\n\n威海南海新区,2024,3,88\n注：数据来源于统计局\n"
    parsed = read_file(text.encode(), "ragged.csv")
    assert parsed.report.errors == [] and parsed.report.missing == 1
    got = sorted(zip(parsed.frame.source, parsed.frame.indicator, parsed.frame.value, strict=True))
    assert got == [
        ("ragged.csv!!2", "enterprises_visited", 1.0),
        ("ragged.csv!!2", "satisfaction", 90.0),
        ("ragged.csv!!3", "enterprises_visited", 2.0),
        ("ragged.csv!!5", "enterprises_visited", 3.0),
        ("ragged.csv!!5", "satisfaction", 88.0),
    ]


def test_huge_page_setting_comes_back_after_reads_in_several_threads():
    from concurrent.futures import ThreadPoolExecutor

    from numpy._core.multiarray import _get_madvise_hugepage

    before = _get_madvise_hugepage()
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda k: read_file(LONG.encode(), f"t{k}.csv"), range(8)))
    assert _get_madvise_hugepage() == before
