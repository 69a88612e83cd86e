"""Every URL the app registers refuses visitors who hold no permission.

The URLs are read from Django's resolver, not listed by hand: a view added
tomorrow is in this matrix tomorrow. Each is requested with GET and POST, as
an anonymous visitor, as a logged-in user with no permission at all, and as a
Wagtail user who may only open the admin. Each answer must be a redirect to
the login page, 401 or 403; the objects in the URLs exist, so that a 404
cannot hide a missing check, and nothing may change.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.messages import get_messages
from django.urls import URLPattern, URLResolver, get_resolver
from wagtail.admin.admin_url_finder import AdminURLFinder  # noqa: F401 (admin URLs loaded)
from wagtail.log_actions import log

from tests.conftest import make_editor
from wagtail_personal_links.audit import IMPORT_CONTACTS
from wagtail_personal_links.generation import create_batch
from wagtail_personal_links.models import (
    Contact,
    ContactAttributeKey,
    EmailKind,
    LinkBatch,
    Mailing,
    MessageTemplate,
    PersonalLink,
    Segment,
)

APP = "wagtail_personal_links"
LOGIN = "/admin/login/"
DASHBOARD = "/admin/"


def app_routes(patterns=None, prefix: str = "", namespace: str = "") -> list[tuple[str, str]]:
    """Return ``(route, namespaced name)`` of every pattern of the app, walking the resolver.

    A pattern is the app's when its view is defined in the app, when it sits
    in one of the app's namespaces (its snippet viewsets use Wagtail's views),
    or when its route or name says ``personal-links`` (the API's).
    """
    routes = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace or ""]))
            routes += app_routes(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif is_the_apps(pattern, prefix, namespace):
            routes.append((prefix + str(pattern.pattern), f"{namespace}:{pattern.name}"))
    return routes


def is_the_apps(pattern: URLPattern, prefix: str, namespace: str) -> bool:
    view = getattr(pattern.callback, "view_class", pattern.callback)
    route = prefix + str(pattern.pattern)
    return (
        view.__module__.startswith(APP)
        or APP in namespace
        or "personal-links" in route
        or "personal_links" in (pattern.name or "")
    )


def bulk_action_routes() -> list[tuple[str, str]]:
    """Return the app's bulk actions, which Wagtail serves through one generic pattern."""
    from wagtail.admin.views.bulk_action.registry import bulk_action_registry

    actions = bulk_action_registry.get_bulk_actions_for_model(APP, "contact")
    return [
        (f"admin/bulk/{APP}/contact/{action.action_type}/", f"bulk:{action.action_type}")
        for action in actions
        if action.__module__.startswith(APP)
    ]


#: The public unsubscribe page answers whoever holds a signed token; it is checked on its own.
PUBLIC_NAMESPACE = "wagtail_personal_links_public"
ROUTES = sorted(
    route
    for route in set(app_routes()) | set(bulk_action_routes())
    if not route[1].startswith(f"{PUBLIC_NAMESPACE}:")
)
GATE_ROUTES = [("pl/<str:token>", "gate:token"), ("customer-survey/", "gate:survey page")]


def test_the_matrix_finds_every_kind_of_url_the_app_registers():
    names = {name.split(":")[0] for _route, name in ROUTES}

    assert {
        "wagtail_personal_links_import",
        "wagtail_personal_links_links",
        f"wagtailsnippets_{APP}_contact",
        f"wagtailsnippets_{APP}_segment",
        f"wagtailsnippetchoosers_{APP}_contact",
        f"wagtailsnippetchoosers_{APP}_segment",
        "bulk",
    } <= names
    assert len(ROUTES) >= 40


@pytest.fixture
def objects(survey_page):
    """One existing object for each kind of id in the URLs."""
    contact = Contact.objects.order_by("pk").first()
    segment = Segment.objects.get(name="Demo customers")
    batch = create_batch(survey_page, segment.get_contacts(), target_label=segment.name)
    entry = log(instance=contact, action=IMPORT_CONTACTS, data={"new": 1})
    mailing = Mailing.objects.create(
        batch=batch, kind=EmailKind.INVITATION, subject="Hi", body="{link}", from_email="a@b.c"
    )
    return {
        "page_id": survey_page.pk,
        "batch_id": batch.pk,
        "mailing_id": mailing.pk,
        "attributekey": ContactAttributeKey.objects.create(key="matrix_key").pk,
        "messagetemplate": MessageTemplate.objects.create(
            name="Invite", subject="Hi", body="{link}"
        ).pk,
        # The API's path parameters.
        "surveyId": survey_page.pk,
        "batchId": batch.pk,
        "contactId": contact.pk,
        "segmentId": segment.pk,
        "contact": contact.pk,
        "segment": segment.pk,
        "import": entry.pk,
        "token": "eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl",
    }


def fill(route: str, name: str, objects: dict) -> str:
    """Turn a route into a path to existing objects."""

    def value(match: re.Match) -> str:
        key = match.group(1)
        if key == "pk":
            models = ("attributekey", "messagetemplate", "contact", "segment")
            key = next((model for model in models if model in name), "import")
        return str(objects[key])

    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", value, route)


def refused(response) -> bool:
    """Say whether the response refuses: login redirect, 401, 403, 405, or Wagtail's denial.

    Wagtail's own ``permission_denied`` redirects to the dashboard with an error message.
    An API route answers a method it does not serve with 405 before it authenticates.
    """
    if response.status_code == 302:
        location = response["Location"]
        return location.startswith(LOGIN) or (location == DASHBOARD and denied(response))
    return response.status_code in (401, 403, 405)


def denied(response) -> bool:
    messages = [str(m).strip() for m in get_messages(response.wsgi_request)]
    return "Sorry, you do not have permission to access this area." in messages


def snapshot() -> tuple:
    return (
        Contact.objects.count(),
        Segment.objects.count(),
        LinkBatch.objects.filter(revoked_at__isnull=True).count(),
        PersonalLink.objects.count(),
    )


@pytest.fixture(params=["anonymous", "no permissions", "admin access only"])
def visitor(request, client, django_user_model):
    if request.param == "no permissions":
        client.force_login(django_user_model.objects.create_user("nobody", "n@example.com"))
    elif request.param == "admin access only":
        client.force_login(make_editor(django_user_model, "reader", []))
    return client


@pytest.mark.parametrize("method", ["get", "post"])
def test_every_admin_url_of_the_app_refuses_a_visitor_without_permission(visitor, objects, method):
    before = snapshot()
    leaks = []
    for route, name in ROUTES:
        path = fill(route, name, objects)
        response = getattr(visitor, method)(path, {"id": [objects["contact"]]})
        if not refused(response):
            leaks.append((method.upper(), path, response.status_code))

    assert leaks == [], "\n".join(map(str, leaks))
    assert snapshot() == before


def test_the_gate_refuses_a_visitor_without_a_link(visitor, objects):
    for route, name in GATE_ROUTES:
        response = visitor.get(fill(route, name, objects))

        assert response.status_code == 403
        assert "text/html" in response["Content-Type"]


def test_the_public_unsubscribe_page_refuses_a_forged_token(visitor, objects):
    routes = [route for route in app_routes() if route[1].startswith(f"{PUBLIC_NAMESPACE}:")]

    responses = [
        getattr(visitor, method)(fill(route, name, objects))
        for route, name in routes
        for method in ("get", "post")
    ]

    assert routes
    assert [response.status_code for response in responses] == [404] * len(responses)
    assert not Contact.objects.filter(email_opt_out=True).exists()
