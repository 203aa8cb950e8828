"""Checking a version by its verify code: current, superseded (by which, and why) or
withdrawn, and whether its stored content still hashes to what was published (DESIGN §3).
The answer itself is worked out in ``verdict.describe``."""

from __future__ import annotations

from notices.models import NoticeVersion, VersionStatus
from notices.public.verdict import Verification, VersionFacts, describe
from notices.versions import find_version


def facts_of(version: NoticeVersion) -> VersionFacts:
    return VersionFacts(
        verify_code=version.verify_code, status=VersionStatus(version.status).value,
        number=version.number, content=version.content, fingerprint=version.fingerprint,
        published_at=version.published_at, period_start=version.period_start,
        period_end=version.period_end, withdrawn_reason=version.withdrawn_reason)


async def verify(code_text: str) -> Verification:
    return await check_version(await find_version(code_text))


async def check_version(version: NoticeVersion) -> Verification:
    newer = None
    if version.status == VersionStatus.SUPERSEDED:
        newer = await NoticeVersion.filter(notice_id=version.notice_id,
                                           number__gt=version.number).order_by("number").first()
    return describe(facts_of(version), facts_of(newer) if newer else None)
