"""Generating personal links from the admin: the form, its defaults and its refusals."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from wagtail_personal_links.exports import LINK_COLUMNS
from wagtail_personal_links.models import Contact, LinkBatch, Segment

UTC = datetime.UTC


def form_errors(response, field):
    return response.context["form"].errors.get(field, [])


# The generate form


def test_form_offers_segments_with_member_counts_and_the_expiry_help(
    admin_client, survey_page, links_url
):
    response = admin_client.get(links_url("index", survey_page))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Demo customers (5 contacts)" in html
    assert "Links stay valid through this date (until 00:00 UTC the next day)" in html
    assert "Generate & download links" in html
    assert 'name="contact"' in html  # the snippet chooser's input
    assert "No links have been generated for this page yet." in html


def test_no_segments_shows_the_empty_state_with_a_create_button(
    admin_client, survey_page, links_url
):
    Segment.objects.all().delete()

    response = admin_client.get(links_url("index", survey_page))

    html = response.content.decode()
    assert "No segments available" in html
    assert reverse("wagtailsnippets_wagtail_personal_links_segment:add") in html


def test_date_picker_offers_tomorrow_onward(admin_client, survey_page, links_url):
    with time_machine.travel(datetime.datetime(2026, 1, 17, 23, 30, tzinfo=UTC), tick=False):
        response = admin_client.get(links_url("index", survey_page))

    assert '"minDate": "2026-01-18"' in response.content.decode()


@override_settings(PERSONAL_LINKS_DEFAULT_EXPIRY_DAYS=30)
def test_expiry_defaults_to_the_setting(admin_client, survey_page, links_url):
    with time_machine.travel(datetime.datetime(2026, 1, 1, 12, tzinfo=UTC), tick=False):
        response = admin_client.get(links_url("index", survey_page))

    assert response.context["form"]["expires"].value() == datetime.date(2026, 1, 31)


def test_generate_for_a_segment_downloads_the_csv(
    admin_client, survey_page, demo_segment, csv_rows, generate
):
    with time_machine.travel(datetime.datetime(2026, 1, 1, 9, 41, tzinfo=UTC)):
        response = generate(admin_client, survey_page, segment=demo_segment.pk)

    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    batch = LinkBatch.objects.get()
    assert response["Content-Disposition"] == (
        f'attachment; filename="personal-links-customer-survey-20260101-0941-{batch.pk}.csv"'
    )
    rows = csv_rows(response)
    assert rows[0] == list(LINK_COLUMNS)
    assert sorted(row[4] for row in rows[1:]) == sorted(
        demo_segment.get_contacts().values_list("email", flat=True)
    )
    batch = LinkBatch.objects.get()
    assert (batch.target_label, batch.segment, batch.total) == ("Demo customers", demo_segment, 5)
    assert batch.source == LinkBatch.Source.ADMIN
    assert batch.expires_at is None


def test_new_batch_is_at_the_top_of_the_history(
    admin_client, survey_page, demo_segment, batch, links_url, generate
):
    generate(admin_client, survey_page, target="contact", contact=Contact.objects.first().pk)

    response = admin_client.get(links_url("index", survey_page))

    batches = list(response.context["object_list"])
    assert [b.target_label for b in batches] == [str(Contact.objects.first()), "Demo customers"]


def test_generate_for_one_contact(admin_client, survey_page, contact, csv_rows, generate):
    response = generate(admin_client, survey_page, target="contact", contact=contact.pk)

    rows = csv_rows(response)
    assert len(rows) == 2
    assert rows[1][:5] == [str(contact.pk), "ADA-1", "Ada", "Lovelace", "ada@example.com"]
    assert LinkBatch.objects.get().target_label == "Ada Lovelace <ada@example.com>"


def test_generate_for_a_sample(admin_client, survey_page, demo_segment, csv_rows, generate):
    response = generate(admin_client, survey_page, target="sample", segment=demo_segment.pk,
                        sample_size=2)  # fmt: skip

    rows = csv_rows(response)
    assert len(rows) == 3
    assert {row[4] for row in rows[1:]} <= set(
        demo_segment.get_contacts().values_list("email", flat=True)
    )
    assert LinkBatch.objects.get().target_label == "Sample of 2 from Demo customers"


def test_expiry_date_means_midnight_utc_after_it(
    admin_client, survey_page, demo_segment, csv_rows, generate
):
    with time_machine.travel(datetime.datetime(2026, 1, 1, 12, tzinfo=UTC)):
        response = generate(admin_client, survey_page, segment=demo_segment.pk,
                            expires="2026-01-02")  # fmt: skip

    assert csv_rows(response)[1][6] == "2026-01-03T00:00:00Z"
    assert LinkBatch.objects.get().expires_at == datetime.datetime(2026, 1, 3, tzinfo=UTC)


# Validation: the message beside the field, and no batch


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"expires": "2025-12-31"}, "expires", "Choose a date from tomorrow onward"),
        ({"expires": "2026-01-01"}, "expires", "Choose a date from tomorrow onward"),
        ({"expires": "tomorrow"}, "expires", "Enter a valid date."),
        ({"expires": "9999-12-31"}, "expires", "Choose a date before 9999-12-31."),
        ({"target": "sample", "sample_size": 0}, "sample_size", "greater than or equal to 1"),
        ({"target": "sample", "sample_size": 6}, "sample_size", "between 1 and 5"),
        ({"target": "sample"}, "sample_size", "This field is required."),
        ({"segment": ""}, "segment", "This field is required."),
        ({"segment": 999}, "segment", "Select a valid choice."),
        ({"target": "contact"}, "contact", "This field is required."),
        ({"target": "everyone"}, "target", "Select a valid choice."),
    ],
)
def test_invalid_input_rerenders_the_form_beside_the_field(
    admin_client, survey_page, demo_segment, data, field, message, generate
):
    with time_machine.travel(datetime.datetime(2026, 1, 1, 12, tzinfo=UTC)):
        response = generate(admin_client, survey_page, **{"segment": demo_segment.pk, **data})

    assert response.status_code == 200
    assert any(message in error for error in form_errors(response, field))
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not LinkBatch.objects.exists()


def test_empty_segment_is_refused_beside_the_segment(admin_client, survey_page, generate):
    empty = Segment.objects.create(name="Nobody")

    response = generate(admin_client, survey_page, segment=empty.pk)

    assert form_errors(response, "segment") == ["“Nobody” has no contacts."]
    assert not LinkBatch.objects.exists()


def test_empty_segment_is_refused_for_a_sample_too(admin_client, survey_page, generate):
    empty = Segment.objects.create(name="Nobody")

    response = generate(admin_client, survey_page, target="sample", segment=empty.pk,
                        sample_size=1)  # fmt: skip

    assert form_errors(response, "segment") == ["There are no contacts to generate links for."]
    assert not LinkBatch.objects.exists()


def test_unpublished_page_is_refused(admin_client, survey_page, demo_segment, generate):
    survey_page.unpublish()

    response = generate(admin_client, survey_page, segment=demo_segment.pk)

    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert errors == ["“Customer survey” is not published. Publish it before generating links."]
    assert "is not published" in response.content.decode()
    assert not LinkBatch.objects.exists()


def test_page_without_personal_links_is_not_found(admin_client, survey_page, links_url):
    response = admin_client.get(links_url("index", survey_page.get_parent()))

    assert response.status_code == 404


def test_segment_member_counts_cost_no_query_per_segment(admin_client, survey_page, links_url):
    url = links_url("index", survey_page)
    admin_client.get(url)
    with CaptureQueriesContext(connection) as one_segment:
        admin_client.get(url)
    for index in range(5):
        Segment.objects.create(name=f"Extra {index}")

    with CaptureQueriesContext(connection) as six_segments:
        response = admin_client.get(url)

    assert "Extra 4 (0 contacts)" in response.content.decode()
    assert len(six_segments) == len(one_segment)
