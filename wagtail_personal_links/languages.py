"""The language a respondent reads: the survey page's locale, or what their browser asks for.

With Wagtail's internationalisation on (``WAGTAIL_I18N_ENABLED``), a survey
page speaks its locale's language, so a German page shows German gate pages to
everyone. Otherwise the request decides, as Django's ``LocaleMiddleware``
would: the language cookie, then ``Accept-Language``, among ``LANGUAGES``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

__all__ = ["add_language_headers", "respondent_language", "speaking"]


def respondent_language(request: HttpRequest, page: Any = None) -> tuple[str, bool]:
    """Return the language for ``page`` (if any) and whether the request chose it."""
    if page is not None and getattr(settings, "WAGTAIL_I18N_ENABLED", False):
        return page.locale.language_code, False
    chosen = getattr(request, "LANGUAGE_CODE", None)  # set by LocaleMiddleware
    return chosen or translation.get_language_from_request(request), True


@contextmanager
def speaking(request: HttpRequest, page: Any = None) -> Iterator[tuple[str, bool]]:
    """Activate the respondent's language for the block; render responses inside it."""
    language, from_request = respondent_language(request, page)
    with translation.override(language):
        yield language, from_request


def add_language_headers(
    response: HttpResponse, language: str, from_request: bool
) -> HttpResponse:
    """Say which language the response is in, and that the request's headers chose it."""
    response.headers.setdefault("Content-Language", language)
    if from_request:
        patch_vary_headers(response, ["Accept-Language", "Cookie"])
    return response
