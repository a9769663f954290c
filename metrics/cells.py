"""A bad cell costs that cell only: load a row's valid cells, and turn corrected cell texts into figures."""

from __future__ import annotations

import dataclasses
import hashlib
import json

import pandas as pd

from metrics.ingest.values import parse_cell
from metrics.model import OBS_COLUMNS, ParsedFile, Problem

NOT_A_VALUE_CELL = (
    "此处不是数值单元格（园区、时期或表头的问题），请修改文件后重新上传",
    "not a value cell (a park, period or header problem): fix the file and upload it again",
)
STILL_EMPTY = ("更正后的内容为空或为缺失标记", "the corrected text is empty or a missing marker")


@dataclasses.dataclass(frozen=True)
class Correction:
    """One corrected cell as the analyst typed it: where, what the file said, what it should say."""

    sheet: str
    row: int | None
    column: str | None
    original: str | None
    corrected: str


def with_valid_cells(parsed: ParsedFile) -> ParsedFile:
    """The file with every valid cell: the figures of rows with a bad value cell join the clean rows'.

    The bad cells stay listed in `report.errors`; rows whose key (park, period...) cannot be read are
    still left out whole, since none of their figures has a key.
    """
    if parsed.partial_frame is None or not len(parsed.partial_frame):
        return parsed
    frame = _concat([parsed.frame, parsed.partial_frame])
    report = dataclasses.replace(parsed.report, skipped_rows=_rows_left_out(parsed))
    return _derived(parsed, frame, report, "cells")


def apply_corrections(parsed: ParsedFile, corrections: list[Correction], who: str) -> tuple[ParsedFile, list[Problem]]:
    """The file with corrected cells as figures (and, once a row has no bad cell left, that row's other
    figures); the corrections that are still not valid come back as problems (zh/en, same place)."""
    figures, invalid, records, fixed = [], [], [], set()
    for c in corrections:
        key = (c.sheet, c.row, c.column)
        cell = parsed.fixable_cells.get(key)
        if cell is None:
            invalid.append(_problem(parsed, c, *NOT_A_VALUE_CELL))
            continue
        read = parse_cell(c.corrected.strip(), cell.unit, cell.factor)
        if read.error or read.missing:
            invalid.append(_problem(parsed, c, *(read.error or STILL_EMPTY)))
            continue
        figures.append(
            {
                "park": cell.park,
                "chain": cell.chain,
                "period_start": cell.period_start,
                "period_end": cell.period_end,
                "indicator": cell.indicator,
                "value": read.value,
                "qualifier": read.qualifier,
                "source": cell.source,
                "basis": cell.basis,
                "reference": cell.reference,
            }
        )
        fixed.add(key)
        records.append(
            {
                "sheet": c.sheet,
                "row": c.row,
                "column": c.column,
                "original": c.original,
                "corrected": c.corrected,
                "value": read.value,
                "qualifier": read.qualifier,
                "by": who,
            }
        )
    if not figures:
        return parsed, invalid
    errors = [p for p in parsed.report.errors if (p.sheet, p.row, p.column) not in fixed]
    # A row whose bad cells are all corrected is a clean row now: its other figures join the file's.
    rows_with_errors = {(p.sheet, p.row) for p in errors}
    prefix = f"{parsed.report.file}!"
    freed_sources = {f"{prefix}{sheet}!{row}" for sheet, row, _ in fixed if (sheet, row) not in rows_with_errors}
    partial = parsed.partial_frame
    parts = [parsed.frame]
    if partial is not None and len(partial) and freed_sources:
        freed = partial["source"].astype(str).isin(freed_sources).to_numpy()
        parts.append(partial[freed])
        partial = partial[~freed].reset_index(drop=True)
    parts.append(pd.DataFrame(figures, columns=list(OBS_COLUMNS)))
    report = dataclasses.replace(parsed.report, errors=errors, corrections=[*parsed.report.corrections, *records])
    out = _derived(parsed, _concat(parts), report, json.dumps(records, ensure_ascii=False, default=str))
    out.partial_frame = partial
    out.fixable_cells = {k: v for k, v in parsed.fixable_cells.items() if k not in fixed}
    out.report.skipped_rows = _rows_left_out(out)
    return out, invalid


def _rows_left_out(parsed: ParsedFile) -> int:
    """Rows that lose every figure: those with an error that is not a correctable value cell."""
    return len(
        {(p.sheet, p.row) for p in parsed.report.errors if (p.sheet, p.row, p.column) not in parsed.fixable_cells}
    )


def _derived(parsed: ParsedFile, frame: pd.DataFrame, report, variant: str) -> ParsedFile:
    """A ParsedFile of the same bytes with other figures. Its content digest differs from the plain
    file's, so that the store does not take it for the plain file already loaded (same bytes, fewer figures)."""
    out = dataclasses.replace(parsed, frame=frame, report=report, keys_unique=False)
    digest = hashlib.sha256()
    digest.update((parsed.content_sha256 or "").encode())
    digest.update(f"\0{variant}".encode())
    out._digest = digest.hexdigest()
    return out


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Observation frames one after the other; Categoricals of different categories become objects."""
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame({c: [] for c in OBS_COLUMNS})
    if len(frames) == 1:
        return frames[0].reset_index(drop=True)
    as_objects = [f.astype({c: object for c in OBS_COLUMNS if c != "value"}) for f in frames]
    return pd.concat(as_objects, ignore_index=True)


def _problem(parsed: ParsedFile, c: Correction, zh: str, en: str) -> Problem:
    file = parsed.report.file
    return Problem(
        sheet=c.sheet,
        row=c.row,
        column=c.column,
        value=c.corrected,
        message=f"{file} 第{c.row}行“{c.column}”列：更正“{c.corrected}”{zh}",
        message_en=f"{file}, row {c.row}, column {c.column!r}: correction {c.corrected!r}: {en}",
    )
