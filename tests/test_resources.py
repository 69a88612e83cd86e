"""ContactResource: header matching, upsert, duplicate modes, bad rows, round trips."""

from __future__ import annotations

import pytest
import tablib
from django.test import override_settings
from import_export.formats.base_formats import CSV

from wagtail_personal_links.models import Contact
from wagtail_personal_links.resources import ContactResource, Duplicates

pytestmark = pytest.mark.django_db


def run_import(headers, rows, duplicates=Duplicates.UPDATE, dry_run=False):
    dataset = tablib.Dataset(*rows, headers=headers)
    resource = ContactResource(duplicates=duplicates, preview_limit=10)
    return resource.import_data(dataset, dry_run=dry_run), resource


def problems(result) -> list[str]:
    return [line for error in result.base_errors for line in error.error.messages]


def all_contacts() -> list[dict]:
    return list(Contact.objects.order_by("pk").values())


@pytest.mark.parametrize("header", ["email", "Email", "E-mail", "Email Address", "EMAIL_ADDRESS"])
def test_every_spelling_of_the_email_header_fills_the_email(header):
    result, _ = run_import([header], [["grace@example.com"]])

    assert not result.has_errors()
    assert Contact.objects.get().email == "grace@example.com"


@pytest.mark.parametrize(
    "header",
    ["Custom ID", "custom_id", "userId", "User ID", "ExternalDataReference", "External ID"],
)
def test_every_spelling_of_the_custom_id_header_fills_the_custom_id(header):
    run_import(["Email", header], [["grace@example.com", "G-1"]])

    contact = Contact.objects.get()
    assert (contact.external_id, contact.attributes) == ("G-1", {})


@pytest.mark.parametrize(
    ("first", "last"),
    [("FirstName", "LastName"), ("First Name", "Last Name"), ("first_name", "last-name")],
)
def test_every_spelling_of_the_name_headers_fills_the_names(first, last):
    run_import(["Email", first, last], [["grace@example.com", "Grace", "Hopper"]])

    contact = Contact.objects.get()
    assert (contact.first_name, contact.last_name) == ("Grace", "Hopper")


def test_other_columns_become_normalised_attribute_keys_and_empty_cells_stay_unset():
    run_import(
        ["Email", "Plan Tier", "Company-Name", "Größe"],
        [["grace@example.com", "gold", "", "M"]],
    )

    assert Contact.objects.get().attributes == {"plan_tier": "gold", "grosse": "M"}


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        (["Name"], "The file has no email column. Name one column “Email”."),
        (
            ["Email", "ID"],
            "Column “ID”: “id” is the name of a built-in contact field; choose another key.",
        ),
        (
            ["Email", "2nd phone"],
            "Column “2nd phone”: “2nd_phone” is not a valid attribute key: use lowercase "
            "letters, digits and underscores, starting with a letter, at most 50 characters.",
        ),
        (
            ["Email", "E-mail"],
            "The columns “Email” and “E-mail” both fill “email”; keep one.",
        ),
        (
            ["Email", "Plan", "plan"],
            "The columns “Plan” and “plan” both fill “plan”; keep one.",
        ),
    ],
)
def test_unusable_headers_refuse_the_whole_file(contact, headers, message):
    before = all_contacts()

    result, _ = run_import(headers, [["bob@example.com", *[""] * (len(headers) - 1)]])

    assert problems(result) == [message]
    assert result.totals["new"] == 0
    assert all_contacts() == before


def test_a_header_row_without_contacts_is_refused():
    result, _ = run_import(["Email"], [])

    assert problems(result) == ["The file has a header row but no contacts."]


@override_settings(PERSONAL_LINKS_IMPORT_MAX_ROWS=2)
def test_too_many_rows_are_refused_before_any_is_read():
    result, _ = run_import(["Email"], [["a@example.com"], ["b@example.com"], ["c@example.com"]])

    assert problems(result) == [
        "The file has 3 rows; at most 2 can be imported at once. Split it into smaller files."
    ]
    assert not Contact.objects.exists()


def test_a_row_matches_by_custom_id_first_and_may_change_the_email(contact):
    result, _ = run_import(["Email", "Custom ID"], [["ada.l@example.com", "ADA-1"]])

    assert result.totals["update"] == 1
    assert Contact.objects.get().email == "ada.l@example.com"


def test_a_row_without_custom_id_matches_by_email_ignoring_case(contact):
    result, _ = run_import(["Email", "First name"], [["ADA@Example.com", "Augusta"]])

    assert result.totals["update"] == 1
    contact.refresh_from_db()
    assert (contact.email, contact.first_name) == ("ada@example.com", "Augusta")


def test_a_custom_id_is_given_to_the_contact_with_the_email_when_it_has_none():
    Contact.objects.create(email="grace@example.com")

    run_import(["Email", "Custom ID"], [["grace@example.com", "G-1"]])

    assert Contact.objects.get().external_id == "G-1"


@pytest.mark.parametrize(
    ("duplicates", "expected", "totals"),
    [
        (
            Duplicates.SKIP,
            {"first_name": "Ada", "attributes": {"plan": "pro"}},
            {"new": 1, "update": 0, "skip": 1},
        ),
        (
            Duplicates.UPDATE,
            {"first_name": "Augusta", "attributes": {"plan": "pro", "city": "London"}},
            {"new": 1, "update": 1, "skip": 0},
        ),
        (
            Duplicates.OVERWRITE,
            {"first_name": "Augusta", "attributes": {"city": "London"}},
            {"new": 1, "update": 1, "skip": 0},
        ),
    ],
)
def test_duplicate_modes(contact, duplicates, expected, totals):
    result, _ = run_import(
        ["Email", "First name", "Last name", "City"],
        [
            ["ada@example.com", "Augusta", "", "London"],
            ["grace@example.com", "Grace", "Hopper", ""],
        ],
        duplicates=duplicates,
    )

    contact.refresh_from_db()
    assert {"first_name": contact.first_name, "attributes": contact.attributes} == expected
    assert contact.last_name == "Lovelace"  # an empty cell changes nothing, in every mode
    assert {key: result.totals[key] for key in totals} == totals
    assert Contact.objects.get(email="grace@example.com").attributes == {}


def test_export_then_import_changes_nothing(contact):
    Contact.objects.create(email="grace@example.com", attributes={"visits": 3, "vip": True})
    Contact.objects.create(email="eve@example.com", first_name="=1+1", attributes={"x": "-2"})
    before = all_contacts()
    exported = CSV().export_data(ContactResource().export())

    dataset = CSV().create_dataset(exported)
    result = ContactResource().import_data(dataset)

    assert (result.totals["update"], result.totals["new"], result.totals["skip"]) == (0, 0, 3)
    assert all_contacts() == before


def test_formula_cells_are_stored_as_text_and_escaped_on_export():
    run_import(["Email", "First name", "Note"], [["eve@example.com", "=HYPERLINK(1)", "@SUM"]])

    contact = Contact.objects.get()
    assert (contact.first_name, contact.attributes) == ("=HYPERLINK(1)", {"note": "@SUM"})
    exported = CSV().export_data(ContactResource().export())
    assert exported.splitlines()[1] == "eve@example.com,,'=HYPERLINK(1),,'@SUM"


def test_blank_rows_are_skipped():
    result, _ = run_import(["Email", "Plan"], [["", ""], ["grace@example.com", "pro"]])

    assert (result.totals["skip"], result.totals["new"], result.totals["invalid"]) == (1, 1, 0)


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([["bob@", "B-1"]], ["row 3, Email: 'bob@' is not a valid email address"]),
        ([["", "B-1"]], ["row 3, Email: an email address is required"]),
        (
            [["bob@example.com", ""], ["BOB@example.com", ""]],
            ["row 4, Email: 'BOB@example.com' is already in row 3"],
        ),
        (
            [["bob@example.com", "B-1"], ["bobby@example.com", "B-1"]],
            ["row 4, User ID: 'B-1' is already in row 3"],
        ),
        (
            [["ada@example.com", "G-1"]],
            [
                "row 3, Email: 'ada@example.com' is the email of another contact than "
                "Custom ID 'G-1'"
            ],
        ),
        (
            [["ada@example.com", "ADA-2"]],
            [
                "row 3, User ID: 'ADA-2' does not match 'ada@example.com', whose Custom ID "
                "is 'ADA-1'"
            ],
        ),
        (
            [["bob@example.com", "x" * 300]],
            ["row 3, User ID: 'xxxxxxxxxxxxxxxxxxxx…' is longer than 255 characters"],
        ),
    ],
)
def test_invalid_rows_are_described_and_the_import_changes_nothing(contact, rows, expected):
    Contact.objects.create(email="grace@example.com", external_id="G-1")
    before = all_contacts()

    result, _ = run_import(["Email", "User ID"], [["new@example.com", ""], *rows])

    assert problems(result) == expected
    assert result.totals["invalid"] == 1
    assert all_contacts() == before


def test_the_preview_lists_the_changes_of_the_first_rows(contact):
    _result, resource = run_import(
        ["E-mail", "First Name", "Plan"],
        [["ada@example.com", "Augusta", "pro"], ["grace@example.com", "Grace", ""]],
        dry_run=True,
    )

    assert [(row.row, row.is_new, row.changes) for row in resource.preview] == [
        (2, False, [("First Name", "Ada", "Augusta")]),
        (3, True, [("E-mail", "", "grace@example.com"), ("First Name", "", "Grace")]),
    ]
    assert Contact.objects.count() == 1
