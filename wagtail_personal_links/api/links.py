"""What the API says about one link: its URL and its status, as the CSV download says them."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from wagtail.models import Page

from .. import exports, tokens

__all__ = ["STATUS_CODES", "no_store", "status_coder", "url_maker"]

#: The re-downloaded CSV's statuses, by the code the API gives them.
STATUS_CODES = {
    "not_started": exports.LinkStatus.NOT_STARTED,
    "started": exports.LinkStatus.STARTED,
    "finished": exports.LinkStatus.FINISHED,
    "expired": exports.LinkStatus.EXPIRED,
    "revoked": exports.LinkStatus.REVOKED,
}


def status_coder() -> Callable[..., str]:
    """Return a function giving the code of the status the CSV download gives a link.

    It takes the link's ``opened_at``, ``submitted_at``, ``revoked_at`` and
    ``expires_at``. The statuses' labels are translated once, not per link.
    """
    codes = {str(status): code for code, status in STATUS_CODES.items()}
    now = timezone.now()

    def status_code(**state: datetime.datetime | None) -> str:
        return codes[exports.link_status(**state, now=now)]

    return status_code


def url_maker(page: Page) -> Callable[[str, datetime.datetime | None], str]:
    """Return a function giving the URL of a link to ``page`` from its public id and expiry."""
    prefix = exports.link_url_prefix(exports.site_root_url(page))
    sign = tokens.signer()
    return lambda public_id, expires_at: prefix + sign(public_id, expires_at)


def no_store(response: HttpResponse) -> None:
    """Keep responses that carry links out of every cache."""
    patch_cache_control(response, private=True, no_store=True)
