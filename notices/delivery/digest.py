"""The official account's daily digest (DESIGN §4): one article a day listing, by township,
every notice version published since the last digest, each with its link ``/n/<code>``.
A correction is marked 【更正】 with its reason; a notice withdrawn since the last digest is
listed as 【撤回】 with the reason - a mass-sent article can't be unsent, so the next digest
is how followers learn. A withdrawal counts as listed by a digest built after it happened.

A digest row is created once per day (unique ``day``; on PostgreSQL under an advisory lock,
so two workers never both build it) together with its items, in one transaction. Sending
is ``bot.mp.digest_sender``'s job; this module knows nothing of WeChat's API.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import F, Q
from tortoise.transactions import in_transaction

from notices.audit import record_event
from notices.audit_anchors import Anchor, chain_head
from notices.clock import CHINA
from notices.county.settings import whitelisted_numbers
from notices.delivery.mp_models import DigestMode, DigestState, MpDigest, MpDigestItem
from notices.fingerprint import format_code
from notices.models import Notice, NoticeVersion, VersionStatus
from notices.privacy.gate import check_texts
from notices.render.finance import total_phrase
from villages.errors import CheckFailed, Conflict
from villages.models import Region

LOOKBACK_DAYS = 7             # a notice missed by a digest (server down) is listed next time
SERVICE_MASS_PER_MONTH = 4    # 服务号: each follower receives at most 4 mass sends a month
ADVISORY_LOCK_KEY = 0x6375_6E77_7564_6967  # "cunwudig": one digest builder at a time
TITLE_MAX = 64                # draft/add refuses longer titles (45003)


@dataclass(frozen=True)
class Entry:
    township: str
    village: str
    title: str
    code: str
    total: str             # 合计…元 / 期末余额…元, empty for a general notice
    period_end: str
    corrected: bool
    reason: str = ""        # the correction's or the withdrawal's reason
    withdrawn: bool = False


def digest_title(day: date, count: int, withdrawn: int = 0) -> str:
    title = f"村务公开日报 {day.year}年{day.month}月{day.day}日 新公示{count - withdrawn}项"
    return (title + (f" 撤回{withdrawn}项" if withdrawn else ""))[:TITLE_MAX]


def _withdrawn_by(version: NoticeVersion, as_of: datetime) -> bool:
    return (version.status == VersionStatus.WITHDRAWN and version.status_changed_at is not None
            and version.status_changed_at <= as_of)


def entry_of(version: NoticeVersion, as_of: datetime | None = None) -> Entry:
    """The digest line of ``version``: a withdrawal if it was withdrawn by ``as_of``."""
    content: dict[str, Any] = version.content
    region = content["region"]
    withdrawn = as_of is not None and _withdrawn_by(version, as_of)
    correction = content.get("correction") or {}
    return Entry(township=region["township"], village=region["name"], title=content["title"],
                 code=version.verify_code, total=total_phrase(content),
                 period_end=version.period_end.isoformat(),
                 corrected=bool(correction), withdrawn=withdrawn,
                 reason=version.withdrawn_reason if withdrawn else correction.get("reason", ""))


def _title_of(day: date, entries: list[Entry]) -> str:
    return digest_title(day, len(entries), sum(1 for e in entries if e.withdrawn))


def article_html(day: date, entries: list[Entry], public_url: str) -> str:
    """The article body: WeChat keeps simple HTML (p, h3, a, strong) and strips scripts."""
    withdrawn = sum(1 for e in entries if e.withdrawn)
    told = f"，撤回公示{withdrawn}项（此前发出的内容作废）" if withdrawn else ""
    parts = [f"<p>{day.year}年{day.month}月{day.day}日，全县新发布公示{len(entries) - withdrawn}项"
             f"{told}。点击标题查看公示全文，或在公众号发送“核验 核验码”核对公告栏上的公示。</p>"]
    by_township: dict[str, list[Entry]] = {}
    for entry in entries:
        by_township.setdefault(entry.township, []).append(entry)
    for township in sorted(by_township):
        parts.append(f"<h3>{html.escape(township)}</h3>")
        for e in sorted(by_township[township], key=lambda e: (e.village, e.title)):
            link = html.escape(f"{public_url}/n/{e.code}", quote=True)
            if e.withdrawn:  # no total, no period: only that it no longer stands, and why
                parts.append(
                    f'<p><a href="{link}">【撤回】{html.escape(e.village)}：'
                    f"{html.escape(e.title)}</a><br/>核验码 {format_code(e.code)} 的公示已撤回，"
                    f"原因：{html.escape(e.reason)}</p>")
                continue
            mark = "【更正】" if e.corrected else ""
            why = f"<br/>更正原因：{html.escape(e.reason)}" if e.corrected and e.reason else ""
            parts.append(
                f'<p><a href="{link}">{mark}{html.escape(e.village)}：{html.escape(e.title)}'
                f"</a><br/>{html.escape(e.total + '，') if e.total else ''}"
                f"公示至{e.period_end}，核验码 {format_code(e.code)}{why}</p>")
    parts.append("<p>如对公示内容有异议，请在公示期内向村委会或乡镇反映，"
                 "或在公众号发送“异议 核验码 电话 内容”。</p>")
    return "".join(parts)


def audit_paragraph(head: Anchor | None, public_url: str) -> str:
    """The audit chain's head, for the public to keep: an anchor outside our database
    (``cunwu audit verify --anchor 编号:哈希`` checks the chain against it). Added after the
    privacy scan: it is our own hash, and its hex digits could look like a number."""
    if head is None:
        return ""
    page = html.escape(f"{public_url}/audit", quote=True)
    return (f"<p>审计链核对：截至第 {head.event_id} 条操作记录，链头哈希为 {head.hash}。"
            f"保存此值，日后可核对操作记录未被改写或删除（<a href=\"{page}\">核对页面</a>）。</p>")


async def unlisted_versions(now: datetime) -> list[NoticeVersion]:
    """Current versions published in the last week that no digest has listed yet, then
    versions withdrawn in the last week whose withdrawal no digest has listed yet."""
    since = now - timedelta(days=LOOKBACK_DAYS)
    recent = await (NoticeVersion.filter(status=VersionStatus.CURRENT, published_at__gte=since,
                                         published_at__lte=now).order_by("published_at", "id"))
    listed = set(await MpDigestItem.filter(version_id__in=[v.id for v in recent])
                 .values_list("version_id", flat=True))
    withdrawn = await (NoticeVersion.filter(status=VersionStatus.WITHDRAWN,
                                            status_changed_at__gte=since,
                                            status_changed_at__lte=now)
                       .order_by("status_changed_at", "id"))
    items = await MpDigestItem.filter(version_id__in=[v.id for v in withdrawn]
                                      ).prefetch_related("digest")
    told = {i.version_id for i in items for v in withdrawn
            if i.version_id == v.id and i.digest.created_at >= v.status_changed_at}
    return [v for v in recent if v.id not in listed] + [
        v for v in withdrawn if v.id not in told]


async def mode_for(day: date, account_type: str) -> DigestMode:
    """A subscription account mass-sends every day; a service account while its month's
    four mass sends last, and only publishes (no push, no quota) after that."""
    if account_type != "service":
        return DigestMode.MASS
    first = day.replace(day=1)
    used = await MpDigest.filter(mode=DigestMode.MASS, day__gte=first, day__lt=day).exclude(
        state=DigestState.FAILED).count()
    return DigestMode.MASS if used < SERVICE_MASS_PER_MONTH else DigestMode.PUBLISH


async def _lock_builders(conn: BaseDBAsyncClient) -> None:
    if conn.capabilities.dialect == "postgres":
        await conn.execute_query("SELECT pg_advisory_xact_lock($1)", [ADVISORY_LOCK_KEY])


async def preview(day: date, now: datetime, public_url: str) -> tuple[str, str, int]:
    """(title, html, count) of what the digest for ``day`` would list now."""
    entries = [entry_of(v, now) for v in await unlisted_versions(now)]
    return _title_of(day, entries), article_html(day, entries, public_url), len(entries)


async def ensure_digest(day: date, now: datetime, *, public_url: str,
                        account_type: str) -> MpDigest | None:
    """The digest row for ``day``: the existing one, or a new one listing what is new;
    None when there is nothing new to list. A privacy-scan hit stores the row as failed
    with the scan's message, so it is visible and never sent."""
    async with in_transaction() as conn:
        await _lock_builders(conn)
        existing = await MpDigest.get_or_none(day=day)
        if existing is not None:
            return existing
        versions = await unlisted_versions(now)
        if not versions:
            return None
        entries = [entry_of(v, now) for v in versions]
        title = _title_of(day, entries)
        content = article_html(day, entries, public_url)
        state, error = DigestState.PENDING, ""
        try:
            check_texts([("日报标题", title), ("日报正文", content)],
                        await _numbers_allowed(versions))
        except CheckFailed as exc:
            state, error = DigestState.FAILED, exc.message[:500]
        content += audit_paragraph(await chain_head(), public_url)
        digest = await MpDigest.create(
            day=day, mode=await mode_for(day, account_type), state=state, title=title,
            content=content, next_attempt_at=now, last_error=error)
        await MpDigestItem.bulk_create(
            [MpDigestItem(digest_id=digest.id, version_id=v.id) for v in versions])
        await record_event("system", "digest_created", f"digest:{day.isoformat()}",
                           {"mode": digest.mode.value, "versions": [v.id for v in versions],
                            "state": state.value})
        return digest


async def _numbers_allowed(versions: list[NoticeVersion]) -> frozenset[str]:
    """The county's numbers and the 监督电话 of the townships whose notices are listed."""
    region_ids = await Notice.filter(id__in={v.notice_id for v in versions}).values_list(
        "region_id", flat=True)
    return await whitelisted_numbers(*await Region.filter(id__in=set(region_ids)))


async def claim_digest(digest_id: int, now: datetime, lease_s: int) -> MpDigest | None:
    """Take the digest for sending if it is due (or its sender's lease ran out)."""
    due = Q(state=DigestState.PENDING, next_attempt_at__lte=now) | Q(
        state=DigestState.SENDING, lease_until__lt=now)
    taken = await MpDigest.filter(Q(id=digest_id) & due).update(
        state=DigestState.SENDING, lease_until=now + timedelta(seconds=lease_s),
        attempts=F("attempts") + 1)
    return await MpDigest.get(id=digest_id) if taken else None


async def due_digests(now: datetime) -> list[int]:
    due = Q(state=DigestState.PENDING, next_attempt_at__lte=now) | Q(
        state=DigestState.SENDING, lease_until__lt=now)
    return list(await MpDigest.filter(due).order_by("day").values_list("id", flat=True))


async def save_step(digest: MpDigest, **platform_ids: str) -> None:
    """One step accepted by the platform: record its id before anything else happens."""
    digest.steps_done += 1
    for name, value in platform_ids.items():
        setattr(digest, name, value)
    await MpDigest.filter(id=digest.id).update(steps_done=digest.steps_done, **platform_ids)


async def finish(digest: MpDigest, state: DigestState, now: datetime, *, error: str = "",
                 status: str = "", next_attempt_at: datetime | None = None) -> None:
    fields: dict[str, Any] = {"state": state, "lease_until": None, "last_error": error[:500]}
    if status:
        fields["platform_status"] = status[:100]
    if state == DigestState.DELIVERED:
        fields["delivered_at"] = now
    if next_attempt_at is not None:
        fields["next_attempt_at"] = next_attempt_at
    await MpDigest.filter(id=digest.id).update(**fields)
    await record_event("system", f"digest_{state.value}", f"digest:{digest.day.isoformat()}",
                       {"error": error[:200], "status": status[:100]})


async def job_finished(*, msg_id: str = "", publish_id: str = "", ok: bool, status: str,
                       article_url: str = "") -> MpDigest | None:
    """A MASSSENDJOBFINISH / PUBLISHJOBFINISH event: settle the digest it belongs to."""
    if not (msg_id or publish_id):
        return None
    query = MpDigest.filter(msg_id=msg_id) if msg_id else MpDigest.filter(publish_id=publish_id)
    digest = await query.first()
    if digest is None or digest.state == DigestState.DELIVERED:
        return digest
    if article_url:
        await MpDigest.filter(id=digest.id).update(article_url=article_url[:300])
    now = datetime.now(CHINA)
    await finish(digest, DigestState.DELIVERED if ok else DigestState.FAILED, now,
                 status=status, error="" if ok else f"平台报告失败：{status}")
    return await MpDigest.get(id=digest.id)


async def retry_failed(day: date, now: datetime, *, public_url: str, actor: str) -> MpDigest:
    """Give a failed digest another go (after the cause is fixed): its article is rebuilt
    from the versions it lists and scanned again; ids already saved are kept, so nothing
    the platform accepted is sent twice."""
    async with in_transaction() as conn:
        await _lock_builders(conn)
        digest = await MpDigest.get_or_none(day=day)
        if digest is None or digest.state != DigestState.FAILED:
            raise Conflict(f"{day.isoformat()} 的日报不是“失败”状态，无需重试")
        versions = await NoticeVersion.filter(digest_items__digest_id=digest.id).order_by(
            "published_at", "id")
        entries = [entry_of(v, digest.created_at) for v in versions]
        title = _title_of(day, entries)
        content = article_html(day, entries, public_url)
        check_texts([("日报标题", title), ("日报正文", content)],
                    await _numbers_allowed(versions))
        content += audit_paragraph(await chain_head(), public_url)
        await MpDigest.filter(id=digest.id).update(
            title=title, content=content, state=DigestState.PENDING, attempts=0,
            next_attempt_at=now, lease_until=None, last_error="")
        await record_event(actor, "digest_retry", f"digest:{day.isoformat()}",
                           {"steps_done": digest.steps_done})
        return await MpDigest.get(id=digest.id)
