"""An answer that takes longer than WeChat's 5 seconds: the villager hears "稍后发给您" at
once and the answer follows as a customer-service message (service account), sent by the
real client to the fake platform; a subscription account asks them to send again."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.app import create_app
from bot.fake_wechat import FakeWeChatState, create_fake_wechat_app
from bot.mp import view
from bot.mp.handlers import HELP
from bot.mp.slow_replies import send_due_replies
from bot.wechat.mp_client import OfficialAccountClient
from notices.delivery.mp_models import DigestState, MpReply
from tests.bot.mp.test_callback import OPENID, say

pytestmark = pytest.mark.storage


@pytest.fixture
def slow_handlers(monkeypatch):
    """The handlers take 0.3 s while the answer deadline is 0.1 s."""
    real = view.handle_message

    async def slow(message, runtime, *rest):
        await asyncio.sleep(0.3)
        return await real(message, runtime, *rest)

    monkeypatch.setattr(view, "handle_message", slow)
    monkeypatch.setattr(view, "ANSWER_WITHIN_S", 0.1)


async def _wait_for_reply_row() -> MpReply | None:
    for _ in range(50):
        if (row := await MpReply.first()) is not None:
            return row
        await asyncio.sleep(0.02)
    return None


async def test_a_service_account_sends_the_slow_answer_as_a_customer_service_message(
        db, slow_handlers) -> None:
    config = replace(db, mp_account_type="service")
    fake = FakeWeChatState()
    fake.add_official_account(config.mp_appid, config.mp_secret)
    platform = TestServer(create_fake_wechat_app(fake), host="127.0.0.1")
    await platform.start_server()
    client = OfficialAccountClient(config.mp_appid, config.mp_secret,
                                   str(platform.make_url("")), timeout_s=2)
    try:
        async with TestClient(TestServer(create_app(config, with_worker=False,
                                                    open_db=False))) as http:
            fake.mp.user_wrote(OPENID)  # the platform saw the villager write in
            assert await say(http, config, "帮助") == view._FOLLOWS
            row = await _wait_for_reply_row()
            assert row is not None and row.text == HELP and row.openid == OPENID
            assert await send_due_replies(client) == 1
            assert await send_due_replies(client) == 0   # sent once
    finally:
        client.close()
        await platform.close()
    [message] = fake.mp.custom
    assert message.openid == OPENID and message.body["text"]["content"] == HELP
    assert (await MpReply.get()).state == DigestState.DELIVERED


async def test_a_closed_window_fails_the_reply_for_good(db) -> None:
    fake = FakeWeChatState()
    fake.add_official_account(db.mp_appid, db.mp_secret)
    platform = TestServer(create_fake_wechat_app(fake), host="127.0.0.1")
    await platform.start_server()
    client = OfficialAccountClient(db.mp_appid, db.mp_secret, str(platform.make_url("")),
                                   timeout_s=2)
    try:
        await MpReply.create(openid="o_silent", text="答复", next_attempt_at=db_now())
        assert await send_due_replies(client) == 0
    finally:
        client.close()
        await platform.close()
    row = await MpReply.get()
    assert row.state == DigestState.FAILED and "45015" in row.last_error


def db_now():
    from datetime import datetime

    from notices.clock import CHINA
    return datetime.now(CHINA)


async def test_a_subscription_account_asks_to_send_again(db, slow_handlers) -> None:
    async with TestClient(TestServer(create_app(db, with_worker=False, open_db=False))) as http:
        assert await say(http, db, "帮助") == view._BUSY
        await asyncio.sleep(0.4)
    assert await MpReply.all().count() == 0
