"""The links of an emailed or a multi-use batch over the API: the CSV's extra columns, as JSON."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from tests.api.test_batches import batches_url
from tests.mail_helpers import RefusingBackend, make_mailing
from tests.test_multi_use import answer
from wagtail_personal_links import generation
from wagtail_personal_links.mailing.sending import send_mailing
from wagtail_personal_links.models import Contact

pytestmark = pytest.mark.django_db


def test_an_emailed_batch_lists_each_links_email_status_and_time(
    api, survey_page, contact, monkeypatch
):
    batch = generation.create_batch(survey_page, Contact.objects.order_by("pk"))
    monkeypatch.setattr(RefusingBackend, "refused", {contact.email})
    send_mailing(make_mailing(batch), connection=RefusingBackend(), rate=None)

    response = api.get(batches_url(survey_page, batch.pk, "links"))

    assert response.status_code == 200, response.content
    links = response.json()["data"]
    by_contact = {link["contactId"]: link for link in links}
    refused = by_contact.pop(str(contact.pk))
    assert (refused["status"], refused["lastEmailAt"]) == ("email_failed", None)
    today = timezone.now().date().isoformat()
    assert {link["status"] for link in by_contact.values()} == {"email_sent"}
    assert all(link["lastEmailAt"].startswith(today) for link in by_contact.values())


def test_a_multi_use_batch_takes_its_answers_per_link_and_lists_answers_so_far(
    api, survey_page, demo_segment, answers
):
    created = api.post(
        batches_url(survey_page),
        {"segmentId": demo_segment.pk, "answersPerLink": 3},
        content_type="application/json",
    )
    team = api.post(
        batches_url(survey_page),
        {"segmentId": demo_segment.pk, "answersPerLink": None},
        content_type="application/json",
    )

    assert created.status_code == 201, created.content
    assert created.json()["answersPerLink"] == 3
    assert team.json()["answersPerLink"] is None
    first, *others = api.get(created.json()["linksUrl"]).json()["data"]
    for _ in range(2):
        answer(urlsplit(first["surveyUrl"]).path, answers)

    first, *others = api.get(created.json()["linksUrl"]).json()["data"]
    assert (first["answers"], first["status"]) == (2, "started")
    assert {(link["answers"], link["status"]) for link in others} == {(0, "not_started")}


def test_a_personal_link_batch_has_one_answer_per_link_and_no_answer_count(
    api, survey_page, demo_segment
):
    created = api.post(
        batches_url(survey_page), {"segmentId": demo_segment.pk}, content_type="application/json"
    )

    assert created.json()["answersPerLink"] == 1
    links = api.get(created.json()["linksUrl"]).json()["data"]
    assert {(link["answers"], link["lastEmailAt"]) for link in links} == {(None, None)}


def test_answers_per_link_out_of_range_names_the_field(api, survey_page, demo_segment):
    for bad in (0, -1, 1_000_001, "many"):
        response = api.post(
            batches_url(survey_page),
            {"segmentId": demo_segment.pk, "answersPerLink": bad},
            content_type="application/json",
        )

        assert response.status_code == 422, bad
        assert "answersPerLink" in response.content.decode()
