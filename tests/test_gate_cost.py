"""What the gate costs a request in queries, and that it never trusts a stale decision.

The gate reads the visitor's session and then loads the link with everything
its decision needs in one query. With a cached session engine the session
read costs no query, so a visitor holding a link costs one query; a visitor
without a session cookie costs none. Nothing about the link is cached: a link
revoked or used up is refused on the very next request.
"""

import pytest
from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.cache import cache

from wagtail_personal_links.sessions import personal_link_for

SESSION_ENGINES = {
    "django.contrib.sessions.backends.cached_db": 1,
    "django.contrib.sessions.backends.cache": 1,
    "django.contrib.sessions.backends.db": 2,
}


@pytest.fixture(params=SESSION_ENGINES)
def session_engine(request, settings):
    settings.SESSION_ENGINE = request.param
    cache.clear()
    yield request.param
    cache.clear()


def gate_request(rf, cookies: dict):
    request = rf.get("/customer-survey/")
    request.COOKIES.update(cookies)
    SessionMiddleware(lambda request: None).process_request(request)
    return request


def test_a_visitor_with_a_link_costs_one_query_with_cached_sessions(
    client, rf, survey_page, personal_link, link_url, session_engine, django_assert_num_queries
):
    client.get(link_url(personal_link))
    request = gate_request(rf, {settings.SESSION_COOKIE_NAME: client.cookies["sessionid"].value})

    with django_assert_num_queries(SESSION_ENGINES[session_engine]):
        link = personal_link_for(request, survey_page)
        gate = survey_page.get_personal_links_gate(request, link)

    assert link == personal_link
    assert gate is None


def test_a_visitor_without_a_session_costs_no_query(
    rf, survey_page, session_engine, django_assert_num_queries
):
    request = gate_request(rf, {})

    with django_assert_num_queries(0):
        gate = survey_page.get_personal_links_gate(
            request, personal_link_for(request, survey_page)
        )

    assert gate is not None
    assert request.session.accessed is False


def test_a_link_revoked_between_two_requests_is_refused_on_the_next(
    client, personal_link, link_url, session_engine
):
    client.get(link_url(personal_link))
    assert client.get("/customer-survey/").status_code == 200

    personal_link.revoke()

    response = client.get("/customer-survey/")
    assert response.status_code == 403
    assert "This link is no longer valid." in response.content.decode()


def test_a_batch_revoked_between_two_requests_is_refused_on_the_next(
    client, personal_link, link_url, session_engine
):
    client.get(link_url(personal_link))
    assert client.get("/customer-survey/").status_code == 200

    personal_link.batch.revoke()

    assert client.get("/customer-survey/").status_code == 403


def test_a_link_used_up_in_another_browser_is_refused_on_the_next_request(
    client, django_user_model, personal_link, link_url, answers, session_engine
):
    client.get(link_url(personal_link))
    assert client.get("/customer-survey/").status_code == 200
    other_browser = type(client)()
    other_browser.get(link_url(personal_link))

    assert other_browser.post("/customer-survey/", answers).status_code == 200

    response = client.get("/customer-survey/")
    assert response.status_code == 409
    assert "You have already answered this survey." in response.content.decode()


def for_gate(link, page_id=None):
    from wagtail_personal_links.models import PersonalLink

    return PersonalLink.objects.for_gate(page_id).get(pk=link.pk)


@pytest.mark.parametrize(
    "change",
    ["nothing", "revoke link", "revoke batch", "answer", "expire", "generating", "other page"],
)
def test_the_one_query_lookup_agrees_with_the_orm_on_every_state(
    survey_page, other_survey_page, personal_link, change
):
    import datetime

    from django.utils import timezone

    from wagtail_personal_links.models import LinkBatch, PersonalLinkFormSubmission
    from wagtail_personal_links.models.gate_lookup import load_gate_link

    link, batch = personal_link, personal_link.batch
    if change == "revoke link":
        link.revoke()
    elif change == "revoke batch":
        batch.revoke()
    elif change == "answer":
        PersonalLinkFormSubmission.objects.create(
            page=survey_page, contact=link.contact, form_data={}
        )
    elif change == "expire":
        type(link).objects.filter(pk=link.pk).update(
            expires_at=timezone.now() - datetime.timedelta(hours=1)
        )
    elif change == "generating":
        LinkBatch.objects.filter(pk=batch.pk).update(status=LinkBatch.Status.GENERATING)
    page_id = other_survey_page.pk if change == "other page" else survey_page.pk

    for page in (page_id, None):
        loaded, expected = load_gate_link(link.pk, page), for_gate(link, page)
        assert loaded.get_status() == expected.get_status()
        assert loaded.batch.page_id == expected.batch.page_id
        assert loaded.batch.revoked_at == expected.batch.revoked_at
        assert loaded.expires_at == expected.expires_at
        assert loaded.contact_has_answered == expected.contact_has_answered


def test_the_one_query_lookup_finds_no_link_for_an_unknown_id(db):
    from wagtail_personal_links.models.gate_lookup import load_gate_link

    assert load_gate_link(987654) is None
