"""Who may call the API: the 401/403 matrix, over every route the router has.

The routes are read from the router itself, so a new endpoint is in the
matrix the day it is added.
"""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache

from tests.api.conftest import API, APIClient, token_for
from tests.conftest import grant_page_edit, make_editor
from wagtail_personal_links.api.router import router
from wagtail_personal_links.models import LinkBatch, PersonalLink

BODIES = {
    "/surveys/{surveyId}/batches/": lambda ids: {"contactIds": [ids["contactId"]]},
    "/contacts/import/": lambda ids: {"contacts": [{"email": "new@example.com"}]},
}


def routes() -> list[tuple[str, str]]:
    """Return (method, path) of every operation of the router, child routers included."""
    found = []
    for mount in router.build_routers(""):
        prefix = mount.prefix.rstrip("/")
        for path, view in mount.template.path_operations.items():
            for operation in view.operations:
                found += [(method, f"{prefix}{path}") for method in operation.methods]
    return sorted(set(found))


ROUTES = routes()


@pytest.fixture
def ids(survey_page, contact, segment):
    batch = LinkBatch.objects.create(page=survey_page, target_label="x", total=1)
    PersonalLink.objects.create(batch=batch, contact=contact)
    return {
        "surveyId": survey_page.pk,
        "contactId": contact.pk,
        "segmentId": segment.pk,
        "batchId": batch.pk,
    }


def call(client, method: str, path: str, ids: dict):
    url = "/api/v3/personal-links" + re.sub(r"{(\w+)}", lambda m: str(ids[m[1]]), path)
    if path.endswith("/import/file/"):
        return client.post(url, b"email\nnew@example.com\n", content_type="text/csv")
    body = BODIES.get(path)
    if method == "POST":
        return client.post(url, body(ids) if body else None, content_type="application/json")
    return client.get(url)


def test_the_matrix_covers_every_endpoint():
    assert len(ROUTES) == 11  # ten operations, and the segment path as Formbricks spells it
    assert ("GET", "/surveys/{surveyId}/contact-links/segments/{segmentId}") in ROUTES


def test_no_token_or_a_bad_one_is_401(client, admin_client, ids):
    for method, path in ROUTES:
        for caller in (client, admin_client, APIClient("wagtail_not-a-token")):
            response = call(caller, method, path, ids)

            assert response.status_code == 401, (method, path, caller)
            assert response["Content-Type"] == "application/problem+json"
    assert PersonalLink.objects.count() == 1


@pytest.mark.parametrize("header", ["bearer", "x-api-key"])
def test_a_token_without_the_permission_is_403(django_user_model, survey_page, header, ids):
    page_only = make_editor(django_user_model, "page-only", ["add_contact", "change_contact"])
    grant_page_edit(page_only, survey_page.get_parent())
    links_only = make_editor(django_user_model, "links-only", ["generate_personal_links"])
    page_only_client = APIClient(token_for(page_only), header=header)
    links_only_client = APIClient(token_for(links_only), header=header)

    for method, path in ROUTES:
        callers = (
            [page_only_client, links_only_client] if "/surveys/" in path else [links_only_client]
        )
        for caller in callers:
            response = call(caller, method, path, ids)

            assert response.status_code == 403, (method, path)
            assert response.json()["status"] == 403
    assert PersonalLink.objects.count() == 1
    assert LinkBatch.objects.get().revoked_at is None


def test_a_token_with_the_permission_gets_in_with_either_header(api_token, ids):
    for method, path in ROUTES:
        for header in ("bearer", "x-api-key"):
            response = call(APIClient(api_token, header=header), method, path, ids)

            assert response.status_code in (200, 201), (method, path, response.content)


def test_a_token_over_the_api_rate_gets_429_with_retry_after(
    settings, api, api_token, survey_page
):
    cache.clear()
    settings.PERSONAL_LINKS_API_RATE = "2/m"
    url = f"{API}/surveys/{survey_page.pk}/batches/"

    statuses = [api.get(url).status_code for _ in range(3)]
    other_header = APIClient(api_token, header="x-api-key").get(url)

    assert statuses == [200, 200, 429]
    assert other_header.status_code == 429  # the same token, whichever header carries it
    assert 1 <= int(other_header["Retry-After"]) <= 60
