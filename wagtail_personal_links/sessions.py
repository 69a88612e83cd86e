"""Which personal link a visitor holds for which page, kept in their session.

The middleware remembers a link when its token is exchanged; the page mixin
and ``request.personal_link`` read it back. Nothing here reads the session
when the request carries no session cookie.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest

from .models import PersonalLink

__all__ = ["SESSION_KEY", "latest_link", "personal_link_for", "remember_link"]

#: Session key of the ``{page id: link id}`` mapping, most recent link last.
SESSION_KEY = "wagtail_personal_links"


def remember_link(request: HttpRequest, link: PersonalLink) -> None:
    """Keep the link in the session as this visitor's link for its page."""
    links = dict(request.session.get(SESSION_KEY, {}))
    page_key = str(link.batch.page_id)
    links.pop(page_key, None)  # re-insert so that the latest link comes last
    links[page_key] = link.pk
    request.session[SESSION_KEY] = links
    if request.session.session_key:
        # A new key for a new identity, as on login: a planted session id learns nothing.
        request.session.cycle_key()


def personal_link_for(request: HttpRequest, page: Any) -> PersonalLink | None:
    """Return the visitor's link for ``page``, loaded for the gate, or None."""
    link_id = _session_links(request).get(str(page.pk))
    if link_id is None:
        return None
    return _first(PersonalLink.objects.for_gate(page.pk).filter(pk=link_id))


def latest_link(request: HttpRequest) -> PersonalLink | None:
    """Return the link the visitor most recently came through, loaded for the gate, or None."""
    link_ids = list(_session_links(request).values())
    if not link_ids:
        return None
    return _first(PersonalLink.objects.for_gate().filter(pk=link_ids[-1]))


def _session_links(request: HttpRequest) -> dict[str, int]:
    # Without a session cookie there is nothing to read: do not load the session.
    if settings.SESSION_COOKIE_NAME not in request.COOKIES or not hasattr(request, "session"):
        return {}
    return request.session.get(SESSION_KEY, {})


def _first(links: QuerySet[PersonalLink]) -> PersonalLink | None:
    # Not .first(): ordering by pk costs time on every gated view and buys nothing here.
    return next(iter(links[:1]), None)
