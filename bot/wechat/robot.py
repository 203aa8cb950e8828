"""WeCom group-robot client (企业微信群机器人), ours because wechatpy has none.

API: 群机器人配置说明 https://developer.work.weixin.qq.com/document/path/91770

* ``POST /cgi-bin/webhook/send?key=KEY`` with ``{"msgtype": ..., ...}``; the answer is
  always HTTP 200 with ``{"errcode": int, "errmsg": str}``.
* text content ≤ 2048 bytes, markdown content ≤ 4096 bytes, both UTF-8
  (over-long markdown → 40058 "markdown.content exceed max length 4096").
* image: ``{"base64": ..., "md5": md5 of the raw bytes}``, raw image ≤ 2 MB, JPG/PNG.
* file: ``{"media_id": ...}`` from ``POST /cgi-bin/webhook/upload_media?key=KEY&type=file``,
  multipart field ``media`` whose Content-Disposition carries ``filename`` and
  ``filelength``; 5 B < size ≤ 20 MB; the media_id is valid for 3 days.
* at most 20 messages per minute per robot (→ 45009).

The webhook key *is* the credential: anyone holding it can post to the village
group. It therefore never appears in our exceptions or logs (see ``errors.redact``).
The client never retries: the delivery worker owns retries and rate limiting.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
from typing import Any

import aiohttp

from bot.wechat.errors import (
    DeliveryError,
    PayloadTooLarge,
    PermanentDeliveryError,
    RetryableDeliveryError,
    error_for_errcode,
    redact,
    scrub,
)

log = logging.getLogger(__name__)

TEXT_LIMIT_BYTES = 2048
MARKDOWN_LIMIT_BYTES = 4096
IMAGE_LIMIT_BYTES = 2 * 1024 * 1024
FILE_MIN_BYTES = 5
FILE_MAX_BYTES = 20 * 1024 * 1024


class WeComRobotClient:
    """Sends to WeCom group robots. One instance per process; the session is shared."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        base_url: str = "https://qyapi.weixin.qq.com",
        timeout_s: float = 10.0,
    ) -> None:
        self._session = session
        self._base_url = base_url.rstrip("/")
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)

    def __repr__(self) -> str:
        return f"WeComRobotClient(base_url={self._base_url!r})"

    async def send_text(self, key: str, content: str) -> None:
        _check_size(content, TEXT_LIMIT_BYTES, "text", key)
        await self._send(key, {"msgtype": "text", "text": {"content": content}})

    async def send_markdown(self, key: str, content: str) -> None:
        _check_size(content, MARKDOWN_LIMIT_BYTES, "markdown", key)
        await self._send(key, {"msgtype": "markdown", "markdown": {"content": content}})

    async def send_image(self, key: str, png: bytes) -> None:
        if len(png) > IMAGE_LIMIT_BYTES:
            raise PayloadTooLarge(
                f"robot {redact(key)}: image is {len(png)} bytes, limit {IMAGE_LIMIT_BYTES}"
            )
        image = {
            "base64": base64.b64encode(png).decode("ascii"),
            # md5 here is the platform's integrity check of the payload, not security.
            "md5": hashlib.md5(png, usedforsecurity=False).hexdigest(),
        }
        await self._send(key, {"msgtype": "image", "image": image})

    async def send_file(self, key: str, media_id: str) -> None:
        await self._send(key, {"msgtype": "file", "file": {"media_id": media_id}})

    async def upload_file(self, key: str, filename: str, data: bytes) -> str:
        """Upload ``data`` as a temporary file for this robot; returns the media_id (3 days)."""
        # Checked locally so a village's slow uplink never carries 20 MB only to be refused.
        if len(data) > FILE_MAX_BYTES:
            raise PayloadTooLarge(
                f"robot {redact(key)}: file is {len(data)} bytes, limit {FILE_MAX_BYTES}"
            )
        if len(data) < FILE_MIN_BYTES:
            raise PermanentDeliveryError(
                f"robot {redact(key)}: file is {len(data)} bytes, minimum {FILE_MIN_BYTES}"
            )
        writer = aiohttp.MultipartWriter("form-data")
        part = writer.append(data, {"Content-Type": "application/octet-stream"})
        # quote_fields=False sends the UTF-8 filename as is (what browsers do), so a
        # Chinese filename shows in the group instead of its percent-encoding.
        part.set_content_disposition(
            "form-data",
            quote_fields=False,
            name="media",
            filename=_safe_filename(filename),
            filelength=str(len(data)),
        )
        body = await self._call(key, "upload_media", {"type": "file"}, data=writer)
        media_id = body.get("media_id")
        if not isinstance(media_id, str) or not media_id:
            raise RetryableDeliveryError(f"robot {redact(key)}: upload_media gave no media_id")
        return media_id

    async def _send(self, key: str, payload: dict[str, Any]) -> None:
        await self._call(
            key,
            "send",
            {},
            data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
            headers={"Content-Type": "application/json; charset=utf-8"},
        )
        log.debug("robot %s: %s delivered", redact(key), payload["msgtype"])

    async def _call(
        self, key: str, endpoint: str, params: dict[str, str], **request: Any
    ) -> dict[str, Any]:
        """POST to ``/cgi-bin/webhook/{endpoint}``; return the JSON body when errcode is 0."""
        what = f"robot {redact(key)}: {endpoint}"
        url = f"{self._base_url}/cgi-bin/webhook/{endpoint}"
        try:
            async with self._session.post(
                url, params={"key": key, **params}, timeout=self._timeout, **request
            ) as resp:
                status = resp.status
                raw = await resp.read()
        except TimeoutError:
            raise _logged(RetryableDeliveryError(f"{what}: timed out")) from None
        except aiohttp.ClientError as exc:
            # ``from None``: aiohttp exceptions may quote the URL, and with it the key;
            # a chained traceback would print it. We keep a scrubbed summary instead.
            detail = scrub(f"{type(exc).__name__}: {exc}", key)
            raise _logged(RetryableDeliveryError(f"{what}: network error {detail}")) from None
        if status >= 500 or status in (408, 429):
            raise _logged(RetryableDeliveryError(f"{what}: HTTP {status}"))
        if status != 200:
            raise _logged(PermanentDeliveryError(f"{what}: HTTP {status}"))
        try:
            body = json.loads(raw)
            errcode = int(body.get("errcode", 0))
        except (ValueError, TypeError, AttributeError):
            # A 200 that is not the platform's JSON is a proxy or gateway page: transient.
            raise _logged(RetryableDeliveryError(f"{what}: response is not JSON")) from None
        if errcode != 0:
            errmsg = scrub(str(body.get("errmsg", "")), key)
            raise _logged(error_for_errcode(errcode, errmsg, context=what))
        return body


def _logged(exc: DeliveryError) -> DeliveryError:
    # Warning, not error: the worker decides whether this is final and logs that.
    log.warning("%r", exc)
    return exc


def _check_size(content: str, limit: int, kind: str, key: str) -> None:
    size = len(content.encode("utf-8"))
    if size > limit:
        raise PayloadTooLarge(
            f"robot {redact(key)}: {kind} content is {size} bytes, limit {limit}; split it"
        )


def _safe_filename(filename: str) -> str:
    # CR/LF/NUL would break (or inject into) the multipart headers.
    cleaned = "".join(ch for ch in filename if ch not in "\r\n\0")
    return cleaned or "file"
