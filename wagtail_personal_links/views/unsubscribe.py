"""The unsubscribe page: a confirmation on GET, the opt-out on POST (RFC 8058 one-click).

A GET never opts out, because mail scanners follow links. The POST needs no
CSRF token, and only this view is exempt: mail clients send the one-click
``List-Unsubscribe=One-Click`` POST without cookies, and the signed token in
the URL is what authorises it. The worst a forged POST can do is what the
token's holder may do anyway, unsubscribe that person.

The page speaks the respondent's language, chosen as for the gate pages
(:mod:`~wagtail_personal_links.languages`).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.loader import select_template
from django.template.response import TemplateResponse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from ..conf import personal_links_settings
from ..gate import STANDALONE_BASE_TEMPLATE, add_gate_headers
from ..languages import add_language_headers, speaking
from ..mailing import optout

__all__ = ["UnsubscribeView"]

TEMPLATE = "wagtail_personal_links/mail/unsubscribe.html"


@method_decorator(csrf_exempt, name="dispatch")
class UnsubscribeView(View):
    """Confirm, then record, that the token's contact wants no more emails."""

    http_method_names = ["get", "post"]

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        contact = optout.contact_for_token(token)
        return self.render(request, contact, done=contact is not None and contact.email_opt_out)

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        contact = optout.contact_for_token(token)
        if contact is not None:
            optout.opt_out(contact, source="link")
        return self.render(request, contact, done=contact is not None)

    def render(self, request: HttpRequest, contact: Any, *, done: bool) -> HttpResponse:
        base = select_template(
            [personal_links_settings.GATE_BASE_TEMPLATE, STANDALONE_BASE_TEMPLATE]
        )
        context = {
            "valid": contact is not None,
            "done": done,
            "personal_links_base_template": base,
        }
        status = 200 if contact is not None else 404
        # Contacts record no language: the page speaks the browser's, as the gate pages do.
        with speaking(request) as (language, from_request):
            response = TemplateResponse(request, TEMPLATE, context, status=status).render()
        add_language_headers(response, language, from_request)
        return add_gate_headers(response, referrer_policy="no-referrer")
