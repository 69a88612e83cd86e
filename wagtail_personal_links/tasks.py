"""Large batches of links are made in the background, as a django-tasks task.

Where the task runs is the site's ``TASKS`` setting: Wagtail's default, the
immediate backend, runs it inline at the end of the request; a database or RQ
backend hands it to a worker. Either way the batch is ``generating`` until
the task marks it ``complete`` (or ``failed``), and only then can its links be
downloaded or used.
"""

from __future__ import annotations

from django_tasks import task

from . import generation
from .models import LinkBatch

__all__ = ["generate_links"]


@task()
def generate_links(batch_id: int, contact_ids: list[int] | None = None) -> int:
    """Fill a batch begun in the admin with its links; return how many.

    ``contact_ids`` of ``None`` means the members of the batch's segment.
    """
    batch = LinkBatch.objects.select_related("segment").get(pk=batch_id)
    return generation.fill_batch(batch, contact_ids).total
