"""Contacts are personal data: every contact and segment admin URL checks permissions.

Wagtail answers a denied admin page with a redirect to the dashboard and the
message below, and a denied XMLHttpRequest (the chooser modal) with 403.
"""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from tests.conftest import make_editor

DENIED = "Sorry, you do not have permission to access this area."
ACTIONS = ("add", "change", "delete", "view")
FULL = [f"{action}_{model}" for action in ACTIONS for model in ("contact", "segment")]
VIEW_ONLY = ["view_contact", "view_segment"]

CONTACT = "wagtailsnippets_wagtail_personal_links_contact"
SEGMENT = "wagtailsnippets_wagtail_personal_links_segment"
CONTACT_CHOOSER = "wagtailsnippetchoosers_wagtail_personal_links_contact"
SEGMENT_CHOOSER = "wagtailsnippetchoosers_wagtail_personal_links_segment"

# (name, URL name, takes the object's pk, query string)
PAGES = [
    ("contact list", f"{CONTACT}:list", False, ""),
    ("contact results", f"{CONTACT}:list_results", False, ""),
    ("contact CSV export", f"{CONTACT}:list", False, "?export=csv"),
    ("contact XLSX export", f"{CONTACT}:list", False, "?export=xlsx"),
    ("contact inspect", f"{CONTACT}:inspect", True, ""),
    ("contact add", f"{CONTACT}:add", False, ""),
    ("contact edit", f"{CONTACT}:edit", True, ""),
    ("contact delete", f"{CONTACT}:delete", True, ""),
    ("contact history", f"{CONTACT}:history", True, ""),
    ("contact usage", f"{CONTACT}:usage", True, ""),
    ("add to segment", "bulk:add_to_segment", True, ""),
    ("remove from segment", "bulk:remove_from_segment", True, ""),
    ("segment list", f"{SEGMENT}:list", False, ""),
    ("segment results", f"{SEGMENT}:list_results", False, ""),
    ("segment inspect", f"{SEGMENT}:inspect", True, ""),
    ("segment add", f"{SEGMENT}:add", False, ""),
    ("segment edit", f"{SEGMENT}:edit", True, ""),
    ("segment delete", f"{SEGMENT}:delete", True, ""),
    ("segment history", f"{SEGMENT}:history", True, ""),
    ("segment usage", f"{SEGMENT}:usage", True, ""),
]
MODALS = [
    ("contact chooser", f"{CONTACT_CHOOSER}:choose", False, "?multiple=1"),
    ("contact chooser results", f"{CONTACT_CHOOSER}:choose_results", False, ""),
    ("contact chosen", f"{CONTACT_CHOOSER}:chosen", True, ""),
    ("contacts chosen", f"{CONTACT_CHOOSER}:chosen_multiple", False, "?id={pk}"),
    ("segment chooser", f"{SEGMENT_CHOOSER}:choose", False, ""),
    ("segment chooser results", f"{SEGMENT_CHOOSER}:choose_results", False, ""),
    ("segment chosen", f"{SEGMENT_CHOOSER}:chosen", True, ""),
]
#: What a user with only the view permissions may open.
VIEWABLE = {
    "contact list",
    "contact results",
    "contact CSV export",
    "contact XLSX export",
    "contact inspect",
    "segment list",
    "segment results",
    "segment inspect",
    *(name for name, *_ in MODALS),
}


def page_url(route: str, takes_pk: bool, query: str, contact, segment) -> str:
    target = segment if "_segment:" in route else contact
    if route.startswith("bulk:"):
        action = route.removeprefix("bulk:")
        path = reverse("wagtail_bulk_action", args=["wagtail_personal_links", "contact", action])
        return f"{path}?id={contact.pk}"
    path = reverse(route, args=[target.pk] if takes_pk else [])
    return path + query.format(pk=target.pk)


def client_for(client, django_user_model, codenames):
    client.force_login(make_editor(django_user_model, "someone", codenames))
    return client


def assert_denied(response) -> None:
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")
    messages = [str(message).strip() for message in response.wsgi_request._messages]
    assert messages == [DENIED]


@pytest.mark.parametrize(("name", "route", "takes_pk", "query"), PAGES)
@pytest.mark.parametrize(
    ("role", "codenames"), [("none", []), ("view only", VIEW_ONLY), ("full", FULL)]
)
def test_admin_pages(
    client, django_user_model, segment, contact, role, codenames, name, route, takes_pk, query
):
    client = client_for(client, django_user_model, codenames)

    response = client.get(page_url(route, takes_pk, query, contact, segment))

    allowed = role == "full" or (role == "view only" and name in VIEWABLE)
    if allowed:
        assert response.status_code == 200
    else:
        assert_denied(response)


@pytest.mark.parametrize(("name", "route", "takes_pk", "query"), MODALS)
@pytest.mark.parametrize(
    ("role", "codenames"), [("none", []), ("view only", VIEW_ONLY), ("full", FULL)]
)
def test_chooser_modals(
    client, django_user_model, segment, contact, role, codenames, name, route, takes_pk, query
):
    client = client_for(client, django_user_model, codenames)

    response = client.get(
        page_url(route, takes_pk, query, contact, segment),
        headers={"x-requested-with": "XMLHttpRequest"},
    )

    assert response.status_code == (403 if role == "none" else 200)


@pytest.mark.parametrize(
    "route", ["bulk:add_to_segment", "bulk:remove_from_segment", f"{CONTACT}:edit"]
)
def test_view_only_user_cannot_change_by_posting(
    client, django_user_model, segment, contact, route
):
    client = client_for(client, django_user_model, VIEW_ONLY)

    response = client.post(
        page_url(route, route.startswith(CONTACT), "", contact, segment),
        {"segment": segment.pk, "email": "changed@example.com"},
    )

    assert_denied(response)
    contact.refresh_from_db()
    assert contact.email == "ada@example.com"
    assert segment.get_contacts().count() == 1


def personal_links_menu(html: str) -> list[str] | None:
    """Return the names in the sidebar's "Personal links" submenu, or None if it is absent."""
    props = re.search(
        r'<script id="wagtail-sidebar-props" type="application/json">(.*?)</script>', html
    )
    (main_menu,) = [
        m for m in json.loads(props[1])["modules"] if m["_type"].endswith("MainMenuModule")
    ]
    for item in main_menu["_args"][0]:
        options, *children = item["_args"]
        if options["name"] == "personal-links":
            return [child["_args"][0]["name"] for child in children[0]]
    return None


@pytest.mark.parametrize(
    ("codenames", "menu"),
    [
        ([], None),
        (VIEW_ONLY, ["contacts", "segments"]),
        (["view_segment"], ["segments"]),
        (["change_contact"], ["contacts"]),
    ],
)
def test_menu_shows_only_what_the_user_may_open(client, django_user_model, codenames, menu):
    client = client_for(client, django_user_model, codenames)

    response = client.get(reverse("wagtailadmin_home"))

    assert personal_links_menu(response.content.decode()) == menu


def test_segment_editor_without_contact_permission_cannot_choose_members(
    client, django_user_model, segment
):
    client = client_for(client, django_user_model, ["view_segment", "change_segment"])

    response = client.get(reverse(f"{SEGMENT}:edit", args=[segment.pk]))

    assert response.status_code == 200
    assert "add_contacts" not in response.context["form"].fields
    assert "remove_contacts" not in response.context["form"].fields
