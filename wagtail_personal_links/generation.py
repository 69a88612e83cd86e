"""Turn recipients into a batch of personal links: the one service that creates them.

The admin views, the management command, the API and the background tasks all
call :func:`create_batch` (or its two halves, :func:`start_batch` and
:func:`insert_links`), so the rules about who may get links, when they expire
and how they are stored live here and nowhere else.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Page

from . import tokens
from .conf import personal_links_settings
from .models import Contact, LinkBatch, PersonalLink
from .models.links import new_public_ids
from .pages import page_takes_links

__all__ = [
    "MAX_EXPIRATION_DAYS",
    "GenerationError",
    "create_batch",
    "default_expiry",
    "expiry_from_date",
    "expiry_from_days",
    "fill_batch",
    "insert_links",
    "sample_contact_ids",
    "sample_contacts",
    "start_batch",
]

CHUNK_SIZE = 5_000
MAX_EXPIRATION_DAYS = 365


class GenerationError(Exception):
    """A request for links that cannot be met; ``code`` says why, the message says it to a person.

    Codes: ``not_live``, ``not_survey``, ``empty``, ``expiry_past``, ``expiry_range``,
    ``sample_size``.
    """

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def expiry_from_date(
    date: datetime.date, *, now: datetime.datetime | None = None
) -> datetime.datetime:
    """Return when links valid through ``date`` expire: 00:00:00 UTC on the next day.

    Only dates from tomorrow (in UTC) onward are accepted.
    """
    today = (now or timezone.now()).astimezone(datetime.UTC).date()
    if date <= today:
        raise GenerationError(
            _("Choose a date from tomorrow onward; links stay valid through the date you choose."),
            code="expiry_past",
        )
    return datetime.datetime.combine(
        date + datetime.timedelta(days=1), datetime.time(), datetime.UTC
    )


def expiry_from_days(days: int, *, now: datetime.datetime | None = None) -> datetime.datetime:
    """Return the moment ``days`` whole days (1 to 365) from now."""
    if not 1 <= days <= MAX_EXPIRATION_DAYS:
        raise GenerationError(
            _("The number of days must be between 1 and %(max)d.") % {"max": MAX_EXPIRATION_DAYS},
            code="expiry_range",
        )
    return (now or timezone.now()) + datetime.timedelta(days=days)


def default_expiry(*, now: datetime.datetime | None = None) -> datetime.datetime | None:
    """Return the expiry that ``PERSONAL_LINKS_DEFAULT_EXPIRY_DAYS`` gives, or ``None``."""
    days = personal_links_settings.DEFAULT_EXPIRY_DAYS
    return None if days is None else expiry_from_days(days, now=now)


def sample_contact_ids(contacts: QuerySet[Contact], size: int) -> list[int]:
    """Pick the ids of ``size`` contacts at random from ``contacts``."""
    ids = list(contacts.values_list("pk", flat=True))
    if not ids:
        raise GenerationError(_("There are no contacts to generate links for."), code="empty")
    if not 1 <= size <= len(ids):
        raise GenerationError(
            _("The sample size must be between 1 and %(count)d, the number of contacts.")
            % {"count": len(ids)},
            code="sample_size",
        )
    return random.SystemRandom().sample(ids, size)


def sample_contacts(contacts: QuerySet[Contact], size: int) -> QuerySet[Contact]:
    """Select ``size`` contacts at random from ``contacts``."""
    return Contact.objects.filter(pk__in=sample_contact_ids(contacts, size))


def create_batch(
    page: Page,
    contacts: QuerySet[Contact] | Iterable[Contact],
    *,
    expires_at: datetime.datetime | None = None,
    created_by: Any = None,
    source: str = LinkBatch.Source.ADMIN,
    target_label: str = "",
    segment: Any = None,
) -> LinkBatch:
    """Create a complete batch with one link per contact, all in one transaction.

    Raise :class:`GenerationError` and leave nothing behind when the page is
    not a live survey, the expiry has passed, or there is nobody to invite.
    """
    with transaction.atomic():
        batch = start_batch(
            page,
            expires_at=expires_at,
            created_by=created_by,
            source=source,
            target_label=target_label,
            segment=segment,
        )
        count = insert_links(batch, _contact_ids(contacts))
        if count == 0:
            raise GenerationError(_("There are no contacts to generate links for."), code="empty")
        batch.total = count
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
    """Check the page and expiry and save an empty batch for :func:`insert_links` to fill."""
    _check_page(page)
    if expires_at is not None and expires_at <= timezone.now():
        raise GenerationError(_("The expiry must be in the future."), code="expiry_past")
    return LinkBatch.objects.create(
        page=page, expires_at=expires_at, status=status, total=total, **fields
    )


def insert_links(
    batch: LinkBatch, contact_ids: Iterable[int], *, chunk_size: int = CHUNK_SIZE
) -> int:
    """Insert a link for each contact id into ``batch``, in chunks; return how many.

    The ORM's per-object cost, not the database, is what makes ``bulk_create``
    slow for 100,000 links, so rows go in as plain parameters: one
    ``INSERT ... SELECT unnest(...)`` per chunk on PostgreSQL (a single
    statement instead of one per row), ``executemany`` elsewhere. Each chunk is
    atomic, so outside a transaction every chunk commits (showing progress) and
    a bad contact id fails at its commit, leaving the connection usable.
    """
    opts = PersonalLink._meta
    quote = connection.ops.quote_name
    columns = ", ".join(quote(opts.get_field(name).column) for name in _INSERT_FIELDS)
    head = f"INSERT INTO {quote(opts.db_table)} ({columns})"
    expires_at = connection.ops.adapt_datetimefield_value(batch.expires_at)
    ids = iter(contact_ids)
    code_hash = tokens.code_hasher()
    count = 0
    with connection.cursor() as cursor:
        while chunk := list(islice(ids, chunk_size)):
            public_ids = new_public_ids(len(chunk))
            hashes = [code_hash(public_id) for public_id in public_ids]
            with transaction.atomic():
                if connection.vendor == "postgresql":
                    cursor.execute(
                        f"{head} SELECT unnest(%s::varchar[]), %s, unnest(%s::bigint[]), %s,"
                        " unnest(%s::varchar[])",
                        [public_ids, batch.pk, chunk, expires_at, hashes],
                    )
                else:
                    rows = zip(public_ids, chunk, hashes, strict=True)
                    cursor.executemany(
                        f"{head} VALUES (%s, %s, %s, %s, %s)",
                        [(public_id, batch.pk, pk, expires_at, h) for public_id, pk, h in rows],
                    )
            count += len(chunk)
    return count


_INSERT_FIELDS = ("public_id", "batch", "contact", "expires_at", "code_hash")


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
        count = insert_links(batch, contact_ids, chunk_size=chunk_size)
        if count == 0:
            raise GenerationError(_("There are no contacts to generate links for."), code="empty")
    except Exception as exc:
        batch.links.all().delete()
        _finish(batch, LinkBatch.Status.FAILED, error=str(exc) or type(exc).__name__)
        raise
    return _finish(batch, LinkBatch.Status.COMPLETE, total=count)


def _finish(batch: LinkBatch, status: str, **fields: Any) -> LinkBatch:
    for name, value in {"status": status, **fields}.items():
        setattr(batch, name, value)
    batch.save(update_fields=["status", *fields])
    return batch


def _check_page(page: Page) -> None:
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
