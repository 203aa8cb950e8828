"""Objections and questions: raised by villagers during the 公示期, answered by the township
within a deadline, upheld ones leading to a correction (DESIGN §2)."""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from tortoise.transactions import in_transaction

from notices.audit import record_event
from notices.clock import CHINA
from notices.county.settings import get_int, whitelisted_numbers
from notices.models import Notice, NoticeVersion, VersionStatus, region_of
from notices.objections.models import Objection, ObjectionStatus
from notices.objections.rate_limits import MP_LIMIT, WEB_LIMIT, forget_idle, take_slot
from notices.objections.receipts import (
    allowed_numbers,
    format_receipt,
    new_receipt,
    openid_key,
    receipt_digest,
    shown_answer,
)
from notices.privacy.cipher import SensitiveCipher
from notices.privacy.gate import check_no_personal_numbers
from notices.versions import find_version
from villages.errors import Conflict, InvalidInput, NotFound
from villages.models import Role, Staff
from villages.services import check_in_scope, check_role

ANSWER_DAYS = 10
CHANNELS = ("web", "mp", "board")
_CONTACT = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")


async def answer_days() -> int:
    """Days to answer, as the county set it (notices.county.settings), 10 by default."""
    return await get_int("objection_answer_days", ANSWER_DAYS)


def check_contact(text: str) -> str:
    contact = re.sub(r"[\s-]", "", unicodedata.normalize("NFKC", text or ""))
    if not _CONTACT.match(contact):
        raise InvalidInput("请留一个能联系到您的电话（手机号或带区号的座机），乡镇会打电话答复",
                           details={"field": "contact"})
    return contact


def check_text(text: str) -> str:
    """The words as the villager (or the clerk) wrote them: full-width ，。！？ stay, since
    they are read by people; only surrounding spaces go."""
    text = (text or "").strip()
    if len(text) < 4:
        raise InvalidInput("请写清楚您的问题或异议（至少4个字）", details={"field": "text"})
    if len(text) > 1000:
        raise InvalidInput("内容太长了，请控制在1000字以内", details={"field": "text"})
    return text


@dataclass(frozen=True)
class Filed:
    """A new objection and its receipt: the receipt exists only here (the database keeps
    its hash), so whoever files it must hand it to the villager now."""

    objection: Objection
    receipt: str

    @property
    def receipt_text(self) -> str:
        return format_receipt(self.receipt)


async def raise_objection(code_text: str, text: str, contact: str, *, channel: str,
                          cipher: SensitiveCipher, today: date, client_address: str = "",
                          openid: str = "") -> Filed:
    """Record an objection against a version; only a current version inside its 公示期.
    ``client_address`` (web) and ``openid`` (official account) say who sent it, for the
    per-client limits; openid also decides who may 查询 it."""
    if channel not in CHANNELS:
        raise InvalidInput(f"未知的渠道 {channel}")
    version = await find_version(code_text)
    text, contact = check_text(text), check_contact(contact)
    if version.status != VersionStatus.CURRENT:
        raise Conflict("这份公示已被更正或撤回，请对现行版本提出异议")
    if not version.period_start <= today <= version.period_end:
        raise Conflict("公示期已结束，如有问题请到村委会或拨打监督电话")
    receipt = new_receipt()
    follower = openid_key(cipher, openid) if channel == "mp" else ""
    await forget_idle(datetime.now(CHINA))
    async with in_transaction():
        if channel == "mp":
            await take_slot(f"mp:{follower}", MP_LIMIT, datetime.now(CHINA))
        elif channel == "web":
            address = cipher.lookup_hash(f"objection-client:{client_address}")
            await take_slot(f"web:{address}", WEB_LIMIT, datetime.now(CHINA))
        objection = await Objection.create(
            number=f"T{secrets.token_hex(5)}", version=version, channel=channel,
            text=text, contact_cipher=cipher.encrypt(contact),
            receipt_sha256=receipt_digest(receipt), openid_hash=follower,
            due_on=today + timedelta(days=await answer_days()))
        objection.number = f"Y{today.year}{objection.id:06d}"   # from the id: unique, short
        await objection.save(update_fields=["number"])
        await record_event(f"villager:{channel}", "raise_objection", f"objection:{objection.id}",
                           {"version": version.verify_code})
    return Filed(objection, receipt)


async def find_objection(number: str) -> Objection:
    """The objection a staff member names by its number (Y2026000123)."""
    number = number.strip().upper()
    found = None
    if len(number) <= 12:   # the column's width: anything longer names nothing
        found = await Objection.get_or_none(number=number).prefetch_related("version")
    if found is None:
        raise NotFound(f"没有编号为 {number[:20]} 的异议")
    return found


async def answer(number: str, actor: Staff, text: str, outcome: ObjectionStatus | str, *,
                 public: bool = False) -> Objection:
    """The township's answer. ``public`` shows it under the notice (for questions of general
    interest; never for anything personal)."""
    check_role(actor, Role.TOWNSHIP_CLERK, Role.TOWNSHIP_REVIEWER, Role.COUNTY_ADMIN)
    outcome = ObjectionStatus(outcome)
    if outcome == ObjectionStatus.OPEN:
        raise InvalidInput("答复时请给出结论：upheld / not_upheld / answered")
    objection = await find_objection(number)
    notice = await Notice.get(id=objection.version.notice_id)
    region = await region_of(notice)
    check_in_scope(actor, region)
    text = check_text(text)
    if public:
        # Shown to everyone: the villager's words and the answer both pass the privacy gate.
        # An answer not made public never reaches a page (the receipt page says the
        # township answered the villager directly), so it may quote their own numbers.
        check_no_personal_numbers({"question": objection.text, "answer": text},
                                  await whitelisted_numbers(region))
    async with in_transaction():
        moved = await Objection.filter(id=objection.id, status=ObjectionStatus.OPEN).update(
            status=outcome, answer=text, answer_public=public, answered_by_id=actor.id,
            answered_at=datetime.now(CHINA))
        if not moved:
            raise Conflict(f"异议 {number} 已经答复过了")
        await record_event(actor.name, "answer_objection", f"objection:{objection.id}",
                           {"outcome": outcome.value, "public": public})
    return await Objection.get(id=objection.id)


async def public_answers(version: NoticeVersion) -> list[dict[str, str]]:
    """Answers published under a notice: every version of the same notice counts; only
    those marked public that pass the privacy gate (notices.objections.receipts)."""
    rows = await Objection.filter(version__notice_id=version.notice_id, answer_public=True
                                  ).order_by("id")
    allowed = await allowed_numbers(version)
    return [{"number": o.number, "question": o.text, "answer": o.answer} for o in rows
            if shown_answer(o, allowed)]


async def open_objections(region_prefix: str = "") -> list[Objection]:
    query = Objection.filter(status=ObjectionStatus.OPEN)
    if region_prefix:
        query = query.filter(version__notice__region__code__startswith=region_prefix)
    return await query.order_by("due_on", "id").prefetch_related("version")
