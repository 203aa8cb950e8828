"""The official account's callback, driven by messages built with wechatpy's own crypto:
URL verification, plaintext/compatible/safe modes, replays, forgeries and garbage."""

from __future__ import annotations

import base64
import gzip
import time
from dataclasses import replace
from itertools import count

import pytest
import xmltodict
from aiohttp.test_utils import TestClient, TestServer
from wechatpy.crypto import WeChatCrypto

from bot.app import create_app
from bot.mp.view import MAX_BODY, sign
from villages.models import MpFollower

pytestmark = pytest.mark.storage
OPENID = "o_villager_0001"
_ids = count(10_000_001)
_nonces = count(1)


@pytest.fixture
async def client(db):
    """The callback in the default mode: safe (安全模式), AES key configured."""
    app = create_app(db, with_worker=False, open_db=False)
    async with TestClient(TestServer(app)) as http:
        yield http


@pytest.fixture
def plain_db(db):
    """The configuration of a county that chose plaintext mode (明文模式)."""
    return replace(db, mp_mode="plaintext")


@pytest.fixture
async def plain_client(plain_db):
    app = create_app(plain_db, with_worker=False, open_db=False)
    async with TestClient(TestServer(app)) as http:
        yield http


@pytest.fixture(params=["safe", "compatible", "plaintext"])
async def any_mode(request, db):
    """(client, config) for each message mode a county may choose."""
    config = replace(db, mp_mode=request.param)
    async with TestClient(TestServer(create_app(config, with_worker=False,
                                                open_db=False))) as http:
        yield http, config


def crypto_for(config, appid: str | None = None) -> WeChatCrypto:
    return WeChatCrypto(config.mp_token, config.mp_aes_key, appid or config.mp_appid)


def text_xml(content: str, *, msg_id: int | None = None, openid: str = OPENID) -> str:
    msg_id = next(_ids) if msg_id is None else msg_id
    return (f"<xml><ToUserName><![CDATA[gh_cunwu]]></ToUserName>"
            f"<FromUserName><![CDATA[{openid}]]></FromUserName>"
            f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
            f"<Content><![CDATA[{content}]]></Content><MsgId>{msg_id}</MsgId></xml>")


def event_xml(event: str, *, openid: str = OPENID, created: int | None = None) -> str:
    return (f"<xml><ToUserName><![CDATA[gh_cunwu]]></ToUserName>"
            f"<FromUserName><![CDATA[{openid}]]></FromUserName>"
            f"<CreateTime>{created or int(time.time())}</CreateTime>"
            f"<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[{event}]]></Event></xml>")


def signed(token: str, *, timestamp: int | None = None, nonce: str | None = None) -> dict:
    """A query as WeChat signs it: a fresh nonce per request unless one is given."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    nonce = nonce or f"nonce{next(_nonces)}"
    return {"timestamp": ts, "nonce": nonce, "signature": sign(token, ts, nonce)}


async def post_plain(client, config, xml: str | bytes, **sign_kw):
    """A plaintext-mode request: the signature covers token, timestamp and nonce only."""
    params = {**signed(config.mp_token, **sign_kw), "openid": OPENID}
    return await client.post("/wechat/mp", params=params, data=xml)


async def post_aes(client, config, xml: str, *, crypto: WeChatCrypto | None = None,
                   compatible: bool = True, timestamp: int | None = None,
                   nonce: str | None = None):
    """A safe-mode request (compatible mode adds the plaintext-mode signature)."""
    crypto = crypto or crypto_for(config)
    ts = str(int(time.time()) if timestamp is None else timestamp)
    nonce = nonce or f"aesnonce{next(_nonces)}"
    outer = crypto.encrypt_message(xml, nonce, ts)
    fields = xmltodict.parse(outer)["xml"]
    params = {"timestamp": ts, "nonce": nonce, "encrypt_type": "aes",
              "msg_signature": fields["MsgSignature"], "openid": OPENID}
    if compatible:
        params["signature"] = sign(config.mp_token, ts, nonce)
    return await client.post("/wechat/mp", params=params, data=outer)


async def post(client, config, xml: str, **kw):
    """A request as WeChat sends it to an account in ``config``'s mode."""
    if config.mp_mode == "plaintext":
        return await post_plain(client, config, xml, **kw)
    return await post_aes(client, config, xml, compatible=config.mp_mode == "compatible", **kw)


def reply_fields(xml: str, config=None) -> dict:
    fields = xmltodict.parse(xml)["xml"]
    if "Encrypt" in fields:
        plain = crypto_for(config).decrypt_message(
            xml, fields["MsgSignature"], fields["TimeStamp"], fields["Nonce"])
        fields = xmltodict.parse(plain)["xml"]
    return fields


async def say(client, config, content: str, *, openid: str = OPENID) -> str:
    """What the account answers a villager's text (in the account's mode)."""
    response = await post(client, config, text_xml(content, openid=openid))
    assert response.status == 200
    return reply_fields(await response.text(), config)["Content"]


# -- URL verification ---------------------------------------------------------------------
async def test_url_verification_echoes_and_refuses_a_forgery(client, db):
    params = {**signed(db.mp_token), "echostr": "4567890123"}
    response = await client.get("/wechat/mp", params=params)
    assert response.status == 200 and await response.text() == "4567890123"
    forged = {**params, "signature": sign("not-our-token", params["timestamp"], "nonce42")}
    response = await client.get("/wechat/mp", params=forged)
    assert response.status == 403 and "4567890123" not in await response.text()


# -- the three modes ----------------------------------------------------------------------
async def test_a_plaintext_message_gets_a_text_reply_to_the_villager(plain_client, plain_db):
    response = await post_plain(plain_client, plain_db, text_xml("帮助"))
    assert response.status == 200
    fields = reply_fields(await response.text())
    assert fields["MsgType"] == "text" and fields["ToUserName"] == OPENID
    assert fields["FromUserName"] == "gh_cunwu" and "核验" in fields["Content"]


@pytest.mark.parametrize("compatible", [True, False], ids=["compatible", "safe"])
async def test_an_aes_message_gets_an_encrypted_reply(client, db, compatible):
    # A compatible-mode request also carries the plaintext signature: a safe-mode
    # account accepts both shapes, as the platform may send either while switching.
    response = await post_aes(client, db, text_xml("帮助"), compatible=compatible)
    assert response.status == 200
    body = await response.text()
    assert "<Encrypt>" in body and "核验" not in body
    fields = reply_fields(body, db)
    assert fields["ToUserName"] == OPENID and "核验" in fields["Content"]


@pytest.mark.parametrize("mode", ["safe", "compatible"])
async def test_with_a_key_configured_a_signed_plaintext_request_is_refused(db, mode):
    # The plaintext signature covers token, timestamp and nonce, not the body: accepting
    # it let a forged body, from another villager's openid, bind a village as them.
    config = replace(db, mp_mode=mode)
    async with TestClient(TestServer(create_app(config, with_worker=False,
                                                open_db=False))) as http:
        forged = text_xml("绑定 东湖村", openid="o_someone_else")
        response = await post_plain(http, config, forged)
        assert response.status == 403 and "东湖村" not in await response.text()
    assert not await MpFollower.filter(openid="o_someone_else").exists()


async def test_in_plaintext_mode_an_encrypted_request_is_refused(plain_client, plain_db):
    response = await post_aes(plain_client, plain_db, text_xml("帮助"))
    assert response.status == 403


async def test_one_signature_is_good_for_one_body_only(any_mode):
    client, config = any_mode
    ts, nonce = int(time.time()), "one-signature"
    first = await post(client, config, text_xml("帮助"), timestamp=ts, nonce=nonce)
    assert first.status == 200
    forged = text_xml("绑定 东湖村", openid="o_someone_else")
    again = await post(client, config, forged, timestamp=ts, nonce=nonce)
    assert again.status == 403
    assert not await MpFollower.filter(openid="o_someone_else").exists()


async def test_the_platform_resending_the_same_body_gets_the_same_answer(plain_client,
                                                                           plain_db):
    xml, ts = text_xml("帮助"), int(time.time())
    first = await post_plain(plain_client, plain_db, xml, timestamp=ts, nonce="resent")
    again = await post_plain(plain_client, plain_db, xml, timestamp=ts, nonce="resent")
    assert first.status == again.status == 200
    assert await first.text() == await again.text()


async def test_subscribe_welcomes_and_asks_for_the_village(client, db):
    response = await post(client, db, event_xml("subscribe"))
    assert "村名" in reply_fields(await response.text(), db)["Content"]


# -- replays ------------------------------------------------------------------------------
async def test_a_retried_msgid_gets_the_identical_reply(client, db):
    xml = text_xml("随便说点什么", msg_id=77_000_001)
    first = await (await post(client, db, xml)).text()
    again = await (await post(client, db, xml, nonce="retry-2")).text()
    assert reply_fields(first, db) == reply_fields(again, db)
    assert "帮助" in reply_fields(first, db)["Content"]


async def test_a_retried_event_is_keyed_by_sender_and_time(client, db):
    xml = event_xml("subscribe", created=1_790_000_000)
    first = await (await post(client, db, xml)).text()
    assert reply_fields(first, db) == reply_fields(await (await post(client, db, xml)).text(), db)


# -- forgeries and garbage: 4xx, never 500 -------------------------------------------------
async def test_a_forged_signature_is_403(plain_client, plain_db):
    params = {**signed(plain_db.mp_token), "signature": "0" * 40}
    response = await plain_client.post("/wechat/mp", params=params, data=text_xml("帮助"))
    assert response.status == 403
    response = await plain_client.post("/wechat/mp", data=text_xml("帮助"))  # unsigned
    assert response.status == 403


async def test_a_forged_msg_signature_is_403(client, db):
    outer = crypto_for(db).encrypt_message(text_xml("帮助"), "n", str(int(time.time())))
    params = {**signed(db.mp_token, nonce="n", timestamp=int(time.time())),
              "encrypt_type": "aes",
              "msg_signature": "f" * 40}
    response = await client.post("/wechat/mp", params=params, data=outer)
    assert response.status == 403


@pytest.mark.parametrize("offset", [-301, 301, -86_400])
async def test_a_stale_or_future_timestamp_is_403(any_mode, offset):
    client, config = any_mode
    response = await post(client, config, text_xml("帮助"),
                          timestamp=int(time.time()) + offset)
    assert response.status == 403


async def test_a_message_for_another_appid_is_400(client, db):
    other = crypto_for(db, appid="wxsomeoneelse00000")
    response = await post_aes(client, db, text_xml("帮助"), crypto=other)
    assert response.status == 400


@pytest.mark.parametrize("encrypt", [
    "not base64 at all!!", base64.b64encode(b"x" * 17).decode(),
    base64.b64encode(b"\0" * 64).decode(), "",
], ids=["not-base64", "bad-block", "random-block", "empty"])
async def test_garbage_ciphertext_is_400(client, db, encrypt):
    ts, nonce = str(int(time.time())), "n"
    outer = f"<xml><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>"
    params = {"timestamp": ts, "nonce": nonce, "encrypt_type": "aes",
              "signature": sign(db.mp_token, ts, nonce),
              "msg_signature": sign(db.mp_token, ts, nonce, encrypt)}
    response = await client.post("/wechat/mp", params=params, data=outer)
    assert response.status == 400


BILLION_LAUGHS = ('<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY a "aaaaaaaaaa">'
                  '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
                  '<xml><ToUserName>x</ToUserName><FromUserName>o</FromUserName>'
                  '<MsgType>text</MsgType><Content>&b;</Content><MsgId>1</MsgId></xml>')


@pytest.mark.parametrize("body", [
    BILLION_LAUGHS, BILLION_LAUGHS.replace("DOCTYPE", "doctype"),
    "<xml><Content>unclosed", "not xml", "", "<other>1</other>",
    "<xml><MsgType>text</MsgType></xml>", "<xml><FromUserName>o</FromUserName></xml>",
    "<xml><FromUserName>o</FromUserName><MsgType><a>1</a></MsgType></xml>",
], ids=["entities", "lowercase-doctype", "unclosed", "text", "empty", "other-root",
        "no-sender", "no-type", "nested-type"])
async def test_broken_or_hostile_xml_is_400(any_mode, body):
    client, config = any_mode
    assert (await post(client, config, body)).status == 400


async def test_entities_inside_the_ciphertext_are_400(client, db):
    assert (await post_aes(client, db, BILLION_LAUGHS)).status == 400


async def test_an_oversized_body_is_413(any_mode):
    client, config = any_mode
    big = text_xml("帮" * (MAX_BODY // 3 + 10))
    assert (await post(client, config, big)).status == 413


async def test_other_methods_are_405(client):
    assert (await client.put("/wechat/mp", data="x")).status == 405


@pytest.mark.parametrize("body", [b"\0\0", gzip.compress(b"<xml/>" * 10_000)],
                         ids=["not-gzip", "gzip"])
async def test_a_compressed_body_is_refused_before_it_is_inflated(client, db, body):
    # Found by the fuzz test: a body claiming gzip that is not gzip made aiohttp raise (500).
    response = await client.post("/wechat/mp", params=signed(db.mp_token), data=body,
                                 headers={"Content-Encoding": "gzip"})
    assert response.status in (400, 415) and "Traceback" not in await response.text()
