"""Build ParsedFile objects by hand, for store tests that must not depend on the reader."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from metrics.model import OBS_COLUMNS, IngestReport, ParsedFile, Problem

Y2024 = (dt.date(2024, 1, 1), dt.date(2024, 12, 31))


def figure(
    park, indicator, value, chain=None, period=Y2024, qualifier="exact", basis="reported", reference=None, source=""
) -> dict:
    return {
        "park": park,
        "chain": chain,
        "period_start": period[0],
        "period_end": period[1],
        "indicator": indicator,
        "value": float(value),
        "qualifier": qualifier,
        "source": source,
        "basis": basis,
        "reference": reference,
    }


def parsed(
    file_name: str,
    figures: list[dict],
    errors: list[Problem] | None = None,
    fatal: str | None = None,
    data: bytes | None = None,
) -> ParsedFile:
    """A ParsedFile whose bytes default to a digest of the figures (same figures, same bytes)."""
    frame = pd.DataFrame(figures, columns=list(OBS_COLUMNS))
    for n, row in enumerate(figures, start=2):
        if not row.get("source"):
            frame.loc[n - 2, "source"] = f"{file_name}!!{n}"
    if data is None:
        data = repr(sorted((str(k), str(v)) for f in figures for k, v in f.items() if k != "source")).encode()
    report = IngestReport(file=file_name, errors=list(errors or []), fatal=fatal, fatal_en=fatal and "fatal")
    return ParsedFile(frame=frame, report=report, data=data)


def bad_row(row: int = 3) -> Problem:
    return Problem(sheet="", row=row, column="营业收入", value="12..3", message="无法识别的数值")
