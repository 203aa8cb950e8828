"""In the demo, a robot registered while `cunwu serve` runs (from another process: the CLI)
is known to the built-in fake WeChat at its first use, instead of answering 93000."""

from __future__ import annotations

from dataclasses import replace

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from bot.app import FAKE_WECHAT, build_worker, create_app
from notices.delivery import targets
from notices.models import Delivery, DeliveryState
from tests.bot.worker.wecom_env import publish_county
from tests.builders import VILLAGE_A
from villages import services as villages
from villages.group_targets import add_customer_group

pytestmark = pytest.mark.storage
NEW_KEY = "robot-key-added-while-running"


async def test_a_robot_added_while_the_server_runs_gets_its_messages(runtime):
    await publish_county(runtime)
    app = create_app(runtime.config, with_worker=False, open_db=False)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    try:
        state = app[FAKE_WECHAT]
        # Registered after start-up, as `cunwu robot add` in another shell would.
        robot = await villages.add_robot(VILLAGE_A, "东湖村两委群", NEW_KEY)
        assert not state.has_robot(NEW_KEY)
        await targets.send_current(await targets.targets_named(str(robot.id)),
                                   await villages.get_staff("clerk"))
        base = str(server.make_url("/_fake/wechat")).rstrip("/")
        live = replace(runtime, config=replace(runtime.config, wecom_api_base=base))
        async with aiohttp.ClientSession() as session:
            worker = build_worker(live, session)
            while await worker.run_once():
                pass
    finally:
        await server.close()
    delivery = await Delivery.get(target_id=robot.id)
    assert delivery.state == DeliveryState.DELIVERED, delivery.last_error
    assert [m.msgtype for m in state.messages(NEW_KEY)] == ["markdown", "file", "image"]
    # A key nobody registered is still a stranger to the fake, as to the platform.
    assert not await state.knows_robot("never-registered")


async def test_a_customer_group_added_while_the_server_runs_gets_its_task(runtime):
    await publish_county(runtime)
    app = create_app(runtime.config, with_worker=False, open_db=False)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    try:
        target = await add_customer_group(VILLAGE_A, "李主任的东湖村村民客户群", "li.zhuren")
        await targets.send_current(await targets.targets_named(str(target.id)),
                                   await villages.get_staff("clerk"))
        base = str(server.make_url("/_fake/wechat")).rstrip("/")
        live = replace(runtime, config=replace(runtime.config, wecom_api_base=base))
        async with aiohttp.ClientSession() as session:
            worker = build_worker(live, session)
            while await worker.run_once():
                pass
    finally:
        await server.close()
    delivery = await Delivery.get(target_id=target.id)
    assert delivery.state == DeliveryState.AWAITING_CONFIRMATION, delivery.last_error
    assert len(app[FAKE_WECHAT].groups.tasks_of("li.zhuren")) == 1
