"""Access tokens as the real platforms issue them (pure logic; HTTP lives in ``app``).

Behaviour reproduced, with sources:

* WeCom ``GET /cgi-bin/gettoken?corpid=&corpsecret=`` — 7200 s; a repeat fetch while
  the token is valid returns the *same* token (WeCom caches it). Unknown corpid →
  40013 "invalid corpid", wrong secret → 40001 "invalid credential".
  https://developer.work.weixin.qq.com/document/path/91039
* Official account ``GET /cgi-bin/token?grant_type=client_credential&appid=&secret=`` —
  7200 s, 2000 fetches/day, each fetch replaces the previous token, which stays usable
  for 5 minutes so a central server can roll over ("新老access_token都可用" for 5 min).
  Wrong secret → 40125 "invalid appsecret", unknown appid → 40013 "invalid appid",
  bad grant_type → 40002. https://developers.weixin.qq.com/doc/offiaccount/Basic_Information/Get_access_token.html
* ``POST /cgi-bin/stable_token`` — a token pool isolated from ``/cgi-bin/token``; normal
  mode returns the current token (a new one only in its last 5 minutes), ``force_refresh``
  invalidates the previous one, but not twice within 30 s (it then returns the current).
  https://developers.weixin.qq.com/doc/offiaccount/Basic_Information/getStableAccessToken.html
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

TOKEN_TTL_S = 7200
ROLLOVER_S = 300  # the platform's 5-minute overlap / early refresh
STABLE_FORCE_INTERVAL_S = 30
BEIJING_OFFSET_S = 8 * 3600  # daily quotas reset at midnight China time


@dataclass
class _Token:
    value: str
    owner: str  # corpid or appid
    pool: str  # "wecom" | "token" | "stable"
    expires_at: float
    issued_at: float


class FakeTokens:
    """Token issuing and checking for WeCom corps and official accounts."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self.corp_secrets: dict[str, str] = {}
        self.account_secrets: dict[str, str] = {}
        self._tokens: dict[str, _Token] = {}
        self._current: dict[tuple[str, str], _Token] = {}  # (pool, owner) -> latest
        self._fetches: dict[tuple[str, int], int] = {}  # (appid, day) -> count
        #: Seconds an old /cgi-bin/token token keeps working after a new fetch.
        self.grace_s: float = ROLLOVER_S
        #: /cgi-bin/token fetches allowed per appid per day (the platform's 2000).
        self.daily_limit: int = 2000

    # -- issuing ---------------------------------------------------------------

    def wecom_gettoken(self, corpid: str, corpsecret: str) -> dict[str, Any]:
        if corpid not in self.corp_secrets:
            return _error(40013, "invalid corpid")
        if corpsecret != self.corp_secrets[corpid]:
            return _error(40001, "invalid credential")
        now = self._clock()
        current = self._current.get(("wecom", corpid))
        if current is None or current.expires_at <= now:
            current = self._issue("wecom", corpid, now)
        return {"errcode": 0, "errmsg": "ok", **_grant(current, now)}

    def official_token(self, grant_type: str, appid: str, secret: str) -> dict[str, Any]:
        if grant_type != "client_credential":
            return _error(40002, "invalid grant_type")
        checked = self._check_account(appid, secret)
        if checked:
            return checked
        now = self._clock()
        day = (appid, int((now + BEIJING_OFFSET_S) // 86400))
        if self._fetches.get(day, 0) >= self.daily_limit:
            return _error(45009, "reach max api daily quota limit")
        self._fetches[day] = self._fetches.get(day, 0) + 1
        previous = self._current.get(("token", appid))
        if previous is not None:
            previous.expires_at = min(previous.expires_at, now + self.grace_s)
        return _grant(self._issue("token", appid, now), now)

    def stable_token(self, body: dict[str, Any]) -> dict[str, Any]:
        if body.get("grant_type") != "client_credential":
            return _error(40002, "invalid grant_type")
        appid, secret = str(body.get("appid", "")), str(body.get("secret", ""))
        checked = self._check_account(appid, secret)
        if checked:
            return checked
        now = self._clock()
        current = self._current.get(("stable", appid))
        if body.get("force_refresh") is True:
            if current is not None and now - current.issued_at < STABLE_FORCE_INTERVAL_S:
                return _grant(current, now)
            if current is not None:
                current.expires_at = now  # forced refresh invalidates at once
            return _grant(self._issue("stable", appid, now), now)
        if current is None or current.expires_at - now <= ROLLOVER_S:
            # In the last 5 minutes the platform hands out the next token early; the
            # old one still lives until its own expiry.
            current = self._issue("stable", appid, now)
        return _grant(current, now)

    # -- checking --------------------------------------------------------------

    def check(self, access_token: str) -> int:
        """0 if usable, else the errcode an API call with this token would get."""
        if not access_token:
            return 41001
        token = self._tokens.get(access_token)
        if token is None:
            return 40001  # "invalid credential, access_token is invalid or not latest"
        if token.expires_at <= self._clock():
            # A token replaced by a newer fetch is "not latest" (40001); one that simply
            # ran out its 7200 s is "expired" (42001).
            replaced = self._current.get((token.pool, token.owner)) is not token
            return 40001 if replaced else 42001
        return 0

    def fetches_today(self, appid: str) -> int:
        day = int((self._clock() + BEIJING_OFFSET_S) // 86400)
        return self._fetches.get((appid, day), 0)

    def _check_account(self, appid: str, secret: str) -> dict[str, Any] | None:
        if appid not in self.account_secrets:
            return _error(40013, "invalid appid")
        if secret != self.account_secrets[appid]:
            return _error(40125, "invalid appsecret")
        return None

    def _issue(self, pool: str, owner: str, now: float) -> _Token:
        token = _Token(
            value=secrets.token_urlsafe(48),
            owner=owner,
            pool=pool,
            expires_at=now + TOKEN_TTL_S,
            issued_at=now,
        )
        self._tokens[token.value] = token
        self._current[(pool, owner)] = token
        return token


def _grant(token: _Token, now: float) -> dict[str, Any]:
    return {"access_token": token.value, "expires_in": max(0, int(token.expires_at - now))}


def _error(errcode: int, errmsg: str) -> dict[str, Any]:
    # The errmsg suffix (rid / hint) is added by the HTTP layer, as the platforms do.
    return {"errcode": errcode, "errmsg": errmsg}
