"""Finding a published version by its verify code, however a villager typed it."""

from __future__ import annotations

from notices.fingerprint import normalize_code, unknown_code
from notices.models import NoticeVersion


async def find_version(code_text: str) -> NoticeVersion:
    code = normalize_code(code_text)
    version = await NoticeVersion.get_or_none(verify_code=code) if code else None
    if version is None:
        raise unknown_code(code_text)
    return version
