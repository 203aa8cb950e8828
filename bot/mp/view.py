"""Verify, decrypt and parse what WeChat posts; answer with a passive reply.

Everything here is wechatpy's pure functions on the event loop (no I/O). Any request we
cannot trust or read gets a 4xx and a log line, never a 500 or a traceback.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import logging
import re
import time
from collections.abc import Callable
from typing import Any

import xmltodict
from aiohttp import web
from aiohttp.web_protocol import RequestPayloadError
from wechatpy.crypto import PrpCrypto, WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException
from wechatpy.messages import BaseMessage
from wechatpy.replies import TextReply
from wechatpy.utils import WeChatSigner

from bot.mp.handlers import Reply, changes_state, handle_message
from bot.mp.message_claims import MessageClaims
from bot.mp.messages import message_from_fields
from bot.mp.replay import ReplayCache, SeenNonces
from bot.mp.slow_replies import queue_when_ready
from bot.mp.village_names import VillageNames
from bot.runtime import Runtime

log = logging.getLogger("cunwu.mp")

MAX_BODY = 64 * 1024          # a real callback is a few hundred bytes
MAX_SKEW_S = 300              # timestamps further than this from our clock are refused
ANSWER_WITHIN_S = 4.0         # WeChat waits 5 s for a passive reply
_DECLARATIONS = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_BUSY = "正在处理，请稍后再发送一次。"
_ERROR = "系统繁忙，请稍后再试。"
_FOLLOWS = "正在查询，结果稍后发给您。"


class Refused(Exception):
    def __init__(self, status: int, why: str) -> None:
        super().__init__(why)
        self.status, self.why = status, why


def sign(*parts: str) -> str:
    """WeChat's signature: sha1 of the sorted parts joined (wechatpy's own signer)."""
    signer = WeChatSigner()
    signer.add_data(*parts)
    return signer.signature


def safe_xml(raw: bytes) -> dict[str, Any]:
    """The ``<xml>`` element as a dict; no DTDs or entities, nothing but a dict of fields."""
    if _DECLARATIONS.search(raw):
        raise Refused(400, "xml declares a DTD/entity")
    try:
        doc = xmltodict.parse(raw, disable_entities=True)
    except Exception as exc:  # expat errors, bad encodings
        raise Refused(400, f"broken xml ({type(exc).__name__})") from None
    xml = doc.get("xml") if isinstance(doc, dict) else None
    if not isinstance(xml, dict):
        raise Refused(400, "no <xml> element")
    return xml


class MpCallback:
    def __init__(self, runtime: Runtime, *, clock: Callable[[], float] = time.time) -> None:
        config = runtime.config
        self.runtime = runtime
        self.token, self.appid = config.mp_token, config.mp_appid
        # The mode the county chose on the platform; a request in another mode is refused
        # (a plaintext request's signature covers no body: accepting one while a key is
        # configured let anyone holding one signature post any body as any villager).
        self.encrypted = config.mp_mode != "plaintext"
        self.crypto = WeChatCrypto(config.mp_token, config.mp_aes_key, config.mp_appid)
        self.prp_key = base64.b64decode(config.mp_aes_key + "=")
        self.replays = ReplayCache()        # fast path: retries reaching this process
        self.claims = MessageClaims()        # the rest: retries reaching another process
        self._handling: set[str] = set()     # keys whose handler runs in this process
        self._followed: set[str] = set()     # keys whose late answer is already queued
        self.village_names = VillageNames()
        self.clock = clock
        self.nonces = SeenNonces(2 * MAX_SKEW_S + 60)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        try:
            if request.method == "GET":
                return self._verify_url(request)
            if request.method == "POST":
                return await self._message(request)
            return web.Response(status=405, text="method not allowed")
        except Refused as exc:
            log.warning("mp callback refused (%d): %s", exc.status, exc.why)
            return web.Response(status=exc.status, text="refused")

    # -- checks ---------------------------------------------------------------------------
    def _check(self, query: Any, field: str, *parts: str) -> None:
        given = query.get(field, "")
        timestamp, nonce = query.get("timestamp", ""), query.get("nonce", "")
        expected = sign(self.token, timestamp, nonce, *parts)
        if not hmac.compare_digest(given.encode("ascii", "replace"), expected.encode()):
            raise Refused(403, f"bad {field}")
        try:
            skew = abs(self.clock() - int(timestamp))
        except ValueError:
            raise Refused(403, "bad timestamp") from None
        if skew > MAX_SKEW_S:
            raise Refused(403, f"timestamp {skew:.0f}s off")

    async def _check_nonce(self, query: Any, body: bytes) -> None:
        """A signed timestamp+nonce is good for one body only: WeChat's resend of the same
        body passes (MsgId de-duplication answers it), another body is a forgery. Across
        processes too in plaintext mode, where the signature doesn't cover the body (in
        the encrypted modes msg_signature does, so the in-process check is enough)."""
        pair = f"{query.get('timestamp', '')}:{query.get('nonce', '')}".encode()
        key = f"nonce:{hashlib.sha256(pair).hexdigest()[:40]}"   # bounded, whatever the nonce
        digest = hashlib.sha256(body).hexdigest()
        if not self.nonces.accept(key, digest):
            raise Refused(403, "nonce already used for another body")
        if self.encrypted:
            return
        try:
            shared = await self.claims.accept_nonce(key, digest)
        except Exception:   # a busy database: unverifiable, so not accepted; WeChat retries
            log.warning("could not check an mp nonce across processes", exc_info=True)
            raise Refused(503, "nonce store unavailable") from None
        if not shared:
            raise Refused(403, "nonce already used for another body")

    def _verify_url(self, request: web.Request) -> web.Response:
        self._check(request.query, "signature")
        return web.Response(text=request.query.get("echostr", ""))

    async def _read_body(self, request: web.Request) -> bytes:
        if request.content_length is not None and request.content_length > MAX_BODY:
            raise Refused(413, f"body of {request.content_length} bytes")
        # WeChat never compresses; a gzip body could inflate far past the cap (and a body
        # that is not gzip at all made aiohttp raise from inside read()).
        if request.headers.get("Content-Encoding", "identity").strip().lower() != "identity":
            raise Refused(415, "compressed body")
        try:
            body = await request.content.read(MAX_BODY + 1)
        except RequestPayloadError:
            raise Refused(400, "unreadable body") from None
        if len(body) > MAX_BODY:
            raise Refused(413, "body over the cap")
        return body

    def _decrypt(self, outer: dict[str, Any], query: Any) -> bytes:
        encrypted = outer.get("Encrypt")
        if not isinstance(encrypted, str) or not encrypted:
            raise Refused(400, "aes mode without <Encrypt>")
        self._check(query, "msg_signature", encrypted)
        try:
            plain = PrpCrypto(self.prp_key).decrypt(encrypted, self.appid)
        except InvalidAppIdException:
            raise Refused(400, "wrong AppID (or a key that is not ours)") from None
        except Exception as exc:  # base64, block size, length prefix, utf-8
            raise Refused(400, f"bad ciphertext ({type(exc).__name__})") from None
        return plain.encode("utf-8")

    # -- the message ----------------------------------------------------------------------
    async def _message(self, request: web.Request) -> web.Response:
        query = request.query
        body = await self._read_body(request)
        aes = query.get("encrypt_type", "raw").lower() == "aes"
        if aes != self.encrypted:
            raise Refused(403, "encrypted request in plaintext mode" if aes
                          else "plaintext request while the account is in encrypted mode")
        if aes:
            if "signature" in query:  # compatible mode carries both
                self._check(query, "signature")
            raw = self._decrypt(safe_xml(body), query)
        else:
            self._check(query, "signature")
            raw = body
        await self._check_nonce(query, body)
        fields = safe_xml(raw)
        if not isinstance(fields.get("MsgType"), str) or not fields.get("FromUserName"):
            raise Refused(400, "xml is not a WeChat message")
        try:
            message = message_from_fields(fields)
        except Exception as exc:
            raise Refused(400, f"unparseable message ({type(exc).__name__})") from None
        xml = await self._reply_once(replay_key(fields), message)
        if not xml:
            return web.Response(text="success")
        if aes:
            xml = self.crypto.encrypt_message(xml, query.get("nonce", ""),
                                              str(int(self.clock())))
        return web.Response(text=xml, content_type="application/xml")

    async def _reply_once(self, key: str, message: BaseMessage) -> str:
        async def produce() -> str:
            self._handling.add(key)
            try:
                reply = await handle_message(message, self.runtime, self.village_names)
            finally:
                self._handling.discard(key)
            return render(reply, message)

        async def produce_once_everywhere() -> str:
            if await changes_state(message, self.village_names):
                return await self.claims.once(key, produce)
            return await produce()   # only reads: no shared claim, no write per message

        try:
            return await asyncio.wait_for(self.replays.once(key, produce_once_everywhere),
                                          ANSWER_WITHIN_S)
        except TimeoutError:
            # Still running (shielded): WeChat's retry of this id gets its answer, and a
            # service account sends it on as a customer-service message - queued once, by
            # the process whose handler runs (another process only waits for its reply).
            log.warning("mp reply for %s took over %.0fs", key, ANSWER_WITHIN_S)
            running = self.replays.running(key)
            if running is None or self.runtime.config.mp_account_type != "service":
                return render(_BUSY, message)
            if key in self._handling and key not in self._followed:
                self._followed.add(key)
                running.add_done_callback(lambda _: self._followed.discard(key))
                queue_when_ready(str(message.source), running, reply_text)
            return render(_FOLLOWS, message)
        except Exception:
            log.exception("mp handler failed for %s", key)
            return render(_ERROR, message)


def replay_key(fields: dict[str, Any]) -> str:
    """WeChat's retries share the MsgId; events have none: FromUserName+CreateTime."""
    if fields.get("MsgId"):
        return f"msg:{fields['MsgId']}"
    return f"event:{fields.get('FromUserName')}:{fields.get('CreateTime')}"


def reply_text(xml: str) -> str:
    """The text inside a rendered passive reply ("" for none)."""
    if not xml:
        return ""
    content = xmltodict.parse(xml).get("xml", {}).get("Content")
    return content if isinstance(content, str) else ""


def render(reply: Reply, message: BaseMessage) -> str:
    if not reply:
        return ""
    return TextReply(message=message, content=reply).render()
