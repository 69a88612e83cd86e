"""Hand a mailing's queued messages to ``EMAIL_BACKEND``, each exactly once.

A worker claims a chunk of rows with one conditional UPDATE, then for each
row records the attempt, sends, and records the outcome. Two workers never
hold the same row. If a worker dies, its rows are freed once
``PERSONAL_LINKS_EMAIL_CLAIM_TIMEOUT`` has passed: those it never handed to
the backend go back to the queue, the one it was handing over is marked
failed (it may have gone out), so a restarted task sends the rest, once.
A backend error marks that row failed with the error, and sending goes on.
"""

from __future__ import annotations

import contextlib
import datetime
import time
import uuid
from typing import Any, NamedTuple

from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db.models import Count
from django.utils import timezone

from ..conf import personal_links_settings
from ..models import Mailing, OutboxMessage
from .compose import Composer, batch_placeholders
from .queue import queue_messages

__all__ = ["CHUNK_SIZE", "Pacer", "SendResult", "send_mailing"]

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
    with delivery.connection:
        while rows.claim(worker, CHUNK_SIZE) or rows.filter(state=State.QUEUED).exists():
            claimed = rows.filter(state=State.SENDING, claimed_by=worker, attempted_at=None)
            for row in claimed.select_related("link__contact").order_by("pk"):
                delivery.deliver(row)
    counts = dict(
        rows.filter(claimed_by=worker).values_list("state").annotate(n=Count("pk")).order_by()
    )
    return SendResult(
        *(counts.get(state, 0) for state in (State.SENT, State.FAILED, State.SKIPPED))
    )


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

    def deliver(self, row: OutboxMessage) -> None:
        if row.link.contact.email_opt_out:
            row.finish(self.worker, State.SKIPPED, reason=OutboxMessage.Reason.OPTED_OUT)
            return
        self.pacer.wait()
        if not row.start_attempt(self.worker):
            return
        try:
            sent = self.connection.send_messages([self.composer.message(row.link)])
        except Exception as exc:  # any backend's error: record it and go on
            row.finish(self.worker, State.FAILED, error=str(exc) or type(exc).__name__)
            self.reconnect()
            return
        if sent:
            row.finish(self.worker, State.SENT)
        else:
            row.finish(self.worker, State.FAILED, error="The email backend did not send it.")

    def reconnect(self) -> None:
        # After an error an SMTP connection may be dropped; the next message
        # opens a fresh one. A server that is down fails that message instead.
        with contextlib.suppress(Exception):
            self.connection.close()
        with contextlib.suppress(Exception):
            self.connection.open()
