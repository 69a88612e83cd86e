"""Links minted through the API, seen by an editor in a real browser: the on-demand batch.

Set ``SCREENSHOTS_DIR`` (for example to ``docs/screenshots``) to keep the screenshot.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from tests.api.conftest import API
from tests.api.formbricks_client import FormbricksContactLinks
from tests.test_links_browser import log_in
from wagtail_personal_links.models import LinkBatch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_api_links_are_a_batch_in_the_page_history(
    live_server,
    browser,
    screenshots,
    survey_page,
    demo_segment,
    api_token,
    links_url,
):
    client = FormbricksContactLinks(api_token, base_url=live_server.url + API)
    list(client.segment_links(str(survey_page.pk), str(demo_segment.pk), expiration_days=30))
    get_user_model().objects.create_superuser("editor", "editor@example.com", "correct horse")
    page = log_in(browser, live_server.url)

    page.goto(live_server.url + links_url("index", survey_page))

    row = page.locator("#listing-results tbody tr").first
    expect(row).to_contain_text("Links requested through the API")
    expect(row).to_contain_text("Active")
    expect(row.get_by_role("link", name="Download links")).to_be_visible()
    assert LinkBatch.objects.get().total == 5
    row.scroll_into_view_if_needed()
    page.screenshot(path=screenshots / "api-batch-history.png", full_page=True)
