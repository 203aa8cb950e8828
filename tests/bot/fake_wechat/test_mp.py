"""wechatpy's real client (through OfficialAccountClient) against the fake official account:
material, drafts, freepublish, mass send with clientmsgid, custom send, menu, faults."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from aiohttp.test_utils import TestServer
from PIL import Image

from bot.fake_wechat import FakeWeChatState, create_fake_wechat_app
from bot.wechat.errors import PermanentDeliveryError, RetryableDeliveryError
from bot.wechat.mp_client import OfficialAccountClient

APPID, SECRET = "wx1234567890abcdef", "app-secret-0123456789"
DAY = 86400


class Clock:
    def __init__(self) -> None:
        self.now = 1_795_000_000.0  # 2026-11-18 ... Beijing

    def __call__(self) -> float:
        return self.now


@dataclass
class Mp:
    state: FakeWeChatState
    clock: Clock
    client: OfficialAccountClient


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (90, 50), (20, 120, 60)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
async def mp() -> AsyncIterator[Mp]:
    clock = Clock()
    state = FakeWeChatState(clock=clock)
    state.add_official_account(APPID, SECRET)
    server = TestServer(create_fake_wechat_app(state), host="127.0.0.1")
    await server.start_server()
    client = OfficialAccountClient(APPID, SECRET, str(server.make_url("")), timeout_s=2)
    yield Mp(state, clock, client)
    client.close()
    await server.close()


def article(thumb: str, **extra: str) -> dict[str, str]:
    return {"title": "村务公开日报", "content": "<p>今天新发布 2 项公示</p>",
            "thumb_media_id": thumb, **extra}


async def test_draft_then_mass_send_reaches_followers_once(mp: Mp) -> None:
    mp.state.mp.followers.update({"o1", "o2"})
    thumb = await mp.client.upload_image(png())
    draft = await mp.client.add_draft([article(thumb)])
    msg_id = await mp.client.mass_send_article(draft, "cunwu-digest-1")
    # A retry after a crash sends the same clientmsgid: same msg_id, nothing sent again.
    assert await mp.client.mass_send_article(draft, "cunwu-digest-1") == msg_id
    sends = [p for p in mp.state.mp.publications if p.how == "mass"]
    assert len(sends) == 1 and sends[0].recipients == 2
    assert sends[0].articles[0]["title"] == "村务公开日报"


async def test_mass_send_quota_subscription_one_a_day(mp: Mp) -> None:
    thumb = await mp.client.upload_image(png())
    await mp.client.mass_send_article(await mp.client.add_draft([article(thumb)]), "a")
    with pytest.raises(RetryableDeliveryError) as exc:
        await mp.client.mass_send_article(await mp.client.add_draft([article(thumb)]), "b")
    assert exc.value.errcode == 45028
    assert exc.value.retry_after_s is not None and 60 < exc.value.retry_after_s <= DAY + 60
    mp.clock.now += DAY
    await mp.client.mass_send_article(await mp.client.add_draft([article(thumb)]), "b")


async def test_mass_send_quota_service_four_a_month(mp: Mp) -> None:
    mp.state.mp.account_type = "service"
    thumb = await mp.client.upload_image(png())
    mp.clock.now = 1_793_548_800.0  # 2026-11-01 16:00 Beijing
    for n in range(4):
        await mp.client.mass_send_article(await mp.client.add_draft([article(thumb)]), f"m{n}")
        mp.clock.now += DAY
    with pytest.raises(RetryableDeliveryError, match="masssend quota"):
        await mp.client.mass_send_article(await mp.client.add_draft([article(thumb)]), "m5")


async def test_clientmsgid_over_64_bytes_is_refused(mp: Mp) -> None:
    draft = await mp.client.add_draft([article(await mp.client.upload_image(png()))])
    with pytest.raises(PermanentDeliveryError) as exc:
        await mp.client.mass_send_article(draft, "x" * 65)
    assert exc.value.errcode == 45067


async def test_draft_limits(mp: Mp) -> None:
    thumb = await mp.client.upload_image(png())
    cases = [(article(thumb, title="题" * 65), 45003),
             (article(thumb, content="字" * 20_000), 45002),
             (article(thumb, digest="摘" * 121), 45004),
             (article("not-a-material"), 40007)]
    for payload, errcode in cases:
        with pytest.raises(PermanentDeliveryError) as exc:
            await mp.client.add_draft([payload])
        assert exc.value.errcode == errcode
    with pytest.raises(PermanentDeliveryError) as many:
        await mp.client.add_draft([article(thumb)] * 9)
    assert many.value.errcode == 45008
    with pytest.raises(PermanentDeliveryError, match="unsupported"):
        await mp.client.upload_image(b"not an image at all")


async def test_freepublish_consumes_the_draft(mp: Mp) -> None:
    draft = await mp.client.add_draft([article(await mp.client.upload_image(png()))])
    assert await mp.client.draft_exists(draft)
    publish_id = await mp.client.publish(draft)
    assert not await mp.client.draft_exists(draft)
    status = await mp.client.publish_status(publish_id)
    assert status["publish_status"] == 0
    assert status["article_detail"]["item"][0]["article_url"].startswith("https://mp.weixin")


async def test_token_refreshed_once_on_40001(mp: Mp) -> None:
    thumb = await mp.client.upload_image(png())
    mp.state.fail_next(1, 40001)
    await mp.client.add_draft([article(thumb)])
    assert mp.client.token_refreshes == 1
    mp.state.fail_next(2, 40001)  # a second 40001 right after a refresh is not retried
    with pytest.raises(RetryableDeliveryError) as exc:
        await mp.client.add_draft([article(thumb)])
    assert exc.value.errcode == 40001 and mp.client.token_refreshes == 2


async def test_faults_are_sorted(mp: Mp) -> None:
    thumb = await mp.client.upload_image(png())
    for fault, retryable in [(-1, True), (45009, True), (503, True), (48001, False),
                             (40164, False)]:
        mp.state.fail_next(1, fault)
        with pytest.raises((RetryableDeliveryError, PermanentDeliveryError)) as exc:
            await mp.client.add_draft([article(thumb)])
        assert exc.value.retryable is retryable, fault
    mp.state.fail_next(1, 45009)
    with pytest.raises(RetryableDeliveryError) as daily:
        await mp.client.add_draft([article(thumb)])
    assert daily.value.retry_after_s and daily.value.retry_after_s > 60  # until tomorrow
    mp.state.fail_next(1, "timeout")
    with pytest.raises(RetryableDeliveryError, match="超时"):
        await mp.client.add_draft([article(thumb)])


async def test_custom_send_window_and_count(mp: Mp) -> None:
    with pytest.raises(PermanentDeliveryError) as never_wrote:
        await mp.client.send_text("o1", "您好")
    assert never_wrote.value.errcode == 45015
    mp.state.mp.user_wrote("o1")
    for _ in range(5):
        await mp.client.send_text("o1", "答复")
    with pytest.raises(PermanentDeliveryError) as too_many:
        await mp.client.send_text("o1", "第六条")
    assert too_many.value.errcode == 45047
    mp.state.mp.user_wrote("o1")
    mp.clock.now += 2 * DAY + 1
    with pytest.raises(PermanentDeliveryError) as late:
        await mp.client.send_text("o1", "过期")
    assert late.value.errcode == 45015
    assert [m.body["text"]["content"] for m in mp.state.mp.custom][:1] == ["答复"]


async def test_menu_create_and_get(mp: Mp) -> None:
    assert await mp.client.get_menu() is None  # 46003 "menu no exist"
    menu = {"button": [{"type": "click", "name": "本村公示", "key": "公示"},
                       {"name": "更多", "sub_button": [{"type": "click", "name": "帮助",
                                                        "key": "帮助"}]}]}
    await mp.client.create_menu(menu)
    assert (await mp.client.get_menu() or {})["menu"] == menu
    for bad, errcode in [({"button": []}, 40016),
                         ({"button": [{"type": "click", "name": "名" * 6, "key": "k"}]}, 40018),
                         ({"button": [{"type": "bogus", "name": "x", "key": "k"}]}, 40017)]:
        with pytest.raises(PermanentDeliveryError) as exc:
            await mp.client.create_menu(bad)
        assert exc.value.errcode == errcode


async def test_the_dev_page_shows_the_article_and_menu_without_running_its_markup(mp: Mp) -> None:
    import aiohttp

    hostile = ('<p>东湖村<script>alert(1)</script></p><a href="javascript:alert(2)">点我</a>'
               '<img src=x onerror="alert(3)"><a href="http://cunwu.test/n/ABCD2345">公示</a>')
    thumb = await mp.client.upload_image(png())
    draft = await mp.client.add_draft([article(thumb, content=hostile)])
    await mp.client.mass_send_article(draft, "dev-page")
    await mp.client.create_menu({"button": [{"type": "click", "name": "本村公示", "key": "公示"}]})
    base = mp.client._client.API_BASE_URL.removesuffix("cgi-bin/")
    async with aiohttp.ClientSession() as session, session.get(base + "dev") as resp:
        page = await resp.text()
    assert resp.status == 200 and "村务公开日报" in page and "本村公示" in page
    assert "<script>alert" not in page and "javascript:" not in page and "onerror" not in page
    assert 'href="http://cunwu.test/n/ABCD2345"' in page
