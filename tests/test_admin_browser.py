"""The contact and segment forms in a real browser: Debian's chromium through Playwright.

The database is only touched before the browser starts and after it closes:
Playwright's synchronous API runs an event loop, inside which Django refuses
database access.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect, sync_playwright

from wagtail_personal_links.models import Contact, Segment

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@contextmanager
def admin_page(base_url: str, username: str, password: str) -> Iterator[Page]:
    """Yield a browser page logged in to the Wagtail admin."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(base_url + reverse("wagtailadmin_login"))
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(base_url + reverse("wagtailadmin_home"))
        try:
            yield page
        finally:
            browser.close()


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_superuser("editor", "editor@example.com", "password")


def contact_url(name: str, contact: Contact) -> str:
    return reverse(f"wagtailsnippets_wagtail_personal_links_contact:{name}", args=[contact.pk])


def test_editor_adds_attribute_rows_and_sees_them_on_inspect(live_server, editor, contact):
    with admin_page(live_server.url, "editor", "password") as page:
        page.goto(live_server.url + contact_url("edit", contact))
        rows = page.locator("[data-wpl-attributes-row]")
        for key, value in [("tier", "gold"), ("country", "NL")]:
            page.get_by_role("button", name="Add attribute").click()
            rows.last.get_by_label("Key").fill(key)
            rows.last.get_by_label("Value").fill(value)
        expect(rows).to_have_count(3)
        page.get_by_role("button", name="Save", exact=True).click()
        expect(page.locator(".messages")).to_contain_text("updated")

        page.goto(live_server.url + contact_url("inspect", contact))
        attributes = page.locator("table.listing")
        for text in ("tier", "gold", "country", "NL"):
            expect(attributes).to_contain_text(text)

    contact.refresh_from_db()
    assert contact.attributes == {"plan": "pro", "tier": "gold", "country": "NL"}


def test_editor_removes_an_attribute_row(live_server, editor, contact):
    with admin_page(live_server.url, "editor", "password") as page:
        page.goto(live_server.url + contact_url("edit", contact))
        plan = page.locator("[data-wpl-attributes-row]").first
        plan.get_by_role("button", name="Remove this attribute").click()
        page.get_by_role("button", name="Save", exact=True).click()
        expect(page.locator(".messages")).to_contain_text("updated")

    contact.refresh_from_db()
    assert contact.attributes == {}


def test_editor_chooses_several_members_in_the_chooser_modal(live_server, editor, contact):
    Contact.objects.create(email="alan@example.com", first_name="Alan", last_name="Turing")
    add_url = reverse("wagtailsnippets_wagtail_personal_links_segment:add")

    with admin_page(live_server.url, "editor", "password") as page:
        page.goto(live_server.url + add_url)
        page.fill("#id_name", "Computing pioneers")
        page.get_by_role("button", name="Choose contacts to add").click()
        modal = page.locator(".modal-content")
        modal.locator("tbody input[type=checkbox]").nth(1).wait_for()
        for checkbox in modal.locator("tbody input[type=checkbox]").all():
            checkbox.check()
        modal.get_by_role("button", name="Confirm selection").click()
        expect(page.locator(".wpl-chosen-contacts li")).to_have_count(2)
        page.get_by_role("button", name="Save", exact=True).click()
        expect(page.locator(".messages")).to_contain_text("created")

    segment = Segment.objects.get(name="Computing pioneers")
    assert sorted(c.email for c in segment.get_contacts()) == [
        "ada@example.com",
        "alan@example.com",
    ]
