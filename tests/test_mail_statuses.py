"""Qualtrics' statuses: the CSV, the history and the link itself say what became of each email."""

import pytest
from django.utils import timezone

from tests.mail_helpers import RefusingBackend, make_mailing
from wagtail_personal_links import generation
from wagtail_personal_links.exports import LAST_EMAIL_COLUMN, STATUS_COLUMN
from wagtail_personal_links.mailing.sending import send_mailing
from wagtail_personal_links.models import Contact, LinkStatus, PersonalLink

pytestmark = pytest.mark.django_db


@pytest.fixture
def mailed_batch(survey_page, contact, monkeypatch):
    """Six links: one refused by the server, one opted out, one opened, three sent."""
    batch = generation.create_batch(survey_page, Contact.objects.order_by("pk"))
    others = list(batch.links.exclude(contact=contact).order_by("pk"))
    Contact.objects.filter(pk=others[0].contact_id).update(email_opt_out=True)
    monkeypatch.setattr(RefusingBackend, "refused", {contact.email})
    send_mailing(make_mailing(batch), connection=RefusingBackend(), rate=None)
    others[1].mark_opened()
    return batch


def test_each_link_reports_its_email_until_the_respondent_starts(mailed_batch, contact):
    links = PersonalLink.objects.for_gate().with_email_facts().filter(batch=mailed_batch)
    statuses = [link.get_status() for link in links.order_by("pk")]

    assert statuses == [
        LinkStatus.OPTED_OUT,
        LinkStatus.STARTED,
        *[LinkStatus.EMAIL_SENT] * 3,
        LinkStatus.EMAIL_FAILED,  # the contact made last, whom the server refused
    ]
    assert all(status.is_usable for status in statuses)


def test_the_downloaded_statuses_and_last_email_times(
    admin_client, mailed_batch, links_url, csv_rows
):
    rows = csv_rows(admin_client.get(links_url("download", mailed_batch.page, mailed_batch)))

    assert rows[0][-2:] == [STATUS_COLUMN, LAST_EMAIL_COLUMN]
    assert [row[7] for row in rows[1:]] == [
        "Opted Out",
        "Survey Started",
        *["Email Sent"] * 3,
        "Email Failed",
    ]
    today = timezone.now().strftime("%Y-%m-%d")
    assert [row[8][:10] for row in rows[1:]] == ["", today, today, today, today, ""]


def test_the_history_counts_emails_sent_and_failed(admin_client, mailed_batch, links_url):
    response = admin_client.get(links_url("index", mailed_batch.page))

    (batch,) = response.context["object_list"]
    assert (batch.link_count, batch.emailed_count, batch.email_failed_count) == (6, 4, 1)
    assert (batch.started_count, batch.finished_count) == (1, 0)
    assert b"Emails sent" in response.content
