"""Official-account (公众号) API client: wechatpy's ``WeChatClient`` in a thread pool.

wechatpy 2.0.0a26 is synchronous (``requests``), so every call runs in a small dedicated
pool, never on the event loop, with ``auto_retry=False`` and a timeout on every request.
Our own policy replaces wechatpy's retry:

* the token comes from ``POST /cgi-bin/stable_token`` (wechatpy's ``fetch_access_token``
  hard-codes ``/cgi-bin/token`` with no timeout, and each fetch there invalidates every
  other process's token); all processes share the stable token without a refresh storm;
* a call answered 40001 / 40014 / 42001 fetches a token with ``force_refresh`` *once* and
  is repeated once;
* failures are sorted into retryable / permanent (``bot.wechat.errors``); 45009 (daily API
  quota) and 45028 (no mass-send quota left) wait for the next day in China;
* 45065 "clientmsgid exist" is the platform saying "already sent": its ``msg_id`` is the
  first send's, so it counts as success.
"""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any, TypeVar

import requests
from wechatpy import WeChatClient
from wechatpy.exceptions import WeChatClientException

from bot.wechat.errors import (
    DeliveryError,
    PermanentDeliveryError,
    RetryableDeliveryError,
    WeChatErrcode,
)
from notices.clock import CHINA

log = logging.getLogger("cunwu.mp_client")
T = TypeVar("T")

TOKEN_ERRCODES = frozenset({40001, 40014, 42001})
DAILY_QUOTA_ERRCODES = frozenset({45009, 45028})   # API daily quota / mass-send quota
CLIENTMSGID_EXISTS = 45065
RETRYABLE = frozenset({-1, 45011, 45066})           # busy, per-minute quota, repeat too fast
MASS_SEND_TO_ALL: dict[str, Any] = {"tag_or_users": None, "is_to_all": True}


def seconds_to_next_china_day(now: datetime | None = None) -> float:
    """Daily quotas reset at midnight Beijing time; a minute after it is safe."""
    now = now or datetime.now(CHINA)
    local = now.astimezone(CHINA)
    midnight = datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), CHINA)
    return (midnight - local).total_seconds() + 60


class _StableTokenClient(WeChatClient):
    """wechatpy's client pointed at ``api_base`` and fetching the stable token."""

    def __init__(self, appid: str, secret: str, api_base: str, timeout_s: float) -> None:
        super().__init__(appid, secret, timeout=timeout_s, auto_retry=False)
        self.API_BASE_URL = f"{api_base.rstrip('/')}/cgi-bin/"
        self.force_next = False

    def fetch_access_token(self) -> dict[str, Any]:
        body = {"grant_type": "client_credential", "appid": self.appid, "secret": self.secret,
                "force_refresh": self.force_next}
        res = self._http.post(self.API_BASE_URL + "stable_token", json=body, timeout=self.timeout)
        res.raise_for_status()
        result = res.json()
        if result.get("errcode"):
            raise WeChatClientException(result["errcode"], result.get("errmsg", ""),
                                        client=self, request=res.request, response=res)
        self.force_next = False
        self.session.set(self.access_token_key, result["access_token"], result["expires_in"])
        self.expires_at = int(datetime.now().timestamp()) + int(result["expires_in"])
        return result


class OfficialAccountClient:
    """Async face of the official-account API. One per process."""

    def __init__(self, appid: str, secret: str, api_base: str = "https://api.weixin.qq.com",
                 timeout_s: float = 10.0, max_workers: int = 4) -> None:
        self._client = _StableTokenClient(appid, secret, api_base, timeout_s)
        self._pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="mp-api")
        self.token_refreshes = 0

    def __repr__(self) -> str:
        return f"OfficialAccountClient(appid={self._client.appid!r})"  # never the secret

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    async def _call(self, what: str, fn: Callable[[WeChatClient], T]) -> T:
        loop = asyncio.get_running_loop()
        for attempt in (1, 2):
            try:
                return await loop.run_in_executor(self._pool, fn, self._client)
            except WeChatClientException as exc:
                if exc.errcode in TOKEN_ERRCODES and attempt == 1:
                    # One refresh, then one repeat: never a refresh storm.
                    self.token_refreshes += 1
                    self._client.force_next = True
                    self._client.session.delete(self._client.access_token_key)
                    continue
                raise _sorted(what, exc) from None
            except requests.Timeout:
                raise RetryableDeliveryError(f"{what}: 超时") from None
            except requests.RequestException as exc:
                raise RetryableDeliveryError(f"{what}: 网络错误 {type(exc).__name__}") from None
        raise AssertionError("unreachable")

    # -- the calls we use ------------------------------------------------------------------
    async def upload_image(self, data: bytes, filename: str = "cover.png") -> str:
        def call(c: WeChatClient) -> str:
            return str(c.material.add("image", (filename, io.BytesIO(data)))["media_id"])
        return await self._call("上传图片素材", call)

    async def add_draft(self, articles: list[dict[str, Any]]) -> str:
        return await self._call("新建草稿", lambda c: str(c.draft.add(articles)["media_id"]))

    async def draft_exists(self, media_id: str) -> bool:
        try:
            await self._call("查询草稿", lambda c: c.draft.get(media_id))
        except PermanentDeliveryError as exc:
            if exc.errcode == WeChatErrcode.INVALID_MEDIA_ID:
                return False
            raise
        return True

    async def mass_send_article(self, media_id: str, clientmsgid: str) -> str:
        """Send the draft to every follower; the msg_id (also when already sent)."""
        def call(c: WeChatClient) -> str:
            return str(c.message.send_mass_article(media_id, client_msg_id=clientmsgid,
                                                   **MASS_SEND_TO_ALL)["msg_id"])
        try:
            return await self._call("群发", call)
        except _AlreadySent as done:
            log.info("mass send %s was already accepted as msg_id %s", clientmsgid, done.msg_id)
            return done.msg_id

    async def mass_status(self, msg_id: str) -> dict[str, Any]:
        return await self._call("查询群发", lambda c: dict(c.message.get_mass(msg_id)))

    async def publish(self, media_id: str) -> str:
        return await self._call("发布", lambda c: str(c.freepublish.submit(media_id)["publish_id"]))

    async def publish_status(self, publish_id: str) -> dict[str, Any]:
        return await self._call("查询发布", lambda c: dict(c.freepublish.get(publish_id)))

    async def send_text(self, openid: str, text: str) -> None:
        await self._call("客服消息", lambda c: c.message.send_text(openid, text))

    async def create_menu(self, menu: dict[str, Any]) -> None:
        await self._call("创建菜单", lambda c: c.menu.create(menu))

    async def get_menu(self) -> dict[str, Any] | None:
        """The current menu, or None (wechatpy turns 46003 "menu no exist" into None)."""
        return await self._call("查询菜单", lambda c: c.menu.get())


class _AlreadySent(DeliveryError):
    def __init__(self, msg_id: str) -> None:
        super().__init__(f"clientmsgid 已使用，msg_id {msg_id}", errcode=CLIENTMSGID_EXISTS)
        self.msg_id = msg_id


def _sorted(what: str, exc: WeChatClientException) -> DeliveryError:
    errcode = exc.errcode
    if errcode is None:   # HTTP error status (a gateway's 5xx page): the platform is down
        status = getattr(exc.response, "status_code", "?")
        return RetryableDeliveryError(f"{what}: HTTP {status}")
    errcode = int(errcode)
    message = f"{what}: {str(exc.errmsg)[:200]}"
    if errcode == CLIENTMSGID_EXISTS:
        try:
            return _AlreadySent(str(exc.response.json()["msg_id"]))
        except (ValueError, KeyError, AttributeError):
            return PermanentDeliveryError(message, errcode=errcode)
    if errcode in DAILY_QUOTA_ERRCODES:
        return RetryableDeliveryError(message, errcode=errcode,
                                      retry_after_s=seconds_to_next_china_day())
    if errcode in RETRYABLE or errcode in TOKEN_ERRCODES:   # a token still bad after one refresh
        return RetryableDeliveryError(message, errcode=errcode)
    # Configuration (40164 IP whitelist, 48001 unauthorised, 40125 secret) and content
    # (45002/45003 sizes, 40007 media) errors: retrying cannot help.
    return PermanentDeliveryError(message, errcode=errcode)
