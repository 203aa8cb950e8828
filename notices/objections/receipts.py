"""What a villager holds to follow their objection, and what it shows them (issue §3).

The staff's number (Y2026000123) runs in sequence, so it opens nothing. The villager gets a
receipt of 80 random bits instead (16 Crockford base32 characters, ``K7F3-92QD-XM4P-8RTA``),
shown once when the objection is filed and stored only as its SHA-256: whoever holds it
opens ``/o/<receipt>``. On the official account, 查询 answers only the follower who filed
the objection, by receipt or by number.

Either way the page shows where the objection stands, and an answer only if the township
made it public and it passes the privacy gate: an answer given privately (by phone, about
one family) is never shown to whoever holds the link.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from notices.clock import CHINA
from notices.county.settings import whitelisted_numbers
from notices.fingerprint import ALPHABET, format_code, normalize_code
from notices.models import Notice, NoticeVersion, region_of
from notices.objections.models import Objection, ObjectionStatus
from notices.privacy.cipher import SensitiveCipher
from notices.privacy.gate import scannable_texts
from notices.privacy.scanner import find_personal_numbers
from villages.errors import NotFound

RECEIPT_LENGTH = 16   # 16 × 5 = 80 bits: not found by counting, nor by guessing
LISTED = 5            # 查询 with nothing after it lists the follower's latest objections
_STATUS_ZH = {ObjectionStatus.OPEN: "处理中", ObjectionStatus.UPHELD: "异议成立，将更正公示",
              ObjectionStatus.NOT_UPHELD: "异议不成立", ObjectionStatus.ANSWERED: "已答复"}
_NOT_FOUND = "没有找到这个回执码的异议，请核对回执码（16位字母和数字）"


def new_receipt() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(RECEIPT_LENGTH))


def format_receipt(receipt: str) -> str:
    return "-".join(receipt[i:i + 4] for i in range(0, len(receipt), 4))


def receipt_digest(receipt: str) -> str:
    return hashlib.sha256(receipt.encode()).hexdigest()


def openid_key(cipher: SensitiveCipher, openid: str) -> str:
    """A follower as stored with their objections: keyed, so a leaked table names nobody."""
    return cipher.lookup_hash(f"objection-openid:{openid}")


@dataclass(frozen=True)
class ObjectionView:
    """What the villager (or anyone with the receipt) may see: no contact, no question, and
    an answer only if it was made public and passes the privacy gate."""

    number: str
    status: str
    status_zh: str
    notice_title: str
    verify_code: str
    raised_on: str
    due_on: str
    answer: str          # the public answer, or ""
    answered_privately: bool


async def allowed_numbers(version: NoticeVersion) -> frozenset[str]:
    """The official numbers a text about ``version``'s notice may show."""
    return await whitelisted_numbers(await region_of(await Notice.get(id=version.notice_id)))


def shown_answer(objection: Objection, allowed: frozenset[str]) -> str:
    """The answer if anyone may read it: marked public and still passing the gate (the
    answer was scanned when given, but the whitelist may have changed since)."""
    if not objection.answer_public or not objection.answer:
        return ""
    texts = scannable_texts({"question": objection.text, "answer": objection.answer})
    if any(find_personal_numbers(text, allowed) for _, text in texts):
        return ""
    return objection.answer


async def view_of(objection: Objection) -> ObjectionView:
    version: NoticeVersion = objection.version
    answer = shown_answer(objection, await allowed_numbers(version))
    answered = objection.status != ObjectionStatus.OPEN
    return ObjectionView(
        objection.number, objection.status.value, _STATUS_ZH[objection.status],
        version.content["title"], format_code(version.verify_code),
        objection.created_at.astimezone(CHINA).date().isoformat(), objection.due_on.isoformat(),
        answer, answered and not answer)


async def lookup(receipt_text: str) -> ObjectionView:
    """The objection a receipt opens; anything else (a number, a guess, 1 KB of junk) is
    the same 404."""
    receipt = normalize_code(receipt_text, RECEIPT_LENGTH)
    objection = None
    if receipt is not None:
        objection = await Objection.get_or_none(
            receipt_sha256=receipt_digest(receipt)).prefetch_related("version")
    if objection is None:
        raise NotFound(_NOT_FOUND)
    return await view_of(objection)


async def lookup_filed_by(text: str, openid: str, cipher: SensitiveCipher) -> ObjectionView:
    """查询 on the official account: the objection named by receipt or number, only if this
    follower filed it. Someone else's looks exactly like one that does not exist."""
    receipt = normalize_code(text, RECEIPT_LENGTH)
    number = text.strip().upper()
    query = Objection.filter(openid_hash=openid_key(cipher, openid))
    objection = None
    if receipt is not None:
        objection = await query.get_or_none(receipt_sha256=receipt_digest(receipt))
    elif len(number) <= 12:
        objection = await query.get_or_none(number=number)
    if objection is not None:
        await objection.fetch_related("version")
    if objection is None:
        raise NotFound("没有找到您用这个微信号提交的这条异议。请核对编号；"
                       "在网页上或电话登记的异议，请打开回执上的链接查看")
    return await view_of(objection)


async def filed_by(openid: str, cipher: SensitiveCipher) -> list[ObjectionView]:
    """The follower's latest objections, newest first."""
    rows = await Objection.filter(openid_hash=openid_key(cipher, openid)).order_by(
        "-id").limit(LISTED).prefetch_related("version")
    return [await view_of(o) for o in rows]
