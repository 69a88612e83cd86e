"""Count requests in Django's cache and say when a client has had enough.

One small limiter, :class:`RateLimit`, serves two doors: the token route
(bad tokens per client IP, see the middleware) and the API (requests per API
token, through :class:`APIRateThrottle`, a django-ninja throttle). Both are
off until their setting names a rate such as ``"100/m"``.

The count is a fixed window kept with ``cache.add`` and ``cache.incr``, which
are atomic on Redis and Memcached, so the limit holds across server processes
when they share that cache. Django's per-process local-memory cache limits each
process on its own.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from dataclasses import dataclass

from django.core.cache import caches
from django.http import HttpRequest
from ninja.throttling import BaseThrottle

from .conf import personal_links_settings

__all__ = ["APIRateThrottle", "RateLimit", "bad_token_wait", "client_ip", "count_bad_token"]


def client_ip(request: HttpRequest) -> str:
    """Return the client's address, from ``PERSONAL_LINKS_CLIENT_IP_HEADER`` when set.

    Behind a proxy, name the ``request.META`` key the proxy sets (for example
    ``"HTTP_X_REAL_IP"``); only do so when the proxy always overwrites it.
    """
    header = personal_links_settings.CLIENT_IP_HEADER
    address = request.META.get(header) if header else None
    return (address or request.META.get("REMOTE_ADDR") or "").split(",")[0].strip()


@dataclass(frozen=True)
class RateLimit:
    """A limit of ``requests`` per ``seconds`` for each key of one ``scope``."""

    scope: str
    requests: int
    seconds: int

    @classmethod
    def from_setting(cls, name: str) -> RateLimit | None:
        """Return the limit that ``PERSONAL_LINKS_<name>`` sets, or None when it is off."""
        parsed = getattr(personal_links_settings, name)
        return None if parsed is None else cls(name.lower(), *parsed)

    def hit(self, key: str) -> int | None:
        """Count one request for ``key``; return seconds to wait if it is over the limit."""
        cache_key, retry_after = self._window(key)
        cache = caches[personal_links_settings.RATE_LIMIT_CACHE]
        cache.add(cache_key, 0, timeout=self.seconds + 1)
        try:
            count = cache.incr(cache_key)
        except ValueError:  # the window's key expired between add() and incr()
            cache.add(cache_key, 1, timeout=self.seconds + 1)
            count = 1
        return retry_after if count > self.requests else None

    def exceeded(self, key: str) -> int | None:
        """Return seconds to wait if ``key`` is over the limit already, without counting."""
        cache_key, retry_after = self._window(key)
        cache = caches[personal_links_settings.RATE_LIMIT_CACHE]
        return retry_after if cache.get(cache_key, 0) >= self.requests else None

    def _window(self, key: str) -> tuple[str, int]:
        now = time.time()
        window = int(now // self.seconds)
        digest = hashlib.sha256(key.encode()).hexdigest()[:32]
        retry_after = max(1, math.ceil((window + 1) * self.seconds - now))
        return f"wagtail_personal_links:rate:{self.scope}:{digest}:{window}", retry_after


class APIRateThrottle(BaseThrottle):
    """Limit API requests per API token to ``PERSONAL_LINKS_API_RATE`` (off when None).

    Add it to the API router (``Router(throttle=[APIRateThrottle()])``);
    django-ninja then answers 429 with ``Retry-After``. Requests without a
    token (``request.auth`` unset) are counted per client IP.
    """

    def __init__(self) -> None:
        # One instance serves every thread; django-ninja asks wait() right after allow_request().
        self._local = threading.local()

    def allow_request(self, request: HttpRequest) -> bool:
        limit = RateLimit.from_setting("API_RATE")
        self._local.wait = None if limit is None else limit.hit(_api_client(request))
        return self._local.wait is None

    def wait(self) -> float | None:
        return getattr(self._local, "wait", None)


def _api_client(request: HttpRequest) -> str:
    auth = getattr(request, "auth", None)
    if auth is None:
        return f"ip:{client_ip(request)}"
    pk = getattr(auth, "pk", None)
    return f"{type(auth).__name__}:{pk}" if pk is not None else f"auth:{auth}"


def bad_token_wait(request: HttpRequest) -> int | None:
    """Return seconds to wait if the client sent too many bad tokens, per ``BAD_TOKEN_RATE``."""
    limit = RateLimit.from_setting("BAD_TOKEN_RATE")
    return None if limit is None else limit.exceeded(client_ip(request))


def count_bad_token(request: HttpRequest) -> None:
    """Count a bad token against the client's ``BAD_TOKEN_RATE``, when one is set."""
    limit = RateLimit.from_setting("BAD_TOKEN_RATE")
    if limit is not None:
        limit.hit(client_ip(request))
