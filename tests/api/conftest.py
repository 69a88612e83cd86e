"""Fixtures of the API tests: users with Wagtail API tokens, and clients that send them."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from wagtail.models import APIToken

from tests.conftest import make_editor
from tests.test_links_browser import browser, screenshots  # noqa: F401 (fixtures)

API = "/api/v3/personal-links"


def token_for(user) -> str:
    """Create a Wagtail API token for ``user``; return its plaintext."""
    _token, plaintext = APIToken.create_token(user=user, name=f"{user.get_username()} token")
    return plaintext


class APIClient(Client):
    """A test client that sends an API token with every request."""

    def __init__(self, token: str, *, header: str = "bearer") -> None:
        headers = (
            {"Authorization": f"Bearer {token}"} if header == "bearer" else {"x-api-key": token}
        )
        super().__init__(headers=headers)


@pytest.fixture
def api_token(links_editor) -> str:
    """A token of the editor who may generate the survey's links and import contacts."""
    links_editor.groups.get().permissions.add(
        *Permission.objects.filter(
            content_type__app_label="wagtail_personal_links",
            codename__in=["add_contact", "change_contact", "view_contact", "change_segment"],
        )
    )
    return token_for(links_editor)


@pytest.fixture
def api(api_token) -> APIClient:
    """A client that sends :func:`api_token` as a bearer token."""
    return APIClient(api_token)


@pytest.fixture
def outsider_api(django_user_model):
    """A client whose token belongs to a user with no permission at all."""
    return APIClient(token_for(make_editor(django_user_model, "nobody", [])))


@pytest.fixture
def demo_segment(survey_page):
    from wagtail_personal_links.models import Segment

    return Segment.objects.get(name="Demo customers")
