"""Hostile and broken uploads: every one ends in ``InvalidInput`` with a Chinese message.

Several of these would abort the whole Python process inside calamine (a Rust allocation
failure is not an exception) if the guards in ``sheet_guard`` did not run first.
"""

from __future__ import annotations

import contextlib
import io
import struct
import zipfile
import zlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from notices.ledgers.payouts.sheet import read_payout_sheet
from notices.ledgers.spreadsheet import guard as sheet_guard
from tests.notices.fixtures.books import (
    HEADER,
    ODS_HEAD,
    ODS_TAIL,
    Sheet,
    clerk_sheet,
    csv_bytes,
    ods,
    ods_table,
    replace_member,
    xlsx,
    zip_with,
)
from tests.notices.fixtures.numbers import make_id
from villages.errors import InvalidInput

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(40)
CLEAN = xlsx(clerk_sheet())


def rejected(data: bytes, filename: str = "清册.xlsx", **kwargs: int) -> str:
    with pytest.raises(InvalidInput) as caught:
        read_payout_sheet(data, filename, **kwargs)  # type: ignore[arg-type]
    message = caught.value.message
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message)  # written for the clerk
    return message


def test_png_renamed_xlsx() -> None:
    assert "PNG图片" in rejected(PNG)


def test_csv_renamed_xlsx() -> None:
    data = csv_bytes([HEADER, ["1", "张庄村", "1组", "张三", make_id(), "1", "1", "1"]], "gbk")
    assert "纯文本" in rejected(data, "清册.xlsx")
    assert "纯文本" in rejected(csv_bytes([HEADER], "utf-8-sig"), "清册.xls")


def test_workbook_renamed_csv() -> None:
    assert "Excel工作簿" in rejected(CLEAN, "清册.csv")


def test_html_disguised_as_xls() -> None:
    page = "<html><body><table><tr><td>姓名</td></tr></table></body></html>".encode()
    assert "网页" in rejected(page, "导出.xls")


@pytest.mark.parametrize(
    ("data", "filename", "expected"),
    [
        (b"", "a.xlsx", "空的"),
        (CLEAN, "a.docx", "不支持"),
        (CLEAN, "noextension", "不支持"),
        (b"%PDF-1.7 ...", "a.xlsx", "PDF"),
        (zip_with({"word/document.xml": b"<w/>"}), "a.xlsx", "Word"),
        (zip_with({"hello.txt": b"hi"}), "a.xlsx", "压缩包"),
        (zip_with({"xl/workbook.bin": b"x", "xl/workbook.xml": b"x"}), "a.xlsx", ".xlsb"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "a.xls", "损坏"),
        (b"PK\x03\x04" + bytes(100), "a.xlsx", "损坏"),
        (bytes(range(256)) * 4, "a.csv", "无法识别"),
        (OLE2 + bytes(500) + "EncryptedPackage".encode("utf-16-le"), "a.xlsx", "密码"),
    ],
)
def test_broken_files(data: bytes, filename: str, expected: str) -> None:
    assert expected in rejected(data, filename)


def test_size_cap_on_raw_bytes() -> None:
    assert "上限" in rejected(CLEAN, max_bytes=len(CLEAN) - 1)


def test_row_cap() -> None:
    rows = [HEADER] + [
        [i, "张庄村", "1组", "张三", make_id(seq=i % 1000), 1, 1, 1] for i in range(30)
    ]
    assert "上限" in rejected(xlsx(Sheet("表", rows)), max_rows=10)
    text = csv_bytes(rows, "utf-8")
    assert "上限" in rejected(text, "a.csv", max_rows=10)


def test_zip_bomb_declared_size() -> None:
    # 300 MB of zeros compress to ~300 KB: refused from the directory, nothing inflated.
    zeros = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = bytes(1 << 20)
    body = b"".join(zeros.compress(chunk) for _ in range(300)) + zeros.flush()
    bomb = _raw_zip(
        {"xl/workbook.xml": b"<workbook/>"}, "xl/worksheets/sheet1.xml", body, 300 << 20
    )
    assert "压缩炸弹" in rejected(bomb)


def test_zip_bomb_that_lies_about_its_size(monkeypatch: pytest.MonkeyPatch) -> None:
    # The directory claims 1 KB; the data inflates to 8 MB. The cap is lowered for speed:
    # the point is that the real inflated size is measured, not the declared one.
    monkeypatch.setattr(sheet_guard, "MAX_UNCOMPRESSED", 4 << 20)
    zeros = zlib.compressobj(9, zlib.DEFLATED, -15)
    body = zeros.compress(bytes(8 << 20)) + zeros.flush()
    bomb = _raw_zip({"xl/workbook.xml": b"<workbook/>"}, "xl/worksheets/sheet1.xml", body, 1024)
    assert "压缩炸弹" in rejected(bomb)


def test_too_many_entries() -> None:
    members = {f"xl/media/{i}.xml": b"" for i in range(sheet_guard.MAX_ENTRIES + 1)}
    assert "条目过多" in rejected(zip_with({"xl/workbook.xml": b"<w/>", **members}, level=1))


def test_far_apart_cells_are_refused_before_calamine() -> None:
    # A1 and XFD1048576: calamine would allocate 17 billion cells and abort the process.
    book = xlsx(Sheet("表", [["x"]]))
    sheet_xml = zipfile.ZipFile(io.BytesIO(book)).read("xl/worksheets/sheet1.xml")
    far = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>y</t></is></c></row>'
    bomb = replace_member(
        book, "xl/worksheets/sheet1.xml", sheet_xml.replace(b"</sheetData>", far + b"</sheetData>")
    )
    assert "范围过大" in rejected(bomb)


def test_far_apart_cells_written_without_references() -> None:
    # Cells without r="…" and with a namespace prefix take the slow, exact scan.
    row = "<x:c><x:v>1</x:v></x:c>" * 5000
    rows = "".join(f"<x:row>{row}</x:row>" for _ in range(3))
    sheet_xml = (
        '<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<x:sheetData><x:row r="1048576"><x:c r="A1048576"><x:v>1</x:v></x:c></x:row>{rows}'
        "</x:sheetData></x:worksheet>"
    ).encode()
    assert "范围过大" in rejected(replace_member(CLEAN, "xl/worksheets/sheet1.xml", sheet_xml))


def test_legitimate_shapes_pass_the_guard() -> None:
    # Wide sheets (columns past Z), many sheets, styled empty cells far below the data.
    wide_header = [*HEADER, *(f"附加{i}" for i in range(40))]
    wide = Sheet("宽表", [wide_header, [1, "张庄村", "1组", "张三", make_id(seq=1), 1, 1, 1]])
    many = [Sheet(f"村{i}", [HEADER, [1, "张庄村", "1组", "李四", make_id(seq=i + 10), 1, 1, 1]])
            for i in range(30)]  # fmt: skip
    book = xlsx(wide, *many)
    sheet_xml = zipfile.ZipFile(io.BytesIO(book)).read("xl/worksheets/sheet1.xml")
    styled = b'<row r="1048576"><c r="XFD1048576" s="0"/></row>'
    book = replace_member(
        book,
        "xl/worksheets/sheet1.xml",
        sheet_xml.replace(b"</sheetData>", styled + b"</sheetData>"),
    )
    parsed = read_payout_sheet(book, "a.xlsx")
    assert len(parsed.rows) == 31 and parsed.problems == ()


def test_ods_repeat_bomb() -> None:
    cell = (
        '<table:table-cell office:value-type="float" office:value="1"'
        ' table:number-columns-repeated="10000"><text:p>1</text:p></table:table-cell>'
    )
    table = (
        '<table:table table:name="S"><table:table-row table:number-rows-repeated="10000">'
        f"{cell}</table:table-row></table:table>"
    )
    assert "范围过大" in rejected(ods(ODS_HEAD + table + ODS_TAIL), "a.ods")


def test_ods_trailing_empty_repeats_are_fine() -> None:
    # LibreOffice ends every sheet with a million repeated empty rows and 1024 empty columns.
    empty = (
        '<table:table-row table:number-rows-repeated="1048570">'
        '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
    )
    rows = [HEADER, [1, "张庄村", "1组", "张三", make_id(), 1, 100, 100]]
    table = ods_table("S", rows).replace("</table:table>", empty + "</table:table>")
    parsed = read_payout_sheet(ods(ODS_HEAD + table + ODS_TAIL), "a.ods")
    assert [r.amount_fen for r in parsed.rows] == [10000]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=4096), st.sampled_from(["x.xlsx", "x.xls", "x.csv", "x.ods"]))
def test_random_bytes_never_crash(data: bytes, filename: str) -> None:
    with contextlib.suppress(InvalidInput):
        read_payout_sheet(data, filename)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.tuples(st.integers(0, len(CLEAN) - 1), st.integers(0, 255)), min_size=1, max_size=8)
)
def test_damaged_xlsx_never_crashes(edits: list[tuple[int, int]]) -> None:
    data = bytearray(CLEAN)
    for position, value in edits:
        data[position] = value
    with contextlib.suppress(InvalidInput):
        read_payout_sheet(bytes(data), "x.xlsx")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from([b"PK\x03\x04", OLE2, b"\xef\xbb\xbf", b""]), st.binary(max_size=4096))
def test_random_bytes_behind_magic_never_crash(magic: bytes, tail: bytes) -> None:
    for filename in ("x.xlsx", "x.xls", "x.csv"):
        with contextlib.suppress(InvalidInput):
            read_payout_sheet(magic + tail, filename)


SHEET_XML = zipfile.ZipFile(io.BytesIO(CLEAN)).read("xl/worksheets/sheet1.xml")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.integers(0, len(SHEET_XML) - 1), st.sampled_from(list(b'<>/"=0123456789AZcrv '))
        ),
        min_size=1,
        max_size=6,
    )
)
def test_mutated_sheet_xml_never_crashes(edits: list[tuple[int, int]]) -> None:
    xml = bytearray(SHEET_XML)
    for position, value in edits:
        xml[position] = value
    damaged = replace_member(CLEAN, "xl/worksheets/sheet1.xml", bytes(xml))
    with contextlib.suppress(InvalidInput):
        read_payout_sheet(damaged, "x.xlsx")


def test_damaged_sheet_xml_never_crashes() -> None:
    sheet_xml = zipfile.ZipFile(io.BytesIO(CLEAN)).read("xl/worksheets/sheet1.xml")
    for cut in range(0, len(sheet_xml), max(1, len(sheet_xml) // 60)):
        damaged = replace_member(CLEAN, "xl/worksheets/sheet1.xml", sheet_xml[:cut])
        with contextlib.suppress(InvalidInput):
            read_payout_sheet(damaged, "x.xlsx")


def _raw_zip(members: dict[str, bytes], name: str, deflated: bytes, claimed: int) -> bytes:
    """A zip holding ``members`` plus ``name`` whose raw deflate data is ``deflated`` and whose
    headers claim ``claimed`` bytes uncompressed (zipfile cannot write a lying header)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, content in members.items():
            archive.writestr(member, content)
    head = buffer.getvalue()
    # Rebuild: existing entries + one hand-made entry, then a fresh central directory.
    source = zipfile.ZipFile(io.BytesIO(head))
    out = io.BytesIO()
    central = []
    for info in source.infolist():
        offset = out.tell()
        local = info.header_offset
        name_len, extra_len = struct.unpack("<HH", head[local + 26 : local + 30])
        out.write(head[local : local + 30 + name_len + extra_len + info.compress_size])
        central.append(
            (info.filename.encode(), info.CRC, info.compress_size, info.file_size, offset)
        )
    offset = out.tell()
    encoded = name.encode()
    crc = 0  # never checked: the guard refuses first
    out.write(
        struct.pack(
            "<4sHHHHHIIIHH",
            b"PK\x03\x04",
            20,
            0,
            8,
            0,
            0,
            crc,
            len(deflated),
            claimed,
            len(encoded),
            0,
        )
    )
    out.write(encoded + deflated)
    central.append((encoded, crc, len(deflated), claimed, offset))
    start = out.tell()
    for entry_name, entry_crc, size, full, entry_offset in central:
        out.write(
            struct.pack(
                "<4sHHHHHHIIIHHHHHII",
                b"PK\x01\x02",
                20,
                20,
                0,
                8,
                0,
                0,
                entry_crc,
                size,
                full,
                len(entry_name),
                0,
                0,
                0,
                0,
                0,
                entry_offset,
            )
        )
        out.write(entry_name)
    end = out.tell()
    out.write(
        struct.pack(
            "<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(central), len(central), end - start, start, 0
        )
    )
    return out.getvalue()
