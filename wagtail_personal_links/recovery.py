"""Find batches whose background task died, and fail them so that editors can generate again.

A worker killed in the middle of a batch (SIGKILL, out of memory, a host
restart) leaves it ``generating`` with some chunks of links committed. Those
links were never usable (only complete batches are), but the editor would
wait forever. :func:`fail_stalled_batches` deletes their links and marks them
failed with a message the history shows; run it from cron or after restarting
the workers (``manage.py fail_stalled_link_batches``).
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import LinkBatch

__all__ = ["STALLED_AFTER", "fail_stalled_batches"]

#: Far longer than a 100,000-link batch takes, so that no running batch is failed.
STALLED_AFTER = datetime.timedelta(minutes=30)


def fail_stalled_batches(older_than: datetime.timedelta = STALLED_AFTER) -> list[LinkBatch]:
    """Fail every batch still generating ``older_than`` after it began; return them."""
    cutoff = timezone.now() - older_than
    stalled = LinkBatch.objects.filter(status=LinkBatch.Status.GENERATING, created_at__lt=cutoff)
    failed = []
    for batch in stalled:
        with transaction.atomic():
            # Conditional, so that a batch finishing right now is left alone.
            updated = LinkBatch.objects.filter(
                pk=batch.pk, status=LinkBatch.Status.GENERATING
            ).update(
                status=LinkBatch.Status.FAILED,
                error=_(
                    "The background task stopped before the batch was complete. "
                    "Generate the links again."
                ),
            )
            if updated:
                batch.links.all().delete()
                failed.append(batch)
    return failed
