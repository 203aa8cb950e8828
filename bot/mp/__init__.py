"""The official account (公众号) callback: ``GET/POST /wechat/mp`` (DESIGN §4).

``view`` verifies and decrypts what WeChat sends, ``handlers`` turns a villager's message
into reply text, ``replay`` makes WeChat's retries of one message get one answer.
"""

from __future__ import annotations

from aiohttp import web

from bot.mp.view import MpCallback
from bot.runtime import Runtime

MP_CALLBACK = web.AppKey("mp_callback", MpCallback)


def setup(app: web.Application, runtime: Runtime) -> MpCallback:
    callback = MpCallback(runtime)
    app[MP_CALLBACK] = callback
    app.router.add_route("*", "/wechat/mp", callback.handle)
    return callback
