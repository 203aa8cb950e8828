"""A correction (a new version) goes to every place the old version reached - the robot
group, the cadre's customer groups and every ordinary WeChat group, including one the cadre
named only when confirming the first forward - marked 更正, and the matrix shows each place
on the old version until the new one lands."""

from __future__ import annotations

import pytest

from notices.delivery import forward_pack
from notices.delivery.consistency import consistency_matrix
from notices.delivery.models import CustomerGroupTask
from notices.ledgers.models import PayoutRow
from notices.lifecycle import corrections
from notices.lifecycle import workflow as lifecycle
from notices.models import Delivery, DeliveryPurpose, DeliveryState, NoticeVersion, VersionStatus
from tests.bot.worker.test_withdrawal_delivery import drain, published_donghu, tap_send
from tests.bot.worker.wecom_env import ROBOT_KEY, WeComEnv, make_due, wecom
from villages import services as villages
from villages.errors import Conflict
from villages.models import ChannelKind

pytestmark = pytest.mark.storage
__all__ = ["wecom"]


async def _cells(notice_id: int) -> dict[str, tuple[int | None, str]]:
    [row] = [r for r in await consistency_matrix() if r.notice_id == notice_id]
    return {c.target: (c.holds, c.state) for c in row.cells if c.channel not in ("web", "board",
                                                                                 "mp_digest")}


async def test_a_correction_reaches_every_place_the_old_version_reached(wecom: WeComEnv):
    first = await published_donghu(wecom)
    worker = wecom.worker()
    await drain(worker)
    # v1 lands everywhere: the cadre taps send and forwards into two groups, one of them new.
    [task_delivery] = await Delivery.filter(target__kind=ChannelKind.WECOM_CUSTOMER_GROUP,
                                            version=first)
    await tap_send(wecom, task_delivery)
    await make_due()
    await worker.run_once()
    key = forward_pack.pack_key(wecom.runtime.secrets.lookup_key)
    token = forward_pack.sign(key, first.id, first.notice.region_id)
    for group in ("东湖村村民群", "东湖村老年人群"):
        await forward_pack.confirm_forward(key, token, "王文书", group)
    notice_id = first.notice_id
    assert set((await _cells(notice_id)).values()) == {(1, "ok")}
    places = len(await _cells(notice_id))
    assert places == 4  # robot, customer groups, two WeChat groups

    # An upheld objection: the ledger is amended, the correction published as v2.
    clerk, reviewer = await villages.get_staff("clerk"), await villages.get_staff("reviewer")
    row = await PayoutRow.get(name="李秀英")
    await corrections.amend_payout_row(row.id, clerk, "异议核实：面积应为3.60亩",
                                       amount_fen=33300)
    stale = await corrections.stale_notices(first.notice.batch_id)
    assert notice_id in [n.id for n in stale]  # and the township summary
    for notice in stale:
        await corrections.correct(notice, clerk, "异议核实：李秀英面积应为3.60亩")
    for notice in stale:
        await lifecycle.submit(notice, clerk)
        await lifecycle.approve(notice, reviewer)
        await lifecycle.publish(notice, reviewer, wecom.runtime.publish_context())
    second = await NoticeVersion.get(notice_id=notice_id, number=2).prefetch_related("notice")
    assert (await NoticeVersion.get(id=first.id)).status == VersionStatus.SUPERSEDED

    # One v2 delivery for each place v1 reached, nowhere left out.
    v1_targets = set(await Delivery.filter(version=first, purpose=DeliveryPurpose.PUBLISH)
                     .values_list("target_id", flat=True))
    v2_targets = set(await Delivery.filter(version=second, purpose=DeliveryPurpose.PUBLISH)
                     .values_list("target_id", flat=True))
    assert v2_targets == v1_targets and len(v2_targets) == 4
    # Until each lands, the matrix shows the old version there.
    assert all(holds == 1 for holds, _ in (await _cells(notice_id)).values())

    await drain(worker)
    card = [m for m in wecom.state.messages(ROBOT_KEY) if m.msgtype == "markdown"][-1]
    assert "更正" in card.content and "/f/" in card.content
    [v2_task_delivery] = await Delivery.filter(target__kind=ChannelKind.WECOM_CUSTOMER_GROUP,
                                               version=second)
    task = await CustomerGroupTask.get(delivery=v2_task_delivery)
    text = wecom.state.groups.tasks[task.msgid].body["text"]["content"]
    assert text.startswith("【更正】") and first.verify_code[:4] in text
    cells = await _cells(notice_id)
    assert cells["东湖村村务工作群"] == (2, "ok")
    # The group first named in the pack still gets the correction; until staff confirm it,
    # the public matrix shows it without its name.
    assert cells["东湖村村民群"] == (1, "awaiting") == cells["待确认的群"]

    # The old pack can no longer be confirmed; the new one can, group by group.
    with pytest.raises(Conflict):
        await forward_pack.confirm_forward(key, token, "王文书", "东湖村村民群")
    new_token = forward_pack.sign(key, second.id, second.notice.region_id)
    for group in ("东湖村村民群", "东湖村老年人群"):
        await forward_pack.confirm_forward(key, new_token, "王文书", group)
    await tap_send(wecom, v2_task_delivery)
    await make_due()
    await worker.run_once()
    assert set((await _cells(notice_id)).values()) == {(2, "ok")}
    assert await Delivery.filter(version=second).exclude(
        state=DeliveryState.DELIVERED).count() == 0
