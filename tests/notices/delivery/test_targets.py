"""A failed delivery can be re-sent, a robot added after publication gets the live notices,
and a disabled target gets nothing more - with the real worker against the fake WeChat."""

from __future__ import annotations

import pytest

from notices.delivery import targets
from notices.lifecycle import corrections
from notices.models import Delivery, DeliveryState
from tests.bot.worker.wecom_env import ROBOT_KEY, WeComEnv, publish_county, wecom
from tests.builders import OTHER_TOWNSHIP, VILLAGE_A, VILLAGE_B, create_staff
from villages import services as villages
from villages.errors import Conflict, Forbidden, InvalidInput, NotFound
from villages.models import ChannelKind, ChannelTarget, Role

pytestmark = pytest.mark.storage
__all__ = ["wecom"]
NEW_KEY = "robot-key-donghu-new"


async def _run(env: WeComEnv) -> None:
    worker = env.worker()
    while await worker.run_once():
        pass


async def _robot_delivery() -> Delivery:
    return await Delivery.get(target__kind=ChannelKind.WECOM_ROBOT, target__address=ROBOT_KEY)


async def test_a_failed_robot_delivery_is_resent_and_arrives(wecom: WeComEnv):
    await publish_county(wecom.runtime)
    wecom.state.fail_next(1, 93000)  # the key was wrong until the cadre fixed the robot
    await _run(wecom)
    failed = await _robot_delivery()
    assert failed.state == DeliveryState.FAILED and "93000" in failed.last_error
    assert wecom.state.messages(ROBOT_KEY) == []

    clerk = await villages.get_staff("clerk")
    again = await targets.resend(failed.id, clerk)
    assert again.state == DeliveryState.PENDING and again.attempts == 0
    await _run(wecom)
    assert (await _robot_delivery()).state == DeliveryState.DELIVERED
    assert [m.msgtype for m in wecom.state.messages(ROBOT_KEY)] == ["markdown", "file", "image"]


async def test_only_a_failed_delivery_of_a_standing_version_is_resent(wecom: WeComEnv):
    await publish_county(wecom.runtime)
    await _run(wecom)
    clerk = await villages.get_staff("clerk")
    delivered = await _robot_delivery()
    with pytest.raises(Conflict, match=r"已送达.*只有发送失败"):
        await targets.resend(delivered.id, clerk)
    # Failed, but the version was withdrawn since: re-sending would spread what no longer stands.
    await Delivery.filter(id=delivered.id).update(state=DeliveryState.FAILED)
    await delivered.fetch_related("version__notice")
    await corrections.withdraw(delivered.version.notice, await villages.get_staff("reviewer"),
                               "名单有误，撤回重发")
    with pytest.raises(Conflict, match="更正或撤回"):
        await targets.resend(delivered.id, clerk)
    with pytest.raises(NotFound, match="没有编号为 999999 的投递"):
        await targets.resend(999999, clerk)


async def test_a_clerk_of_another_township_cannot_resend(wecom: WeComEnv):
    await publish_county(wecom.runtime)
    wecom.state.fail_next(1, 93000)
    await _run(wecom)
    stranger = await create_staff("other-clerk", Role.TOWNSHIP_CLERK, OTHER_TOWNSHIP)
    with pytest.raises(Forbidden):
        await targets.resend((await _robot_delivery()).id, stranger)


async def test_a_robot_added_after_publication_gets_the_live_notices_once(wecom: WeComEnv):
    await publish_county(wecom.runtime)
    await _run(wecom)
    new = await villages.add_robot(VILLAGE_A, "东湖村两委群", NEW_KEY)
    wecom.state.add_robot(NEW_KEY, "东湖村两委群")
    clerk = await villages.get_staff("clerk")

    queued = await targets.send_current(await targets.targets_named(str(new.id)), clerk)
    assert len(queued) == 1  # the 东湖村 notice; the township summary is not the village's
    await _run(wecom)
    assert [m.msgtype for m in wecom.state.messages(NEW_KEY)] == ["markdown", "file", "image"]
    assert "东湖村" in wecom.state.messages(NEW_KEY)[0].content
    # Asked again (or for the whole village), nothing is sent twice.
    assert await targets.send_current(await targets.targets_named(VILLAGE_A), clerk) == []
    assert len(wecom.state.messages(ROBOT_KEY)) == 3


async def test_a_disabled_target_gets_nothing_more_until_registered_again(wecom: WeComEnv):
    await publish_county(wecom.runtime)
    robot = await ChannelTarget.get(address=ROBOT_KEY)
    clerk = await villages.get_staff("clerk")
    _, stopped = await targets.disable_target(robot.id, clerk)
    assert stopped == 1
    await _run(wecom)
    assert wecom.state.messages(ROBOT_KEY) == []
    delivery = await _robot_delivery()
    assert delivery.state == DeliveryState.FAILED
    assert delivery.last_error == "投递目标已停用，不再发送"
    [row] = [r for r in await targets.list_targets(VILLAGE_A) if r.id == robot.id]
    assert (row.active, row.failed, row.kind) == (False, 1, "群机器人")
    assert ROBOT_KEY not in str(row.as_dict())  # a robot key is a credential
    with pytest.raises(Conflict, match="已停用"):
        await targets.resend(delivery.id, clerk)
    with pytest.raises(Conflict, match="已经停用"):
        await targets.disable_target(robot.id, clerk)

    await villages.add_robot(VILLAGE_A, "东湖村村务工作群", ROBOT_KEY)  # registered again
    await targets.resend(delivery.id, clerk)
    await _run(wecom)
    assert len(wecom.state.messages(ROBOT_KEY)) == 3


@pytest.mark.parametrize("which", ["abc", "", "东湖村", "-1", "1e3", "4199011002011"])
async def test_a_target_that_is_neither_village_nor_id_is_refused(db, which):
    with pytest.raises(InvalidInput, match="既不是"):
        await targets.targets_named(which)


async def test_unknown_targets_and_non_villages_are_named(wecom: WeComEnv):
    await publish_county(wecom.runtime)
    with pytest.raises(NotFound, match="投递目标"):
        await targets.targets_named("424242")
    with pytest.raises(InvalidInput, match="不是村"):
        await targets.targets_named("419901100000")
    assert await targets.targets_named(VILLAGE_B) == []  # 西岗村 has no target


async def test_ids_beyond_any_database_integer_name_nothing(wecom: WeComEnv):
    await publish_county(wecom.runtime)
    clerk = await villages.get_staff("clerk")
    for huge in (2**64, -(2**64), 0, -1):
        with pytest.raises(NotFound):
            await targets.resend(huge, clerk)
        with pytest.raises(NotFound):
            await targets.disable_target(huge, clerk)


async def test_targets_are_listed_under_a_township_or_county_code(wecom: WeComEnv):
    await publish_county(wecom.runtime)
    township = await targets.list_targets("419901100000")
    assert {r.village for r in township} == {"东湖村"} and len(township) == 3
    assert await targets.list_targets("419901101000") == []  # 柳河镇 has none
    with pytest.raises(InvalidInput):
        await targets.list_targets("4199%")
