"""Short links for SMS and QR codes: a 20-character code, stored only as a keyed hash."""

import csv
import datetime
import io
import logging
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import override_settings

from wagtail_personal_links import tokens
from wagtail_personal_links.conf import personal_links_settings
from wagtail_personal_links.exports import csv_lines, link_rows, link_url
from wagtail_personal_links.generation import create_batch
from wagtail_personal_links.models import LinkBatch, PersonalLink, PersonalLinkFormSubmission
from wagtail_personal_links.tokens import TokenStatus

UTC = datetime.UTC


def short():
    """Switch new links to short codes (a fresh override each time: they do not nest)."""
    return override_settings(PERSONAL_LINKS_TOKEN_FORMAT="short")


def downloaded_urls(batch, **kwargs) -> list[str]:
    rows = list(csv.reader(io.StringIO("".join(csv_lines(link_rows(batch, **kwargs))))))
    return [row[5] for row in rows[1:]]


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3]


@pytest.fixture
def short_batch(survey_page, contact):
    with short():
        return create_batch(survey_page, [contact], target_label="Ada")


@short()
def test_a_short_link_on_www_example_com_fits_in_50_characters(personal_link):
    url = link_url(
        "https://www.example.com",
        personal_link.public_id,
        personal_link.expires_at,
        personal_link.code_hash,
    )

    code = url.rsplit("/", 1)[1]
    assert len(url) <= 50
    assert len(code) == 20  # 120 bits of MAC, 6 bits per character
    assert code.replace("-", "").replace("_", "").isalnum()


@short()
def test_a_short_code_is_never_stored_in_clear(short_batch):
    code = downloaded_urls(short_batch)[0].rsplit("/", 1)[1]

    stored = [*PersonalLink.objects.values(), *LinkBatch.objects.values()]
    assert code not in repr(stored)
    link = short_batch.links.get()
    assert link.code_hash == tokens.code_hasher()(link.public_id)
    assert len(link.code_hash) == 43


@short()
def test_downloading_again_gives_the_same_short_urls(short_batch):
    first = downloaded_urls(short_batch)

    assert downloaded_urls(short_batch, with_status=True) == first
    assert len(first[0].rsplit("/", 1)[1]) == 20


@pytest.mark.parametrize("token_format", ["jwt", "short"])
def test_each_format_carries_a_respondent_from_link_to_answer(
    client, short_batch, contact, answers, token_format
):
    with override_settings(PERSONAL_LINKS_TOKEN_FORMAT=token_format):
        url = downloaded_urls(short_batch)[0]
    token = url.rsplit("/", 1)[1]

    opened = client.get(path_of(url))
    form = client.get(opened["Location"])
    answered = client.post("/customer-survey/", answers)
    again = client.get(path_of(url), follow=True)

    assert opened.status_code == 302
    assert opened["Location"] == "/customer-survey/"
    assert token not in opened["Location"]
    assert form.status_code == 200
    assert answered.status_code == 200
    assert PersonalLinkFormSubmission.objects.get().contact == contact
    assert again.status_code == 409
    assert ("." in token) is (token_format == "jwt")


def test_links_sent_in_either_format_open_after_switching(client, short_batch):
    with override_settings(PERSONAL_LINKS_TOKEN_FORMAT="jwt"):
        jwt_url = downloaded_urls(short_batch)[0]
    with short():
        short_url = downloaded_urls(short_batch)[0]

    with short():
        jwt_opened = client.get(path_of(jwt_url))
    with override_settings(PERSONAL_LINKS_TOKEN_FORMAT="jwt"):
        short_opened = client.get(path_of(short_url))

    assert jwt_opened.status_code == short_opened.status_code == 302
    assert short_batch.links.get().opened_at is not None


def test_a_short_link_sent_before_a_secret_key_rotation_still_opens_and_downloads_alike(
    client, settings, short_batch
):
    # Through the settings fixture only: it restores its changes in its own order.
    settings.PERSONAL_LINKS_TOKEN_FORMAT = "short"
    before = downloaded_urls(short_batch)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-brand-new-secret-key-for-this-site-0123456789"

    response = client.get(path_of(before[0]))

    assert response.status_code == 302
    assert downloaded_urls(short_batch) == before


@short()
def test_an_unknown_short_code_is_a_friendly_403_logged_at_debug(client, short_batch, caplog):
    code = downloaded_urls(short_batch)[0].rsplit("/", 1)[1]
    forged = ("A" if code[0] != "A" else "B") + code[1:]

    with caplog.at_level(logging.DEBUG, logger="wagtail_personal_links"):
        response = client.get(f"/pl/{forged}")

    assert response.status_code == 403
    assert "This link is not valid." in response.text
    assert "No personal link has this short code" in caplog.text


@short()
def test_an_expired_short_link_says_so(client, make_link, survey_page, contact, link_url):
    link = make_link(survey_page, contact, expires_at=datetime.datetime(2020, 1, 2, tzinfo=UTC))

    response = client.get(link_url(link), follow=True)

    assert len(link_url(link).rsplit("/", 1)[1]) == 20
    assert response.status_code == 410


@short()
def test_a_link_without_a_code_hash_is_given_a_working_jwt(client, personal_link):
    PersonalLink.objects.filter(pk=personal_link.pk).update(code_hash=None)

    token = tokens.sign(personal_link.public_id, None, None)

    assert tokens.verify(token).public_id == personal_link.public_id
    assert client.get(f"/pl/{token}").status_code == 302


def test_verify_accepts_a_well_formed_short_code_with_one_hash_per_key(settings):
    settings.SECRET_KEY_FALLBACKS = ["an-older-secret-key-of-this-site-0123456789"]

    verified = tokens.verify("A" * 20)

    assert verified.status is TokenStatus.VALID
    assert verified.public_id is None
    assert len(verified.code_hashes) == 2
    assert tokens.verify("A" * 19).status is TokenStatus.INVALID
    assert tokens.verify("A" * 19 + "!").status is TokenStatus.INVALID


def test_the_token_format_setting_is_checked():
    with (
        override_settings(PERSONAL_LINKS_TOKEN_FORMAT="tiny"),
        pytest.raises(ImproperlyConfigured, match="PERSONAL_LINKS_TOKEN_FORMAT"),
    ):
        _ = personal_links_settings.TOKEN_FORMAT
    assert personal_links_settings.TOKEN_FORMAT == "jwt"


def test_the_migration_hashes_the_codes_of_links_made_before_it(personal_link):
    from importlib import import_module

    migration = import_module("wagtail_personal_links.migrations.0006_link_code_hash")
    expected = personal_link.code_hash
    PersonalLink.objects.update(code_hash=None)

    # RunPython hands the function a schema editor; only its connection is read.
    migration.hash_existing_codes(apps, SimpleNamespace(connection=connection))

    personal_link.refresh_from_db()
    assert personal_link.code_hash == expected
