"""Forward packs for ordinary WeChat groups, which have no API (DESIGN §1).

A pack is one version's text (≤ 2 KB), its long image and its link, for one village. The
cadre opens it from a signed link (no login: a village cadre's phone may have no account),
forwards it by hand - nothing here touches a personal WeChat account, which would get it
banned - and taps confirm, naming the group. The confirmation marks the outbox row of that
(version, group) delivered, so the consistency matrix shows which groups hold which version.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import datetime

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from notices.audit import record_event
from notices.clock import CHINA
from notices.delivery.models import ForwardConfirmation
from notices.models import Delivery, DeliveryPurpose, DeliveryState, NoticeVersion, VersionStatus
from notices.privacy.scanner import find_personal_numbers
from notices.render.group_text import FORWARD_LIMIT_BYTES, group_text
from notices.render.publication import publication_of
from villages.errors import Conflict, InvalidInput, NotFound
from villages.models import ChannelKind, ChannelTarget, Region, Vetting

_CONTEXT = b"cunwu forward-pack v1"
MAX_NAME = 30
MAX_GROUP = 50
# New WeChat groups a village's pack links may name before someone confirms them. A link
# let anyone create 20 permanent targets, one named with a mobile number, shown on /check.
MAX_PENDING_GROUPS = 5
# Confirmations one pack (a version in a village) may record: a village has a handful of
# groups; past this the link is being abused, and every row shows on the pack page.
MAX_CONFIRMATIONS = 50


def pack_key(lookup_key: bytes) -> bytes:
    """The signing key of pack links, derived so it is never the look-up key itself."""
    return hmac.new(lookup_key, _CONTEXT, hashlib.sha256).digest()


def _sig(key: bytes, version_id: int, region_id: int) -> str:
    mac = hmac.new(key, f"{version_id}:{region_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac[:15]).decode()


def sign(key: bytes, version_id: int, region_id: int) -> str:
    return f"{version_id}-{region_id}-{_sig(key, version_id, region_id)}"


def check_token(key: bytes, token: str) -> tuple[int, int]:
    """(version id, region id) of a genuine token; NotFound for anything else."""
    parts = token.split("-", 2)
    if len(parts) == 3 and parts[0].isdigit() and parts[1].isdigit() and len(token) < 80:
        version_id, region_id = int(parts[0]), int(parts[1])
        if hmac.compare_digest(parts[2], _sig(key, version_id, region_id)):
            return version_id, region_id
    raise NotFound("这个转发包链接不对或已失效，请在村务工作群里重新打开")


@dataclass
class Pack:
    token: str
    version: NoticeVersion
    region: Region
    text: str
    notice_url: str
    groups: list[str] = field(default_factory=list)
    confirmations: list[ForwardConfirmation] = field(default_factory=list)

    @property
    def text_bytes(self) -> int:
        return len(self.text.encode("utf-8"))

    @property
    def current(self) -> bool:
        return self.version.status == VersionStatus.CURRENT


async def pack_for(key: bytes, version: NoticeVersion, region: Region, public_url: str
                   ) -> Pack:
    url = f"{public_url}/n/{version.verify_code}"
    pub = publication_of(version.content, version.verify_code, url)
    groups = await ChannelTarget.filter(region=region, kind=ChannelKind.WECHAT_GROUP,
                                        active=True).order_by("id").values_list("name", flat=True)
    confirmations = await ForwardConfirmation.filter(
        delivery__version_id=version.id, delivery__target__region_id=region.id,
        delivery__purpose=DeliveryPurpose.PUBLISH,
    ).order_by("confirmed_at")
    return Pack(sign(key, version.id, region.id), version, region,
                group_text(version.content, pub, FORWARD_LIMIT_BYTES), url, list(groups),
                list(confirmations))


async def pack_by_token(key: bytes, token: str, public_url: str) -> Pack:
    version_id, region_id = check_token(key, token)
    version = await NoticeVersion.get_or_none(id=version_id).prefetch_related("notice")
    region = await Region.get_or_none(id=region_id)
    if version is None or region is None:
        raise NotFound("这份公示已不存在")
    return await pack_for(key, version, region, public_url)


async def pack_for_notice(key: bytes, notice_id: int, village_code: str, public_url: str
                          ) -> Pack:
    """The pack of a notice's current version for one village (the CLI's view)."""
    version = await NoticeVersion.get_or_none(notice_id=notice_id,
                                              status=VersionStatus.CURRENT).prefetch_related(
        "notice")
    if version is None:
        raise NotFound(f"公示 {notice_id} 没有现行的已发布版本")
    region = await Region.get_or_none(code=village_code)
    if region is None:
        raise NotFound(f"没有区划代码为 {village_code} 的村")
    if version.notice.region_id != region.id:
        raise InvalidInput(f"公示 {notice_id} 不是{region.name}的公示")
    return await pack_for(key, version, region, public_url)


async def confirm_forward(key: bytes, token: str, forwarded_by: str, group_name: str, *,
                          client_ip: str = "", now: datetime | None = None
                          ) -> ForwardConfirmation:
    """Record that ``forwarded_by`` forwarded the pack into ``group_name``."""
    version_id, region_id = check_token(key, token)
    return await record_forward(version_id, region_id, forwarded_by, group_name,
                                DeliveryPurpose.PUBLISH, client_ip=client_ip, now=now)


async def _group_target(region: Region, group: str) -> ChannelTarget:
    """The village's WeChat group of that name. A group named here for the first time is
    recorded as pending: anyone holding the link could name it, so it gets no pack of later
    notices and its name stays off the public consistency page until a cadre or clerk
    confirms it (``cunwu wechat-group add``); and only a few may wait at once."""
    target = await ChannelTarget.get_or_none(region=region, kind=ChannelKind.WECHAT_GROUP,
                                             address=group)
    if target is not None:
        if target.vetting == Vetting.REJECTED:
            raise Conflict(f"“{group}”已被乡镇或村干部确认为不是本村的群，不能登记转发")
        return target
    waiting = await ChannelTarget.filter(region=region, kind=ChannelKind.WECHAT_GROUP,
                                         vetting=Vetting.PENDING).count()
    if waiting >= MAX_PENDING_GROUPS:
        raise Conflict(f"本村已有{waiting}个新登记的群等待确认，请先请村干部或乡镇经办人"
                       "确认这些群，再登记新的群")
    try:
        async with in_transaction():  # a savepoint: a concurrent confirm may create it first
            return await ChannelTarget.create(region=region, kind=ChannelKind.WECHAT_GROUP,
                                              address=group, name=group, active=False,
                                              vetting=Vetting.PENDING)
    except IntegrityError:
        return await ChannelTarget.get(region=region, kind=ChannelKind.WECHAT_GROUP,
                                       address=group)


# What a pack of each purpose may confirm, what it says otherwise, and its audit action.
_FORWARDABLE = {
    DeliveryPurpose.PUBLISH: (VersionStatus.CURRENT, "forward_confirm",
                              "这份公示已被更正或撤回，请转发最新版本（在工作群里打开新的转发包）"),
    DeliveryPurpose.WITHDRAW: (VersionStatus.WITHDRAWN, "withdrawal_forward_confirm",
                               "这份公示没有撤回，不需要转发撤回通知"),
}


async def record_forward(version_id: int, region_id: int, forwarded_by: str, group_name: str,
                         purpose: DeliveryPurpose, *, client_ip: str = "",
                         now: datetime | None = None) -> ForwardConfirmation:
    """A cadre forwarded a pack (the notice, or its withdrawal) into a WeChat group by hand:
    its delivery to that group is delivered, with who, where and when."""
    who, group = forwarded_by.strip(), group_name.strip()
    problems = []
    if not who or len(who) > MAX_NAME:
        problems.append(f"请填写您的姓名（不超过{MAX_NAME}个字）")
    if not group or len(group) > MAX_GROUP:
        problems.append(f"请填写转发到的群名（不超过{MAX_GROUP}个字）")
    for label, text in (("姓名", who), ("群名", group)):
        if find_personal_numbers(text):
            problems.append(f"{label}里不能有手机号、身份证号或银行卡号")
    if problems:
        raise InvalidInput("；".join(problems))
    version = await NoticeVersion.get_or_none(id=version_id)
    region = await Region.get_or_none(id=region_id)
    if version is None or region is None:
        raise NotFound("这份公示已不存在")
    status, action, refusal = _FORWARDABLE[purpose]
    if version.status != status:
        raise Conflict(refusal)
    now = now or datetime.now(CHINA)
    made = await ForwardConfirmation.filter(
        delivery__version_id=version.id, delivery__target__region_id=region.id,
        delivery__purpose=purpose).count()
    if made >= MAX_CONFIRMATIONS:
        raise Conflict(f"这份转发包已登记了{made}次转发，不能再登记；如有遗漏请联系乡镇经办人")
    async with in_transaction():
        target = await _group_target(region, group)
        delivery, _ = await Delivery.get_or_create(
            version=version, target=target, purpose=purpose,
            defaults={"next_attempt_at": now})
        again = await ForwardConfirmation.get_or_none(delivery=delivery, forwarded_by=who)
        if again is not None:  # a second tap (or a reload) records nothing new
            return again
        await Delivery.filter(id=delivery.id).update(
            state=DeliveryState.DELIVERED, delivered_at=now, lease_until=None, last_error="")
        confirmation = await ForwardConfirmation.create(
            delivery=delivery, forwarded_by=who, group_name=group, confirmed_at=now,
            client_ip=client_ip[:64])
        await record_event(f"cadre:{who}", action, f"notice:{version.notice_id}",
                           {"version": version.number, "group": group, "region": region.code})
    return confirmation
