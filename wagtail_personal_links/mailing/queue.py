"""Make a mailing and its outbox rows: one per link, each queued or skipped with the reason.

Rows are written by one ``INSERT ... SELECT`` that the ORM compiles, so the
rules about who is skipped are evaluated by the database for the whole batch
at once, the moment the mailing is queued. A scheduled reminder is queued
when its task runs, so that it reaches only those who still have not answered.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from ..models import (
    EmailKind,
    LinkBatch,
    Mailing,
    OutboxMessage,
    PersonalLink,
)

__all__ = ["create_mailing", "queue_messages"]

Reason = OutboxMessage.Reason
State = OutboxMessage.State
_INSERT_COLUMNS = (
    "mailing",
    "link",
    "kind",
    "state",
    "reason",
    "error",
    "claimed_by",
    "finished_at",
)


def create_mailing(batch: LinkBatch, kind: str, **fields: Any) -> Mailing:
    """Save a mailing of ``batch`` and, unless it is scheduled, queue its messages at once."""
    with transaction.atomic():
        mailing = Mailing.objects.create(batch=batch, kind=kind, **fields)
        if mailing.send_after is None:
            queue_messages(mailing)
    return mailing


def queue_messages(mailing: Mailing) -> int:
    """Write the mailing's outbox rows, once however often it is called; return how many."""
    with transaction.atomic():
        if mailing.cancelled_at is not None or not mailing.start_queueing():
            return 0
        links = _recipients(mailing)
        sql, params = links.query.sql_with_params()
        opts = OutboxMessage._meta
        quote = connection.ops.quote_name
        columns = ", ".join(quote(opts.get_field(name).column) for name in _INSERT_COLUMNS)
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {quote(opts.db_table)} ({columns}) {sql}", params)
            return cursor.rowcount


def _recipients(mailing: Mailing) -> QuerySet:
    now = timezone.now()
    links = _annotated_links(mailing.batch, now)
    if mailing.kind == EmailKind.REMINDER:
        links = links.filter(usable=True, answered=False)
        reasons = _reminder_reasons(mailing, now)
    else:
        reasons = [When(answered=True, then=Value(Reason.ANSWERED)),
                   When(usable=False, then=Value(Reason.NOT_USABLE))]  # fmt: skip
    reasons += [
        When(contact__email_opt_out=True, then=Value(Reason.OPTED_OUT)),
        When(contact__email="", then=Value(Reason.NO_EMAIL)),
    ]
    reason = Case(*reasons, default=Value(""), output_field=CharField())
    skipped = ~Q(reason="")
    return (
        links.alias(reason=reason)
        .annotate(
            o_mailing=Value(mailing.pk, output_field=IntegerField()),
            o_kind=Value(mailing.kind, output_field=CharField()),
            o_state=Case(When(skipped, then=Value(State.SKIPPED)), default=Value(State.QUEUED)),
            o_reason=reason,
            o_blank=Value("", output_field=CharField()),
            o_blank2=Value("", output_field=CharField()),
            o_finished=Case(When(skipped, then=Value(now)), output_field=DateTimeField()),
        )
        .order_by("pk")
        .values_list(
            "o_mailing", "pk", "o_kind", "o_state", "o_reason", "o_blank", "o_blank2", "o_finished"
        )
    )


def _annotated_links(batch: LinkBatch, now: datetime.datetime) -> QuerySet:
    # "Answered" as at the gate: through this link, or by the contact through a link of theirs.
    usable = PersonalLink.objects.usable(now).filter(pk=OuterRef("pk"))
    return (
        PersonalLink.objects.filter(batch=batch)
        .with_contact_answers(batch.page_id)
        .alias(
            answered=ExpressionWrapper(
                Q(submitted_at__isnull=False) | Q(contact_has_answered=True),
                output_field=BooleanField(),
            ),
            usable=Exists(usable),
        )
    )


def _reminder_reasons(mailing: Mailing, now: datetime.datetime) -> list[When]:
    emails = OutboxMessage.objects.filter(link=OuterRef("pk"), state=State.SENT)
    since = now - datetime.timedelta(days=mailing.min_days or 0)
    reminders = (
        emails.filter(kind=EmailKind.REMINDER)
        .order_by()
        .values("link")
        .annotate(count=Count("pk"))
        .values("count")
    )
    reasons = []
    if mailing.min_days is not None:
        recent = emails.filter(finished_at__gt=since)
        reasons.append(When(Exists(recent), then=Value(Reason.TOO_SOON)))
    if mailing.max_reminders is not None:
        enough = reminders.filter(count__gte=mailing.max_reminders)
        reasons.append(When(Exists(enough), then=Value(Reason.TOO_MANY)))
    return reasons
