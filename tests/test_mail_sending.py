"""Sending a mailing through Django's locmem backend: outbox rows, skips, failures, retries."""

import pytest
from django.core import mail

from tests.mail_helpers import make_mailing
from wagtail_personal_links import generation
from wagtail_personal_links.mailing.compose import Composer
from wagtail_personal_links.mailing.placeholders import batch_placeholders
from wagtail_personal_links.mailing.sending import send_mailing
from wagtail_personal_links.models import Contact, OutboxMessage

State = OutboxMessage.State
Reason = OutboxMessage.Reason


@pytest.fixture
def batch(survey_page):
    return generation.create_batch(survey_page, Contact.objects.all(), target_label="Everyone")


def test_every_contact_gets_one_message_with_their_own_link(batch):
    mailing = make_mailing(batch)

    result = send_mailing(mailing, rate=None)

    assert result.sent == batch.total == 5
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        Contact.objects.values_list("email", flat=True)
    )
    links = {m.body.split(": ", 1)[1].split("\n")[0] for m in mail.outbox}
    assert len(links) == 5
    assert set(mailing.messages.values_list("state", flat=True)) == {State.SENT}


def test_a_sent_message_is_the_one_the_preview_shows_with_contact_data_escaped(batch):
    contact = Contact.objects.order_by("pk").first()
    contact.first_name, contact.attributes = "<b>Ada</b> & co", {"plan": "<i>pro</i>"}
    contact.save()
    mailing = make_mailing(batch, body="Dear {first_name},\n\nPlan: {plan}\n{link}\n")

    send_mailing(mailing, rate=None)

    (sent,) = [message for message in mail.outbox if message.to == [contact.email]]
    composer = Composer(
        batch, mailing.subject, mailing.body, mailing.from_email, batch_placeholders(batch)
    )
    preview = composer.message(batch.links.get(contact=contact))
    assert sent.subject == preview.subject == "Hello <b>Ada</b> & co"
    assert sent.body == preview.body
    assert sent.extra_headers == preview.extra_headers
    assert sent.alternatives == preview.alternatives
    html = sent.alternatives[0].content
    assert "<p>Dear &lt;b&gt;Ada&lt;/b&gt; &amp; co,</p>" in html
    assert "Plan: &lt;i&gt;pro&lt;/i&gt;<br>" in html
    assert "<b>Ada" not in html and "<i>pro" not in html


def test_with_short_links_each_message_carries_the_short_link_of_the_download(
    batch, settings, admin_client, links_url, csv_rows
):
    settings.PERSONAL_LINKS_TOKEN_FORMAT = "short"
    mailing = make_mailing(batch)

    send_mailing(mailing, rate=None)

    rows = csv_rows(admin_client.get(links_url("download", batch.page, batch)))
    downloaded = {row[4]: row[5] for row in rows[1:]}
    mailed = {m.to[0]: m.body.split(": ", 1)[1].split("\n")[0] for m in mail.outbox}
    assert mailed == downloaded
    assert all(len(url.rsplit("/", 1)[1]) == 20 for url in mailed.values())


def test_answers_through_a_team_link_do_not_skip_the_contacts_own_invitation(
    survey_page, contact, client, link_url, answers
):
    team = generation.create_batch(survey_page, [contact], max_answers=3, target_label="Team")
    client.get(link_url(team.links.get()))
    assert client.post("/customer-survey/", answers).status_code == 200
    personal = generation.create_batch(survey_page, [contact], target_label="Ada")

    make_mailing(personal)
    message = OutboxMessage.objects.get(link__batch=personal)

    assert (message.state, message.reason) == (OutboxMessage.State.QUEUED, "")
