"""QR codes of a batch for paper invitations: a ZIP of SVGs and a printable sheet."""

import io
import zipfile

import pytest

from wagtail_personal_links import tokens
from wagtail_personal_links.generation import create_batch
from wagtail_personal_links.models import Contact


@pytest.fixture
def batch(survey_page, contact):
    bob = Contact.objects.create(email="bob@example.com", first_name="<b>Bob</b>")
    return create_batch(survey_page, [contact, bob], target_label="Pioneers")


def test_the_zip_holds_one_svg_per_link_named_after_its_contact(
    admin_client, links_url, batch, contact
):
    response = admin_client.get(links_url("qr_zip", batch.page, batch))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "-qr.zip" in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = sorted(archive.namelist())
    assert names[0] == f"{contact.pk}-ada-lovelace.svg"
    assert len(names) == 2
    svg = archive.read(names[0]).decode()
    assert svg.startswith("<svg") and "<title>Ada Lovelace</title>" in svg


def test_the_sheet_shows_each_name_and_a_short_link_beside_its_code(
    admin_client, links_url, batch
):
    response = admin_client.get(links_url("qr_sheet", batch.page, batch))

    html = b"".join(response.streaming_content).decode()
    assert response.status_code == 200
    assert html.count('<figure class="card"><svg') == 2
    assert "<strong>Ada Lovelace</strong>" in html
    assert "&lt;b&gt;Bob&lt;/b&gt;" in html and "<b>Bob</b>" not in html
    codes = [part.split("<", 1)[0] for part in html.split("/pl/")[1:]]
    assert len(codes) == 2
    assert all(len(code) == 20 and tokens.verify(code) for code in codes)


def test_qr_code_downloads_are_logged_on_the_page(admin_client, links_url, batch):
    from wagtail.models import PageLogEntry

    admin_client.get(links_url("qr_zip", batch.page, batch))

    entry = PageLogEntry.objects.get(action="wagtail_personal_links.download")
    assert entry.data["qr_codes"] == "zip"
    assert entry.data["count"] == 2


def test_the_history_offers_both_qr_downloads(admin_client, links_url, batch):
    response = admin_client.get(links_url("index", batch.page))

    assert links_url("qr_zip", batch.page, batch) in response.text
    assert links_url("qr_sheet", batch.page, batch) in response.text


def test_a_revoked_batch_offers_no_qr_codes(admin_client, links_url, batch):
    batch.revoke()

    response = admin_client.get(links_url("index", batch.page))

    assert links_url("download_non_responders", batch.page, batch) in response.text
    assert links_url("qr_zip", batch.page, batch) not in response.text
    assert links_url("qr_sheet", batch.page, batch) not in response.text
