"""WeCom customer-group messages (企业群发 to a cadre's 客户群), on top of ``WeComApi``.

Flow (https://developer.work.weixin.qq.com/document/path/92135 and 93338, 97610):
``add_msg_template`` with ``chat_type=group`` and the cadre as ``sender`` creates a task;
nothing reaches the villagers until the cadre taps 发送 in WeCom. We poll
``get_groupmsg_task`` (status 0 未发送 / 1 已发送) and, once sent, read
``get_groupmsg_send_result`` for how many groups got it; ``remind_groupmsg_send`` nudges the
cadre (at most 3 times a day per task).
"""

from __future__ import annotations

import aiohttp

from bot.wechat.errors import PayloadTooLarge, RetryableDeliveryError
from bot.wechat.wecom_api import WeComApi

TEXT_LIMIT_BYTES = 4000
IMAGE_LIMIT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS = 9


class CustomerGroupClient:
    def __init__(self, api: WeComApi) -> None:
        self.api = api

    async def upload_image(self, png: bytes, filename: str = "notice.png") -> str:
        """A temporary image (3 days) for an attachment; returns its media_id."""
        if len(png) > IMAGE_LIMIT_BYTES:
            raise PayloadTooLarge(f"图片 {len(png)} 字节，超过企业微信 10MB 上限")
        form = aiohttp.FormData()
        form.add_field("media", png, filename=filename, content_type="image/png")
        body = await self.api.post("/cgi-bin/media/upload", data=form, params={"type": "image"})
        media_id = str(body.get("media_id", ""))
        if not media_id:
            raise RetryableDeliveryError("企业微信 media/upload 没有返回 media_id")
        return media_id

    async def add_group_task(self, sender: str, text: str,
                             attachments: list[dict[str, object]]) -> str:
        """Create the group-message task for ``sender``'s customer groups; returns msgid."""
        if len(text.encode("utf-8")) > TEXT_LIMIT_BYTES:
            raise PayloadTooLarge(f"群发文字 {len(text.encode())} 字节，超过 4000 字节上限")
        if len(attachments) > MAX_ATTACHMENTS:
            raise PayloadTooLarge(f"附件 {len(attachments)} 个，最多 9 个")
        body = await self.api.post("/cgi-bin/externalcontact/add_msg_template", {
            "chat_type": "group", "sender": sender, "text": {"content": text},
            "attachments": attachments})
        msgid = str(body.get("msgid", ""))
        if not msgid:
            raise RetryableDeliveryError("企业微信 add_msg_template 没有返回 msgid")
        return msgid

    async def sent_by(self, msgid: str, sender: str) -> bool | None:
        """True once ``sender`` tapped send, False while not, None while still dispatching."""
        try:
            body = await self.api.post("/cgi-bin/externalcontact/get_groupmsg_task",
                                       {"msgid": msgid, "limit": 1000})
        except RetryableDeliveryError as exc:
            if exc.errcode == 41063:  # 正在被派发中
                return None
            raise
        tasks = [t for t in body.get("task_list", []) if t.get("userid") == sender]
        return bool(tasks) and all(int(t.get("status", 0)) == 1 for t in tasks)

    async def groups_reached(self, msgid: str, sender: str) -> int:
        groups, cursor = 0, ""
        while True:
            body = await self.api.post("/cgi-bin/externalcontact/get_groupmsg_send_result",
                                       {"msgid": msgid, "userid": sender, "limit": 1000,
                                        "cursor": cursor})
            groups += sum(1 for r in body.get("send_list", []) if int(r.get("status", 0)) == 1)
            cursor = str(body.get("next_cursor", ""))
            if not cursor:
                return groups

    async def remind(self, msgid: str) -> None:
        await self.api.post("/cgi-bin/externalcontact/remind_groupmsg_send", {"msgid": msgid})
