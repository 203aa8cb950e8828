"""From uploaded bytes to plain grids: format sniffing, CSV decoding, calamine loading.

Nothing here knows about payouts; ``sheet.py`` finds the header and validates rows. The
format is decided by the content, and the extension must belong to the same family (a CSV
or a PNG renamed .xlsx is refused with a message saying what the file really is).
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from notices.ledgers.spreadsheet.guard import MAX_CELLS, check_zip_workbook, unpacking_slot
from villages.errors import InvalidInput

WORKBOOK_EXTENSIONS = frozenset({".xlsx", ".xlsm", ".xls", ".ods", ".et"})
TEXT_EXTENSIONS = frozenset({".csv", ".txt"})
HEADER_SLACK = 10  # title, header and footer rows allowed on top of max_rows

_MAGIC = (
    (b"\x89PNG", "PNG图片"),
    (b"\xff\xd8\xff", "JPEG图片"),
    (b"GIF8", "GIF图片"),
    (b"%PDF", "PDF文件"),
    (b"Rar!", "RAR压缩包"),
    (b"7z\xbc\xaf", "7z压缩包"),
    (b"\x1f\x8b", "gzip压缩包"),
)
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = (b"PK\x03\x04", b"PK\x05\x06")
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")


@dataclass
class Grid:
    """One sheet as a list of rows; row index 0 is Excel row 1."""

    name: str
    rows: list[list[Any]]
    merged: list[tuple[tuple[int, int], tuple[int, int]]] | None  # None: format has no merges


def _reject(message: str) -> InvalidInput:
    return InvalidInput(message, details={"field": "file"})


def _text_kind(data: bytes) -> str | None:
    """Whether the bytes are text: "html", "text", or None for binary."""
    head = data[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "text"  # UTF-16 ("Unicode text" export from Excel)
    if b"\x00" in head:
        return None
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if stripped.startswith((b"<html", b"<!doctype", b"<table", b"<?xml", b"<meta", b"<head")):
        return "html"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # a cut multi-byte character at the end is fine
            try:
                head.decode("gb18030")
            except UnicodeDecodeError:
                return None
    return "text"


def sniff(data: bytes, filename: str) -> str:
    """The format by content: "xlsx", "ods", "xls" or "csv"; else ``InvalidInput`` naming it."""
    ext = os.path.splitext(filename)[1].lower()
    if ext not in WORKBOOK_EXTENSIONS | TEXT_EXTENSIONS:
        raise _reject(f"不支持“{ext or '无扩展名'}”文件，请上传.xlsx、.xls、.ods或.csv表格")
    if not data:
        raise _reject("文件是空的")
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise _reject(f"这个文件其实是{what}，不是表格；请上传Excel表格（.xlsx）或.csv文件")
    if data.startswith(_ZIP) or data.startswith(_OLE2):
        if ext in TEXT_EXTENSIONS:
            raise _reject(
                f"文件扩展名是{ext}，但内容是Excel工作簿；请把扩展名改回.xlsx/.xls后重新上传"
            )
        if data.startswith(_ZIP):
            return check_zip_workbook(data)
        if _ENCRYPTED in data:  # a password-protected .xlsx is an OLE2 file with this stream
            raise _reject("文件设置了密码，请在Excel中取消密码后重新上传")
        return "xls"
    kind = _text_kind(data)
    if kind == "html":
        raise _reject(
            "这个文件是网页格式（很多系统导出的“.xls”其实是网页），请用Excel打开后另存为.xlsx再上传"
        )
    if kind is None:
        raise _reject("无法识别的文件格式，请上传.xlsx、.xls、.ods或.csv表格")
    if ext not in TEXT_EXTENSIONS:
        raise _reject(
            f"文件扩展名是{ext}，但内容是纯文本（CSV）；请用Excel打开后另存为.xlsx，或把扩展名改为.csv"
        )
    return "csv"


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise _reject("无法识别文件编码，请另存为UTF-8编码的CSV或.xlsx") from None
    # WPS and Excel on Chinese Windows write GBK unless told otherwise; GB18030 is its superset.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _reject("无法识别文件编码，请另存为UTF-8或GBK编码的CSV，或保存为.xlsx")


def read_csv(data: bytes, name: str, max_rows: int) -> Grid:
    text = _decode(data)
    if "\x00" in text:
        raise _reject("文件中含有二进制内容，不是CSV表格")
    first_lines = text[:4096]
    delimiter = "\t" if first_lines.count("\t") > first_lines.count(",") else ","
    rows: list[list[Any]] = []
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            rows.append(row)
            if len(rows) > max_rows + HEADER_SLACK:
                raise _reject(f"行数超过上限（{max_rows}行），请分成几个文件上传")
    except csv.Error as exc:
        raise _reject(f"CSV文件格式有误（第{len(rows) + 1}行附近）：{exc}") from None
    return Grid(name, rows, None)


def _check_dimensions(name: str, height: int, width: int, max_rows: int) -> None:
    if height > max_rows + HEADER_SLACK:
        raise _reject(f"工作表“{name}”的行数超过上限（{max_rows}行），请分成几个文件上传")
    if height * width > MAX_CELLS:
        raise _reject(
            f"工作表“{name}”的范围过大（{height}行×{width}列），请删除多余的行列后重新上传"
        )


def read_workbook(data: bytes, max_rows: int) -> tuple[list[Grid], list[tuple[str, str]]]:
    """Visible worksheets as grids, plus notes on sheets that were skipped."""
    notes: list[tuple[str, str]] = []  # (sheet, message)
    grids: list[Grid] = []
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        with book:
            metas: Sequence[Any] = book.sheets_metadata
            for meta in metas:
                if meta.visible != SheetVisibleEnum.Visible:
                    notes.append((meta.name, "隐藏的工作表，已跳过"))
                    continue
                if meta.typ != SheetTypeEnum.WorkSheet:
                    continue  # chart and macro sheets hold no rows
                sheet = book.get_sheet_by_name(meta.name)
                end = sheet.end
                if end is None:
                    notes.append((meta.name, "空工作表，已跳过"))
                    continue
                _check_dimensions(meta.name, end[0] + 1, end[1] + 1, max_rows)
                rows = sheet.to_python(skip_empty_area=False)
                grids.append(Grid(meta.name, rows, sheet.merged_cell_ranges))
    except InvalidInput:
        raise
    except Exception as exc:
        raise _unreadable(exc) from None
    except BaseException as exc:  # pyo3 turns a Rust panic into PanicException(BaseException)
        if type(exc).__name__ != "PanicException":
            raise
        raise _unreadable(exc) from None
    return grids, notes


def _unreadable(exc: BaseException) -> InvalidInput:
    if type(exc).__name__ == "PasswordError":
        return _reject("文件设置了密码，请在Excel中取消密码后重新上传")
    if isinstance(exc, MemoryError):
        return _reject("文件过大，无法读取")
    return _reject("文件已损坏或不是有效的Excel表格，请用Excel打开后另存为.xlsx再上传")


def read_grids(
    data: bytes, filename: str, *, max_bytes: int, max_rows: int
) -> tuple[list[Grid], list[tuple[str, str]]]:
    """All readable sheets of an upload, after the size cap and format checks."""
    if len(data) > max_bytes:
        limit = (
            f"{max_bytes / (1024 * 1024):g} MB" if max_bytes >= 1024 * 1024 else f"{max_bytes} 字节"
        )
        raise _reject(f"文件超过{limit}上限，请分成几个文件上传")
    with unpacking_slot():  # bounds the memory all concurrent uploads take together
        kind = sniff(data, filename)
        if kind == "csv":
            base = os.path.splitext(os.path.basename(filename))[0] or "CSV"
            return [read_csv(data, base, max_rows)], []
        return read_workbook(data, max_rows)
