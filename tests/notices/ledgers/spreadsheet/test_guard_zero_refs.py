"""Regression: a cell reference with a zero-padded row number ("B0000001") must not hide a far
cell from the grid-size guard. Before the fix this 5 KB file passed the guard as 1 × 16384
cells and calamine then tried to allocate 999999 × 16384 cells, aborting the process.

The assertions call the guard directly: should it regress, the test fails instead of taking
pytest down with calamine."""

from __future__ import annotations

import io
import zipfile

import pytest

from notices.ledgers.spreadsheet import guard as sheet_guard
from tests.notices.fixtures.books import HEADER, Sheet, clerk_sheet, replace_member, xlsx
from tests.notices.fixtures.numbers import make_id
from villages.errors import InvalidInput


def _with_cells(book: bytes, cells: bytes) -> bytes:
    name = "xl/worksheets/sheet1.xml"
    sheet_xml = zipfile.ZipFile(io.BytesIO(book)).read(name)
    return replace_member(book, name, sheet_xml.replace(b"</sheetData>", cells + b"</sheetData>"))


def test_a_zero_padded_row_number_does_not_hide_a_far_cell_from_the_guard() -> None:
    bomb = _with_cells(
        xlsx(Sheet("表", [["x"]])),
        b'<row r="1"><c r="B0000001" t="inlineStr"><is><t>z</t></is></c></row>'
        b'<row r="999999"><c r="XFD999999" t="inlineStr"><is><t>y</t></is></c></row>',
    )
    with pytest.raises(InvalidInput, match="范围过大"):
        sheet_guard.check_zip_workbook(bomb)


def test_zero_padded_references_are_measured_by_their_value() -> None:
    xml = b'<sheetData><row r="1"><c r="C0000012"><v>1</v></c></row></sheetData>'
    assert sheet_guard._xlsx_extent(xml) == (12, 3)


@pytest.mark.parametrize("rows", [9, 99_999, 100_000, 123_456])
def test_the_largest_row_is_found_whatever_its_digit_count(rows: int) -> None:
    cells = b"".join(
        b'<row r="%d"><c r="A%d"><v>1</v></c><c r="AB%d"><v>2</v></c></row>' % (r, r, r)
        for r in sorted({1, 8, rows // 2, rows})
    )
    assert sheet_guard._xlsx_extent(b"<sheetData>" + cells + b"</sheetData>") == (rows, 28)


def test_an_ordinary_sheet_still_passes() -> None:
    second = Sheet("二", [HEADER, [1, "张庄村", "1组", "张三", make_id(), 1, 1, 1]])
    book = xlsx(clerk_sheet(), second)
    assert sheet_guard.check_zip_workbook(book) == "xlsx"
