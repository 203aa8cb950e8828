"""Regression: an .xlsx whose zip directory claims an unsupported version is a clean refusal
(found by fuzzing the hostile-file tests: zipfile raises NotImplementedError there)."""

import pytest

from notices.ledgers.payouts.sheet import read_payout_sheet
from tests.notices.ledgers.spreadsheet.test_guard_hostile import CLEAN
from villages.errors import InvalidInput


def test_a_zip_entry_claiming_an_unknown_version_is_refused_not_crashed():
    data = bytearray(CLEAN)
    central = data.index(b"PK\x01\x02")
    data[central + 6] = 99  # "version needed to extract": 9.9, newer than Python reads
    with pytest.raises(InvalidInput, match="损坏"):
        read_payout_sheet(bytes(data), "x.xlsx")
