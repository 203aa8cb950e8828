"""``cunwu digest …`` and ``cunwu mp menu …``: the official account from the command line.

Both talk to the platform (in fake mode: to the fake inside a running ``cunwu serve``).
"""

from __future__ import annotations

import argparse
import html
import json
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

from bot.commands import Outcome
from bot.mp.digest_sender import digest_session
from bot.runtime import opened
from bot.settings import Config
from bot.wechat.errors import DeliveryError
from notices.audit import record_event
from notices.clock import CHINA
from notices.delivery import digest as digests
from notices.delivery.mp_models import DigestState, MpDigest
from villages.errors import Conflict, InvalidInput

DEFAULT_MENU = Path(__file__).parents[1] / "mp" / "data" / "menu.json"


def _day(text: str | None) -> date:
    if not text:
        return datetime.now(CHINA).date()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"--date 应为 2026-11-22 这样的日期，而不是 {text!r}") from None


def article_text(content: str) -> str:
    """The article as plain lines, for a clerk's terminal."""
    text = re.sub(r'<a href="([^"]*)">(.*?)</a>', r"\2  \1", content)
    text = re.sub(r"<(br/?|/p|/h3)>", "\n", text)
    return html.unescape(re.sub(r"<[^>]+>", "", text)).strip()


def _digest_view(d: MpDigest) -> dict[str, Any]:
    return {"day": d.day.isoformat(), "mode": d.mode.value, "state": d.state.value,
            "title": d.title, "msg_id": d.msg_id, "publish_id": d.publish_id,
            "article_url": d.article_url, "platform_status": d.platform_status,
            "last_error": d.last_error}


_STATE_ZH = {DigestState.PENDING: "待发送", DigestState.SENDING: "发送中",
             DigestState.AWAITING_CONFIRMATION: "已提交，等待平台结果",
             DigestState.DELIVERED: "已送达", DigestState.FAILED: "失败"}


async def digest_send(args: argparse.Namespace, config: Config) -> Outcome:
    day, now = _day(args.date), datetime.now(CHINA)
    async with opened(config):
        if args.preview:
            existing = await MpDigest.get_or_none(day=day)
            if existing is not None:
                title, content = existing.title, existing.content
            else:
                title, content, count = await digests.preview(day, now, config.public_url)
                if not count:
                    return {"day": day.isoformat(), "count": 0}, "没有尚未推送的新公示。", 0
            return ({"day": day.isoformat(), "title": title, "content": content},
                    f"{title}\n\n{article_text(content)}", 0)
        if args.retry:
            await digests.retry_failed(day, now, public_url=config.public_url,
                                       actor=args.actor)
        digest = await digests.ensure_digest(day, now, public_url=config.public_url,
                                             account_type=config.mp_account_type)
        if digest is None:
            return ({"day": day.isoformat(), "state": None},
                    "没有尚未推送的新公示，今天不发日报。", 0)
        claimed = await digests.claim_digest(digest.id, now, config.delivery_lease)
        await record_event(args.actor, "digest_send_by_hand", f"digest:{day.isoformat()}",
                           {"claimed": claimed is not None})
        if claimed is not None:
            async with digest_session(config) as sender:
                await sender.send(claimed, now)
        digest = await MpDigest.get(id=digest.id)
    view = _digest_view(digest)
    line = f"{digest.title}：{_STATE_ZH[digest.state]}"
    if claimed is None:
        line += "（此前已处理，不会重复发送）"
    if digest.last_error:
        line += f"\n原因：{digest.last_error}"
    return view, line, 1 if digest.state == DigestState.FAILED else 0


def _load_menu(path: str | None) -> dict[str, Any]:
    file = Path(path) if path else DEFAULT_MENU
    try:
        menu = json.loads(file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InvalidInput(f"读不了菜单文件 {file}：{exc.strerror}") from None
    except ValueError as exc:
        raise InvalidInput(f"菜单文件 {file} 不是有效的 JSON：{exc}") from None
    if not isinstance(menu, dict) or not isinstance(menu.get("button"), list):
        raise InvalidInput(f"菜单文件 {file} 要有 \"button\" 列表（最多 3 个一级菜单）")
    return menu


async def menu_push(args: argparse.Namespace, config: Config) -> Outcome:
    menu = _load_menu(args.file)
    async with opened(config), digest_session(config) as sender:
        try:
            await sender.client.create_menu(menu)
        except DeliveryError as exc:
            raise Conflict(f"平台拒绝了菜单：{exc}") from None
        names = [b.get("name", "") for b in menu["button"]]
        await record_event(args.actor, "mp_menu_push", "mp:menu", {"buttons": names})
    return menu, "菜单已更新：" + " / ".join(names), 0


async def menu_show(args: argparse.Namespace, config: Config) -> Outcome:
    async with digest_session(config) as sender:
        try:
            current = await sender.client.get_menu()
        except DeliveryError as exc:
            raise Conflict(f"查询菜单失败：{exc}") from None
    if current is None:
        return {"menu": None}, "公众号还没有自定义菜单。", 0
    return current, json.dumps(current, ensure_ascii=False, indent=2), 0
