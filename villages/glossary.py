"""The one glossary of words that clerks, cadres and villagers read.

Stored values stay English (``in_review``, ``township_clerk``): they are what the database,
the JSON API and scripts hold. Everything a person reads names a state or a role through
this module, so 待审核 is 待审核 on the command line, in the console and in every error.

Keyed by the stored string, not by the enums, so the command line can use it without
loading the database layer (``StrEnum`` members look up as their value).
"""

from __future__ import annotations

# The nouns of the domain, as the county's documents use them; help texts and messages use
# these words and no synonyms (tests/bot/cli/test_help.py holds the command line to them).
TERMS = {
    "notice": "公示",
    "batch": "批次",
    "correction": "更正",
    "withdrawal": "撤回",
    "verify_code": "核验码",
}
# Words a new clerk would not find in the county's documents, and the term meant instead.
NOT_TERMS = {"通告": "公示", "校验码": "核验码", "验证码": "核验码", "勘误": "更正", "撤销": "撤回",
             "批号": "批次"}

ROLE_ZH = {
    "county_admin": "县政务公开办管理员",
    "township_clerk": "乡镇经办人",
    "township_reviewer": "乡镇审核人",
    "village_cadre": "村文书",
    "village_supervisor": "村务监督委员会",
}

NOTICE_STATE_ZH = {
    "draft": "草稿",
    "in_review": "待审核",
    "approved": "已审核",
    "published": "公示中",
    "withdrawn": "已撤回",
    "closed": "公示期满",
    "archived": "已归档",
}

VERSION_STATUS_ZH = {"current": "现行版本", "superseded": "已被更正替代", "withdrawn": "已撤回"}

DELIVERY_STATE_ZH = {
    "pending": "待发送",
    "sending": "发送中",
    "awaiting_confirmation": "待村文书确认",
    "delivered": "已送达",
    "failed": "发送失败",
}

# A cell of the consistency matrix (notices.delivery.consistency), as the console shows it.
CONSISTENCY_ZH = {
    "ok": "一致", "stale": "旧版本", "missing": "未送达", "pending": "发送中",
    "awaiting": "待村文书确认", "failed": "发送失败", "to_post": "待张贴", "waiting": "待下次日报",
}

# Notice workflow actions, as the command line and errors name them.
ACTION_ZH = {"submit": "提交审核", "approve": "审核通过", "reject": "退回", "publish": "发布"}


def role_zh(role: str) -> str:
    """The Chinese name of a stored role; an unknown value is shown as it is."""
    return ROLE_ZH.get(role, role)


def state_zh(state: str) -> str:
    """The Chinese name of a notice state (草稿 … 已归档)."""
    return NOTICE_STATE_ZH.get(state, state)


def _stored(text: str, names: dict[str, str]) -> str | None:
    text = text.strip()
    if text in names:
        return text
    return next((value for value, zh in names.items() if zh == text), None)


def role_value(text: str) -> str | None:
    """The stored role for either its Chinese name or its stored value; None if neither."""
    return _stored(text, ROLE_ZH)


def state_value(text: str) -> str | None:
    """The stored notice state for either its Chinese name or its stored value."""
    return _stored(text, NOTICE_STATE_ZH)
