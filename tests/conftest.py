"""Fixtures shared by the whole suite."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from wagtail.models import Page

from wagtail_personal_links.models import Contact, Segment


@pytest.fixture
def demo_site(db):
    """The example site as `seed_demo` leaves it, with 5 contacts."""
    call_command("seed_demo", contacts=5, stdout=open("/dev/null", "w"))  # noqa: SIM115
    from home.models import SurveyPage

    return SurveyPage.objects.get(slug="customer-survey")


@pytest.fixture
def survey_page(demo_site):
    """The published "Customer survey" page."""
    return demo_site


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser(
        "root", "root@example.com", "password", first_name="Root", last_name="User"
    )


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def make_editor(django_user_model, username: str, codenames: list[str]):
    """Create a user with Wagtail admin access and the given permission codenames."""
    user = django_user_model.objects.create_user(username, f"{username}@example.com", "password")
    group, _ = Group.objects.get_or_create(name=f"{username}-group")
    perms = Permission.objects.filter(
        codename__in=["access_admin", *codenames],
    )
    group.permissions.set(perms)
    user.groups.add(group)
    return user


@pytest.fixture
def contact(db):
    return Contact.objects.create(
        email="ada@example.com",
        external_id="ADA-1",
        first_name="Ada",
        last_name="Lovelace",
        attributes={"plan": "pro"},
    )


@pytest.fixture
def segment(db, contact):
    segment = Segment.objects.create(name="Pioneers")
    segment.add_contacts([contact])
    return segment


@pytest.fixture
def root_page(db):
    return Page.get_first_root_node()


@pytest.fixture(autouse=True)
def _survey_pages_take_links(monkeypatch):
    from home.models import SurveyPage

    monkeypatch.setattr(SurveyPage, "personal_links_enabled", True, raising=False)


def grant_page_edit(user, page) -> None:
    """Let ``user``'s groups edit ``page`` and its descendants."""
    from django.contrib.auth.models import Permission
    from wagtail.models import GroupPagePermission

    for group in user.groups.all():
        for codename in ("add_page", "change_page"):
            GroupPagePermission.objects.create(
                group=group, page=page, permission=Permission.objects.get(codename=codename)
            )


@pytest.fixture
def links_editor(django_user_model, survey_page):
    """An editor who may edit the survey page and generate its personal links."""
    user = make_editor(django_user_model, "linker", ["generate_personal_links"])
    grant_page_edit(user, survey_page.get_parent())
    return user


@pytest.fixture
def page_editor(django_user_model, survey_page):
    """An editor who may edit the survey page but not generate personal links."""
    user = make_editor(django_user_model, "writer", [])
    grant_page_edit(user, survey_page.get_parent())
    return user
