"""Contacts over the API: the bulk import, and the snippets API for contacts and segments."""

from __future__ import annotations

import io

from openpyxl import Workbook

from tests.api.conftest import API
from wagtail_personal_links.models import Contact, Segment

IMPORT = f"{API}/contacts/import/"


def test_rows_are_imported_all_or_nothing_like_the_admin_import(api, segment, contact):
    before = Contact.objects.count()
    rows = [
        {"email": "grace@example.com", "first_name": "Grace", "plan": "team"},
        {"email": "ADA@example.com", "last_name": "Byron"},
    ]
    preview = api.post(
        IMPORT,
        {"contacts": rows, "dryRun": True, "segmentId": segment.pk},
        content_type="application/json",
    )
    assert preview.status_code == 200
    assert preview.json() == {
        "dryRun": True, "new": 1, "updated": 1, "skipped": 0, "invalid": 0, "errors": []
    }  # fmt: skip
    assert Contact.objects.count() == before

    done = api.post(
        IMPORT, {"contacts": rows, "segmentId": segment.pk}, content_type="application/json"
    )

    assert done.json()["new"] == 1 and done.json()["dryRun"] is False
    grace = Contact.objects.get(email="grace@example.com")
    assert grace.attributes == {"plan": "team"}
    contact.refresh_from_db()
    assert contact.last_name == "Byron"
    assert set(segment.get_contacts()) == {contact, grace}


def test_a_bad_row_imports_nothing_and_is_named(api):
    before = Contact.objects.count()
    rows = [{"email": "ok@example.com"}, {"email": "not an email"}]

    preview = api.post(IMPORT, {"contacts": rows, "dryRun": True}, content_type="application/json")
    response = api.post(IMPORT, {"contacts": rows}, content_type="application/json")

    assert preview.status_code == 200 and preview.json()["invalid"] == 1
    assert response.status_code == 422
    problem = response.json()
    assert problem["detail"] == "Nothing was imported: the rows have errors."
    assert any(
        "not an email" in error["msg"] or "Row 2" in error["msg"] for error in problem["errors"]
    )
    assert Contact.objects.count() == before


def test_csv_and_xlsx_bodies_are_imported(api):
    csv = api.post(
        f"{IMPORT}file/?duplicates=skip",
        b"Email;First name\nlin@example.com;Lin\n",
        content_type="text/csv",
    )
    workbook = Workbook()
    workbook.active.append(["Email", "City"])
    workbook.active.append(["mo@example.com", "Oslo"])
    data = io.BytesIO()
    workbook.save(data)
    xlsx = api.post(
        f"{IMPORT}file/",
        data.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    unreadable = api.post(f"{IMPORT}file/", b"\x00\x01", content_type="text/csv")

    assert csv.status_code == xlsx.status_code == 200
    assert Contact.objects.get(email="lin@example.com").first_name == "Lin"
    assert Contact.objects.get(email="mo@example.com").attributes == {"city": "Oslo"}
    assert unreadable.status_code in (400, 422)
    assert unreadable["Content-Type"] == "application/problem+json"


def test_contacts_and_segments_through_wagtails_snippets_api(api, contact):
    contacts = "/api/v3/snippets/wagtail_personal_links.Contact/"

    listed = api.get(contacts + "?limit=20&email=ada@example.com")
    created = api.post(
        contacts,
        {"email": "Kim@EXAMPLE.com", "first_name": "Kim", "attributes": {"plan": "pro"}},
        content_type="application/json",
    )
    clash = api.post(contacts, {"email": "ada@EXAMPLE.com"}, content_type="application/json")

    assert listed.status_code == 200
    assert [item["email"] for item in listed.json()["items"]] == ["ada@example.com"]
    assert created.status_code == 201, created.content
    kim = Contact.objects.get(first_name="Kim")
    assert kim.email == "Kim@example.com" and kim.attributes == {"plan": "pro"}
    assert clash.status_code == 422
    assert not Contact.objects.filter(email__iexact="ada@EXAMPLE.com").exclude(pk=contact.pk)


def test_segments_snippets_api_needs_segment_permissions(api, outsider_api, segment):
    segments = "/api/v3/snippets/wagtail_personal_links.Segment/"

    assert api.get(segments).status_code == 200
    renamed = api.patch(
        f"{segments}{segment.pk}/", {"name": "Pioneers 2"}, content_type="application/json"
    )
    assert renamed.status_code == 200
    assert Segment.objects.get(pk=segment.pk).name == "Pioneers 2"
    assert outsider_api.get(segments).status_code == 403
