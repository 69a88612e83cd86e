"""An editor composes, previews and sends invitations in a real browser (Debian's chromium).

Set ``SCREENSHOTS_DIR`` (for example to ``docs/screenshots``) to keep the
screenshots; otherwise they go to the test's temporary directory.
"""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from playwright.sync_api import expect

from tests.test_links_browser import browser, log_in, screenshots  # noqa: F401 (fixtures)
from wagtail_personal_links import generation
from wagtail_personal_links.models import Mailing, Segment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_editor_previews_and_sends_invitations(
    live_server,
    browser,  # noqa: F811
    screenshots,  # noqa: F811
    survey_page,
    settings,
    links_url,
):
    settings.PERSONAL_LINKS_EMAIL_RATE = None
    get_user_model().objects.create_superuser("editor", "editor@example.com", "correct horse")
    segment = Segment.objects.get(name="Demo customers")
    generation.create_batch(
        survey_page, segment.get_contacts(), target_label=segment.name, segment=segment
    )
    first = segment.get_contacts().order_by("pk").first()
    page = log_in(browser, live_server.url)

    page.goto(live_server.url + links_url("index", survey_page))
    page.get_by_role("button", name="More actions for “Demo customers”").click()
    page.get_by_role("link", name="Send invitations").click()
    expect(page.get_by_role("heading", name="Send invitations")).to_be_visible()
    page.get_by_label("Subject").fill("{first_name}, a minute for {survey_title}?")
    page.get_by_label("Preview for").fill(first.email)
    page.get_by_role("button", name="Preview").click()

    preview = page.locator("[data-personal-links-preview]")
    expect(preview).to_contain_text(f"Preview for {first}")
    subject = f"{first.first_name}, a minute for Customer survey?"
    expect(preview.locator("[data-personal-links-preview-subject]")).to_have_text(subject)
    frame = page.frame_locator("iframe[title='HTML version']")
    expect(frame.get_by_role("link", name="Unsubscribe")).to_be_visible()
    # The admin scrolls inside its own frame: a tall window shows form and preview at once.
    page.set_viewport_size({"width": 1400, "height": 2000})
    page.screenshot(path=screenshots / "email-compose.png")

    page.get_by_role("button", name="Send invitations").click()
    expect(page.get_by_text("5 emails are on their way.")).to_be_visible()
    expect(page.locator("[data-count='sent']")).to_have_text("5")
    page.screenshot(path=screenshots / "email-sent.png")

    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        segment.get_contacts().values_list("email", flat=True)
    )
    assert Mailing.objects.get().messages.filter(state="sent").count() == 5

    page.goto(live_server.url + links_url("index", survey_page))
    page.get_by_role("button", name="More actions for “Demo customers”").click()
    page.get_by_role("link", name="Remind non-responders").click()
    page.get_by_label("Send at").click()
    expect(page.locator(".xdsoft_datetimepicker").first).to_be_visible()
