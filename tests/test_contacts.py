"""The Contacts admin: listing, search, filters, create/edit/delete, inspect and export."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.conftest import make_editor
from wagtail_personal_links.models import Contact, Segment

CONTACT_PERMISSIONS = ["add_contact", "change_contact", "delete_contact", "view_contact"]


def url(name: str, *args) -> str:
    return reverse(f"wagtailsnippets_wagtail_personal_links_contact:{name}", args=args)


def form_data(**overrides) -> dict:
    """POST data for the contact form; attributes are given as (key, value) rows."""
    rows = overrides.pop("attributes", [("plan", "pro")])
    data = {
        "email": "grace@example.com",
        "external_id": "",
        "first_name": "Grace",
        "last_name": "Hopper",
        "attributes-key": [key for key, _ in rows],
        "attributes-value": [value for _, value in rows],
    }
    data.update(overrides)
    return data


@pytest.fixture
def editor_client(client, django_user_model):
    client.force_login(make_editor(django_user_model, "editor", CONTACT_PERMISSIONS))
    return client


def test_listing_shows_contacts_with_name_and_custom_id(editor_client, contact):
    response = editor_client.get(url("list"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "ada@example.com" in html
    assert "Ada Lovelace" in html
    assert "ADA-1" in html


@pytest.mark.parametrize("query", ["ADA@example", "lovelace", "Ada", "ada-1"])
def test_search_finds_a_contact_by_email_names_or_custom_id(editor_client, contact, query):
    Contact.objects.create(email="alan@example.com", first_name="Alan", last_name="Turing")

    response = editor_client.get(url("list_results"), {"q": query})

    assert [c.pk for c in response.context["object_list"]] == [contact.pk]


@pytest.mark.parametrize("query", ["ada lovelace", "Lovelace  ADA", "ada ada-1"])
def test_search_finds_a_contact_by_several_words_across_fields(editor_client, contact, query):
    Contact.objects.create(email="ada.b@example.com", first_name="Ada", last_name="Byron")

    listing = editor_client.get(url("list_results"), {"q": query})
    chooser = editor_client.get(
        reverse("wagtailsnippetchoosers_wagtail_personal_links_contact:choose_results"),
        {"q": query, "multiple": "1"},
    )

    assert [c.pk for c in listing.context["object_list"]] == [contact.pk]
    assert [c.pk for c in chooser.context["results"]] == [contact.pk]


def test_filter_by_segment_lists_only_its_members(editor_client, segment, contact):
    Contact.objects.create(email="alan@example.com")

    response = editor_client.get(url("list_results"), {"segment": segment.pk})

    assert [c.pk for c in response.context["object_list"]] == [contact.pk]


def test_filter_by_created_date_range(editor_client, contact):
    old = Contact.objects.create(email="old@example.com")
    Contact.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=40)
    )
    since = (timezone.now() - datetime.timedelta(days=7)).date().isoformat()

    response = editor_client.get(url("list_results"), {"created_at_from": since})

    assert [c.pk for c in response.context["object_list"]] == [contact.pk]


def test_create_contact_with_attribute_rows(editor_client):
    response = editor_client.post(
        url("add"), form_data(attributes=[("plan", "pro"), ("country", "NL"), ("", "")])
    )

    assert response.status_code == 302
    contact = Contact.objects.get(email="grace@example.com")
    assert contact.attributes == {"plan": "pro", "country": "NL"}
    assert contact.full_name == "Grace Hopper"


def test_edit_form_shows_attributes_as_rows_not_json(editor_client, contact):
    response = editor_client.get(url("edit", contact.pk))

    html = response.content.decode()
    assert 'name="attributes-key" value="plan"' in html
    assert 'name="attributes-value" value="pro"' in html
    assert "{&quot;plan&quot;" not in html


def test_edit_replaces_attributes_and_keeps_unchanged_value_types(editor_client, contact):
    contact.attributes = {"plan": "pro", "seats": 5, "vip": True, "note": None}
    contact.save()
    rows = [("seats", "5"), ("vip", "true"), ("note", ""), ("plan", "team")]

    response = editor_client.post(
        url("edit", contact.pk), form_data(email=contact.email, attributes=rows)
    )

    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.attributes == {"seats": 5, "vip": True, "note": None, "plan": "team"}


def test_removing_every_row_clears_the_attributes(editor_client, contact):
    response = editor_client.post(
        url("edit", contact.pk), form_data(email=contact.email, attributes=[("", "")])
    )

    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.attributes == {}


def test_case_insensitive_duplicate_email_is_refused_beside_the_field(editor_client, contact):
    response = editor_client.post(url("add"), form_data(email="ADA@Example.COM"))

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["email"] == [
        "A contact with this email already exists: Ada Lovelace <ada@example.com>. "
        "Emails are compared without regard to case."
    ]
    assert not form.non_field_errors()
    assert "A contact with this email already exists." not in response.content.decode()
    assert Contact.objects.count() == 1


def test_editing_into_another_contacts_email_is_refused(editor_client, contact):
    other = Contact.objects.create(email="alan@example.com")

    response = editor_client.post(url("edit", other.pk), form_data(email="Ada@example.com"))

    assert response.status_code == 200
    assert "Ada Lovelace <ada@example.com>" in response.context["form"].errors["email"][0]
    other.refresh_from_db()
    assert other.email == "alan@example.com"


def test_duplicate_custom_id_is_refused_beside_the_field(editor_client, contact):
    response = editor_client.post(url("add"), form_data(external_id="ADA-1"))

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "external_id": ["Contact with this Custom ID already exists."]
    }


def test_two_contacts_without_custom_id_are_allowed(editor_client, contact):
    Contact.objects.create(email="alan@example.com")

    response = editor_client.post(url("add"), form_data(external_id="  "))

    assert response.status_code == 302
    assert Contact.objects.filter(external_id__isnull=True).count() == 2


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([("Plan Type", "pro")], "“Plan Type” is not a valid attribute key"),
        ([("email", "x@example.com")], "“email” is the name of a built-in contact field"),
        ([("plan", "pro"), ("plan", "team")], "The key “plan” is used more than once."),
        ([("", "orphan")], "The value “orphan” has no key"),
    ],
)
def test_bad_attribute_rows_are_refused_and_shown_again(editor_client, rows, message):
    response = editor_client.post(url("add"), form_data(attributes=rows))

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["attributes"]
    assert message in " ".join(errors["attributes"])
    html = response.content.decode()
    for key, value in rows:
        assert f'name="attributes-key" value="{key}"' in html
        assert f'name="attributes-value" value="{value}"' in html
    assert not Contact.objects.exists()


def test_every_bad_row_is_reported_at_once(editor_client):
    rows = [("Bad Key", "1"), ("id", "2"), ("fine", "3")]

    response = editor_client.post(url("add"), form_data(attributes=rows))

    assert len(response.context["form"].errors["attributes"]) == 2


def test_delete_contact(editor_client, contact):
    response = editor_client.post(url("delete", contact.pk))

    assert response.status_code == 302
    assert not Contact.objects.exists()


def test_inspect_shows_attributes_and_segments(editor_client, segment, contact):
    Segment.objects.create(name="Other segment")

    response = editor_client.get(url("inspect", contact.pk))

    html = response.content.decode()
    assert response.status_code == 200
    assert "<code>plan</code>" in html
    assert "pro" in html
    assert "Pioneers" in html
    assert "Other segment" not in html


def test_csv_export_lists_contacts_with_readable_headings(editor_client, contact):
    Contact.objects.create(email="alan@example.com", first_name="=HYPERLINK(1)")

    response = editor_client.get(url("list"), {"export": "csv"})

    assert response["Content-Disposition"] == 'attachment; filename="contacts.csv"'
    body = b"".join(response.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    assert list(rows[0])[:6] == [
        "Contact ID",
        "Email",
        "Custom ID",
        "First Name",
        "Last Name",
        "Attributes",
    ]
    by_email = {row["Email"]: row for row in rows}
    assert by_email["ada@example.com"]["Custom ID"] == "ADA-1"
    assert by_email["ada@example.com"]["Attributes"] == '{"plan": "pro"}'
    assert by_email["alan@example.com"]["First Name"] == "'=HYPERLINK(1)"
    created = contact.created_at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert by_email["ada@example.com"]["Created At"] == created


def test_xlsx_export_lists_contacts(editor_client, contact):
    response = editor_client.get(url("list"), {"export": "xlsx"})

    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header, *rows = sheet.iter_rows(values_only=True)
    assert header[:3] == ("Contact ID", "Email", "Custom ID")
    assert rows[0][:5] == (contact.pk, "ada@example.com", "ADA-1", "Ada", "Lovelace")
    assert rows[0][5] == '{"plan": "pro"}'


def test_chooser_searches_contacts(editor_client, contact):
    Contact.objects.create(email="alan@example.com")
    chooser = reverse("wagtailsnippetchoosers_wagtail_personal_links_contact:choose_results")

    response = editor_client.get(chooser, {"q": "lovelace", "multiple": "1"})

    assert [c.pk for c in response.context["results"]] == [contact.pk]


def test_chooser_limited_to_a_segment_lists_only_its_members(editor_client, segment, contact):
    Contact.objects.create(email="alan@example.com")
    chooser = reverse("wagtailsnippetchoosers_wagtail_personal_links_contact:choose_results")

    response = editor_client.get(chooser, {"segment": segment.pk, "multiple": "1"})

    assert [c.pk for c in response.context["results"]] == [contact.pk]
    assert f"segment={segment.pk}" in response.context["results_url"]
