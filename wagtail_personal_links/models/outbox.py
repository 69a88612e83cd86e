"""The outbox: one row per message of a mailing, and what became of it.

Every message a mailing sends is one :class:`OutboxMessage` row. Its state
moves queued -> sending -> sent / failed (or straight to skipped) through
conditional ``UPDATE`` statements over a chunk of rows at a time, so that two
workers, or a task started again after a crash, never send the same message
twice.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Count, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .links import PersonalLink
from .mailings import EmailKind, Mailing

__all__ = [
    "OutboxMessage",
    "OutboxQuerySet",
    "batch_email_counts",
    "email_facts",
]

INTERRUPTED_ERROR = (
    "Sending was interrupted while this message was handed to the email backend; it may or "
    "may not have been delivered. Retry it if it did not arrive."
)


class OutboxQuerySet(models.QuerySet):
    """Claims and state changes over outbox rows, each one conditional UPDATE."""

    def claim(self, worker: str, size: int) -> int:
        """Mark up to ``size`` queued rows as being sent by ``worker``; return how many.

        The ``state = queued`` condition is checked again by the database on
        each row it locks, so of two workers racing for the same rows each
        row goes to exactly one (the other claims fewer, and tries again).
        """
        queued = self.filter(state=OutboxMessage.State.QUEUED)
        # The ids are read first: as `id IN (subquery)`, PostgreSQL planned
        # a nested loop over every queued row when the table's statistics
        # predate the mailing's rows, as they do right after it is queued.
        ids = list(queued.order_by("pk").values_list("pk", flat=True)[:size])
        return queued.filter(pk__in=ids).update(
            state=OutboxMessage.State.SENDING, claimed_by=worker, claimed_at=timezone.now()
        )

    def start_attempts(self, worker: str) -> int:
        """Record that ``worker`` hands these rows to the backend now; return how many it holds.

        From here on a row may have gone out: if the worker stops before
        recording the outcome, :meth:`release_stale` marks it failed, never queued.
        """
        return self.filter(
            state=OutboxMessage.State.SENDING, claimed_by=worker, attempted_at=None
        ).update(attempted_at=timezone.now())

    def finish(self, worker: str, state: str, *, error: str = "", reason: str = "") -> int:
        """Record the outcome of ``worker``'s rows; return how many were still its own."""
        return self.filter(state=OutboxMessage.State.SENDING, claimed_by=worker).update(
            state=state, error=error, reason=reason, finished_at=timezone.now()
        )

    def give_back(self, worker: str) -> int:
        """Queue again rows ``worker`` claimed but never handed over; return how many."""
        return self.filter(state=OutboxMessage.State.SENDING, claimed_by=worker).update(
            state=OutboxMessage.State.QUEUED, claimed_by="", claimed_at=None, attempted_at=None
        )

    def requeue_failed(self) -> int:
        """Queue the failed rows again; return how many."""
        return self.filter(state=OutboxMessage.State.FAILED).update(
            state=OutboxMessage.State.QUEUED, error="", claimed_by="", attempted_at=None
        )

    def release_stale(self, before: datetime.datetime) -> tuple[int, int]:
        """Free rows claimed before ``before`` by a worker that stopped; return (queued, failed).

        A row never handed to the backend goes back to the queue. A row that
        was (``attempted_at`` set) may have been delivered, so it is marked
        failed rather than risk a second copy; the editor can retry it.
        """
        stale = self.filter(state=OutboxMessage.State.SENDING, claimed_at__lt=before)
        failed = stale.filter(attempted_at__isnull=False).update(
            state=OutboxMessage.State.FAILED, error=INTERRUPTED_ERROR, finished_at=timezone.now()
        )
        queued = stale.filter(attempted_at__isnull=True).update(
            state=OutboxMessage.State.QUEUED, claimed_by="", claimed_at=None
        )
        return queued, failed


class OutboxMessage(models.Model):
    """One message of a mailing to one link's contact, and what became of it."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped")

    class Reason(models.TextChoices):
        OPTED_OUT = "opted_out", _("Opted out")
        NO_EMAIL = "no_email", _("No deliverable email address")
        ANSWERED = "answered", _("Already answered")
        NOT_USABLE = "not_usable", _("Link revoked or expired")
        TOO_SOON = "too_soon", _("Messaged too recently")
        TOO_MANY = "too_many", _("Reminded often enough")

    mailing = models.ForeignKey(Mailing, on_delete=models.CASCADE, related_name="messages")
    link = models.ForeignKey(PersonalLink, on_delete=models.CASCADE, related_name="emails")
    kind = models.CharField(_("kind"), max_length=16, choices=EmailKind.choices)
    state = models.CharField(_("state"), max_length=16, choices=State.choices)
    reason = models.CharField(
        _("skipped because"), max_length=16, choices=Reason.choices, blank=True
    )
    error = models.TextField(_("error"), blank=True)
    claimed_by = models.CharField(max_length=32, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempted_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("time"), null=True, blank=True)

    objects = OutboxQuerySet.as_manager()

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        constraints = [
            models.UniqueConstraint(
                fields=["mailing", "link"], name="wagtail_personal_links_outbox_mailing_link"
            ),
        ]
        indexes = [
            # With the id last, a claim reads a mailing's first queued rows in order
            # and stops, instead of sorting every queued row on each claim.
            models.Index(fields=["mailing", "state", "id"], name="wagtail_pl_outbox_queue"),
            models.Index(fields=["link", "state"], name="wagtail_pl_outbox_link_state"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.get_state_display()}"


def email_facts() -> dict[str, Subquery]:
    """Return annotations of a link queryset: its latest email's state and sending time.

    A skipped message (a reminder that came too soon, say) leaves the link's
    email status as its earlier messages left it, so skipped rows are ignored.
    """
    emails = OutboxMessage.objects.filter(link=OuterRef("pk")).order_by("-pk")
    sent = emails.filter(state=OutboxMessage.State.SENT)
    return {
        "last_email_state": Subquery(
            emails.exclude(state=OutboxMessage.State.SKIPPED).values("state")[:1]
        ),
        "last_email_at": Subquery(sent.values("finished_at")[:1]),
    }


def batch_email_counts() -> dict[str, Coalesce]:
    """Return annotations of a batch queryset: links emailed, and messages that failed.

    Subqueries rather than joins, so that they add to the link counts of
    :meth:`~.batches.LinkBatchQuerySet.with_link_counts` without multiplying them.
    """
    rows = OutboxMessage.objects.filter(link__batch=OuterRef("pk")).order_by()

    def count(state: str, expression: Count) -> Coalesce:
        counted = rows.filter(state=state).values("link__batch").annotate(n=expression)
        return Coalesce(Subquery(counted.values("n")), Value(0))

    return {
        "emailed_count": count(OutboxMessage.State.SENT, Count("link", distinct=True)),
        "email_failed_count": count(OutboxMessage.State.FAILED, Count("pk")),
    }
