"""Turn recipients into a batch of personal links: the one service that creates them.

The admin views, the management command, the API and the background tasks all
call :func:`generate_batch` or :func:`create_batch` (or their halves,
:func:`start_batch` and :func:`fill_batch`), so the rules about who may get
links, when a batch goes to the background and how links are stored live here
and nowhere else. What expiry means is in :mod:`.models.rules`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from functools import partial
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from wagtail.models import Page

from . import tokens
from .conf import personal_links_settings
from .models import Contact, LinkBatch
from .models.link_inserts import insert_link_rows
from .models.rules import GenerationError, is_expired
from .pages import page_takes_links

if TYPE_CHECKING:
    from .recipients import Recipients

__all__ = [
    "GenerationError",
    "check_page",
    "create_batch",
    "fill_batch",
    "generate_batch",
    "insert_links",
    "start_batch",
]

CHUNK_SIZE = 5_000


def generate_batch(
    page: Page,
    recipients: Recipients,
    *,
    expires_at: datetime.datetime | None,
    max_answers: int | None = 1,
    created_by: Any = None,
    source: str = LinkBatch.Source.ADMIN,
    allow_background: bool = True,
) -> LinkBatch:
    """Make a batch of links for ``recipients``: at once, or in the background when large.

    Above ``PERSONAL_LINKS_BACKGROUND_THRESHOLD`` contacts (unless
    ``allow_background`` is false) the batch is saved as ``generating`` and its
    links are made by a task enqueued once the current transaction commits.
    The batch is returned as it stands afterwards. Each link takes up to
    ``max_answers`` answers (``None``: unlimited).
    """
    fields = {"expires_at": expires_at, "created_by": created_by, "source": source,
              "target_label": recipients.label, "segment": recipients.segment,
              "max_answers": max_answers}  # fmt: skip
    threshold = personal_links_settings.BACKGROUND_THRESHOLD
    if not allow_background or recipients.count <= threshold:
        return create_batch(page, recipients.contacts(), **fields)
    from .tasks import generate_links  # the task calls back into this module

    batch = start_batch(page, status=LinkBatch.Status.GENERATING, total=recipients.count, **fields)
    ids = None if recipients.contact_ids is None else list(recipients.contact_ids)
    transaction.on_commit(partial(generate_links.enqueue, batch.pk, ids))
    batch.refresh_from_db(fields=["status", "total", "error"])
    return batch


def create_batch(
    page: Page, contacts: QuerySet[Contact] | Iterable[Contact], **fields: Any
) -> LinkBatch:
    """Create a complete batch with one link per contact, all in one transaction.

    ``fields`` are those of :func:`start_batch`. Raise :class:`GenerationError`
    and leave nothing behind when the page is not a live survey, the expiry
    has passed, or there is nobody to invite.
    """
    with transaction.atomic():
        batch = start_batch(page, **fields)
        batch.total = _insert_some(batch, _contact_ids(contacts), CHUNK_SIZE)
        batch.save(update_fields=["total"])
    return batch


def start_batch(
    page: Page,
    *,
    expires_at: datetime.datetime | None = None,
    status: str = LinkBatch.Status.COMPLETE,
    total: int = 0,
    **fields: Any,
) -> LinkBatch:
    """Check the page and expiry and save an empty batch for :func:`fill_batch` to fill."""
    check_page(page)
    if is_expired(expires_at):
        raise GenerationError(_("The expiry must be in the future."), code="expiry_past")
    return LinkBatch.objects.create(
        page=page, expires_at=expires_at, status=status, total=total, **fields
    )


def insert_links(
    batch: LinkBatch,
    contact_ids: Iterable[int],
    *,
    chunk_size: int = CHUNK_SIZE,
    skip_existing: bool = False,
) -> int:
    """Insert a link for each contact id into ``batch``, in chunks; return how many.

    With ``skip_existing``, contacts who have a link in the batch already
    (also one a concurrent request has just added) are skipped, not counted.
    """
    return insert_link_rows(
        batch, contact_ids, chunk_size, tokens.code_hasher(), skip_existing=skip_existing
    )


def fill_batch(
    batch: LinkBatch, contact_ids: Iterable[int] | None = None, *, chunk_size: int = CHUNK_SIZE
) -> LinkBatch:
    """Insert the links of a batch begun by :func:`start_batch`, then mark it complete.

    ``contact_ids`` defaults to the members of the batch's segment. Chunks are
    committed one by one, so the number of links shows the progress. On any
    error the links are deleted and the batch is marked failed with the error:
    only a complete batch is ever usable.
    """
    try:
        if contact_ids is None:
            if batch.segment is None:
                raise GenerationError(_("The batch's segment no longer exists."), code="empty")
            contact_ids = _contact_ids(batch.segment.get_contacts())
        if connection.vendor == "sqlite":
            # An open read cursor pins SQLite to an old snapshot, and writing from
            # it fails at once with "database is locked" once others have written.
            contact_ids = list(contact_ids)
        # A run cut short (a killed worker) leaves committed chunks: start afresh.
        batch.links.all().delete()
        count = _insert_some(batch, contact_ids, chunk_size)
    except Exception as exc:
        batch.links.all().delete()
        _finish(batch, LinkBatch.Status.FAILED, error=str(exc) or type(exc).__name__)
        raise
    return _finish(batch, LinkBatch.Status.COMPLETE, total=count)


def _insert_some(batch: LinkBatch, contact_ids: Iterable[int], chunk_size: int) -> int:
    count = insert_links(batch, contact_ids, chunk_size=chunk_size)
    if count == 0:
        raise GenerationError(_("There are no contacts to generate links for."), code="empty")
    return count


def _finish(batch: LinkBatch, status: str, **fields: Any) -> LinkBatch:
    for name, value in {"status": status, **fields}.items():
        setattr(batch, name, value)
    batch.save(update_fields=["status", *fields])
    return batch


def check_page(page: Page) -> None:
    """Raise :class:`GenerationError` unless links can be made for ``page`` now."""
    if not page_takes_links(page):
        raise GenerationError(
            _("“%(page)s” is not a survey page that supports personal links.") % {"page": page},
            code="not_survey",
        )
    if not page.live:
        raise GenerationError(
            _("“%(page)s” is not published. Publish it before generating links.") % {"page": page},
            code="not_live",
        )


def _contact_ids(contacts: QuerySet[Contact] | Iterable[Contact]) -> Iterator[int]:
    if isinstance(contacts, QuerySet):
        return contacts.order_by("pk").values_list("pk", flat=True).iterator(chunk_size=CHUNK_SIZE)
    return iter(dict.fromkeys(contact.pk for contact in contacts))
