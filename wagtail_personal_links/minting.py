"""Personal links minted on demand, one contact or one page of contacts at a time.

The API hands out links the way Formbricks does, but ours are rows: each is
kept in an *on-demand* batch of its survey page, one open batch per page and
expiry. Asking again for the same contact, page and expiry finds the link
already there, so minting is idempotent and creates nothing the second time.
On-demand batches are listed in the page's batch history like any other, can
be downloaded again and revoked; once revoked, the next request opens a new one.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from . import audit, generation
from .models import LinkBatch, PersonalLink, PersonalLinkFormSubmission

__all__ = [
    "MintedLink",
    "answered_contacts",
    "has_answered",
    "mint_links",
    "on_demand_batch",
]

ON_DEMAND_LABEL = _("Links requested through the API")
LINK_FIELDS = ("contact_id", "public_id", "expires_at", "opened_at", "submitted_at", "revoked_at")


@dataclass(frozen=True)
class MintedLink:
    """One contact's link in an on-demand batch, with what its status is read from."""

    contact_id: int
    public_id: str
    expires_at: datetime.datetime | None
    opened_at: datetime.datetime | None
    submitted_at: datetime.datetime | None
    revoked_at: datetime.datetime | None


def has_answered(page: Page, contact_id: int) -> bool:
    """Return whether the contact has already answered the survey ``page`` as themselves.

    Answers through a link that takes several answers (a team link) are not
    the contact's own, as at the gate.
    """
    return bool(answered_contacts(page, [contact_id]))


def answered_contacts(page: Page, contact_ids: Sequence[int]) -> set[int]:
    """Return which of ``contact_ids`` have answered ``page`` through a personal link of theirs."""
    answers = PersonalLinkFormSubmission.objects.contacts_own().filter(
        page=page, contact_id__in=contact_ids
    )
    return set(answers.values_list("contact_id", flat=True))


def on_demand_batch(
    page: Page, expires_at: datetime.datetime | None, *, user: Any = None
) -> LinkBatch:
    """Return the page's open on-demand batch for ``expires_at``, opening one if needed.

    A unique constraint admits one open on-demand batch per page and expiry:
    of two requests that open one at once, the second finds the first's.
    """
    generation.check_page(page)
    open_batches = LinkBatch.objects.filter(
        page=page, on_demand=True, revoked_at__isnull=True, expires_at=expires_at
    )
    batch = open_batches.first()
    if batch is not None:
        return batch
    try:
        with transaction.atomic():
            return generation.start_batch(
                page,
                expires_at=expires_at,
                created_by=user,
                source=LinkBatch.Source.API,
                target_label=str(ON_DEMAND_LABEL),
                on_demand=True,
            )
    except IntegrityError:
        return open_batches.get()


def mint_links(
    page: Page,
    contact_ids: Sequence[int],
    *,
    expires_at: datetime.datetime | None,
    user: Any = None,
) -> tuple[LinkBatch, dict[int, MintedLink]]:
    """Return the batch and each contact's link to ``page``, minting those that are missing.

    The missing links go in through :func:`generation.insert_links`, in one
    set-based insert that skips links a concurrent request has just added, so
    a page of contacts costs the same few queries however many are new. When
    every link exists already, nothing is written and no transaction is opened.
    """
    batch = on_demand_batch(page, expires_at, user=user)
    batch.page = page  # the audit log entry is written against it
    links = _links_by_contact(batch, contact_ids)
    missing = [pk for pk in contact_ids if pk not in links]
    if missing:
        with transaction.atomic():
            added = generation.insert_links(batch, missing, skip_existing=True)
            LinkBatch.objects.filter(pk=batch.pk).update(total=F("total") + added)
            if added:
                audit.log_batch_action(audit.GENERATE, batch, user, added, on_demand=True)
        links.update(_links_by_contact(batch, missing))
    return batch, links


def _links_by_contact(batch: LinkBatch, contact_ids: Sequence[int]) -> dict[int, MintedLink]:
    rows = PersonalLink.objects.filter(batch=batch, contact_id__in=contact_ids)
    return {row[0]: MintedLink(*row) for row in rows.values_list(*LINK_FIELDS)}
