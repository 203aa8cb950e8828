"""What a villager can do through the official account, in Chinese: bind to a village,
see its notices, check a verify code, object and follow the objection up."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.app import create_app
from notices.fingerprint import format_code
from notices.ledgers.models import PayoutRow
from notices.lifecycle import corrections
from notices.lifecycle import workflow as lifecycle
from notices.models import NoticeKind, NoticeVersion
from notices.objections import services as objections
from notices.objections.models import Objection
from notices.objections.rate_limits import MP_LIMIT
from tests.bot.mp.test_callback import post, reply_fields, say, text_xml
from tests.notices.lifecycle.test_workflow import _publish_all, _setup
from villages import services as villages
from villages.models import MpFollower

pytestmark = pytest.mark.storage
PHONE = "13912345678"


@pytest.fixture
async def published(runtime):
    clerk, reviewer, summary = await _setup(runtime)
    notices = await lifecycle.create_payout_notices(summary.batch_id, clerk)
    await _publish_all(notices, clerk, reviewer, runtime)
    donghu = next(n for n in notices if n.kind == NoticeKind.PAYOUT_VILLAGE
                  and n.draft_content["region"]["name"] == "东湖村")
    return clerk, reviewer, summary, donghu, await NoticeVersion.get(notice_id=donghu.id)


@pytest.fixture
async def client(db, published):
    app = create_app(db, with_worker=False, open_db=False)
    async with TestClient(TestServer(app)) as http:
        yield http


async def test_binding_by_a_bare_name_then_listing_the_live_notices(client, db, published):
    *_, version = published
    assert "先回复您的村名" in await say(client, db, "公示")
    answer = await say(client, db, "东湖村")
    assert "已绑定 城关镇东湖村" in answer
    follower = await MpFollower.get(openid="o_villager_0001")
    assert follower.village_id is not None
    listing = await say(client, db, "　公示　")  # full-width spaces
    assert "城关镇东湖村正在公示" in listing
    assert f"http://cunwu.test/n/{version.verify_code}" in listing
    assert "http://cunwu.test/v/419901100201" in listing


async def test_an_ambiguous_name_asks_back_with_the_townships(client, db, published):
    await villages.import_regions([("419901101202", "东湖村")])   # 柳河镇 has one too
    answer = await say(client, db, "绑定 东湖村")
    assert "城关镇东湖村 / 柳河镇东湖村" in answer and "已绑定" not in answer
    assert "已绑定 柳河镇东湖村" in await say(client, db, "绑定：柳河镇东湖村")
    assert "已绑定 城关镇东湖村" in await say(client, db, "绑定城关镇东湖")


async def test_unknown_text_gets_the_help_never_silence(client, db):
    for text in ("你好", "？？？", "绑定 火星村", "核验", "12345"):
        answer = await say(client, db, text)
        assert answer.strip(), text
    assert "异议 核验码 电话 内容" in await say(client, db, "你好")
    assert "没有找到" in await say(client, db, "绑定 火星村")


async def test_verify_a_current_code_in_any_spelling(client, db, published):
    *_, version = published
    code = format_code(version.verify_code)
    wide = str.maketrans("-0123456789", "－０１２３４５６７８９")
    for spelling in (f"核验 {code}", f"核验 {version.verify_code.lower()}",
                     f"核验{code}".translate(wide)):
        answer = await say(client, db, spelling)
        assert f"核验码 {code}：现行有效" in answer, spelling
    assert "没有核验码" in await say(client, db, "核验 ZZZZ-ZZZZ")


async def test_verify_a_superseded_code_names_the_new_one_and_why(client, db, published,
                                                                   runtime):
    clerk, reviewer, summary, donghu, first = published
    row = await PayoutRow.get(name="李秀英")
    await corrections.amend_payout_row(row.id, clerk, "面积有误", amount_fen=33300)
    stale = await corrections.stale_notices(summary.batch_id)
    for notice in stale:
        await corrections.correct(notice, clerk, "李秀英补贴面积有误，已核实更正")
    await _publish_all(stale, clerk, reviewer, runtime)
    second = await NoticeVersion.get(notice_id=donghu.id, number=2)
    answer = await say(client, db, f"核验 {first.verify_code}")
    assert "已被更正" in answer and format_code(second.verify_code) in answer
    assert "李秀英补贴面积有误" in answer


async def test_an_objection_through_the_account_and_its_lookup(client, db, published):
    *_, version = published
    code = format_code(version.verify_code)
    xml = text_xml(f"异议 {code} {PHONE} 我家承包面积是8亩，公示只有7亩", msg_id=55_000_001)
    first = await (await post(client, db, xml)).text()
    retry = await (await post(client, db, xml, nonce="retry")).text()
    assert reply_fields(first, db) == reply_fields(retry, db)  # one answer, one objection
    objection = await Objection.get()
    assert objection.channel == "mp" and await Objection.all().count() == 1
    answer = reply_fields(first, db)["Content"]
    assert objection.number in answer and PHONE not in answer
    status = await say(client, db, f"查询 {objection.number.lower()}")
    assert "处理中" in status and code in status and PHONE not in status
    assert "处理中" in await say(client, db, "查询")   # bare: the follower's own objections
    assert "没有找到" in await say(client, db, "查询 Y2026999999")


async def test_only_the_follower_who_filed_an_objection_can_look_it_up(client, db, published):
    clerk, *_, version = published
    await say(client, db, f"异议 {version.verify_code} {PHONE} 我家承包面积是8亩，公示只有7亩")
    objection = await Objection.get()
    await objections.answer(objection.number, clerk, "已电话答复，面积以实测为准", "answered")
    mine = await say(client, db, f"查询 {objection.number}")
    assert "已答复" in mine and "已直接答复您本人" in mine
    assert "面积以实测为准" not in mine   # a private answer is given by phone, not here
    stranger = "o_someone_else"
    for asked in (f"查询 {objection.number}", f"查询 {objection.number[:-1]}2", "查询"):
        reply = await say(client, db, asked, openid=stranger)
        assert "已答复" not in reply and "处理中" not in reply and objection.number not in reply


async def test_one_follower_is_limited_with_a_chinese_message(client, db, published):
    *_, version = published
    for index in range(MP_LIMIT.count):
        reply = await say(client, db, f"异议 {version.verify_code} {PHONE} 面积不对第{index}次")
        assert "已收到" in reply
    reply = await say(client, db, f"异议 {version.verify_code} {PHONE} 面积还是不对")
    assert "一小时内已提交5条" in reply
    assert await Objection.all().count() == MP_LIMIT.count
    reply = await say(client, db, f"异议 {version.verify_code} {PHONE} 邻居家的事",
                      openid="o_neighbour")
    assert "已收到" in reply


async def test_an_objection_without_a_phone_explains_the_format(client, db, published):
    *_, version = published
    assert "异议 核验码 电话 内容" in await say(client, db, f"异议 {version.verify_code}")
    answer = await say(client, db, f"异议 {version.verify_code} 没电话 面积不对啊")
    assert "电话" in answer and await Objection.all().count() == 0


@pytest.mark.parametrize("message", [
    "异议　{code}　{phone}　我家承包面积是８亩，公示只有７亩！请核实。",  # full-width spaces
    "异议 {code} 我家承包面积是８亩，公示只有７亩！请核实。 {phone}",  # the phone last
    "异议：{code} {phone}  我家承包面积是８亩，公示只有７亩！请核实。  ",
])
async def test_an_objection_keeps_the_villagers_full_width_punctuation(client, db, published,
                                                                       message):
    *_, version = published
    code = format_code(version.verify_code)
    wide_code = code.translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})  # ７Ｆ３Ｋ－…
    text = message.format(code=wide_code, phone=PHONE)
    answer = await say(client, db, text)
    objection = await Objection.get()
    assert objection.number in answer  # the code and phone were still understood
    assert objection.text == "我家承包面积是８亩，公示只有７亩！请核实。"
