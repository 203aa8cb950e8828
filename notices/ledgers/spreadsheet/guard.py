"""Checks on an uploaded workbook that must run BEFORE calamine sees it.

calamine keeps every sheet as a dense grid (32 bytes a cell, allocated from the extreme cell
positions), and a Rust allocation failure aborts the whole process instead of raising. Two
cells at A1 and XFD1048576 in a 5 KB .xlsx, or one .ods cell repeated 10000 × 10000 times,
are enough to kill the server. So before parsing we

* refuse zip archives whose entries, real uncompressed size or compression ratio are out of
  bounds (the declared sizes are only a first filter: the data is inflated here, with a cap,
  because a hand-made zip can declare anything), and
* compute from the inflated XML how large a grid calamine would build, and refuse it above
  ``MAX_CELLS``.

.xls (BIFF8) needs no pre-check: the format itself caps a sheet at 65536 × 256 cells, and the
dimensions are checked again after loading, before any Python objects are made.
"""

from __future__ import annotations

import contextlib
import io
import re
import struct
import threading
import zipfile
import zlib
from collections.abc import Iterator

from villages.errors import CunwuError, InvalidInput

MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_ENTRIES = 2000
MAX_RATIO = 100  # real .xlsx files compress 5–20×; only checked once the content is large
RATIO_FLOOR = 10 * 1024 * 1024
MAX_CELLS = 10_000_000  # grid cells over all sheets, about 320 MB inside calamine
MAX_ODS_CONTENT = 60 * 1024 * 1024  # the .ods scan below is a Python loop per tag
_CHUNK = 1 << 20
# Each read may inflate MAX_UNCOMPRESSED bytes here and then fill MAX_CELLS inside calamine;
# the caps held per request, yet four parallel 1 MB zip bombs took the server from 199 to
# 862 MB. So the whole process unpacks at most this many spreadsheets at a time; the others
# wait their turn (they run in worker threads) and, past BUSY_WAIT_S, are asked to retry.
SHEETS_AT_ONCE = 2
BUSY_WAIT_S = 60.0
_unpacking = threading.BoundedSemaphore(SHEETS_AT_ONCE)


class TooBusy(CunwuError):
    status = 503
    code = "busy"


@contextlib.contextmanager
def unpacking_slot() -> Iterator[None]:
    """One of the process's few turns to unpack a spreadsheet; blocks, so call it off the
    event loop."""
    if not _unpacking.acquire(timeout=BUSY_WAIT_S):
        raise TooBusy("服务器正在处理其他表格，请过一两分钟再上传")
    try:
        yield
    finally:
        _unpacking.release()

# Fast path for .xlsx sheets: every cell written as <c r="A1" …> (Excel, WPS, LibreOffice,
# POI, openpyxl, xlsxwriter all do). A cell tag of any other shape sends the sheet to the slow,
# exact walk below. Only cells that are not self-closing can hold a value. A row number with
# a leading zero is another shape: "A0000001" has the most digits but is row 1, and calamine
# reads it so, which would hide a cell at XFD999999 from the longest-first count below.
_ODD_CELL = re.compile(rb'<c(?! r="[A-Z]{1,3}[1-9][0-9]{0,6}")[\s>/]')
_PREFIXED_CELL = re.compile(rb":c[\s>/]")
# Row numbers by digit count, longest first: the first count that occurs holds the maximum,
# and for a big sheet that is found in one pass over the XML (6 and 7 digits share a pass:
# a 100k-row sheet would otherwise scan its XML once for nothing).
_ROWS_BY_DIGITS = [
    re.compile(rb'<c r="[A-Z]{1,3}([0-9]{%d,%d})"[^>/]*>' % (low, high))
    for low, high in ((6, 7), (5, 5), (4, 4), (3, 3), (2, 2), (1, 1))
]
_WIDE_COL = re.compile(rb'<c r="([A-Z]{2,3})[0-9]{1,7}"[^>/]*>')  # columns ≥ AA
# Slow path: every row and cell tag, with or without a namespace prefix.
_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)(?=[\s>/])([^>]*)>")
_REF = re.compile(rb"""\br\s*=\s*["']\s*([A-Za-z]*)([0-9]*)""")
# .ods content.xml: rows and cells with their repeat counts.
_ODS_TAG = re.compile(
    rb"<(/?)table:(table-row|table-cell|covered-table-cell|table)(?=[\s>/])([^>]*)>"
)
_ODS_ROWS = re.compile(rb'table:number-rows-repeated\s*=\s*["\']([0-9]+)')
_ODS_COLS = re.compile(rb'table:number-columns-repeated\s*=\s*["\']([0-9]+)')


def _reject(message: str) -> InvalidInput:
    return InvalidInput(message, details={"field": "file"})


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


def _inflate(data: bytes, info: zipfile.ZipInfo, budget: int) -> bytes:
    """The member's real content, inflated here with at most ``budget`` bytes of output."""
    if info.flag_bits & 0x1:
        raise _reject("文件设置了密码，请在Excel中取消密码后重新上传")
    offset = info.header_offset
    if data[offset : offset + 4] != b"PK\x03\x04":
        raise _reject("文件已损坏（压缩包结构不完整）")
    name_len, extra_len = struct.unpack("<HH", data[offset + 26 : offset + 30])
    start = offset + 30 + name_len + extra_len
    raw = memoryview(data)[start : start + info.compress_size]
    if info.compress_type == zipfile.ZIP_STORED:
        if len(raw) > budget:
            raise _reject("文件解压后过大，不像正常的表格")
        return bytes(raw)
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise _reject("文件使用了不支持的压缩方式，请用Excel另存为.xlsx后重新上传")
    inflater = zlib.decompressobj(-15)
    parts: list[bytes] = []
    size = 0
    pos = 0
    try:
        while not inflater.eof:
            pending = inflater.unconsumed_tail
            if not pending:
                if pos >= len(raw):
                    break
                pending = raw[pos : pos + _CHUNK]
                pos += _CHUNK
            out = inflater.decompress(pending, _CHUNK)
            size += len(out)
            if size > budget:
                raise _reject("文件解压后过大，不像正常的表格（疑似压缩炸弹）")
            parts.append(out)
    except zlib.error:
        raise _reject("文件已损坏（无法解压）") from None
    return b"".join(parts)


def _xlsx_extent(xml: bytes) -> tuple[int, int]:
    """(rows, columns) of the grid calamine would allocate for this sheet XML, or above it."""
    if _ODD_CELL.search(xml) is None and _PREFIXED_CELL.search(xml) is None:
        max_row = 0
        for pattern in _ROWS_BY_DIGITS:
            found = pattern.findall(xml)
            if found:
                max_row = max(int(r) for r in set(found))
                break
        cols = [_col_number(c) for c in set(_WIDE_COL.findall(xml))]
        return max_row, max(cols, default=26 if max_row else 0)
    # Slow and conservative: cells without r continue after the previous cell, rows without
    # r after the furthest row seen so far.
    max_row = max_col = row = col = 0
    for match in _TAG.finditer(xml):
        name, attrs = match.group(1), match.group(2)
        ref = _REF.search(attrs)
        if name == b"row":
            row = int(ref.group(2)) if ref and ref.group(2) else max(row, max_row) + 1
            col = 0
            continue
        if ref and ref.group(1) and ref.group(2):
            r, col = int(ref.group(2)), _col_number(ref.group(1))
        else:
            r, col = max(row, 1), col + 1
        if not attrs.endswith(b"/"):
            max_row, max_col = max(max_row, r), max(max_col, col)
    return max_row, max_col


def _ods_extent(xml: bytes) -> int:
    """Cells calamine would allocate for all tables of an .ods content.xml (upper bound)."""
    total = 0
    max_row = max_col = row = col = 0
    row_rep = 1
    row_has_value = False
    for match in _ODS_TAG.finditer(xml):
        closing, name, attrs = match.group(1), match.group(2), match.group(3)
        if name == b"table":
            total += max_row * max_col
            max_row = max_col = row = 0
        elif name == b"table-row" and not closing:
            rep = _ODS_ROWS.search(attrs)
            row_rep, col, row_has_value = (int(rep.group(1)) if rep else 1), 0, False
            if attrs.endswith(b"/"):
                row += row_rep
        elif name == b"table-row":
            if row_has_value:
                max_row = max(max_row, row + row_rep)
            row += row_rep
        elif not closing:
            rep = _ODS_COLS.search(attrs)
            span = int(rep.group(1)) if rep else 1
            if b"value-type" in attrs or not attrs.endswith(b"/"):
                max_col = max(max_col, col + span)
                row_has_value = True
            col += span
    return total + max_row * max_col


def check_zip_workbook(data: bytes) -> str:
    """Validate a zip-based workbook; returns "xlsx" or "ods", or raises ``InvalidInput``."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    # NotImplementedError: a damaged header claiming a newer zip version than Python reads.
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError,
            NotImplementedError):
        raise _reject("文件已损坏，无法作为Excel表格打开") from None
    if len(infos) > MAX_ENTRIES:
        raise _reject("文件内部条目过多，不像正常的表格")
    if not all(i.filename for i in infos):  # a damaged name length; ZipInfo.is_dir() crashes
        raise _reject("文件已损坏，无法作为Excel表格打开")
    names = {i.filename for i in infos}
    if "xl/workbook.bin" in names:
        raise _reject("不支持.xlsb格式，请在Excel中另存为.xlsx后重新上传")
    if "xl/workbook.xml" in names:
        kind = "xlsx"
    elif "content.xml" in names and b"opendocument.spreadsheet" in data[:200]:
        kind = "ods"
    elif "word/document.xml" in names:
        raise _reject("这是Word文档，不是表格；请上传Excel表格（.xlsx）")
    else:
        raise _reject("这是一个压缩包，不是Excel表格；请上传.xlsx、.xls或.csv文件")
    declared = sum(i.file_size for i in infos)
    compressed = sum(i.compress_size for i in infos) or 1
    if declared > MAX_UNCOMPRESSED:
        raise _reject("文件解压后过大，不像正常的表格（疑似压缩炸弹）")
    if declared > RATIO_FLOOR and declared / compressed > MAX_RATIO:
        raise _reject("文件压缩比异常，不像正常的表格（疑似压缩炸弹）")
    budget = MAX_UNCOMPRESSED
    cells = 0
    for info in infos:
        if info.is_dir():
            continue
        if kind == "ods" and info.filename == "content.xml" and info.file_size > MAX_ODS_CONTENT:
            raise _reject(".ods文件过大，请在表格软件中另存为.xlsx后重新上传")
        content = _inflate(data, info, budget)
        budget -= len(content)
        if kind == "ods":
            if info.filename == "content.xml":
                if len(content) > MAX_ODS_CONTENT:
                    raise _reject(".ods文件过大，请在表格软件中另存为.xlsx后重新上传")
                cells += _ods_extent(content)
        elif b"sheetData" in content:  # any part holding cells, whatever its name
            rows, cols = _xlsx_extent(content)
            cells += rows * cols
        if cells > MAX_CELLS:
            raise _reject("表格范围过大（单元格太多），请删除多余的行列或分成几个文件上传")
    return kind
