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
}


def _optional_positive_int(name: str, value: Any) -> int | None:
    if value is None:
        return None
    return _positive_int(name, value)


def _positive_int(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ImproperlyConfigured(f"{PREFIX}{name} must be a positive integer, not {value!r}.")
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


VALIDATORS: dict[str, Callable[[str, Any], Any]] = {
    "SIGNING_KEYS": _signing_keys,
    "TOKEN_FORMAT": _token_format,
    "URL_PREFIX": _url_prefix,
    "DEFAULT_EXPIRY_DAYS": _optional_positive_int,
    "BACKGROUND_THRESHOLD": _positive_int,
    "IMPORT_MAX_ROWS": _positive_int,
    "IMPORT_MAX_BYTES": _positive_int,
    "GATE_BASE_TEMPLATE": _template_name,
}


class PersonalLinksSettings:
    """Attribute access to the ``PERSONAL_LINKS_*`` settings with their defaults."""

    def __getattr__(self, name: str) -> Any:
        if name not in DEFAULTS:
            raise AttributeError(f"Unknown setting {PREFIX}{name}")
        value = getattr(settings, PREFIX + name, DEFAULTS[name])
        return VALIDATORS[name](name, value)


personal_links_settings = PersonalLinksSettings()
