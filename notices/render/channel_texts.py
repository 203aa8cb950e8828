"""Every text a version shows on each channel, for the privacy gate (DESIGN §2 Privacy).

The gate scans what villagers will read, not only the fields it was made from: a channel
joins fields (a name cell next to an amount), adds publication data (the correction's
reason, the period, the phone) and truncates. Pure: content in, (where, text) pairs out.
"""

from __future__ import annotations

from typing import Any

from notices.render.group_text import CUSTOMER_GROUP_LIMIT_BYTES, FORWARD_LIMIT_BYTES, group_text
from notices.render.publication import Publication
from notices.render.robot import robot_markdown, withdrawal_markdown
from notices.render.withdrawal_text import withdrawal_text


def publication_texts(content: dict[str, Any], pub: Publication) -> list[tuple[str, str]]:
    """The robot card, the forward pack's text and the customer-group message."""
    return [
        ("群机器人消息", robot_markdown(content, pub)),
        ("微信群转发包文字", group_text(content, pub, FORWARD_LIMIT_BYTES)),
        ("客户群消息", group_text(content, pub, CUSTOMER_GROUP_LIMIT_BYTES)),
    ]


def withdrawal_texts(content: dict[str, Any], code: str, reason: str,
                     url: str) -> list[tuple[str, str]]:
    """What a withdrawal says on the web page, to the robot and in villagers' groups."""
    return [
        ("撤回原因", reason),
        ("群机器人撤回消息", withdrawal_markdown(content, code, reason)),
        ("微信群撤回文字", withdrawal_text(content, code, reason, url, FORWARD_LIMIT_BYTES)),
        ("客户群撤回消息",
         withdrawal_text(content, code, reason, url, CUSTOMER_GROUP_LIMIT_BYTES)),
    ]
