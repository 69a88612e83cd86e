"""The invitation-only gate of a survey page: who sees the form, who sees what instead."""

import datetime

import pytest
import time_machine
from django.test import override_settings

from wagtail_personal_links.models import PersonalLinkFormSubmission

UTC = datetime.UTC
MIDDLEWARE_PATH = "wagtail_personal_links.middleware.PersonalLinkMiddleware"
SESSION_MIDDLEWARE = "django.contrib.sessions.middleware.SessionMiddleware"


def assert_gated_headers(response):
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert response["Referrer-Policy"] in ("same-origin", "no-referrer")


def assert_no_form(response):
    assert "<form" not in response.text


@pytest.mark.parametrize("method", ["get", "post"])
def test_without_a_link_the_survey_is_for_invited_people_only(
    client, survey_page, answers, method
):
    response = getattr(client, method)("/customer-survey/", answers)

    assert response.status_code == 403
    assert "This survey can only be taken by invitation." in response.text
    assert "Customer survey" in response.text  # the page's own frame
    assert_no_form(response)
    assert_gated_headers(response)
    assert not PersonalLinkFormSubmission.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_link_for_another_page_does_not_open_this_one(
    client, make_link, contact, other_survey_page, link_url, answers, method
):
    client.get(link_url(make_link(other_survey_page, contact)))

    response = getattr(client, method)("/customer-survey/", answers)

    assert response.status_code == 403
    assert_no_form(response)
    assert not PersonalLinkFormSubmission.objects.exists()


def test_with_a_usable_link_the_form_is_shown_privately(client, personal_link, link_url):
    response = client.get(link_url(personal_link), follow=True)

    assert response.status_code == 200
    assert '<form action="/customer-survey/" method="post"' in response.text
    assert response.context["personal_link"] == personal_link
    assert_gated_headers(response)
    assert response["Referrer-Policy"] == "same-origin"


def test_an_open_survey_accepts_anonymous_answers(client, survey_page, answers):
    survey_page.personal_links_invitation_only = False
    survey_page.save_revision().publish()

    form = client.get("/customer-survey/")
    response = client.post("/customer-survey/", answers)

    assert form.status_code == 200
    assert response.status_code == 200
    submission = PersonalLinkFormSubmission.objects.get()
    assert submission.contact is None
    assert submission.form_data["what_should_we_improve"] == "More exports"


def test_an_open_survey_still_attributes_answers_that_came_through_a_link(
    client, survey_page, personal_link, link_url, answers
):
    survey_page.personal_links_invitation_only = False
    survey_page.save_revision().publish()

    client.get(link_url(personal_link))
    client.post("/customer-survey/", answers)

    assert PersonalLinkFormSubmission.objects.get().contact == personal_link.contact


@pytest.fixture
def expiring_link(make_link, survey_page, contact):
    """A link valid through 1 January 2030, as an expiry date of that day gives."""
    return make_link(survey_page, contact, expires_at=datetime.datetime(2030, 1, 2, tzinfo=UTC))


def test_a_link_still_works_at_235959_utc_on_its_last_day(
    client, expiring_link, link_url, answers
):
    with time_machine.travel(datetime.datetime(2030, 1, 1, 23, 59, 59, tzinfo=UTC), tick=False):
        opened = client.get(link_url(expiring_link), follow=True)
        answered = client.post("/customer-survey/", answers)

    assert opened.status_code == 200
    assert answered.status_code == 200
    assert PersonalLinkFormSubmission.objects.count() == 1


def test_a_link_has_expired_at_000000_utc_the_next_day(client, expiring_link, link_url, answers):
    with time_machine.travel(datetime.datetime(2030, 1, 1, 23, 59, 59, tzinfo=UTC), tick=False):
        client.get(link_url(expiring_link))
    with time_machine.travel(datetime.datetime(2030, 1, 2, 0, 0, 0, tzinfo=UTC), tick=False):
        page = client.get("/customer-survey/")
        post = client.post("/customer-survey/", answers)

    for response in (page, post):
        assert response.status_code == 410
        assert "This link has expired." in response.text
        assert "Jan. 2, 2030, midnight (UTC)" in response.text
        assert_no_form(response)
        assert_gated_headers(response)
    assert not PersonalLinkFormSubmission.objects.exists()


def test_a_link_revoked_after_opening_no_longer_opens_the_form(
    client, personal_link, link_url, answers
):
    client.get(link_url(personal_link))
    personal_link.revoke()

    response = client.post("/customer-survey/", answers)

    assert response.status_code == 403
    assert "This link is no longer valid." in response.text
    assert not PersonalLinkFormSubmission.objects.exists()


def test_a_link_of_an_unfinished_batch_is_not_valid(client, personal_link, link_url):
    personal_link.batch.status = personal_link.batch.Status.GENERATING
    personal_link.batch.save()

    response = client.get(link_url(personal_link), follow=True)

    assert response.status_code == 403
    assert "This link is not valid." in response.text


def test_an_unpublished_survey_is_a_404_even_with_a_session_link(client, personal_link, link_url):
    client.get(link_url(personal_link))
    personal_link.batch.page.specific.unpublish()

    assert client.get("/customer-survey/").status_code == 404


def test_editors_preview_the_form_without_a_link(survey_page):
    response = survey_page.make_preview_request(preview_mode="form")

    assert response.status_code == 200
    assert "<form" in response.content.decode()


@override_settings(PERSONAL_LINKS_GATE_BASE_TEMPLATE="no/such/base.html")
def test_the_gate_stands_alone_when_the_site_has_no_base_template(client, survey_page):
    response = client.get("/customer-survey/")

    assert response.status_code == 403
    assert '<meta name="viewport"' in response.text
    assert "This survey can only be taken by invitation." in response.text


def test_the_invitation_only_switch_is_in_the_settings_tab(admin_client, survey_page):
    response = admin_client.get(f"/admin/pages/{survey_page.pk}/edit/")

    assert response.status_code == 200
    assert 'name="personal_links_invitation_only"' in response.text
    assert "Invitation only" in response.text


def test_the_switch_is_on_for_a_new_survey(db):
    from home.models import SurveyPage

    assert SurveyPage().personal_links_invitation_only is True
