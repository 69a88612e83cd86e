"""Large batches of links are made in the background, as a django-tasks task.

Where the task runs is the site's ``TASKS`` setting: Wagtail's default, the
immediate backend, runs it inline at the end of the request; a database or RQ
backend hands it to a worker. Either way the batch is ``generating`` until
the task marks it ``complete`` (or ``failed``), and only then can its links be
downloaded or used.
"""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django_tasks import task

from . import generation
from .mailing.sending import send_mailing
from .models import LinkBatch, Mailing

__all__ = ["generate_links", "send_emails", "start_sending"]


@task()
def generate_links(batch_id: int, contact_ids: list[int] | None = None) -> int:
    """Fill a batch begun in the admin with its links; return how many.

    ``contact_ids`` of ``None`` means the members of the batch's segment.
    """
    batch = LinkBatch.objects.select_related("segment").get(pk=batch_id)
    return generation.fill_batch(batch, contact_ids).total


@task()
def send_emails(mailing_id: int) -> int:
    """Send a mailing's queued messages (queueing them first if scheduled); return how many."""
    mailing = Mailing.objects.select_related("batch__page").get(pk=mailing_id)
    return send_mailing(mailing).sent


def start_sending(mailing: Mailing) -> None:
    """Enqueue :func:`send_emails` once the current transaction commits, at ``send_after``."""
    task = send_emails
    if mailing.send_after is not None:
        task = send_emails.using(run_after=mailing.send_after)
    transaction.on_commit(partial(task.enqueue, mailing.pk))
