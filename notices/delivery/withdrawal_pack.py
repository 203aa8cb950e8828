"""The withdrawal pack: how an ordinary WeChat group learns that a notice it got was
withdrawn (DESIGN §3 "withdrawn … reaches every channel the notice reached").

Like the forward pack there is no API: the cadre opens a signed link from the robot card,
copies a short text (≤ 2 KB: 【撤回】, title, reason, verify code, link) into each group the
notice went to and confirms per group. There is deliberately no long image: a withdrawn
personal list must not be spread any further. The confirmation marks that group's
withdrawal delivery delivered; until then it waits in ``awaiting_confirmation`` and the
consistency matrix names it.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import datetime

from tortoise.queryset import QuerySet

from notices.delivery.forward_pack import check_token, record_forward, sign
from notices.delivery.models import ForwardConfirmation
from notices.models import Delivery, DeliveryPurpose, DeliveryState, NoticeVersion, VersionStatus
from notices.render.group_text import FORWARD_LIMIT_BYTES
from notices.render.withdrawal_text import withdrawal_text
from villages.errors import NotFound
from villages.models import ChannelKind, Region

_CONTEXT = b"cunwu withdrawal-pack v1"


def withdrawal_key(pack_key: bytes) -> bytes:
    """Its own signing key: a publish pack's token never opens a withdrawal page."""
    return hmac.new(pack_key, _CONTEXT, hashlib.sha256).digest()


def withdrawal_token(pack_key: bytes, version_id: int, region_id: int) -> str:
    return sign(withdrawal_key(pack_key), version_id, region_id)


@dataclass
class GroupState:
    name: str
    done: bool


@dataclass
class WithdrawalPack:
    token: str
    version: NoticeVersion
    region: Region
    text: str
    notice_url: str
    groups: list[GroupState] = field(default_factory=list)
    confirmations: list[ForwardConfirmation] = field(default_factory=list)

    @property
    def text_bytes(self) -> int:
        return len(self.text.encode("utf-8"))

    @property
    def waiting(self) -> list[str]:
        return [g.name for g in self.groups if not g.done]


def _deliveries(version_id: int, region_id: int) -> QuerySet[Delivery]:
    return Delivery.filter(version_id=version_id, purpose=DeliveryPurpose.WITHDRAW,
                           target__region_id=region_id,
                           target__kind=ChannelKind.WECHAT_GROUP)


async def withdrawal_pack_by_token(pack_key: bytes, token: str, public_url: str
                                   ) -> WithdrawalPack:
    version_id, region_id = check_token(withdrawal_key(pack_key), token)
    version = await NoticeVersion.get_or_none(id=version_id)
    region = await Region.get_or_none(id=region_id)
    if version is None or region is None:
        raise NotFound("这份公示已不存在")
    if version.status != VersionStatus.WITHDRAWN:
        raise NotFound("这份公示没有撤回，不需要转发撤回通知")
    url = f"{public_url}/n/{version.verify_code}"
    deliveries = await _deliveries(version.id, region.id).prefetch_related("target").order_by(
        "id")
    groups = [GroupState(d.target.name, d.state == DeliveryState.DELIVERED) for d in deliveries]
    confirmations = await ForwardConfirmation.filter(
        delivery_id__in=[d.id for d in deliveries]).order_by("confirmed_at")
    text = withdrawal_text(version.content, version.verify_code, version.withdrawn_reason, url,
                           FORWARD_LIMIT_BYTES)
    return WithdrawalPack(token, version, region, text, url, groups, list(confirmations))


async def confirm_withdrawal_forward(pack_key: bytes, token: str, forwarded_by: str,
                                     group_name: str, *, client_ip: str = "",
                                     now: datetime | None = None) -> ForwardConfirmation:
    """Record that ``forwarded_by`` told ``group_name`` of the withdrawal."""
    version_id, region_id = check_token(withdrawal_key(pack_key), token)
    return await record_forward(version_id, region_id, forwarded_by, group_name,
                                DeliveryPurpose.WITHDRAW, client_ip=client_ip, now=now)


async def withdrawal_pack_for_notice(pack_key: bytes, notice_id: int, village_code: str,
                                     public_url: str) -> WithdrawalPack | None:
    """The withdrawal pack of a withdrawn notice for one village (the CLI's view); None when
    the notice was not withdrawn."""
    version = await NoticeVersion.get_or_none(notice_id=notice_id,
                                              status=VersionStatus.WITHDRAWN)
    region = await Region.get_or_none(code=village_code)
    if version is None or region is None:
        return None
    token = withdrawal_token(pack_key, version.id, region.id)
    return await withdrawal_pack_by_token(pack_key, token, public_url)
