"""Opting out: the unsubscribe page, the RFC 8058 one-click POST, the admin, imports, sending."""

import base64

import pytest
import tablib
from django.core import mail
from django.test import Client
from django.urls import reverse
from wagtail.models import ModelLogEntry

from tests.mail_helpers import make_mailing
from wagtail_personal_links import generation
from wagtail_personal_links.checks import check_unsubscribe_url
from wagtail_personal_links.mailing.optout import contact_for_token, unsubscribe_token
from wagtail_personal_links.mailing.sending import send_mailing
from wagtail_personal_links.models import Contact, OutboxMessage
from wagtail_personal_links.resources import ContactResource

pytestmark = pytest.mark.django_db


def unsubscribe_url(token: str) -> str:
    return reverse("wagtail_personal_links_public:unsubscribe", args=[token])


def test_the_token_names_the_contact_by_id_only(contact):
    token = unsubscribe_token(contact.pk)

    payload = base64.urlsafe_b64decode(token.split(":")[0] + "==")
    assert payload == str(contact.pk).encode()
    assert contact_for_token(token) == contact


@pytest.mark.parametrize("token", ["MQ:forged", "garbage", "MQ", "ImEi:x"])
def test_a_forged_or_broken_token_names_nobody(token):
    assert contact_for_token(token) is None


def test_opening_the_link_asks_before_opting_out(client, contact):
    response = client.get(unsubscribe_url(unsubscribe_token(contact.pk)))

    assert response.status_code == 200
    assert b"Unsubscribe from survey emails?" in response.content
    assert response["Referrer-Policy"] == "no-referrer"
    contact.refresh_from_db()
    assert contact.email_opt_out is False


def test_the_one_click_post_opts_out_without_a_csrf_token_and_logs_once(contact):
    client = Client(enforce_csrf_checks=True)
    url = unsubscribe_url(unsubscribe_token(contact.pk))

    first = client.post(url, {"List-Unsubscribe": "One-Click"})
    second = client.post(url, {"List-Unsubscribe": "One-Click"})

    assert first.status_code == second.status_code == 200
    assert b"You are unsubscribed" in first.content
    contact.refresh_from_db()
    assert contact.email_opt_out is True
    entries = ModelLogEntry.objects.filter(action="wagtail_personal_links.email_opt_out")
    assert [entry.object_id for entry in entries] == [str(contact.pk)]
    assert client.get(url).content.count(b"You are unsubscribed") == 1


def test_a_bad_token_gets_a_friendly_404(client):
    response = client.post(unsubscribe_url("MQ:forged"))

    assert response.status_code == 404
    assert b"This unsubscribe link is not valid" in response.content


def test_csrf_still_guards_the_admin(mail_editor, survey_page, contact):
    batch = generation.create_batch(survey_page, [contact])
    client = Client(enforce_csrf_checks=True)
    client.force_login(mail_editor)
    url = reverse("wagtail_personal_links_mail:invite", args=[survey_page.pk, batch.pk])

    response = client.post(url, {"subject": "Hi", "body": "{link}", "action": "send"})

    assert response.status_code == 403


def test_an_opted_out_contact_is_skipped_by_every_later_mailing(survey_page, contact):
    batch = generation.create_batch(survey_page, Contact.objects.all())
    Client().post(unsubscribe_url(unsubscribe_token(contact.pk)))

    result = send_mailing(make_mailing(batch), rate=None)

    assert result.sent == 5
    assert contact.email not in [m.to[0] for m in mail.outbox]
    row = OutboxMessage.objects.get(link__contact=contact)
    assert (row.state, row.reason) == ("skipped", "opted_out")


def test_an_opt_out_during_sending_is_honoured(survey_page, contact, monkeypatch):
    batch = generation.create_batch(survey_page, [contact])
    mailing = make_mailing(batch)
    Contact.objects.filter(pk=contact.pk).update(email_opt_out=True)

    send_mailing(mailing, rate=None)

    assert mail.outbox == []
    assert mailing.messages.get().reason == OutboxMessage.Reason.OPTED_OUT


def test_the_admin_shows_and_edits_the_opt_out(admin_client, contact):
    edit_url = reverse("wagtailsnippets_wagtail_personal_links_contact:edit", args=[contact.pk])
    form = admin_client.get(edit_url).context["form"]
    data = {
        "email": contact.email,
        "external_id": contact.external_id,
        "first_name": contact.first_name,
        "last_name": contact.last_name,
        "attributes": form["attributes"].value(),
        "email_opt_out": "on",
    }
    assert "email_opt_out" in form.fields

    response = admin_client.post(edit_url, data)

    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.email_opt_out is True
    listing = admin_client.get(
        reverse("wagtailsnippets_wagtail_personal_links_contact:list"), {"email_opt_out": "true"}
    )
    assert list(listing.context["object_list"]) == [contact]


def test_an_import_keeps_the_opt_out(contact):
    Contact.objects.filter(pk=contact.pk).update(email_opt_out=True)
    dataset = tablib.Dataset(["ada@example.com", "Augusta"], headers=["Email", "First name"])

    result = ContactResource().import_data(dataset)

    assert not result.has_errors()
    contact.refresh_from_db()
    assert (contact.first_name, contact.email_opt_out) == ("Augusta", True)


def test_a_missing_unsubscribe_url_is_reported_by_the_checks(settings):
    assert check_unsubscribe_url() == []
    settings.ROOT_URLCONF = "tests.urls_without_unsubscribe"

    assert [message.id for message in check_unsubscribe_url()] == ["wagtail_personal_links.W001"]


# What the unsubscribe page says in each shipped language: asking, done, and a bad link.
UNSUBSCRIBE_PAGE = {
    "de": (
        "Von Umfrage-E-Mails abmelden?",
        "Sie sind abgemeldet",
        "Dieser Abmeldelink ist ungültig",
    ),
    "fr": (
        "Se désabonner des e-mails de questionnaires ?",
        "Vous êtes désabonné",
        "Ce lien de désabonnement n’est pas valide",  # noqa: RUF001
    ),
    "es": (
        "¿Darse de baja de los correos de encuestas?",
        "Se ha dado de baja",
        "Este enlace para darse de baja no es válido",
    ),
}


@pytest.mark.parametrize("language", UNSUBSCRIBE_PAGE)
def test_the_unsubscribe_page_speaks_the_browsers_language(client, contact, language):
    asking, done, invalid = UNSUBSCRIBE_PAGE[language]
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = f"{language},en;q=0.5"
    url = unsubscribe_url(unsubscribe_token(contact.pk))

    pages = [
        (client.get(url), asking),
        (client.post(url), done),
        (client.get(unsubscribe_url("MQ:forged")), invalid),
    ]

    for response, text in pages:
        assert text in response.text
        assert f'<html lang="{language}">' in response.text
        assert response["Content-Language"] == language
        assert "Accept-Language" in response["Vary"]
        assert response["Referrer-Policy"] == "no-referrer"
    assert "Unsubscribe from survey emails?" not in pages[0][0].text


def test_the_unsubscribe_page_falls_back_to_the_site_language(client, contact):
    response = client.get(
        unsubscribe_url(unsubscribe_token(contact.pk)), HTTP_ACCEPT_LANGUAGE="xx"
    )

    assert "Unsubscribe from survey emails?" in response.text
    assert response["Content-Language"] in ("en", "en-us")
