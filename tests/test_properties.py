"""Hostile input, property-tested: tokens, token URLs, CSV round trips, imports, forms.

Examples are bounded so that the file stays fast; hypothesis keeps the
failures it finds in its database and tries them first next time.
"""

from __future__ import annotations

import csv
import datetime
import io
import string
import tempfile
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from import_export.formats.base_formats import CSV

from wagtail_personal_links import tokens
from wagtail_personal_links.cells import FORMULA_PREFIXES
from wagtail_personal_links.imports.resources import ContactResource
from wagtail_personal_links.models import Contact, PersonalLinkFormSubmission

DB_EXAMPLES = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
B64URL = string.ascii_letters + string.digits + "-_"
TOKEN = tokens.sign("AbCdEfGhIjKl")
EXPIRING_TOKEN = tokens.sign("mNoPqRsTuVwX", datetime.datetime(2099, 1, 1, tzinfo=datetime.UTC))


@pytest.mark.parametrize("token", [TOKEN, EXPIRING_TOKEN])
def test_changing_any_character_of_a_token_to_any_other_never_verifies(token):
    assert tokens.verify(token)
    verified = []
    for position, original in enumerate(token):
        for other in B64URL + ".=":
            if other != original:
                changed = token[:position] + other + token[position + 1 :]
                if tokens.verify(changed):
                    verified.append((position, other))

    assert verified == []


@given(data=st.data())
@settings(max_examples=200)
def test_any_change_of_a_tokens_bytes_never_verifies(data):
    raw = bytearray(TOKEN.encode())
    positions = data.draw(st.lists(st.integers(0, len(raw) - 1), min_size=1, unique=True))
    for position in positions:
        raw[position] = data.draw(st.integers(0, 255).filter(lambda b, p=position: b != raw[p]))
    changed = raw.decode("latin-1")

    assert not tokens.verify(changed)


@given(st.text(max_size=300))
@settings(max_examples=300)
def test_verify_never_raises_on_random_text(text):
    assert tokens.verify(text).status in tokens.TokenStatus


@given(st.text(min_size=1, max_size=200))
@DB_EXAMPLES
def test_random_token_urls_get_a_friendly_page_never_an_error(client, db, text):
    response = client.get("/pl/" + quote(text, safe=""))

    assert response.status_code in (403, 404)


# Text as contacts hold it: forms and imports strip it; PostgreSQL refuses NUL.
cell_text = st.text(
    st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=60
).map(str.strip)
formula_text = st.sampled_from(sorted(FORMULA_PREFIXES | {"'", "''"})).flatmap(
    lambda prefix: cell_text.map(lambda rest: (prefix + rest).strip())
)
names = st.one_of(cell_text, formula_text)


def exported_csv(contact: Contact) -> str:
    return CSV().export_data(ContactResource().export(Contact.objects.filter(pk=contact.pk)))


def values(contact: Contact) -> tuple:
    return (contact.email, contact.first_name, contact.last_name, contact.attributes)


@given(first=names, last=names, note=names)
@DB_EXAMPLES
def test_any_cell_round_trips_through_export_and_import_and_no_formula_leaves(
    db, first, last, note
):
    with transaction.atomic():
        contact = Contact.objects.create(
            email="round@example.com",
            first_name=first[:150],
            last_name=last[:150],
            attributes={"note": note} if note else {},
        )
        before = values(contact)
        exported = exported_csv(contact)
        cells = [cell for row in csv.reader(io.StringIO(exported)) for cell in row]
        contact.delete()

        result = ContactResource().import_data(CSV().create_dataset(exported))

        assert not result.has_errors() and not result.has_validation_errors()
        assert values(Contact.objects.get(email="round@example.com")) == before
        assert [cell for cell in cells if cell[:1] in FORMULA_PREFIXES] == []
        transaction.set_rollback(True)


UPLOAD_URL = reverse("wagtail_personal_links_import:upload")
CONFIRM_URL = reverse("wagtail_personal_links_import:confirm")

csv_cell = st.one_of(cell_text, st.emails(), st.sampled_from(["", "=1+1", "Ada", "x@y"]))
headers = st.lists(
    st.one_of(st.sampled_from(["Email", "First name", "Custom ID", "Plan"]), cell_text),
    min_size=1,
    max_size=5,
)
csv_files = headers.flatmap(
    lambda head: st.lists(
        st.lists(csv_cell, min_size=len(head), max_size=len(head)), max_size=6
    ).map(lambda rows: _csv([head, *rows]))
)


def _csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode()


def upload_and_confirm(client, content: bytes, name: str) -> tuple[int, int]:
    """Upload a file and confirm its preview when there is one; return both statuses."""
    file = SimpleUploadedFile(name, content)
    response = client.post(
        UPLOAD_URL, {"import_file": file, "encoding": "utf-8", "duplicates": "update"}
    )
    if response.status_code != 200 or "state_form" not in (response.context or {}):
        return response.status_code, 0
    if not response.context["state_form"].initial.get("state"):
        return response.status_code, 0
    confirmed = client.post(
        CONFIRM_URL, {"state": response.context["state_form"].initial["state"]}
    )
    return response.status_code, confirmed.status_code


@pytest.fixture
def upload_folder(monkeypatch):
    with tempfile.TemporaryDirectory() as folder:
        monkeypatch.setattr(tempfile, "tempdir", folder)
        yield folder


@given(content=st.binary(max_size=400), name=st.sampled_from(["c.csv", "c.xlsx", "c.tsv", "c"]))
@DB_EXAMPLES
def test_random_bytes_give_a_clear_answer_never_a_500_nor_a_partial_import(
    admin_client, upload_folder, content, name
):
    assert Contact.objects.count() == 0
    statuses = upload_and_confirm(admin_client, content, name)

    assert 500 not in statuses
    assert statuses[0] == 200
    Contact.objects.all().delete()


@given(content=csv_files)
@DB_EXAMPLES
def test_random_csv_shapes_import_all_rows_or_none(admin_client, upload_folder, content):
    rows = max(0, len(list(csv.reader(io.StringIO(content.decode())))) - 1)
    before = Contact.objects.count()

    statuses = upload_and_confirm(admin_client, content, "contacts.csv")

    assert 500 not in statuses
    imported = Contact.objects.count() - before
    assert imported == 0 or statuses[1] == 302
    assert imported <= rows
    Contact.objects.all().delete()


form_value = st.one_of(
    st.text(st.characters(blacklist_categories=["Cs"]), max_size=300),
    st.sampled_from(["", "0", "-1", "9" * 30, "2030-13-45", "a@b", "null", "[]", "{}"]),
)


@given(
    data=st.dictionaries(
        st.sampled_from(["email", "first_name", "last_name", "external_id", "attributes"]),
        form_value,
    )
)
@DB_EXAMPLES
def test_random_values_in_the_contact_form_never_give_a_500(admin_client, data):
    add_url = reverse("wagtailsnippets_wagtail_personal_links_contact:add")

    response = admin_client.post(add_url, data)

    assert response.status_code in (200, 302)
    Contact.objects.all().delete()


@given(
    data=st.dictionaries(
        st.sampled_from(
            ["target", "segment", "contact", "expiry", "expires", "expiration_days", "sample_size"]
        ),
        form_value,
    )
)
@DB_EXAMPLES
def test_random_values_in_the_generate_links_form_never_give_a_500(
    admin_client, survey_page, data
):
    url = reverse("wagtail_personal_links_links:index", args=[survey_page.pk])

    response = admin_client.post(url, data)

    assert response.status_code in (200, 302)


answer_fields = [
    "how_likely_are_you_to_recommend_us_to_a_friend",
    "how_satisfied_are_you_with_our_support",
    "what_should_we_improve",
]


@given(data=st.dictionaries(st.sampled_from([*answer_fields, "csrfmiddlewaretoken"]), form_value))
@DB_EXAMPLES
def test_random_answers_from_a_respondent_never_give_a_500(client, personal_link, link_url, data):
    client.get(link_url(personal_link))

    response = client.post("/customer-survey/", data)

    assert response.status_code in (200, 409)
    assert PersonalLinkFormSubmission.objects.filter(personal_link=personal_link).count() <= 1
