"""Handlers of the WeCom / WeChat-group commands (see ``bot.cli.wecom``)."""

from __future__ import annotations

import argparse

from bot.commands import Outcome
from bot.runtime import opened
from bot.settings import Config
from notices.delivery import forward_pack, withdrawal_pack
from villages import group_targets


async def customer_group_add(args: argparse.Namespace, config: Config) -> Outcome:
    async with opened(config):
        target = await group_targets.add_customer_group(args.village, args.name, args.userid)
    out = {"id": target.id, "name": target.name, "userid": target.address}
    return out, f"已登记客户群：{target.name}（由 {target.address} 确认群发）"


async def wechat_group_add(args: argparse.Namespace, config: Config) -> Outcome:
    async with opened(config):
        target = await group_targets.add_wechat_group(args.village, args.name)
    return {"id": target.id, "name": target.name}, f"已登记微信群：{target.name}"


async def wechat_group_pending(args: argparse.Namespace, config: Config) -> Outcome:
    async with opened(config):
        groups = await group_targets.pending_wechat_groups(args.village)
    out = [{"id": g.id, "name": g.name, "registered_at": g.created_at.isoformat()}
           for g in groups]
    if not groups:
        return out, "没有等待确认的微信群"
    lines = [f"  {g.name}" for g in groups]
    return out, "\n".join(["以下微信群是通过转发包登记的，请核实后确认或驳回：", *lines,
                           "确认：cunwu wechat-group add <村代码> --name <群名>",
                           "驳回：cunwu wechat-group reject <村代码> --name <群名>"])


async def wechat_group_reject(args: argparse.Namespace, config: Config) -> Outcome:
    async with opened(config):
        target = await group_targets.reject_wechat_group(args.village, args.name)
    return {"id": target.id, "name": target.name}, f"已驳回微信群：{target.name}"


async def forward_pack_show(args: argparse.Namespace, config: Config) -> Outcome:
    async with opened(config) as runtime:
        key = forward_pack.pack_key(runtime.secrets.lookup_key)
        withdrawn = await withdrawal_pack.withdrawal_pack_for_notice(
            key, args.notice, args.village, config.public_url)
        if withdrawn is not None:  # tell the groups it was withdrawn, never forward the list
            return _withdrawal_outcome(args.notice, withdrawn, config.public_url)
        pack = await forward_pack.pack_for_notice(key, args.notice, args.village,
                                                  config.public_url)
        page = f"{config.public_url}/f/{pack.token}"
        out = {"notice": args.notice, "village": pack.region.code, "text": pack.text,
               "text_bytes": pack.text_bytes, "link": pack.notice_url, "pack_page": page,
               "long_image": f"{page}/long.png",
               "confirmed": [{"by": c.forwarded_by, "group": c.group_name,
                              "at": c.confirmed_at.isoformat()} for c in pack.confirmations]}
    done = len(pack.confirmations)
    text = "\n".join([pack.text, "", f"链接：{pack.notice_url}", f"转发包页面：{page}",
                      f"（文字 {pack.text_bytes} 字节；已确认转发 {done} 个群）"])
    return out, text


def _withdrawal_outcome(notice_id: int, pack: withdrawal_pack.WithdrawalPack,
                        public_url: str) -> Outcome:
    page = f"{public_url}/fw/{pack.token}"
    out = {"notice": notice_id, "village": pack.region.code, "withdrawn": True,
           "text": pack.text, "text_bytes": pack.text_bytes, "link": pack.notice_url,
           "pack_page": page, "groups_to_tell": pack.waiting,
           "confirmed": [{"by": c.forwarded_by, "group": c.group_name,
                          "at": c.confirmed_at.isoformat()} for c in pack.confirmations]}
    waiting = "、".join(pack.waiting) or "（无）"
    text = "\n".join([pack.text, "", f"撤回通知页面：{page}",
                      f"（文字 {pack.text_bytes} 字节；还没告知的群：{waiting}）"])
    return out, text
