"""The personal links view of a survey page, through the Django test client."""

import datetime
import re
from urllib.parse import urlsplit

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageLogEntry

from tests.links_helpers import csv_rows, generate, links_url
from wagtail_personal_links.exports import LINK_COLUMNS, STATUS_COLUMN
from wagtail_personal_links.generation import create_batch
from wagtail_personal_links.models import Contact, LinkBatch, Segment

UTC = datetime.UTC


@pytest.fixture
def demo_segment(survey_page):
    return Segment.objects.get(name="Demo customers")


@pytest.fixture
def batch(survey_page, demo_segment, superuser):
    return create_batch(
        survey_page,
        demo_segment.get_contacts(),
        created_by=superuser,
        target_label=demo_segment.name,
        segment=demo_segment,
    )


def form_errors(response, field):
    return response.context["form"].errors.get(field, [])


# The generate form


def test_form_offers_segments_with_member_counts_and_the_expiry_help(admin_client, survey_page):
    response = admin_client.get(links_url("index", survey_page))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Demo customers (5 contacts)" in html
    assert "Links stay valid through this date (until 00:00 UTC the next day)" in html
    assert "Generate & download links" in html
    assert 'name="contact"' in html  # the snippet chooser's input
    assert "No links have been generated for this page yet." in html


def test_no_segments_shows_the_empty_state_with_a_create_button(admin_client, survey_page):
    Segment.objects.all().delete()

    response = admin_client.get(links_url("index", survey_page))

    html = response.content.decode()
    assert "No segments available" in html
    assert reverse("wagtailsnippets_wagtail_personal_links_segment:add") in html


def test_date_picker_offers_tomorrow_onward(admin_client, survey_page):
    with time_machine.travel(datetime.datetime(2026, 1, 17, 23, 30, tzinfo=UTC), tick=False):
        response = admin_client.get(links_url("index", survey_page))

    assert '"minDate": "2026-01-18"' in response.content.decode()


@override_settings(PERSONAL_LINKS_DEFAULT_EXPIRY_DAYS=30)
def test_expiry_defaults_to_the_setting(admin_client, survey_page):
    with time_machine.travel(datetime.datetime(2026, 1, 1, 12, tzinfo=UTC), tick=False):
        response = admin_client.get(links_url("index", survey_page))

    assert response.context["form"]["expires"].value() == datetime.date(2026, 1, 31)


def test_generate_for_a_segment_downloads_the_csv(admin_client, survey_page, demo_segment):
    with time_machine.travel(datetime.datetime(2026, 1, 1, 9, 41, tzinfo=UTC)):
        response = generate(admin_client, survey_page, segment=demo_segment.pk)

    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="personal-links-customer-survey-20260101-0941.csv"'
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


def test_new_batch_is_at_the_top_of_the_history(admin_client, survey_page, demo_segment, batch):
    generate(admin_client, survey_page, target="contact", contact=Contact.objects.first().pk)

    response = admin_client.get(links_url("index", survey_page))

    batches = list(response.context["object_list"])
    assert [b.target_label for b in batches] == [str(Contact.objects.first()), "Demo customers"]


def test_generate_for_one_contact(admin_client, survey_page, contact):
    response = generate(admin_client, survey_page, target="contact", contact=contact.pk)

    rows = csv_rows(response)
    assert len(rows) == 2
    assert rows[1][:5] == [str(contact.pk), "ADA-1", "Ada", "Lovelace", "ada@example.com"]
    assert LinkBatch.objects.get().target_label == "Ada Lovelace <ada@example.com>"


def test_generate_for_a_sample(admin_client, survey_page, demo_segment):
    response = generate(admin_client, survey_page, target="sample", segment=demo_segment.pk,
                        sample_size=2)  # fmt: skip

    rows = csv_rows(response)
    assert len(rows) == 3
    assert {row[4] for row in rows[1:]} <= set(
        demo_segment.get_contacts().values_list("email", flat=True)
    )
    assert LinkBatch.objects.get().target_label == "Sample of 2 from Demo customers"


def test_expiry_date_means_midnight_utc_after_it(admin_client, survey_page, demo_segment):
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
    admin_client, survey_page, demo_segment, data, field, message
):
    with time_machine.travel(datetime.datetime(2026, 1, 1, 12, tzinfo=UTC)):
        response = generate(admin_client, survey_page, **{"segment": demo_segment.pk, **data})

    assert response.status_code == 200
    assert any(message in error for error in form_errors(response, field))
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not LinkBatch.objects.exists()


def test_empty_segment_is_refused_beside_the_segment(admin_client, survey_page):
    empty = Segment.objects.create(name="Nobody")

    response = generate(admin_client, survey_page, segment=empty.pk)

    assert form_errors(response, "segment") == ["“Nobody” has no contacts."]
    assert not LinkBatch.objects.exists()


def test_empty_segment_is_refused_for_a_sample_too(admin_client, survey_page):
    empty = Segment.objects.create(name="Nobody")

    response = generate(admin_client, survey_page, target="sample", segment=empty.pk,
                        sample_size=1)  # fmt: skip

    assert form_errors(response, "segment") == ["There are no contacts to generate links for."]
    assert not LinkBatch.objects.exists()


def test_unpublished_page_is_refused(admin_client, survey_page, demo_segment):
    survey_page.unpublish()

    response = generate(admin_client, survey_page, segment=demo_segment.pk)

    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert errors == ["“Customer survey” is not published. Publish it before generating links."]
    assert "is not published" in response.content.decode()
    assert not LinkBatch.objects.exists()


def test_page_without_personal_links_is_not_found(admin_client, survey_page):
    response = admin_client.get(links_url("index", survey_page.get_parent()))

    assert response.status_code == 404


# History


def test_history_counts_links_started_and_finished(admin_client, survey_page, batch):
    links = list(batch.links.order_by("pk"))
    now = timezone.now()
    batch.links.filter(pk__in=[links[0].pk, links[1].pk]).update(opened_at=now)
    batch.links.filter(pk=links[0].pk).update(submitted_at=now)

    response = admin_client.get(links_url("index", survey_page))

    row = response.context["object_list"][0]
    assert (row.link_count, row.started_count, row.finished_count) == (5, 2, 1)
    html = response.content.decode()
    assert "Link expiration" in html
    assert "Active" in html


@pytest.mark.parametrize(
    ("change", "label"),
    [
        ({"revoked_at": datetime.datetime(2030, 1, 1, tzinfo=UTC)}, "Revoked"),
        ({"expires_at": datetime.datetime(2000, 1, 1, tzinfo=UTC)}, "Expired"),
        ({"status": LinkBatch.Status.FAILED, "error": "Disk full"}, "Disk full"),
        ({"status": LinkBatch.Status.GENERATING, "total": 10}, "Generating 50%"),
    ],
)
def test_history_status_tags(admin_client, survey_page, batch, change, label):
    LinkBatch.objects.filter(pk=batch.pk).update(**change)

    response = admin_client.get(links_url("index", survey_page))

    assert label in response.content.decode()


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response


def test_history_queries_do_not_grow_with_batches(admin_client, survey_page, demo_segment):
    contacts = list(demo_segment.get_contacts())
    for index in range(50):
        create_batch(survey_page, contacts[: index % 5 + 1], target_label=f"Batch {index}")
    urls = links_url("index", survey_page), links_url("results", survey_page)
    many = [count_queries(admin_client, url) for url in urls]
    LinkBatch.objects.filter(pk__in=LinkBatch.objects.all()[5:].values("pk")).delete()

    few = [count_queries(admin_client, url) for url in urls]

    assert [len(response.context["object_list"]) for _, response in many] == [50, 50]
    assert [count for count, _ in few] == [count for count, _ in many]
    assert many[1][0] <= 10  # the history table alone


def test_results_fragment_is_only_the_table(admin_client, survey_page, batch):
    response = admin_client.get(links_url("results", survey_page))

    html = response.content.decode()
    assert "Demo customers" in html
    assert "<form" not in html.split("<table")[0]
    assert "<html" not in html


# Downloads


def test_redownload_gives_the_same_urls_with_statuses(admin_client, survey_page, demo_segment):
    first = csv_rows(generate(admin_client, survey_page, segment=demo_segment.pk))
    batch = LinkBatch.objects.get()

    again = csv_rows(admin_client.get(links_url("download", survey_page, batch)))

    assert again[0] == [*LINK_COLUMNS, STATUS_COLUMN]
    assert [row[:7] for row in again[1:]] == first[1:]
    assert {row[7] for row in again[1:]} == {"Not started"}


def test_statuses_after_opening_submitting_and_expiry(admin_client, survey_page, batch):
    links = list(batch.links.order_by("pk"))
    now = timezone.now()
    batch.links.filter(pk=links[0].pk).update(opened_at=now)
    batch.links.filter(pk=links[1].pk).update(opened_at=now, submitted_at=now)
    batch.links.filter(pk=links[2].pk).update(expires_at=now - datetime.timedelta(seconds=1))

    rows = csv_rows(admin_client.get(links_url("download", survey_page, batch)))

    assert [row[7] for row in rows[1:]] == [
        "Started",
        "Finished",
        "Expired",
        "Not started",
        "Not started",
    ]


def test_statuses_after_revoke_keep_finished(admin_client, survey_page, batch):
    finished = batch.links.order_by("pk").first()
    batch.links.filter(pk=finished.pk).update(submitted_at=timezone.now())
    batch.revoke()

    rows = csv_rows(admin_client.get(links_url("download", survey_page, batch)))

    assert [row[7] for row in rows[1:]] == ["Finished"] + ["Revoked"] * 4


def test_non_responders_leaves_out_those_who_finished(admin_client, survey_page, batch):
    links = list(batch.links.order_by("pk").select_related("contact"))
    batch.links.filter(pk=links[0].pk).update(submitted_at=timezone.now())
    batch.links.filter(pk=links[1].pk).update(opened_at=timezone.now())

    response = admin_client.get(links_url("download_non_responders", survey_page, batch))

    assert response["Content-Disposition"].endswith('-non-responders.csv"')
    rows = csv_rows(response)
    assert [row[4] for row in rows[1:]] == [link.contact.email for link in links[1:]]
    assert [row[7] for row in rows[1:]] == ["Started"] + ["Not started"] * 3


def test_download_escapes_formulas(admin_client, survey_page, demo_segment):
    contact = demo_segment.get_contacts().order_by("pk").first()
    Contact.objects.filter(pk=contact.pk).update(first_name="=HYPERLINK(1)", last_name="@x")
    batch = create_batch(survey_page, [contact], target_label="One")

    content = b"".join(
        admin_client.get(links_url("download", survey_page, batch)).streaming_content
    )

    assert b",'=HYPERLINK(1),'@x," in content
    assert content.endswith(b"\r\n")


def test_incomplete_batch_cannot_be_downloaded(admin_client, survey_page, batch):
    LinkBatch.objects.filter(pk=batch.pk).update(status=LinkBatch.Status.GENERATING)

    assert admin_client.get(links_url("download", survey_page, batch)).status_code == 404
    url = links_url("download_non_responders", survey_page, batch)
    assert admin_client.get(url).status_code == 404


def test_batch_of_another_page_is_not_found(admin_client, survey_page, batch):
    other = survey_page.copy(update_attrs={"slug": "other-survey", "title": "Other"})

    assert admin_client.get(links_url("download", other, batch)).status_code == 404


# Revoke


def test_revoke_asks_first(admin_client, survey_page, batch):
    response = admin_client.get(links_url("revoke", survey_page, batch))

    assert response.status_code == 200
    assert "Revoke all 5 links of “Demo customers”?" in response.content.decode()
    assert "This cannot be undone." in response.content.decode()
    batch.refresh_from_db()
    assert batch.revoked_at is None


def test_revoke_stops_every_link_of_the_batch(admin_client, survey_page, batch):
    response = admin_client.post(links_url("revoke", survey_page, batch))

    assert response.status_code == 302
    assert response["Location"] == links_url("index", survey_page)
    batch.refresh_from_db()
    assert batch.revoked_at is not None
    rows = csv_rows(admin_client.get(links_url("download", survey_page, batch)))
    assert {row[7] for row in rows[1:]} == {"Revoked"}
    history = admin_client.get(response["Location"]).content.decode()
    assert "have been revoked" in history
    assert "Revoked" in history


def test_revoke_is_irreversible_and_once(admin_client, survey_page, batch):
    admin_client.post(links_url("revoke", survey_page, batch))
    batch.refresh_from_db()
    revoked_at = batch.revoked_at

    response = admin_client.post(links_url("revoke", survey_page, batch), follow=True)

    batch.refresh_from_db()
    assert batch.revoked_at == revoked_at
    assert "were already revoked" in response.content.decode()
    assert PageLogEntry.objects.filter(action="wagtail_personal_links.revoke").count() == 1


def test_revoke_needs_the_csrf_token(client, superuser, survey_page, batch):
    client.handler.enforce_csrf_checks = True
    client.force_login(superuser)

    response = client.post(links_url("revoke", survey_page, batch))

    assert response.status_code == 403
    batch.refresh_from_db()
    assert batch.revoked_at is None


def test_revoke_form_posts_with_the_csrf_token(admin_client, survey_page, batch):
    html = admin_client.get(links_url("revoke", survey_page, batch)).content.decode()

    assert re.search(r'<form action="" method="POST">\s*<input type="hidden" name="csrf', html)


# Status endpoint


def test_status_of_a_complete_batch(admin_client, survey_page, batch):
    response = admin_client.get(links_url("status", survey_page, batch))

    data = response.json()
    assert (data["state"], data["links"], data["total"], data["percent"]) == ("active", 5, 5, 100)
    assert data["download_url"] == links_url("download", survey_page, batch)


# Log entries


def test_generate_download_and_revoke_are_logged_with_counts(
    admin_client, superuser, survey_page, demo_segment
):
    generate(admin_client, survey_page, segment=demo_segment.pk)
    batch = LinkBatch.objects.get()
    batch.links.filter(pk=batch.links.order_by("pk").first().pk).update(
        submitted_at=timezone.now()
    )
    admin_client.get(links_url("download", survey_page, batch))
    admin_client.get(links_url("download_non_responders", survey_page, batch))
    admin_client.post(links_url("revoke", survey_page, batch))

    entries = PageLogEntry.objects.filter(page=survey_page).order_by("pk")
    entries = entries.filter(action__startswith="wagtail_personal_links.")
    assert [(e.action, e.data["count"], e.user_id) for e in entries] == [
        ("wagtail_personal_links.generate", 5, superuser.pk),
        ("wagtail_personal_links.download", 5, superuser.pk),
        ("wagtail_personal_links.download", 4, superuser.pk),
        ("wagtail_personal_links.revoke", 5, superuser.pk),
    ]
    messages = [e.message for e in entries]
    assert messages == [
        "Generated 5 personal links for “Demo customers”",
        "Downloaded 5 personal links of “Demo customers”",
        "Downloaded the links of 4 non-responders of “Demo customers”",
        "Revoked 5 personal links of “Demo customers”",
    ]


def test_log_entries_show_in_page_history_and_site_history(admin_client, survey_page, batch):
    admin_client.get(links_url("download", survey_page, batch))

    page_history = admin_client.get(reverse("wagtailadmin_pages:history", args=[survey_page.pk]))
    site_history = admin_client.get(reverse("wagtailadmin_reports:site_history"))

    for response in (page_history, site_history):
        assert "Downloaded 5 personal links of “Demo customers”" in response.content.decode()


# Entry points


def test_header_button_and_panel_on_the_edit_view(admin_client, survey_page, batch):
    batch.links.filter(pk=batch.links.order_by("pk").first().pk).update(opened_at=timezone.now())

    response = admin_client.get(reverse("wagtailadmin_pages:edit", args=[survey_page.pk]))

    html = response.content.decode()
    assert html.count(f'href="{links_url("index", survey_page)}"') == 2  # header and panel
    assert "Generate and manage personal links" in html
    panel = html.split("Generate and manage personal links")[0].rsplit("<dl", 1)[1]
    assert re.findall(r"<dd[^>]*>(\d+)</dd>", panel) == ["5", "1", "0"]


def test_listing_more_menu_offers_personal_links(admin_client, survey_page):
    response = admin_client.get(
        reverse("wagtailadmin_explore", args=[survey_page.get_parent().pk])
    )

    assert f'href="{links_url("index", survey_page)}"' in response.content.decode()


def test_no_entry_points_on_other_pages(admin_client, survey_page):
    home = survey_page.get_parent()

    response = admin_client.get(reverse("wagtailadmin_pages:edit", args=[home.pk]))

    assert "/admin/personal-links/" not in response.content.decode()


def respondent_path(row):
    """The path of a CSV row's link: the CSV names the demo site's host."""
    return urlsplit(row[5]).path


def test_after_a_revoke_the_respondent_gets_the_revoked_page(
    admin_client, client, survey_page, batch
):
    row = csv_rows(admin_client.get(links_url("download", survey_page, batch)))[1]
    admin_client.post(links_url("revoke", survey_page, batch))

    response = client.get(respondent_path(row), follow=True)

    assert response.status_code == 403
    assert "This link is no longer valid." in response.content.decode()


def test_statuses_follow_the_respondents(admin_client, survey_page, batch):
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

    assert [row[7] for row in rows] == ["Started", "Finished", *["Not started"] * 3]
    history = admin_client.get(links_url("index", survey_page)).context["object_list"][0]
    assert (history.started_count, history.finished_count) == (2, 1)


def test_segment_member_counts_cost_no_query_per_segment(admin_client, survey_page):
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
