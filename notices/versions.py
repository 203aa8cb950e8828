"""Finding a published version by its verify code, however a villager typed it."""

from __future__ import annotations

from notices.fingerprint import normalize_code
from notices.models import NoticeVersion
from villages.errors import NotFound


async def find_version(code_text: str) -> NoticeVersion:
    code = normalize_code(code_text)
    version = await NoticeVersion.get_or_none(verify_code=code) if code else None
    if version is None:
        raise NotFound(f"没有核验码为“{code_text.strip()[:20]}”的公示，请核对后重新输入")
    return version
