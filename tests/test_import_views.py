"""The admin import: upload, dry-run preview, confirm, summary; formats, bad input, permissions."""

from __future__ import annotations

import io
import os
import re
import tempfile
import time

import openpyxl
import pytest
from bs4 import BeautifulSoup
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.test import override_settings
from django.urls import reverse
from wagtail.models import ModelLogEntry

from tests.conftest import make_editor
from wagtail_personal_links.admin_urls import import_url
from wagtail_personal_links.audit import IMPORT_CONTACTS
from wagtail_personal_links.forms.imports import ImportStateForm
from wagtail_personal_links.imports.storage import UploadStorage
from wagtail_personal_links.models import Contact, Segment

pytestmark = pytest.mark.django_db

UPLOAD_URL = import_url("upload")
CONFIRM_URL = import_url("confirm")
CANCEL_URL = import_url("cancel")
INVALID_ROWS_URL = import_url("invalid_rows")
CONTACTS_URL = reverse("wagtailsnippets_wagtail_personal_links_contact:list")
CSV_FILE = b"Email,First name,Plan\nada@example.com,Augusta,gold\ngrace@example.com,Grace,\n"


@pytest.fixture(autouse=True)
def upload_folder(tmp_path, monkeypatch):
    """Keep uploads in a folder of the test's own, to see them come and go."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


def upload(client, content=CSV_FILE, name="contacts.csv", **data):
    fields = {"encoding": "utf-8", "duplicates": "update", **data}
    return client.post(UPLOAD_URL, {"import_file": SimpleUploadedFile(name, content), **fields})


def state_of(response) -> dict:
    return {"state": response.context["state_form"].initial["state"]}


def counts(response) -> dict:
    report = response.context["report"]
    return {"new": report.new, "updated": report.updated, "skipped": report.skipped,
            "invalid": report.invalid}  # fmt: skip


def file_errors(response) -> list[str]:
    return response.context["form"].errors["import_file"]


def all_contacts() -> list[dict]:
    return list(Contact.objects.order_by("pk").values())


def test_upload_preview_confirm_and_summary(admin_client, superuser, contact, upload_folder):
    preview = upload(admin_client)

    assert preview.status_code == 200
    assert counts(preview) == {"new": 1, "updated": 1, "skipped": 0, "invalid": 0}
    assert "<li>First name: <del>Ada</del> → <ins>Augusta</ins></li>" in preview.text
    assert 'formaction="/admin/personal-links/import-contacts/confirm/" >' in preview.text
    assert Contact.objects.count() == 1  # a preview saves nothing
    assert len(os.listdir(upload_folder)) == 1

    confirmed = admin_client.post(CONFIRM_URL, state_of(preview))

    entry = ModelLogEntry.objects.get(action=IMPORT_CONTACTS)
    assert confirmed.status_code == 302
    assert confirmed.url == import_url("summary", entry.pk)
    contact.refresh_from_db()
    assert (contact.first_name, contact.attributes) == ("Augusta", {"plan": "gold"})
    assert Contact.objects.get(email="grace@example.com").first_name == "Grace"
    assert entry.message == "Imported contacts from “contacts.csv”: 1 new, 1 updated, 0 skipped"
    assert os.listdir(upload_folder) == []
    summary = admin_client.get(confirmed.url)
    assert summary.context["summary"]["new"] == 1
    assert '<td data-count="updated">1</td>' in summary.text
    # The sentence ends with the user, not with a time whose own period doubles its full stop.
    assert re.search(r"“contacts.csv”, imported on .+ by \S.*\.\s*</p>", summary.text)
    # Without a segment, the import is logged against the editor who ran it.
    assert (entry.content_type.model, entry.user) == ("user", superuser)
    history = admin_client.get(reverse("wagtailadmin_reports:site_history"))
    assert "Imported contacts from “contacts.csv”: 1 new, 1 updated, 0 skipped" in history.text


def test_import_into_a_new_segment_adds_every_row_even_the_skipped(admin_client, contact):
    preview = upload(admin_client, duplicates="skip", new_segment="Spring fair")
    assert "Every row is added to the segment “Spring fair”." in preview.text

    summary = admin_client.post(CONFIRM_URL, state_of(preview), follow=True)

    segment = Segment.objects.get(name="Spring fair")
    assert set(segment.get_contacts().values_list("email", flat=True)) == {
        "ada@example.com",
        "grace@example.com",
    }
    assert contact.first_name == Contact.objects.get(pk=contact.pk).first_name  # skipped
    segment_url = reverse("wagtailsnippets_wagtail_personal_links_segment:edit", args=[segment.pk])
    assert f'<a href="{segment_url}">Spring fair</a>' in summary.text
    entry = ModelLogEntry.objects.get(action=IMPORT_CONTACTS)
    assert (entry.content_type.model, entry.object_id) == ("segment", str(segment.pk))


def test_import_into_an_existing_segment(admin_client, segment):
    preview = upload(admin_client, segment=segment.pk)

    admin_client.post(CONFIRM_URL, state_of(preview))

    assert segment.get_contacts().count() == 2


def test_a_new_segment_name_that_exists_is_refused_beside_the_field(admin_client, segment):
    response = upload(admin_client, new_segment="pioneers")

    assert response.context["form"].errors["new_segment"] == [
        "A segment named “pioneers” already exists; choose it above instead."
    ]


def workbook(rows) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "data"),
    [
        ("contacts.xlsx", workbook([["Email", "Visits"], ["grace@example.com", 3]]), {}),
        ("export.bin", workbook([["Email", "Visits"], ["grace@example.com", 3]]), {}),
        ("contacts.tsv", b"Email\tVisits\ngrace@example.com\t3\n", {}),
        ("contacts.csv", b"\xef\xbb\xbfEmail,Visits\r\ngrace@example.com,3\r\n", {}),
        ("contacts.csv", b"Email;Visits\ngrace@example.com;3\n", {}),
        ("contacts.csv", b"Email\tVisits\ngrace@example.com\t3\n", {}),
        ("contacts.txt", "Email\tVisits\ngrace@example.com\t3\n".encode("utf-16"),
         {"encoding": "utf-16"}),
        ("contacts.dat", b"Email;Visits\ngrace@example.com;3\n", {"file_format": "csv"}),
    ],
)  # fmt: skip
def test_formats_are_detected_or_chosen(admin_client, name, content, data):
    preview = upload(admin_client, content, name, **data)
    admin_client.post(CONFIRM_URL, state_of(preview))

    contact = Contact.objects.get()
    assert (contact.email, str(contact.attributes["visits"])) == ("grace@example.com", "3")


def test_windows_1252_text_is_read_in_the_chosen_encoding(admin_client):
    content = "Email,City\nzoe@example.com,Zürich\n".encode("cp1252")

    preview = upload(admin_client, content, encoding="cp1252")
    admin_client.post(CONFIRM_URL, state_of(preview))

    assert Contact.objects.get().attributes == {"city": "Zürich"}


@pytest.mark.parametrize(
    ("name", "content", "data", "message"),
    [
        ("report.pdf", b"%PDF-1.4 ...", {},
         "“report.pdf” is not a CSV, TSV or Excel (.xlsx) file. If it is one, choose its format."),
        ("photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", {},
         "“photo.csv” is not a text file: it holds binary data. Upload a CSV, TSV or Excel "
         "(.xlsx) file."),
        ("contacts.csv", CSV_FILE, {"file_format": "xlsx"},
         "“contacts.csv” could not be read as an Excel (.xlsx) workbook."),
        ("contacts.csv", "Email,City\nzoe@example.com,Zürich\n".encode("cp1252"), {},
         "The file is not in the UTF-8 encoding: byte 0xFC on line 2 cannot be read. Choose "
         "the encoding it was saved in, such as Windows-1252."),
        ("contacts.csv", b"Name,Plan\nAda,pro\n", {},
         "The file has no email column. Name one column \u201cEmail\u201d."),
        ("contacts.csv", b"Email,ID\nada@example.com,7\n", {},
         "Column “ID”: “id” is the name of a built-in contact field; choose another key."),
        ("contacts.csv", b"Email\n", {}, "The file has a header row but no contacts."),
        ("contacts.csv", b"Email\na@example.com,extra\n", {},
         "A row of the file has more cells than its header row has columns."),
    ],
)  # fmt: skip
def test_unreadable_files_are_refused_beside_the_file_field(
    admin_client, contact, name, content, data, message
):
    before = all_contacts()

    response = upload(admin_client, content, name, **data)

    assert file_errors(response) == [message]
    assert all_contacts() == before


@override_settings(PERSONAL_LINKS_IMPORT_MAX_ROWS=1)
def test_too_many_rows_are_refused(admin_client):
    response = upload(admin_client)

    assert file_errors(response) == [
        "The file has 2 rows; at most 1 can be imported at once. Split it into smaller files."
    ]
    assert not Contact.objects.exists()


@override_settings(PERSONAL_LINKS_IMPORT_MAX_BYTES=50)
def test_too_many_bytes_are_refused(admin_client):
    response = upload(admin_client)

    assert file_errors(response) == [
        f"The file is {filesizeformat(len(CSV_FILE))}; files of up to {filesizeformat(50)} "
        "can be imported."
    ]
    assert not Contact.objects.exists()


INVALID_FILE = (
    b"Email,Custom ID\n"
    b"new@example.com,\n"
    b"bob@,\n"
    b"new@EXAMPLE.com,\n"
    b"ada@example.com,G-1\n"
    b"=cmd@example.com,\n"
)


def test_invalid_rows_are_listed_and_confirm_stays_disabled(admin_client, contact):
    Contact.objects.create(email="grace@example.com", external_id="G-1")

    preview = upload(admin_client, INVALID_FILE)

    assert counts(preview)["invalid"] == 3
    assert preview.context["invalid_rows"] == [
        "row 3, Email: 'bob@' is not a valid email address",
        "row 4, Email: 'new@EXAMPLE.com' is already in row 2",
        "row 5, Email: 'ada@example.com' is the email of another contact than Custom ID 'G-1'",
    ]
    assert 'formaction="/admin/personal-links/import-contacts/confirm/" disabled>' in (
        preview.text
    )


def test_the_invalid_rows_button_sizes_its_icon_like_the_admin_buttons(admin_client):
    preview = upload(admin_client, b"Email\nbob@\n")

    # Without the button--icon classes and the wrapper the SVG falls back to 300x150.
    button = BeautifulSoup(preview.content, "html.parser").find(
        "button", formaction=INVALID_ROWS_URL
    )
    assert {"bicolor", "button--icon"} <= set(button["class"])
    assert button.select_one(".icon-wrapper > svg.icon-download")
    assert button.get_text(strip=True) == "Download the invalid rows"


def test_a_confirm_posted_despite_errors_changes_nothing(admin_client, contact):
    before = all_contacts()
    preview = upload(admin_client, INVALID_FILE)

    response = admin_client.post(CONFIRM_URL, state_of(preview))

    assert response.status_code == 200
    assert response.context["report"].invalid == 3
    assert all_contacts() == before
    assert not ModelLogEntry.objects.filter(action=IMPORT_CONTACTS).exists()


def test_a_conflict_that_arises_after_the_preview_rolls_the_whole_import_back(
    admin_client, contact
):
    content = (
        b"Email,Custom ID,First name\nada@example.com,,Augusta\ngrace@example.com,G-2,Grace\n"
    )
    preview = upload(admin_client, content, new_segment="Spring fair")
    Contact.objects.create(email="grace@example.com", external_id="G-1")
    before = all_contacts()

    response = admin_client.post(CONFIRM_URL, state_of(preview))

    assert response.context["invalid_rows"] == [
        "row 3, Custom ID: 'G-2' does not match 'grace@example.com', whose Custom ID is 'G-1'"
    ]
    assert all_contacts() == before
    assert not Segment.objects.filter(name="Spring fair").exists()


def test_formula_cells_are_stored_as_text(admin_client):
    preview = upload(admin_client, b'Email,Note\nzoe@example.com,=HYPERLINK("x")\n')
    admin_client.post(CONFIRM_URL, state_of(preview))

    assert Contact.objects.get().attributes == {"note": '=HYPERLINK("x")'}


def test_invalid_rows_download_as_csv_with_their_errors(admin_client, contact):
    preview = upload(admin_client, INVALID_FILE)

    response = admin_client.post(INVALID_ROWS_URL, state_of(preview))

    assert response["Content-Disposition"] == 'attachment; filename="contacts-invalid-rows.csv"'
    assert response.content.decode().splitlines() == [
        "Email,Custom ID,Errors",
        "bob@,,\"row 3, Email: 'bob@' is not a valid email address\"",
        "new@EXAMPLE.com,,\"row 4, Email: 'new@EXAMPLE.com' is already in row 2\"",
        "ada@example.com,G-1,\"row 5, Custom ID: 'G-1' does not match 'ada@example.com', whose "
        "Custom ID is 'ADA-1'\"",
    ]


def test_cancel_removes_the_upload_and_changes_nothing(admin_client, contact, upload_folder):
    before = all_contacts()
    preview = upload(admin_client, INVALID_FILE)

    response = admin_client.post(CANCEL_URL, state_of(preview))

    assert response.url == CONTACTS_URL
    assert os.listdir(upload_folder) == []
    assert all_contacts() == before
    assert admin_client.post(CONFIRM_URL, state_of(preview)).url == UPLOAD_URL


def test_uploads_older_than_a_day_are_removed_at_the_next_upload(admin_client, upload_folder):
    old = upload_folder / f"{UploadStorage.prefix}abandoned"
    old.write_bytes(CSV_FILE)
    os.utime(old, (time.time() - 25 * 3600,) * 2)

    upload(admin_client)

    assert not old.exists()
    assert len(os.listdir(upload_folder)) == 1


def test_confirm_cancel_and_download_take_post_only(admin_client):
    for url in (CONFIRM_URL, CANCEL_URL, INVALID_ROWS_URL):
        assert admin_client.get(url).status_code == 405


def test_a_tampered_or_foreign_state_is_refused(admin_client, django_user_model, contact):
    preview = upload(admin_client)
    state = signing.loads(state_of(preview)["state"], salt=ImportStateForm.salt)
    foreign = ImportStateForm.sign({**state, "user": state["user"] + 1})

    for value in (state_of(preview)["state"] + "x", foreign):
        response = admin_client.post(CONFIRM_URL, {"state": value}, follow=True)
        assert [str(m).strip() for m in response.context["messages"]] == [
            "This import could not be found. Upload the file again."
        ]
    assert Contact.objects.count() == 1


@pytest.mark.parametrize("codenames", [["add_contact"], ["change_contact"]])
def test_importing_takes_both_add_and_change_permissions(client, django_user_model, codenames):
    client.force_login(make_editor(django_user_model, "clerk", codenames))

    listing = client.get(CONTACTS_URL)

    assert listing.status_code == 200
    assert "Import contacts" not in listing.text
    assert client.get(UPLOAD_URL).status_code == 403
    assert upload(client).status_code == 403
    for url in (CONFIRM_URL, CANCEL_URL, INVALID_ROWS_URL):
        assert client.post(url).status_code == 403
    summary_url = import_url("summary", 1)
    assert client.get(summary_url).status_code == 403


def test_an_editor_with_add_and_change_permissions_imports(client, django_user_model):
    editor = make_editor(django_user_model, "clerk", ["add_contact", "change_contact"])
    client.force_login(editor)

    listing = client.get(CONTACTS_URL)
    form = client.get(UPLOAD_URL).context["form"]
    preview = upload(client)
    client.post(CONFIRM_URL, state_of(preview))

    assert "Import contacts" in listing.text
    assert ("segment" in form.fields, "new_segment" in form.fields) == (False, False)
    assert Contact.objects.count() == 2
