"""The consistency matrix (DESIGN §3): every live notice × every channel, with the version
each channel holds, so a board or group still showing v1 after v2 stands out."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from notices.content import content_from_ledger
from notices.fingerprint import fingerprint, format_code
from notices.models import Delivery, DeliveryPurpose, DeliveryState, NoticeVersion, VersionStatus
from villages.codes import prefix_of

# Keys publication adds to the drafted content; without them a version is comparable to
# what the ledger would draft today.
PUBLICATION_KEYS = frozenset({"notice_id", "version", "period", "supervision_phone",
                              "correction"})


@dataclass
class Cell:
    channel: str
    target: str
    holds: int | None      # the version number the channel shows, None if none
    state: str             # ok | stale | pending | awaiting | failed | missing
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

    @property
    def ok(self) -> bool:
        return not self.ledger_stale and all(c.state == "ok" for c in self.cells)


async def _ledger_stale(version: NoticeVersion) -> bool:
    notice = version.notice
    if notice.batch_id is None:
        return False
    now = await content_from_ledger(notice)
    base = {k: v for k, v in version.content.items() if k not in PUBLICATION_KEYS}
    return now is None or fingerprint(now) != fingerprint(base)


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
        cells.append(Cell(str(sent[0].target.kind), sent[0].target.name, held, state, error))
    return cells


async def consistency_matrix(region_code: str | None = None) -> list[Row]:
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
        row.cells.extend(_channel_cells(version, deliveries))
        rows.append(row)
    return rows


def matrix_as_dict(rows: list[Row]) -> dict[str, Any]:
    return {"consistent": all(r.ok for r in rows),
            "notices": [{**asdict(r), "ok": r.ok} for r in rows]}
