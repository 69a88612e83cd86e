"""The pages a respondent sees instead of a survey form, and the headers they carry."""

from __future__ import annotations

import enum
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.loader import select_template
from django.template.response import TemplateResponse
from django.utils.cache import patch_cache_control

from .conf import personal_links_settings
from .models import LinkStatus, PersonalLink

__all__ = ["Gate", "add_gate_headers", "render_gate"]

#: Extended by the gate pages when the site has no ``GATE_BASE_TEMPLATE``.
STANDALONE_BASE_TEMPLATE = "wagtail_personal_links/gate/standalone.html"


class Gate(enum.Enum):
    """A reason to refuse the form: its template and its HTTP status."""

    INVITATION_ONLY = ("invitation_only", 403)
    INVALID = ("invalid", 403)
    REVOKED = ("revoked", 403)
    EXPIRED = ("expired", 410)
    ANSWERED = ("answered", 409)
    TOO_MANY_REQUESTS = ("too_many_requests", 429)
    UNAVAILABLE = ("unavailable", 503)
    USED_UP = ("used_up", 409)

    def __init__(self, slug: str, status_code: int) -> None:
        self.slug = slug
        self.status_code = status_code

    @property
    def template_name(self) -> str:
        """The template of this gate's page; a site's template of the same name overrides it."""
        return f"wagtail_personal_links/gate/{self.slug}.html"

    @classmethod
    def for_link(cls, link: PersonalLink) -> Gate | None:
        """Return the gate a link's holder meets now, or None when the link is usable."""
        gate = _GATE_FOR_STATUS[link.get_status()]
        # A shared link's holder may not have answered: its answers ran out.
        return cls.USED_UP if gate is cls.ANSWERED and link.is_multi_use else gate


_GATE_FOR_STATUS: dict[LinkStatus, Gate | None] = {
    LinkStatus.NOT_STARTED: None,
    LinkStatus.STARTED: None,
    LinkStatus.ANSWERED: Gate.ANSWERED,
    LinkStatus.REVOKED: Gate.REVOKED,
    LinkStatus.EXPIRED: Gate.EXPIRED,
    LinkStatus.INVALID: Gate.INVALID,
    LinkStatus.EMAIL_NOT_SENT: None,
    LinkStatus.EMAIL_SENT: None,
    LinkStatus.EMAIL_FAILED: None,
    LinkStatus.OPTED_OUT: None,
}


def add_gate_headers(response: HttpResponse, referrer_policy: str = "same-origin") -> HttpResponse:
    """Keep a personal response out of shared caches, and its URL out of Referer headers."""
    patch_cache_control(response, private=True, no_store=True)
    response.headers["Referrer-Policy"] = referrer_policy
    return response


def render_gate(
    request: HttpRequest,
    gate: Gate,
    *,
    page: Any = None,
    link: PersonalLink | None = None,
    referrer_policy: str = "same-origin",
) -> TemplateResponse:
    """Render the gate page, extending the site's base template, with its status."""
    context = page.get_context(request) if page is not None else {"request": request}
    context.update(
        gate=gate,
        personal_link=link,
        expires_at=link.expires_at if link is not None else None,
        personal_links_base_template=select_template(
            [personal_links_settings.GATE_BASE_TEMPLATE, STANDALONE_BASE_TEMPLATE]
        ),
    )
    response = TemplateResponse(request, gate.template_name, context, status=gate.status_code)
    return add_gate_headers(response, referrer_policy)
