"""The official account's pieces of the aiohttp app, as ``cleanup_ctx`` entries."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING

from aiohttp import web

from bot.mp.digest_sender import digest_session, run_digest_forever
from bot.settings import Config
from villages.models import MpFollower

if TYPE_CHECKING:
    from bot.fake_wechat import FakeWeChatState

CleanupCtx = Callable[[web.Application], AsyncIterator[None]]


def fake_official_account(state: FakeWeChatState, config: Config) -> CleanupCtx:
    """In the fake world our account exists, with our secret, type, followers and callback."""
    async def register(app: web.Application) -> AsyncIterator[None]:
        state.add_official_account(config.mp_appid, config.mp_secret)
        state.mp.account_type = config.mp_account_type
        state.mp.followers.update(
            await MpFollower.filter(subscribed=True).values_list("openid", flat=True))
        state.mp_events_url = f"{config.public_url}/wechat/mp"
        state.mp_events_token = config.mp_token
        state.mp_events_aes = (None if config.mp_mode == "plaintext"
                               else (config.mp_aes_key, config.mp_appid))
        yield
    return register


def digest_worker(config: Config) -> CleanupCtx:
    async def run(app: web.Application) -> AsyncIterator[None]:
        stop = asyncio.Event()
        async with digest_session(config) as sender:
            task = asyncio.create_task(run_digest_forever(sender, stop))
            yield
            stop.set()
            task.cancel()   # don't wait out a platform call in flight; its row has a lease
            with contextlib.suppress(asyncio.CancelledError):
                await task
    return run
