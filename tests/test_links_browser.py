"""An editor generates links in a real browser: Playwright driving Debian's chromium.

Set ``SCREENSHOTS_DIR`` (for example to ``docs/screenshots``) to keep the
screenshots; otherwise they go to the test's temporary directory.
"""

import csv
import datetime
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.db import connections
from django.utils import timezone
from playwright.sync_api import expect, sync_playwright

from wagtail_personal_links import generation
from wagtail_personal_links.models import LinkBatch, Segment

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture
def browser(monkeypatch):
    # Playwright's sync API runs an event loop in this thread; the test's own
    # ORM calls are still synchronous and safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
        # The test's queries ran in Playwright's context, on a connection of
        # their own; close it so that the test database can be dropped.
        connections.close_all()


@pytest.fixture
def screenshots(tmp_path):
    directory = Path(os.environ.get("SCREENSHOTS_DIR") or tmp_path)
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def log_in(browser, base_url, *, color_scheme="light"):
    context = browser.new_context(
        accept_downloads=True, viewport={"width": 1400, "height": 1150}, color_scheme=color_scheme
    )
    page = context.new_page()
    page.goto(f"{base_url}/admin/login/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("correct horse")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base_url}/admin/")
    return page


def test_editor_generates_links_and_sees_them_in_the_history(
    live_server, browser, screenshots, survey_page, links_url
):
    get_user_model().objects.create_superuser("editor", "editor@example.com", "correct horse")
    segment = Segment.objects.get(name="Demo customers")
    page = log_in(browser, live_server.url)

    page.goto(live_server.url + links_url("index", survey_page))
    expect(page.get_by_role("heading", name="Generate links")).to_be_visible()
    page.get_by_label("Segment", exact=True).select_option(label="Demo customers (5 contacts)")
    page.screenshot(path=screenshots / "generate-form.png", full_page=True)
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Generate & download links").click()
    download = download_info.value

    assert re.fullmatch(
        r"personal-links-customer-survey-\d{8}-\d{4}-\d+\.csv", download.suggested_filename
    )
    with open(download.path(), encoding="utf-8", newline="") as file:
        rows = list(csv.reader(file))
    assert rows[0][:6] == ["Contact ID", "Custom ID", "First Name", "Last Name", "Email",
                           "Personal Link"]  # fmt: skip
    assert sorted(row[4] for row in rows[1:]) == sorted(
        segment.get_contacts().values_list("email", flat=True)
    )
    assert all(f"/{'pl'}/" in row[5] for row in rows[1:])
    batch = LinkBatch.objects.get()
    history = page.locator("#listing-results")
    expect(history.get_by_role("link", name="Download links")).to_be_visible()
    expect(history.locator("tbody tr")).to_have_count(1)
    expect(history.locator("tbody tr").first).to_contain_text("Demo customers")
    expect(history.locator("tbody tr").first).to_contain_text("Active")
    assert batch.total == 5


def test_progress_bar_becomes_a_download_button(
    live_server, browser, screenshots, survey_page, links_url
):
    editor = get_user_model().objects.create_superuser(
        "editor", "editor@example.com", "correct horse", first_name="Eda", last_name="Tor"
    )
    segment = Segment.objects.get(name="Demo customers")
    contacts = list(segment.get_contacts().order_by("pk"))
    pilot = generation.create_batch(
        survey_page, contacts[:1], created_by=editor, target_label=str(contacts[0])
    )
    pilot.revoke()
    first = generation.create_batch(
        survey_page,
        contacts,
        created_by=editor,
        target_label=segment.name,
        segment=segment,
        expires_at=timezone.now() + datetime.timedelta(days=30),
    )
    first.links.filter(contact__in=contacts[:3]).update(opened_at=timezone.now())
    first.links.filter(contact__in=contacts[:2]).update(submitted_at=timezone.now())
    batch = generation.start_batch(
        survey_page,
        status=LinkBatch.Status.GENERATING,
        total=5,
        created_by=editor,
        target_label=segment.name,
        segment=segment,
    )
    generation.insert_links(batch, [contact.pk for contact in contacts[:2]])

    for scheme in ("dark", "light"):
        page = log_in(browser, live_server.url, color_scheme=scheme)
        page.goto(live_server.url + links_url("index", survey_page))
        history = page.locator("#listing-results")
        expect(history.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "40")
        page.locator("#personal-links-history-heading").scroll_into_view_if_needed()
        page.screenshot(path=screenshots / f"history-{scheme}.png", full_page=True)

    generation.fill_batch(batch, [contact.pk for contact in contacts[2:]])

    expect(history.get_by_role("progressbar")).to_have_count(0, timeout=10_000)
    expect(history.get_by_role("link", name="Download links")).to_have_count(3)
    rows = history.locator("tbody tr")
    expect(rows.nth(0)).to_contain_text("Active")
    expect(rows.nth(1)).to_contain_text("Active")
    expect(rows.nth(2)).to_contain_text("Revoked")


def test_target_choice_shows_the_fields_it_needs(live_server, browser, survey_page, links_url):
    get_user_model().objects.create_superuser("editor", "editor@example.com", "correct horse")
    page = log_in(browser, live_server.url)
    page.goto(live_server.url + links_url("index", survey_page))

    page.get_by_label("A single contact").check()

    expect(page.get_by_role("button", name="Choose contact")).to_be_visible()
    expect(page.get_by_label("Segment", exact=True)).to_be_hidden()
    page.get_by_label("A random sample of a segment").focus()
    page.keyboard.press("Space")
    expect(page.get_by_label("Segment", exact=True)).to_be_visible()
    expect(page.get_by_label("Sample size")).to_be_visible()


def test_respondent_answers_through_a_downloaded_link(
    live_server, browser, screenshots, survey_page, links_url
):
    get_user_model().objects.create_superuser("editor", "editor@example.com", "correct horse")
    page = log_in(browser, live_server.url)
    page.goto(live_server.url + links_url("index", survey_page))
    page.get_by_label("Segment", exact=True).select_option(label="Demo customers (5 contacts)")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Generate & download links").click()
    with open(download_info.value.path(), encoding="utf-8", newline="") as file:
        link = list(csv.reader(file))[1][5]
    respondent = browser.new_context(viewport={"width": 390, "height": 844}).new_page()

    # The CSV names the demo site's host; the same path works on the live server.
    respondent.goto(live_server.url + urlsplit(link).path)

    expect(respondent).to_have_url(re.compile(r"/customer-survey/$"))
    respondent.screenshot(path=screenshots / "respondent-survey.png", full_page=True)
    respondent.get_by_role("radio", name="9", exact=True).check()
    respondent.get_by_label("Satisfied", exact=True).check()
    respondent.get_by_role("button", name="Submit").click()
    expect(respondent.get_by_text("Thank you! Your answer has been recorded.")).to_be_visible()
    stranger = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    stranger.goto(live_server.url + "/customer-survey/")
    expect(stranger.get_by_text("This survey can only be taken by invitation.")).to_be_visible()
    stranger.screenshot(path=screenshots / "respondent-gate.png", full_page=True)
    page.reload()
    row = page.locator("#listing-results tbody tr").first
    headers = [
        text.strip() for text in page.locator("#listing-results thead th").all_inner_texts()
    ]
    expect(row.locator("td").nth(headers.index("Surveys started"))).to_have_text("1")
    expect(row.locator("td").nth(headers.index("Surveys finished"))).to_have_text("1")
