"""Tables as downloads: CSV (UTF-8 with BOM) and xlsx, with text that no spreadsheet runs as a formula."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
import zipfile
from collections.abc import Iterator, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from metrics.model import OBS_COLUMNS
from metrics.targets import indicator_of, is_target

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# The full export's column headers in Chinese (`--lang zh`, and the data page in Chinese); English keeps
# the CONTRACT §1 ids, so scripts reading the CLI's output are unchanged.
OBS_HEADERS_ZH = {
    "park": "园区",
    "chain": "产业链",
    "period_start": "起始日",
    "period_end": "截止日",
    "indicator": "指标代码",
    "value": "数值",
    "qualifier": "限定",
    "source": "来源（文件!工作表!行）",
    "basis": "数据性质",
    "reference": "出处",
}
XLSX_MAX_ROWS = 1_048_576  # rows in one Excel sheet, header included


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


def _notes_csv(notes) -> str:
    """A header block: one `label,text` line per note, then an empty line (the table follows)."""
    if not notes:
        return ""
    block = io.StringIO()
    writer = csv.writer(block, lineterminator="\r\n")
    for label, text in notes:
        writer.writerow([defuse(str(label)), defuse(str(text))])
    writer.writerow([])
    return block.getvalue()


def table_csv_bytes(df: pd.DataFrame, notes: Sequence[tuple[str, str]] | None = None) -> bytes:
    """The table as CSV, UTF-8 with BOM (so Excel shows Chinese), formula-looking text defused; `notes`
    (label, text) pairs — what the table is: view, period, filters, basis, source, time — above it."""
    if notes:
        body = table_csv_bytes(df)
        return "\ufeff".encode() + _notes_csv(notes).encode() + body[len(b"\xef\xbb\xbf") :]
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
    """A plain Python value: float, int, bool, date, datetime or str (None for missing)."""
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


# -- xlsx ------------------------------------------------------------------------------------
# The sheet XML is written directly (openpyxl, even write-only, took ~5 s for 50,000 rows x 10
# columns; this takes well under 1 s). Every text is an inline string (t="inlineStr"), which a
# spreadsheet never evaluates, so no text can become a formula; numbers, booleans, dates are typed.

_STYLE_HEADER, _STYLE_DATE, _STYLE_DATETIME = 1, 2, 3
_STYLE_DECIMALS = (4, 5, 6, 7, 8)  # #,##0 / #,##0.0 / ... / #,##0.0000
_WIDTH_SAMPLE = 2_000  # rows looked at for a column's width
_EPOCH = dt.datetime(1899, 12, 30)  # Excel's day 0 (1900 date system, after its 1900-02-29 bug)
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ROWS_PER_CHUNK = 5_000
_XLSX_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        "{sheets}</Types>"
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<bookViews><workbookView activeTab="0"/></bookViews><sheets>{sheets}</sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{sheets}'
        '<Relationship Id="rIdStyles" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
        'Target="styles.xml"/></Relationships>'
    ),
    "xl/styles.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<numFmts count="5"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
        '<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm:ss"/><numFmt numFmtId="166" formatCode="#,##0.0"/>'
        '<numFmt numFmtId="167" formatCode="#,##0.000"/><numFmt numFmtId="168" formatCode="#,##0.0000"/></numFmts>'
        '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
        '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
        '<fills count="3"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill>'
        '<fill><patternFill patternType="solid"><fgColor rgb="00DDE5F0"/><bgColor indexed="64"/></patternFill></fill>'
        "</fills>"
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="9"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" '
        'applyAlignment="1"><alignment vertical="center" wrapText="1"/></xf>'
        '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        + "".join(
            f'<xf numFmtId="{n}" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
            for n in (3, 166, 4, 167, 168)  # #,##0 with 0 to 4 decimals
        )
        + "</cellXfs>"
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    ),
}
_SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<sheetViews><sheetView workbookViewId="0"{selected}>'
    '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
    '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
    '<sheetFormatPr defaultRowHeight="15"/><sheetData>'
)
_SHEET_DIMENSION = '<dimension ref="A1:{last}"/>'  # goes right after <worksheet ...>
_SHEET_TAIL = "</sheetData></worksheet>"


def _xml_text(text: str) -> str:
    """Text for an XML element: escaped, characters XML 1.0 cannot hold removed."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _XML_ILLEGAL.sub("", text) if _XML_ILLEGAL.search(text) else text


def _column_letters(n: int) -> str:
    letters = ""
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _text_xml(text: str, style: int = 0) -> str:
    s = f' s="{style}"' if style else ""
    return f'{s} t="inlineStr"><is><t xml:space="preserve">{_xml_text(text)}</t></is></c>'


def _value_xml(value) -> str | None:
    """The part of one cell after `<c r="A1"`, or None for an empty cell."""
    if value is None:
        return None
    if isinstance(value, str):
        return _text_xml(value)
    if isinstance(value, bool):
        return f' t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)):
        return f"><v>{value!r}</v></c>" if math.isfinite(value) else None
    if isinstance(value, dt.datetime):
        serial = (value.replace(tzinfo=None) - _EPOCH) / dt.timedelta(days=1)
        return f' s="{_STYLE_DATETIME}"><v>{serial!r}</v></c>'
    if isinstance(value, dt.date):
        return f' s="{_STYLE_DATE}"><v>{(value - _EPOCH.date()).days}</v></c>'
    return _text_xml(str(value))


def _decimal_style(places: int) -> int:
    return _STYLE_DECIMALS[max(0, min(int(places), len(_STYLE_DECIMALS) - 1))]


def _column_xml(col: pd.Series, places=None) -> list[str | None]:
    """Every cell of one column (the part after `<c r="A1"`): typed columns vectorised, others per value.
    `places`: decimals shown for a number column (one for all rows, or one per row)."""
    dtype = col.dtype
    if places is not None and (pd.api.types.is_float_dtype(dtype) or pd.api.types.is_integer_dtype(dtype)):
        plain = _column_xml(col)
        per_row = [places] * len(col) if isinstance(places, int) else list(places)
        return [
            None if cell is None else f' s="{_decimal_style(p)}"' + cell for cell, p in zip(plain, per_row, strict=True)
        ]
    if pd.api.types.is_bool_dtype(dtype) and not pd.api.types.is_object_dtype(dtype):
        return [
            None if missing else f' t="b"><v>{int(v)}</v></c>'
            for v, missing in zip(col.astype(object).tolist(), col.isna().tolist(), strict=True)
        ]
    if pd.api.types.is_float_dtype(dtype) or pd.api.types.is_integer_dtype(dtype):
        values = col.to_numpy(dtype="float64", na_value=np.nan)
        is_int = pd.api.types.is_integer_dtype(dtype)
        out = [f"><v>{v!r}</v></c>" for v in (col.astype(object).tolist() if is_int else values.tolist())]
        bad = ~np.isfinite(values)
        for n in np.flatnonzero(bad):
            out[n] = None
        return out
    if pd.api.types.is_datetime64_any_dtype(dtype) and getattr(dtype, "tz", None) is None:
        stamps = col.to_numpy(dtype="datetime64[ns]")
        missing = np.isnat(stamps)
        days = (stamps - np.datetime64("1899-12-30", "ns")) / np.timedelta64(1, "D")
        whole = days == np.floor(days)
        out = [
            f' s="{_STYLE_DATE}"><v>{int(d)}</v></c>' if w else f' s="{_STYLE_DATETIME}"><v>{d!r}</v></c>'
            for d, w in zip(np.where(missing, 0.0, days).tolist(), whole.tolist(), strict=True)
        ]
        for n in np.flatnonzero(missing):
            out[n] = None
        return out
    memo: dict = {}  # repeated values (park names, periods, indicators) are formatted once
    out = []
    for v in col.tolist():
        try:
            key = (type(v), v)
            cell = memo[key]
        except KeyError:
            cell = memo[key] = _value_xml(_cell_value(v))
        except TypeError:  # unhashable
            cell = _value_xml(_cell_value(v))
        out.append(cell)
    return out


def _sheet_chunks(
    df: pd.DataFrame, headers: list[str], letters: list[str], places: dict[int, object] | None = None
) -> Iterator[str]:
    """The sheetData rows of one sheet, a few thousand rows per string."""
    yield (
        '<row r="1">'
        + "".join(
            f'<c r="{letter}1"' + _text_xml(text, _STYLE_HEADER) for letter, text in zip(letters, headers, strict=True)
        )
        + "</row>"
    )
    for start in range(0, len(df), _ROWS_PER_CHUNK):
        part = df.iloc[start : start + _ROWS_PER_CHUNK]
        columns = [
            _column_xml(part.iloc[:, n], _rows(places.get(n), start, len(part)) if places else None)
            for n in range(part.shape[1])
        ]
        rows = []
        for offset, cells in enumerate(zip(*columns, strict=True)):
            r = start + offset + 2
            body = "".join(
                f'<c r="{letter}{r}"{cell}' for letter, cell in zip(letters, cells, strict=True) if cell is not None
            )
            rows.append(f'<row r="{r}">{body}</row>')
        yield "".join(rows)


def _rows(places, start: int, n: int):
    """The decimals of rows start..start+n (`places` one number for all rows, or one per row)."""
    if places is None or isinstance(places, int):
        return places
    return list(places)[start : start + n]


def _text_width(value) -> int:
    """Columns a text takes in Excel: two for a CJK (wide) character, one otherwise."""
    text = "" if value is None else str(value)
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _widths(df: pd.DataFrame, headers: list[str]) -> list[float]:
    """Column widths that fit the header and the first rows' values (within 8 to 60 characters)."""
    sample = df.head(_WIDTH_SAMPLE)
    widths = []
    for n, header in enumerate(headers):
        values = sample.iloc[:, n] if n < sample.shape[1] else []
        longest = max([_text_width(header), *(_text_width(_cell_text(v)) for v in values)], default=8)
        widths.append(float(min(60, max(8, longest + 2))))
    return widths


def _cell_text(value) -> str:
    value = _cell_value(value)
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return "" if value is None else str(value)


def _cols_xml(widths: list[float]) -> str:
    return (
        "<cols>"
        + "".join(f'<col min="{n}" max="{n}" width="{w:g}" customWidth="1"/>' for n, w in enumerate(widths, 1))
        + "</cols>"
    )


def _write_sheet(zf, n: int, df: pd.DataFrame, headers: list[str], selected: bool, places=None) -> None:
    letters = [_column_letters(k) for k in range(1, len(headers) + 1)]
    big = len(df) * max(len(headers), 1) > 2_000_000  # may pass ZIP's 4 GB limit uncompressed
    with zf.open(f"xl/worksheets/sheet{n}.xml", "w", force_zip64=big) as sheet:
        head = _SHEET_HEAD.format(selected=' tabSelected="1"' if selected else "")
        dimension = _SHEET_DIMENSION.format(last=f"{letters[-1] if letters else 'A'}{len(df) + 1}")
        head = head.replace("<sheetViews>", dimension + "<sheetViews>", 1)
        if headers:
            head = head.replace("<sheetData>", _cols_xml(_widths(df, headers)) + "<sheetData>", 1)
        sheet.write(head.encode())
        for chunk in _sheet_chunks(df, headers, letters, places):
            sheet.write(chunk.encode("utf-8"))
        sheet.write(_SHEET_TAIL.encode())


def table_xlsx_bytes(
    df: pd.DataFrame,
    sheet_name: str = "数据",
    units: dict[str, str] | None = None,
    *,
    notes: Sequence[tuple[str, str]] | None = None,
    notes_sheet: str = "说明",
    notes_headers: tuple[str, str] = ("项目", "内容"),
    places: dict[str, object] | None = None,
) -> bytes:
    """The table as an xlsx workbook: bold frozen header with units, typed cells, inert text, columns as wide
    as their contents; `places`: decimals of number columns by header (one number, or one per row), shown as
    #,##0.00; `notes` (label, text) pairs on a second sheet `notes_sheet` (what the table is).

    Past Excel's 1,048,576 rows the table continues on further sheets ("数据 (2)", ...).
    """
    units = units or {}
    headers = [f"{c}({units[c]})" if units.get(c) else str(c) for c in df.columns]
    by_index = {n: places[str(c)] for n, c in enumerate(df.columns) if places and str(c) in places}
    base = safe_sheet_name(sheet_name)
    per_sheet = XLSX_MAX_ROWS - 1
    starts = range(0, max(len(df), 1), per_sheet)
    names = [base if n == 1 else safe_sheet_name(f"{base[:26]} ({n})") for n in range(1, len(starts) + 1)]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for n, start in enumerate(starts, start=1):
            part_places = {k: _rows(v, start, per_sheet) for k, v in by_index.items()}
            _write_sheet(zf, n, df.iloc[start : start + per_sheet], headers, n == 1, part_places)
        if notes:
            frame = pd.DataFrame([[str(a), str(b)] for a, b in notes], columns=list(notes_headers))
            names.append(safe_sheet_name(notes_sheet))
            _write_sheet(zf, len(names), _defused(frame), list(notes_headers), False)
        numbered = list(enumerate(names, start=1))
        zf.writestr(
            "[Content_Types].xml",
            _XLSX_PARTS["[Content_Types].xml"].format(
                sheets="".join(
                    f'<Override PartName="/xl/worksheets/sheet{n}.xml" '
                    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                    for n, _ in numbered
                )
            ),
        )
        zf.writestr("_rels/.rels", _XLSX_PARTS["_rels/.rels"])
        zf.writestr(
            "xl/workbook.xml",
            _XLSX_PARTS["xl/workbook.xml"].format(
                sheets="".join(
                    f'<sheet name="{_xml_text(name).replace(chr(34), "&quot;")}" sheetId="{n}" r:id="rId{n}"/>'
                    for n, name in numbered
                )
            ),
        )
        zf.writestr(
            "xl/_rels/workbook.xml.rels",
            _XLSX_PARTS["xl/_rels/workbook.xml.rels"].format(
                sheets="".join(
                    f'<Relationship Id="rId{n}" '
                    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
                    f'Target="worksheets/sheet{n}.xml"/>'
                    for n, _ in numbered
                )
            ),
        )
        zf.writestr("xl/styles.xml", _XLSX_PARTS["xl/styles.xml"])
    return buffer.getvalue()


EXPORTED_TARGET_BASES = {"reported": "target", "illustrative": "illustrative_target"}


def observations_export_frame(store) -> pd.DataFrame:
    """Current observations in CONTRACT §1 column order (then basis, reference), sorted by the key; targets
    as their catalog indicator with basis `target` / `illustrative_target`."""
    frame = store.observations_frame()[list(OBS_COLUMNS)]
    for col in ("period_start", "period_end"):
        frame[col] = pd.to_datetime(frame[col]).to_numpy().astype("datetime64[D]").astype(object)
    targets = frame["indicator"].map(is_target).astype(bool)
    if targets.any():  # written as a file states them (the catalog id, basis target), so they load back as targets
        frame["indicator"] = frame["indicator"].astype(object).map(indicator_of)
        frame["basis"] = frame["basis"].astype(object).where(~targets, frame["basis"].map(EXPORTED_TARGET_BASES))
    return frame.reset_index(drop=True)


def with_headers(frame: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """The full export with its column headers in `lang`: Chinese for zh (OBS_HEADERS_ZH), the CONTRACT ids
    otherwise. Values stay as stored (canonical units, ids, `file!sheet!row`)."""
    return frame.rename(columns=OBS_HEADERS_ZH) if lang == "zh" else frame
