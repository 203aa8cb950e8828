"""Regression: an .xlsx whose zip directory gives an entry an empty name is a clean refusal
(found by the hostile-file fuzz test: ``ZipInfo.is_dir()`` raised IndexError on it)."""

import pytest

from notices.ledgers.payouts.sheet import read_payout_sheet
from tests.notices.ledgers.spreadsheet.test_guard_hostile import CLEAN
from villages.errors import InvalidInput


def test_a_zip_entry_with_an_empty_name_is_refused_not_crashed():
    data = bytearray(CLEAN)
    entry = data.index(b"PK\x01\x02")  # first central-directory record
    name_len = int.from_bytes(data[entry + 28 : entry + 30], "little")
    comment_len = int.from_bytes(data[entry + 32 : entry + 34], "little")
    # Name length 0, and the name's bytes become the entry comment: the directory still
    # parses, with one nameless entry.
    data[entry + 28 : entry + 30] = b"\x00\x00"
    data[entry + 32 : entry + 34] = (comment_len + name_len).to_bytes(2, "little")
    with pytest.raises(InvalidInput, match="损坏"):
        read_payout_sheet(bytes(data), "x.xlsx")
