"""A mailing's page and the Emails listing name each mailing by its kind and time, once."""

import datetime

import pytest
from django.urls import reverse

from tests.mail_helpers import make_mailing
from wagtail_personal_links import generation
from wagtail_personal_links.models import EmailKind, Mailing

CREATED = datetime.datetime(2026, 12, 3, 15, 41, tzinfo=datetime.UTC)


@pytest.fixture
def batch(survey_page, contact):
    return generation.create_batch(survey_page, [contact], target_label="Ada")


@pytest.fixture
def editor_client(client, mail_editor):
    client.force_login(mail_editor)
    return client


def url(name, batch, *args):
    return reverse(f"wagtail_personal_links_mail:{name}", args=[batch.page_id, batch.pk, *args])


def mailing_of(batch, kind, subject):
    mailing = make_mailing(batch, kind, subject=subject)
    Mailing.objects.filter(pk=mailing.pk).update(created_at=CREATED)
    return mailing


def test_the_mailing_page_is_titled_by_kind_and_time_with_the_subject_filled_in(
    editor_client, batch
):
    mailing = mailing_of(batch, EmailKind.REMINDER, "Reminder: {survey_title}, {first_name}")

    response = editor_client.get(url("mailing", batch, mailing.pk))

    title = "Reminder of Dec. 3, 2026, 3:41 p.m."
    assert response.context["page_title"] == title
    assert f"<title>{title}" in response.text
    assert "Subject: Reminder: Customer survey, {first_name}" in response.text
    assert "{survey_title}" not in response.text
    assert "Reminder: Reminder" not in response.text
    crumbs = response.context["breadcrumbs_items"]
    assert [crumb["label"] for crumb in crumbs[-3:]] == ["Personal links", "Emails", title]
    assert crumbs[-2]["url"] == url("mailings", batch)
    assert f'href="{url("mailings", batch)}"' in response.text


def test_the_emails_listing_names_each_mailing_once_with_its_subject_filled_in(
    editor_client, batch
):
    mailing_of(batch, EmailKind.INVITATION, "Your invitation: {survey_title}")
    mailing_of(batch, EmailKind.REMINDER, "Reminder: {survey_title}")

    response = editor_client.get(url("mailings", batch))

    assert "Invitation of Dec. 3, 2026, 3:41 p.m." in response.text
    assert "Reminder of Dec. 3, 2026, 3:41 p.m." in response.text
    assert "Your invitation: Customer survey" in response.text
    assert "Reminder: Customer survey" in response.text
    assert "{survey_title}" not in response.text
    assert "Reminder: Reminder" not in response.text
