"""A published county with a robot, a cadre's customer groups and a WeChat group, the fake
WeChat server on a loopback port, and the real worker (real aiohttp clients) pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from bot.app import build_worker
from bot.fake_wechat import FAKE_STATE, FakeWeChatState, create_fake_wechat_app
from bot.runtime import Runtime
from bot.worker import DeliveryWorker
from notices.clock import CHINA
from notices.lifecycle import workflow as lifecycle
from notices.models import Delivery, DeliveryState
from tests.builders import VILLAGE_A
from tests.notices.lifecycle.test_workflow import _publish_all, _setup
from villages.group_targets import add_customer_group, add_wechat_group

CADRE = "wang.wenshu"
ROBOT_KEY = "robot-key-donghu"


@dataclass
class WeComEnv:
    state: FakeWeChatState
    runtime: Runtime
    session: aiohttp.ClientSession
    base_url: str

    def worker(self, timeout_s: float = 10, **settings: object) -> DeliveryWorker:
        worker = build_worker(self.runtime, self.session, timeout_s=timeout_s)
        for name, value in settings.items():
            setattr(worker, name, value)
        return worker


async def make_due() -> None:
    """Skip the backoff waits: every pending or awaiting row is due now."""
    now = datetime.now(CHINA) - timedelta(seconds=1)
    await Delivery.filter(state__in=[DeliveryState.PENDING,
                                     DeliveryState.AWAITING_CONFIRMATION]).update(
        next_attempt_at=now)


async def publish_county(runtime: Runtime, before: Callable[[], Awaitable[object]] | None = None
                         ) -> list:
    clerk, reviewer, summary = await _setup(runtime)  # adds the 东湖村 robot
    if before is not None:
        await before()
    await add_customer_group(VILLAGE_A, "王文书的东湖村村民客户群", CADRE)
    await add_wechat_group(VILLAGE_A, "东湖村村民群")
    notices = await lifecycle.create_payout_notices(summary.batch_id, clerk)
    await _publish_all(notices, clerk, reviewer, runtime)
    return notices


@pytest.fixture
async def wecom(runtime: Runtime) -> AsyncIterator[WeComEnv]:
    app = create_fake_wechat_app()
    state = app[FAKE_STATE]
    server = TestServer(app, host="127.0.0.1")
    await server.start_server(access_log=None)
    base_url = str(server.make_url("")).rstrip("/")
    config = replace(runtime.config, wecom_api_base=base_url)
    state.add_robot(ROBOT_KEY, "东湖村村务工作群")
    state.add_corp(config.wecom_corpid, config.wecom_secret)
    state.groups.add_member(CADRE, ["wrDonghu01", "wrDonghu02"])
    async with aiohttp.ClientSession() as session:
        yield WeComEnv(state, replace(runtime, config=config), session, base_url)
    await server.close()
