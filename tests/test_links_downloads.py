"""Downloading a batch again: the same URLs, with statuses that follow the respondents."""

import datetime

from django.test import Client
from django.utils import timezone

from wagtail_personal_links.exports import LINK_COLUMNS, STATUS_COLUMN
from wagtail_personal_links.generation import create_batch
from wagtail_personal_links.models import Contact, LinkBatch

UTC = datetime.UTC


# Downloads


def test_redownload_gives_the_same_urls_with_statuses(
    admin_client, survey_page, demo_segment, links_url, csv_rows, generate
):
    first = csv_rows(generate(admin_client, survey_page, segment=demo_segment.pk))
    batch = LinkBatch.objects.get()

    again = csv_rows(admin_client.get(links_url("download", survey_page, batch)))

    assert again[0] == [*LINK_COLUMNS, STATUS_COLUMN]
    assert [row[:7] for row in again[1:]] == first[1:]
    assert {row[7] for row in again[1:]} == {"Not started"}


def test_statuses_after_opening_submitting_and_expiry(
    admin_client, survey_page, batch, links_url, csv_rows
):
    links = list(batch.links.order_by("pk"))
    now = timezone.now()
    batch.links.filter(pk=links[0].pk).update(opened_at=now)
    batch.links.filter(pk=links[1].pk).update(opened_at=now, submitted_at=now)
    batch.links.filter(pk=links[2].pk).update(expires_at=now - datetime.timedelta(seconds=1))

    rows = csv_rows(admin_client.get(links_url("download", survey_page, batch)))

    assert [row[7] for row in rows[1:]] == [
        "Survey Started",
        "Survey Finished",
        "Expired",
        "Not started",
        "Not started",
    ]


def test_statuses_after_revoke_keep_finished(
    admin_client, survey_page, batch, links_url, csv_rows
):
    finished = batch.links.order_by("pk").first()
    batch.links.filter(pk=finished.pk).update(submitted_at=timezone.now())
    batch.revoke()

    rows = csv_rows(admin_client.get(links_url("download", survey_page, batch)))

    assert [row[7] for row in rows[1:]] == ["Survey Finished"] + ["Revoked"] * 4


def test_non_responders_leaves_out_those_who_finished(
    admin_client, survey_page, batch, links_url, csv_rows
):
    links = list(batch.links.order_by("pk").select_related("contact"))
    batch.links.filter(pk=links[0].pk).update(submitted_at=timezone.now())
    batch.links.filter(pk=links[1].pk).update(opened_at=timezone.now())

    response = admin_client.get(links_url("download_non_responders", survey_page, batch))

    assert response["Content-Disposition"].endswith('-non-responders.csv"')
    rows = csv_rows(response)
    assert [row[4] for row in rows[1:]] == [link.contact.email for link in links[1:]]
    assert [row[7] for row in rows[1:]] == ["Survey Started"] + ["Not started"] * 3


def test_non_responders_leaves_out_contacts_who_answered_through_another_batch(
    admin_client, client, survey_page, batch, links_url, csv_rows, link_url, answers
):
    links = list(batch.links.order_by("pk").select_related("contact"))
    earlier = create_batch(survey_page, [links[0].contact], target_label="Earlier")
    client.get(link_url(earlier.links.get()))
    assert client.post("/customer-survey/", answers).status_code == 200

    response = admin_client.get(links_url("download_non_responders", survey_page, batch))

    rows = csv_rows(response)
    assert [row[4] for row in rows[1:]] == [link.contact.email for link in links[1:]]


def test_a_contact_who_answered_through_another_batch_reads_finished(
    admin_client, client, survey_page, batch, links_url, csv_rows, link_url, answers
):
    first = batch.links.order_by("pk").select_related("contact").first()
    earlier = create_batch(survey_page, [first.contact], target_label="Earlier")
    client.get(link_url(earlier.links.get()))
    assert client.post("/customer-survey/", answers).status_code == 200

    rows = csv_rows(admin_client.get(links_url("download", survey_page, batch)))

    assert [row[7] for row in rows[1:]] == ["Survey Finished"] + ["Not started"] * 4


def test_download_escapes_formulas(admin_client, survey_page, demo_segment, links_url):
    contact = demo_segment.get_contacts().order_by("pk").first()
    Contact.objects.filter(pk=contact.pk).update(first_name="=HYPERLINK(1)", last_name="@x")
    batch = create_batch(survey_page, [contact], target_label="One")

    content = b"".join(
        admin_client.get(links_url("download", survey_page, batch)).streaming_content
    )

    assert b",'=HYPERLINK(1),'@x," in content
    assert content.endswith(b"\r\n")


def test_incomplete_batch_cannot_be_downloaded(admin_client, survey_page, batch, links_url):
    LinkBatch.objects.filter(pk=batch.pk).update(status=LinkBatch.Status.GENERATING)

    assert admin_client.get(links_url("download", survey_page, batch)).status_code == 404
    url = links_url("download_non_responders", survey_page, batch)
    assert admin_client.get(url).status_code == 404


def test_batch_of_another_page_is_not_found(admin_client, survey_page, batch, links_url):
    other = survey_page.copy(update_attrs={"slug": "other-survey", "title": "Other"})

    assert admin_client.get(links_url("download", other, batch)).status_code == 404


def test_statuses_follow_the_respondents(
    admin_client, survey_page, batch, links_url, csv_rows, respondent_path
):
    rows = csv_rows(admin_client.get(links_url("download", survey_page, batch)))[1:]
    Client().get(respondent_path(rows[0]), follow=True)
    answering = Client()
    answering.get(respondent_path(rows[1]), follow=True)
    answer = {
        "how_likely_are_you_to_recommend_us_to_a_friend": "9",
        "how_satisfied_are_you_with_our_support": "Satisfied",
    }
    assert answering.post("/customer-survey/", answer).status_code == 200

    rows = csv_rows(admin_client.get(links_url("download", survey_page, batch)))[1:]

    assert [row[7] for row in rows] == ["Survey Started", "Survey Finished", *["Not started"] * 3]
    history = admin_client.get(links_url("index", survey_page)).context["object_list"][0]
    assert (history.started_count, history.finished_count) == (2, 1)
