"""Tables as downloads: CSV (UTF-8 with BOM) and xlsx, with text that no spreadsheet runs as a formula."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill

from metrics.model import OBS_COLUMNS

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_MAX_ROWS = 1_048_576  # rows in one Excel sheet, header included
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE5F0")
HEADER_ALIGN = Alignment(vertical="center", wrap_text=True)


def defuse(text: str) -> str:
    """Text with a leading `'` when a spreadsheet would read it as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _defused(df: pd.DataFrame) -> pd.DataFrame:
    """A copy with string column names and every formula-looking text cell defused."""
    safe = df.copy()
    safe.columns = [defuse(str(c)) for c in safe.columns]
    for n in range(safe.shape[1]):
        col = safe.iloc[:, n]
        if pd.api.types.is_string_dtype(col.dtype) and not pd.api.types.is_object_dtype(col.dtype):
            needs = col.str.startswith(FORMULA_STARTS, na=False)
            if needs.any():
                safe.iloc[:, n] = col.where(~needs, "'" + col)
        elif pd.api.types.is_object_dtype(col.dtype):
            safe.isetitem(n, col.map(lambda v: defuse(v) if isinstance(v, str) else v))
    return safe


def _arrow_table(df: pd.DataFrame) -> pa.Table:
    """The frame as Arrow; timestamp columns that hold only dates become dates."""
    table = pa.Table.from_pandas(df, preserve_index=False)
    for n, field in enumerate(table.schema):
        if pa.types.is_timestamp(field.type):
            column = table.column(n)
            as_date = column.cast(pa.date32())
            if pc.all(pc.equal(as_date.cast(field.type), column)).as_py() in (True, None):
                table = table.set_column(n, field.name, as_date)
    return table


def table_csv_bytes(df: pd.DataFrame) -> bytes:
    """The table as CSV, UTF-8 with BOM (so Excel shows Chinese), formula-looking text defused."""
    safe = _defused(df)
    try:
        table = _arrow_table(safe)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, ValueError):
        # mixed-type columns Arrow cannot hold: pandas writes them cell by cell (slower)
        return safe.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")
    header = io.StringIO()
    csv.writer(header, lineterminator="\r\n").writerow(table.column_names)  # quoted only where needed
    buffer = io.BytesIO()
    buffer.write(header.getvalue().encode("utf-8-sig"))
    pa_csv.write_csv(table, buffer, pa_csv.WriteOptions(include_header=False, quoting_style="needed", eol="\r\n"))
    return buffer.getvalue()


def safe_sheet_name(name: str) -> str:
    """A sheet name Excel accepts: no []:*?/\\, no leading/trailing quote, at most 31 characters."""
    cleaned = re.sub(r"[\[\]:*?/\\]", "", str(name)).strip().strip("'")[:31].strip()
    return cleaned or "数据"


def _cell_value(value):
    """A Python value openpyxl writes as a number, date, boolean or text (None for missing)."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) else float(value)
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, pd.Timestamp):
        return value.date() if value == value.normalize() else value.to_pydatetime()
    if isinstance(value, (dt.date, dt.datetime)):
        return value
    if isinstance(value, np.datetime64):
        return _cell_value(pd.Timestamp(value))
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return str(value)


def _text_cell(ws, text: str) -> WriteOnlyCell:
    """A cell holding `text` as a string, never a formula (openpyxl reads a leading '=' as one)."""
    cell = WriteOnlyCell(ws, value=text)
    cell.data_type = "s"
    return cell


def table_xlsx_bytes(df: pd.DataFrame, sheet_name: str = "数据", units: dict[str, str] | None = None) -> bytes:
    """The table as an xlsx workbook: bold frozen header with units, typed cells, inert text."""
    units = units or {}
    headers = [f"{c}({units[c]})" if units.get(c) else str(c) for c in df.columns]
    wb = Workbook(write_only=True)
    base = safe_sheet_name(sheet_name)
    per_sheet = XLSX_MAX_ROWS - 1
    chunks = range(0, max(len(df), 1), per_sheet)
    for n, start in enumerate(chunks, start=1):
        ws = wb.create_sheet(base if n == 1 else safe_sheet_name(f"{base[:26]} ({n})"))
        ws.freeze_panes = "A2"
        header_cells = []
        for text in headers:
            cell = _text_cell(ws, text)
            cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGN
            header_cells.append(cell)
        ws.append(header_cells)
        for row in df.iloc[start : start + per_sheet].itertuples(index=False, name=None):
            ws.append([_xlsx_cell(ws, _cell_value(v)) for v in row])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _xlsx_cell(ws, value):
    """Plain values as they are (openpyxl formats dates itself); text openpyxl would take for a formula typed as text."""
    if isinstance(value, str) and value.startswith("="):
        return _text_cell(ws, value)
    return value


def observations_export_frame(store) -> pd.DataFrame:
    """Current observations in CONTRACT §1 column order (then basis, reference), sorted by the key."""
    frame = store.observations_frame()[list(OBS_COLUMNS)]
    for col in ("period_start", "period_end"):
        frame[col] = pd.to_datetime(frame[col]).to_numpy().astype("datetime64[D]").astype(object)
    return frame.reset_index(drop=True)


observations_frame = observations_export_frame  # the name docs/ARCHITECTURE.md gives it
