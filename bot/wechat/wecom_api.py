"""WeCom server API (qyapi) with the corp's access token, shared by every process.

Token (获取access_token, https://developer.work.weixin.qq.com/document/path/91039):
``GET /cgi-bin/gettoken?corpid=&corpsecret=`` → 7200 s. The token lives in the database
(``WeComToken``), one row per corp. A process refreshes it only while holding that row's
lock and only if the row still holds the token it found wanting, so N workers that all see
42001 at once cause one fetch, not N (no refresh storm). An API call rejected with
40001/40014/42001 refreshes once and is tried once more; a second rejection is retryable
later. A wrong corpid/secret (40013/40001 on gettoken) or an IP not allowed (60020) is a
configuration error: permanent, never retried.

The client never retries by itself beyond that one refresh: the delivery worker owns
retries. The token and the secret never appear in logs or error messages.
"""

from __future__ import annotations

import contextlib
import json
import logging
import time
from collections.abc import Callable
from typing import Any

import aiohttp
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from bot.wechat.errors import (
    DeliveryError,
    PermanentDeliveryError,
    RetryableDeliveryError,
    error_for_errcode,
    scrub,
)
from notices.delivery.models import WeComToken

log = logging.getLogger(__name__)

TOKEN_REJECTED = frozenset({40001, 40014, 42001})
REFRESH_MARGIN_S = 300  # refresh five minutes early: no call goes out with a dying token


class TokenRejected(Exception):
    """An API call's token was refused; the caller refreshes once."""


class WeComApi:
    def __init__(self, session: aiohttp.ClientSession, base_url: str, corpid: str,
                 secret: str, *, timeout_s: float = 10.0,
                 clock: Callable[[], float] = time.time) -> None:
        self._session = session
        self._base = base_url.rstrip("/")
        self.corpid = corpid
        self._secret = secret
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)
        self._clock = clock

    def __repr__(self) -> str:
        return f"WeComApi(corpid={self.corpid!r})"

    # -- token -------------------------------------------------------------------------

    async def token(self) -> str:
        row = await WeComToken.get_or_none(account=self.corpid)
        if row is not None and row.token and row.expires_at - REFRESH_MARGIN_S > self._clock():
            return row.token
        return await self._refresh(row.token if row is not None else "")

    async def _refresh(self, unwanted: str) -> str:
        """Fetch a new token unless another process already replaced ``unwanted``."""
        if not await WeComToken.exists(account=self.corpid):
            with contextlib.suppress(IntegrityError):
                await WeComToken.create(account=self.corpid)
        async with in_transaction():
            # The no-op UPDATE takes the row lock (PostgreSQL) / write lock (SQLite): one
            # refresher at a time; the others then read what it stored.
            await WeComToken.filter(account=self.corpid).update(account=self.corpid)
            row = await WeComToken.get(account=self.corpid)
            if row.token and row.token != unwanted and (
                    row.expires_at - REFRESH_MARGIN_S > self._clock()):
                return row.token
            body = await self._http("GET", "/cgi-bin/gettoken", None,
                                    {"corpid": self.corpid, "corpsecret": self._secret},
                                    what="gettoken")
            errcode = int(body.get("errcode", 0) or 0)
            if errcode:
                raise self._token_error(errcode, str(body.get("errmsg", "")))
            token = str(body.get("access_token", ""))
            if not token:
                raise RetryableDeliveryError("企业微信 gettoken 没有返回 access_token")
            await WeComToken.filter(id=row.id).update(
                token=token, expires_at=self._clock() + int(body.get("expires_in", 7200)),
                fetched_count=row.fetched_count + 1)
        log.info("wecom corp %s: access token refreshed", self.corpid)
        return token

    def _token_error(self, errcode: int, errmsg: str) -> DeliveryError:
        errmsg = scrub(errmsg, self._secret)
        if errcode in (40001, 40013, 40091, 60020, 40164, 48001):
            return PermanentDeliveryError(
                f"企业微信 {self.corpid} 取 access_token 被拒：corpid/secret 或 IP 白名单配置有误"
                f"（{errmsg}）", errcode=errcode)
        return error_for_errcode(errcode, errmsg, context="企业微信 gettoken")

    # -- calls -------------------------------------------------------------------------

    async def post(self, path: str, payload: dict[str, Any] | None = None, *,
                   data: aiohttp.FormData | None = None,
                   params: dict[str, str] | None = None) -> dict[str, Any]:
        """POST to ``path`` with the shared token; refresh once if it is refused."""
        token = await self.token()
        try:
            return await self._post_with(token, path, payload, data, params)
        except TokenRejected:
            token = await self._refresh(token)
        try:
            return await self._post_with(token, path, payload, data, params)
        except TokenRejected:
            raise RetryableDeliveryError(f"企业微信 {path}: access_token 刷新后仍被拒") from None

    async def _post_with(self, token: str, path: str, payload: dict[str, Any] | None,
                         data: Any, params: dict[str, str] | None) -> dict[str, Any]:
        body = await self._http("POST", path, payload if data is None else data,
                                {**(params or {}), "access_token": token}, what=path,
                                secret=token)
        errcode = int(body.get("errcode", 0) or 0)
        if errcode in TOKEN_REJECTED:
            raise TokenRejected()
        if errcode:
            raise error_for_errcode(errcode, scrub(str(body.get("errmsg", "")), token),
                                    context=f"企业微信 {path}")
        return body

    async def _http(self, method: str, path: str, body: Any, params: dict[str, str], *,
                    what: str, secret: str = "") -> dict[str, Any]:
        kwargs: dict[str, Any] = {"params": params, "timeout": self._timeout}
        if isinstance(body, dict):
            kwargs["data"] = json.dumps(body, ensure_ascii=False).encode("utf-8")
            kwargs["headers"] = {"Content-Type": "application/json; charset=utf-8"}
        elif body is not None:
            kwargs["data"] = body
        try:
            async with self._session.request(method, self._base + path, **kwargs) as resp:
                status, raw = resp.status, await resp.read()
        except TimeoutError:
            raise RetryableDeliveryError(f"企业微信 {what}: 超时") from None
        except aiohttp.ClientError as exc:
            detail = scrub(scrub(f"{type(exc).__name__}: {exc}", secret), self._secret)
            raise RetryableDeliveryError(f"企业微信 {what}: 网络错误 {detail}") from None
        if status >= 500 or status in (408, 429):
            raise RetryableDeliveryError(f"企业微信 {what}: HTTP {status}")
        if status != 200:
            raise PermanentDeliveryError(f"企业微信 {what}: HTTP {status}")
        try:
            parsed = json.loads(raw)
        except ValueError:
            raise RetryableDeliveryError(f"企业微信 {what}: 返回的不是 JSON") from None
        if not isinstance(parsed, dict):
            raise RetryableDeliveryError(f"企业微信 {what}: 返回的不是 JSON 对象")
        return parsed
