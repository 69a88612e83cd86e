"""What the API says about one link: its URL and its status, as the CSV download says them."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from wagtail.models import Page

from .. import exports, tokens

__all__ = ["STATUS_CODES", "no_store", "status_code", "url_maker"]

#: The re-downloaded CSV's statuses, by the code the API gives them.
STATUS_CODES = {
    "not_started": exports.LinkStatus.NOT_STARTED,
    "started": exports.LinkStatus.STARTED,
    "finished": exports.LinkStatus.FINISHED,
    "expired": exports.LinkStatus.EXPIRED,
    "revoked": exports.LinkStatus.REVOKED,
}


def status_code(
    *,
    opened_at: datetime.datetime | None,
    submitted_at: datetime.datetime | None,
    revoked_at: datetime.datetime | None,
    expires_at: datetime.datetime | None,
    now: datetime.datetime | None = None,
) -> str:
    """Return the code of the status that the CSV download gives the link."""
    label = exports.link_status(
        opened_at=opened_at,
        submitted_at=submitted_at,
        revoked_at=revoked_at,
        expires_at=expires_at,
        now=now or timezone.now(),
    )
    return next(code for code, status in STATUS_CODES.items() if str(status) == label)


def url_maker(page: Page) -> Callable[[str, datetime.datetime | None], str]:
    """Return a function giving the URL of a link to ``page`` from its public id and expiry."""
    prefix = exports.link_url_prefix(exports.site_root_url(page))
    sign = tokens.signer()
    return lambda public_id, expires_at: prefix + sign(public_id, expires_at)


def no_store(response: HttpResponse) -> None:
    """Keep responses that carry links out of every cache."""
    patch_cache_control(response, private=True, no_store=True)
