"""A withdrawal reaches every place the notice reached - the robot group, the cadre's
customer groups (a task the cadre taps, polled like a publication) and ordinary WeChat
groups (a withdrawal pack the cadre forwards and confirms) - with the real clients against
the fake, and the consistency matrix chases whatever has not been told yet."""

from __future__ import annotations

import re

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.app import create_app
from notices.delivery import forward_pack
from notices.delivery.consistency import consistency_matrix, matrix_as_dict
from notices.delivery.models import CustomerGroupTask, ForwardConfirmation
from notices.delivery.withdrawal_pack import withdrawal_token
from notices.fingerprint import format_code
from notices.lifecycle import corrections
from notices.models import (
    AuditEvent,
    Delivery,
    DeliveryPurpose,
    DeliveryState,
    NoticeKind,
    NoticeVersion,
)
from notices.render.group_text import FORWARD_LIMIT_BYTES
from tests.bot.worker.wecom_env import CADRE, ROBOT_KEY, WeComEnv, make_due, publish_county, wecom
from tests.builders import VILLAGE_A
from villages import services as villages
from villages.models import ChannelKind

pytestmark = pytest.mark.storage
__all__ = ["wecom"]

REASON = "批次重复导入，整批作废"


async def drain(worker) -> None:
    while await worker.run_once():
        pass


async def tap_send(env: WeComEnv, delivery: Delivery) -> None:
    """The cadre taps 发送 in WeCom (the fake's dev endpoint, as its dev page does)."""
    task = await CustomerGroupTask.get(delivery=delivery)
    env.state.clock = lambda: env.state.groups.tasks[task.msgid].created_at + 10
    url = f"{env.base_url}/dev/customer-groups/{task.msgid}/send"
    async with env.session.post(url, headers={"Accept": "application/json"}) as resp:
        assert resp.status == 200


async def published_donghu(env: WeComEnv) -> NoticeVersion:
    notices = await publish_county(env.runtime)
    donghu = next(n for n in notices if n.kind == NoticeKind.PAYOUT_VILLAGE
                  and n.draft_content["region"]["name"] == "东湖村")
    return await NoticeVersion.get(notice_id=donghu.id).prefetch_related("notice")


async def withdrawal_of(kind: ChannelKind) -> Delivery:
    return await Delivery.get(purpose=DeliveryPurpose.WITHDRAW, target__kind=kind)


async def test_a_withdrawal_reaches_the_robot_customer_groups_and_wechat_groups(
        wecom: WeComEnv):
    version = await published_donghu(wecom)
    worker = wecom.worker()
    await drain(worker)
    reviewer = await villages.get_staff("reviewer")
    assert await corrections.withdraw(version.notice, reviewer, REASON) == 3
    await drain(worker)
    code = format_code(version.verify_code)
    url = f"{wecom.runtime.config.public_url}/n/{version.verify_code}"

    # The robot card says 撤回 with the reason, and links the withdrawal pack.
    card = wecom.state.messages(ROBOT_KEY)[-1]
    assert card.msgtype == "markdown" and "【撤回】" in card.content and REASON in card.content
    [link] = re.findall(r"\((http[^)]+/fw/[^)]+)\)", card.content)
    token = link.rsplit("/", 1)[1]
    assert (await withdrawal_of(ChannelKind.WECOM_ROBOT)).state == DeliveryState.DELIVERED

    # The customer groups get a short task: title, 已撤回, reason, code, link - no list.
    group_delivery = await withdrawal_of(ChannelKind.WECOM_CUSTOMER_GROUP)
    assert group_delivery.state == DeliveryState.AWAITING_CONFIRMATION
    task = await CustomerGroupTask.get(delivery=group_delivery)
    body = wecom.state.groups.tasks[task.msgid].body
    text = body["text"]["content"]
    assert body["sender"] == CADRE and len(text.encode()) <= 4000
    for part in ("【撤回】", version.content["title"], "已撤回", REASON, code, url):
        assert part in text
    assert "张*" not in text and "<font" not in text and "元" not in text.split("撤回原因")[0]
    assert [a["msgtype"] for a in body["attachments"]] == ["link"]  # no image of the list
    assert body["attachments"][0]["link"]["url"] == url

    # The WeChat group's withdrawal waits for the cadre; the matrix chases both groups.
    wechat = await withdrawal_of(ChannelKind.WECHAT_GROUP)
    assert wechat.state == DeliveryState.AWAITING_CONFIRMATION
    [row] = [r for r in await consistency_matrix() if r.withdrawn]
    assert row.notice_id == version.notice_id and row.withdrawn_reason == REASON
    assert {(c.channel, c.state) for c in row.cells} == {
        ("wecom_customer_group", "awaiting"), ("wechat_group", "awaiting")}
    assert not matrix_as_dict(await consistency_matrix())["consistent"]

    # The cadre taps send on the withdrawal task: polled and marked delivered.
    await tap_send(wecom, group_delivery)
    await make_due()
    await worker.run_once()
    assert (await Delivery.get(id=group_delivery.id)).state == DeliveryState.DELIVERED
    assert (await CustomerGroupTask.get(id=task.id)).groups_sent == 2

    app = create_app(wecom.runtime.config, with_worker=False, open_db=False)
    async with TestClient(TestServer(app)) as client:
        check = await (await client.get(f"/check/{VILLAGE_A}")).text()
        assert "已撤回" in check and "东湖村村民群" in check and "撤回通知待村干部发送" in check

        page = await client.get(f"/fw/{token}")
        assert page.status == 200
        html = await page.text()
        assert REASON in html and "【撤回】" in html and "还没告知" in html
        assert "long.png" not in html and "<img" not in html and "张*" not in html
        pack_text = html.split('id="pack-text">', 1)[1].split("</div>", 1)[0]
        assert len(pack_text.encode()) <= FORWARD_LIMIT_BYTES and url in pack_text

        # A publish pack's token never opens the withdrawal page, nor does a forged one.
        key = forward_pack.pack_key(wecom.runtime.secrets.lookup_key)
        publish_token = forward_pack.sign(key, version.id, version.notice.region_id)
        for bad in (publish_token, token[:-2] + "xx"):
            assert (await client.get(f"/fw/{bad}")).status == 404
        assert withdrawal_token(key, version.id, version.notice.region_id) == token

        confirm = await client.post(f"/fw/{token}/confirm", allow_redirects=False,
                                    data={"who": "王文书", "group": "东湖村村民群"})
        assert confirm.status == 303
        assert "已告知" in await (await client.get(confirm.headers["Location"])).text()
        bad = await client.post(f"/fw/{token}/confirm", data={"who": "", "group": ""})
        assert bad.status == 422 and "请填写您的姓名" in await bad.text()

        assert "此公示已撤回" in await (await client.get(f"/n/{version.verify_code}")).text()
        assert "已撤回" not in await (await client.get(f"/check/{VILLAGE_A}")).text()

    wechat = await Delivery.get(id=wechat.id)
    assert wechat.state == DeliveryState.DELIVERED
    [confirmation] = await ForwardConfirmation.filter(delivery=wechat)
    assert confirmation.forwarded_by == "王文书"
    assert await AuditEvent.filter(action="withdrawal_forward_confirm").count() == 1
    assert not [r for r in await consistency_matrix() if r.withdrawn]


async def test_a_withdrawal_is_never_confirmed_on_the_publish_pack(wecom: WeComEnv):
    version = await published_donghu(wecom)
    key = forward_pack.pack_key(wecom.runtime.secrets.lookup_key)
    token = forward_pack.sign(key, version.id, version.notice.region_id)
    reviewer = await villages.get_staff("reviewer")
    await corrections.withdraw(version.notice, reviewer, REASON)
    app = create_app(wecom.runtime.config, with_worker=False, open_db=False)
    async with TestClient(TestServer(app)) as client:
        resp = await client.post(f"/f/{token}/confirm",
                                 data={"who": "王文书", "group": "东湖村村民群"})
        assert resp.status == 409
    wechat = await withdrawal_of(ChannelKind.WECHAT_GROUP)
    assert wechat.state == DeliveryState.PENDING  # still to be told, by the withdrawal pack


async def test_a_withdrawn_personal_list_leaves_the_web_at_once(wecom: WeComEnv):
    version = await published_donghu(wecom)
    app = create_app(wecom.runtime.config, with_worker=False, open_db=False)
    async with TestClient(TestServer(app)) as client:
        before = await (await client.get(f"/n/{version.verify_code}")).text()
        assert "张*国" in before
        assert (await client.get(f"/n/{version.verify_code}.pdf")).status == 200
        await corrections.withdraw(version.notice, await villages.get_staff("reviewer"), REASON)
        page = await (await client.get(f"/n/{version.verify_code}")).text()
        assert "此公示已撤回" in page and REASON in page and "名单不再在网上公开" in page
        assert "张*" not in page and "李*英" not in page
        pdf = await client.get(f"/n/{version.verify_code}.pdf")
        assert pdf.status == 404 and "已撤回" in await pdf.text()


async def test_a_publication_not_yet_sent_when_withdrawn_is_never_sent(wecom: WeComEnv):
    version = await published_donghu(wecom)  # no worker yet: every delivery is pending
    await corrections.withdraw(version.notice, await villages.get_staff("reviewer"), REASON)
    await drain(wecom.worker())
    [card] = wecom.state.messages(ROBOT_KEY)  # only the withdrawal, no card/PDF of the list
    assert "【撤回】" in card.content and card.msgtype == "markdown"
    [task] = wecom.state.groups.tasks.values()
    assert "【撤回】" in task.body["text"]["content"]
    publish = await Delivery.get(version=version, purpose=DeliveryPurpose.PUBLISH,
                                 target__kind=ChannelKind.WECOM_ROBOT)
    assert publish.state == DeliveryState.FAILED and "撤回" in publish.last_error


async def test_an_old_pack_link_shows_the_withdrawal_never_the_list(wecom: WeComEnv):
    version = await published_donghu(wecom)
    key = forward_pack.pack_key(wecom.runtime.secrets.lookup_key)
    token = forward_pack.sign(key, version.id, version.notice.region_id)
    await corrections.withdraw(version.notice, await villages.get_staff("reviewer"), REASON)
    app = create_app(wecom.runtime.config, with_worker=False, open_db=False)
    async with TestClient(TestServer(app)) as client:
        old = await client.get(f"/f/{token}", allow_redirects=False)
        assert old.status == 303 and "/fw/" in old.headers["Location"]
        page = await (await client.get(old.headers["Location"])).text()
        assert REASON in page and "张*" not in page
        assert (await client.get(f"/f/{token}/long.png")).status == 404
