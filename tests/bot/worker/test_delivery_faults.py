"""Faults on every platform call (-1, 5xx, timeouts, 45009, token expiry) while the real
worker delivers: every robot gets each message exactly once, the customer-group task is
created once and confirmed, and what cannot succeed fails visibly instead of retrying."""

from __future__ import annotations

import pytest

from bot.fake_wechat.state import Fault
from notices.delivery.models import CustomerGroupTask
from notices.models import Delivery, DeliveryState
from tests.bot.worker.wecom_env import ROBOT_KEY, WeComEnv, make_due, publish_county, wecom
from tests.builders import VILLAGE_B
from villages import services as villages
from villages.models import ChannelKind

pytestmark = pytest.mark.storage
__all__ = ["wecom"]
FAULTS: list[Fault] = [-1, 500, "timeout", 45009, 502, "timeout"]  # < MAX_ATTEMPTS in a row
XIGANG_KEY = "robot-key-xigang-0001"


async def _drain(env: WeComEnv, worker, rounds: int = 40) -> None:
    for _ in range(rounds):
        await make_due()
        await worker.run_once()
        states = set(await Delivery.all().values_list("state", flat=True))
        if states <= {DeliveryState.DELIVERED, DeliveryState.AWAITING_CONFIRMATION,
                      DeliveryState.FAILED}:
            return


async def test_faults_everywhere_nothing_lost_nothing_sent_twice(wecom: WeComEnv):
    wecom.state.add_robot(XIGANG_KEY, "西岗村村务工作群")
    await publish_county(wecom.runtime, lambda: villages.add_robot(
        VILLAGE_B, "西岗村村务工作群", XIGANG_KEY))
    wecom.state.timeout_sleep_s = 5
    worker = wecom.worker(timeout_s=0.3)
    token = await worker.groups.api.token()  # type: ignore[union-attr]
    wecom.state.tokens._tokens[token].expires_at = 0  # expires before the first task call
    for i in range(0, len(FAULTS), 2):  # two per round: they hit different deliveries
        for fault in FAULTS[i:i + 2]:
            wecom.state.fail_next(1, fault)
        await make_due()
        await worker.run_once()
    await _drain(wecom, worker)

    for key in (ROBOT_KEY, XIGANG_KEY):
        assert [m.msgtype for m in wecom.state.messages(key)] == ["markdown", "file", "image"]
    robots = await Delivery.filter(target__kind=ChannelKind.WECOM_ROBOT)
    assert all(d.state == DeliveryState.DELIVERED for d in robots)
    assert sum(d.attempts for d in await Delivery.all()) > len(await Delivery.all())  # retried
    assert len(wecom.state.groups.tasks) == 1  # one task, however many faults
    [task] = await CustomerGroupTask.all()

    wecom.state.clock = lambda: wecom.state.groups.tasks[task.msgid].created_at + 10
    wecom.state.groups.tap_send(task.msgid)
    for fault in (-1, "timeout"):  # the polls fail too, then get through
        wecom.state.fail_next(1, fault)
        await make_due()
        await worker.run_once()
    await make_due()
    await worker.run_once()
    assert (await Delivery.get(target__kind=ChannelKind.WECOM_CUSTOMER_GROUP)).state == (
        DeliveryState.DELIVERED)
    # The forward pack waits for its cadre, untouched by any fault.
    assert (await Delivery.get(target__kind=ChannelKind.WECHAT_GROUP)).state == (
        DeliveryState.AWAITING_CONFIRMATION)


@pytest.mark.parametrize("errcode", [40164, 48001, 93000])
async def test_configuration_errors_are_never_retried(wecom: WeComEnv, errcode: int):
    await publish_county(wecom.runtime)
    worker = wecom.worker()
    wecom.state.fail_next(1, errcode)
    await worker.run_once()
    [failed] = await Delivery.filter(state=DeliveryState.FAILED)
    assert failed.attempts == 1 and str(errcode) in failed.last_error
    await make_due()
    await worker.run_once()
    assert (await Delivery.get(id=failed.id)).attempts == 1  # not picked up again
