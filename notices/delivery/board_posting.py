"""A cadre records that the board copy of a notice was posted, with a photo as proof.

The photo is untrusted input from a phone: it must be an image Pillow can fully decode, not
larger than the cap in bytes or pixels (a decompression bomb is a few KB that decodes to
gigabytes), and it is re-encoded before it is stored, which drops EXIF (the GPS position of
the cadre's phone is nobody's business) and anything appended after the image data.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from tortoise.transactions import in_transaction

from notices.audit import record_event
from notices.clock import CHINA
from notices.delivery.models import BoardPosting
from notices.files import FileStore
from notices.fingerprint import format_code
from notices.images import ImageRules, clean_image
from notices.models import Notice, NoticeVersion, VersionStatus, get_notice
from villages.errors import Conflict, InvalidInput
from villages.models import Region, Role, Staff
from villages.services import check_in_scope, check_role, get_region

MAX_PHOTO_BYTES = 15 * 1024 * 1024     # a 50 MP phone JPEG is ~12 MB
PHOTO_RULES = ImageRules(
    what="照片", formats=frozenset({"JPEG", "PNG", "WEBP", "MPO"}),  # MPO: many phones' .jpg
    formats_zh="JPG、PNG 或 WebP 照片", max_bytes=MAX_PHOTO_BYTES, max_pixels=60_000_000,
    max_edge=2000,        # long side kept: enough to read a row from the photo
    min_short_side=320)   # smaller shows nothing of a board


@dataclass(frozen=True)
class CheckedPhoto:
    jpeg: bytes
    sha256: str
    width: int
    height: int


def check_photo(data: bytes, filename: str) -> CheckedPhoto:
    """The photo re-encoded as a plain JPEG, or InvalidInput saying what is wrong with it."""
    clean = clean_image(data, filename, PHOTO_RULES)
    return CheckedPhoto(clean.data, hashlib.sha256(data).hexdigest(), clean.width, clean.height)


async def _board_region(notice: Notice, village_code: str) -> Region:
    """The board that should hold the notice: its own region's."""
    region = await get_region(village_code)
    if region.id != notice.region_id:
        own = await Region.get(id=notice.region_id)
        raise InvalidInput(f"公示 {notice.id} 是{own.name}的公示，不贴在{region.name}的公开栏")
    return region


async def record_board_posting(notice_id: int, village_code: str, photo: bytes, filename: str,
                               actor: Staff, store: FileStore) -> BoardPosting:
    """The board now holds the notice's current version; the photo proves it."""
    check_role(actor, Role.VILLAGE_CADRE, Role.TOWNSHIP_CLERK, Role.COUNTY_ADMIN)
    notice = await get_notice(notice_id)
    region = await _board_region(notice, village_code)
    check_in_scope(actor, region)
    version = await NoticeVersion.get_or_none(notice_id=notice.id, status=VersionStatus.CURRENT)
    if version is None:
        raise Conflict(f"公示 {notice.id} 没有现行版本（未发布或已撤回），不用张贴")
    checked = check_photo(photo, filename)
    name = f"board-{version.verify_code}-{region.code}-{checked.sha256[:12]}.jpg"
    store.put(name, checked.jpeg)
    async with in_transaction():
        posting = await BoardPosting.create(
            version=version, region=region, photo_file=name, photo_sha256=checked.sha256,
            width=checked.width, height=checked.height, posted_by=actor,
            posted_at=datetime.now(CHINA))
        await record_event(actor.name, "board_posted", f"notice:{notice.id}",
                           {"version": version.number, "verify_code": version.verify_code,
                            "region": region.code, "photo_sha256": checked.sha256})
    return posting


def posting_summary(posting: BoardPosting, version: NoticeVersion) -> dict[str, object]:
    return {"id": posting.id, "notice_id": version.notice_id, "version": version.number,
            "verify_code": format_code(version.verify_code), "photo": posting.photo_file,
            "size": [posting.width, posting.height],
            "posted_at": posting.posted_at.isoformat()}
