"""A preview or test email shows where its links go, but they open nothing for the contact."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from wagtail_personal_links import generation, tokens
from wagtail_personal_links.conf import personal_links_settings
from wagtail_personal_links.mailing.optout import contact_for_token, unsubscribe_token
from wagtail_personal_links.models import Contact

pytestmark = pytest.mark.usefixtures("no_email_rate_limit")

BODY = "Dear {first_name} ({plan}),\n\nYour link: {link}\n"


@pytest.fixture
def batch(survey_page, contact):
    return generation.create_batch(survey_page, Contact.objects.all(), target_label="Everyone")


def compose(client, batch, action):
    url = reverse("wagtail_personal_links_mail:invite", args=[batch.page_id, batch.pk])
    data = {"subject": "Hi {first_name}", "body": BODY, "from_email": "surveys@example.com"}
    return client.post(url, {**data, "preview_email": "ada@example.com", "action": action})


def link_tokens(text: str) -> list[str]:
    return re.findall(rf"/{personal_links_settings.URL_PREFIX}/([^\s\"<>]+)", text)


def unsubscribe_tokens(text: str) -> list[str]:
    return re.findall(r"/email/unsubscribe/([^/\s\"<>]+)/", text)


def test_the_test_email_carries_example_links_that_open_nothing(
    client, mail_editor, batch, contact
):
    client.force_login(mail_editor)
    link = batch.links.get(contact=contact)

    compose(client, batch, "test")

    (message,) = mail.outbox
    everything = "\n".join(
        [
            message.subject,
            message.body,
            message.alternatives[0][0],
            *message.extra_headers.values(),
        ]
    )
    assert message.subject == "[Test] Hi Ada"
    assert "Dear Ada (pro)," in message.body  # the contact's own data, as before
    found_links, found_unsubscribes = link_tokens(everything), unsubscribe_tokens(everything)
    assert len(found_links) == 3  # the text, and the HTML link and its text
    assert len(found_unsubscribes) == 3  # text, HTML and the List-Unsubscribe header
    real_token = tokens.sign(link.public_id, link.expires_at, link.code_hash)
    assert real_token not in everything
    assert unsubscribe_token(contact.pk) not in everything
    for token in found_links:
        assert "EXAMPLE" in token
        assert not tokens.verify(token)
        gate = client.get(f"/{personal_links_settings.URL_PREFIX}/{token}")
        assert gate.status_code == 403
        assert "This link is not valid." in gate.text
    for token in found_unsubscribes:
        assert contact_for_token(token) is None
        page = client.post(reverse("wagtail_personal_links_public:unsubscribe", args=[token]))
        assert page.status_code == 404
        assert "This unsubscribe link is not valid" in page.text
    link.refresh_from_db()
    contact.refresh_from_db()
    assert link.opened_at is None
    assert contact.email_opt_out is False


def test_the_preview_shows_the_same_example_links(client, mail_editor, batch, contact):
    client.force_login(mail_editor)

    preview = compose(client, batch, "preview").context["preview"]

    html, text = preview["html"], preview["message"].body
    assert link_tokens(text) == ["EXAMPLE.not-a-real-link"]
    assert link_tokens(html) == ["EXAMPLE.not-a-real-link"] * 2
    assert unsubscribe_tokens(text) == unsubscribe_tokens(html) == ["EXAMPLE.not-a-real-link"]
    assert mail.outbox == []
