"""When a personal list leaves the public web (DESIGN §2 Retention).

A list of people (a village payout list, a 低保/特困 list) is public only for its 公示期 plus
a short grace for villagers who come late; after that its web page says the 公示 has ended
and where to ask, and its PDF (full names, as on the board) is no longer served. The
records stay archived and `cunwu verify` still answers for the version. A township summary
(one line per village) and a general notice name no one, so they stay readable.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

# Kinds whose rows name people: a village payout list, including a 低保/特困 list (a payout
# notice with the "assistance" profile). A kind not listed here stays on the web after its
# 公示期 (a township summary lists villages, a finance disclosure the collective's accounts).
PERSONAL_KINDS = frozenset({"payout_village"})


def is_personal_list(content: dict[str, Any]) -> bool:
    return content.get("kind") in PERSONAL_KINDS


def taken_down(content: dict[str, Any], period_end: date, today: date, grace_days: int) -> bool:
    """Whether the rows of this version are off the public web today."""
    return is_personal_list(content) and today > period_end + timedelta(days=grace_days)


def where_to_ask(content: dict[str, Any]) -> str:
    phone = content.get("supervision_phone", "")
    ask = "如需查询请到村委会"
    return f"{ask}，或拨打乡镇监督电话 {phone}" if phone else ask
