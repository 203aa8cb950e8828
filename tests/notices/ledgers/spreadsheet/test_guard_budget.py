"""Spreadsheets unpacked at the same time share one process-wide allowance: parallel zip
bombs cannot add up past it, however many requests carry them."""

from __future__ import annotations

import threading
import time
import tracemalloc
import zlib

import pytest

from notices.ledgers.payouts.sheet import read_payout_sheet
from notices.ledgers.spreadsheet import guard as sheet_guard
from tests.notices.fixtures.books import clerk_sheet, xlsx
from tests.notices.ledgers.spreadsheet.test_guard_hostile import _raw_zip
from villages.errors import InvalidInput

CAP = 16 << 20


def _lying_bomb() -> bytes:
    """Claims 1 KB, inflates to twice the (lowered) per-file cap."""
    zeros = zlib.compressobj(9, zlib.DEFLATED, -15)
    body = zeros.compress(bytes(2 * CAP)) + zeros.flush()
    return _raw_zip({"xl/workbook.xml": b"<workbook/>"}, "xl/worksheets/sheet1.xml", body, 1024)


def test_four_parallel_zip_bombs_hold_at_most_two_caps_of_memory(monkeypatch) -> None:
    monkeypatch.setattr(sheet_guard, "MAX_UNCOMPRESSED", CAP)
    bomb = _lying_bomb()
    start = threading.Barrier(4)
    messages: list[str] = []

    def upload() -> None:
        start.wait()
        try:
            read_payout_sheet(bomb, "清册.xlsx")
        except InvalidInput as exc:
            messages.append(exc.message)

    tracemalloc.start()
    try:
        threads = [threading.Thread(target=upload) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(messages) == 4 and all("压缩炸弹" in m for m in messages)
    # Each bomb is cut off just past the cap; two at a time, never four.
    assert peak < sheet_guard.SHEETS_AT_ONCE * CAP + 8 * (1 << 20)


def test_an_upload_waits_for_its_turn_and_then_is_read(monkeypatch) -> None:
    monkeypatch.setattr(sheet_guard, "BUSY_WAIT_S", 10.0)
    clean = xlsx(clerk_sheet())
    held = [sheet_guard.unpacking_slot() for _ in range(sheet_guard.SHEETS_AT_ONCE)]
    for slot in held:
        slot.__enter__()
    done: list[int] = []
    reader = threading.Thread(target=lambda: done.append(len(read_payout_sheet(
        clean, "清册.xlsx").rows)))
    reader.start()
    time.sleep(0.3)
    assert not done  # waiting: every turn is taken
    held.pop().__exit__(None, None, None)
    reader.join(timeout=10)
    assert done and done[0] > 0
    for slot in held:
        slot.__exit__(None, None, None)


def test_an_upload_that_waits_too_long_is_asked_to_retry(monkeypatch) -> None:
    monkeypatch.setattr(sheet_guard, "BUSY_WAIT_S", 0.1)
    held = [sheet_guard.unpacking_slot() for _ in range(sheet_guard.SHEETS_AT_ONCE)]
    for slot in held:
        slot.__enter__()
    try:
        with pytest.raises(sheet_guard.TooBusy) as caught:
            read_payout_sheet(xlsx(clerk_sheet()), "清册.xlsx")
    finally:
        for slot in held:
            slot.__exit__(None, None, None)
    assert caught.value.status == 503 and "请过一两分钟再上传" in caught.value.message
    assert read_payout_sheet(xlsx(clerk_sheet()), "清册.xlsx").rows  # the turns came back
