"""Group-robot endpoints (群机器人配置说明, https://developer.work.weixin.qq.com/document/path/91770).

``/cgi-bin/webhook/send`` and ``/cgi-bin/webhook/upload_media`` with the documented
limits: text ≤ 2048 bytes, markdown ≤ 4096 bytes (40058 "... exceed max length"),
image ≤ 2 MB with md5 (40009, 301019), file via a media_id that lives 3 days (40007),
uploads of 5 B..20 MB (44001 empty, 40006 size), 20 messages/min/robot (45009), an
unregistered key → 93000. Where the live platform differs from its documentation we
follow the documentation: text is held to 2048 bytes although the live server has been
seen accepting up to 5120 ("text.content exceed max length 5120", errcode 40058).
Unparseable JSON → 47001 "data format error" (the global code's documented meaning).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from typing import Any

from aiohttp import web
from aiohttp.multipart import BodyPartReader, parse_content_disposition

from bot.fake_wechat.replies import error
from bot.fake_wechat.state import FakeWeChatState

TEXT_LIMIT = 2048
MARKDOWN_LIMIT = 4096
IMAGE_LIMIT = 2 * 1024 * 1024
UPLOAD_LIMITS = {"file": 20 * 1024 * 1024, "voice": 2 * 1024 * 1024}  # upload_media doc
UPLOAD_MIN = 5
# Our own cap on a send body (a 2 MB image is ~2.7 MB as base64). Read by hand because
# a mounted sub-app cannot raise the parent app's client_max_size.
SEND_BODY_LIMIT = 4 * 1024 * 1024


async def _read_capped(request: web.Request, limit: int) -> bytes | None:
    """The whole body, or None if it is over ``limit`` (still drained, so the client
    gets our answer instead of a reset connection)."""
    chunks: list[bytes] = []
    total = 0
    async for chunk in request.content.iter_chunked(64 * 1024):
        total += len(chunk)
        if total <= limit:
            chunks.append(chunk)
    return b"".join(chunks) if total <= limit else None


def _content_of(body: dict[str, Any], msgtype: str, limit: int) -> str | web.Response:
    section = body.get(msgtype)
    content = section.get("content") if isinstance(section, dict) else None
    if not isinstance(content, str) or not content.strip():
        return error("wecom", 44004, "empty content")
    if len(content.encode("utf-8")) > limit:
        msg = f"{msgtype}.content exceed max length {limit}. invalid Request Parameter"
        return error("wecom", 40058, msg)
    return content


async def webhook_send(request: web.Request, state: FakeWeChatState) -> web.Response:
    key = request.query.get("key", "")
    if not await state.knows_robot(key):
        return error("wecom", 93000)
    raw = await _read_capped(request, SEND_BODY_LIMIT)
    if raw is None:
        return error("wecom", 40058, "request body too large. invalid Request Parameter")
    try:
        body = json.loads(raw)
    except ValueError:
        return error("wecom", 47001, "data format error")
    if not isinstance(body, dict):
        return error("wecom", 47001, "data format error")
    if state.rate_limited(key):
        return error("wecom", 45009)
    msgtype = body.get("msgtype")
    raw_json = raw.decode("utf-8", "replace")
    if msgtype in ("text", "markdown"):
        content = _content_of(body, msgtype, TEXT_LIMIT if msgtype == "text" else MARKDOWN_LIMIT)
        if isinstance(content, web.Response):
            return content
        state.record(key, msgtype, content, raw_json=raw_json)
    elif msgtype == "image":
        image = body.get("image") if isinstance(body.get("image"), dict) else {}
        try:
            data = base64.b64decode(str(image.get("base64", "")), validate=True)
        except binascii.Error:
            return error("wecom", 40058, "image.base64 invalid. invalid Request Parameter")
        if not data:
            return error("wecom", 44001, "empty media data")
        if len(data) > IMAGE_LIMIT:
            return error("wecom", 40009, "invalid image size")
        digest = hashlib.md5(data, usedforsecurity=False).hexdigest()
        if digest != str(image.get("md5", "")).lower():
            return error("wecom", 301019, "media md5 not match")
        state.record(key, "image", "", raw_json="", data=data)  # base64 not kept twice
    elif msgtype == "news":
        news = body.get("news") if isinstance(body.get("news"), dict) else {}
        articles = news.get("articles")
        if not isinstance(articles, list) or not 1 <= len(articles) <= 8:
            return error("wecom", 40058, "news.articles size invalid. invalid Request Parameter")
        titles = [str(a.get("title", "")) for a in articles if isinstance(a, dict)]
        if len(titles) != len(articles) or not all(titles):
            return error("wecom", 40058, "news.articles.title missing. invalid Request Parameter")
        state.record(key, "news", "\n".join(titles), raw_json=raw_json)
    elif msgtype == "file":
        section = body.get("file") if isinstance(body.get("file"), dict) else {}
        media = state.usable_media(key, str(section.get("media_id", "")))
        if media is None:
            return error("wecom", 40007, "invalid media_id")
        state.record(
            key,
            "file",
            media.filename,
            raw_json=raw_json,
            filename=media.filename,
            data=media.data,
            media_id=media.media_id,
        )
    else:
        return error("wecom", 40008, "invalid message type")
    return web.json_response({"errcode": 0, "errmsg": "ok"})


async def upload_media(request: web.Request, state: FakeWeChatState) -> web.Response:
    key = request.query.get("key", "")
    if not await state.knows_robot(key):
        return error("wecom", 93000)
    media_type = request.query.get("type", "")
    if media_type not in UPLOAD_LIMITS:
        return error("wecom", 40005, "invalid media type")
    limit = UPLOAD_LIMITS[media_type]
    try:
        reader = await request.multipart()
    except (AssertionError, ValueError, KeyError):  # not multipart/form-data
        return error("wecom", 44001, "empty media data")
    found: tuple[str, int, bytes, str | None] | None = None
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader):
            continue
        if part.name != "media" or found is not None:
            await part.release()
            continue
        size, kept = 0, bytearray()
        while chunk := await part.read_chunk(64 * 1024):
            size += len(chunk)
            if size <= limit:  # keep counting past the limit but stop storing
                kept += chunk
        _, params = parse_content_disposition(part.headers.get("Content-Disposition"))
        found = (part.filename or "file", size, bytes(kept), params.get("filelength"))
    if found is None or found[1] == 0:
        return error("wecom", 44001, "empty media data")
    filename, size, data, filelength = found
    if size < UPLOAD_MIN or size > limit:
        return error("wecom", 40006, "invalid file size")
    if filelength is not None and filelength.strip() != str(size):
        # Stricter than strictly needed: a wrong filelength is a client bug worth seeing.
        return error("wecom", 40006, "invalid file size, filelength mismatch")
    media = state.store_media(key, filename, data)
    return web.json_response(
        {
            "errcode": 0,
            "errmsg": "ok",
            "type": media_type,
            "media_id": media.media_id,
            "created_at": str(int(media.created_at)),  # a string, as in the doc's example
        }
    )
