"""A person already paid in an earlier batch of the same program and year, in this township
or anywhere in the county, is a problem naming the row and the earlier batch."""

from __future__ import annotations

import asyncio
import csv
import io
import json

import pytest

from bot.runtime import Runtime
from notices.ledgers.models import PayoutBatch, PayoutRow
from notices.ledgers.payouts.services import ImportSummary, import_payouts
from notices.privacy.masking import mask_number
from tests.builders import COUNTY, OTHER_TOWNSHIP, TOWNSHIP, create_county, create_staff, make_id
from villages import services as villages
from villages.errors import InvalidInput
from villages.models import Role

pytestmark = pytest.mark.storage

PROGRAM = "耕地地力保护补贴"
ZHANG, LI, WANG = make_id(seq=1), make_id(seq=2), make_id(seq=3)


def sheet(rows: list[tuple[str, str, str, str]]) -> bytes:
    """A payout CSV with a title row: rows of (village, name, ID, amount)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["2026年耕地地力保护补贴发放清册"])
    writer.writerow(["村", "户主姓名", "公民身份号码", "补贴金额（元）"])
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


async def load(runtime: Runtime, data: bytes, township: str = TOWNSHIP, *,
               program: str = PROGRAM, year: int = 2026, dry_run: bool = False) -> ImportSummary:
    admin = await villages.get_staff("admin")
    return await import_payouts(data, "清册.csv", township_code=township, program=program,
                                year=year, actor=admin, cipher=runtime.cipher, dry_run=dry_run)


async def refused(runtime: Runtime, data: bytes, township: str = TOWNSHIP,
                  **kwargs: object) -> list[dict[str, object]]:
    with pytest.raises(InvalidInput) as caught:
        await load(runtime, data, township, **kwargs)  # type: ignore[arg-type]
    details = caught.value.details
    assert isinstance(details, dict)
    problems: list[dict[str, object]] = details["problems"]
    return problems


@pytest.fixture
async def first(runtime: Runtime) -> ImportSummary:
    await create_county()
    await create_staff("admin", Role.COUNTY_ADMIN, COUNTY)
    return await load(runtime, sheet([("东湖村", "张三", ZHANG, "100.00"),
                                      ("西岗村", "李四", LI, "50.00")]))


async def test_a_person_paid_earlier_in_the_same_township_is_named_with_the_batch(
    runtime: Runtime, first: ImportSummary
) -> None:
    again = sheet([("东湖村", "王五", WANG, "80.00"), ("西岗村", "李四", LI.lower(), "50.00")])
    problems = await refused(runtime, again)
    assert problems == [{
        "sheet": "清册", "row": 4, "column": "公民身份号码", "value": mask_number(LI),
        "message": f"此人已在第{first.batch_id}号批次（城关镇，同一项目同一年度）第4行领取过，"
                   "不能重复发放",
    }]  # fmt: skip
    assert LI not in json.dumps(problems, ensure_ascii=False)
    assert await PayoutBatch.all().count() == 1
    assert await PayoutRow.all().count() == 2


async def test_a_person_paid_earlier_in_another_township_of_the_county_is_a_problem_too(
    runtime: Runtime, first: ImportSummary
) -> None:
    problems = await refused(runtime, sheet([("柳河村", "张三", ZHANG, "100.00")]),
                             OTHER_TOWNSHIP)  # fmt: skip
    assert [(p["row"], p["value"]) for p in problems] == [(3, mask_number(ZHANG))]
    assert f"第{first.batch_id}号批次（城关镇" in str(problems[0]["message"])
    assert await PayoutBatch.filter(township__code=OTHER_TOWNSHIP).count() == 0


async def test_a_dry_run_reports_the_duplicate_as_well(
    runtime: Runtime, first: ImportSummary
) -> None:
    problems = await refused(runtime, sheet([("东湖村", "张三", ZHANG, "100.00")]), dry_run=True)
    assert [p["row"] for p in problems] == [3]


async def test_the_duplicate_is_reported_with_every_other_problem_of_the_sheet(
    runtime: Runtime, first: ImportSummary
) -> None:
    bad = sheet([("东湖村", "张三", ZHANG, "100.00"), ("东湖村", "王五", WANG, "-1.00")])
    problems = await refused(runtime, bad)
    assert sorted((p["row"], p["column"]) for p in problems) == [
        (3, "公民身份号码"), (4, "补贴金额（元）"),
    ]  # fmt: skip


async def test_another_program_another_year_or_another_county_is_not_a_duplicate(
    runtime: Runtime, first: ImportSummary
) -> None:
    same_people = sheet([("东湖村", "张三", ZHANG, "100.00"), ("西岗村", "李四", LI, "50.00")])
    await load(runtime, same_people, program="实际种粮农民一次性补贴")
    await load(runtime, same_people, year=2025)
    await villages.import_regions([("419902000000", "白水县"), ("419902100000", "白水镇"),
                                   ("419902100201", "白水村")])  # fmt: skip
    await create_staff("other-admin", Role.COUNTY_ADMIN, "419902000000")
    other = await villages.get_staff("other-admin")
    await import_payouts(sheet([("白水村", "张三", ZHANG, "100.00")]), "x.csv",
                         township_code="419902100000", program=PROGRAM, year=2026,
                         actor=other, cipher=runtime.cipher)  # fmt: skip
    assert await PayoutBatch.all().count() == 4


async def test_of_two_imports_racing_with_the_same_person_only_one_is_stored(
    runtime: Runtime,
) -> None:
    await create_county()
    await create_staff("admin", Role.COUNTY_ADMIN, COUNTY)
    results = await asyncio.gather(
        load(runtime, sheet([("东湖村", "张三", ZHANG, "100.00")])),
        load(runtime, sheet([("柳河村", "张三", ZHANG, "100.00")]), OTHER_TOWNSHIP),
        return_exceptions=True,
    )
    stored = [r for r in results if isinstance(r, ImportSummary)]
    failed = [r for r in results if isinstance(r, InvalidInput)]
    assert len(stored) == 1 and len(failed) == 1, results
    assert "不能重复发放" in json.dumps(failed[0].details, ensure_ascii=False)
    assert await PayoutBatch.all().count() == 1
    assert await PayoutRow.all().count() == 1
