"""The two Formbricks endpoints: success bodies, idempotent minting, and each refusal."""

from __future__ import annotations

import datetime
from urllib.parse import urlsplit

import time_machine
from django.utils import timezone

from tests.api.conftest import API
from wagtail_personal_links import tokens
from wagtail_personal_links.generation import create_batch
from wagtail_personal_links.models import Contact, LinkBatch, PersonalLink, Segment


def contact_url(page, contact, **query) -> str:
    params = "&".join(f"{key}={value}" for key, value in query.items())
    return f"{API}/surveys/{page.pk}/contact-links/contacts/{contact.pk}/?{params}"


def segment_url(page, segment, **query) -> str:
    params = "&".join(f"{key}={value}" for key, value in query.items())
    return f"{API}/surveys/{page.pk}/contact-links/segments/{segment.pk}/?{params}"


def test_contact_link_is_minted_once_and_opens_the_survey(api, survey_page, contact, client):
    with time_machine.travel(datetime.datetime(2026, 3, 10, 15, 30, tzinfo=datetime.UTC)):
        first = api.get(contact_url(survey_page, contact, expirationDays=7))
        second = api.get(contact_url(survey_page, contact, expirationDays=7))

    assert first.status_code == 200
    assert first["Cache-Control"] == "private, no-store"
    body = first.json()
    assert body == second.json()
    assert set(body) == {"data"} and set(body["data"]) == {"surveyUrl", "expiresAt"}
    # Valid through the UTC date seven days on, until 00:00 UTC the day after.
    assert body["data"]["expiresAt"] == "2026-03-18T00:00:00Z"
    link = PersonalLink.objects.get()
    assert link.contact == contact and link.batch.on_demand
    assert link.batch.source == LinkBatch.Source.API and link.batch.total == 1
    token = body["data"]["surveyUrl"].rsplit("/", 1)[1]
    assert tokens.verify(token).public_id == link.public_id


def test_no_expiration_days_means_the_site_default(api, survey_page, contact, settings):
    settings.PERSONAL_LINKS_DEFAULT_EXPIRY_DAYS = None
    never = api.get(contact_url(survey_page, contact)).json()["data"]
    settings.PERSONAL_LINKS_DEFAULT_EXPIRY_DAYS = 30
    default = api.get(contact_url(survey_page, contact)).json()["data"]
    explicit = api.get(contact_url(survey_page, contact, expirationDays=30)).json()["data"]

    assert never["expiresAt"] is None
    assert default == explicit and default["expiresAt"] is not None
    assert never["surveyUrl"] != default["surveyUrl"]
    # One on-demand batch per expiry.
    assert LinkBatch.objects.filter(on_demand=True).count() == 2


def test_expiration_days_out_of_range_is_refused_naming_it(api, survey_page, contact):
    for value in (0, 366, "soon"):
        response = api.get(contact_url(survey_page, contact, expirationDays=value))

        assert response.status_code == 422
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["errors"][0]["loc"] == ["query", "expirationDays"]
    assert not PersonalLink.objects.exists()


def test_contact_who_answered_is_refused(api, survey_page, contact, personal_link):
    from wagtail_personal_links.models import PersonalLinkFormSubmission

    PersonalLinkFormSubmission.objects.create(
        page=survey_page, contact=contact, form_data={}, personal_link=personal_link
    )

    response = api.get(contact_url(survey_page, contact))

    assert response.status_code == 400
    problem = response.json()
    assert problem["detail"] == "Already responded"
    assert problem["errors"][0]["field"] == "contactId"
    assert PersonalLink.objects.count() == 1


def test_answers_through_a_team_link_do_not_refuse_the_contact_a_link(
    api, survey_page, contact, client, link_url, answers
):
    team = create_batch(survey_page, [contact], max_answers=3, target_label="Team").links.get()
    client.get(link_url(team))
    assert client.post("/customer-survey/", answers).status_code == 200

    response = api.get(contact_url(survey_page, contact))

    assert response.status_code == 200
    assert client.get(urlsplit(response.json()["data"]["surveyUrl"]).path).status_code == 302


def test_pages_without_live_personal_links_are_refused(api, survey_page, contact, root_page):
    survey_page.unpublish()
    unpublished = api.get(contact_url(survey_page, contact))
    home = survey_page.get_parent()
    not_a_survey = api.get(contact_url(home, contact))

    assert unpublished.status_code == 400 and not_a_survey.status_code == 400
    assert unpublished.json()["errors"][0]["field"] == "surveyId"
    assert "not published" in unpublished.json()["detail"]
    assert "not a survey page" in not_a_survey.json()["detail"]
    assert not LinkBatch.objects.exists()


def test_unknown_page_contact_or_segment_is_404(api, survey_page, contact, segment):
    missing = Contact(pk=999_999)

    assert api.get(contact_url(survey_page, missing)).status_code == 404
    assert api.get(f"{API}/surveys/999999/contact-links/contacts/{contact.pk}/").status_code == 404
    response = api.get(segment_url(survey_page, Segment(pk=999_999)))
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_segment_links_page_through_members_with_attributes(api, survey_page, demo_segment):
    members = list(demo_segment.get_contacts().order_by("segment_memberships__pk"))
    members[0].attributes = {"plan": "pro", "city": "Leeds"}
    members[0].save()
    members[1].attributes = {"city": "York"}
    members[1].save()

    first = api.get(segment_url(survey_page, demo_segment, limit=2, attributeKeys="plan,nope"))
    rest = api.get(segment_url(survey_page, demo_segment, limit=250, skip=2))

    assert first.status_code == 200 and first["Cache-Control"] == "private, no-store"
    page_one, page_two = first.json(), rest.json()
    assert page_one["meta"] == {"total": 5, "limit": 2, "offset": 0}
    assert page_two["meta"] == {"total": 5, "limit": 250, "offset": 2}
    ids = [item["contactId"] for item in page_one["data"] + page_two["data"]]
    assert ids == [str(contact.pk) for contact in members]
    assert page_one["data"][0]["attributes"] == {"plan": "pro"}
    assert page_one["data"][1]["attributes"] == {}
    assert "attributes" not in page_two["data"][0]
    assert {item["status"] for item in page_two["data"]} == {"not_started"}
    assert PersonalLink.objects.count() == 5 and LinkBatch.objects.get().total == 5
    past_the_end = api.get(segment_url(survey_page, demo_segment, skip=5, expirationDays=9))
    assert past_the_end.json() == {"data": [], "meta": {"total": 5, "limit": 50, "offset": 5}}
    assert LinkBatch.objects.count() == 1


def test_segment_without_trailing_slash_as_formbricks_documents_it(api, survey_page, segment):
    response = api.get(f"{API}/surveys/{survey_page.pk}/contact-links/segments/{segment.pk}")

    assert response.status_code == 200
    assert response.json()["meta"]["total"] == 1


def test_segment_paging_neither_skips_nor_repeats_a_joining_member(
    api, survey_page, demo_segment, contact
):
    first = api.get(segment_url(survey_page, demo_segment, limit=3)).json()
    # An existing contact with a lower id than some members joins between pages.
    late = Contact.objects.create(email="late@example.com")
    demo_segment.add_contacts([contact, late])
    second = api.get(segment_url(survey_page, demo_segment, limit=3, skip=3)).json()

    ids = [item["contactId"] for item in first["data"] + second["data"]]
    assert len(ids) == len(set(ids)) == 6
    assert second["meta"]["total"] == 7
    assert ids[-1] == str(contact.pk)


def test_segment_links_are_reused_and_report_status(api, survey_page, demo_segment, client):
    url = segment_url(survey_page, demo_segment, expirationDays=3)
    first = api.get(url).json()["data"]
    client.get(urlsplit(first[0]["surveyUrl"]).path)
    again = api.get(url).json()["data"]

    assert [item["surveyUrl"] for item in again] == [item["surveyUrl"] for item in first]
    assert again[0]["status"] == "started"
    assert PersonalLink.objects.count() == 5


def test_a_member_who_answered_through_another_link_reads_answered(
    api, survey_page, demo_segment, client, link_url, answers
):
    member = demo_segment.get_contacts().order_by("pk").first()
    earlier = create_batch(survey_page, [member], target_label="Earlier").links.get()
    client.get(link_url(earlier))
    assert client.post("/customer-survey/", answers).status_code == 200

    data = api.get(segment_url(survey_page, demo_segment)).json()["data"]

    statuses = {item["contactId"]: item["status"] for item in data}
    assert statuses.pop(str(member.pk)) == "answered"
    assert set(statuses.values()) == {"not_started"}


def test_more_than_twenty_attribute_keys_are_refused(api, survey_page, segment):
    keys = ",".join(f"key{number}" for number in range(21))

    response = api.get(segment_url(survey_page, segment, attributeKeys=keys))

    assert response.status_code == 422
    assert "You can have max 20 keys." in response.json()["errors"][0]["msg"]
    assert not PersonalLink.objects.exists()


def test_limit_and_skip_are_bounded(api, survey_page, segment):
    for query in ({"limit": 0}, {"limit": 251}, {"skip": -1}):
        response = api.get(segment_url(survey_page, segment, **query))

        assert response.status_code == 422
        assert response.json()["errors"][0]["loc"] == ["query", *query]


def test_revoked_or_expired_batch_gives_a_new_link(api, survey_page, contact):
    url = contact_url(survey_page, contact, expirationDays=1)
    first = api.get(url).json()["data"]["surveyUrl"]
    LinkBatch.objects.get().revoke()
    after_revoke = api.get(url).json()["data"]["surveyUrl"]
    with time_machine.travel(timezone.now() + datetime.timedelta(days=3)):
        after_expiry = api.get(url).json()["data"]["surveyUrl"]

    assert len({first, after_revoke, after_expiry}) == 3
    assert LinkBatch.objects.filter(on_demand=True).count() == 3
