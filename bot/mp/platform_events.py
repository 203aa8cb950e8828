"""Job reports the platform posts to the callback: the digest's mass send or publish ended.

* MASSSENDJOBFINISH: ``MsgID`` and ``Status`` ("send success", "send fail", "err(10001)"...),
  with Total/Filter/Sent/ErrorCount (wechatpy's ``MassSendJobFinishEvent``).
* PUBLISHJOBFINISH: ``PublishEventInfo`` with ``publish_id``, ``publish_status`` (0 success,
  1 publishing, 2 original-check fail, 3 fail, 4 audit fail, 5 deleted, 6 banned) and
  ``article_detail/item/article_url``. wechatpy 2.0.0a26 has no class for it: read the dict.
"""

from __future__ import annotations

import logging
from typing import Any

from wechatpy.messages import BaseMessage

from notices.delivery import digest as digests

log = logging.getLogger("cunwu.mp")


def _fields(message: BaseMessage) -> dict[str, Any]:
    data = getattr(message, "_data", None)
    return data if isinstance(data, dict) else {}


async def handle_platform_event(message: BaseMessage) -> bool:
    """True if ``message`` was a platform job report (it gets no reply)."""
    fields = _fields(message)
    if str(fields.get("MsgType", "")).lower() != "event":
        return False
    event = str(fields.get("Event", "")).upper()
    if event == "MASSSENDJOBFINISH":
        status = str(fields.get("Status", ""))
        sent, errors = fields.get("SentCount", "?"), fields.get("ErrorCount", "?")
        digest = await digests.job_finished(
            msg_id=str(fields.get("MsgID", "")), ok=status == "send success",
            status=f"{status}，送达{sent}人，失败{errors}人")
        log.info("mass send %s finished: %s (digest %s)", fields.get("MsgID"), status,
                 digest.day if digest else "unknown")
        return True
    if event == "PUBLISHJOBFINISH":
        info = fields.get("PublishEventInfo")
        info = info if isinstance(info, dict) else {}
        code = str(info.get("publish_status", ""))
        if code == "1":
            return True   # still publishing; another report follows
        detail = info.get("article_detail") if isinstance(info.get("article_detail"), dict) \
            else {}
        item = detail.get("item") if isinstance(detail, dict) else None
        item = item[0] if isinstance(item, list) and item else item
        url = str(item.get("article_url", "")) if isinstance(item, dict) else ""
        await digests.job_finished(publish_id=str(info.get("publish_id", "")), ok=code == "0",
                                   status=f"publish_status {code}", article_url=url)
        return True
    return False
