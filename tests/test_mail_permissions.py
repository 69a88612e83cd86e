"""Every email admin URL refuses users without "Can send personal link emails" or page edit."""

import pytest
from django.core import mail
from django.urls import reverse

from tests.mail_helpers import make_mailing
from wagtail_personal_links import generation
from wagtail_personal_links.models import Mailing

NAMES = ["mailings", "invite", "remind", "mailing", "mailing_status", "retry", "cancel"]
POST_ONLY = {"retry", "cancel"}


@pytest.fixture
def mailing(survey_page, contact):
    batch = generation.create_batch(survey_page, [contact])
    return make_mailing(batch)


def url_of(name, mailing):
    batch = mailing.batch
    args = [batch.page_id, batch.pk]
    if name in {"mailing", "mailing_status", "retry", "cancel"}:
        args.append(mailing.pk)
    return reverse(f"wagtail_personal_links_mail:{name}", args=args)


@pytest.mark.parametrize("user_fixture", ["links_editor", "page_editor"])
def test_each_url_is_refused_without_the_email_permission(client, request, mailing, user_fixture):
    client.force_login(request.getfixturevalue(user_fixture))
    data = {"subject": "x", "body": "{link}", "action": "send"}
    statuses = {}
    for name in NAMES:
        method = client.post if name in POST_ONLY else client.get
        statuses[name] = method(url_of(name, mailing), data).status_code

    assert statuses == dict.fromkeys(NAMES, 403)
    assert Mailing.objects.count() == 1
    assert mail.outbox == []


def test_each_url_lets_in_an_editor_with_the_email_permission(client, mail_editor, mailing):
    client.force_login(mail_editor)
    names = [name for name in NAMES if name not in POST_ONLY]

    statuses = {name: client.get(url_of(name, mailing)).status_code for name in names}

    assert statuses == dict.fromkeys(names, 200)


def test_the_permission_is_offered_in_group_editing(admin_client):
    response = admin_client.get(reverse("wagtailusers_groups:add"))

    assert b"Can send personal link emails" in response.content


def test_the_history_offers_the_email_actions_only_to_those_who_may_send(
    client, mail_editor, links_editor, mailing
):
    index = reverse("wagtail_personal_links_links:index", args=[mailing.batch.page_id])
    invite = url_of("invite", mailing)

    client.force_login(mail_editor)
    allowed = client.get(index)
    client.force_login(links_editor)
    refused = client.get(index)

    assert invite in allowed.text
    assert invite not in refused.text
