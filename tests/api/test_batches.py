"""Batches over the API: the admin's batches, made, followed, listed, downloaded and revoked."""

from __future__ import annotations

import datetime
from urllib.parse import urlsplit

from django.urls import reverse
from django.utils import timezone

from tests.api.conftest import API
from wagtail_personal_links import audit
from wagtail_personal_links.generation import create_batch
from wagtail_personal_links.models import Contact, LinkBatch, PersonalLink
from wagtail_personal_links.models.submissions import PersonalLinkFormSubmission


def batches_url(page, *parts) -> str:
    return "/".join([f"{API}/surveys/{page.pk}/batches", *map(str, parts), ""])


def test_create_a_batch_for_a_segment_and_list_it(api, survey_page, demo_segment):
    tomorrow = (timezone.now() + datetime.timedelta(days=1)).date()

    created = api.post(
        batches_url(survey_page),
        {"segmentId": demo_segment.pk, "expiresOn": tomorrow.isoformat()},
        content_type="application/json",
    )
    listed = api.get(batches_url(survey_page))

    assert created.status_code == 201
    batch = created.json()
    assert batch["label"] == "Demo customers" and batch["source"] == "api"
    assert (batch["links"], batch["total"], batch["state"], batch["percent"]) == (
        5,
        5,
        "active",
        100,
    )
    assert batch["expiresAt"].startswith((tomorrow + datetime.timedelta(days=1)).isoformat())
    assert created["Location"] == batch["statusUrl"]
    assert listed.json() == {"data": [batch], "meta": {"total": 1, "limit": 50, "offset": 0}}
    assert api.get(batch["statusUrl"]).json() == batch
    assert audit.GENERATE in _page_actions(survey_page)


def _page_actions(page) -> list[str]:
    from wagtail.models import PageLogEntry

    return list(PageLogEntry.objects.filter(page=page).values_list("action", flat=True))


def test_create_for_contacts_or_a_sample(api, survey_page, demo_segment, contact):
    for_contacts = api.post(
        batches_url(survey_page), {"contactIds": [contact.pk]}, content_type="application/json"
    )
    sample = api.post(
        batches_url(survey_page),
        {"segmentId": demo_segment.pk, "sampleSize": 2},
        content_type="application/json",
    )

    assert for_contacts.status_code == 201 and for_contacts.json()["links"] == 1
    assert sample.status_code == 201 and sample.json()["links"] == 2
    assert sample.json()["label"] == "Sample of 2 from Demo customers"


def test_bad_batch_requests_name_their_field(api, survey_page, demo_segment):
    past = (timezone.now() - datetime.timedelta(days=1)).date().isoformat()
    cases = [
        ({}, 422, "segmentId"),
        ({"contactIds": [999_999]}, 400, "contactIds"),
        ({"segmentId": 999_999}, 422, "segmentId"),
        ({"segmentId": demo_segment.pk, "sampleSize": 99}, 400, "sampleSize"),
        ({"segmentId": demo_segment.pk, "expiresOn": past}, 400, "expiresOn"),
        ({"segmentId": demo_segment.pk, "expiresOn": "9999-12-31"}, 400, "expiresOn"),
    ]
    for body, status, field in cases:
        response = api.post(batches_url(survey_page), body, content_type="application/json")

        assert response.status_code == status, body
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["errors"][0]["field"] == field
    assert not LinkBatch.objects.exists()


def test_large_batch_goes_to_the_background_with_a_progress_url(
    api, survey_page, demo_segment, settings
):
    settings.PERSONAL_LINKS_BACKGROUND_THRESHOLD = 2
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}

    response = api.post(
        batches_url(survey_page), {"segmentId": demo_segment.pk}, content_type="application/json"
    )

    assert response.status_code == 202
    batch = response.json()
    assert (batch["state"], batch["links"], batch["total"]) == ("generating", 0, 5)
    progress = api.get(urlsplit(response["Location"]).path)
    assert progress.json()["state"] == "generating"
    assert api.get(batch["linksUrl"]).status_code == 409


def test_without_expires_on_a_batch_takes_the_default_expiry_and_null_means_none(
    api, settings, survey_page, demo_segment
):
    settings.PERSONAL_LINKS_DEFAULT_EXPIRY_DAYS = 30
    through = (timezone.now() + datetime.timedelta(days=31)).date()

    default = api.post(
        batches_url(survey_page), {"segmentId": demo_segment.pk}, content_type="application/json"
    ).json()
    never = api.post(
        batches_url(survey_page),
        {"segmentId": demo_segment.pk, "expiresOn": None},
        content_type="application/json",
    ).json()

    assert default["expiresAt"].startswith(through.isoformat())
    assert never["expiresAt"] is None


def test_links_of_a_batch_with_statuses_and_non_responders(api, survey_page, demo_segment, client):
    batch = api.post(
        batches_url(survey_page), {"segmentId": demo_segment.pk}, content_type="application/json"
    ).json()
    links = PersonalLink.objects.order_by("pk")
    answered = links[0]
    PersonalLinkFormSubmission.objects.create(
        page=survey_page, contact=answered.contact, form_data={}, personal_link=answered
    )
    answered.consume()

    page = api.get(batch["linksUrl"] + "?limit=2").json()
    rest = api.get(batch["linksUrl"] + "?skip=2").json()
    non_responders = api.get(batches_url(survey_page, batch["id"], "non-responders")).json()

    assert page["meta"] == {"total": 5, "limit": 2, "offset": 0}
    rows = page["data"] + rest["data"]
    assert [row["contactId"] for row in rows] == [str(link.contact_id) for link in links]
    assert [row["status"] for row in rows] == ["answered"] + ["not_started"] * 4
    first = rows[0]
    assert first["email"] == answered.contact.email
    assert client.get(urlsplit(rows[1]["surveyUrl"]).path).status_code == 302
    assert non_responders["meta"]["total"] == 4
    assert str(answered.contact_id) not in [row["contactId"] for row in non_responders["data"]]


def test_non_responders_leave_out_contacts_who_answered_through_another_link(
    api, survey_page, demo_segment
):
    batch = api.post(
        batches_url(survey_page), {"segmentId": demo_segment.pk}, content_type="application/json"
    ).json()
    contact = PersonalLink.objects.order_by("pk").first().contact
    elsewhere = create_batch(survey_page, [contact], target_label="Earlier").links.get()
    PersonalLinkFormSubmission.objects.create(
        page=survey_page, contact=contact, form_data={}, personal_link=elsewhere
    )

    non_responders = api.get(batches_url(survey_page, batch["id"], "non-responders")).json()

    assert non_responders["meta"]["total"] == 4
    assert str(contact.pk) not in [row["contactId"] for row in non_responders["data"]]


def test_revoke_is_idempotent_and_shows_in_the_links(api, survey_page, contact):
    link = api.get(f"{API}/surveys/{survey_page.pk}/contact-links/contacts/{contact.pk}/").json()[
        "data"
    ]
    batch = LinkBatch.objects.get()
    revoke_url = batches_url(survey_page, batch.pk, "revoke")

    first = api.post(revoke_url)
    second = api.post(revoke_url)

    assert first.status_code == second.status_code == 200
    assert first.json()["state"] == "revoked" and first.json()["onDemand"] is True
    assert first.json()["revokedAt"] == second.json()["revokedAt"]
    rows = api.get(first.json()["linksUrl"]).json()["data"]
    assert [(row["surveyUrl"], row["status"]) for row in rows] == [(link["surveyUrl"], "revoked")]
    assert _page_actions(survey_page).count(audit.REVOKE) == 1


def test_on_demand_batch_is_in_the_admin_history_and_downloads(
    api, admin_client, survey_page, contact
):
    api.get(f"{API}/surveys/{survey_page.pk}/contact-links/contacts/{contact.pk}/")
    batch = LinkBatch.objects.get()

    history = admin_client.get(
        reverse("wagtail_personal_links_links:index", args=[survey_page.pk])
    )
    download = admin_client.get(
        reverse("wagtail_personal_links_links:download", args=[survey_page.pk, batch.pk])
    )

    assert "Links requested through the API" in history.content.decode()
    csv = b"".join(download.streaming_content).decode()
    assert contact.email in csv and "Not started" in csv


def test_batches_of_a_page_that_takes_no_links_or_another_page(api, survey_page, contact):
    home = survey_page.get_parent()
    other = Contact.objects.create(email="x@example.com")
    api.post(batches_url(survey_page), {"contactIds": [other.pk]}, content_type="application/json")
    batch = LinkBatch.objects.get()

    assert api.get(batches_url(home)).status_code == 400
    assert api.get(batches_url(survey_page, batch.pk + 1)).status_code == 404
    assert api.post(batches_url(survey_page, 999_999, "revoke")).status_code == 404
