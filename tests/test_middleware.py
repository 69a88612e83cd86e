"""The token exchange: from a link URL to a session and a clean page URL."""

import datetime
import logging

import jwt
import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpResponse
from django.test import RequestFactory

from wagtail_personal_links import tokens
from wagtail_personal_links.middleware import PersonalLinkMiddleware
from wagtail_personal_links.sessions import SESSION_KEY

UTC = datetime.UTC
LOGGER = "wagtail_personal_links"
INVALID_GATE = "wagtail_personal_links/gate/invalid.html"


def assert_invalid_gate(response):
    """The respondent sees the invalid-link gate page, in the site's frame, nothing else."""
    assert response.status_code == 403
    assert INVALID_GATE in [template.name for template in response.templates]
    assert "This link is not valid." in response.text
    assert_exchange_headers(response)


def assert_exchange_headers(response):
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "no-referrer"


def test_opening_a_link_redirects_to_the_clean_page_url(client, personal_link, link_url):
    url = link_url(personal_link)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == "/customer-survey/"
    assert url.rsplit("/", 1)[1] not in response["Location"]
    assert_exchange_headers(response)


def test_a_trailing_slash_and_a_query_string_are_accepted(client, personal_link, link_url):
    response = client.get(link_url(personal_link) + "/?utm_source=mail")

    assert response.status_code == 302
    assert response["Location"] == "/customer-survey/"


def test_opening_records_the_first_visit_only_and_never_consumes(client, personal_link, link_url):
    first_visit = datetime.datetime(2030, 3, 1, 9, 0, tzinfo=UTC)
    with time_machine.travel(first_visit, tick=False):
        client.get(link_url(personal_link))
    with time_machine.travel(first_visit + datetime.timedelta(days=2), tick=False):
        client.get(link_url(personal_link))

    personal_link.refresh_from_db()
    assert personal_link.opened_at == first_visit
    assert personal_link.submitted_at is None


def test_the_session_keeps_one_link_per_page(
    client, make_link, contact, survey_page, other_survey_page, link_url
):
    first = make_link(survey_page, contact)
    second = make_link(other_survey_page, contact)

    client.get(link_url(first))
    client.get(link_url(second))

    assert client.session[SESSION_KEY] == {
        str(survey_page.pk): first.pk,
        str(other_survey_page.pk): second.pk,
    }
    assert client.get("/customer-survey/").status_code == 200
    assert client.get("/second-survey/").status_code == 200


def test_opening_a_link_gives_an_existing_session_a_new_key(
    client, make_link, contact, survey_page, other_survey_page, link_url
):
    client.get(link_url(make_link(survey_page, contact)))
    before = client.cookies[settings.SESSION_COOKIE_NAME].value

    client.get(link_url(make_link(other_survey_page, contact)))

    assert client.cookies[settings.SESSION_COOKIE_NAME].value != before
    assert len(client.session[SESSION_KEY]) == 2


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_other_methods_than_get_are_not_allowed(client, personal_link, link_url, method):
    response = getattr(client, method)(link_url(personal_link))

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert_exchange_headers(response)
    personal_link.refresh_from_db()
    assert personal_link.opened_at is None


def test_a_tampered_token_shows_the_invalid_link_page(client, personal_link, link_url):
    response = client.get(link_url(personal_link)[:-3] + "xyz")

    assert response.status_code == 403
    assert "This link is not valid." in response.text
    assert "<main>" in response.text  # the site's base.html frame
    assert_exchange_headers(response)
    assert SESSION_KEY not in client.session


@pytest.mark.parametrize("path", ["/pl/x", "/pl/a.b.c/", "/pl/%E2%9C%93"])
def test_any_junk_under_the_prefix_is_a_friendly_403(client, db, path):
    response = client.get(path)

    assert response.status_code == 403
    assert "This link is not valid." in response.text


def test_a_well_signed_token_for_no_link_is_invalid(client, db, link_url):
    response = client.get("/pl/" + tokens.sign("NoSuchLink00"))

    assert response.status_code == 403
    assert "This link is not valid." in response.text


def test_a_token_without_exp_for_a_link_that_expires_is_invalid(
    client, make_link, survey_page, contact, caplog
):
    caplog.set_level(logging.DEBUG, logger=LOGGER)
    link = make_link(survey_page, contact, expires_at=datetime.datetime(2099, 1, 1, tzinfo=UTC))
    kid, key = tokens.signing_keys()[0]
    token = jwt.encode({"sub": link.public_id}, key, algorithm="HS256", headers={"kid": kid})

    response = client.get(f"/pl/{token}")

    assert response.status_code == 403
    assert "This link is not valid." in response.text
    assert_invalid_gate(response)
    assert f"Token expiry does not match personal link {link.public_id}" in caplog.text


def test_a_token_with_another_expiry_than_its_link_is_invalid(client, personal_link, caplog):
    caplog.set_level(logging.DEBUG, logger=LOGGER)
    token = tokens.sign(personal_link.public_id, datetime.datetime(2099, 1, 1, tzinfo=UTC))

    response = client.get(f"/pl/{token}")

    assert response.status_code == 403
    assert_invalid_gate(response)
    assert f"Token expiry does not match personal link {personal_link.public_id}" in caplog.text
    assert SESSION_KEY not in client.session


def test_a_valid_token_for_a_revoked_link_says_it_is_no_longer_valid(
    client, personal_link, link_url
):
    personal_link.revoke()

    response = client.get(link_url(personal_link), follow=True)

    assert response.redirect_chain == [("/customer-survey/", 302)]
    assert response.status_code == 403
    assert "This link is no longer valid." in response.text
    personal_link.refresh_from_db()
    assert personal_link.opened_at is None


def test_a_valid_token_for_a_revoked_batch_says_it_is_no_longer_valid(
    client, personal_link, link_url
):
    personal_link.batch.revoke()

    response = client.get(link_url(personal_link), follow=True)

    assert response.status_code == 403
    assert "This link is no longer valid." in response.text


def test_an_expired_link_leads_to_the_page_that_says_when_it_expired(
    client, make_link, survey_page, contact, link_url
):
    link = make_link(survey_page, contact, expires_at=datetime.datetime(2030, 1, 2, tzinfo=UTC))

    with time_machine.travel(datetime.datetime(2030, 1, 5, tzinfo=UTC), tick=False):
        response = client.get(link_url(link), follow=True)

    assert response.status_code == 410
    assert "This link has expired." in response.text
    assert "Jan. 2, 2030, midnight (UTC)" in response.text


def test_the_link_follows_its_page_when_it_moves(
    client, personal_link, link_url, other_survey_page
):
    personal_link.batch.page.specific.move(other_survey_page, pos="last-child")
    page = personal_link.batch.page.specific
    page.refresh_from_db()
    page.slug = "renamed-survey"
    page.save_revision().publish()

    response = client.get(link_url(personal_link))

    assert response["Location"] == "/second-survey/renamed-survey/"
    assert client.get(response["Location"]).status_code == 200


def test_a_link_to_an_unpublished_page_ends_in_wagtails_404(client, personal_link, link_url):
    personal_link.batch.page.specific.unpublish()

    response = client.get(link_url(personal_link), follow=True)

    assert response.status_code == 404


def test_a_link_whose_page_was_deleted_is_invalid(client, personal_link, link_url, caplog):
    caplog.set_level(logging.DEBUG, logger=LOGGER)
    url = link_url(personal_link)
    personal_link.batch.page.delete()

    response = client.get(url)

    assert response.status_code == 403
    assert_invalid_gate(response)
    assert f"No personal link has the public id {personal_link.public_id}" in caplog.text


def through_middleware(request, view=lambda request: HttpResponse("ok")):
    middleware = SessionMiddleware(PersonalLinkMiddleware(view))
    return middleware(request)


def test_a_request_without_token_or_session_costs_no_query_nor_session_load(
    db, django_assert_num_queries
):
    request = RequestFactory().get("/customer-survey/")

    with django_assert_num_queries(0):
        through_middleware(request)
        has_link = bool(request.personal_link)

    assert has_link is False
    assert request.session.accessed is False


def test_request_personal_link_is_lazy_and_is_the_latest_link(
    client, personal_link, link_url, django_assert_num_queries
):
    client.get(link_url(personal_link))
    request = RequestFactory().get("/elsewhere/")
    request.COOKIES[settings.SESSION_COOKIE_NAME] = client.cookies[
        settings.SESSION_COOKIE_NAME
    ].value

    with django_assert_num_queries(0):
        through_middleware(request)
    with django_assert_num_queries(1):  # the link: cached_db sessions come from the cache
        latest = request.personal_link.pk

    assert latest == personal_link.pk
    assert request.personal_link.contact == personal_link.contact


def test_head_opens_a_link_like_get(client, personal_link, link_url):
    response = client.head(link_url(personal_link))

    assert response.status_code == 302
    assert response["Location"] == "/customer-survey/"


def test_a_link_to_a_page_outside_every_site_is_a_404(
    client, root_page, contact, make_link, link_url
):
    from home.models import SurveyPage

    orphan = root_page.add_child(instance=SurveyPage(title="Orphan", slug="orphan"))

    response = client.get(link_url(make_link(orphan, contact)))

    assert response.status_code == 404


def test_a_link_sent_before_a_secret_key_rotation_still_opens(client, settings, personal_link):
    old_secret = settings.SECRET_KEY
    old_token = tokens.sign(personal_link.public_id)
    settings.SECRET_KEY = "a-brand-new-secret-key-for-this-site-0123456789"
    settings.SECRET_KEY_FALLBACKS = [old_secret]

    response = client.get(f"/pl/{old_token}")

    assert response.status_code == 302
    assert tokens.sign(personal_link.public_id) != old_token
