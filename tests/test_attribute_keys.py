"""Attribute keys: typed on first sight, managed as a snippet, enforced on edit and import."""

from __future__ import annotations

import contextlib
import io
import json

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.urls import reverse

from tests.conftest import make_editor
from wagtail_personal_links.models import Contact, ContactAttributeKey
from wagtail_personal_links.models.attribute_keys import infer_type, value_fits

pytestmark = pytest.mark.django_db

RESOURCE = "wagtail_personal_links.resources.ContactResource"
CONTACT_PERMISSIONS = [f"{action}_contact" for action in ("add", "change", "delete", "view")]


def contact_url(name: str, *args) -> str:
    return reverse(f"wagtailsnippets_wagtail_personal_links_contact:{name}", args=args)


def key_url(name: str, *args) -> str:
    return reverse(f"wagtailsnippets_wagtail_personal_links_contactattributekey:{name}", args=args)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("42", "number"), (7, "number"), ("-2.5", "number"), ("2026-06-01", "date"),
     ("2026-06-01T10:00:00", "date"), ("pro", "text"), (True, "text"), ("2026-02-30", "text")],
)  # fmt: skip
def test_a_new_key_takes_the_type_its_first_value_reads_as(value, expected):
    assert infer_type(value) == expected


def test_an_empty_value_fits_every_type():
    assert all(value_fits(empty, kind) for empty in ("", None) for kind in ("number", "date"))
    assert not value_fits(True, "number")


def contact_form(**attributes) -> dict:
    data = {"email": "ada@example.com", "external_id": "", "first_name": "", "last_name": ""}
    data["attributes-key"] = list(attributes)
    data["attributes-value"] = list(attributes.values())
    return data


@pytest.fixture
def editor_client(client, django_user_model):
    permissions = [
        *CONTACT_PERMISSIONS,
        *(f"{a}_contactattributekey" for a in ("add", "change", "view")),
    ]
    client.force_login(make_editor(django_user_model, "editor", permissions))
    return client


def test_contact_edit_creates_new_keys_with_inferred_types(editor_client):
    response = editor_client.post(contact_url("add"), contact_form(seats="12", plan="pro"))

    assert response.status_code == 302
    assert ContactAttributeKey.objects.types() == {"plan": "text", "seats": "number"}


def test_contact_edit_refuses_a_value_of_the_wrong_type_beside_the_field(editor_client):
    ContactAttributeKey.objects.create(key="renewal", data_type="date")

    response = editor_client.post(contact_url("add"), contact_form(renewal="next May"))

    assert response.status_code == 200
    assert response.context["form"].errors["attributes"] == [
        "“next May” is not a date (YYYY-MM-DD), which “renewal” takes."
    ]
    assert not Contact.objects.exists()


def test_contact_edit_keeps_an_old_wrong_typed_value_the_editor_did_not_touch(editor_client):
    ContactAttributeKey.objects.create(key="seats", data_type="number")
    contact = Contact.objects.create(email="ada@example.com", attributes={"seats": "many"})

    response = editor_client.post(
        contact_url("edit", contact.pk), contact_form(seats="many", plan="pro")
    )

    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.attributes == {"seats": "many", "plan": "pro"}


def test_editors_change_a_keys_label_and_type_in_the_snippet(editor_client):
    key = ContactAttributeKey.objects.create(key="seats")

    response = editor_client.post(
        key_url("edit", key.pk),
        {"key": "seats", "label": "Seats", "description": "Licensed seats", "data_type": "number"},
    )

    assert response.status_code == 302
    key.refresh_from_db()
    assert (key.label, key.data_type) == ("Seats", "number")
    listing = editor_client.get(key_url("list")).content.decode()
    assert "Seats" in listing


def menu_labels(response) -> dict[str, str]:
    """Map each sidebar menu URL to its label."""
    props = BeautifulSoup(response.content, "html.parser").find(id="wagtail-sidebar-props")
    labels = {}

    def walk(node):
        if isinstance(node, dict):
            if "url" in node and "label" in node:
                labels[node["url"]] = node["label"]
            node = list(node.values())
        if isinstance(node, list):
            for child in node:
                walk(child)

    walk(json.loads(props.string))
    return labels


def test_the_key_listing_shows_uniqueness_as_a_tick_or_cross(editor_client):
    ContactAttributeKey.objects.create(key="plan", label="Plan")
    ContactAttributeKey.objects.create(key="vat_id", label="VAT ID", is_unique=True)

    response = editor_client.get(key_url("list"))

    page = BeautifulSoup(response.content, "html.parser")
    rows = {
        row.select_one("td.title [id$=_title]").get_text(strip=True): row.select("td")[-1]
        for row in page.select("#listing-results tbody tr")
    }
    assert rows["plan"].select_one("svg.icon-cross") and rows["vat_id"].select_one(
        "svg.icon-check"
    )
    # As in Wagtail's own listings, “False” is left to screen readers only.
    assert rows["plan"].select_one(".w-sr-only").extract().get_text(strip=True) == "False"
    assert rows["plan"].get_text(strip=True) == ""
    assert page.select("#listing-results thead th")[-1].get_text(strip=True) == "Unique"


def test_the_key_menu_item_and_listing_title_use_the_same_words(editor_client):
    response = editor_client.get(key_url("list"))

    title = BeautifulSoup(response.content, "html.parser").h1.get_text(strip=True)
    assert menu_labels(response)[key_url("list")] == title == "Contact attribute keys"


def test_the_key_snippet_refuses_a_reserved_or_malformed_key(editor_client):
    response = editor_client.post(key_url("add"), {"key": "email", "data_type": "text"})

    assert response.context["form"].errors["key"] == [
        "This is the name of a built-in contact field."
    ]


def test_the_key_snippet_needs_its_permissions(client, django_user_model):
    client.force_login(make_editor(django_user_model, "reader", ["view_contact"]))

    response = client.get(key_url("list"))

    assert response.status_code == 302  # Wagtail sends those without permission away
    assert response.url == reverse("wagtailadmin_home")


def run_import(path) -> str:
    stderr = io.StringIO()
    with contextlib.suppress(SystemExit):
        call_command("import", RESOURCE, str(path), interactive=False, stderr=stderr)
    return stderr.getvalue()


def test_import_refuses_rows_whose_values_do_not_fit_and_imports_nothing(tmp_path):
    ContactAttributeKey.objects.create(key="seats", data_type="number")
    path = tmp_path / "contacts.csv"
    path.write_text(
        "Email,Seats,Renewal\n"
        "ada@example.com,12,2026-07-01\n"
        "bob@example.com,many,2026-07-01\n"
        "cy@example.com,3,soon\n"
    )

    lines = run_import(path).splitlines()

    assert lines == [
        "Import errors!",
        "row 3, Seats: “many” is not a number, which “seats” takes.",
        "row 4, Renewal: “soon” is not a date (YYYY-MM-DD), which “renewal” takes.",
    ]
    assert not Contact.objects.exists()
    assert not ContactAttributeKey.objects.filter(key="renewal").exists()


def test_import_types_new_keys_from_their_first_value(tmp_path):
    path = tmp_path / "contacts.csv"
    path.write_text(
        "Email,Seats,Renewal,Plan\nada@example.com,,2026-07-01,pro\nbob@example.com,4,,\n"
    )

    run_import(path)

    assert ContactAttributeKey.objects.types() == {
        "plan": "text",
        "renewal": "date",
        "seats": "number",
    }
