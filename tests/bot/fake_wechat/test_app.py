"""The fake WeChat/WeCom server speaks the real endpoints: tokens, robot, dev page."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.fake_wechat import FAKE_STATE, FakeWeChatState, create_fake_wechat_app, render_markdown
from bot.wechat.robot import WeComRobotClient

KEY = "5f3c0b6e-1d2a-4e8f-9a7b-3c2d1e0f9a8b"
CORP, CORP_SECRET = "ww1234567890abcdef", "corp-secret-0123456789"
APPID, APP_SECRET = "wx1234567890abcdef", "app-secret-0123456789"


class FakeClock:
    def __init__(self, now: float = 1_717_200_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class Fake:
    state: FakeWeChatState
    clock: FakeClock
    session: aiohttp.ClientSession
    base: str

    async def get(self, path: str, **params: str) -> dict[str, Any]:
        async with self.session.get(self.base + path, params=params) as resp:
            return await resp.json()

    async def post(self, path: str, body: Any, **params: str) -> dict[str, Any]:
        async with self.session.post(self.base + path, params=params, json=body) as resp:
            return await resp.json()

    async def token_ok(self, token: str) -> int:
        return (await self.get("/cgi-bin/getcallbackip", access_token=token))["errcode"]

    async def mp_token(self) -> dict[str, Any]:
        return await self.get(
            "/cgi-bin/token", grant_type="client_credential", appid=APPID, secret=APP_SECRET
        )


async def _serve(app: web.Application) -> TestServer:
    server = TestServer(app, host="127.0.0.1")
    await server.start_server(access_log=None)
    return server


@pytest.fixture
async def fake() -> AsyncIterator[Fake]:
    clock = FakeClock()
    state = FakeWeChatState(clock=clock)
    state.add_robot(KEY, "王家村村务公开群")
    state.add_corp(CORP, CORP_SECRET)
    state.add_official_account(APPID, APP_SECRET)
    app = create_fake_wechat_app(state)
    assert app[FAKE_STATE] is state
    server = await _serve(app)
    async with aiohttp.ClientSession() as session:
        yield Fake(state, clock, session, str(server.make_url("")).rstrip("/"))
    await server.close()


# -- tokens ----------------------------------------------------------------------------


async def test_wecom_gettoken(fake: Fake) -> None:
    ok = await fake.get("/cgi-bin/gettoken", corpid=CORP, corpsecret=CORP_SECRET)
    assert ok["errcode"] == 0 and ok["expires_in"] == 7200
    assert await fake.token_ok(ok["access_token"]) == 0
    again = await fake.get("/cgi-bin/gettoken", corpid=CORP, corpsecret=CORP_SECRET)
    assert again["access_token"] == ok["access_token"]  # WeCom returns the cached token
    bad = await fake.get("/cgi-bin/gettoken", corpid=CORP, corpsecret="wrong")
    assert bad["errcode"] == 40001 and "invalid credential" in bad["errmsg"]
    assert "open.work.weixin.qq.com/devtool/query?e=40001" in bad["errmsg"]
    unknown = await fake.get("/cgi-bin/gettoken", corpid="wwnope", corpsecret=CORP_SECRET)
    assert unknown["errcode"] == 40013


async def test_official_token_errors(fake: Fake) -> None:
    ok = await fake.mp_token()
    assert ok["expires_in"] == 7200 and "errcode" not in ok  # success has no errcode
    wrong = await fake.get(
        "/cgi-bin/token", grant_type="client_credential", appid=APPID, secret="nope"
    )
    assert wrong["errcode"] == 40125 and wrong["errmsg"].startswith("invalid appsecret rid: ")
    nobody = await fake.get(
        "/cgi-bin/token", grant_type="client_credential", appid="wxnope", secret=APP_SECRET
    )
    assert nobody["errcode"] == 40013
    grant = await fake.get("/cgi-bin/token", grant_type="password", appid=APPID, secret="x")
    assert grant["errcode"] == 40002


async def test_official_token_fetch_invalidates_previous(fake: Fake) -> None:
    first = (await fake.mp_token())["access_token"]
    second = (await fake.mp_token())["access_token"]
    assert first != second
    # The platform keeps the old token alive for 5 minutes so servers can roll over ...
    assert await fake.token_ok(first) == 0
    fake.clock.advance(301)
    # ... then it is "invalid credential, access_token is invalid or not latest".
    assert await fake.token_ok(first) == 40001
    assert await fake.token_ok(second) == 0
    fake.state.tokens.grace_s = 0  # tests that want the strict view can have it
    third = (await fake.mp_token())["access_token"]
    assert await fake.token_ok(second) == 40001
    fake.clock.advance(7200)
    assert await fake.token_ok(third) == 42001  # plain expiry
    assert await fake.token_ok("") == 41001


async def test_official_token_daily_quota(fake: Fake) -> None:
    fake.state.tokens.daily_limit = 3
    for _ in range(3):
        assert "access_token" in await fake.mp_token()
    assert (await fake.mp_token())["errcode"] == 45009
    assert fake.state.tokens.fetches_today(APPID) == 3
    fake.clock.advance(86400)
    assert "access_token" in await fake.mp_token()


async def test_stable_token(fake: Fake) -> None:
    body = {"grant_type": "client_credential", "appid": APPID, "secret": APP_SECRET}
    basic = (await fake.mp_token())["access_token"]
    one = (await fake.post("/cgi-bin/stable_token", body))["access_token"]
    two = (await fake.post("/cgi-bin/stable_token", body))["access_token"]
    assert one == two != basic  # normal mode: same token; its own pool
    assert await fake.token_ok(basic) == 0  # and it did not touch /cgi-bin/token's
    fake.clock.advance(31)
    forced = await fake.post("/cgi-bin/stable_token", {**body, "force_refresh": True})
    assert forced["access_token"] != one
    assert await fake.token_ok(one) == 40001  # force_refresh invalidates at once
    again = await fake.post("/cgi-bin/stable_token", {**body, "force_refresh": True})
    assert again["access_token"] == forced["access_token"]  # < 30 s apart: not refreshed
    wrong = await fake.post("/cgi-bin/stable_token", {**body, "secret": "nope"})
    assert wrong["errcode"] == 40125


# -- robot -------------------------------------------------------------------------------


async def test_webhook_errors(fake: Fake) -> None:
    send = "/cgi-bin/webhook/send"
    text = {"msgtype": "text", "text": {"content": "hi"}}
    assert (await fake.post(send, text, key="nope"))["errcode"] == 93000
    assert (await fake.post(send, text))["errcode"] == 93000  # no key at all
    async with fake.session.post(fake.base + send, params={"key": KEY}, data=b"{not json") as r:
        assert (await r.json())["errcode"] == 47001
    assert (await fake.post(send, {"msgtype": "voice"}, key=KEY))["errcode"] == 40008
    empty = {"msgtype": "text", "text": {"content": ""}}
    assert (await fake.post(send, empty, key=KEY))["errcode"] == 44004
    long_text = {"msgtype": "text", "text": {"content": "a" * 2049}}
    assert (await fake.post(send, long_text, key=KEY))["errcode"] == 40058
    bad_md5 = {"msgtype": "image", "image": {"base64": "aGVsbG8=", "md5": "0" * 32}}
    assert (await fake.post(send, bad_md5, key=KEY))["errcode"] == 301019
    missing = {"msgtype": "file", "file": {"media_id": "3nope"}}
    assert (await fake.post(send, missing, key=KEY))["errcode"] == 40007
    assert fake.state.messages(KEY) == []


async def test_webhook_image_and_news_recorded(fake: Fake) -> None:
    png = b"\x89PNG\r\n\x1a\n0000"
    image = {"base64": base64.b64encode(png).decode(), "md5": hashlib.md5(png).hexdigest()}
    sent = await fake.post("/cgi-bin/webhook/send", {"msgtype": "image", "image": image}, key=KEY)
    assert sent["errcode"] == 0
    article = {"title": "村务公开", "url": "https://example.cn/n/1", "description": "三季度"}
    news = {"msgtype": "news", "news": {"articles": [article]}}
    assert (await fake.post("/cgi-bin/webhook/send", news, key=KEY))["errcode"] == 0
    img, item = fake.state.messages(KEY)
    assert (img.msgtype, img.data) == ("image", png)
    assert (item.msgtype, item.content) == ("news", "村务公开")
    assert [m.seq for m in fake.state.messages(KEY)] == [1, 2]
    assert fake.state.robots() == {KEY: "王家村村务公开群"}


async def test_fault_switches(fake: Fake) -> None:
    fake.state.fail_next(2, 503)
    for _ in range(2):
        async with fake.session.get(fake.base + "/cgi-bin/gettoken") as resp:
            assert resp.status == 503
    fake.state.fail_next(1, 40001)
    assert (await fake.mp_token())["errcode"] == 40001
    assert "access_token" in await fake.mp_token()
    with pytest.raises(ValueError):
        fake.state.fail_next(1, "explode")
    fake.state.delay_seconds = 0.2
    started = time.monotonic()
    assert "access_token" in await fake.mp_token()
    assert time.monotonic() - started >= 0.2


async def test_timeout_fault_ends_when_client_gives_up(fake: Fake) -> None:
    fake.state.fail_next(1, "timeout")
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        async with fake.session.get(
            fake.base + "/cgi-bin/gettoken", timeout=aiohttp.ClientTimeout(total=0.2)
        ):
            pass
    assert time.monotonic() - started < 2
    # The server is free again straight away.
    token = await fake.get("/cgi-bin/gettoken", corpid=CORP, corpsecret=CORP_SECRET)
    assert token["errcode"] == 0


# -- dev page ----------------------------------------------------------------------------


def test_render_markdown_escapes_then_formats() -> None:
    html = render_markdown(
        '## 公告\n**注意** <font color="warning">明天停水</font>\n'
        "> 详情 [点这里](https://example.cn/a?b=1&c=2)\n"
        "[坏链接](javascript:alert(1)) <img src=x onerror=alert(1)> <@zhangsan>"
    )
    assert '<div class="md-h md-h2">公告</div>' in html
    assert "<strong>注意</strong>" in html
    assert '<span class="font-warning">明天停水</span>' in html
    assert '<div class="md-quote">详情 <a href="https://example.cn/a?b=1&amp;c=2"' in html
    assert "javascript:" in html and 'href="javascript' not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html and "<img" not in html
    assert '<span class="mention">@zhangsan</span>' in html
    assert render_markdown('<font color="red" onclick="x">x</font>').count("<") == 2  # div only


async def test_dev_page_shows_messages_escaped_and_files(fake: Fake) -> None:
    client = WeComRobotClient(fake.session, fake.base)
    await client.send_markdown(KEY, "# 停水通知\n<script>alert(1)</script>")
    await client.send_text(KEY, "<b>纯文本</b>")
    data = b"%PDF-1.7 " + b"x" * 2000
    await client.send_file(KEY, await client.upload_file(KEY, "王家村公示.pdf", data))
    async with fake.session.get(fake.base + "/dev") as resp:
        assert resp.status == 200 and resp.content_type == "text/html"
        page = await resp.text()
    assert "王家村村务公开群" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>" not in page
    assert "&lt;b&gt;纯文本&lt;/b&gt;" in page
    assert '<div class="md-h md-h1">停水通知</div>' in page
    assert "王家村公示.pdf" in page and "2.0 KB" in page
    [message] = [m for m in fake.state.messages(KEY) if m.msgtype == "file"]
    href = f"/dev/media/{message.media_id}"
    assert href in page
    async with fake.session.get(fake.base + href) as resp:
        assert await resp.read() == data
        assert resp.headers["Content-Disposition"].startswith("attachment;")
    async with fake.session.get(fake.base + "/dev/media/unknown") as resp:
        assert resp.status == 404


async def test_mounted_under_prefix_keeps_paths_and_links() -> None:
    state = FakeWeChatState()
    state.add_robot(KEY, "王家村村务公开群")
    main = web.Application()
    main.add_subapp("/_fake/wechat", create_fake_wechat_app(state))
    server = await _serve(main)
    try:
        base = str(server.make_url("/_fake/wechat"))
        async with aiohttp.ClientSession() as session:
            client = WeComRobotClient(session, base)
            await client.send_file(KEY, await client.upload_file(KEY, "a.txt", b"hello"))
            await client.send_image(KEY, b"\x89PNG\r\n\x1a\nabc")
            async with session.get(base + "/dev") as resp:
                page = await resp.text()
            assert 'href="/_fake/wechat/dev/media/' in page
            assert 'src="/_fake/wechat/dev/image/' in page
    finally:
        await server.close()


async def test_timeout_stall_stops_without_handler_cancellation(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Mounted in the demo app, aiohttp does not cancel handlers when a client hangs up;
    # the stall must notice the closed connection by itself instead of sleeping 30 s.
    import bot.fake_wechat.app as fake_app

    ended: list[float] = []
    original = fake_app._stall

    async def timed_stall(request: web.Request, seconds: float) -> None:
        started = time.monotonic()
        await original(request, seconds)
        ended.append(time.monotonic() - started)

    monkeypatch.setattr(fake_app, "_stall", timed_stall)
    state = FakeWeChatState()
    state.fail_next(1, "timeout")
    runner = web.AppRunner(create_fake_wechat_app(state), access_log=None)  # no cancellation
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        port = runner.addresses[0][1]
        async with aiohttp.ClientSession() as session:
            with pytest.raises(TimeoutError):
                async with session.get(
                    f"http://127.0.0.1:{port}/cgi-bin/gettoken",
                    timeout=aiohttp.ClientTimeout(total=0.2),
                ):
                    pass
        for _ in range(100):
            if ended:
                break
            await asyncio.sleep(0.02)
        assert ended and ended[0] < 2
    finally:
        await runner.cleanup()
