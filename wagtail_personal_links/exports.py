"""Stream link lists as formula-safe CSV for mail merges.

Rows are read in chunks and signed one at a time, so a 100,000-link batch
streams in constant memory. Signing is deterministic, so every download of a
batch repeats the same URLs.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from wagtail.models import Page

from . import tokens
from .cells import csv_lines, escape_cell
from .conf import personal_links_settings
from .models import LinkBatch
from .models.contacts import CONTACT_FIELDS
from .models.rules import get_link_status

__all__ = [
    "LAST_EMAIL_COLUMN",
    "LINK_COLUMNS",
    "STATUS_COLUMN",
    "csv_lines",
    "escape_cell",
    "iso_utc",
    "link_rows",
    "link_status",
    "link_url",
    "site_root_url",
]

LINK_COLUMNS = (
    "Contact ID",
    "Custom ID",
    "First Name",
    "Last Name",
    "Email",
    "Personal Link",
    "Expires At",
)
STATUS_COLUMN = "Status"
#: Added after Status for batches whose links take more than one answer: "2 of 3".
ANSWERS_COLUMN = "Answers"
CHUNK_SIZE = 2_000


def site_root_url(page: Page) -> str:
    """Return the root URL links to ``page`` start with (its site's, else the admin base URL)."""
    site = page.get_site()
    root = site.root_url if site is not None else getattr(settings, "WAGTAILADMIN_BASE_URL", "")
    return root.rstrip("/")


def link_url(
    root_url: str,
    public_id: str,
    expires_at: datetime.datetime | None,
    code_hash: str | None = None,
) -> str:
    """Return the personal link URL for a link's public id (and stored code hash)."""
    return f"{link_url_prefix(root_url)}{tokens.sign(public_id, expires_at, code_hash)}"


def link_url_prefix(root_url: str) -> str:
    """Return what every link URL under ``root_url`` starts with, up to the token."""
    return f"{root_url}/{personal_links_settings.URL_PREFIX}/"


def link_status(
    *,
    opened_at: datetime.datetime | None,
    submitted_at: datetime.datetime | None,
    revoked_at: datetime.datetime | None,
    expires_at: datetime.datetime | None,
    contact_answered: bool = False,
    opted_out: bool = False,
    last_email: str | None = None,
    now: datetime.datetime | None = None,
) -> str:
    """Return the Status cell of a link: the label of its :class:`~.models.LinkStatus`.

    ``contact_answered`` says the contact answered the page through another
    link, which finishes a personal link too.
    """
    status = get_link_status(
        answered=submitted_at is not None or contact_answered,
        revoked=revoked_at is not None,
        expires_at=expires_at,
        opened=opened_at is not None,
        opted_out=opted_out,
        last_email=last_email,
        now=now,
    )
    return str(status.label)


#: What a row reads of its link's contact, in the order of :data:`LINK_COLUMNS`.
CONTACT_VALUES = ("contact_id", *(f"contact__{name}" for name in CONTACT_FIELDS))
STATE_FIELDS = ("opened_at", "submitted_at", "revoked_at", "contact_has_answered")
#: Read, and the Last Email column written, once a batch has been emailed.
EMAIL_FIELDS = ("contact_opted_out", "last_email_state", "last_email_at")
LAST_EMAIL_COLUMN = "Last Email"


def link_rows(
    batch: LinkBatch,
    *,
    with_status: bool = False,
    non_responders_only: bool = False,
    root_url: str | None = None,
    offset: int = 0,
    limit: int | None = None,
    token_format: str | None = None,
    answer_counts: bool = False,
) -> Iterator[list[Any]]:
    """Yield the header and one row per link of ``batch``, in the order links were made.

    ``offset`` and ``limit`` select a slice of the rows, for a paged listing. URLs are in
    ``token_format``, by default ``PERSONAL_LINKS_TOKEN_FORMAT``. The Answers
    column of a multi-use batch reads "2 of 3", or with ``answer_counts`` the
    bare number of answers.
    """
    prefix = link_url_prefix(site_root_url(batch.page) if root_url is None else root_url)
    sign = tokens.signer(token_format)
    emailed = with_status and batch.mailings.exists()
    multi_use = with_status and batch.max_answers != 1
    status_columns = [
        STATUS_COLUMN,
        *([LAST_EMAIL_COLUMN] if emailed else []),
        *([ANSWERS_COLUMN] if multi_use else []),
    ]
    yield [*LINK_COLUMNS, *status_columns] if with_status else list(LINK_COLUMNS)
    links = batch.links.order_by("pk")
    if with_status:
        links = links.with_contact_answers(batch.page_id)
    if emailed:
        links = links.with_email_facts()
    if non_responders_only:
        links = links.non_responders()
    if offset or limit is not None:
        links = links[offset : None if limit is None else offset + limit]
    # Links normally carry their batch's expiry; then reading it from the batch
    # spares a datetime conversion per row.
    own_expiry = _links_with_own_expiry(batch).exists()
    fields = ("public_id", "code_hash", *CONTACT_VALUES)
    fields += ("expires_at",) if own_expiry else ()
    fields += STATE_FIELDS if with_status else ()
    fields += EMAIL_FIELDS if emailed else ()
    fields += ("answer_count",) if multi_use else ()
    now = timezone.now()
    for public_id, code_hash, *values in links.values_list(*fields).iterator(CHUNK_SIZE):
        contact, state = values[:5], values[5:]
        expires_at = state.pop(0) if own_expiry else batch.expires_at
        row = [*contact, prefix + sign(public_id, expires_at, code_hash), _iso(expires_at)]
        if with_status:
            opened_at, submitted_at, revoked_at, contact_answered, *extra = state
            email, count = (extra[:3], extra[3:]) if emailed else ([], extra)
            if multi_use:  # finished once its answers run out
                submitted_at = submitted_at if _used_up(count[0], batch.max_answers) else None
            facts = dict(zip(("opted_out", "last_email"), email, strict=False))
            row.append(link_status(opened_at=opened_at, submitted_at=submitted_at,
                                   contact_answered=contact_answered and not multi_use,
                                   revoked_at=revoked_at or batch.revoked_at,
                                   expires_at=expires_at, now=now, **facts))  # fmt: skip
            if emailed:
                row.append(_iso(email[2]))
            if multi_use:
                answers = count[0]
                row.append(answers if answer_counts else _answers_cell(answers, batch.max_answers))
        yield row


def _used_up(count: int, allowed: int | None) -> bool:
    return allowed is not None and count >= allowed


def _answers_cell(count: int, allowed: int | None) -> str:
    if allowed is None:
        return str(count)
    return gettext("%(count)d of %(allowed)d") % {"count": count, "allowed": allowed}


def _links_with_own_expiry(batch: LinkBatch) -> QuerySet:
    if batch.expires_at is None:
        return batch.links.filter(expires_at__isnull=False)
    return batch.links.exclude(expires_at=batch.expires_at)


def iso_utc(moment: datetime.datetime | None) -> str:
    """Return a time as the CSVs write it: ISO 8601 in UTC, to the second; empty for None."""
    if moment is None:
        return ""
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


#: The links of a batch mostly share its expiry: each is formatted once.
_iso = lru_cache(maxsize=16)(iso_utc)
