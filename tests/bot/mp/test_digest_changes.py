"""A mass-sent article can't be unsent: the next daily digest is how followers learn of a
correction (【更正】 with its reason) or a withdrawal (【撤回】 with its reason) - listed once,
through wechatpy's real client against the fake official account."""

from __future__ import annotations

from datetime import timedelta

import pytest

from notices.delivery.mp_models import MpDigest
from notices.fingerprint import format_code
from notices.ledgers.models import PayoutRow
from notices.lifecycle import corrections
from notices.lifecycle import workflow as lifecycle
from notices.models import Notice, NoticeKind, NoticeVersion
from tests.bot.mp.test_digest import World, world
from villages import services as villages

pytestmark = pytest.mark.storage
__all__ = ["world"]

WITHDRAWN = "西岗村名单重复导入，作废重发"
CORRECTED = "异议核实：张建国面积应为10.50亩"


async def _village(name: str) -> Notice:
    return next(n for n in await Notice.filter(kind=NoticeKind.PAYOUT_VILLAGE)
                if n.draft_content["region"]["name"] == name)


async def test_the_next_digest_lists_the_days_corrections_and_withdrawals(world: World):
    assert await world.sender().run_once(world.clock.now) == 1  # day 1: three new notices
    clerk, reviewer = await villages.get_staff("clerk"), await villages.get_staff("reviewer")
    donghu, xigang = await _village("东湖村"), await _village("西岗村")
    first = await NoticeVersion.get(notice_id=donghu.id)
    gone = await NoticeVersion.get(notice_id=xigang.id)

    # Day 2: 东湖村 is corrected (with its township summary), 西岗村 withdrawn.
    row = await PayoutRow.get(name="张建国")
    await corrections.amend_payout_row(row.id, clerk, CORRECTED, amount_fen=97125,
                                       quantity=None)
    stale = await corrections.stale_notices(donghu.batch_id)
    for notice in stale:
        await corrections.correct(notice, clerk, CORRECTED)
    for notice in stale:
        await lifecycle.submit(notice, clerk)
        await lifecycle.approve(notice, reviewer)
        await lifecycle.publish(notice, reviewer, world.runtime.publish_context())
    await corrections.withdraw(await Notice.get(id=xigang.id), reviewer, WITHDRAWN)
    second = await NoticeVersion.get(notice_id=donghu.id, number=2)

    day2 = world.clock.now + timedelta(days=1)
    world.clock.now = day2
    assert await world.sender().run_once(day2) == 1
    sent = world.mass_sends()[-1].articles[0]
    assert "撤回1项" in sent["title"] and "新公示2项" in sent["title"]
    body = sent["content"]
    assert f"【更正】东湖村：{first.content['title']}" in body and f"更正原因：{CORRECTED}" in body
    assert format_code(second.verify_code) in body
    assert f"【撤回】西岗村：{gone.content['title']}" in body and WITHDRAWN in body
    assert f"核验码 {format_code(gone.verify_code)} 的公示已撤回" in body
    assert f'href="http://cunwu.test/n/{gone.verify_code}"' in body  # the page says 已撤回
    assert "王志强" not in body and "670.63" not in body.split("【撤回】")[1][:200]

    # Day 3: nothing new - the withdrawal is not told twice.
    world.clock.now = day2 + timedelta(days=1)
    assert await world.sender().run_once(world.clock.now) == 0
    assert await MpDigest.all().count() == 2


async def test_a_notice_withdrawn_before_any_digest_is_listed_once_as_withdrawn(world: World):
    reviewer = await villages.get_staff("reviewer")
    xigang = await _village("西岗村")
    await corrections.withdraw(xigang, reviewer, WITHDRAWN)
    await world.sender().run_once(world.clock.now)
    body = world.mass_sends()[-1].articles[0]["content"]
    assert body.count("西岗村：") == 1 and "【撤回】西岗村：" in body and WITHDRAWN in body
