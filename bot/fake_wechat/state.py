"""What the fake WeChat server knows: robots, what they received, media, tokens, faults.

Everything that depends on time reads ``state.clock`` so tests can move time forward
(the 20/min robot window, 3-day media expiry, 7200 s tokens) without sleeping.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.fake_wechat.customer_groups import FakeCustomerGroups
from bot.fake_wechat.mp_state import FakeOfficialAccount
from bot.fake_wechat.tokens import FakeTokens

ROBOT_RATE_LIMIT = 20  # messages per robot per window (群机器人: "20条/分钟")
ROBOT_RATE_WINDOW_S = 60.0
MEDIA_TTL_S = 3 * 86400  # upload_media: "media_id 仅三天内有效"

#: A scripted failure: a platform errcode (-1, 45009, 40001 ...), an HTTP status
#: (500..599), or "timeout" (the server stalls past any sane client timeout).
Fault = int | str


@dataclass(frozen=True)
class ReceivedMessage:
    """One message a robot accepted, as the group members would see it."""

    seq: int  # global arrival order, also the id used by the dev page
    key: str
    msgtype: str  # text | markdown | image | news | file
    content: str  # text/markdown body; news: titles; file: filename; image: ""
    timestamp: float  # state.clock() at arrival
    filename: str | None = None  # file messages
    data: bytes | None = None  # file or image bytes
    media_id: str | None = None
    raw_json: str = ""  # the request body as received (mentions, news articles ...)

    @property
    def size(self) -> int:
        return len(self.data) if self.data is not None else 0


@dataclass(frozen=True)
class StoredMedia:
    media_id: str
    key: str  # a robot can only send media it uploaded itself
    filename: str
    data: bytes
    created_at: float


class FakeWeChatState:
    """Mutable server state. Not thread-safe: it lives on one event loop."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock: Callable[[], float] = clock
        #: Added to every API request before it is answered (a slow network).
        self.delay_seconds: float = 0.0
        #: How long a "timeout" fault stalls. The handler also stops once the client
        #: has hung up, so tests with a short client timeout finish quickly.
        self.timeout_sleep_s: float = 30.0
        self._robots: dict[str, str] = {}
        #: In the demo, where robots come from: the key's name, or None for a stranger.
        #: Asked for a key not yet known, so a robot registered while the server runs
        #: (`cunwu robot add` in another process) exists as soon as it is first used.
        self.robot_source: Callable[[str], Awaitable[str | None]] | None = None
        self._messages: dict[str, list[ReceivedMessage]] = {}
        self._sent_at: dict[str, deque[float]] = {}
        self._media: dict[str, StoredMedia] = {}
        self._faults: deque[Fault] = deque()
        self._seq = 0
        # The lambda keeps tokens on the *current* clock when a test swaps it.
        self.tokens = FakeTokens(lambda: self.clock())
        #: The official account: material, drafts, publications, mass sends, menu.
        self.mp = FakeOfficialAccount(lambda: self.clock())
        #: Where the platform pushes job events (MASSSENDJOBFINISH ...), signed with
        #: this token; empty: events are not pushed.
        self.mp_events_url: str = ""
        self.mp_events_token: str = ""
        #: (EncodingAESKey, AppID) when the account is in safe/compatible mode: events are
        #: then posted encrypted, as the platform does; None: plaintext mode.
        self.mp_events_aes: tuple[str, str] | None = None
        self.background: set[asyncio.Task[None]] = set()
        self.groups = FakeCustomerGroups(lambda: self.clock())

    # -- robots ----------------------------------------------------------------

    def add_robot(self, key: str, name: str) -> None:
        self._robots[key] = name
        self._messages.setdefault(key, [])
        self._sent_at.setdefault(key, deque())

    def robots(self) -> dict[str, str]:
        return dict(self._robots)

    def has_robot(self, key: str) -> bool:
        return key in self._robots

    async def knows_robot(self, key: str) -> bool:
        """``has_robot``, after asking ``robot_source`` about a key not seen yet."""
        if key in self._robots:
            return True
        name = await self.robot_source(key) if self.robot_source and key else None
        if name is None:
            return False
        self.add_robot(key, name)
        return True

    def messages(self, key: str) -> list[ReceivedMessage]:
        return list(self._messages.get(key, ()))

    def rate_limited(self, key: str) -> bool:
        """True when ``key`` already had 20 accepted messages in the last 60 s."""
        sent = self._sent_at[key]
        cutoff = self.clock() - ROBOT_RATE_WINDOW_S
        while sent and sent[0] <= cutoff:
            sent.popleft()
        return len(sent) >= ROBOT_RATE_LIMIT

    def record(
        self,
        key: str,
        msgtype: str,
        content: str,
        *,
        raw_json: str,
        filename: str | None = None,
        data: bytes | None = None,
        media_id: str | None = None,
    ) -> ReceivedMessage:
        now = self.clock()
        self._seq += 1
        message = ReceivedMessage(
            seq=self._seq,
            key=key,
            msgtype=msgtype,
            content=content,
            timestamp=now,
            filename=filename,
            data=data,
            media_id=media_id,
            raw_json=raw_json,
        )
        self._messages[key].append(message)
        self._sent_at[key].append(now)
        return message

    def message_by_seq(self, seq: int) -> ReceivedMessage | None:
        for messages in self._messages.values():
            for message in messages:
                if message.seq == seq:
                    return message
        return None

    # -- media -----------------------------------------------------------------

    def store_media(self, key: str, filename: str, data: bytes) -> StoredMedia:
        media = StoredMedia(
            # Real ids are long opaque strings; the prefix only helps reading test output.
            media_id="3" + secrets.token_urlsafe(36),
            key=key,
            filename=filename,
            data=data,
            created_at=self.clock(),
        )
        self._media[media.media_id] = media
        return media

    def usable_media(self, key: str, media_id: str) -> StoredMedia | None:
        """The media if ``key`` uploaded it less than 3 days ago, else None (→ 40007)."""
        media = self._media.get(media_id)
        if media is None or media.key != key:
            return None
        if self.clock() - media.created_at >= MEDIA_TTL_S:
            return None
        return media

    def media(self, media_id: str) -> StoredMedia | None:
        """Any stored media, expired or not (the dev page still shows old files)."""
        return self._media.get(media_id)

    # -- tokens (convenience) --------------------------------------------------

    def add_corp(self, corpid: str, corpsecret: str) -> None:
        self.tokens.corp_secrets[corpid] = corpsecret

    def add_official_account(self, appid: str, secret: str) -> None:
        self.tokens.account_secrets[appid] = secret

    # -- faults ----------------------------------------------------------------

    def fail_next(self, n: int = 1, errcode: Fault = -1) -> None:
        """Make the next ``n`` API requests (any endpoint, /dev excluded) fail with
        ``errcode``: a platform errcode answered as HTTP 200 JSON, an HTTP status in
        500..599 answered as that status, or ``"timeout"`` (stall)."""
        if isinstance(errcode, str) and errcode != "timeout":
            raise ValueError(f"unknown fault {errcode!r}")
        self._faults.extend([errcode] * n)

    def take_fault(self) -> Fault | None:
        return self._faults.popleft() if self._faults else None

    def clear_faults(self) -> None:
        self._faults.clear()
