"""The contact import in a real browser: upload, preview, confirm."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.db import connections
from playwright.sync_api import Page, expect, sync_playwright

from wagtail_personal_links.models import Contact, Segment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CONTACTS_FILE = (
    b"Email,First Name,Last Name,Custom ID,Plan,City\n"
    b"ada@example.com,Augusta Ada,King,ADA-1,enterprise,London\n"
    b"grace@example.com,Grace,Hopper,G-1,pro,Arlington\n"
    b"alan@example.com,Alan,Turing,,,Wilmslow\n"
)


@pytest.fixture
def admin_page(live_server, superuser, monkeypatch, settings):
    """A chromium page logged in to the admin as the superuser."""
    settings.WAGTAIL_GRAVATAR_PROVIDER_URL = None  # the browser is offline
    # Playwright's sync API runs an event loop; the ORM calls in the test are still sync.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
            ],
        )
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{live_server.url}/admin/login/")
        page.fill("input[name=username]", "root")
        page.fill("input[name=password]", "password")
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/admin/")
        yield page
        # The test's own queries ran in the context Playwright set up, on a
        # connection of their own: close it, or the test database stays in use.
        connections.close_all()
        browser.close()


def open_upload_form(page: Page, live_server) -> None:
    page.goto(f"{live_server.url}/admin/snippets/wagtail_personal_links/contact/")
    page.get_by_role("link", name="Import contacts").click()
    expect(page.get_by_role("button", name="Preview import")).to_be_visible()


def test_upload_preview_and_confirm(admin_page, live_server, contact, tmp_path):
    open_upload_form(admin_page, live_server)
    admin_page.set_input_files(
        "input[name=import_file]",
        files=[{"name": "crm-export.csv", "mimeType": "text/csv", "buffer": CONTACTS_FILE}],
    )
    admin_page.fill("input[name=new_segment]", "Spring conference")
    admin_page.get_by_role("button", name="Preview import").click()

    expect(admin_page.locator("[data-count=new]")).to_have_text("2")
    expect(admin_page.locator("[data-count=updated]")).to_have_text("1")
    expect(admin_page.get_by_text("First Name: Ada → Augusta Ada")).to_be_visible()
    # Set SCREENSHOTS_DIR=docs/screenshots to refresh the README's picture.
    directory = Path(os.environ.get("SCREENSHOTS_DIR") or tmp_path)
    directory.mkdir(parents=True, exist_ok=True)
    admin_page.screenshot(path=str(directory / "import-preview.png"), full_page=True)

    admin_page.get_by_role("button", name="Confirm import").click()

    expect(admin_page.get_by_text("Imported 3 contacts.")).to_be_visible()
    expect(admin_page.get_by_role("link", name="Spring conference")).to_be_visible()
    assert Contact.objects.get(email="ada@example.com").first_name == "Augusta Ada"
    assert Segment.objects.get(name="Spring conference").get_contacts().count() == 3


def test_confirm_is_disabled_while_rows_are_invalid(admin_page, live_server):
    open_upload_form(admin_page, live_server)
    admin_page.set_input_files(
        "input[name=import_file]",
        files=[{"name": "contacts.csv", "mimeType": "text/csv", "buffer": b"Email\nbob@\n"}],
    )
    admin_page.get_by_role("button", name="Preview import").click()

    expect(
        admin_page.get_by_text("row 2, Email: 'bob@' is not a valid email address")
    ).to_be_visible()
    expect(admin_page.get_by_role("button", name="Confirm import")).to_be_disabled()
    download = admin_page.get_by_role("button", name="Download the invalid rows")
    expect(download).to_be_in_viewport()
    icon = download.locator("svg").bounding_box()
    assert icon["width"] <= 24 and icon["height"] <= 24, icon
    assert download.bounding_box()["width"] < 400
    admin_page.get_by_role("button", name="Cancel").click()
    expect(admin_page.get_by_text("Import cancelled. No contacts were changed.")).to_be_visible()
    assert not Contact.objects.exists()
