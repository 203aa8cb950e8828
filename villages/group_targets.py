"""Channel targets for villagers' groups: a cadre's WeCom customer groups and the ordinary
WeChat groups a cadre forwards packs into."""

from __future__ import annotations

import re

from villages.errors import InvalidInput, NotFound
from villages.models import ChannelKind, ChannelTarget, Level, Vetting
from villages.services import get_region

# WeCom userids: letters, digits and _-.@ , at most 64 characters.
_USERID = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")


async def add_customer_group(village_code: str, name: str, sender_userid: str) -> ChannelTarget:
    """The customer groups a village cadre owns in WeCom, reached through group-message tasks
    that this cadre (``sender_userid``) confirms. Idempotent."""
    village = await get_region(village_code)
    if village.level != Level.VILLAGE:
        raise InvalidInput(f"{village.name} 不是村/社区，客户群要挂在村上")
    if not _USERID.match(sender_userid):
        raise InvalidInput(f"企业微信账号“{sender_userid[:64]}”不对：只能有字母、数字和 _-.@")
    target, _ = await ChannelTarget.get_or_create(
        region=village, kind=ChannelKind.WECOM_CUSTOMER_GROUP, address=sender_userid,
        defaults={"name": name})
    return target


def _group_name(name: str) -> str:
    clean = name.strip()
    if not clean or len(clean) > 50:
        raise InvalidInput("微信群名要填，且不超过50个字")
    return clean


async def add_wechat_group(village_code: str, name: str) -> ChannelTarget:
    """An ordinary WeChat group of the village: it gets a forward pack per notice. Naming a
    group that a forward-pack link registered (pending) or that was rejected confirms it."""
    village = await get_region(village_code)
    clean = _group_name(name)
    target, created = await ChannelTarget.get_or_create(
        region=village, kind=ChannelKind.WECHAT_GROUP, address=clean, defaults={"name": clean})
    if not created and target.vetting != Vetting.CONFIRMED:
        target.vetting, target.active = Vetting.CONFIRMED, True
        await target.save(update_fields=["vetting", "active"])
    return target


async def reject_wechat_group(village_code: str, name: str) -> ChannelTarget:
    """A group named through a forward-pack link that is not the village's: it gets no
    packs, its name is not shown, and the links can't register it again."""
    village = await get_region(village_code)
    target = await ChannelTarget.get_or_none(region=village, kind=ChannelKind.WECHAT_GROUP,
                                             address=_group_name(name))
    if target is None:
        raise NotFound(f"{village.name}没有名为“{name.strip()[:50]}”的微信群")
    target.vetting, target.active = Vetting.REJECTED, False
    await target.save(update_fields=["vetting", "active"])
    return target


async def pending_wechat_groups(village_code: str) -> list[ChannelTarget]:
    """Groups named through the village's forward-pack links, waiting to be confirmed."""
    village = await get_region(village_code)
    return await ChannelTarget.filter(region=village, kind=ChannelKind.WECHAT_GROUP,
                                      vetting=Vetting.PENDING).order_by("id")
