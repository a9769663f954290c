"""Checks before parsing: refuse empty, oversized, encrypted, corrupt, disguised or bomb-like files cheaply."""

from __future__ import annotations

import codecs
import io
import re
import struct
import zipfile
from pathlib import PurePosixPath

from metrics.cfb import MAGIC as OLE_MAGIC
from metrics.cfb import CfbError, CompoundFile
from metrics.config import Limits
from metrics.config import limits as current_limits

Reason = tuple[str, str]  # (zh, en)

SPREADSHEET_EXTENSIONS = {".xlsx": "xlsx", ".xls": "xls", ".csv": "csv", ".txt": "csv"}
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
MAX_ZIP_MEMBERS = 10_000  # a workbook with 1,000 sheets has about 2,000 members
MAX_MEMBER_NAME = 255
RATIO_CHECK_FROM_BYTES = 1024 * 1024  # small XML parts compress 100:1 and more; only large members matter
TEXT_SNIFF_BYTES = 64 * 1024
BIFF_FILEPASS, BIFF_BOUNDSHEET = 0x002F, 0x0085
# Tab, newlines, form feed and the DOS end-of-file mark occur in real exports; other C0 controls do not.
CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0e-\x19\x1b-\x1f]")
CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0e-\x19\x1b-\x1f]")

# Signatures of common files that get renamed to .xlsx by mistake, to name them in the message.
KNOWN_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "PNG 图片", "a PNG image"),
    (b"%PDF-", "PDF 文档", "a PDF document"),
    (b"\xff\xd8\xff", "JPEG 图片", "a JPEG image"),
    (b"GIF8", "GIF 图片", "a GIF image"),
    (b"\x7fELF", "可执行程序", "an executable"),
    (b"Rar!", "RAR 压缩包", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "7z 压缩包", "a 7z archive"),
    (b"\x1f\x8b", "gzip 压缩包", "a gzip archive"),
)

ENCRYPTED = (
    "工作簿已加密，请另存为未加密的文件后再上传",
    "the workbook is encrypted (password-protected); save an unencrypted copy and upload that",
)
XLSX_PARTS = frozenset({"[Content_Types].xml", "xl/workbook.xml"})  # zip members every workbook has
OLE_ENCRYPTED_STREAMS = frozenset({"EncryptionInfo", "EncryptedPackage"})  # an encrypted .xlsx inside OLE2
OLE_WORKBOOK_STREAMS = ("Workbook", "Book")  # BIFF8, then BIFF5

CORRUPT_ZIP = (
    "文件已损坏或不完整（无法读取压缩结构），请重新导出后再上传",
    "the file is corrupt or truncated (its zip structure cannot be read); export it again",
)


def sniff_kind(data: bytes, file_name: str = "") -> str | None:
    """What the bytes are, by content alone: "xlsx", "xls", "csv" or None; the name is not trusted."""
    if data.startswith(ZIP_MAGICS):
        if _central_directory_entries(data) > MAX_ZIP_MEMBERS:
            return None
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            return None
        return "xlsx" if XLSX_PARTS <= names else None
    if data.startswith(OLE_MAGIC):
        try:
            streams = CompoundFile(data).stream_names()
        except CfbError:
            return None
        if streams & OLE_ENCRYPTED_STREAMS:
            return None
        return "xls" if streams & set(OLE_WORKBOOK_STREAMS) else None
    if _looks_like_text(data):
        return "csv"
    return None


def check_file(data: bytes, file_name: str, limits: Limits | None = None) -> Reason | None:
    """Why the file must be refused before parsing, as (zh, en); None when it may be parsed."""
    lim = limits or current_limits()
    if not data or data.isspace():
        return ("文件为空", "the file is empty")
    if len(data) > lim.max_file_bytes:
        return (
            f"文件大小 {len(data) / 1048576:.1f} MB，超过上限 {lim.max_file_mb:g} MB",
            f"the file is {len(data) / 1048576:.1f} MB, over the {lim.max_file_mb:g} MB limit",
        )
    suffix = PurePosixPath(file_name.replace("\\", "/")).suffix.lower()
    expected = SPREADSHEET_EXTENSIONS.get(suffix)
    if expected is None:
        return (
            f"不支持的文件类型“{suffix or '无扩展名'}”，请上传 .xlsx、.xls 或 .csv 文件",
            f"unsupported file type '{suffix or 'no extension'}'; upload .xlsx, .xls or .csv",
        )
    if data.startswith(ZIP_MAGICS):
        return _check_zip(data, expected, lim)
    if data.startswith(OLE_MAGIC):
        return _check_ole(data, expected)
    for magic, zh, en in KNOWN_SIGNATURES:
        if data.startswith(magic):
            return _mismatch(zh, en)
    if _looks_like_text(data):
        if expected == "csv":
            return None
        return (
            "文件扩展名是 Excel，但内容是文本（可能是改名的 CSV），请把扩展名改为 .csv 后再上传",
            "the name says Excel but the content is text (a renamed CSV?); rename it to .csv",
        )
    if expected == "csv":
        return (
            "文本编码无法识别（支持 UTF-8、GBK/GB18030 和带 BOM 的 UTF-16），或文件不是文本",
            "the text encoding is not recognised (UTF-8, GBK/GB18030 or UTF-16 with BOM expected), or it is not text",
        )
    return _mismatch("无法识别的文件", "an unrecognised file")


def _mismatch(what_zh: str, what_en: str) -> Reason:
    return (
        f"文件内容不是 Excel 或 CSV 表格（看起来是{what_zh}），请检查是否选错了文件",
        f"the content is not an Excel or CSV table (it looks like {what_en}); check the file",
    )


def _workbook_named_csv(extension: str) -> Reason:
    return (
        f"文件扩展名是 .csv，但内容是 Excel 工作簿，请把扩展名改为 {extension}",
        f"the name says .csv but the content is an Excel workbook; rename it to {extension}",
    )


def _zip_members(data: bytes, lim: Limits) -> tuple[list[zipfile.ZipInfo], Reason | None]:
    """A zip's members and why it is refused (too many members, corrupt, bad layout, a bomb), or None."""
    count = _central_directory_entries(data)
    if count > MAX_ZIP_MEMBERS:
        return [], _too_many_members(count)
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, struct.error):
        return [], CORRUPT_ZIP
    if len(infos) > MAX_ZIP_MEMBERS:
        return [], _too_many_members(len(infos))
    return infos, _check_zip_layout(infos, len(data)) or _check_zip_sizes(infos, lim)


def _check_zip(data: bytes, expected: str, lim: Limits) -> Reason | None:
    infos, reason = _zip_members(data, lim)
    if reason:
        return reason
    names = {i.filename for i in infos}
    if not XLSX_PARTS <= names:
        if "word/document.xml" in names:
            return _mismatch("Word 文档", "a Word document")
        if "ppt/presentation.xml" in names:
            return _mismatch("PowerPoint 演示文稿", "a PowerPoint presentation")
        return _mismatch("压缩包", "a zip archive")
    return _workbook_named_csv(".xlsx") if expected == "csv" else None


def _central_directory_entries(data: bytes) -> int:
    """Central-directory signatures in the file: counted at memchr speed, before zipfile builds an
    object per entry (seconds and hundreds of MB for a crafted file), and not fooled by a lying count."""
    return data.count(b"PK\x01\x02")


def _too_many_members(count: int) -> Reason:
    return (
        f"压缩结构异常：包含 {count} 个成员（上限 {MAX_ZIP_MEMBERS}），疑似恶意文件",
        f"abnormal zip structure: {count} members (limit {MAX_ZIP_MEMBERS}); possibly malicious",
    )


def _check_zip_layout(infos: list[zipfile.ZipInfo], file_size: int) -> Reason | None:
    """Absurd names, members beyond the end of the file (truncation) and overlapping members (a bomb trick)."""
    for info in infos:
        name = info.filename
        if (
            not name
            or len(name) > MAX_MEMBER_NAME
            or name.startswith(("/", "\\"))
            or ".." in name.split("/")
            or any(ord(c) < 32 for c in name)
            or ":" in name.split("/")[0]
        ):
            shown = name[:60].encode("unicode_escape").decode("ascii")
            return (
                f"压缩结构异常：成员名称不合法（{shown}），疑似恶意文件",
                f"abnormal zip structure: invalid member name ({shown}); possibly malicious",
            )
    spans = sorted((i.header_offset, i.header_offset + 30 + _raw_name_length(i) + i.compress_size) for i in infos)
    for (_start, end), (next_start, _) in zip(spans, spans[1:] + [(file_size, 0)]):
        if end > file_size:
            return CORRUPT_ZIP
        if end > next_start:
            return (
                "压缩结构异常：成员相互重叠，疑似压缩炸弹",
                "abnormal zip structure: overlapping members (a zip bomb?)",
            )
    return None


def _raw_name_length(info: zipfile.ZipInfo) -> int:
    """Bytes the member name takes in its local header (UTF-8 when flagged, else code page 437)."""
    try:
        return len(info.filename.encode("utf-8" if info.flag_bits & 0x800 else "cp437"))
    except UnicodeEncodeError:
        return len(info.filename.encode("utf-8"))


def _check_zip_sizes(infos: list[zipfile.ZipInfo], lim: Limits) -> Reason | None:
    """Decompression bomb, judged from the declared sizes in the directory without decompressing."""
    total = sum(i.file_size for i in infos)
    if total > lim.max_uncompressed_mb * 1048576:
        return (
            f"解压后大小 {total / 1048576:,.0f} MB，超过上限 {lim.max_uncompressed_mb:g} MB，疑似压缩炸弹",
            (
                f"uncompressed size {total / 1048576:,.0f} MB is over the "
                f"{lim.max_uncompressed_mb:g} MB limit (a zip bomb?)"
            ),
        )
    for info in infos:
        if info.file_size < RATIO_CHECK_FROM_BYTES:
            continue
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > lim.max_zip_ratio:
            return (
                f"压缩比异常（{info.filename} 为 {ratio:,.0f}:1，上限 {lim.max_zip_ratio:g}:1），疑似压缩炸弹",
                (
                    f"abnormal compression ratio ({info.filename}: {ratio:,.0f}:1, "
                    f"limit {lim.max_zip_ratio:g}:1); a zip bomb?"
                ),
            )
    return None


def _check_ole(data: bytes, expected: str) -> Reason | None:
    try:
        cfb = CompoundFile(data)
        streams = cfb.stream_names()
    except CfbError:
        return (
            "文件已损坏或不完整（无法读取 Excel 97-2003 结构），请重新导出后再上传",
            "the file is corrupt or truncated (its Excel 97-2003 structure cannot be read); export it again",
        )
    if streams & OLE_ENCRYPTED_STREAMS:
        return ENCRYPTED
    workbook = next((s for s in OLE_WORKBOOK_STREAMS if s in streams), None)
    if workbook is None:
        if "WordDocument" in streams:
            return _mismatch("Word 97-2003 文档", "a Word 97-2003 document")
        return _mismatch("Office 97-2003 文件", "an Office 97-2003 file")
    if expected == "csv":
        return _workbook_named_csv(".xls")
    try:
        head = cfb.read_stream_head(workbook)
    except CfbError:
        return (
            "文件已损坏或不完整（工作簿数据无法读取），请重新导出后再上传",
            "the file is corrupt or truncated (the workbook stream cannot be read); export it again",
        )
    return ENCRYPTED if _biff_has_filepass(head) else None


def _biff_has_filepass(head: bytes) -> bool:
    """True when the workbook globals carry a FILEPASS record (RC4/XOR-encrypted .xls) before the sheet list."""
    offset = 0
    while offset + 4 <= len(head):
        record, length = struct.unpack_from("<HH", head, offset)
        if record == BIFF_FILEPASS:
            return True
        if record == BIFF_BOUNDSHEET:
            return False
        offset += 4 + length
    return False


def _looks_like_text(data: bytes) -> bool:
    """Whether the head of the file decodes as text without control characters.

    UTF-16 needs its BOM (Excel's "Unicode text" export has one); otherwise UTF-8 or GB18030.
    """
    sample = data[:TEXT_SNIFF_BYTES]
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = codecs.getincrementaldecoder("utf-16")().decode(sample, final=False)
        except UnicodeDecodeError:
            return False
        return not CONTROL_CHARS.search(text)
    if sample.startswith(codecs.BOM_UTF8):
        sample = sample[3:]
    if CONTROL_BYTES.search(sample):
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            # final=False: the sample may end in the middle of a character.
            codecs.getincrementaldecoder(encoding)().decode(sample, final=False)
            return True
        except UnicodeDecodeError:
            continue
    return False


def check_zip_package(data: bytes, limits: Limits | None = None) -> Reason | None:
    """The zip checks of an .xlsx (member count, names, layout, decompression bomb) for any zip-based
    document, such as a .docx report read for its text."""
    return _zip_members(data, limits or current_limits())[1]
