"""metrics.template: the upload template names every catalog indicator and reads back without errors."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

from metrics.template import EXAMPLE_TARGETS, EXAMPLE_VALUES, template_xlsx_bytes


def data_sheet(data: bytes):
    wb = openpyxl.load_workbook(io.BytesIO(data))
    return wb, wb.worksheets[0]


def test_headers_match_the_catalog(catalog):
    wb, ws = data_sheet(template_xlsx_bytes(catalog))
    headers = [c.value for c in ws[2]]
    assert headers[:3] == ["园区", "产业链", "统计期"]
    assert headers[3:] == [f"{i.name_zh}({i.unit})" for i in catalog.indicators]
    assert "营业收入(万元)" in headers
    assert wb.sheetnames == ["数据", "年度目标", "说明"]
    assert ws.freeze_panes == "B3"
    assert ws.max_row == 3  # title, header, one example row


def test_english_headers_use_english_names(catalog):
    wb, ws = data_sheet(template_xlsx_bytes(catalog, lang="en"))
    headers = [c.value for c in ws[2]]
    assert headers[:3] == ["park", "chain", "period"]
    assert headers[3:] == [f"{i.name_en}({i.unit})" for i in catalog.indicators]
    assert wb.sheetnames == ["Data", "targets", "Notes"]


def test_notes_sheet_lists_every_indicator_and_the_accepted_forms(catalog):
    wb, _ = data_sheet(template_xlsx_bytes(catalog))
    notes = [row for row in wb["说明"].iter_rows(values_only=True)]
    text = "\n".join(str(v) for row in notes for v in row if v is not None)
    for form in ("110余", "19.5%", "—", "2024年前三季度", "2024Q3", "约20"):
        assert form in text
    ids = {row[1] for row in notes}
    assert {i.id for i in catalog.indicators} <= ids


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_template_with_its_example_row_reads_back_without_errors(catalog, lang):
    from metrics import ingest

    parsed = ingest.read_file(template_xlsx_bytes(catalog, lang), f"template_{lang}.xlsx", catalog=catalog)
    report = parsed.report
    assert report.fatal is None and report.errors == []
    assert report.skipped_sheets == ["说明" if lang == "zh" else "Notes"]
    frame = parsed.frame.assign(indicator=parsed.frame["indicator"].astype(str))
    targets = frame[frame["indicator"].str.startswith("target:")]
    # The targets sheet's example row: three annual targets, stored as targets (never as figures).
    assert dict(zip(targets["indicator"], zip(targets["value"], targets["qualifier"]))) == {
        "target:revenue": (1400000, "exact"),
        "target:above_scale_firms": (120, "exact"),
        "target:national_platforms": (4, "approx"),
    }
    figures = frame[~frame["indicator"].str.startswith("target:")]
    values = dict(zip(figures["indicator"], zip(figures["value"], figures["qualifier"])))
    # the example's "—", and the targets example's empty cells (no target for those indicators)
    assert report.missing == 1 + len(catalog.indicators) - len(EXAMPLE_TARGETS)
    assert len(values) == len(catalog.indicators) - 1
    assert values["above_scale_firms"] == (110, "at_least")
    assert values["key_tech_breakthroughs"] == (12, "approx")
    assert values["revenue_yoy"] == (8.5, "exact")
    assert values["revenue"] == (EXAMPLE_VALUES["revenue"], "exact")
    assert parsed.frame["chain"].isna().all()
    spans = {
        (str(pd.Timestamp(s).date()), str(pd.Timestamp(e).date()))
        for s, e in zip(parsed.frame["period_start"], parsed.frame["period_end"])
    }
    assert spans == {("2024-01-01", "2024-12-31")}
