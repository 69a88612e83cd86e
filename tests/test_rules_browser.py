"""An editor builds a dynamic segment in the rule builder, in Debian's chromium, and invites it.

Set ``SCREENSHOTS_DIR`` (for example to ``docs/screenshots``) to keep the
screenshots; otherwise they go to the test's temporary directory.
"""

import json

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from playwright.sync_api import expect

from tests import test_links_browser
from wagtail_personal_links.models import Contact, ContactAttributeKey, LinkBatch, Segment

# The same chromium and screenshot fixtures as the links browser tests.
browser = test_links_browser.browser
screenshots = test_links_browser.screenshots
log_in = test_links_browser.log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def choose_field(filter_row, label):
    filter_row.get_by_label("Field").select_option(label=label)


def test_editor_builds_rules_sees_the_count_saves_and_generates_links(
    live_server,
    browser,
    screenshots,
    survey_page,
    links_url,
):
    get_user_model().objects.create_superuser("editor", "editor@example.com", "correct horse")
    # The demo site registers its keys already; give them labels.
    for key in ("plan", "country"):
        ContactAttributeKey.objects.update_or_create(
            key=key, defaults={"label": key.capitalize(), "data_type": "text"}
        )
    for index, (plan, country) in enumerate([("pro", "DE"), ("Pro", "AT"), ("pro", "FR"),
                                             ("basic", "DE")]):  # fmt: skip
        Contact.objects.create(
            email=f"buyer{index}@example.com", attributes={"plan": plan, "country": country}
        )
    page = log_in(browser, live_server.url)
    page.goto(live_server.url + reverse("wagtailsnippets_wagtail_personal_links_segment:add"))
    page.get_by_role("textbox", name="Name").fill("DACH pros")
    page.get_by_role("radio", name="Dynamic").check()
    builder = page.locator("[data-controller='wpl-rules']")

    # plan = pro: the new filter's field takes the focus, so the keyboard can carry on.
    builder.get_by_role("button", name="Add filter").click()
    first = builder.locator(".wpl-rules__filter").nth(0)
    expect(first.get_by_label("Field")).to_be_focused()
    choose_field(first, "Plan (Text)")
    first.get_by_label("Value").fill("pro")

    # AND (country = DE OR country = AT)
    builder.get_by_role("button", name="Add group").click()
    group = builder.locator(".wpl-rules__group .wpl-rules__group")
    choose_field(group.locator(".wpl-rules__filter").nth(0), "Country (Text)")
    group.locator(".wpl-rules__filter").nth(0).get_by_label("Value").fill("de")
    group.get_by_role("button", name="Add filter").click()
    second = group.locator(".wpl-rules__filter").nth(1)
    group.locator(".wpl-rules__connector").select_option("or")
    choose_field(second, "Country (Text)")
    second.get_by_label("Value").press_sequentially("AT")

    tree = json.loads(builder.locator("input[name='rules']").input_value())
    matches = Segment(kind="dynamic", rules=tree).get_contacts()
    expected = matches.count()
    assert {"buyer0@example.com", "buyer1@example.com"} <= set(
        matches.values_list("email", flat=True)
    )
    expect(builder.locator(".wpl-rules__count")).to_have_text(f"{expected} contacts match")
    expect(builder.locator(".wpl-rules__matches li")).to_have_count(min(expected, 10))
    builder.scroll_into_view_if_needed()
    builder.screenshot(path=screenshots / "segment-rules.png")

    page.get_by_role("button", name="Save").first.click()
    expect(page.get_by_text("Segment 'DACH pros' created.")).to_be_visible()
    segment = Segment.objects.get(name="DACH pros")
    assert segment.kind == "dynamic"
    assert segment.rules == tree

    page.goto(live_server.url + links_url("index", survey_page))
    page.get_by_label("Segment", exact=True).select_option(
        label=f"DACH pros ({expected} contacts)"
    )
    with page.expect_download():
        page.get_by_role("button", name="Generate & download links").click()
    batch = LinkBatch.objects.get()
    assert set(batch.links.values_list("contact_id", flat=True)) == set(
        matches.values_list("pk", flat=True)
    )
