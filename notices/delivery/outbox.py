"""The delivery outbox: claim due rows with a lease, record each outcome.

On PostgreSQL the claim is ``SELECT … FOR UPDATE SKIP LOCKED`` so any number of workers share
the table without taking the same row; on SQLite (one worker in the web process) the lock
clause is a no-op and the conditional update alone guards the claim.

A claim counts the attempt and sets a lease. A worker that dies mid-delivery leaves its rows
in ``sending``; the sweeper (``sweep_expired_leases``, its own loop in the worker) returns
them to ``pending`` once the lease has run out, or fails them after the last attempt.
Customer-group tasks wait in ``awaiting_confirmation``; ``claim_polls`` hands each due one to
exactly one worker by moving its next poll time forward under the same lock.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from tortoise.expressions import F, Q, Subquery
from tortoise.transactions import in_transaction

from notices.models import Delivery, DeliveryState
from villages.models import ChannelTarget

MAX_ATTEMPTS = 8


async def claim_due(now: datetime, lease_s: int, limit: int = 10) -> list[Delivery]:
    """Take up to ``limit`` deliveries that are due, or whose worker's lease ran out."""
    due = Q(state=DeliveryState.PENDING, next_attempt_at__lte=now)
    async with in_transaction():
        rows = (
            await Delivery.filter(due)
            .order_by("next_attempt_at", "id")
            .limit(limit)
            .select_for_update(skip_locked=True)
        )
        claimed = []
        for row in rows:
            taken = await Delivery.filter(id=row.id, state=row.state).update(
                state=DeliveryState.SENDING,
                lease_until=now + timedelta(seconds=lease_s),
                attempts=F("attempts") + 1,
            )
            if taken:
                claimed.append(row)
    return await Delivery.filter(id__in=[r.id for r in claimed]).prefetch_related(
        "target", "version"
    ).order_by("id")


LEASE_EXPIRED = "租约到期：发送中的工作进程中断了，已放回队列重试"


async def sweep_expired_leases(now: datetime) -> int:
    """Return deliveries stuck in ``sending`` past their lease to ``pending`` (the claim
    already counted their attempt); fail those that used their last attempt."""
    stuck = Q(state=DeliveryState.SENDING, lease_until__lt=now)
    failed = await Delivery.filter(stuck, attempts__gte=MAX_ATTEMPTS).update(
        state=DeliveryState.FAILED, lease_until=None,
        last_error=f"{LEASE_EXPIRED}；已试 {MAX_ATTEMPTS} 次，放弃")
    returned = await Delivery.filter(stuck).update(
        state=DeliveryState.PENDING, next_attempt_at=now, lease_until=None,
        last_error=LEASE_EXPIRED)
    return failed + returned


async def claim_polls(now: datetime, interval_s: float, kinds: list[str],
                      limit: int = 10) -> list[Delivery]:
    """Awaiting-confirmation deliveries of ``kinds`` whose next poll is due, each handed to
    one worker only: its next poll time moves on under the row lock."""
    later = now + timedelta(seconds=interval_s)
    async with in_transaction():
        rows = (
            await Delivery.filter(state=DeliveryState.AWAITING_CONFIRMATION,
                                  next_attempt_at__lte=now,
                                  target_id__in=Subquery(
                                      ChannelTarget.filter(kind__in=kinds).values("id")))
            .order_by("next_attempt_at", "id").limit(limit)
            .select_for_update(skip_locked=True)
        )
        taken = [row.id for row in rows
                 if await Delivery.filter(id=row.id, next_attempt_at=row.next_attempt_at,
                                          state=DeliveryState.AWAITING_CONFIRMATION)
                 .update(next_attempt_at=later)]
    return await Delivery.filter(id__in=taken).prefetch_related("target", "version").order_by(
        "id")


async def await_confirmation(delivery: Delivery, next_check: datetime, platform_id: str = ""
                             ) -> None:
    """The platform holds the message until a person acts (a cadre taps send, forwards)."""
    ids = [*delivery.platform_ids, platform_id] if platform_id else delivery.platform_ids
    await Delivery.filter(id=delivery.id).update(
        state=DeliveryState.AWAITING_CONFIRMATION, next_attempt_at=next_check,
        lease_until=None, last_error="", platform_ids=ids)


async def defer(delivery: Delivery, until: datetime, reason: str) -> None:
    """Not now, and not a failure (a full rate window): back to pending without using up
    the attempt the claim counted."""
    await Delivery.filter(id=delivery.id).update(
        state=DeliveryState.PENDING, next_attempt_at=until, lease_until=None,
        attempts=F("attempts") - 1, last_error=reason[:500])


async def record_step(delivery: Delivery, platform_id: str = "") -> None:
    """One message of the delivery was accepted: never send it again."""
    delivery.steps_done += 1
    if platform_id:
        delivery.platform_ids = [*delivery.platform_ids, platform_id]
    await Delivery.filter(id=delivery.id).update(
        steps_done=delivery.steps_done, platform_ids=delivery.platform_ids
    )


async def mark_delivered(delivery: Delivery, now: datetime) -> None:
    await Delivery.filter(id=delivery.id).update(
        state=DeliveryState.DELIVERED, delivered_at=now, lease_until=None, last_error=""
    )


def backoff_s(attempts: int) -> float:
    """Exponential backoff with full jitter: 30 s, 60 s, 120 s … capped at an hour."""
    return random.uniform(0.5, 1.0) * min(3600.0, 30.0 * 2 ** max(0, attempts - 1))


async def mark_retry(delivery: Delivery, now: datetime, error: str,
                     retry_after_s: float | None = None) -> DeliveryState:
    """Schedule another attempt, or give up after MAX_ATTEMPTS."""
    if delivery.attempts >= MAX_ATTEMPTS:
        return await mark_failed(delivery, error)
    wait = max(retry_after_s or 0.0, backoff_s(delivery.attempts))
    await Delivery.filter(id=delivery.id).update(
        state=DeliveryState.PENDING, next_attempt_at=now + timedelta(seconds=wait),
        lease_until=None, last_error=error[:500],
    )
    return DeliveryState.PENDING


async def mark_failed(delivery: Delivery, error: str) -> DeliveryState:
    await Delivery.filter(id=delivery.id).update(
        state=DeliveryState.FAILED, lease_until=None, last_error=error[:500]
    )
    return DeliveryState.FAILED


QUEUED = (DeliveryState.PENDING, DeliveryState.SENDING)


async def oldest_queued_age_s(now: datetime) -> float | None:
    """Seconds the oldest delivery still waiting to go out has waited (None: none waits).

    Counted from when it was queued, not from its next attempt: a delivery retrying for an
    hour is an hour late, whatever its backoff says. Rows waiting for a person
    (``awaiting_confirmation``) are not queued: they went out already."""
    oldest = await Delivery.filter(state__in=QUEUED).order_by("created_at").first().values(
        "created_at")
    if not oldest:
        return None
    return max(0.0, (now - oldest["created_at"]).total_seconds())
