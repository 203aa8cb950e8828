"""Publishing reaches the cadres' robot group (card, PDF, page-1 image), creates a customer-
group task the cadre confirms, and a forward pack - with the real clients against the fake."""

from __future__ import annotations

import asyncio
import json
import logging

import pypdfium2 as pdfium
import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.app import create_app
from notices.delivery.consistency import consistency_matrix
from notices.delivery.models import CustomerGroupTask, WeComToken
from notices.models import Delivery, DeliveryState, NoticeVersion
from notices.render.images import long_png, online_pdf, page_one_png
from tests.bot.worker.wecom_env import CADRE, ROBOT_KEY, WeComEnv, make_due, publish_county, wecom
from tests.builders import VILLAGE_A
from villages.models import ChannelKind

pytestmark = pytest.mark.storage
__all__ = ["wecom"]


async def _cells(kind: str) -> list:
    return [c for row in await consistency_matrix() for c in row.cells if c.channel == kind]


async def test_robot_gets_the_card_the_pdf_and_the_page_one_image(wecom: WeComEnv, caplog):
    caplog.set_level(logging.DEBUG, logger="bot")
    caplog.set_level(logging.DEBUG, logger="cunwu")
    await publish_county(wecom.runtime)
    worker = wecom.worker()
    while await worker.run_once():
        pass
    kinds = [m.msgtype for m in wecom.state.messages(ROBOT_KEY)]
    assert kinds == ["markdown", "file", "image"]
    card, pdf, image = wecom.state.messages(ROBOT_KEY)
    assert "东湖村" in card.content and "/f/" in card.content  # the forward-pack link
    assert pdf.data.startswith(b"%PDF") and pdf.filename.endswith(".pdf")
    assert image.data.startswith(b"\x89PNG") and len(image.data) <= 2 * 1024 * 1024
    assert ROBOT_KEY not in caplog.text
    [cell] = await _cells(ChannelKind.WECOM_ROBOT)
    assert cell.state == "ok"


async def test_customer_group_task_waits_for_the_cadre_then_is_confirmed(wecom: WeComEnv):
    await publish_county(wecom.runtime)
    worker = wecom.worker()
    while await worker.run_once():
        pass
    [delivery] = await Delivery.filter(target__kind=ChannelKind.WECOM_CUSTOMER_GROUP)
    assert delivery.state == DeliveryState.AWAITING_CONFIRMATION
    task = await CustomerGroupTask.get(delivery=delivery)
    fake_task = wecom.state.groups.tasks[task.msgid]
    body = fake_task.body
    assert body["chat_type"] == "group" and body["sender"] == CADRE
    assert [a["msgtype"] for a in body["attachments"]] == ["image", "link"]
    assert len(body["text"]["content"].encode()) <= 4000
    assert "张*" in body["text"]["content"] or "*" in body["text"]["content"]  # masked names
    [cell] = await _cells(ChannelKind.WECOM_CUSTOMER_GROUP)
    assert cell.state == "awaiting"

    # Polling before the cadre taps send changes nothing (after the 41063 dispatch window).
    wecom.state.clock = lambda: fake_task.created_at + 10
    await make_due()
    await worker.run_once()
    assert (await Delivery.get(id=delivery.id)).state == DeliveryState.AWAITING_CONFIRMATION

    # The cadre taps 发送 (through the fake's dev endpoint, as the dev page button does).
    url = f"{wecom.base_url}/dev/customer-groups/{task.msgid}/send"
    async with wecom.session.post(url, headers={"Accept": "application/json"}) as resp:
        assert resp.status == 200
    await make_due()
    await worker.run_once()
    delivery = await Delivery.get(id=delivery.id)
    assert delivery.state == DeliveryState.DELIVERED
    assert (await CustomerGroupTask.get(id=task.id)).groups_sent == 2
    [cell] = await _cells(ChannelKind.WECOM_CUSTOMER_GROUP)
    assert cell.state == "ok"  # the matrix cell "customer-group task confirmed"


async def test_an_unsent_task_reminds_the_cadre_at_most_three_times(wecom: WeComEnv):
    await publish_county(wecom.runtime)
    worker = wecom.worker(remind_after_s=0)
    while await worker.run_once():
        pass
    task = await CustomerGroupTask.get()
    wecom.state.clock = lambda: wecom.state.groups.tasks[task.msgid].created_at + 10
    for _ in range(5):
        await make_due()
        await worker.run_once()
    task = await CustomerGroupTask.get(id=task.id)
    assert task.reminders == 3
    assert len(wecom.state.groups.tasks[task.msgid].reminders) == 3


async def test_one_token_for_all_workers_and_one_refresh_after_expiry(wecom: WeComEnv):
    await publish_county(wecom.runtime)
    first, second = wecom.worker(), wecom.worker()
    assert first.groups is not None and second.groups is not None
    token = await first.groups.api.token()
    assert await second.groups.api.token() == token  # read from the database, not fetched
    assert (await WeComToken.get()).fetched_count == 1
    # The platform invalidates the token early (42001 on the next call): one refresh.
    wecom.state.tokens._tokens[token].expires_at = 0
    while await first.run_once():
        pass
    row = await WeComToken.get()
    assert row.fetched_count == 2 and row.token != token
    assert await CustomerGroupTask.exists()


async def test_a_wrong_secret_fails_for_good_with_the_platform_message(wecom: WeComEnv, caplog):
    await publish_county(wecom.runtime)
    wecom.state.add_corp(wecom.runtime.config.wecom_corpid, "the-real-secret")
    worker = wecom.worker()
    while await worker.run_once():
        pass
    [delivery] = await Delivery.filter(target__kind=ChannelKind.WECOM_CUSTOMER_GROUP)
    assert delivery.state == DeliveryState.FAILED and delivery.attempts == 1
    assert "corpid/secret" in delivery.last_error and "40001" in delivery.last_error
    assert wecom.runtime.config.wecom_secret not in caplog.text + delivery.last_error
    [cell] = await _cells(ChannelKind.WECOM_CUSTOMER_GROUP)
    assert cell.state == "failed" and "40001" in cell.error
    # The cadres' consistency page shows the failure with the platform's message.
    app = create_app(wecom.runtime.config, with_worker=False, open_db=False)
    async with TestClient(TestServer(app)) as http:
        html = await (await http.get(f"/check/{VILLAGE_A}")).text()
    assert "发送失败" in html and "平台回复" in html and "40001" in html
    assert wecom.runtime.config.wecom_secret not in html


async def test_the_fake_refuses_what_the_platform_refuses(wecom: WeComEnv):
    worker = wecom.worker()
    api = worker.groups.api  # type: ignore[union-attr]
    url = f"{wecom.base_url}/cgi-bin/externalcontact/add_msg_template"
    token = await api.token()
    cases = [
        ({"chat_type": "group", "sender": "nobody", "text": {"content": "x"}}, 40003),
        ({"chat_type": "group", "sender": CADRE, "text": {"content": "村" * 1334}}, 40058),
        ({"chat_type": "group", "sender": CADRE, "attachments": [
            {"msgtype": "image", "image": {"media_id": "expired"}}]}, 40007),
        ({"chat_type": "group", "sender": CADRE, "attachments": [
            {"msgtype": "link", "link": {"title": "t", "url": "https://x"}}] * 10}, 40058),
    ]
    for body, errcode in cases:
        async with wecom.session.post(url, params={"access_token": token},
                                      data=json.dumps(body)) as resp:
            assert (await resp.json())["errcode"] == errcode, body
    async with wecom.session.post(url, params={"access_token": "stale"}, data="{}") as resp:
        assert (await resp.json())["errcode"] == 40014


def _pdf_text(data: bytes) -> str:
    document = pdfium.PdfDocument(data)
    try:
        return "".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


async def test_villagers_images_come_from_a_masked_rendering(wecom: WeComEnv):
    """The cadres' group gets the board (full names, to print); customer groups and forward
    packs are online channels and get the same version with names masked."""
    await publish_county(wecom.runtime)
    worker = wecom.worker()
    while await worker.run_once():
        pass
    version = await NoticeVersion.get(verify_code__in=[
        d.version.verify_code for d in await Delivery.filter(
            target__kind=ChannelKind.WECOM_CUSTOMER_GROUP).prefetch_related("version")])
    store, url = wecom.runtime.store, wecom.runtime.config.public_url
    names = [row["name"] for row in version.content["rows"]]
    board = _pdf_text(store.read(version.pdf_file))
    online = _pdf_text(await online_pdf(store, version, url))
    assert all(name in board for name in names)
    assert not any(name in online for name in names)
    assert "张*国" in online
    task = next(iter(wecom.state.groups.tasks.values()))
    media_id = task.body["attachments"][0]["image"]["media_id"]
    sent_png = wecom.state.groups.images[media_id][0]
    assert sent_png == store.read(f"{version.verify_code}-online-p1.png")
    assert sent_png != await page_one_png(store, version)
    assert (await long_png(store, version, url)).startswith(b"\x89PNG")


async def test_many_workers_rejected_at_once_cause_one_refresh(wecom: WeComEnv):
    """No refresh storm: eight workers whose token was refused at the same moment refresh
    under the row lock; the first fetches, the rest read what it stored."""
    apis = [wecom.worker().groups.api for _ in range(8)]  # type: ignore[union-attr]
    stale = await apis[0].token()
    wecom.state.tokens._tokens[stale].expires_at = 0  # the platform expired it early
    tokens = await asyncio.gather(*(api._refresh(stale) for api in apis))
    assert len(set(tokens)) == 1 and tokens[0] != stale
    assert (await WeComToken.get()).fetched_count == 2  # the first fetch and one refresh
