"""Official-account publishing endpoints of the fake, on the real paths and errcodes.

Paths (all under ``/cgi-bin/``, as wechatpy 2.0.0a26 calls them): ``material/add_material``
(multipart field ``media``), ``draft/add``, ``draft/get``, ``freepublish/submit``,
``freepublish/get``, ``message/mass/sendall``, ``message/mass/get``, ``message/custom/send``,
``menu/create``, ``menu/get``. Every call needs a valid access token (40001 / 42001 / 41001).

Limits, from the official docs: draft title ≤ 64 characters (45003), digest ≤ 120 (45004),
content < 20,000 characters and < 1 MB (45002), 1..8 articles (45008), thumb_media_id
must be permanent image material (40007); menu 1..3 buttons (40016) of ≤ 16 bytes
(40018), 1..5 sub-buttons (40023) of ≤ 60 bytes (40025), key ≤ 128 bytes (40019), known
types only (40017); ``menu/get`` with no menu → 46003. Custom text ≤ 2048 bytes (45002).

After a mass send or a publish the platform pushes MASSSENDJOBFINISH / PUBLISHJOBFINISH to
the account's callback URL; the fake does the same when ``state.mp_events_url`` is set.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from typing import Any

import aiohttp
import xmltodict
from aiohttp import web
from wechatpy.crypto import WeChatCrypto
from wechatpy.utils import WeChatSigner

from bot.fake_wechat.mp_state import CLIENTMSGID_MAX_BYTES, Publication
from bot.fake_wechat.replies import authed_json, error, token_refusal
from bot.fake_wechat.state import FakeWeChatState

log = logging.getLogger("cunwu.fake_wechat")

TITLE_MAX = 64
DIGEST_MAX = 120
CONTENT_MAX_CHARS = 20_000
CONTENT_MAX_BYTES = 1024 * 1024
ARTICLES_MAX = 8
IMAGE_MAX = 10 * 1024 * 1024  # permanent image material ≤ 10 MB
CUSTOM_TEXT_MAX = 2048
BUTTON_TYPES = frozenset({"click", "view", "miniprogram", "scancode_push", "scancode_waitmsg",
                          "pic_sysphoto", "pic_photo_or_album", "pic_weixin", "location_select",
                          "media_id", "article_id", "article_view_limited"})




async def add_material(request: web.Request, state: FakeWeChatState) -> web.Response:
    if (refused := token_refusal(request, state, "mp")) is not None:
        return refused
    if request.query.get("type") not in ("image", "thumb"):
        return error("mp", 40004, "invalid media type")
    try:
        reader = await request.multipart()
    except (AssertionError, ValueError, KeyError):
        return error("mp", 41005, "media data missing")
    data = b""
    while (part := await reader.next()) is not None:
        if getattr(part, "name", None) == "media" and not data:
            data = await part.read()  # type: ignore[union-attr]
        else:
            await part.release()
    if not data:
        return error("mp", 41005, "media data missing")
    if len(data) > IMAGE_MAX:
        return error("mp", 40009, "invalid image size")
    if not data.startswith((b"\x89PNG", b"\xff\xd8", b"GIF8", b"BM")):
        return error("mp", 40113, "unsupported file type")
    media_id = state.mp.add_image(data)
    return web.json_response({"media_id": media_id,
                              "url": f"http://mmbiz.qpic.cn/fake/{media_id}/0"})


def _check_article(article: Any, state: FakeWeChatState) -> tuple[int, str] | None:
    if not isinstance(article, dict):
        return 47001, "data format error"
    title, content = article.get("title"), article.get("content")
    if not isinstance(title, str) or not title.strip():
        return 44003, "empty news data"
    if len(title) > TITLE_MAX:
        return 45003, "title size out of limit"
    if len(str(article.get("digest", ""))) > DIGEST_MAX:
        return 45004, "description size out of limit"
    if not isinstance(content, str) or not content.strip():
        return 44004, "empty content"
    if len(content) >= CONTENT_MAX_CHARS or len(content.encode()) >= CONTENT_MAX_BYTES:
        return 45002, "content size out of limit"
    if article.get("thumb_media_id") not in state.mp.images:
        return 40007, "invalid media_id"
    return None


async def draft_add(request: web.Request, state: FakeWeChatState) -> web.Response:
    body = await authed_json(request, state, "mp")
    if isinstance(body, web.Response):
        return body
    articles = body.get("articles")
    if not isinstance(articles, list) or not articles:
        return error("mp", 44003, "empty news data")
    if len(articles) > ARTICLES_MAX:
        return error("mp", 45008, "article size out of limit")
    for article in articles:
        if (problem := _check_article(article, state)) is not None:
            return error("mp", *problem)
    return web.json_response({"media_id": state.mp.add_draft(articles)})


async def draft_get(request: web.Request, state: FakeWeChatState) -> web.Response:
    body = await authed_json(request, state, "mp")
    if isinstance(body, web.Response):
        return body
    draft = state.mp.drafts.get(str(body.get("media_id", "")))
    if draft is None:
        return error("mp", 40007, "invalid media_id")
    return web.json_response({"news_item": draft.articles})


async def freepublish_submit(request: web.Request, state: FakeWeChatState) -> web.Response:
    body = await authed_json(request, state, "mp")
    if isinstance(body, web.Response):
        return body
    draft = state.mp.drafts.get(str(body.get("media_id", "")))
    if draft is None:
        return error("mp", 40007, "invalid media_id")
    pub = state.mp.publish(draft)
    _push_event(state, _publish_event(pub))
    return web.json_response({"errcode": 0, "errmsg": "ok", "publish_id": pub.publish_id,
                              "msg_data_id": pub.seq})


async def freepublish_get(request: web.Request, state: FakeWeChatState) -> web.Response:
    body = await authed_json(request, state, "mp")
    if isinstance(body, web.Response):
        return body
    pub = state.mp.by_publish_id(str(body.get("publish_id", "")))
    if pub is None:
        return error("mp", 53600, "Article ID 无效")
    items = [{"idx": i + 1, "article_url": _article_url(pub, i)}
             for i in range(len(pub.articles))]
    return web.json_response({
        "publish_id": pub.publish_id, "publish_status": 0, "article_id": pub.article_id,
        "article_detail": {"count": len(items), "item": items}, "fail_idx": []})


def _article_url(pub: Publication, index: int) -> str:
    return f"https://mp.weixin.qq.com/s/fake-{pub.seq}-{index + 1}"


async def mass_sendall(request: web.Request, state: FakeWeChatState) -> web.Response:
    body = await authed_json(request, state, "mp")
    if isinstance(body, web.Response):
        return body
    clientmsgid = str(body.get("clientmsgid", ""))
    if len(clientmsgid.encode()) > CLIENTMSGID_MAX_BYTES:
        return error("mp", 45067, "clientmsgid size out of limit")
    if clientmsgid and (earlier := state.mp.earlier_mass(clientmsgid)) is not None:
        # The platform's answer to a repeat: the first send's id, and no second send.
        return web.json_response({"errcode": 45065, "errmsg": "clientmsgid exist",
                                  "msg_id": earlier.msg_id})
    if body.get("msgtype") != "mpnews":
        return error("mp", 40008, "invalid message type")
    section = body.get("mpnews")
    draft = state.mp.drafts.get(str(section.get("media_id", ""))) \
        if isinstance(section, dict) else None
    if draft is None:
        return error("mp", 40007, "invalid media_id")
    if not state.mp.mass_quota_left():
        return error("mp", 45028, "has no masssend quota")
    pub = state.mp.mass_send(draft, clientmsgid)
    _push_event(state, _mass_event(pub))
    return web.json_response({"errcode": 0, "errmsg": "send job submission success",
                              "msg_id": pub.msg_id, "msg_data_id": pub.seq})


async def mass_get(request: web.Request, state: FakeWeChatState) -> web.Response:
    body = await authed_json(request, state, "mp")
    if isinstance(body, web.Response):
        return body
    msg_id = str(body.get("msg_id", ""))
    pub = next((p for p in state.mp.publications if str(p.msg_id) == msg_id and p.how == "mass"),
               None)
    if pub is None:
        return error("mp", 40059, "invalid msg id")
    return web.json_response({"msg_id": pub.msg_id, "msg_status": "SEND_SUCCESS"})


async def custom_send(request: web.Request, state: FakeWeChatState) -> web.Response:
    body = await authed_json(request, state, "mp")
    if isinstance(body, web.Response):
        return body
    openid, msgtype = str(body.get("touser", "")), str(body.get("msgtype", ""))
    if not openid:
        return error("mp", 40003, "invalid openid")
    if msgtype != "text":
        return error("mp", 40008, "invalid message type")
    content = body.get("text", {}).get("content") if isinstance(body.get("text"), dict) else None
    if not isinstance(content, str) or not content:
        return error("mp", 44004, "empty content")
    if len(content.encode()) > CUSTOM_TEXT_MAX:
        return error("mp", 45002, "content size out of limit")
    if errcode := state.mp.custom_send_errcode(openid):
        text = {45015: "response out of time limit or subscription is canceled",
                45047: "out of response count limit"}[errcode]
        return error("mp", errcode, text)
    state.mp.record_custom(openid, msgtype, body)
    return web.json_response({"errcode": 0, "errmsg": "ok"})


def _menu_problem(menu: Any) -> tuple[int, str] | None:
    buttons = menu.get("button") if isinstance(menu, dict) else None
    if not isinstance(buttons, list) or not 1 <= len(buttons) <= 3:
        return 40016, "invalid button size"
    for button in buttons:
        if not isinstance(button, dict) or not str(button.get("name", "")):
            return 40018, "invalid button name size"
        if len(str(button["name"]).encode()) > 16:
            return 40018, "invalid button name size"
        subs = button.get("sub_button")
        if subs is not None and subs != []:
            if not isinstance(subs, list) or len(subs) > 5:
                return 40023, "invalid sub button size"
            for sub in subs:
                if not isinstance(sub, dict) or not 0 < len(str(sub.get("name", "")).encode()) \
                        <= 60:
                    return 40025, "invalid sub button name size"
                if (problem := _leaf_problem(sub)) is not None:
                    return problem
        elif (problem := _leaf_problem(button)) is not None:
            return problem
    return None


def _leaf_problem(button: dict[str, Any]) -> tuple[int, str] | None:
    kind = button.get("type")
    if kind not in BUTTON_TYPES:
        return 40017, "invalid button type"
    if kind == "click" and not 0 < len(str(button.get("key", "")).encode()) <= 128:
        return 40019, "invalid button key size"
    if kind == "view" and not 0 < len(str(button.get("url", "")).encode()) <= 1024:
        return 40020, "invalid button url size"
    return None


async def menu_create(request: web.Request, state: FakeWeChatState) -> web.Response:
    body = await authed_json(request, state, "mp")
    if isinstance(body, web.Response):
        return body
    if (problem := _menu_problem(body)) is not None:
        return error("mp", *problem)
    state.mp.menu = body
    return web.json_response({"errcode": 0, "errmsg": "ok"})


async def menu_get(request: web.Request, state: FakeWeChatState) -> web.Response:
    if (refused := token_refusal(request, state, "mp")) is not None:
        return refused
    if state.mp.menu is None:
        return error("mp", 46003, "menu no exist")
    return web.json_response({"menu": state.mp.menu})


# -- platform events --------------------------------------------------------------------
def _mass_event(pub: Publication) -> dict[str, str]:
    return {"Event": "MASSSENDJOBFINISH", "MsgID": str(pub.msg_id), "Status": "send success",
            "TotalCount": str(pub.recipients), "FilterCount": str(pub.recipients),
            "SentCount": str(pub.recipients), "ErrorCount": "0"}


def _publish_event(pub: Publication) -> dict[str, str]:
    return {"Event": "PUBLISHJOBFINISH", "PublishEventInfo.publish_id": pub.publish_id,
            "PublishEventInfo.publish_status": "0",
            "PublishEventInfo.article_id": pub.article_id,
            "PublishEventInfo.article_detail": (
                f"<count>1</count><item><idx>1</idx><article_url>{_article_url(pub, 0)}"
                "</article_url></item>")}


def event_xml(fields: dict[str, str], *, to_user: str = "gh_fakecunwu") -> str:
    """An event as the platform posts it (plaintext mode); dotted keys nest one level, and
    a nested value that is already markup (starts with ``<``) goes in as it is."""
    flat = [f"<{k}><![CDATA[{v}]]></{k}>" for k, v in fields.items() if "." not in k]
    nested: dict[str, list[str]] = {}
    for key, value in fields.items():
        if "." in key:
            outer, inner = key.split(".", 1)
            body = value if value.startswith("<") else f"<![CDATA[{value}]]>"
            nested.setdefault(outer, []).append(f"<{inner}>{body}</{inner}>")
    groups = [f"<{outer}>{''.join(inner)}</{outer}>" for outer, inner in nested.items()]
    return (f"<xml><ToUserName><![CDATA[{to_user}]]></ToUserName>"
            f"<FromUserName><![CDATA[mphelper]]></FromUserName>"
            f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[event]]></MsgType>"
            + "".join(flat) + "".join(groups) + "</xml>")


def _push_event(state: FakeWeChatState, fields: dict[str, str]) -> None:
    if not state.mp_events_url:
        return
    task = asyncio.get_running_loop().create_task(
        _post_event(state.mp_events_url, state.mp_events_token, event_xml(fields),
                    state.mp_events_aes))
    state.background.add(task)
    task.add_done_callback(state.background.discard)


async def _post_event(url: str, token: str, xml: str,
                      aes: tuple[str, str] | None = None) -> None:
    await asyncio.sleep(0.05)  # the platform reports a job after answering the API call
    timestamp, nonce = str(int(time.time())), secrets.token_hex(5)
    signer = WeChatSigner()
    signer.add_data(token, timestamp, nonce)
    params = {"signature": signer.signature, "timestamp": timestamp, "nonce": nonce}
    if aes is not None:  # safe mode: the body is the ciphertext, msg_signature covers it
        key, appid = aes
        xml = WeChatCrypto(token, key, appid).encrypt_message(xml, nonce, timestamp)
        params = {"timestamp": timestamp, "nonce": nonce, "encrypt_type": "aes",
                  "msg_signature": xmltodict.parse(xml)["xml"]["MsgSignature"]}
    try:
        async with aiohttp.ClientSession() as session, session.post(
                url, params=params, data=xml.encode(), timeout=aiohttp.ClientTimeout(5)) as resp:
            await resp.read()
    except (aiohttp.ClientError, TimeoutError) as exc:
        log.warning("fake WeChat could not push an event: %s", type(exc).__name__)


def setup(app: web.Application, api: Any) -> None:
    """Register the routes; ``api`` wraps a handler with the scripted faults."""
    routes = {
        "material/add_material": add_material, "draft/add": draft_add, "draft/get": draft_get,
        "freepublish/submit": freepublish_submit, "freepublish/get": freepublish_get,
        "message/mass/sendall": mass_sendall, "message/mass/get": mass_get,
        "message/custom/send": custom_send,
        "menu/create": menu_create,
    }
    for path, handler in routes.items():
        app.router.add_post(f"/cgi-bin/{path}", api("mp", handler))
    app.router.add_get("/cgi-bin/menu/get", api("mp", menu_get))
