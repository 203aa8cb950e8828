"""What Cunwu sends through the official account: the daily digest article (one a day
listing the new notices) and slow replies that follow as customer-service messages."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from notices.models import NoticeVersion


class DigestMode(StrEnum):
    MASS = "mass"          # draft + mass send to every follower (counts against the quota)
    PUBLISH = "publish"    # draft + freepublish (in the account's article list, no push)


class DigestState(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    AWAITING_CONFIRMATION = "awaiting_confirmation"   # accepted, waiting for the job event
    DELIVERED = "delivered"
    FAILED = "failed"


class MpDigest(Model):
    """One day's digest on the official account, sent through the same steps as the
    outbox: every platform id is saved as soon as the platform returns it."""
    _no_comments = True  # no source scan at import: see bot/db.py

    id = fields.BigIntField(primary_key=True)
    day = fields.DateField(unique=True)
    mode = fields.CharEnumField(DigestMode, max_length=10)
    state = fields.CharEnumField(DigestState, max_length=25, default=DigestState.PENDING)
    title = fields.CharField(max_length=64)
    content = fields.TextField()
    attempts = fields.IntField(default=0)
    steps_done = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField()
    lease_until = fields.DatetimeField(null=True)
    last_error = fields.CharField(max_length=500, default="")
    thumb_media_id = fields.CharField(max_length=128, default="")
    draft_media_id = fields.CharField(max_length=128, default="")
    msg_id = fields.CharField(max_length=64, default="")
    publish_id = fields.CharField(max_length=64, default="")
    article_url = fields.CharField(max_length=300, default="")
    platform_status = fields.CharField(max_length=100, default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    delivered_at = fields.DatetimeField(null=True)

    class Meta:
        table = "mp_digest"
        indexes = (("state", "next_attempt_at"),)


class MpDigestItem(Model):
    """A notice version listed in a day's digest."""
    _no_comments = True  # no source scan at import: see bot/db.py

    id = fields.BigIntField(primary_key=True)
    digest: fields.ForeignKeyRelation[MpDigest] = fields.ForeignKeyField(
        "notices.MpDigest", related_name="items", on_delete=fields.CASCADE
    )
    version: fields.ForeignKeyRelation[NoticeVersion] = fields.ForeignKeyField(
        "notices.NoticeVersion", related_name="digest_items", on_delete=fields.RESTRICT
    )

    class Meta:
        table = "mp_digest_item"
        unique_together = (("digest", "version"),)


class MpReply(Model):
    """An answer the callback could not give within WeChat's 5 seconds, sent afterwards as
    a customer-service message (the villager wrote in, so the 48-hour window is open)."""
    _no_comments = True  # no source scan at import: see bot/db.py

    id = fields.BigIntField(primary_key=True)
    openid = fields.CharField(max_length=64)
    text = fields.TextField()
    state = fields.CharEnumField(DigestState, max_length=25, default=DigestState.PENDING)
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField()
    lease_until = fields.DatetimeField(null=True)
    last_error = fields.CharField(max_length=500, default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    sent_at = fields.DatetimeField(null=True)

    class Meta:
        table = "mp_reply"
        indexes = (("state", "next_attempt_at"),)


class MpMessageClaim(Model):
    """A callback message claimed once across all web processes, with its reply.

    The first process to insert the key (MsgId, or sender and time for events) handles the
    message, every retry of it gets the stored reply. Rows live a few minutes (WeChat
    retries within 15 s) and are then deleted."""
    _no_comments = True  # no source scan at import: see bot/db.py

    key = fields.CharField(max_length=200, primary_key=True)
    reply = fields.TextField(null=True)           # the rendered passive reply, once ready
    lease_until = fields.DatetimeField()          # a claimer that died frees it after this
    expires_at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "mp_message_claim"
