"""Exchange a personal link's token for a session, and expose the link on every request.

``GET /<URL_PREFIX>/<token>`` verifies the token, finds the link, records the
first visit and redirects to the clean URL of the link's page, so that the
token leaves the address bar, the history and any ``Referer`` header. The link
id is kept in the session, keyed by page: one visitor may hold links for
several surveys. Opening a link never uses it up (mail scanners open links);
the form submission does.

Every other request pays nothing: ``request.personal_link`` is resolved lazily,
and the session is not even read when the request carries no session cookie.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import InterfaceError, OperationalError
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.utils.functional import SimpleLazyObject

from . import tokens
from .conf import personal_links_settings
from .gate import Gate, add_gate_headers, render_gate
from .languages import add_language_headers, speaking
from .models import PersonalLink
from .outage import unavailable
from .ratelimits import bad_token_wait, count_bad_token
from .sessions import latest_link, remember_link

__all__ = ["PersonalLinkMiddleware", "link_for_token"]

logger = logging.getLogger("wagtail_personal_links")


class PersonalLinkMiddleware:
    """Turn a personal link into a session; put ``request.personal_link`` on every request.

    Place it after ``SessionMiddleware``. ``request.personal_link`` is the link
    the visitor most recently came through, or a falsy value; survey pages
    use :func:`~wagtail_personal_links.sessions.personal_link_for` to get the link for themselves.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.personal_link = SimpleLazyObject(lambda: latest_link(request))
        try:
            response = self.exchange(request)
        except (OperationalError, InterfaceError):
            # The exchange runs outside any view, where no process_exception() sees it.
            logger.exception("Database unavailable while opening a personal link")
            return add_gate_headers(unavailable(request), referrer_policy="no-referrer")
        return response or self.get_response(request)

    def exchange(self, request: HttpRequest) -> HttpResponse | None:
        """Answer a request for a token URL; return None for any other request."""
        token = token_in_path(request.path_info)
        if token is None:
            return None
        if request.method not in ("GET", "HEAD"):
            response = HttpResponseNotAllowed(["GET", "HEAD"])
        else:
            response = self.open_link(request, token)
        return add_gate_headers(response, referrer_policy="no-referrer")

    def open_link(self, request: HttpRequest, token: str) -> HttpResponse:
        """Remember the token's link and redirect to its page, or render the gate."""
        wait = bad_token_wait(request)
        if wait is not None:
            response = render_gate(request, Gate.TOO_MANY_REQUESTS, referrer_policy="no-referrer")
            response.headers["Retry-After"] = str(wait)
            return response.render()
        link = link_for_token(token)
        if link is None:
            count_bad_token(request)
            # Middleware responses skip the handler's template rendering: render here.
            with speaking(request) as (language, from_request):
                response = render_gate(request, Gate.INVALID, referrer_policy="no-referrer")
                return add_language_headers(response.render(), language, from_request)
        page_url = link.batch.page.specific_deferred.get_url(request)
        if page_url is None:
            raise Http404("The survey page of this link is not on any site.")
        if link.opened_at is None and link.get_status().is_usable:
            link.mark_opened()
        remember_link(request, link)
        # The page tells an answered, revoked or expired link's holder so, in its own frame.
        return HttpResponseRedirect(page_url)


def token_in_path(path: str) -> str | None:
    """Return the token of a ``/<URL_PREFIX>/<token>`` path (trailing slash optional)."""
    prefix = f"/{personal_links_settings.URL_PREFIX}/"
    if not path.startswith(prefix):
        return None
    token = path[len(prefix) :].removesuffix("/")
    return token if token and "/" not in token else None


def link_for_token(token: str) -> PersonalLink | None:
    """Return the link a token names, or None if the token is bad or names no link.

    A JWT names the link's public id; a well-signed JWT whose expiry differs
    from its link's (including one without ``exp`` for a link that expires)
    is refused. A short code finds the link by the hash stored for it.
    """
    verified = tokens.verify(token)
    links = PersonalLink.objects.select_related("batch__page")
    if verified.code_hashes:
        link = links.filter(code_hash__in=verified.code_hashes).first()
        if link is None:
            logger.debug("No personal link has this short code")
        return link
    if verified.public_id is None:
        return None
    link = links.filter(public_id=verified.public_id).first()
    if link is None:
        logger.debug("No personal link has the public id %s", verified.public_id)
        return None
    if _seconds(verified.expires_at) != _seconds(link.expires_at):
        logger.debug("Token expiry does not match personal link %s", link.public_id)
        return None
    return link


def _seconds(moment: Any) -> int | None:
    return None if moment is None else int(moment.timestamp())
