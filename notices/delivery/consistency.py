"""The consistency matrix (DESIGN §3): every live notice × every channel, with the version
each channel holds, so a board or group still showing v1 after v2 stands out."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from notices.clock import CHINA
from notices.delivery.digest import LOOKBACK_DAYS
from notices.delivery.models import BoardPosting
from notices.delivery.mp_models import DigestState, MpDigestItem
from notices.fingerprint import fingerprint, format_code
from notices.kinds.finance import finance_stale, is_finance
from notices.kinds.payout import content_from_ledger
from notices.models import Delivery, DeliveryPurpose, DeliveryState, NoticeVersion, VersionStatus
from villages.codes import prefix_of
from villages.models import ChannelTarget, Vetting

# Keys publication adds to the drafted content; without them a version is comparable to
# what the ledger would draft today.
PUBLICATION_KEYS = frozenset({"notice_id", "version", "period", "supervision_phone",
                              "correction"})


# A cadre has this many days to post a new version and upload the photo; until then the
# board cell is "to_post" (shown, not an inconsistency). A photo of an older version is
# stale at once: the board shows what a correction replaced.
BOARD_POSTING_DAYS = 3
_FINE = frozenset({"ok", "to_post", "waiting"})


@dataclass
class Cell:
    channel: str
    target: str
    holds: int | None      # the version number the channel shows, None if none
    state: str             # ok | stale | pending | awaiting | failed | missing | to_post | waiting
    # awaiting: a cadre has yet to tap send (customer group) or confirm a forward
    # to_post: the board is in its grace days before a photo is due
    # waiting: a scheduled channel (the daily digest) has not reached its time yet
    error: str = ""        # the platform's message when the delivery failed


@dataclass
class Row:
    notice_id: int
    title: str
    region: str
    region_code: str
    version: int
    verify_code: str
    ledger_stale: bool
    cells: list[Cell] = field(default_factory=list)
    # A withdrawn notice whose withdrawal has not reached every place yet: its cells are
    # the withdrawal deliveries still to land, and the row is never ok while it is listed.
    withdrawn: bool = False
    withdrawn_reason: str = ""

    @property
    def ok(self) -> bool:
        if self.withdrawn:
            return False
        return not self.ledger_stale and all(c.state in _FINE for c in self.cells)


async def _ledger_stale(version: NoticeVersion) -> bool:
    notice = version.notice
    base = {k: v for k, v in version.content.items() if k not in PUBLICATION_KEYS}
    if is_finance(base):
        return await finance_stale(base, fingerprint(base))
    if notice.batch_id is None:
        return False
    now = await content_from_ledger(notice)
    return now is None or fingerprint(now) != fingerprint(base)


def public_name(target: ChannelTarget) -> str:
    """A target's name as the public page shows it: a group named through a forward-pack
    link shows its name only once staff confirmed it (the name is whatever the link's
    holder typed, and could be anyone's phone number)."""
    return {Vetting.PENDING: "待确认的群", Vetting.REJECTED: "已驳回的群"}.get(
        target.vetting, target.name)


def _channel_cells(current: NoticeVersion, deliveries: list[Delivery]) -> list[Cell]:
    """One cell per target: the robot group, each cadre's customer groups ("customer-group
    task confirmed" once the cadre tapped send) and each ordinary WeChat group ("forward pack
    confirmed" once the cadre said they forwarded it)."""
    by_target: dict[int, list[Delivery]] = {}
    for d in deliveries:
        by_target.setdefault(d.target_id, []).append(d)
    cells = []
    for sent in by_target.values():
        held = max((d.version.number for d in sent if d.state == DeliveryState.DELIVERED),
                   default=None)
        for_current = [d for d in sent if d.version_id == current.id]
        error = ""
        if held == current.number:
            state = "ok"
        elif failed := [d for d in for_current if d.state == DeliveryState.FAILED]:
            state, error = "failed", failed[0].last_error
        elif any(d.state == DeliveryState.AWAITING_CONFIRMATION for d in for_current):
            state = "awaiting"
        elif for_current:
            state = "pending"
        else:
            state = "stale" if held else "missing"
        cells.append(Cell(str(sent[0].target.kind), public_name(sent[0].target), held, state,
                          error))
    return cells


async def _board_cell(version: NoticeVersion, today: date) -> Cell:
    """Which version the notice's own board holds, by the latest posting photo."""
    latest = await BoardPosting.filter(
        version__notice_id=version.notice_id, region_id=version.notice.region_id
    ).order_by("-posted_at", "-id").prefetch_related("version").first()
    if latest is not None:
        held = latest.version.number
        return Cell("board", "公开栏", held, "ok" if held == version.number else "stale")
    posted = version.published_at.astimezone(CHINA).date()
    waiting = (today - posted).days < BOARD_POSTING_DAYS
    return Cell("board", "公开栏", None, "to_post" if waiting else "missing")


async def consistency_matrix(region_code: str | None = None,
                             today: date | None = None) -> list[Row]:
    today = today or datetime.now(CHINA).date()
    query = NoticeVersion.filter(status=VersionStatus.CURRENT)
    if region_code:
        query = query.filter(notice__region__code__startswith=prefix_of(region_code))
    rows = []
    for version in await query.order_by("notice_id").prefetch_related("notice__region"):
        notice = version.notice
        deliveries = await Delivery.filter(
            version__notice_id=notice.id, purpose=DeliveryPurpose.PUBLISH
        ).prefetch_related("version", "target")
        row = Row(notice.id, notice.title, notice.region.name, notice.region.code,
                  version.number, format_code(version.verify_code),
                  await _ledger_stale(version))
        row.cells.append(Cell("web", "公示网页", version.number, "ok"))
        row.cells.append(await _board_cell(version, today))
        row.cells.extend(_channel_cells(version, deliveries))
        row.cells.append(await digest_cell(version))
        rows.append(row)
    return rows + await withdrawal_rows(region_code)


_WITHDRAWAL_STATES = {DeliveryState.PENDING: "pending", DeliveryState.SENDING: "pending",
                      DeliveryState.AWAITING_CONFIRMATION: "awaiting",
                      DeliveryState.FAILED: "failed"}


async def withdrawal_rows(region_code: str | None = None) -> list[Row]:
    """Withdrawn notices whose withdrawal still waits somewhere (a WeChat group not yet
    told, a customer-group task not yet sent, a robot message failing): the group still
    shows the withdrawn notice as if it stood, which is the inconsistency to chase."""
    query = Delivery.filter(purpose=DeliveryPurpose.WITHDRAW).exclude(
        state=DeliveryState.DELIVERED)
    if region_code:
        query = query.filter(
            version__notice__region__code__startswith=prefix_of(region_code))
    waiting = await query.order_by("version_id", "id").prefetch_related(
        "target", "version__notice__region")
    rows: dict[int, Row] = {}
    for d in waiting:
        version = d.version
        row = rows.get(version.id)
        if row is None:
            notice = version.notice
            row = rows[version.id] = Row(
                notice.id, notice.title, notice.region.name, notice.region.code,
                version.number, format_code(version.verify_code), False,
                withdrawn=True, withdrawn_reason=version.withdrawn_reason)
        row.cells.append(Cell(str(d.target.kind), public_name(d.target), version.number,
                              _WITHDRAWAL_STATES[d.state], d.last_error))
    return list(rows.values())


async def digest_cell(current: NoticeVersion) -> Cell:
    """Whether the official account's daily digest listed this version (DESIGN §3)."""
    items = await MpDigestItem.filter(version__notice_id=current.notice_id).prefetch_related(
        "digest", "version")
    sent = [i for i in items if i.digest.state == DigestState.DELIVERED]
    held = max((i.version.number for i in sent), default=None)
    mine = [i.digest for i in items if i.version_id == current.id]
    if held == current.number:
        state = "ok"
    elif any(d.state == DigestState.FAILED for d in mine):
        state = "failed"
    elif mine:
        state = "pending"      # listed in a digest that is being sent
    elif datetime.now(UTC) - current.published_at < timedelta(days=LOOKBACK_DAYS):
        state = "waiting"      # the next digest lists it (a correction marked 更正)
    else:
        state = "stale" if held else "missing"
    return Cell("mp_digest", "公众号日报", held, state)


def matrix_as_dict(rows: list[Row]) -> dict[str, Any]:
    return {"consistent": all(r.ok for r in rows),
            "notices": [{**asdict(r), "ok": r.ok} for r in rows]}
