"""Invitation-only pages do not leak: not in search, not in the sitemap, nothing in the APIs.

An open copy of the survey is the control: it shows what would leak if the
survey were not invitation-only.
"""

import json

import pytest
from wagtail.models import Page

from home.models import SurveyPage

pytestmark = pytest.mark.urls("tests.leak_urls")

QUESTION = "How likely are you to recommend us to a friend?"
INTRO = "Tell us how we are doing"


@pytest.fixture
def open_survey(survey_page):
    """A copy of the survey that anyone may answer."""
    return survey_page.copy(
        to=survey_page.get_parent(),
        update_attrs={
            "slug": "open-survey",
            "title": "Open survey",
            "personal_links_invitation_only": False,
        },
    )


def search(query: str) -> list[Page]:
    """Search as a site's search view does for anonymous visitors."""
    return list(Page.objects.live().search(query))


def test_search_finds_the_open_survey_but_not_the_invitation_only_one(survey_page, open_survey):
    results = search("survey")

    assert open_survey.page_ptr in results
    assert survey_page.page_ptr not in results


def test_a_survey_made_invitation_only_leaves_the_search_index(open_survey):
    open_survey.personal_links_invitation_only = True
    open_survey.save_revision().publish()

    assert search("survey") == []


def test_a_survey_opened_up_enters_the_search_index(survey_page):
    survey_page.personal_links_invitation_only = False
    survey_page.save_revision().publish()

    assert search("customer survey") == [survey_page.page_ptr]


def test_the_sitemap_lists_the_open_survey_but_not_the_invitation_only_one(
    client, survey_page, open_survey
):
    response = client.get("/sitemap.xml")

    assert response.status_code == 200
    sitemap = response.content.decode()
    assert "/open-survey/</loc>" in sitemap
    assert "/customer-survey/" not in sitemap


def assert_no_survey_content(response) -> dict:
    assert response.status_code == 200
    body = response.content.decode()
    assert QUESTION not in body
    assert INTRO not in body
    assert "form_fields" not in body
    return json.loads(body)


@pytest.mark.parametrize("query", ["", "?fields=*"])
def test_page_api_v2_shows_an_invitation_only_page_as_a_listing_does(client, survey_page, query):
    listing = assert_no_survey_content(client.get(f"/api/v2/pages/{query}"))
    detail = assert_no_survey_content(client.get(f"/api/v2/pages/{survey_page.pk}/{query}"))

    listed = next(item for item in listing["items"] if item["id"] == survey_page.pk)
    assert set(detail) == set(listed)
    assert detail["title"] == listed["title"]


def test_page_api_v3_shows_an_invitation_only_page_as_a_listing_does(client, survey_page):
    listing = assert_no_survey_content(client.get("/api/v3/pages/"))
    detail = assert_no_survey_content(client.get(f"/api/v3/pages/{survey_page.pk}/"))

    listed = next(item for item in listing["items"] if item["id"] == survey_page.pk)
    assert detail["title"] == listed["title"]
    assert set(detail) - set(listed) <= {"meta"}


def test_page_apis_find_no_survey_through_search(client, survey_page):
    v2 = client.get("/api/v2/pages/?search=customer")
    v3 = client.get("/api/v3/pages/?search=customer")

    assert v2.json()["items"] == []
    assert v3.json()["items"] == []


def test_the_survey_form_itself_stays_behind_the_gate(client, survey_page):
    response = client.get(survey_page.url)

    assert response.status_code == 403
    assert QUESTION not in response.content.decode()
    assert SurveyPage.objects.get(pk=survey_page.pk).personal_links_invitation_only
