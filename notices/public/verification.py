"""Checking a version by its verify code: current, superseded (by which, and why) or
withdrawn, and whether its stored content still hashes to what was published (DESIGN §3).
The answer is the same on the web page, the official account and ``cunwu verify``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from notices.fingerprint import fingerprint, format_code
from notices.models import NoticeVersion, VersionStatus
from notices.render.finance import headline, total_phrase
from notices.versions import find_version

_STATUS_ZH = {
    VersionStatus.CURRENT: "现行有效",
    VersionStatus.SUPERSEDED: "已被更正",
    VersionStatus.WITHDRAWN: "已撤回",
}


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


async def verify(code_text: str) -> Verification:
    return await check_version(await find_version(code_text))


async def check_version(version: NoticeVersion) -> Verification:
    """Whether this version is current, superseded (by which, and why) or withdrawn."""
    content = version.content
    newer, reason = None, version.withdrawn_reason
    if version.status == VersionStatus.SUPERSEDED:
        nxt = await NoticeVersion.filter(notice_id=version.notice_id,
                                         number__gt=version.number).order_by("number").first()
        if nxt:
            newer = format_code(nxt.verify_code)
            reason = nxt.content.get("correction", {}).get("reason", "")
    corrects = content.get("correction", {}).get("of")
    region = content["region"]
    label, total_fen = headline(content)
    return Verification(
        code=format_code(version.verify_code), status=version.status.value,
        status_zh=_STATUS_ZH[version.status],
        intact=fingerprint(content) == version.fingerprint,
        title=content["title"], region=f"{region['township']}{region['name']}"
        if region["township"] != region["name"] else region["name"],
        version=version.number, published_on=version.published_at.date().isoformat(),
        period_start=version.period_start.isoformat(), period_end=version.period_end.isoformat(),
        total_fen=total_fen, total_label=label, superseded_by=newer, reason=reason,
        corrects=format_code(corrects) if corrects else None,
        correction_reason=content.get("correction", {}).get("reason", "") or "",
        kind=content["kind"],
        total_text=total_phrase(content),
    )
