"""Delivery errors and the one table of WeChat / WeCom errcodes we act on.

Modelled on GOV.UK Notify's provider clients: every failure a channel client
raises is a ``DeliveryError`` already sorted into *retryable* (the delivery
worker schedules another attempt) or *permanent* (the row fails and a human
has to fix configuration or content). Clients never retry by themselves.

Secrets (robot webhook keys, access tokens) must never reach these messages:
callers build them with :func:`redact` and :func:`scrub`.
"""

from __future__ import annotations

from enum import IntEnum
from urllib.parse import quote


class WeChatErrcode(IntEnum):
    """The platform errcodes this code base handles explicitly.

    Sources (checked when this table was written):

    * WeCom global error codes: https://developer.work.weixin.qq.com/document/path/90313
    * WeCom group robot (群机器人配置说明): https://developer.work.weixin.qq.com/document/path/91770
    * Official-account global codes, as mirrored in ``wechatpy.constants.WeChatErrorCode``
      (wechatpy 2.0.0a26), and getStableAccessToken:
      https://developers.weixin.qq.com/doc/offiaccount/Basic_Information/getStableAccessToken.html
    * Real robot responses quoted in public issue trackers, e.g.
      ``{"errcode":40058,"errmsg":"markdown.content exceed max length 4096. invalid Request
      Parameter, hint: [...], from ip: ..., more info at
      https://open.work.weixin.qq.com/devtool/query?e=40058"}`` (dromara/domain-admin#82),
      ``93000 invalid webhook url`` (wes-lin/Cloud189Checkin#175),
      ``45009 api freq out of limit`` (WecomTeam/wecom-openclaw-plugin#48),
      ``301019 media md5 not match`` (lenye/pmsg#2).
    """

    SYSTEM_BUSY = -1  # 系统繁忙: retry, at most a few times
    OK = 0
    INVALID_CREDENTIAL = 40001  # bad secret on a token fetch; bad/stale token on other calls
    INVALID_GRANT_TYPE = 40002
    INVALID_USERID = 40003  # WeCom: the sender userid is not a member
    INVALID_FILE_SIZE = 40006  # upload outside 5 B..20 MB
    INVALID_MEDIA_ID = 40007  # unknown or expired (3 days) media_id
    INVALID_MESSAGE_TYPE = 40008  # unknown msgtype
    INVALID_IMAGE_SIZE = 40009  # robot image > 2 MB
    INVALID_APPID = 40013  # also "invalid corpid" on WeCom
    INVALID_ACCESS_TOKEN = 40014
    INVALID_PARAMETER = 40058  # robot: "markdown.content exceed max length 4096" etc.
    INVALID_APPSECRET = 40125  # official account: wrong AppSecret
    IP_NOT_WHITELISTED = 40164  # official account: caller IP not in the whitelist
    ACCESS_TOKEN_MISSING = 41001
    ACCESS_TOKEN_EXPIRED = 42001
    EMPTY_MEDIA_DATA = 44001  # upload with an empty file
    EMPTY_CONTENT = 44004  # text/markdown content empty
    API_FREQ_OUT_OF_LIMIT = 45009  # robot: > 20 msg/min; token: > 2000 fetches/day
    API_MINUTE_QUOTA = 45011  # official account per-minute quota
    DATA_FORMAT_ERROR = 47001  # body is not parseable JSON
    API_UNAUTHORIZED = 48001
    GROUPMSG_DISPATCHING = 41063  # 群发消息正在被派发中，请稍后再试: poll again later
    WECOM_IP_NOT_ALLOWED = 60020  # WeCom's counterpart of 40164
    INVALID_WEBHOOK_URL = 93000  # robot key unknown or robot removed from the group
    MEDIA_MD5_MISMATCH = 301019  # robot image md5 does not match the base64 payload


#: Codes worth another attempt later (design §4: network, 5xx, -1, rate limits,
#: an expired token once — the worker bounds the attempts).
RETRYABLE_ERRCODES: frozenset[int] = frozenset(
    {
        WeChatErrcode.SYSTEM_BUSY,
        WeChatErrcode.API_FREQ_OUT_OF_LIMIT,
        WeChatErrcode.API_MINUTE_QUOTA,
        WeChatErrcode.ACCESS_TOKEN_EXPIRED,
        WeChatErrcode.INVALID_ACCESS_TOKEN,
        WeChatErrcode.GROUPMSG_DISPATCHING,
    }
)

#: The robot window is "20 messages per minute", so a full minute always clears it.
ROBOT_RATE_WINDOW_S = 60.0


def redact(secret: str) -> str:
    """Loggable stand-in for a secret: enough to tell two robots apart, not to use one."""
    if len(secret) < 12:  # short secrets: even 4 characters would be a large share
        return "…"
    return secret[:4] + "…"


def scrub(text: str, secret: str) -> str:
    """Remove ``secret`` (raw and URL-quoted) from arbitrary text such as a library's
    exception message, which may quote the request URL and therefore the key."""
    if not secret:
        return text
    for form in {secret, quote(secret, safe="")}:
        text = text.replace(form, redact(secret))
    return text


class DeliveryError(Exception):
    """A channel could not take a message. ``message`` is safe to log and store."""

    retryable: bool = False

    def __init__(self, message: str, *, errcode: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errcode = errcode

    def __str__(self) -> str:
        if self.errcode is None:
            return self.message
        return f"{self.message} (errcode {self.errcode})"

    def __repr__(self) -> str:
        return f"{type(self).__name__}(errcode={self.errcode!r}, message={self.message!r})"


class RetryableDeliveryError(DeliveryError):
    """Transient: network error, timeout, HTTP 5xx, errcode -1, rate limit."""

    retryable = True

    def __init__(
        self, message: str, *, errcode: int | None = None, retry_after_s: float | None = None
    ) -> None:
        super().__init__(message, errcode=errcode)
        # A hint, not a promise: the worker still applies its own backoff and caps.
        self.retry_after_s = retry_after_s


class PermanentDeliveryError(DeliveryError):
    """Retrying cannot help: bad key, IP whitelist, unauthorized API, bad content."""

    retryable = False


class PayloadTooLarge(PermanentDeliveryError):
    """Content over the platform limit. The caller splits (see ``split_markdown``)."""


class MediaExpiredError(PermanentDeliveryError):
    """media_id unknown or older than 3 days (40007). The caller re-uploads and resends;
    resending the same media_id would fail again, hence permanent."""


def error_for_errcode(errcode: int, errmsg: str, *, context: str) -> DeliveryError:
    """Sort a non-zero platform errcode into our hierarchy.

    ``context`` says what was attempted (already redacted); ``errmsg`` must be scrubbed.
    Unknown codes are permanent: a human looks at them instead of a retry storm.
    """
    message = f"{context}: {errmsg}"
    if errcode == WeChatErrcode.API_FREQ_OUT_OF_LIMIT:
        return RetryableDeliveryError(message, errcode=errcode, retry_after_s=ROBOT_RATE_WINDOW_S)
    if errcode in RETRYABLE_ERRCODES:
        return RetryableDeliveryError(message, errcode=errcode)
    if errcode == WeChatErrcode.INVALID_MEDIA_ID:
        return MediaExpiredError(message, errcode=errcode)
    if errcode == WeChatErrcode.INVALID_IMAGE_SIZE or (
        # 40058 is a generic "invalid parameter"; only its length variant is splittable.
        errcode == WeChatErrcode.INVALID_PARAMETER and "exceed max length" in errmsg
    ):
        return PayloadTooLarge(message, errcode=errcode)
    return PermanentDeliveryError(message, errcode=errcode)
