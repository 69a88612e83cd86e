"""Answer 503 with a friendly page while the database cannot be reached.

Add ``wagtail_personal_links.outage.DatabaseUnavailableMiddleware`` to
``MIDDLEWARE``. When a view fails because the database is down or restarting
(``OperationalError`` or ``InterfaceError``: a refused or broken connection,
not a bad query), the visitor sees the gate frame's "briefly unavailable" page
with ``Retry-After`` instead of a server error. Nothing half-done is stored:
the failed request's transaction never committed. With ``CONN_HEALTH_CHECKS``
the next request opens a new connection, so the site recovers by itself.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.contrib.auth.models import AnonymousUser
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse

from .gate import Gate, render_gate

__all__ = ["RETRY_AFTER", "DatabaseUnavailableMiddleware", "unavailable"]

logger = logging.getLogger("wagtail_personal_links")

#: Seconds a visitor is asked to wait: about what a database restart takes.
RETRY_AFTER = 30


class DatabaseUnavailableMiddleware:
    """Turn a lost database connection in a view into a friendly 503 page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error("Database unavailable for %s: %s", request.path, exception)
        return unavailable(request)


def unavailable(request: HttpRequest) -> HttpResponse:
    """Render the "briefly unavailable" page: 503, ``Retry-After``, not cached."""
    # The site's templates may ask who is logged in, which reads the session from
    # the very database that is down: render for an anonymous visitor.
    request.user = AnonymousUser()
    response = render_gate(request, Gate.UNAVAILABLE).render()
    response.headers["Retry-After"] = str(RETRY_AFTER)
    return response
