"""Who is calling: Wagtail's API tokens, sent as a bearer token or as Formbricks' header."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja.security import APIKeyHeader
from wagtail.api.v3.auth import BearerTokenAuth
from wagtail.models import Page

from ..pages import page_takes_links
from ..permissions import GENERATE_PERMISSION, user_can_manage_links

__all__ = ["AUTH", "APIKeyHeaderAuth", "survey_for"]


class APIKeyHeaderAuth(APIKeyHeader):
    """Accept a Wagtail API token in an ``x-api-key`` header, as Formbricks clients send it."""

    param_name = "x-api-key"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if not key:
            return None
        return BearerTokenAuth().authenticate(request, key)


#: Either header will do; there is no session authentication.
AUTH = [BearerTokenAuth(), APIKeyHeaderAuth()]


def survey_for(request: HttpRequest, survey_id: int) -> Page:
    """Return the page whose personal links the caller wants to work with, if they may.

    Unknown pages are a 404. The caller needs "Can generate personal links"
    and, for a survey page, edit rights on it: the admin's rule
    (:func:`~wagtail_personal_links.permissions.user_can_manage_links`). A page
    that takes no links is left for the caller to refuse with a 400.
    """
    page = get_object_or_404(Page, pk=survey_id)
    if not request.user.has_perm(GENERATE_PERMISSION):
        raise PermissionDenied
    if page_takes_links(page) and not user_can_manage_links(request.user, page):
        raise PermissionDenied
    return page
