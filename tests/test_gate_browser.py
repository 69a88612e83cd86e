"""The respondent's pages pass axe-core's checks and fit a 320-pixel-wide phone, in chromium.

axe-core comes with the ``axe-playwright-python`` test dependency. Set
``SCREENSHOTS_DIR`` to keep the screenshots (see test_links_browser.py).
"""

import datetime

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests import test_links_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The chromium and screenshot fixtures of the admin's browser tests.
browser = test_links_browser.browser
screenshots = test_links_browser.screenshots

UTC = datetime.UTC
PHONE = {"width": 320, "height": 640}
BLOCKING = ("serious", "critical")


def assert_accessible_at_320_px(page, what: str) -> None:
    """No serious or critical axe violation, and nothing wider than the screen."""
    results = Axe().run(page)
    blocking = [
        f"{violation['id']}: {violation['help']}"
        for violation in results.response["violations"]
        if violation["impact"] in BLOCKING
    ]
    assert blocking == [], what
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], what


@pytest.mark.parametrize(
    ("locale", "heading"),
    [
        ("en-US", "This survey can only be taken by invitation."),
        ("de-DE", "An dieser Umfrage kann nur auf Einladung teilgenommen werden."),
    ],
)
def test_gate_pages_pass_axe_on_a_small_phone(
    live_server, browser, screenshots, make_link, link_url, survey_page, contact, locale, heading
):
    expired = make_link(survey_page, contact, expires_at=datetime.datetime(2020, 1, 2, tzinfo=UTC))
    usable = make_link(survey_page, contact)
    page = browser.new_context(viewport=PHONE, locale=locale).new_page()

    page.goto(f"{live_server.url}/customer-survey/")
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert_accessible_at_320_px(page, "invitation only")
    if locale == "en-US":
        page.screenshot(path=screenshots / "respondent-gate-320.png", full_page=True)
    page.goto(f"{live_server.url}/pl/not-a-link")
    assert_accessible_at_320_px(page, "invalid")
    page.goto(live_server.url + link_url(expired))
    assert_accessible_at_320_px(page, "expired")
    page.goto(live_server.url + link_url(usable))
    assert_accessible_at_320_px(page, "survey form")
    page.get_by_role("radio", name="9", exact=True).check()
    page.get_by_role("radio", name="Satisfied", exact=True).check()
    page.locator("form button[type=submit]").click()
    expect(page.locator("form")).to_have_count(0)
    assert_accessible_at_320_px(page, "thank-you page")
    page.goto(f"{live_server.url}/customer-survey/")
    expect(page.locator(".personal-links-gate--answered")).to_be_visible()
    assert_accessible_at_320_px(page, "already answered")
