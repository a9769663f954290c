"""A bad cell costs that cell only: a row's valid cells load, corrected cells become figures, both recorded."""

from __future__ import annotations

import json

from ingest_support import read_xlsx

from metrics.cells import Correction, apply_corrections, with_valid_cells
from metrics.store import Store

HEADER = ["园区", "年份", "营业收入(亿元)", "国家级创新平台(家)", "满意度(%)"]
BOOK = {
    "2024年": [
        HEADER,
        ["甲园区", 2024, "12..3", 3, 90],  # one bad cell in a row of three
        ["乙园区", 2024, 7, "x", "y"],  # two bad cells
        ["", 2024, 1, 2, 3],  # no park: nothing of this row has a key
        ["丙园区", 2024, 1, 2, 3],
    ]
}


def keys(frame) -> set[tuple]:
    return {(p, i) for p, i in zip(frame["park"].astype(str), frame["indicator"].astype(str), strict=True)}


def test_reading_keeps_a_bad_rows_valid_cells_apart():
    p = read_xlsx(BOOK)
    assert keys(p.frame) == {("丙园区", "revenue"), ("丙园区", "national_platforms"), ("丙园区", "satisfaction")}
    assert keys(p.partial_frame) == {
        ("甲园区", "national_platforms"),
        ("甲园区", "satisfaction"),
        ("乙园区", "revenue"),
    }
    assert [(e.row, e.column) for e in p.report.errors] == [
        (2, "营业收入(亿元)"),
        (3, "国家级创新平台(家)"),
        (3, "满意度(%)"),
        (4, "园区"),
    ]
    assert p.report.skipped_rows == 3
    # Every bad value cell of a row with a readable key knows the figure it stands for.
    cell = p.fixable_cells[("2024年", 2, "营业收入(亿元)")]
    assert (cell.park, cell.indicator, cell.factor, cell.source) == ("甲园区", "revenue", 10000.0, "test.xlsx!2024年!2")
    assert ("2024年", 4, "园区") not in p.fixable_cells


def test_load_every_valid_cell_stores_the_rows_other_figures(db_path):
    p = with_valid_cells(read_xlsx(BOOK))
    report = Store(db_path).load(p, skip_bad_rows=True)
    assert (report.status, report.rows_loaded, report.skipped_rows) == ("loaded", 6, 1)
    assert len(report.errors) == 4  # the bad cells stay listed
    stored = Store(db_path).observations_frame()
    assert ("甲园区", "national_platforms") in keys(stored) and ("甲园区", "revenue") not in keys(stored)
    assert ("乙园区", "revenue") in keys(stored) and ("乙园区", "satisfaction") not in keys(stored)


def test_valid_rows_only_still_leaves_a_bad_row_out_whole(db_path):
    report = Store(db_path).load(read_xlsx(BOOK), skip_bad_rows=True)
    assert report.rows_loaded == 3


def test_a_corrected_cell_becomes_a_figure_in_the_columns_unit_and_frees_its_row(db_path):
    p = read_xlsx(BOOK)
    fixed, invalid = apply_corrections(
        p,
        [
            Correction("2024年", 2, "营业收入(亿元)", "12..3", "12.3"),
            Correction("2024年", 3, "国家级创新平台(家)", "x", "4余"),
            Correction("2024年", 3, "满意度(%)", "y", "还是不对"),
            Correction("2024年", 4, "园区", "", "丁园区"),
        ],
        who="张三@abc",
    )
    assert [(e.row, e.column) for e in invalid] == [(3, "满意度(%)"), (4, "园区")]
    assert "无法识别的数值" in invalid[0].message and "not a value cell" in invalid[1].message_en
    # Row 2 has no bad cell left: all its figures are clean now; row 3 still has one.
    assert {("甲园区", "revenue"), ("甲园区", "national_platforms")} <= keys(fixed.frame)
    assert ("乙园区", "national_platforms") in keys(fixed.frame)
    assert ("乙园区", "revenue") in keys(fixed.partial_frame)
    assert [(e.row, e.column) for e in fixed.report.errors] == [(3, "满意度(%)"), (4, "园区")]
    assert [(c["row"], c["original"], c["corrected"], c["value"], c["by"]) for c in fixed.report.corrections] == [
        (2, "12..3", "12.3", 123000.0, "张三@abc"),
        (3, "x", "4余", 4.0, "张三@abc"),
    ]
    report = Store(db_path).load(with_valid_cells(fixed), skip_bad_rows=True, actor="张三@abc")
    assert report.status == "loaded"
    stored = Store(db_path).observations_frame()
    revenue = stored[(stored["park"] == "甲园区") & (stored["indicator"] == "revenue")].iloc[0]
    assert (revenue["value"], revenue["source"]) == (123000.0, "test.xlsx!2024年!2")
    platforms = stored[(stored["park"] == "乙园区") & (stored["indicator"] == "national_platforms")].iloc[0]
    assert (platforms["value"], platforms["qualifier"]) == (4.0, "at_least")
    record = json.loads(Store(db_path).loads()["report_json"].iloc[0])
    assert [(c["original"], c["corrected"], c["by"]) for c in record["corrections"]] == [
        ("12..3", "12.3", "张三@abc"),
        ("x", "4余", "张三@abc"),
    ]


def test_every_cell_corrected_makes_the_file_clean_and_loadable_as_a_whole(db_path):
    p = read_xlsx({"2024年": [HEADER, ["甲园区", 2024, "12..3", 3, 90], ["丙园区", 2024, 1, 2, 3]]})
    fixed, invalid = apply_corrections(p, [Correction("2024年", 2, "营业收入(亿元)", "12..3", "1.5")], who="a")
    assert invalid == [] and fixed.report.errors == []
    report = Store(db_path).load(fixed)
    assert (report.status, report.rows_loaded) == ("loaded", 6)


def test_the_same_file_loaded_again_with_a_correction_is_not_taken_for_unchanged(db_path):
    store = Store(db_path)
    p = read_xlsx(BOOK)
    assert store.load(p, skip_bad_rows=True).status == "loaded"
    fixed, _ = apply_corrections(p, [Correction("2024年", 2, "营业收入(亿元)", "12..3", "12.3")], who="a")
    report = store.load(fixed, skip_bad_rows=True)
    assert report.status == "loaded" and report.rows_new == 3  # 甲园区's three figures
