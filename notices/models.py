"""Notices, their immutable published versions, the delivery outbox and the audit log."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from villages.errors import NotFound
from villages.models import ChannelTarget, Region, Staff

if TYPE_CHECKING:  # annotations only: those tables sit above this one
    from notices.kinds.catalog_models import CatalogItem
    from notices.ledgers.models import PayoutBatch


class NoticeKind(StrEnum):
    PAYOUT_VILLAGE = "payout_village"     # 补贴发放公示（村）
    PAYOUT_SUMMARY = "payout_summary"     # 补贴发放汇总表（乡镇）
    FINANCE_VILLAGE = "finance_village"   # 村级财务收支公开（月度/季度）
    GENERAL = "general"                   # 通知公告（正文 + 图片）


class NoticeState(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"
    CLOSED = "closed"        # 公示期满: still current and checkable, no longer on display
    ARCHIVED = "archived"    # 已归档: kept for the record (≥ 10 years), nothing more happens


class VersionStatus(StrEnum):
    CURRENT = "current"
    SUPERSEDED = "superseded"
    WITHDRAWN = "withdrawn"


class DeliveryPurpose(StrEnum):
    PUBLISH = "publish"      # the notice (or its correction) itself
    WITHDRAW = "withdraw"    # tell every place the notice reached that it is withdrawn


class DeliveryState(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    AWAITING_CONFIRMATION = "awaiting_confirmation"
    DELIVERED = "delivered"
    FAILED = "failed"


class Notice(Model):
    """A matter to disclose. Public content lives in versions, this row is the workflow."""
    _no_comments = True  # no source scan at import: see bot/db.py

    id = fields.IntField(primary_key=True)
    kind = fields.CharEnumField(NoticeKind, max_length=30)
    region: fields.ForeignKeyRelation[Region] = fields.ForeignKeyField(
        "villages.Region", related_name="notices", on_delete=fields.RESTRICT
    )
    batch: fields.ForeignKeyNullableRelation[PayoutBatch] = fields.ForeignKeyField(
        "notices.PayoutBatch", related_name="notices", null=True, on_delete=fields.RESTRICT
    )
    title = fields.CharField(max_length=200)
    catalog_item: fields.ForeignKeyNullableRelation[CatalogItem] = fields.ForeignKeyField(
        "notices.CatalogItem", related_name="notices", null=True, on_delete=fields.RESTRICT
    )
    state = fields.CharEnumField(NoticeState, max_length=20, default=NoticeState.DRAFT)
    # The public content as drafted, and the batch revision it was drafted from.
    draft_content = fields.JSONField()
    draft_sha256 = fields.CharField(max_length=64)
    batch_revision = fields.IntField(default=0)
    author: fields.ForeignKeyRelation[Staff] = fields.ForeignKeyField(
        "villages.Staff", related_name="authored_notices", on_delete=fields.RESTRICT
    )
    reviewer: fields.ForeignKeyNullableRelation[Staff] = fields.ForeignKeyField(
        "villages.Staff", related_name="reviewed_notices", null=True, on_delete=fields.RESTRICT
    )
    approved_sha256 = fields.CharField(max_length=64, default="")
    reject_reason = fields.CharField(max_length=500, default="")
    # Set while a correction of the published version is being drafted and reviewed.
    correction_reason = fields.CharField(max_length=500, default="")
    withdrawn_reason = fields.CharField(max_length=500, default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "notice"
        indexes = (("region_id", "state"), ("batch_id", "kind"))


class NoticeVersion(Model):
    """What was published, frozen: every channel renders from exactly this."""
    _no_comments = True  # no source scan at import: see bot/db.py

    id = fields.IntField(primary_key=True)
    notice: fields.ForeignKeyRelation[Notice] = fields.ForeignKeyField(
        "notices.Notice", related_name="versions", on_delete=fields.RESTRICT
    )
    number = fields.IntField()
    content = fields.JSONField()
    fingerprint = fields.CharField(max_length=64, unique=True)
    verify_code = fields.CharField(max_length=8, unique=True)
    status = fields.CharEnumField(VersionStatus, max_length=20, default=VersionStatus.CURRENT)
    period_start = fields.DateField()
    period_end = fields.DateField()
    published_at = fields.DatetimeField()
    published_by: fields.ForeignKeyRelation[Staff] = fields.ForeignKeyField(
        "villages.Staff", related_name="published_versions", on_delete=fields.RESTRICT
    )
    pdf_file = fields.CharField(max_length=255)   # name inside the file store
    # Status and these two change after publication; everything above is frozen by
    # database triggers (migration 0004), not just by the service layer.
    withdrawn_reason = fields.CharField(max_length=500, default="")
    status_changed_at = fields.DatetimeField(null=True)
    # The audit event of the latest status change: the database refuses a change of the
    # three fields above without a new one (migration 0015), so none goes unrecorded.
    status_event_id = fields.BigIntField(null=True, unique=True)

    class Meta:
        table = "notice_version"
        unique_together = (("notice", "number"),)


class Delivery(Model):
    """Outbox row: one (version, channel target). Written with the publication itself."""
    _no_comments = True  # no source scan at import: see bot/db.py

    id = fields.BigIntField(primary_key=True)
    version: fields.ForeignKeyRelation[NoticeVersion] = fields.ForeignKeyField(
        "notices.NoticeVersion", related_name="deliveries", on_delete=fields.RESTRICT
    )
    target: fields.ForeignKeyRelation[ChannelTarget] = fields.ForeignKeyField(
        "villages.ChannelTarget", related_name="deliveries", on_delete=fields.RESTRICT
    )
    purpose = fields.CharEnumField(DeliveryPurpose, max_length=10,
                                   default=DeliveryPurpose.PUBLISH)
    state = fields.CharEnumField(DeliveryState, max_length=25, default=DeliveryState.PENDING)
    attempts = fields.IntField(default=0)
    # Messages of this delivery already accepted by the platform; a retry resumes after
    # them, so a crash can duplicate at most the one message in flight.
    steps_done = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField()
    lease_until = fields.DatetimeField(null=True)
    last_error = fields.CharField(max_length=500, default="")
    platform_ids = fields.JSONField(default=list)
    created_at = fields.DatetimeField(auto_now_add=True)
    delivered_at = fields.DatetimeField(null=True)

    class Meta:
        table = "delivery"
        unique_together = (("version", "target", "purpose"),)
        indexes = (("state", "next_attempt_at"),)


class AuditEvent(Model):
    """Append-only, hash-chained record of who did what."""
    _no_comments = True  # no source scan at import: see bot/db.py

    id = fields.BigIntField(primary_key=True)
    at = fields.DatetimeField()
    actor = fields.CharField(max_length=50)
    action = fields.CharField(max_length=50)
    subject = fields.CharField(max_length=100)
    detail = fields.JSONField(default=dict)
    prev_hash = fields.CharField(max_length=64)
    hash = fields.CharField(max_length=64, unique=True)

    class Meta:
        table = "audit_event"


async def region_of(notice: Notice) -> Region:
    return await Region.get(id=notice.region_id)


async def get_notice(notice_id: int) -> Notice:
    notice = await Notice.get_or_none(id=notice_id).prefetch_related("region", "author")
    if notice is None:
        raise NotFound(f"没有编号为 {notice_id} 的公示")
    return notice
