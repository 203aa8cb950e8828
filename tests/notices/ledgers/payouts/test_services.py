"""Rows are stored exactly (to the fen, every field), in chunks, and all or nothing."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest

from bot.runtime import Runtime
from notices.audit import find_broken_link
from notices.ledgers.models import PayoutBatch, PayoutRow
from notices.ledgers.payouts import services
from notices.ledgers.payouts.services import ImportSummary, import_payouts
from notices.models import AuditEvent
from tests.builders import TOWNSHIP, VILLAGE_A, create_county, create_staff
from tests.notices.fixtures.numbers import CARD, make_id
from villages import services as villages
from villages.errors import InvalidInput
from villages.models import Role

pytestmark = pytest.mark.storage

HEADER = ["村", "村民小组", "户主姓名", "身份证号码", "面积（亩）", "补贴标准（元/亩）",
          "补贴金额（元）", "一卡通账号", "联系电话", "备注"]  # fmt: skip


def person(index: int) -> str:
    """A distinct valid ID for every index below 3,650,000."""
    return make_id("419901", date(1950, 1, 1) + timedelta(days=index // 1000), index % 1000)


def sheet(rows: list[list[str]], total: str | None = None) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["城关镇2026年耕地地力保护补贴发放清册"])
    writer.writerow(HEADER)
    writer.writerows(rows)
    if total is not None:
        writer.writerow(["合计", "", "", "", "", "", total, "", "", ""])
    return out.getvalue().encode("utf-8-sig")


async def load(runtime: Runtime, data: bytes) -> ImportSummary:
    await create_county()
    await create_staff("clerk", Role.TOWNSHIP_CLERK, TOWNSHIP)
    clerk = await villages.get_staff("clerk")
    return await import_payouts(data, "清册.csv", township_code=TOWNSHIP,
                                program="耕地地力保护补贴", year=2026, actor=clerk,
                                cipher=runtime.cipher)  # fmt: skip


async def test_every_field_is_stored_exactly_and_numbers_only_encrypted(runtime: Runtime) -> None:
    rows = [
        ["西岗村", "", "李秀英", person(2), "", "", "0.01", "", "", ""],
        ["东湖村", "一组", "张建国", person(1), "10.25", "92.50", "948.13", CARD, "13812345678",
         "新增户"],
    ]  # fmt: skip
    summary = await load(runtime, sheet(rows, total="948.14"))
    assert (summary.rows, summary.total_fen) == (2, 94814)
    second, first = await PayoutRow.filter(batch_id=summary.batch_id).order_by("row_no")
    assert (first.row_no, first.group_name, first.name, first.quantity, first.rate_fen,
            first.amount_fen, first.note) == (4, "一组", "张建国", "10.25", 9250, 94813,
                                              "新增户")  # fmt: skip
    assert (await first.village).code == VILLAGE_A
    cipher = runtime.cipher
    assert cipher.decrypt(first.id_cipher) == person(1)
    assert first.id_hash == cipher.lookup_hash(person(1))
    assert first.id_board == person(1)[:6] + "********" + person(1)[-4:]
    assert cipher.decrypt(first.bank_cipher) == CARD
    assert cipher.decrypt(first.phone_cipher) == "13812345678"
    for blob, clear in ((first.id_cipher, person(1)), (first.bank_cipher, CARD),
                        (first.phone_cipher, "13812345678")):  # fmt: skip
        assert clear.encode() not in bytes(blob)
    assert (second.quantity, second.rate_fen, second.bank_cipher, second.phone_cipher,
            second.group_name, second.note) == ("", None, None, None, "", "")  # fmt: skip
    assert second.amount_fen == 1


async def test_a_sheet_of_many_chunks_is_stored_whole_and_exact_then_refused_as_duplicate(
    runtime: Runtime,
) -> None:
    count = 2 * services._CHUNK + 7
    rows = [
        ["东湖村" if i % 3 else "西岗村", f"{i % 9 + 1}组", f"农户{i}", person(i), "", "",
         f"{i % 1000 + 1}.{i % 100:02d}", "", "", ""]
        for i in range(count)
    ]  # fmt: skip
    total = sum((i % 1000 + 1) * 100 + i % 100 for i in range(count))
    summary = await load(runtime, sheet(rows, total=f"{total // 100}.{total % 100:02d}"))
    assert summary.rows == count and summary.total_fen == total
    amounts = await PayoutRow.filter(batch_id=summary.batch_id).values_list("amount_fen",
                                                                            flat=True)
    assert len(amounts) == count and sum(amounts) == total  # type: ignore[arg-type]
    assert (await PayoutBatch.get(id=summary.batch_id)).total_fen == total
    numbers = await PayoutRow.filter(batch_id=summary.batch_id).values_list("row_no", flat=True)
    assert sorted(numbers) == list(range(3, count + 3))  # type: ignore[type-var]

    clerk = await villages.get_staff("clerk")
    with pytest.raises(InvalidInput) as caught:
        await import_payouts(sheet(rows), "again.csv", township_code=TOWNSHIP,
                             program="耕地地力保护补贴", year=2026, actor=clerk,
                             cipher=runtime.cipher)  # fmt: skip
    problems = caught.value.details["problems"]  # type: ignore[index]
    assert len(problems) == count
    assert {p["row"] for p in problems} == set(range(3, count + 3))
    assert await PayoutRow.all().count() == count


async def test_a_failure_while_storing_rows_leaves_no_batch_no_rows_no_audit_event(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "_CHUNK", 2)
    real = services._row_records

    def fail_after_the_first_chunk(*args: Any) -> Iterator[list[tuple[Any, ...]]]:
        chunks = real(*args)
        yield next(chunks)
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_row_records", fail_after_the_first_chunk)
    rows = [["东湖村", "", f"农户{i}", person(i), "", "", "10.00", "", "", ""] for i in range(5)]
    with pytest.raises(RuntimeError, match="disk full"):
        await load(runtime, sheet(rows))
    assert await PayoutBatch.all().count() == 0
    assert await PayoutRow.all().count() == 0
    assert await AuditEvent.filter(action="import_payouts").count() == 0


async def test_the_import_is_audited_in_the_same_transaction(runtime: Runtime) -> None:
    summary = await load(runtime, sheet([["东湖村", "", "张三", person(1), "", "", "1.00",
                                          "", "", ""]]))  # fmt: skip
    event = await AuditEvent.get(action="import_payouts")
    assert event.subject == f"batch:{summary.batch_id}"
    assert event.detail["rows"] == 1 and event.detail["total_fen"] == 100
    assert await find_broken_link() is None
