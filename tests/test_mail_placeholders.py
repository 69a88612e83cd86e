"""{expires_at} is offered only to a batch whose links expire: elsewhere it would be empty."""

import datetime

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from wagtail_personal_links import generation
from wagtail_personal_links.models import Contact, Mailing

pytestmark = pytest.mark.usefixtures("no_email_rate_limit")

BODY = "Valid until {expires_at}: {link}"
NO_EXPIRY = "This batch's links do not expire, so {expires_at} would be empty."


def compose(client, batch, action):
    url = reverse("wagtail_personal_links_mail:invite", args=[batch.page_id, batch.pk])
    data = {"subject": "Hi {first_name}", "body": BODY, "from_email": "surveys@example.com"}
    return client.post(url, {**data, "action": action})


def test_it_is_an_error_beside_the_field_when_the_links_never_expire(
    client, mail_editor, survey_page, contact
):
    batch = generation.create_batch(survey_page, [contact])
    client.force_login(mail_editor)

    response = compose(client, batch, "send")

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["body"] == [NO_EXPIRY]
    assert "{expires_at}" not in form.fields["body"].help_text
    assert not Mailing.objects.exists()
    assert mail.outbox == []


def test_it_is_the_links_expiry_when_they_expire(client, mail_editor, survey_page, contact):
    expires = datetime.datetime(2030, 6, 1, 12, 30, tzinfo=datetime.UTC)
    batch = generation.create_batch(survey_page, Contact.objects.all(), expires_at=expires)
    client.force_login(mail_editor)

    response = compose(client, batch, "preview")

    assert "{expires_at}" in response.context["form"].fields["body"].help_text
    body = response.context["preview"]["message"].body
    assert "Valid until 1 June 2030, 12:30 UTC: http" in body


def test_the_command_refuses_it_too(survey_page, contact, tmp_path):
    batch = generation.create_batch(survey_page, [contact])
    body = tmp_path / "invitation.txt"
    body.write_text(BODY, encoding="utf-8")

    with pytest.raises(CommandError) as raised:
        call_command("send_personal_links", batch=batch.pk, body_file=str(body), rate=0)

    assert str(raised.value) == f"The message: {NO_EXPIRY}"
    assert not Mailing.objects.exists()
    assert mail.outbox == []
