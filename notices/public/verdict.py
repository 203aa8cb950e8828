"""What checking a verify code says, worked out from the stored facts of a version: pure,
no database. The web page, the official account and ``cunwu verify`` all answer through
``describe``; the command line reads the two rows it needs itself, so it answers at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from notices.clock import CHINA
from notices.fingerprint import fingerprint, format_code
from notices.render.finance import headline, total_phrase

STATUS_ZH = {"current": "现行有效", "superseded": "已被更正", "withdrawn": "已撤回"}


@dataclass(frozen=True)
class VersionFacts:
    """The columns of one stored version that its check reads."""

    verify_code: str
    status: str            # current | superseded | withdrawn
    number: int
    content: dict[str, Any]
    fingerprint: str
    published_at: datetime
    period_start: date
    period_end: date
    withdrawn_reason: str = ""


@dataclass(frozen=True)
class Verification:
    code: str
    status: str
    status_zh: str
    intact: bool           # the stored content still hashes to the published fingerprint
    title: str
    region: str
    version: int
    published_on: str
    period_start: str
    period_end: str
    total_fen: int
    superseded_by: str | None = None
    reason: str = ""       # why it was superseded (the correction's reason) or withdrawn
    corrects: str | None = None  # the verify code this version corrects
    correction_reason: str = ""  # why this version replaced ``corrects``
    total_label: str = "合计"    # what total_fen is: 合计, or 期末余额 of a finance disclosure
    kind: str = ""         # the notice kind: a general notice (通知公告) has no total
    total_text: str = ""   # 合计…元 / 期末余额…元, empty for a general notice

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def describe(version: VersionFacts, newer: VersionFacts | None = None) -> Verification:
    """Whether ``version`` is current, superseded (by ``newer``, and why) or withdrawn."""
    content = version.content
    superseded_by, reason = None, version.withdrawn_reason
    if version.status == "superseded" and newer is not None:
        superseded_by = format_code(newer.verify_code)
        reason = newer.content.get("correction", {}).get("reason", "")
    corrects = content.get("correction", {}).get("of")
    region = content["region"]
    label, total_fen = headline(content)
    return Verification(
        code=format_code(version.verify_code), status=version.status,
        status_zh=STATUS_ZH[version.status],
        intact=fingerprint(content) == version.fingerprint,
        title=content["title"], region=f"{region['township']}{region['name']}"
        if region["township"] != region["name"] else region["name"],
        version=version.number,
        published_on=version.published_at.astimezone(CHINA).date().isoformat(),
        period_start=version.period_start.isoformat(), period_end=version.period_end.isoformat(),
        total_fen=total_fen, total_label=label, superseded_by=superseded_by, reason=reason,
        corrects=format_code(corrects) if corrects else None,
        correction_reason=content.get("correction", {}).get("reason", "") or "",
        kind=content["kind"],
        total_text=total_phrase(content),
    )
