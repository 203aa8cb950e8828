"""From a payout sheet to published, consistent, checkable notices — on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from bot.runtime import Runtime
from notices.audit import find_broken_link
from notices.fingerprint import fingerprint
from notices.ledgers.models import PayoutBatch, PayoutRow
from notices.ledgers.payouts.services import import_payouts
from notices.lifecycle import workflow as lifecycle
from notices.models import AuditEvent, Delivery, DeliveryState, Notice, NoticeKind, NoticeVersion
from notices.public import pages as public
from notices.public import verification
from tests.builders import (
    OTHER_TOWNSHIP,
    TOWNSHIP,
    VILLAGE_A,
    create_county,
    create_staff,
    make_id,
    payout_csv,
)
from villages import services as villages
from villages.errors import CheckFailed, Forbidden, InvalidInput
from villages.models import Region, Role

pytestmark = pytest.mark.storage

ROWS = [
    ("东湖村", "一组", "张建国", "10.00", "925.00"),
    ("东湖村", "二组", "李秀英", "3.50", "323.75"),
    ("西岗村", "一组", "王志强", "7.25", "670.63"),
]


async def _setup(runtime: Runtime):
    await create_county()
    clerk = await create_staff("clerk", Role.TOWNSHIP_CLERK, TOWNSHIP)
    reviewer = await create_staff("reviewer", Role.TOWNSHIP_REVIEWER, TOWNSHIP)
    await villages.add_robot(VILLAGE_A, "东湖村村务工作群", "robot-key-donghu")
    summary = await import_payouts(payout_csv(ROWS, total="1919.38"), "sheet.csv",
                                   township_code=TOWNSHIP, program="耕地地力保护补贴",
                                   year=2026, actor=clerk, cipher=runtime.cipher)
    return clerk, reviewer, summary


async def _publish_all(notices, clerk, reviewer, runtime):
    for notice in notices:
        await lifecycle.submit(notice, clerk)
        await lifecycle.approve(notice, reviewer)
        await lifecycle.publish(notice, reviewer, runtime.publish_context())


async def test_import_stores_the_batch_with_exact_totals_and_encrypted_ids(runtime):
    _, _, summary = await _setup(runtime)
    assert summary.rows == 3 and summary.total_fen == 191938
    assert {v.name: v.total_fen for v in summary.villages} == {"东湖村": 124875, "西岗村": 67063}
    batch = await PayoutBatch.get(id=summary.batch_id)
    assert batch.total_fen == 191938
    row = await PayoutRow.filter(batch=batch, name="张建国").first()
    assert make_id(seq=0).encode() not in row.id_cipher
    assert runtime.cipher.decrypt(row.id_cipher) == make_id(seq=0)
    assert row.id_board == make_id(seq=0)[:6] + "********" + make_id(seq=0)[-4:]


async def test_a_sheet_with_a_bad_row_stores_nothing_and_names_the_row(runtime):
    await create_county()
    clerk = await create_staff("clerk", Role.TOWNSHIP_CLERK, TOWNSHIP)
    bad = payout_csv([*ROWS, ("东湖村", "一组", "赵四", "1.00", "-5.00")])
    with pytest.raises(InvalidInput) as caught:
        await import_payouts(bad, "bad.csv", township_code=TOWNSHIP, program="耕地地力保护补贴",
                             year=2026, actor=clerk, cipher=runtime.cipher)
    problems = caught.value.details["problems"]
    assert any(p["row"] == 6 for p in problems), problems
    assert await PayoutBatch.all().count() == 0
    assert await PayoutRow.all().count() == 0


async def test_an_unknown_village_is_refused_with_a_suggestion(runtime):
    await create_county()
    clerk = await create_staff("clerk", Role.TOWNSHIP_CLERK, TOWNSHIP)
    sheet = payout_csv([("东湖", "一组", "张三", "1.00", "92.50")])
    with pytest.raises(InvalidInput) as caught:
        await import_payouts(sheet, "x.csv", township_code=TOWNSHIP, program="耕地地力保护补贴",
                             year=2026, actor=clerk, cipher=runtime.cipher)
    message = caught.value.details["problems"][0]["message"]
    assert "东湖村" in message


async def test_a_clerk_cannot_import_for_another_township(runtime):
    await create_county()
    clerk = await create_staff("clerk", Role.TOWNSHIP_CLERK, OTHER_TOWNSHIP)
    with pytest.raises(Forbidden):
        await import_payouts(payout_csv(ROWS), "x.csv", township_code=TOWNSHIP,
                             program="耕地地力保护补贴", year=2026, actor=clerk,
                             cipher=runtime.cipher)


async def test_publishing_freezes_a_version_renders_the_board_and_queues_deliveries(runtime):
    clerk, reviewer, summary = await _setup(runtime)
    notices = await lifecycle.create_payout_notices(summary.batch_id, clerk)
    kinds = sorted(n.kind for n in notices)
    assert kinds == [NoticeKind.PAYOUT_SUMMARY, *[NoticeKind.PAYOUT_VILLAGE] * 2]
    await _publish_all(notices, clerk, reviewer, runtime)

    versions = await NoticeVersion.all()
    assert len(versions) == 3
    for version in versions:
        assert fingerprint(version.content) == version.fingerprint
        pdf = runtime.store.read(version.pdf_file)
        assert pdf.startswith(b"%PDF")
        assert (version.period_end - version.period_start).days == 6  # 7 natural days
        for row in version.content["rows"]:
            assert set(row) == {"name", "group", "quantity", "rate_fen", "amount_fen", "note"}
    # Only 东湖村 has a robot: exactly one delivery, written with the publication.
    deliveries = await Delivery.all().prefetch_related("version__notice")
    assert [d.state for d in deliveries] == [DeliveryState.PENDING]
    assert deliveries[0].version.content["region"]["name"] == "东湖村"
    assert await find_broken_link() is None
    assert await AuditEvent.filter(action="publish").count() == 3


async def test_the_author_cannot_approve_their_own_notice(runtime):
    _clerk, _, summary = await _setup(runtime)
    admin_like = await create_staff("boss", Role.COUNTY_ADMIN, "419901000000")
    notices = await lifecycle.create_payout_notices(summary.batch_id, admin_like)
    await lifecycle.submit(notices[0], admin_like)
    with pytest.raises(Forbidden, match="不能自己审核"):
        await lifecycle.approve(notices[0], admin_like)


async def test_publication_is_refused_when_the_batch_no_longer_adds_up(runtime):
    clerk, reviewer, summary = await _setup(runtime)
    notices = await lifecycle.create_payout_notices(summary.batch_id, clerk)
    for notice in notices:
        await lifecycle.submit(notice, clerk)
    await PayoutBatch.filter(id=summary.batch_id).update(total_fen=191900)
    with pytest.raises(CheckFailed) as caught:
        await lifecycle.approve(notices[0], reviewer)
    assert caught.value.details["batch_fen"] == 191900
    assert caught.value.details["villages_fen"] == 191938
    assert "1,919.00" in caught.value.message and "1,919.38" in caught.value.message


async def test_a_changed_batch_makes_the_draft_stale(runtime):
    clerk, reviewer, summary = await _setup(runtime)
    notices = await lifecycle.create_payout_notices(summary.batch_id, clerk)
    await lifecycle.submit(notices[0], clerk)
    await PayoutRow.filter(name="张建国").update(amount_fen=92600)
    with pytest.raises(CheckFailed, match="不一致"):
        await lifecycle.approve(notices[0], reviewer)


async def test_verify_code_reports_the_current_version_and_the_page_masks_names(runtime):
    clerk, reviewer, summary = await _setup(runtime)
    notices = await lifecycle.create_payout_notices(summary.batch_id, clerk)
    await _publish_all(notices, clerk, reviewer, runtime)
    village = next(n for n in notices if n.kind == NoticeKind.PAYOUT_VILLAGE)
    version = await NoticeVersion.get(notice_id=village.id)
    typed = version.verify_code.lower()[:4] + " - " + version.verify_code[4:]
    check = await verification.verify(typed)
    assert check.status == "current" and check.intact and check.version == 1
    page = await public.notice_page(version, version.period_start)
    names = {r["name"] for r in page["rows"]}
    assert names.isdisjoint({"张建国", "李秀英", "王志强"})
    assert names & {"张*国", "李*英", "王*强"}


async def test_publishing_twice_is_refused(runtime):
    clerk, reviewer, summary = await _setup(runtime)
    notices = await lifecycle.create_payout_notices(summary.batch_id, clerk)
    await _publish_all(notices[:1], clerk, reviewer, runtime)
    notice = await Notice.get(id=notices[0].id)
    with pytest.raises(Exception, match="审核通过后才能发布"):
        await lifecycle.publish(notice, reviewer, runtime.publish_context())
    assert await NoticeVersion.filter(notice_id=notice.id).count() == 1


async def test_a_name_the_font_cannot_print_blocks_publication_with_a_message(runtime):
    clerk, reviewer, summary = await _setup(runtime)
    await PayoutRow.filter(name="张建国").update(name="张\U0001F600")
    notices = await lifecycle.create_payout_notices(summary.batch_id, clerk)
    village = next(n for n in notices if n.draft_content["region"]["name"] == "东湖村")
    await lifecycle.submit(village, clerk)
    await lifecycle.approve(village, reviewer)
    with pytest.raises(InvalidInput, match="字体"):
        await lifecycle.publish(village, reviewer, runtime.publish_context())
    assert await NoticeVersion.filter(notice_id=village.id).count() == 0
    assert await Delivery.all().count() == 0


async def test_publishing_without_a_supervision_phone_is_refused_naming_the_township(runtime):
    clerk, reviewer, summary = await _setup(runtime)
    await Region.filter(code=TOWNSHIP).update(supervision_phone="")
    notices = await lifecycle.create_payout_notices(summary.batch_id, clerk)
    notice = notices[0]
    await lifecycle.submit(notice, clerk)
    await lifecycle.approve(notice, reviewer)
    with pytest.raises(CheckFailed) as caught:
        await lifecycle.publish(notice, reviewer, runtime.publish_context())
    assert "城关镇还没有设置监督电话" in caught.value.message
    assert caught.value.details["check"] == "supervision_phone"
    assert await NoticeVersion.all().count() == 0 and await Delivery.all().count() == 0
    await Region.filter(code=TOWNSHIP).update(supervision_phone="0376-7712345")
    version = await lifecycle.publish(notice, reviewer, runtime.publish_context())
    assert version.content["supervision_phone"] == "0376-7712345"
