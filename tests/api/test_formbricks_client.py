"""A client written from Formbricks' documents works with our API, given a base URL and a key."""

from __future__ import annotations

from urllib.error import HTTPError

import pytest

from tests.api.conftest import API
from tests.api.formbricks_client import FormbricksContactLinks
from wagtail_personal_links.models import PersonalLink


@pytest.fixture
def formbricks(live_server, api_token) -> FormbricksContactLinks:
    return FormbricksContactLinks(api_token, base_url=live_server.url + API)


def test_formbricks_client_gets_contact_and_segment_links(
    formbricks, live_server, survey_page, demo_segment
):
    contact = demo_segment.get_contacts().first()

    link = formbricks.contact_link(str(survey_page.pk), str(contact.pk), expiration_days=14)
    links = list(
        formbricks.segment_links(
            str(survey_page.pk), str(demo_segment.pk), limit=2, expiration_days=14,
            attribute_keys=["plan"],
        )
    )  # fmt: skip

    assert set(link) == {"surveyUrl", "expiresAt"}
    assert link["surveyUrl"].startswith("http") and link["expiresAt"].endswith("Z")
    assert len(links) == 5 == len({item["contactId"] for item in links})
    assert {"contactId", "surveyUrl", "expiresAt", "attributes"} <= set(links[0])
    same = next(item for item in links if item["contactId"] == str(contact.pk))
    assert same["surveyUrl"] == link["surveyUrl"]
    assert PersonalLink.objects.count() == 5


def test_formbricks_client_sees_a_refusal_as_an_http_error(formbricks, survey_page):
    with pytest.raises(HTTPError) as refused:
        formbricks.contact_link(str(survey_page.pk), "999999")

    assert refused.value.code == 404
