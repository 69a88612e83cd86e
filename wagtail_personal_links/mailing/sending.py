"""Hand a mailing's queued messages to ``EMAIL_BACKEND``, each exactly once.

A worker takes a chunk of rows at a time, each step a conditional UPDATE: in
one transaction it claims them and marks the ones it is about to hand over
(all but contacts who opted out meanwhile); it sends them one by one, then
records every outcome of the chunk in a second transaction. Two workers
never hold the same row.

If sending is interrupted by an exception (a cancelled task, a lost
database), the worker still records what it sent and queues again what it
never handed over; the message it was handing over stays claimed. Rows a
worker holds when it stops, or is killed outright, are freed once
``PERSONAL_LINKS_EMAIL_CLAIM_TIMEOUT`` has passed: rows it had marked are
failed (they may have gone out), the others go back to the queue, so a
restarted task sends the rest, once. A chunk is at most ``CHUNK_SIZE``
messages, and about a second's worth under a rate limit, which bounds what a
killed worker leaves in doubt. A backend error marks that row failed with
the error, and sending goes on.
"""

from __future__ import annotations

import contextlib
import datetime
import time
import uuid
from collections import defaultdict
from typing import Any, NamedTuple

from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from ..conf import personal_links_settings
from ..models import Mailing, OutboxMessage
from ..models.outbox import OutboxQuerySet
from .compose import Composer, Recipient
from .placeholders import batch_placeholders
from .queue import queue_messages

__all__ = ["CHUNK_SIZE", "Pacer", "SendResult", "chunk_size", "send_mailing"]

CHUNK_SIZE = 100
State = OutboxMessage.State
_FROM_SETTINGS = object()


class SendResult(NamedTuple):
    """What one worker did: messages sent, failed and skipped."""

    sent: int = 0
    failed: int = 0
    skipped: int = 0


class Pacer:
    """Space calls to at most ``rate`` per second; ``None`` lets them through at once."""

    def __init__(self, rate: float | None) -> None:
        self.interval = 1 / rate if rate else 0.0
        self.next = time.monotonic()

    def wait(self) -> None:
        """Sleep until the next call is allowed."""
        if not self.interval:
            return
        now = time.monotonic()
        if self.next > now:
            time.sleep(self.next - now)
        self.next = max(self.next, now) + self.interval


def chunk_size(rate: float | None) -> int:
    """Return how many messages a worker claims at a time: about a second's worth, at most."""
    return min(CHUNK_SIZE, max(1, int(rate))) if rate else CHUNK_SIZE


def send_mailing(
    mailing: Mailing,
    *,
    connection: BaseEmailBackend | None = None,
    rate: Any = _FROM_SETTINGS,
    worker: str | None = None,
) -> SendResult:
    """Send the mailing's queued messages until none are left; return this worker's counts.

    Safe to run in several workers at once, and to run again after a crash.
    """
    mailing.refresh_from_db(fields=["cancelled_at", "queued_at"])
    if mailing.cancelled_at is not None:
        return SendResult()
    queue_messages(mailing)
    worker = worker or uuid.uuid4().hex
    rows = OutboxMessage.objects.filter(mailing=mailing)
    timeout = datetime.timedelta(seconds=personal_links_settings.EMAIL_CLAIM_TIMEOUT)
    rows.release_stale(timezone.now() - timeout)
    composer = Composer(
        mailing.batch, mailing.subject, mailing.body, mailing.from_email,
        batch_placeholders(mailing.batch),
    )  # fmt: skip
    rate = personal_links_settings.EMAIL_RATE if rate is _FROM_SETTINGS else rate
    delivery = _Delivery(worker, composer, connection or get_connection(), Pacer(rate))
    size = chunk_size(rate)
    with delivery.connection:
        while delivery.claim(rows, size) or rows.filter(state=State.QUEUED).exists():
            delivery.deliver(rows.filter(state=State.SENDING, claimed_by=worker))
    counts = dict(
        rows.filter(claimed_by=worker).values_list("state").annotate(n=Count("pk")).order_by()
    )
    return SendResult(
        *(counts.get(state, 0) for state in (State.SENT, State.FAILED, State.SKIPPED))
    )


class _Outcomes:
    """What became of one chunk's rows, recorded together."""

    def __init__(self, held: OutboxQuerySet, worker: str) -> None:
        self.held, self.worker = held, worker
        self.sent: list[int] = []
        self.skipped: list[int] = []
        self.failed: defaultdict[str, list[int]] = defaultdict(list)

    def add(self, pk: int, error: str) -> None:
        if error:
            self.failed[error].append(pk)
        else:
            self.sent.append(pk)

    def record(self, unsent: list[int]) -> None:
        # One transaction: a crash records all of the chunk or none of it.
        held, worker = self.held, self.worker
        with transaction.atomic():
            held.filter(pk__in=self.sent).finish(worker, State.SENT)
            held.filter(pk__in=self.skipped).finish(
                worker, State.SKIPPED, reason=OutboxMessage.Reason.OPTED_OUT
            )
            for error, pks in self.failed.items():
                held.filter(pk__in=pks).finish(worker, State.FAILED, error=error)
            held.filter(pk__in=unsent).give_back(worker)


class _Delivery:
    def __init__(
        self, worker: str, composer: Composer, connection: BaseEmailBackend, pacer: Pacer
    ) -> None:
        self.worker, self.composer, self.connection, self.pacer = (
            worker,
            composer,
            connection,
            pacer,
        )

    def claim(self, rows: OutboxQuerySet, size: int) -> int:
        """Claim up to ``size`` queued rows and mark those to hand over; return how many.

        One transaction, so that each chunk costs one commit before it is sent.
        Contacts who opted out since the mailing was queued are not marked.
        """
        with transaction.atomic():
            claimed = rows.claim(self.worker, size)
            held = rows.filter(state=State.SENDING, claimed_by=self.worker)
            held.filter(link__contact__email_opt_out=False).start_attempts(self.worker)
        return claimed

    def deliver(self, held: OutboxQuerySet) -> None:
        """Send the rows this worker has claimed, and record what became of each."""
        outcomes = _Outcomes(held, self.worker)
        pending: list[tuple[int, Recipient]] = []
        lookups = (f"link__{lookup}" for lookup in Recipient.LOOKUPS)
        rows = held.values_list("pk", "attempted_at", *lookups).order_by("pk")
        for pk, attempted_at, *fields in rows:
            if attempted_at is None:  # opted out since the mailing was queued
                outcomes.skipped.append(pk)
            else:
                pending.append((pk, Recipient(*fields)))
        handed = 0
        try:
            for pk, recipient in pending:
                self.pacer.wait()
                handed += 1  # from here on this message may go out: never give it back
                outcomes.add(pk, self.send(recipient))
        finally:
            outcomes.record(unsent=[pk for pk, _recipient in pending[handed:]])

    def send(self, recipient: Recipient) -> str:
        """Hand the recipient's message to the backend; return the error, or "" once sent."""
        try:
            sent = self.connection.send_messages([self.composer.message_to(recipient)])
        except Exception as exc:  # any backend's error: record it and go on
            self.reconnect()
            return str(exc) or type(exc).__name__
        return "" if sent else "The email backend did not send it."

    def reconnect(self) -> None:
        # After an error an SMTP connection may be dropped; the next message
        # opens a fresh one. A server that is down fails that message instead.
        with contextlib.suppress(Exception):
            self.connection.close()
        with contextlib.suppress(Exception):
            self.connection.open()
