"""Villagers object on the notice page during the 公示期; the township answers; a public
answer shows under the notice; nothing a client sends gives a 500 or leaks a contact."""

from __future__ import annotations

from datetime import timedelta

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.app import create_app
from notices.lifecycle import workflow as lifecycle
from notices.models import NoticeKind, NoticeVersion
from notices.objections import services as objections
from notices.objections.models import Objection, ObjectionStatus
from tests.notices.lifecycle.test_workflow import _publish_all, _setup
from villages.errors import CheckFailed, Conflict, InvalidInput

pytestmark = pytest.mark.storage
CONTACT = "13912345678"


@pytest.fixture
async def published(runtime):
    clerk, reviewer, summary = await _setup(runtime)
    notices = await lifecycle.create_payout_notices(summary.batch_id, clerk)
    await _publish_all(notices, clerk, reviewer, runtime)
    village = next(n for n in notices if n.kind == NoticeKind.PAYOUT_VILLAGE)
    return clerk, await NoticeVersion.get(notice_id=village.id)


@pytest.fixture
async def client(db, published):
    app = create_app(db, with_worker=False, open_db=False)
    async with TestClient(TestServer(app)) as http:
        yield http


async def test_a_villager_objects_on_the_page_and_can_look_it_up(client, published):
    _, version = published
    page = await (await client.get(f"/n/{version.verify_code}")).text()
    assert "对公示有异议或疑问" in page
    form = {"text": "我家承包面积是8亩，公示只有7亩", "contact": CONTACT}
    response = await client.post(f"/n/{version.verify_code}/objection", data=form)
    receipt = await response.text()
    assert response.status == 200
    objection = await Objection.get()
    assert objection.number in receipt and CONTACT not in receipt
    status = await (await client.get(f"/o/{objection.number}")).text()
    assert "处理中" in status and CONTACT not in status
    assert CONTACT.encode() not in objection.contact_cipher


@pytest.mark.parametrize(("form", "status", "words"), [
    ({"text": "面积不对", "contact": ""}, 422, "联系"),
    ({"text": "", "contact": CONTACT}, 422, "至少4个字"),
    ({"text": "x" * 2000, "contact": CONTACT}, 422, "太长"),
    ({"text": "<script>alert(1)</script>", "contact": "abc"}, 422, "电话"),
])
async def test_bad_forms_get_a_clear_message_and_no_500(client, published, form, status, words):
    _, version = published
    response = await client.post(f"/n/{version.verify_code}/objection", data=form)
    assert response.status == status and words in await response.text()
    assert await Objection.all().count() == 0


async def test_unknown_codes_and_numbers_are_404(client):
    assert (await client.post("/n/ZZZZZZZZ/objection", data={"text": "abcd"})).status == 404
    assert (await client.get("/o/Y2026999999")).status == 404


async def test_no_objection_after_the_period(runtime, published):
    _, version = published
    with pytest.raises(Conflict, match="公示期已结束"):
        await objections.raise_objection(
            version.verify_code, "面积不对啊", CONTACT, channel="web", cipher=runtime.cipher,
            today=version.period_end + timedelta(days=1))


async def test_a_public_answer_shows_under_the_notice_and_is_privacy_checked(
        runtime, client, published):
    clerk, version = published
    question = await objections.raise_objection(
        version.verify_code, "补贴标准是怎么定的？", CONTACT, channel="web",
        cipher=runtime.cipher, today=version.period_start)
    leaky = await objections.raise_objection(
        version.verify_code, f"我电话{CONTACT}，为什么没有我？", CONTACT, channel="web",
        cipher=runtime.cipher, today=version.period_start)
    with pytest.raises(CheckFailed):
        await objections.answer(leaky.number, clerk, "已电话联系核实", "answered", public=True)
    await objections.answer(leaky.number, clerk, "已电话联系核实", "not_upheld")
    await objections.answer(question.number, clerk, "按每亩92.50元，由县里统一核定",
                            ObjectionStatus.ANSWERED, public=True)
    page = await (await client.get(f"/n/{version.verify_code}")).text()
    assert "按每亩92.50元" in page and "补贴标准是怎么定的" in page and CONTACT not in page
    with pytest.raises(Conflict):
        await objections.answer(question.number, clerk, "再答一次", "answered")
    with pytest.raises(InvalidInput):
        await objections.answer(question.number, clerk, "结论呢", "open")


async def test_every_answer_is_privacy_checked_since_anyone_can_look_up_a_number(
        runtime, client, published):
    clerk, version = published
    objection = await objections.raise_objection(
        version.verify_code, "为什么没有我的补贴？", CONTACT, channel="web",
        cipher=runtime.cipher, today=version.period_start)
    with pytest.raises(CheckFailed) as caught:
        await objections.answer(objection.number, clerk,
                                "已核实，补到您的卡 6228 4828 0700 1594 502", "upheld")
    assert caught.value.details["hits"][0]["where"] == "answer"
    assert "0700 1594" not in caught.value.message
    await objections.answer(objection.number, clerk, "已核实，补到您尾号4502的一卡通", "upheld")
    page = await (await client.get(f"/o/{objection.number}")).text()
    assert "尾号4502" in page


async def test_the_consistency_page_flags_a_group_still_waiting(client, published):
    page = await (await client.get("/check/419901100201")).text()
    assert "发送中" in page and "有渠道还不是最新版本" in page
    assert (await client.get("/check/999999999999")).status == 404
