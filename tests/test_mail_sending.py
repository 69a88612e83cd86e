"""Sending a mailing through Django's locmem backend: outbox rows, skips, failures, retries."""

import pytest
from django.core import mail

from tests.mail_helpers import make_mailing
from wagtail_personal_links import generation
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
