"""Text from a report file: `.txt` (UTF-8, GB18030, UTF-16), `.docx` (python-docx), `.pdf` (pypdf's text
layer), or pasted text, as numbered paragraphs."""

from __future__ import annotations

import io
import re
import unicodedata
from pathlib import PurePosixPath

from metrics.config import limits
from metrics.guards import check_zip_package

TEXT_KINDS = ("txt", "docx", "pdf")


class TextError(ValueError):
    """A file whose text cannot be read: the reason in Chinese and English."""

    def __init__(self, zh: str, en: str):
        super().__init__(en)
        self.zh, self.en = zh, en

    def message(self, lang: str = "zh") -> str:
        return self.en if lang == "en" else self.zh


def text_kind(file_name: str) -> str | None:
    suffix = PurePosixPath(file_name.replace("\\", "/")).suffix.lower().lstrip(".")
    return {"txt": "txt", "text": "txt", "md": "txt", "docx": "docx", "pdf": "pdf"}.get(suffix)


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TextError(
        "文本编码无法识别（应为 UTF-8、GBK/GB18030 或 UTF-16）",
        "unknown text encoding (expected UTF-8, GBK/GB18030 or UTF-16)",
    )


def _docx_lines(data: bytes) -> list[str]:
    import zipfile

    import docx  # python-docx
    from docx.opc.exceptions import PackageNotFoundError

    reason = check_zip_package(data)
    if reason:
        raise TextError(*reason)
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise TextError("不是可读的 .docx 文件", f"not a readable .docx file ({type(exc).__name__})") from exc
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:  # figures in a Word table read as lines of their row
        for row in table.rows:
            lines.append("，".join(cell.text.strip() for cell in row.cells))
    return lines


def _pdf_lines(data: bytes) -> list[str]:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        encrypted = reader.is_encrypted
        text = "" if encrypted else "\n".join(page.extract_text() or "" for page in reader.pages)
    except Exception as exc:  # noqa: BLE001 - a malformed PDF raises many kinds; each is "not readable"
        raise TextError("不是可读的 PDF 文件", f"not a readable PDF file ({type(exc).__name__})") from exc
    if encrypted:
        raise TextError("PDF 已加密，无法读取文字", "the PDF is encrypted")
    if not text.strip():
        raise TextError(
            "PDF 中没有文字层（扫描件需先做文字识别）", "the PDF has no text layer (a scan needs OCR first)"
        )
    return _join_pdf_lines(text.splitlines())


def _join_pdf_lines(lines: list[str]) -> list[str]:
    """PDF text breaks lines at the page edge: a line as long as the longest ones that does not end a
    sentence continues on the next one; a shorter line (a heading, a paragraph's last line) ends there."""
    lines = [ln.strip() for ln in lines if ln.strip()]
    full = 0.8 * max((len(ln) for ln in lines), default=0)
    out: list[str] = []
    wrapped = False
    for line in lines:
        if out and wrapped:
            out[-1] += line
        else:
            out.append(line)
        wrapped = len(line) >= full and not re.search(r"[。！？；：:!?”」]$", line)
    return out


def paragraphs_of(data: bytes, file_name: str) -> list[str]:
    """The file's paragraphs (line N of a text file is paragraph N, blank ones included, so that `段N` is
    also its line); raises TextError with the reason for a file it cannot read."""
    kind = text_kind(file_name)
    lim = limits()
    if len(data) > lim.max_file_mb * 1048576:
        raise TextError(
            f"文件大小 {len(data) / 1048576:,.1f} MB，超过上限 {lim.max_file_mb:g} MB",
            f"the file is {len(data) / 1048576:,.1f} MB, over the {lim.max_file_mb:g} MB limit",
        )
    if kind == "docx":
        lines = _docx_lines(data)
    elif kind == "pdf":
        lines = _pdf_lines(data)
    elif kind == "txt":
        lines = _decode(data).splitlines()
    else:
        raise TextError("只能读取 .txt、.docx 或 .pdf 报告", "only .txt, .docx or .pdf reports can be read")
    return split_paragraphs("\n".join(lines))


def split_paragraphs(text: str) -> list[str]:
    """Pasted or decoded text as paragraphs, one per line, normalised (full-width digits and % to ASCII)."""
    return [_normalise(line) for line in text.splitlines()]


# CJK Radicals Supplement characters that PDF text layers give for the ideographs sharing their glyph
# (⻘ for 青, ⻓ for 长), with their equivalent unified ideographs (Unicode EquivalentUnifiedIdeograph.txt);
# Kangxi radicals (⼯ for 工) are mapped by NFKC.
RADICAL_EQUIVALENTS = str.maketrans(
    "⺌⺠⺟⺩⺮⻄⻅⻆⻈⻉⻊⻋⻐⻓⻔⻗⻘⻙⻚⻛⻜⻝⻠⻢⻣⻤⻥⻦⻧⻨⻩⻬⻮⻰⻳",
    "小民母王竹西见角讠贝足车钅长门雨青韦页风飞食饣马骨鬼鱼鸟卤麦黄齐齿龙龟",
)
_KANGXI_AND_WIDE = re.compile(r"[０-９％．\u2f00-\u2fdf]")


def _normalise(line: str) -> str:
    # Full-width digits, ％ and ．in numbers become ASCII, radicals their ideographs; Chinese punctuation
    # stays as written.
    line = line.translate(RADICAL_EQUIVALENTS)
    return _KANGXI_AND_WIDE.sub(lambda m: unicodedata.normalize("NFKC", m[0]), line).strip()
