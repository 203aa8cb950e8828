"""Channel targets for villagers' groups: a cadre's WeCom customer groups and the ordinary
WeChat groups a cadre forwards packs into."""

from __future__ import annotations

import re

from villages.errors import InvalidInput
from villages.models import ChannelKind, ChannelTarget, Level
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


async def add_wechat_group(village_code: str, name: str) -> ChannelTarget:
    """An ordinary WeChat group of the village: it gets a forward pack per notice."""
    village = await get_region(village_code)
    clean = name.strip()
    if not clean or len(clean) > 50:
        raise InvalidInput("微信群名要填，且不超过50个字")
    target, _ = await ChannelTarget.get_or_create(
        region=village, kind=ChannelKind.WECHAT_GROUP, address=clean, defaults={"name": clean})
    return target
