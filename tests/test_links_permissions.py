"""Who may reach the personal links of a page: the permission matrix, URL by URL."""

import pytest
from django.urls import reverse

from tests.conftest import grant_page_edit, make_editor
from wagtail_personal_links.generation import create_batch
from wagtail_personal_links.models import LinkBatch, Segment

# (method, view name, needs a batch, expected status for an allowed user)
URLS = [
    ("get", "index", False, 200),
    ("post", "index", False, 200),
    ("get", "results", False, 200),
    ("get", "download", True, 200),
    ("get", "download_non_responders", True, 200),
    ("get", "status", True, 200),
    ("get", "qr_zip", True, 200),
    ("get", "qr_sheet", True, 200),
    ("get", "revoke", True, 200),
    ("post", "revoke", True, 302),
]


@pytest.fixture
def batch(survey_page):
    segment = Segment.objects.get(name="Demo customers")
    return create_batch(survey_page, segment.get_contacts(), target_label=segment.name)


@pytest.fixture
def links_only_editor(django_user_model, survey_page):
    """An editor with the links permission but no permission to edit the page."""
    return make_editor(django_user_model, "outsider", ["generate_personal_links"])


@pytest.fixture
def call(links_url):
    """Return a function requesting a personal links view with ``method``."""

    def call(client, method, name, page, batch):
        url = links_url(name, page, batch)
        data = {"target": "segment", "segment": ""} if method == "post" else None
        return getattr(client, method)(url, data)

    return call


@pytest.mark.parametrize(("method", "name", "needs_batch", "allowed_status"), URLS)
@pytest.mark.parametrize("user_fixture", ["page_editor", "links_only_editor"])
def test_users_without_both_permissions_get_403(
    client,
    request,
    survey_page,
    batch,
    method,
    name,
    needs_batch,
    allowed_status,
    user_fixture,
    call,
):
    client.force_login(request.getfixturevalue(user_fixture))

    response = call(client, method, name, survey_page, batch if needs_batch else None)

    assert response.status_code == 403
    assert "Sorry, you do not have permission" in response.content.decode()
    batch.refresh_from_db()
    assert batch.revoked_at is None
    assert LinkBatch.objects.count() == 1


@pytest.mark.parametrize(("method", "name", "needs_batch", "allowed_status"), URLS)
def test_editor_with_both_permissions_gets_in(
    client, links_editor, survey_page, batch, method, name, needs_batch, allowed_status, call
):
    client.force_login(links_editor)

    response = call(client, method, name, survey_page, batch if needs_batch else None)

    assert response.status_code == allowed_status


@pytest.mark.parametrize(("method", "name", "needs_batch", "allowed_status"), URLS)
def test_anonymous_users_are_sent_to_log_in(
    client, survey_page, batch, method, name, needs_batch, allowed_status, call
):
    response = call(client, method, name, survey_page, batch if needs_batch else None)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtailadmin_login"))


def test_edit_permission_elsewhere_is_not_enough(
    client, django_user_model, survey_page, batch, links_url
):
    other = survey_page.copy(update_attrs={"slug": "other-survey", "title": "Other survey"})
    user = make_editor(django_user_model, "elsewhere", ["generate_personal_links"])
    grant_page_edit(user, other)
    client.force_login(user)

    assert client.get(links_url("index", other)).status_code == 200
    assert client.get(links_url("index", survey_page)).status_code == 403
    assert client.get(links_url("download", survey_page, batch)).status_code == 403


def test_editor_without_the_permission_sees_no_button_panel_or_menu_item(
    client, page_editor, survey_page, batch
):
    client.force_login(page_editor)

    edit = client.get(reverse("wagtailadmin_pages:edit", args=[survey_page.pk]))
    explore = client.get(reverse("wagtailadmin_explore", args=[survey_page.get_parent().pk]))

    assert edit.status_code == explore.status_code == 200
    for response in (edit, explore):
        assert "/admin/personal-links/" not in response.content.decode()
    assert "Generate and manage personal links" not in edit.content.decode()


def test_editor_with_the_permission_sees_button_panel_and_menu_item(
    client, links_editor, survey_page, batch, links_url
):
    client.force_login(links_editor)
    url = links_url("index", survey_page)

    edit = client.get(reverse("wagtailadmin_pages:edit", args=[survey_page.pk]))
    explore = client.get(reverse("wagtailadmin_explore", args=[survey_page.get_parent().pk]))

    assert edit.content.decode().count(f'href="{url}"') == 2
    assert "Generate and manage personal links" in edit.content.decode()
    assert f'href="{url}"' in explore.content.decode()


def test_the_permission_is_offered_when_editing_groups(admin_client):
    response = admin_client.get(reverse("wagtailusers_groups:add"))

    assert "Can generate personal links" in response.content.decode()
