"""What a clerk does with the places notices go to: re-send a failed delivery, send the live
notices to a place added after they were published, stop delivering to a place, list them.

Services only (no aiohttp): the CLI calls them today and the console can call them later.
Every change is audited, and each one only queues outbox rows: the worker does the sending.
"""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.transactions import in_transaction

from notices.audit import record_event
from notices.clock import now_in_china
from notices.models import (
    Delivery,
    DeliveryPurpose,
    DeliveryState,
    NoticeState,
    NoticeVersion,
    VersionStatus,
)
from villages.codes import prefix_of
from villages.errors import Conflict, InvalidInput, NotFound
from villages.models import ChannelKind, ChannelTarget, Level, Region, Role, Staff
from villages.services import check_in_scope, check_role, get_region, redact

#: Who may act on delivery targets: the township's clerks and reviewers, and the county.
TARGET_ROLES = (Role.COUNTY_ADMIN, Role.TOWNSHIP_CLERK, Role.TOWNSHIP_REVIEWER)
TARGET_DISABLED = "投递目标已停用，不再发送"

KIND_NAMES = {ChannelKind.WECOM_ROBOT: "群机器人", ChannelKind.WECOM_CUSTOMER_GROUP: "客户群",
              ChannelKind.WECHAT_GROUP: "微信群"}
STATE_NAMES = {DeliveryState.PENDING: "排队中", DeliveryState.SENDING: "发送中",
               DeliveryState.AWAITING_CONFIRMATION: "等待确认",
               DeliveryState.DELIVERED: "已送达", DeliveryState.FAILED: "发送失败"}


@dataclass(frozen=True)
class TargetRow:
    id: int
    village: str
    village_code: str
    kind: str
    name: str
    address: str  # redacted: a robot key is a credential
    active: bool
    failed: int
    queued: int

    def as_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


#: Ids are database integers; anything outside them names nothing (and must not reach the
#: driver, which raises on an integer wider than 64 bits).
_MAX_ID = 2**63 - 1


async def _target(target_id: int) -> ChannelTarget:
    target = (await ChannelTarget.get_or_none(id=target_id).prefetch_related("region")
              if 0 < target_id <= _MAX_ID else None)
    if target is None:
        raise NotFound(f"没有编号为 {target_id} 的投递目标；用 cunwu robot list 查看")
    return target


async def _check_may_act(actor: Staff, region: Region) -> None:
    check_role(actor, *TARGET_ROLES)
    check_in_scope(actor, region)


async def resend(delivery_id: int, actor: Staff) -> Delivery:
    """Put a failed delivery back in the queue with fresh attempts. Messages the platform
    already accepted (``steps_done``) are not sent again."""
    delivery = (await Delivery.get_or_none(id=delivery_id).prefetch_related(
        "target__region", "version") if 0 < delivery_id <= _MAX_ID else None)
    if delivery is None:
        raise NotFound(f"没有编号为 {delivery_id} 的投递")
    await _check_may_act(actor, delivery.target.region)
    if delivery.state != DeliveryState.FAILED:
        raise Conflict(f"投递 {delivery_id} 现在是“{STATE_NAMES[delivery.state]}”，"
                       "只有发送失败的投递可以重发")
    if not delivery.target.active:
        raise Conflict(f"“{delivery.target.name}”已停用，先重新登记它再重发")
    if (delivery.purpose == DeliveryPurpose.PUBLISH
            and delivery.version.status != VersionStatus.CURRENT):
        raise Conflict(f"投递 {delivery_id} 的这一版已被更正或撤回，重发会传出过时的内容；"
                       "更正版或撤回通知有它自己的投递")
    async with in_transaction():
        moved = await Delivery.filter(id=delivery.id, state=DeliveryState.FAILED).update(
            state=DeliveryState.PENDING, attempts=0, next_attempt_at=now_in_china(),
            lease_until=None, last_error="")
        if not moved:  # someone else re-sent it a moment ago
            raise Conflict(f"投递 {delivery_id} 已经在重发了")
        await record_event(actor.name, "resend", f"delivery:{delivery.id}",
                           {"target": delivery.target_id, "was": delivery.last_error})
    await delivery.refresh_from_db()
    return delivery


async def targets_named(which: str) -> list[ChannelTarget]:
    """``which`` is a 12-digit village code (every active target of the village) or a
    target id (that one target)."""
    which = which.strip()
    if len(which) == 12 and which.isdigit():
        village = await get_region(which)
        if village.level != Level.VILLAGE:
            raise InvalidInput(f"{village.name} 不是村/社区；请给村的代码或投递目标编号")
        return await ChannelTarget.filter(region=village, active=True).prefetch_related(
            "region").order_by("id")
    if which.isdigit() and len(which) < 12:
        return [await _target(int(which))]
    raise InvalidInput(f"“{which[:20]}”既不是12位村代码，也不是投递目标编号")


async def send_current(targets: list[ChannelTarget], actor: Staff) -> list[Delivery]:
    """Queue, for each target, the live (published, current) notices of its village that
    it has not been sent yet: a robot registered after publication gets what is up now."""
    for target in targets:
        await _check_may_act(actor, target.region)
        if not target.active:
            raise Conflict(f"“{target.name}”已停用，不能补发")
    now, queued = now_in_china(), []
    async with in_transaction():
        for target in targets:
            live = await NoticeVersion.filter(
                status=VersionStatus.CURRENT, notice__region_id=target.region_id,
                notice__state=NoticeState.PUBLISHED).order_by("id")
            sent = set(await Delivery.filter(target=target, purpose=DeliveryPurpose.PUBLISH)
                       .values_list("version_id", flat=True))
            fresh = [Delivery(version=v, target=target, next_attempt_at=now)
                     for v in live if v.id not in sent]
            for delivery in fresh:
                await delivery.save()
            queued += fresh
            if fresh:
                await record_event(actor.name, "send_current", f"target:{target.id}",
                                   {"versions": [d.version.verify_code for d in fresh]})
    return queued


async def disable_target(target_id: int, actor: Staff) -> tuple[ChannelTarget, int]:
    """Stop delivering to a place (a dissolved group, a leaked robot key). Its queued
    deliveries fail with a clear reason; returns the target and how many were stopped."""
    target = await _target(target_id)
    await _check_may_act(actor, target.region)
    if not target.active:
        raise Conflict(f"“{target.name}”已经停用了")
    async with in_transaction():
        await ChannelTarget.filter(id=target.id).update(active=False)
        stopped = await Delivery.filter(target=target, state=DeliveryState.PENDING).update(
            state=DeliveryState.FAILED, last_error=TARGET_DISABLED, lease_until=None)
        await record_event(actor.name, "disable_target", f"target:{target.id}",
                           {"name": target.name, "stopped": stopped})
    target.active = False
    return target, stopped


async def list_targets(region_code: str = "") -> list[TargetRow]:
    """Every delivery target (under the region ``region_code``, any level; empty: all), with
    how many of its deliveries failed and how many wait in the queue."""
    prefix = prefix_of(region_code.strip()) if region_code.strip() else ""
    targets = await ChannelTarget.filter(region__code__startswith=prefix).prefetch_related(
        "region").order_by("region_id", "id")
    rows = []
    for target in targets:
        failed = await Delivery.filter(target=target, state=DeliveryState.FAILED).count()
        queued = await Delivery.filter(target=target, state__in=(
            DeliveryState.PENDING, DeliveryState.SENDING)).count()
        address = (redact(target.address) if target.kind == ChannelKind.WECOM_ROBOT
                   else target.address)
        rows.append(TargetRow(id=target.id, village=target.region.name,
                              village_code=target.region.code,
                              kind=KIND_NAMES.get(target.kind, str(target.kind)),
                              name=target.name, address=address, active=target.active,
                              failed=failed, queued=queued))
    return rows

