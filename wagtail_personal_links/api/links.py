"""What the API says about one link: its URL and its status, as the CSV download says them."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from wagtail.models import Page

from .. import exports, tokens
from ..models import get_link_status

__all__ = ["link_status_code", "no_store", "url_maker"]


def link_status_code(
    *,
    opened_at: datetime.datetime | None,
    submitted_at: datetime.datetime | None,
    revoked_at: datetime.datetime | None,
    expires_at: datetime.datetime | None,
    contact_answered: bool = False,
    now: datetime.datetime | None = None,
) -> str:
    """Return the :class:`~..models.LinkStatus` value the CSV download's Status cell names.

    ``contact_answered`` says the contact answered the page through another link.
    """
    return get_link_status(
        answered=submitted_at is not None or contact_answered,
        revoked=revoked_at is not None,
        expires_at=expires_at,
        opened=opened_at is not None,
        now=now or timezone.now(),
    ).value


def url_maker(page: Page) -> Callable[[str, datetime.datetime | None], str]:
    """Return a function giving the URL of a link to ``page`` from its public id and expiry."""
    prefix = exports.link_url_prefix(exports.site_root_url(page))
    sign = tokens.signer()
    return lambda public_id, expires_at: prefix + sign(public_id, expires_at)


def no_store(response: HttpResponse) -> None:
    """Keep responses that carry links out of every cache."""
    patch_cache_control(response, private=True, no_store=True)
