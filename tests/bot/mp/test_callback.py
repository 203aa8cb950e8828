"""The official account's callback, driven by messages built with wechatpy's own crypto:
URL verification, plaintext/compatible/safe modes, replays, forgeries and garbage."""

from __future__ import annotations

import base64
import gzip
import time
from itertools import count

import pytest
import xmltodict
from aiohttp.test_utils import TestClient, TestServer
from wechatpy.crypto import WeChatCrypto

from bot.app import create_app
from bot.mp.view import MAX_BODY, sign

pytestmark = pytest.mark.storage
OPENID = "o_villager_0001"
_ids = count(10_000_001)


@pytest.fixture
async def client(db):
    app = create_app(db, with_worker=False, open_db=False)
    async with TestClient(TestServer(app)) as http:
        yield http


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


def signed(token: str, *, timestamp: int | None = None, nonce: str = "nonce42") -> dict:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    return {"timestamp": ts, "nonce": nonce, "signature": sign(token, ts, nonce)}


async def post_plain(client, config, xml: str | bytes, **sign_kw):
    params = {**signed(config.mp_token, **sign_kw), "openid": OPENID}
    return await client.post("/wechat/mp", params=params, data=xml)


async def post_aes(client, config, xml: str, *, crypto: WeChatCrypto | None = None,
                   compatible: bool = True):
    crypto = crypto or crypto_for(config)
    ts, nonce = str(int(time.time())), "aesnonce"
    outer = crypto.encrypt_message(xml, nonce, ts)
    fields = xmltodict.parse(outer)["xml"]
    params = {"timestamp": ts, "nonce": nonce, "encrypt_type": "aes",
              "msg_signature": fields["MsgSignature"], "openid": OPENID}
    if compatible:
        params["signature"] = sign(config.mp_token, ts, nonce)
    return await client.post("/wechat/mp", params=params, data=outer)


def reply_fields(xml: str, config=None) -> dict:
    fields = xmltodict.parse(xml)["xml"]
    if "Encrypt" in fields:
        plain = crypto_for(config).decrypt_message(
            xml, fields["MsgSignature"], fields["TimeStamp"], fields["Nonce"])
        fields = xmltodict.parse(plain)["xml"]
    return fields


async def say(client, config, content: str, *, openid: str = OPENID) -> str:
    """What the account answers a villager's text (plaintext mode)."""
    response = await post_plain(client, config, text_xml(content, openid=openid))
    assert response.status == 200
    return reply_fields(await response.text())["Content"]


# -- URL verification ---------------------------------------------------------------------
async def test_url_verification_echoes_and_refuses_a_forgery(client, db):
    params = {**signed(db.mp_token), "echostr": "4567890123"}
    response = await client.get("/wechat/mp", params=params)
    assert response.status == 200 and await response.text() == "4567890123"
    forged = {**params, "signature": sign("not-our-token", params["timestamp"], "nonce42")}
    response = await client.get("/wechat/mp", params=forged)
    assert response.status == 403 and "4567890123" not in await response.text()


# -- the three modes ----------------------------------------------------------------------
async def test_a_plaintext_message_gets_a_text_reply_to_the_villager(client, db):
    response = await post_plain(client, db, text_xml("帮助"))
    assert response.status == 200
    fields = reply_fields(await response.text())
    assert fields["MsgType"] == "text" and fields["ToUserName"] == OPENID
    assert fields["FromUserName"] == "gh_cunwu" and "核验" in fields["Content"]


@pytest.mark.parametrize("compatible", [True, False], ids=["compatible", "safe"])
async def test_an_aes_message_gets_an_encrypted_reply(client, db, compatible):
    response = await post_aes(client, db, text_xml("帮助"), compatible=compatible)
    assert response.status == 200
    body = await response.text()
    assert "<Encrypt>" in body and "核验" not in body
    fields = reply_fields(body, db)
    assert fields["ToUserName"] == OPENID and "核验" in fields["Content"]


async def test_subscribe_welcomes_and_asks_for_the_village(client, db):
    response = await post_plain(client, db, event_xml("subscribe"))
    assert "村名" in reply_fields(await response.text())["Content"]


# -- replays ------------------------------------------------------------------------------
async def test_a_retried_msgid_gets_the_identical_reply(client, db):
    xml = text_xml("随便说点什么", msg_id=77_000_001)
    first = await (await post_plain(client, db, xml)).text()
    again = await (await post_plain(client, db, xml, nonce="retry-2")).text()
    assert first == again and "帮助" in reply_fields(first)["Content"]


async def test_a_retried_event_is_keyed_by_sender_and_time(client, db):
    xml = event_xml("subscribe", created=1_790_000_000)
    first = await (await post_plain(client, db, xml)).text()
    assert first == await (await post_plain(client, db, xml)).text()


# -- forgeries and garbage: 4xx, never 500 -------------------------------------------------
async def test_a_forged_signature_is_403(client, db):
    params = {**signed(db.mp_token), "signature": "0" * 40}
    response = await client.post("/wechat/mp", params=params, data=text_xml("帮助"))
    assert response.status == 403
    response = await client.post("/wechat/mp", data=text_xml("帮助"))  # no signature at all
    assert response.status == 403


async def test_a_forged_msg_signature_is_403(client, db):
    outer = crypto_for(db).encrypt_message(text_xml("帮助"), "n", str(int(time.time())))
    params = {**signed(db.mp_token, nonce="n"), "encrypt_type": "aes",
              "msg_signature": "f" * 40}
    response = await client.post("/wechat/mp", params=params, data=outer)
    assert response.status == 403


@pytest.mark.parametrize("offset", [-301, 301, -86_400])
async def test_a_stale_or_future_timestamp_is_403(client, db, offset):
    response = await post_plain(client, db, text_xml("帮助"),
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
async def test_broken_or_hostile_xml_is_400(client, db, body):
    assert (await post_plain(client, db, body)).status == 400


async def test_entities_inside_the_ciphertext_are_400(client, db):
    assert (await post_aes(client, db, BILLION_LAUGHS)).status == 400


async def test_an_oversized_body_is_413(client, db):
    big = text_xml("帮" * (MAX_BODY // 3 + 10))
    assert (await post_plain(client, db, big)).status == 413


async def test_other_methods_are_405(client):
    assert (await client.put("/wechat/mp", data="x")).status == 405


@pytest.mark.parametrize("body", [b"\0\0", gzip.compress(b"<xml/>" * 10_000)],
                         ids=["not-gzip", "gzip"])
async def test_a_compressed_body_is_refused_before_it_is_inflated(client, db, body):
    # Found by the fuzz test: a body claiming gzip that is not gzip made aiohttp raise (500).
    response = await client.post("/wechat/mp", params=signed(db.mp_token), data=body,
                                 headers={"Content-Encoding": "gzip"})
    assert response.status in (400, 415) and "Traceback" not in await response.text()
