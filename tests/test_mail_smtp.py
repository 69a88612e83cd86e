"""Invitations through Django's SMTP backend to a real SMTP server (aiosmtpd) on loopback."""

import io

import pytest
from django.core.management import call_command

from tests.smtp_server import smtp_server
from wagtail_personal_links import generation
from wagtail_personal_links.models import Contact, Mailing, OutboxMessage

pytestmark = pytest.mark.django_db

SUBJECT = "Your say on {survey_title}"


@pytest.fixture
def batch(survey_page, contact):
    return generation.create_batch(survey_page, Contact.objects.all(), target_label="Everyone")


def send_over_smtp(settings, port, batch, **options):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    out = io.StringIO()
    call_command(
        "send_personal_links", batch=batch.pk, subject=SUBJECT, rate=0, stdout=out, **options
    )
    return out.getvalue()


def test_messages_arrive_with_their_headers_and_both_bodies(settings, batch, contact):
    with smtp_server() as (server, port):
        output = send_over_smtp(settings, port, batch, from_email="Surveys <s@example.com>")

    assert "sent 6, failed 0, skipped 0" in output
    assert len(server.messages) == 6
    (message,) = [m for m in server.messages if m["To"] == "ada@example.com"]
    assert message["Subject"] == "Your say on Customer survey"
    assert message["From"] == "Surveys <s@example.com>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert (
        message["List-Unsubscribe"].strip().startswith("<http://127.0.0.1:8000/email/unsubscribe/")
    )
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    link = Mailing.objects.get().messages.get(link__contact=contact).link
    assert f"/pl/{link.public_id}" not in text  # the URL carries a token, not the id
    assert "http://127.0.0.1:8000/pl/" in text
    assert "To receive no more emails about our surveys" in text
    assert '<a href="http://127.0.0.1:8000/pl/' in html


def test_refused_recipients_fail_alone_and_the_rest_are_sent(settings, batch, contact):
    refused = {contact.email}
    with smtp_server(refused=refused) as (server, port):
        output = send_over_smtp(settings, port, batch)

    assert "sent 5, failed 1" in output
    assert {m["To"] for m in server.messages} == set(
        Contact.objects.exclude(pk=contact.pk).values_list("email", flat=True)
    )
    failed = OutboxMessage.objects.get(state="failed")
    assert failed.link.contact == contact
    assert "Mailbox unavailable" in failed.error
    assert failed.finished_at is not None


def test_failed_messages_are_sent_on_retry(settings, batch, contact):
    with smtp_server(refused={contact.email}) as (_server, port):
        send_over_smtp(settings, port, batch)
    mailing = Mailing.objects.get()

    with smtp_server() as (server, port):
        settings.EMAIL_PORT = port
        out = io.StringIO()
        call_command(
            "send_personal_links", mailing=mailing.pk, retry_failed=True, rate=0, stdout=out
        )

    assert [m["To"] for m in server.messages] == [contact.email]
    assert set(mailing.messages.values_list("state", flat=True)) == {"sent"}
