"""What the fake official account (公众号) holds: material, drafts, publications, mass sends,
customer-service messages and the menu, with the platform's quotas.

Rules reproduced (official docs, 群发接口 / 草稿箱 / 发布能力 / 客服消息 / 自定义菜单):

* mass send: a subscription account may send to all followers once per day; a service
  account once per day and 4 times per natural month (用户每月只能接收4条); over quota →
  45028 "has no masssend quota". ``clientmsgid`` (≤ 64 bytes, else 45067) makes a repeat
  within 24 h answer 45065 "clientmsgid exist" *with the first send's msg_id*, and
  nothing is sent twice.
* freepublish: ``submit`` takes a draft and returns a ``publish_id``; the draft leaves the
  draft box; ``get`` reports ``publish_status`` 0 with the article id and url.
* custom send: only to a follower who wrote in the last 48 h (45015 "response out of time
  limit") and at most 5 messages per user message (45047 "out of response count limit").
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

CHINA = timezone(timedelta(hours=8))
CLIENTMSGID_MAX_BYTES = 64
CLIENTMSGID_WINDOW_S = 24 * 3600
CUSTOM_WINDOW_S = 48 * 3600
CUSTOM_PER_USER_MESSAGE = 5
SERVICE_MONTHLY_MASS = 4


@dataclass
class Draft:
    media_id: str
    articles: list[dict[str, Any]]
    created_at: float


@dataclass
class Publication:
    """A draft that went out: by freepublish (article list) or mass send (pushed)."""

    seq: int
    how: str  # "publish" | "mass"
    articles: list[dict[str, Any]]
    at: float
    publish_id: str = ""
    msg_id: int = 0
    article_id: str = ""
    clientmsgid: str = ""
    recipients: int = 0


@dataclass
class CustomMessage:
    openid: str
    msgtype: str
    body: dict[str, Any]
    at: float


@dataclass
class FakeOfficialAccount:
    """One official account. ``account_type`` decides the mass-send quota."""

    clock: Callable[[], float]
    account_type: str = "subscription"  # or "service"
    followers: set[str] = field(default_factory=set)
    images: dict[str, bytes] = field(default_factory=dict)      # permanent image material
    drafts: dict[str, Draft] = field(default_factory=dict)
    publications: list[Publication] = field(default_factory=list)
    custom: list[CustomMessage] = field(default_factory=list)
    menu: dict[str, Any] | None = None
    #: openid → (time of their last message, custom messages sent since)
    _last_wrote: dict[str, tuple[float, int]] = field(default_factory=dict)
    _seq: int = 0

    # -- material and drafts -------------------------------------------------------------
    def add_image(self, data: bytes) -> str:
        media_id = "img_" + secrets.token_urlsafe(24)
        self.images[media_id] = data
        return media_id

    def add_draft(self, articles: list[dict[str, Any]]) -> str:
        media_id = "draft_" + secrets.token_urlsafe(24)
        self.drafts[media_id] = Draft(media_id, articles, self.clock())
        return media_id

    # -- publishing ----------------------------------------------------------------------
    def publish(self, draft: Draft) -> Publication:
        self.drafts.pop(draft.media_id, None)  # a published draft leaves the draft box
        pub = self._record("publish", draft.articles)
        pub.publish_id = str(2_247_000_000 + pub.seq)
        pub.article_id = "art_" + secrets.token_urlsafe(18)
        return pub

    def by_publish_id(self, publish_id: str) -> Publication | None:
        return next((p for p in self.publications if p.publish_id == publish_id), None)

    def earlier_mass(self, clientmsgid: str) -> Publication | None:
        cutoff = self.clock() - CLIENTMSGID_WINDOW_S
        return next((p for p in self.publications if p.how == "mass" and p.clientmsgid
                     and p.clientmsgid == clientmsgid and p.at > cutoff), None)

    def mass_quota_left(self) -> bool:
        now = datetime.fromtimestamp(self.clock(), CHINA)
        masses = [datetime.fromtimestamp(p.at, CHINA) for p in self.publications
                  if p.how == "mass"]
        if any(d.date() == now.date() for d in masses):
            return False  # 1 per day for both kinds (is_to_all)
        if self.account_type == "service":
            month = [d for d in masses if (d.year, d.month) == (now.year, now.month)]
            return len(month) < SERVICE_MONTHLY_MASS
        return True

    def mass_send(self, draft: Draft, clientmsgid: str) -> Publication:
        pub = self._record("mass", draft.articles)
        pub.msg_id = 1_000_000_000 + pub.seq
        pub.clientmsgid = clientmsgid
        pub.recipients = len(self.followers)
        return pub

    def _record(self, how: str, articles: list[dict[str, Any]]) -> Publication:
        self._seq += 1
        pub = Publication(seq=self._seq, how=how, articles=articles, at=self.clock())
        self.publications.append(pub)
        return pub

    # -- customer service ----------------------------------------------------------------
    def user_wrote(self, openid: str) -> None:
        """A follower sent a message: opens their 48-hour customer-service window."""
        self.followers.add(openid)
        self._last_wrote[openid] = (self.clock(), 0)

    def custom_send_errcode(self, openid: str) -> int:
        wrote = self._last_wrote.get(openid)
        if wrote is None or self.clock() - wrote[0] > CUSTOM_WINDOW_S:
            return 45015
        if wrote[1] >= CUSTOM_PER_USER_MESSAGE:
            return 45047
        return 0

    def record_custom(self, openid: str, msgtype: str, body: dict[str, Any]) -> None:
        at, count = self._last_wrote[openid]
        self._last_wrote[openid] = (at, count + 1)
        self.custom.append(CustomMessage(openid, msgtype, body, self.clock()))
