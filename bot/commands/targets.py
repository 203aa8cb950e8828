"""Handlers of ``cunwu robot list|send-current|disable`` and ``cunwu delivery resend``."""

from __future__ import annotations

import argparse

from bot.commands import Outcome
from bot.runtime import opened
from bot.settings import Config
from notices.delivery import targets
from villages import services as villages


async def robot_list(args: argparse.Namespace, config: Config) -> Outcome:
    async with opened(config):
        rows = await targets.list_targets(args.region)
    lines = [f"{r.id:>4}  {r.village}（{r.village_code}） {r.kind} {r.name} {r.address}"
             f"{'' if r.active else '  【已停用】'}"
             + (f"  失败 {r.failed} 条" if r.failed else "")
             + (f"  排队 {r.queued} 条" if r.queued else "") for r in rows]
    return [r.as_dict() for r in rows], "\n".join(lines) or "还没有登记任何投递目标"


async def robot_send_current(args: argparse.Namespace, config: Config) -> Outcome:
    async with opened(config):
        actor = await villages.get_staff(args.actor)
        chosen = await targets.targets_named(args.which)
        queued = await targets.send_current(chosen, actor)
    out = {"targets": [t.id for t in chosen],
           "queued": [{"delivery": d.id, "target": d.target.name,
                       "verify_code": d.version.verify_code} for d in queued]}
    if not chosen:
        return out, "这个村没有在用的投递目标"
    names = "、".join(t.name for t in chosen)
    if not queued:
        return out, f"{names}：正在公示的公示都已发过，没有要补发的"
    return out, f"已为 {names} 排队补发 {len(queued)} 份正在公示的公示，由投递进程发送"


async def robot_disable(args: argparse.Namespace, config: Config) -> Outcome:
    async with opened(config):
        actor = await villages.get_staff(args.actor)
        target, stopped = await targets.disable_target(args.target, actor)
    text = f"已停用“{target.name}”" + (f"，{stopped} 条排队中的投递不再发送" if stopped else "")
    return {"id": target.id, "active": False, "stopped": stopped}, text


async def delivery_resend(args: argparse.Namespace, config: Config) -> Outcome:
    async with opened(config):
        actor = await villages.get_staff(args.actor)
        delivery = await targets.resend(args.delivery, actor)
    out = {"id": delivery.id, "state": delivery.state.value, "target": delivery.target.name}
    return out, f"投递 {delivery.id} 已重新排队，发往“{delivery.target.name}”"
