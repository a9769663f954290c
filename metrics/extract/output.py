"""Candidates as rows: the long CSV that `python -m metrics ingest` reads as it is, and a review table."""

from __future__ import annotations

import csv
import io

import pandas as pd

from metrics.catalog import Catalog
from metrics.extract.figures import Candidate
from metrics.ingest.headers import COUNT_UNITS

LONG_COLUMNS = ["园区", "产业链", "统计期", "指标", "数值", "单位", "数据性质", "出处"]
REPORTED = "报告"
QUALIFIERS = ("exact", "at_least", "approx")
MARK_OPEN, MARK_CLOSE = "【", "】"  # the figure marked inside its sentence


def number_text(value: float) -> str:
    value = float(value)
    return str(int(value)) if value.is_integer() else repr(value)


def value_text(value: float, qualifier: str, unit: str) -> str:
    """The value as a cell that ingest reads back with its qualifier: `20余`, `约20`, `超过90%`, `19.5%`."""
    pct = "%" if unit == "%" else ""
    n = number_text(value)
    if qualifier == "at_least":
        return f"超过{n}{pct}" if pct else f"{n}余"
    if qualifier == "approx":
        return f"约{n}{pct}"
    return f"{n}{pct}"


def unit_text(measure: str, indicator_unit: str) -> tuple[float, str]:
    """(factor, unit) for the CSV: money and % as written (ingest converts them), a count word that ingest
    knows as written, any other count word as the indicator's unit (处 for 个)."""
    if measure == "万亿元":
        return 1e4, "亿元"
    if measure.endswith("元") or measure == "%":
        return 1.0, measure
    return 1.0, measure if measure in COUNT_UNITS else indicator_unit


def is_loadable(c: Candidate) -> bool:
    return bool(c.proposed and c.indicator and c.park and c.period)


def candidate_row(c: Candidate, catalog: Catalog) -> dict:
    """One long-CSV row of a candidate (it must have an indicator)."""
    ind = catalog.indicator(c.indicator)
    factor, unit = unit_text(c.measure, ind.unit)
    return {
        "园区": c.park or "",
        "产业链": "",
        "统计期": c.period.label("zh") if c.period else "",
        "指标": ind.name_zh,
        "数值": value_text(c.value * factor, c.qualifier, unit),
        "单位": unit,
        "数据性质": REPORTED,
        "出处": c.reference,
    }


def long_csv_bytes(rows: list[dict]) -> bytes:
    """The rows as a UTF-8 (BOM) CSV with the columns of sample_data/reported_figures_long.csv."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=LONG_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: row.get(k, "") for k in LONG_COLUMNS})
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def marked_sentence(c: Candidate) -> str:
    return c.sentence[: c.mark_start] + MARK_OPEN + c.figure_text + MARK_CLOSE + c.sentence[c.mark_end :]


def candidates_frame(candidates: list[Candidate], catalog: Catalog, lang: str = "zh") -> pd.DataFrame:
    """One row per candidate for review: accept, park, period, indicator (name), value, qualifier, unit,
    the sentence with the figure marked, what it counts, a note, and its source."""
    rows = []
    for c in candidates:
        ind = catalog.indicator(c.indicator) if c.indicator else None
        rows.append(
            {
                "accept": is_loadable(c),
                "park": c.park or "",
                "period": c.period.label("zh") if c.period else "",
                "indicator": ind.name(lang) if ind else "",
                "value": float(c.value),
                "qualifier": c.qualifier,
                "unit": c.measure,
                "sentence": marked_sentence(c),
                "words": c.words,
                "note": c.note_en if lang == "en" else c.note,
                "source": c.source,
                "reference": c.reference,
            }
        )
    columns = [
        "accept",
        "park",
        "period",
        "indicator",
        "value",
        "qualifier",
        "unit",
        "sentence",
        "words",
        "note",
        "source",
        "reference",
    ]
    return pd.DataFrame(rows, columns=columns)
