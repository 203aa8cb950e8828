"""WeComRobotClient against the fake WeChat server over real loopback HTTP."""

from __future__ import annotations

import hashlib
import logging
import socket
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from bot.fake_wechat import FakeWeChatState, create_fake_wechat_app
from bot.wechat.errors import (
    DeliveryError,
    MediaExpiredError,
    PayloadTooLarge,
    PermanentDeliveryError,
    RetryableDeliveryError,
    WeChatErrcode,
    redact,
)
from bot.wechat.robot import WeComRobotClient

KEY = "693a91f6-7a0c-4bc4-97a0-0ec2sifa5aaa"  # shaped like the doc's example key
OTHER_KEY = "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"
THREE_DAYS = 3 * 86400
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


class FakeClock:
    """Settable time for the fake: the 60 s window and 3-day expiry without sleeping."""

    def __init__(self, now: float = 1_717_200_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class Env:
    state: FakeWeChatState
    clock: FakeClock
    base_url: str
    session: aiohttp.ClientSession
    client: WeComRobotClient


@pytest.fixture
async def env() -> AsyncIterator[Env]:
    clock = FakeClock()
    state = FakeWeChatState(clock=clock)
    state.add_robot(KEY, "张家村村务公开群")
    state.add_robot(OTHER_KEY, "李家村村务公开群")
    server = TestServer(create_fake_wechat_app(state), host="127.0.0.1")
    # No access log: the server side logs the real URL (with the key), as any web server
    # would; what we test is that *our client* never logs or raises it.
    await server.start_server(access_log=None)
    base_url = str(server.make_url("")).rstrip("/")
    async with aiohttp.ClientSession() as session:
        yield Env(state, clock, base_url, session, WeComRobotClient(session, base_url))
    await server.close()


def assert_key_hidden(exc: BaseException, caplog: pytest.LogCaptureFixture) -> None:
    for text in (str(exc), repr(exc), caplog.text):
        assert KEY not in text
        assert KEY[:12] not in text  # not even a long prefix
    assert redact(KEY) in str(exc)  # but enough to tell which robot failed


async def test_markdown_delivered_and_recorded(env: Env) -> None:
    content = '# 张家村 2024 年第三季度财务公开\n**收入** <font color="info">12,300 元</font>'
    await env.client.send_markdown(KEY, content)
    [message] = env.state.messages(KEY)
    assert (message.msgtype, message.content) == ("markdown", content)
    assert message.timestamp == env.clock.now
    assert env.state.messages(OTHER_KEY) == []


async def test_text_and_image_delivered(env: Env) -> None:
    await env.client.send_text(KEY, "请村民查看公示栏")
    await env.client.send_image(KEY, PNG)
    text, image = env.state.messages(KEY)
    assert (text.msgtype, text.content) == ("text", "请村民查看公示栏")
    assert (image.msgtype, image.data) == ("image", PNG)


async def test_file_uploaded_sent_and_recorded(env: Env) -> None:
    data = b"%PDF-1.7 village board " * 100
    media_id = await env.client.upload_file(KEY, "张家村财务公开.pdf", data)
    await env.client.send_file(KEY, media_id)
    [message] = env.state.messages(KEY)
    assert message.msgtype == "file"
    assert (message.filename, message.media_id) == ("张家村财务公开.pdf", media_id)
    assert message.data == data


async def test_21st_message_in_a_minute_is_rate_limited_then_passes(env: Env) -> None:
    for i in range(20):
        await env.client.send_text(KEY, f"第 {i + 1} 条")
        env.clock.advance(1)
    with pytest.raises(RetryableDeliveryError) as info:
        await env.client.send_text(KEY, "第 21 条")
    assert info.value.errcode == WeChatErrcode.API_FREQ_OUT_OF_LIMIT == 45009
    assert info.value.retry_after_s == 60
    assert info.value.retryable
    # Other robots have their own window.
    await env.client.send_text(OTHER_KEY, "李家村不受影响")
    env.clock.advance(60)
    await env.client.send_text(KEY, "第 21 条")
    assert len(env.state.messages(KEY)) == 21


async def test_oversized_markdown_refused_client_side(env: Env) -> None:
    env.state.fail_next(1, 500)  # a canary: any request to the server would consume it
    with pytest.raises(PayloadTooLarge) as info:
        await env.client.send_markdown(KEY, "村" * 1365 + "ab")  # 4095 + 2 = 4097 bytes
    assert not info.value.retryable
    assert env.state.take_fault() == 500  # the canary is still there: no request was made
    await env.client.send_markdown(KEY, "村" * 1365 + "a")  # exactly 4096 bytes is fine
    with pytest.raises(PayloadTooLarge):
        await env.client.send_text(KEY, "a" * 2049)


async def test_oversized_markdown_sent_raw_is_refused_with_real_errcode(env: Env) -> None:
    content = "村" * 1365 + "ab"
    assert len(content.encode()) == 4097
    payload = {"msgtype": "markdown", "markdown": {"content": content}}
    url = f"{env.base_url}/cgi-bin/webhook/send"
    async with env.session.post(url, params={"key": KEY}, json=payload) as resp:
        assert resp.status == 200  # the platform reports errors in the body only
        body = await resp.json()
    assert body["errcode"] == 40058
    assert body["errmsg"].startswith("markdown.content exceed max length 4096")
    assert env.state.messages(KEY) == []


async def test_server_side_length_error_maps_to_payload_too_large(env: Env) -> None:
    # Bypass the client-side check to see how the client reads the platform's 40058.
    with pytest.raises(PayloadTooLarge) as info:
        await env.client._send(KEY, {"msgtype": "text", "text": {"content": "a" * 2049}})
    assert info.value.errcode == 40058


async def test_unknown_key_is_permanent_and_key_never_leaks(
    env: Env, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    env.state = FakeWeChatState()  # a server where KEY was never registered
    server = TestServer(create_fake_wechat_app(env.state), host="127.0.0.1")
    await server.start_server(access_log=None)
    try:
        client = WeComRobotClient(env.session, str(server.make_url("")).rstrip("/"))
        with pytest.raises(PermanentDeliveryError) as info:
            await client.send_markdown(KEY, "测试")
    finally:
        await server.close()
    assert info.value.errcode == WeChatErrcode.INVALID_WEBHOOK_URL == 93000
    assert not info.value.retryable
    assert_key_hidden(info.value, caplog)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_network_error_is_retryable_and_key_never_leaks(
    env: Env, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    client = WeComRobotClient(env.session, f"http://127.0.0.1:{_closed_port()}")
    with pytest.raises(RetryableDeliveryError) as info:
        await client.send_markdown(KEY, "测试")
    assert info.value.errcode is None
    assert "network error" in str(info.value)
    assert info.value.__cause__ is None and info.value.__suppress_context__
    assert_key_hidden(info.value, caplog)
    assert KEY not in repr(client)


@pytest.mark.parametrize("fault", [-1, 500, 502, 45009])
async def test_transient_faults_are_retryable(env: Env, fault: int) -> None:
    env.state.fail_next(1, fault)
    with pytest.raises(RetryableDeliveryError) as info:
        await env.client.send_markdown(KEY, "公告")
    assert info.value.errcode == (None if 500 <= fault <= 599 else fault)
    await env.client.send_markdown(KEY, "公告")  # the fault was one-shot
    assert len(env.state.messages(KEY)) == 1


@pytest.mark.parametrize("errcode", [93000, 40164, 48001, 60020, 40008])
async def test_configuration_errors_are_permanent(env: Env, errcode: int) -> None:
    env.state.fail_next(1, errcode)
    with pytest.raises(PermanentDeliveryError) as info:
        await env.client.send_text(KEY, "公告")
    assert info.value.errcode == errcode
    assert not isinstance(info.value, RetryableDeliveryError)


async def test_timeout_is_retryable(env: Env) -> None:
    client = WeComRobotClient(env.session, env.base_url, timeout_s=0.3)
    env.state.fail_next(1, "timeout")
    started = time.monotonic()
    with pytest.raises(RetryableDeliveryError) as info:
        await client.send_markdown(KEY, "公告")
    assert "timed out" in str(info.value)
    assert time.monotonic() - started < 5


async def test_expired_media_id_raises_media_expired(env: Env) -> None:
    media_id = await env.client.upload_file(KEY, "公示.pdf", b"%PDF-1.7 data")
    env.clock.advance(THREE_DAYS - 1)
    await env.client.send_file(KEY, media_id)  # still valid just before 3 days
    env.clock.advance(2)
    with pytest.raises(MediaExpiredError) as info:
        await env.client.send_file(KEY, media_id)
    assert info.value.errcode == WeChatErrcode.INVALID_MEDIA_ID == 40007
    assert isinstance(info.value, PermanentDeliveryError)  # resending the same id is useless
    # The caller's remedy: upload again and send the new id.
    await env.client.send_file(KEY, await env.client.upload_file(KEY, "公示.pdf", b"%PDF-1.7 data"))


async def test_media_of_another_robot_is_invalid(env: Env) -> None:
    media_id = await env.client.upload_file(OTHER_KEY, "公示.pdf", b"%PDF-1.7 data")
    with pytest.raises(MediaExpiredError):
        await env.client.send_file(KEY, media_id)


async def test_upload_size_limits_checked_before_sending(env: Env) -> None:
    env.state.fail_next(1, 500)  # canary, as above
    with pytest.raises(PermanentDeliveryError):
        await env.client.upload_file(KEY, "empty.txt", b"")
    with pytest.raises(PayloadTooLarge):
        await env.client.upload_file(KEY, "big.bin", b"\0" * (20 * 1024 * 1024 + 1))
    with pytest.raises(PayloadTooLarge):
        await env.client.send_image(KEY, PNG + b"\0" * (2 * 1024 * 1024))
    assert env.state.take_fault() == 500


async def _raw_upload(env: Env, data: bytes, filelength: str | None = None) -> dict[str, object]:
    writer = aiohttp.MultipartWriter("form-data")
    part = writer.append(data, {"Content-Type": "application/octet-stream"})
    params = {"name": "media", "filename": "a.bin", "filelength": filelength or str(len(data))}
    part.set_content_disposition("form-data", **params)
    url = f"{env.base_url}/cgi-bin/webhook/upload_media"
    async with env.session.post(url, params={"key": KEY, "type": "file"}, data=writer) as resp:
        return await resp.json()


async def test_upload_limits_enforced_by_the_fake_with_real_errcodes(env: Env) -> None:
    assert (await _raw_upload(env, b""))["errcode"] == WeChatErrcode.EMPTY_MEDIA_DATA == 44001
    assert (await _raw_upload(env, b"1234"))["errcode"] == WeChatErrcode.INVALID_FILE_SIZE
    big = b"\0" * (20 * 1024 * 1024 + 1)
    assert (await _raw_upload(env, big))["errcode"] == 40006
    assert (await _raw_upload(env, b"12345", filelength="6"))["errcode"] == 40006
    ok = await _raw_upload(env, b"12345")
    assert ok["errcode"] == 0 and ok["type"] == "file"
    assert isinstance(ok["media_id"], str) and ok["created_at"] == str(int(env.clock.now))


async def test_image_payload_is_base64_with_md5_of_raw_bytes(env: Env) -> None:
    await env.client.send_image(KEY, PNG)
    [message] = env.state.messages(KEY)
    assert message.data == PNG
    assert hashlib.md5(message.data).hexdigest()  # the fake verified it (301019 otherwise)


def test_error_reprs_carry_no_more_than_the_message() -> None:
    exc: DeliveryError = RetryableDeliveryError("robot 693a…: send: x", errcode=-1)
    assert repr(exc) == "RetryableDeliveryError(errcode=-1, message='robot 693a…: send: x')"
    assert str(exc) == "robot 693a…: send: x (errcode -1)"
    assert redact("short") == "…"
