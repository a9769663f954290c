"""metrics.guards: files refused before parsing, and files let through."""

from __future__ import annotations

import contextlib
import io
import struct
import zipfile
import zlib

import pytest
from ingest_support import xlsx_bytes as workbook_bytes
from PIL import Image

from metrics.config import limits
from metrics.guards import ENCRYPTED, MAX_ZIP_MEMBERS, check_file, sniff_kind

CONTENT_TYPES = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'


def real_xlsx() -> bytes:
    rows = [["园区", "统计期", "营业收入(万元)"], *([f"园区{i}", "2023年", i * 1.5] for i in range(300))]
    return workbook_bytes({"Sheet": rows})


def zip_of(members: dict[str, bytes], compress=zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compress) as z:
        for name, body in members.items():
            z.writestr(name, body)
    return out.getvalue()


def zip_declaring(sheet_size: int, real_size: int = 1 << 20) -> bytes:
    """A hand-built zip64 xlsx whose sheet member declares `sheet_size` bytes (its data: `real_size` zeros)."""
    body = zlib.compressobj(9, zlib.DEFLATED, -15)
    deflated = body.compress(b"\0" * real_size) + body.flush()
    crc = zlib.crc32(b"\0" * real_size)
    members = [
        ("[Content_Types].xml", CONTENT_TYPES, 0, len(CONTENT_TYPES), len(CONTENT_TYPES), zlib.crc32(CONTENT_TYPES)),
        ("xl/workbook.xml", b"<workbook/>", 0, 11, 11, zlib.crc32(b"<workbook/>")),
        ("xl/worksheets/sheet1.xml", deflated, 8, len(deflated), sheet_size, crc),
    ]
    local, central = b"", b""
    for name, data, method, csize, usize, crc32 in members:
        n = name.encode()
        extra = struct.pack("<HHQQ", 1, 16, usize, csize)
        offset = len(local)
        local += (
            struct.pack(
                "<4sHHHHHIIIHH", b"PK\3\4", 45, 0, method, 0, 0x21, crc32, 0xFFFFFFFF, 0xFFFFFFFF, len(n), len(extra)
            )
            + n
            + extra
            + data
        )
        central += (
            struct.pack(
                "<4sHHHHHHIIIHHHHHII",
                b"PK\1\2",
                45,
                45,
                0,
                method,
                0,
                0x21,
                crc32,
                0xFFFFFFFF,
                0xFFFFFFFF,
                len(n),
                len(extra),
                0,
                0,
                0,
                0,
                offset,
            )
            + n
            + extra
        )
    end = struct.pack("<4sHHHHIIH", b"PK\5\6", 0, 0, 3, 3, len(central), len(local), 0)
    return local + central + end


def compound_file(streams: dict[str, bytes]) -> bytes:
    """A minimal OLE2 compound file (512-byte sectors, every stream >= 4096 bytes) holding `streams`."""
    end, fat_sect, free = 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
    fat = [fat_sect, end]  # sector 0: the FAT; sector 1: the directory
    data, entries = b"", []
    for name, body in streams.items():
        body = body.ljust(max(4096, -(-len(body) // 512) * 512), b"\0")
        start = len(fat)
        n = len(body) // 512
        fat += list(range(start + 1, start + n)) + [end]
        entries.append((name, 2, start, len(body)))
        data += body
    fat += [free] * (128 - len(fat))

    def entry(name, kind, start, size, child=free, right=free):
        raw = (name + "\0").encode("utf-16-le")
        return (
            raw.ljust(64, b"\0")
            + struct.pack("<HBB", len(raw), kind, 1)
            + struct.pack("<III", free, right, child)
            + b"\0" * 36
            + struct.pack("<IQ", start, size)
        )

    directory = entry("Root Entry", 5, end, 0, child=1)
    for i, (name, kind, start, size) in enumerate(entries):
        directory += entry(name, kind, start, size, right=i + 2 if i + 1 < len(entries) else free)
    directory = directory.ljust(512, b"\0")
    header = (
        bytes.fromhex("D0CF11E0A1B11AE1")
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 10
        + struct.pack("<IIIIIIII", 1, 1, 0, 4096, end, 0, end, 0)
        + struct.pack("<109I", 0, *([free] * 108))
    )
    return header + struct.pack("<128I", *fat) + directory + data


def biff(*records: tuple[int, bytes]) -> bytes:
    return b"".join(struct.pack("<HH", kind, len(body)) + body for kind, body in records)


BOF = (0x0809, b"\x00\x06\x05\x00" + b"\0" * 12)
FILEPASS = (0x002F, b"\x01\x00" + b"\0" * 52)
BOUNDSHEET = (0x0085, b"\0" * 14)


@pytest.fixture(scope="module")
def xlsx_bytes() -> bytes:
    return real_xlsx()


def test_normal_xlsx_passes(xlsx_bytes):
    assert check_file(xlsx_bytes, "园区数据.xlsx") is None
    assert check_file(xlsx_bytes, "REPORT.XLSX") is None
    assert sniff_kind(xlsx_bytes, "x.xlsx") == "xlsx"


def test_xlsx_named_xls_passes_because_content_decides(xlsx_bytes):
    assert check_file(xlsx_bytes, "old-name.xls") is None


@pytest.mark.parametrize("data", [b"", b"   \r\n  "])
def test_empty_file_refused(data):
    zh, en = check_file(data, "a.csv")
    assert zh == "文件为空" and "empty" in en


def test_over_size_limit_names_the_limit(monkeypatch):
    monkeypatch.setenv("PARKDASH_MAX_FILE_MB", "1")
    data = "园区,营业收入\n东营经济技术开发区,1\n".encode() * 40_000
    zh, en = check_file(data, "big.csv")
    assert "超过上限 1 MB" in zh and "1 MB limit" in en
    assert check_file(data[:900_000], "small.csv") is None


def test_limits_argument_overrides_environment(xlsx_bytes):
    from dataclasses import replace

    zh, en = check_file(xlsx_bytes, "a.xlsx", replace(limits(), max_file_mb=0.001))
    assert "超过上限 0.001 MB" in zh and "over the 0.001 MB limit" in en
    assert check_file(xlsx_bytes, "a.xlsx") is None  # the environment's limit lets it through


@pytest.mark.parametrize("name", ["数据.docx", "数据.pdf", "数据", "data.xlsm.exe"])
def test_unsupported_extension_refused(name):
    zh, en = check_file("园区,营业收入\n".encode(), name)
    assert "不支持的文件类型" in zh and "unsupported" in en


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, format="PNG")
    return out.getvalue()


def pdf_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, format="PDF")
    return out.getvalue()


def docx_bytes() -> bytes:
    return zip_of({"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": b"<w:document/>"})


@pytest.mark.parametrize("make, what", [(png_bytes, "PNG"), (pdf_bytes, "PDF"), (docx_bytes, "Word")])
def test_renamed_files_refused_and_named(make, what):
    data = make()
    zh = check_file(data, "园区数据.xlsx")[0]
    assert "不是 Excel 或 CSV" in zh and what in zh
    assert sniff_kind(data, "园区数据.xlsx") is None


def test_truncated_xlsx_refused(xlsx_bytes):
    half = xlsx_bytes[: len(xlsx_bytes) // 2]
    zh, en = check_file(half, "cut.xlsx")
    assert "损坏或不完整" in zh and "truncated" in en
    assert sniff_kind(half, "cut.xlsx") is None


def test_member_running_past_end_of_file_refused(xlsx_bytes):
    # A directory entry whose compressed size reaches beyond the file: data is missing.
    first_entry = xlsx_bytes.index(b"PK\1\2")
    patched = bytearray(xlsx_bytes)
    patched[first_entry + 20 : first_entry + 24] = struct.pack("<I", len(xlsx_bytes))
    zh = check_file(bytes(patched), "d.xlsx")[0]
    assert "损坏或不完整" in zh


@pytest.mark.parametrize(
    "data, reason",
    [
        (bytes(range(256)) * 40, "文件内容不是 Excel 或 CSV 表格（看起来是无法识别的文件）"),
        (b"PK\3\4" + bytes(range(256)) * 40, "文件已损坏或不完整（无法读取压缩结构）"),
        (bytes.fromhex("D0CF11E0A1B11AE1") + b"\xff" * 2000, "文件已损坏或不完整（无法读取 Excel 97-2003 结构）"),
    ],
)
def test_corrupt_bytes_refused(data, reason):
    for name in ("corrupt.xlsx", "corrupt.xls"):
        zh, en = check_file(data, name)
        assert zh.startswith(reason) and en, (name, zh)
    assert sniff_kind(data, "corrupt.xlsx") is None


def test_encrypted_xlsx_fixture_refused(fixtures_dir):
    data = (fixtures_dir / "bad" / "encrypted.xlsx").read_bytes()
    assert check_file(data, "加密.xlsx") == ENCRYPTED
    assert ENCRYPTED[0] == "工作簿已加密，请另存为未加密的文件后再上传"
    assert sniff_kind(data, "加密.xlsx") is None


def test_encrypted_xls_with_filepass_refused():
    data = compound_file({"Workbook": biff(BOF, FILEPASS, BOUNDSHEET)})
    assert check_file(data, "old.xls") == ENCRYPTED


def test_plain_xls_structure_passes():
    data = compound_file({"Workbook": biff(BOF, BOUNDSHEET)})
    assert sniff_kind(data, "old.xls") == "xls"
    assert check_file(data, "old.xls") is None


def test_word_97_document_named_xls_refused():
    data = compound_file({"WordDocument": b"\xec\xa5" + b"\0" * 100})
    zh, _ = check_file(data, "old.xls")
    assert "Word" in zh
    assert sniff_kind(data, "old.xls") is None


@contextlib.contextmanager
def never_decompressing():
    """Fail the test if any zip member is opened (decompressed) inside the block: the work is shown, not timed."""

    def refuse(*args, **kwargs):
        raise AssertionError("a zip member was decompressed")

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(zipfile.ZipFile, "open", refuse)
        mp.setattr(zipfile.ZipFile, "read", refuse)
        yield


@contextlib.contextmanager
def never_reading_the_directory():
    """Fail the test if zipfile parses the central directory (an object per member) inside the block."""

    def refuse(*args, **kwargs):
        raise AssertionError("zipfile read the whole directory")

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(zipfile.ZipFile, "_RealGetContents", refuse)
        yield


def test_real_zip_bomb_refused_by_ratio():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("xl/workbook.xml", b"<workbook/>")
        with z.open("xl/worksheets/sheet1.xml", "w") as member:
            chunk = b"\0" * (1 << 20)
            for _ in range(16):  # 16 MB of zeros deflate to about 16 KB: a ratio near 1000:1
                member.write(chunk)
    data = out.getvalue()
    assert len(data) < 50_000
    with never_decompressing():  # judged from the directory alone: quick whatever the machine's load
        zh = check_file(data, "bomb.xlsx")[0]
    assert "压缩比异常" in zh and "sheet1.xml" in zh


def test_declared_10_gb_bomb_refused_without_decompressing():
    data = zip_declaring(10 * 1024**3)
    assert zipfile.ZipFile(io.BytesIO(data)).getinfo("xl/worksheets/sheet1.xml").file_size == 10 * 1024**3
    with never_decompressing():
        zh, en = check_file(data, "bomb.xlsx")
    assert "超过上限 1000 MB" in zh and "zip bomb" in en


def test_hand_built_zip_with_honest_sizes_passes():
    # The same hand-built layout with a truthful declared size: the bomb test refuses for the size alone.
    assert check_file(zip_declaring(1 << 19, real_size=1 << 19), "ok.xlsx") is None


def test_small_well_compressed_members_are_not_bombs():
    data = zip_of(
        {
            "[Content_Types].xml": CONTENT_TYPES,
            "xl/workbook.xml": b"<workbook/>",
            "xl/sharedStrings.xml": b" " * 900_000,
        }
    )
    assert check_file(data, "ok.xlsx") is None


def test_too_many_members_refused_before_reading_the_directory_even_when_the_count_lies():
    members = {"[Content_Types].xml": CONTENT_TYPES, "xl/workbook.xml": b"<workbook/>"}
    members.update({f"xl/m{i}.xml": b"" for i in range(MAX_ZIP_MEMBERS)})
    data = bytearray(zip_of(members, zipfile.ZIP_STORED))
    end = data.rfind(b"PK\5\6")
    data[end + 8 : end + 12] = struct.pack("<HH", 5, 5)  # the end record claims 5 members
    with never_reading_the_directory():  # counted before zipfile builds an object per member
        zh, en = check_file(bytes(data), "many.xlsx")
        assert sniff_kind(bytes(data), "many.xlsx") is None
    assert "10002 个成员" in zh and "members" in en


@pytest.mark.parametrize("name", ["../../etc/passwd", "/abs/sheet.xml", "xl/a\x01b.xml", "C:/x.xml", "x" * 300])
def test_absurd_member_names_refused(name):
    data = zip_of({"[Content_Types].xml": CONTENT_TYPES, "xl/workbook.xml": b"<workbook/>", name: b"x"})
    zh = check_file(data, "odd.xlsx")[0]
    assert "名称不合法" in zh


def test_overlapping_members_refused(xlsx_bytes):
    # Point the second central-directory entry at the first local header (the overlapping-file bomb trick).
    zf = zipfile.ZipFile(io.BytesIO(xlsx_bytes))
    cd_offset = zf.start_dir
    second = xlsx_bytes.index(b"PK\1\2", xlsx_bytes.index(b"PK\1\2", cd_offset) + 4)
    patched = bytearray(xlsx_bytes)
    patched[second + 42 : second + 46] = struct.pack("<I", 0)
    zh = check_file(bytes(patched), "overlap.xlsx")[0]
    assert "重叠" in zh


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8", "utf-8-sig"])
def test_csv_in_common_encodings_passes(encoding):
    text = "园区,统计期,营业收入(万元)\r\n东营经济技术开发区,2023年,110余\r\n潍坊滨海经济技术开发区,2023年前三季度,19.5%\r\n"
    data = (text * 200).encode(encoding)
    assert check_file(data, "导出.csv") is None
    assert check_file(data, "导出.txt") is None
    assert sniff_kind(data, "导出.csv") == "csv"


def test_utf16_unicode_text_export_passes():
    # Excel's "Unicode text (*.txt)": UTF-16 LE with BOM, tab-separated.
    data = "园区\t营业收入\r\n东营经济技术开发区\t110余\r\n".encode("utf-16")
    assert check_file(data, "导出.txt") is None
    assert sniff_kind(data, "导出.txt") == "csv"


def test_csv_cut_mid_character_still_text():
    data = ("园区,营业收入\n" + "东营经济技术开发区,1\n" * 5000).encode("utf-8")
    assert sniff_kind(data[:65_537], "a.csv") == "csv"


def test_csv_renamed_to_xlsx_refused():
    zh = check_file("园区,营业收入\n东营,1\n".encode("gbk"), "a.xlsx")[0]
    assert "改名的 CSV" in zh


def test_xlsx_renamed_to_csv_refused(xlsx_bytes):
    zh = check_file(xlsx_bytes, "a.csv")[0]
    assert ".xlsx" in zh


def test_binary_named_csv_refused():
    zh = check_file(b"\x00\x01\x02" * 100, "a.csv")[0]
    assert "编码" in zh
    assert sniff_kind(b"\x00\x01\x02" * 100, "a.csv") is None


def test_non_ascii_member_names_pass():
    data = zip_of(
        {
            "[Content_Types].xml": CONTENT_TYPES,
            "xl/workbook.xml": b"<workbook/>",
            "xl/media/园区照片.png": png_bytes(),
            "xl/worksheets/sheet1.xml": b"<worksheet/>",
        }
    )
    assert check_file(data, "园区.xlsx") is None
