"""Every setting of the plugin with its default, read lazily in one place.

Read a setting as ``personal_links_settings.BACKGROUND_THRESHOLD``: the value
comes from ``django.conf.settings`` at access time (so ``override_settings``
works in tests) and is validated on the way out.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

__all__ = ["DEFAULTS", "personal_links_settings"]

PREFIX = "PERSONAL_LINKS_"

#: Setting name (without the ``PERSONAL_LINKS_`` prefix) -> default value.
DEFAULTS: dict[str, Any] = {
    # Signing keys, newest first. ``None`` derives them from SECRET_KEY and
    # SECRET_KEY_FALLBACKS, so rotating SECRET_KEY keeps old links valid.
    "SIGNING_KEYS": None,
    # The format of new link URLs: "jwt" (a signed token) or "short" (a 20-character
    # code for SMS and QR codes). Both formats always open.
    "TOKEN_FORMAT": "jwt",
    # The path segment of personal link URLs: https://example.com/<URL_PREFIX>/<token>
    "URL_PREFIX": "pl",
    # Days until a link expires when the editor gives no date; None: no expiry.
    "DEFAULT_EXPIRY_DAYS": None,
    # Batches with more contacts than this are generated as a background task.
    "BACKGROUND_THRESHOLD": 5_000,
    # Upper bounds on a contact import file.
    "IMPORT_MAX_ROWS": 200_000,
    "IMPORT_MAX_BYTES": 20 * 1024 * 1024,
    # The site template that the respondent's gate pages extend; it must have
    # ``title`` and ``content`` blocks, as Wagtail's project template does.
    "GATE_BASE_TEMPLATE": "base.html",
    # Emails each sending worker hands to EMAIL_BACKEND per second; None: no limit.
    "EMAIL_RATE": 10,
    # Seconds after which messages claimed by a worker that stopped are freed.
    "EMAIL_CLAIM_TIMEOUT": 900,
    # Reminders skip links messaged fewer days ago, or reminded this many times.
    "REMINDER_MIN_DAYS": 3,
    "REMINDER_MAX": 2,
    # Rate limits, "N/period" with period s, m, h or d; None turns a limit off.
    # Bad tokens per client IP on the token route (429 and the "not valid" page):
    "BAD_TOKEN_RATE": None,
    # API requests per API token (429 with Retry-After); Formbricks allows "100/m".
    "API_RATE": None,
    # The cache that counts; share it between processes (Redis, Memcached, database).
    "RATE_LIMIT_CACHE": "default",
    # The request.META key holding the client IP set by your proxy; None: REMOTE_ADDR.
    "CLIENT_IP_HEADER": None,
    # The cache {% survey_form %} keeps form HTML in; None renders every form every time.
    "FORM_CACHE": "default",
}


#: The most days ahead a link may expire (``expirationDays`` in Formbricks' API).
MAX_EXPIRATION_DAYS = 365


def _expiry_days(name: str, value: Any) -> int | None:
    in_range = isinstance(value, int) and not isinstance(value, bool)
    if value is not None and not (in_range and 1 <= value <= MAX_EXPIRATION_DAYS):
        raise ImproperlyConfigured(
            f"{PREFIX}{name} must be a number of days from 1 to {MAX_EXPIRATION_DAYS}, "
            f"or None for no expiry, not {value!r}."
        )
    return value


def _positive_int(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ImproperlyConfigured(f"{PREFIX}{name} must be a positive integer, not {value!r}.")
    return value


def _optional_positive_number(name: str, value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise ImproperlyConfigured(
            f"{PREFIX}{name} must be a positive number, or None for no limit, not {value!r}."
        )
    return value


def _signing_keys(name: str, value: Any) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, str) or not isinstance(value, list | tuple) or not value:
        raise ImproperlyConfigured(
            f"{PREFIX}{name} must be a non-empty list of keys, newest first."
        )
    for key in value:
        if not isinstance(key, str | bytes) or len(key) < 32:
            raise ImproperlyConfigured(
                f"Every key in {PREFIX}{name} must be a string of at least 32 characters."
            )
    return list(value)


def _url_prefix(name: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip("/") or "/" in value.strip("/"):
        raise ImproperlyConfigured(f"{PREFIX}{name} must be one URL path segment, like 'pl'.")
    return value.strip("/")


def _token_format(name: str, value: Any) -> str:
    if value not in ("jwt", "short"):
        raise ImproperlyConfigured(f'{PREFIX}{name} must be "jwt" or "short", not {value!r}.')
    return value


def _template_name(name: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ImproperlyConfigured(f"{PREFIX}{name} must be a template name, like 'base.html'.")
    return value


_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def _rate(name: str, value: Any) -> tuple[int, int] | None:
    """Read ``"N/period"`` as ``(requests, seconds)``; the period may be spelled out."""
    if value is None:
        return None
    try:
        count, period = value.split("/")
        requests, seconds = int(count), _PERIODS[period.strip()[:1].lower()]
    except (AttributeError, ValueError, KeyError):
        requests = seconds = 0
    if requests < 1:
        raise ImproperlyConfigured(
            f"{PREFIX}{name} must be a rate like '100/m' (per s, m, h or d), not {value!r}."
        )
    return requests, seconds


def _optional_str(name: str, value: Any) -> str | None:
    if value is not None and (not isinstance(value, str) or not value):
        raise ImproperlyConfigured(f"{PREFIX}{name} must be a non-empty string or None.")
    return value


def _cache_alias(name: str, value: Any) -> str:
    if value not in settings.CACHES:
        raise ImproperlyConfigured(f"{PREFIX}{name} must name one of CACHES, not {value!r}.")
    return value


def _optional_cache_alias(name: str, value: Any) -> str | None:
    return None if value is None else _cache_alias(name, value)


VALIDATORS: dict[str, Callable[[str, Any], Any]] = {
    "SIGNING_KEYS": _signing_keys,
    "TOKEN_FORMAT": _token_format,
    "URL_PREFIX": _url_prefix,
    "DEFAULT_EXPIRY_DAYS": _expiry_days,
    "BACKGROUND_THRESHOLD": _positive_int,
    "IMPORT_MAX_ROWS": _positive_int,
    "IMPORT_MAX_BYTES": _positive_int,
    "GATE_BASE_TEMPLATE": _template_name,
    "EMAIL_RATE": _optional_positive_number,
    "EMAIL_CLAIM_TIMEOUT": _positive_int,
    "REMINDER_MIN_DAYS": _positive_int,
    "REMINDER_MAX": _positive_int,
    "BAD_TOKEN_RATE": _rate,
    "API_RATE": _rate,
    "RATE_LIMIT_CACHE": _cache_alias,
    "CLIENT_IP_HEADER": _optional_str,
    "FORM_CACHE": _optional_cache_alias,
}


class PersonalLinksSettings:
    """Attribute access to the ``PERSONAL_LINKS_*`` settings with their defaults."""

    def __getattr__(self, name: str) -> Any:
        if name not in DEFAULTS:
            raise AttributeError(f"Unknown setting {PREFIX}{name}")
        value = getattr(settings, PREFIX + name, DEFAULTS[name])
        return VALIDATORS[name](name, value)


personal_links_settings = PersonalLinksSettings()
