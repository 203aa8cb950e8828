"""HTTP face of the fake WeChat / WeCom server, on the real paths and errcodes.

Mounted at ``/_fake/wechat`` in the demo and standalone in tests, so every route is
relative to the sub-application root. Behaviour and sources: ``tokens`` (token
endpoints), ``webhook`` (group robot), ``customer_groups``
(客户群 group-message tasks). This module adds the scripted faults.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.fake_wechat import customer_groups, dev_page, mp_publish, webhook
from bot.fake_wechat.replies import Flavour, error, reply
from bot.fake_wechat.state import FakeWeChatState

FAKE_STATE = web.AppKey("FAKE_STATE", FakeWeChatState)

Handler = Callable[[web.Request, FakeWeChatState], Awaitable[web.StreamResponse]]


def create_fake_wechat_app(state: FakeWeChatState | None = None) -> web.Application:
    app = web.Application()
    app[FAKE_STATE] = state if state is not None else FakeWeChatState()
    app.router.add_get("/cgi-bin/gettoken", _api("wecom", _gettoken))
    app.router.add_get("/cgi-bin/token", _api("mp", _token))
    app.router.add_post("/cgi-bin/stable_token", _api("mp", _stable_token))
    app.router.add_get("/cgi-bin/getcallbackip", _api("mp", _getcallbackip))
    app.router.add_post("/cgi-bin/webhook/send", _api("wecom", webhook.webhook_send))
    app.router.add_post("/cgi-bin/webhook/upload_media", _api("wecom", webhook.upload_media))
    mp_publish.setup(app, _api)
    customer_groups.setup(app, _api, FAKE_STATE)
    dev_page.setup(app, FAKE_STATE)
    return app


async def _stall(request: web.Request, seconds: float) -> None:
    """Sleep ``seconds`` of real time, but stop once the client has hung up."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while loop.time() < deadline:
        if request.transport is None or request.transport.is_closing():
            return
        await asyncio.sleep(0.02)


def _api(
    flavour: Flavour, handler: Handler
) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """Wrap an endpoint with the state's delay and scripted faults."""

    async def wrapped(request: web.Request) -> web.StreamResponse:
        state = request.app[FAKE_STATE]
        if state.delay_seconds > 0:
            await _stall(request, state.delay_seconds)
        fault = state.take_fault()
        if fault == "timeout":
            await _stall(request, state.timeout_sleep_s)
            return error(flavour, -1)  # only seen by a client patient enough to wait
        if isinstance(fault, int) and 500 <= fault <= 599:
            # What a broken gateway in front of the platform returns: not JSON at all.
            return web.Response(status=fault, text="<html><body>Server Error</body></html>")
        if isinstance(fault, int):
            return error(flavour, fault)
        return await handler(request, state)

    return wrapped


async def _gettoken(request: web.Request, state: FakeWeChatState) -> web.Response:
    q = request.query
    body = state.tokens.wecom_gettoken(q.get("corpid", ""), q.get("corpsecret", ""))
    return reply("wecom", body)


async def _token(request: web.Request, state: FakeWeChatState) -> web.Response:
    q = request.query
    body = state.tokens.official_token(
        q.get("grant_type", ""), q.get("appid", ""), q.get("secret", "")
    )
    return reply("mp", body)


async def _stable_token(request: web.Request, state: FakeWeChatState) -> web.Response:
    try:
        body = json.loads(await request.read())
    except ValueError:
        return error("mp", 47001, "data format error")
    if not isinstance(body, dict):
        return error("mp", 47001, "data format error")
    return reply("mp", state.tokens.stable_token(body))


async def _getcallbackip(request: web.Request, state: FakeWeChatState) -> web.Response:
    """A real, side-effect-free endpoint that needs a token: lets tests check one."""
    errcode = state.tokens.check(request.query.get("access_token", ""))
    if errcode == 41001:
        return error("mp", errcode, "access_token missing")
    if errcode:
        return error("mp", errcode)
    return web.json_response({"errcode": 0, "errmsg": "ok", "ip_list": ["127.0.0.1"]})
