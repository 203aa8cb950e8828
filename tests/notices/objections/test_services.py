"""Villagers object on the notice page during the 公示期 and follow it with an unguessable
receipt; the township answers; only a public answer that passes the gate is shown; one
client can't flood it; nothing a client sends gives a 500 or leaks a contact."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta
from urllib.parse import quote

import pytest
from aiohttp.test_utils import TestClient, TestServer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.app import create_app
from notices.county.settings import set_setting
from notices.fingerprint import ALPHABET
from notices.lifecycle import workflow as lifecycle
from notices.models import NoticeKind, NoticeVersion
from notices.objections import services as objections
from notices.objections.models import Objection, ObjectionRate, ObjectionStatus
from notices.objections.rate_limits import MP_LIMIT, WEB_LIMIT
from tests.builders import COUNTY, TOWNSHIP, create_staff
from tests.notices.lifecycle.test_workflow import _publish_all, _setup
from villages.errors import CheckFailed, Conflict, InvalidInput, TooManyRequests
from villages.models import Region, Role

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
    assert response.status == 200 and response.headers["Cache-Control"] == "no-store"
    objection = await Objection.get()
    assert objection.number in receipt and CONTACT not in receipt
    code = re.search(r"/o/([0-9A-Z]{16})", receipt).group(1)
    status = await client.get(f"/o/{code}")
    assert status.headers["Referrer-Policy"] == "no-referrer"
    text = await status.text()
    assert "处理中" in text and CONTACT not in text and "我家承包面积" not in text
    assert CONTACT.encode() not in objection.contact_cipher
    assert code not in str(await Objection.all().values())   # only its hash is kept


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


async def test_the_sequential_number_opens_nothing_and_receipts_are_unguessable(
        runtime, client, published):
    _, version = published
    filed = [await objections.raise_objection(
        version.verify_code, "补贴标准是怎么定的？", CONTACT, channel="board",
        cipher=runtime.cipher, today=version.period_start) for _ in range(3)]
    for each in filed:
        # The number a clerk reads out (Y2026000001, Y2026000002, …) is no key to the page.
        assert (await client.get(f"/o/{each.objection.number}")).status == 404
        assert len(each.receipt) == 16 and set(each.receipt) <= set(ALPHABET)   # 80 bits
        typed = each.receipt_text.lower().replace("-", " ")   # however the villager types it
        assert (await client.get(f"/o/{typed}")).status == 200
    assert len({f.receipt for f in filed}) == 3


async def test_any_value_on_the_status_page_is_a_404_never_a_500(client):
    loop = asyncio.get_running_loop()

    async def status_of(value: str) -> int:
        async with client.get(f"/o/{quote(value, safe='')}") as response:
            return response.status

    # Hypothesis runs in a thread; each request goes to the loop the database lives on.
    @settings(max_examples=60, deadline=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(st.text(min_size=1, max_size=300).filter(lambda t: t not in (".", "..")))
    def fuzz(value: str) -> None:
        status = asyncio.run_coroutine_threadsafe(status_of(value), loop).result(timeout=30)
        assert status == 404, value

    await asyncio.to_thread(fuzz)


@pytest.mark.parametrize("value", ["Y20260000012", "Y2026000001234567", "x" * 2000,
                                   "K7F3-92QD-XM4P-8RTA-EXTRA", "%00", "'; drop table x"])
async def test_long_and_hostile_values_are_404(client, value):
    response = await client.get(f"/o/{quote(value, safe='')}")
    assert response.status == 404 and "回执码" in await response.text()


async def test_the_status_page_shows_only_an_answer_made_public(runtime, client, published):
    clerk, version = published
    private = await objections.raise_objection(
        version.verify_code, "为什么没有我家的补贴？", CONTACT, channel="web",
        cipher=runtime.cipher, today=version.period_start)
    public = await objections.raise_objection(
        version.verify_code, "补贴标准是怎么定的？", CONTACT, channel="web",
        cipher=runtime.cipher, today=version.period_start)
    card = "6222021234567890128"   # what a clerk's answer quoted in the reported leak
    await objections.answer(private.objection.number, clerk, f"已核实，钱已打到卡{card}",
                            "answered")
    await objections.answer(public.objection.number, clerk, "按每亩92.50元，由县里统一核定",
                            "answered", public=True)
    page = await (await client.get(f"/o/{private.receipt}")).text()
    assert "已答复" in page and card not in page and "已核实" not in page
    assert "乡镇已直接答复您本人" in page
    page = await (await client.get(f"/o/{public.receipt}")).text()
    assert "按每亩92.50元" in page


async def test_an_answer_made_public_that_no_longer_passes_the_gate_is_not_shown(
        runtime, client, published):
    clerk, version = published
    filed = await objections.raise_objection(
        version.verify_code, "有事打13937612345可以吗", CONTACT, channel="web",
        cipher=runtime.cipher, today=version.period_start)
    admin = await create_staff("countyadmin", Role.COUNTY_ADMIN, COUNTY)
    await set_setting(f"supervision_phone.{TOWNSHIP}", "13937612345", admin, office_mobile=True)
    await objections.answer(filed.objection.number, clerk, "可以这是镇里的电话", "answered",
                            public=True)
    assert "可以这是镇里的电话" in await (await client.get(f"/o/{filed.receipt}")).text()
    await Region.filter(code=TOWNSHIP).update(supervision_phone="0376-7712345")   # changed
    assert "可以这是镇里的电话" not in await (await client.get(f"/o/{filed.receipt}")).text()
    assert await objections.public_answers(version) == []


async def test_one_client_is_limited_with_a_chinese_message_across_processes(db, published):
    _, version = published
    form = {"text": "我家承包面积是8亩，公示只有7亩", "contact": CONTACT}
    apps = [create_app(db, with_worker=False, open_db=False) for _ in range(2)]
    async with TestClient(TestServer(apps[0])) as one, TestClient(TestServer(apps[1])) as two:
        statuses = []
        for index in range(WEB_LIMIT.count + 2):   # alternating between two web processes
            http = (one, two)[index % 2]
            response = await http.post(f"/n/{version.verify_code}/objection", data=form)
            statuses.append(response.status)
        assert statuses == [200] * WEB_LIMIT.count + [429, 429]
        assert "一小时内已提交了很多条异议" in await response.text()
        assert await Objection.all().count() == WEB_LIMIT.count
        assert (await Objection.first()).channel == "web"


async def test_a_burst_at_once_files_no_more_than_the_limit(runtime, published):
    _, version = published

    async def file_one() -> object:
        try:
            return await objections.raise_objection(
                version.verify_code, "面积不对，请核实", CONTACT, channel="web",
                cipher=runtime.cipher, today=version.period_start, client_address="10.0.0.9")
        except TooManyRequests as exc:
            return exc

    results = await asyncio.gather(*(file_one() for _ in range(30)))
    refused = [r for r in results if isinstance(r, TooManyRequests)]
    assert len(refused) == 30 - WEB_LIMIT.count and refused[0].status == 429
    assert await Objection.all().count() == WEB_LIMIT.count


async def test_the_limit_opens_again_after_its_window(runtime, published, fixed_clock):
    _, version = published

    async def file_one() -> None:
        await objections.raise_objection(
            version.verify_code, "面积不对，请核实", CONTACT, channel="mp",
            cipher=runtime.cipher, today=version.period_start, openid="o_someone")

    for _ in range(MP_LIMIT.count):
        await file_one()
    with pytest.raises(TooManyRequests, match="一小时内已提交5条"):
        await file_one()
    await objections.raise_objection(   # another follower is not held up
        version.verify_code, "面积不对，请核实", CONTACT, channel="mp",
        cipher=runtime.cipher, today=version.period_start, openid="o_another")
    fixed_clock.shift(MP_LIMIT.window + timedelta(minutes=1))
    await file_one()
    fixed_clock.shift(timedelta(days=2))   # counts of clients idle for a day are dropped
    await objections.raise_objection(
        version.verify_code, "面积不对，请核实", CONTACT, channel="mp",
        cipher=runtime.cipher, today=version.period_start, openid="o_third")
    assert await ObjectionRate.all().count() == 1


async def test_no_objection_after_the_period(runtime, published):
    _, version = published
    with pytest.raises(Conflict, match="公示期已结束"):
        await objections.raise_objection(
            version.verify_code, "面积不对啊", CONTACT, channel="web", cipher=runtime.cipher,
            today=version.period_end + timedelta(days=1))


async def test_a_public_answer_shows_under_the_notice_and_is_privacy_checked(
        runtime, client, published):
    clerk, version = published
    question = (await objections.raise_objection(
        version.verify_code, "补贴标准是怎么定的？", CONTACT, channel="web",
        cipher=runtime.cipher, today=version.period_start)).objection
    leaky = (await objections.raise_objection(
        version.verify_code, f"我电话{CONTACT}，为什么没有我？", CONTACT, channel="web",
        cipher=runtime.cipher, today=version.period_start)).objection
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



async def test_the_consistency_page_flags_a_group_still_waiting(client, published):
    page = await (await client.get("/check/419901100201")).text()
    assert "发送中" in page and "有渠道还不是最新版本" in page
    assert (await client.get("/check/999999999999")).status == 404
