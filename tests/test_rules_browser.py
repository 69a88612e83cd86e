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
from wagtail_personal_links.models import (
    Contact,
    ContactAttributeKey,
    LinkBatch,
    PersonalLinkFormSubmission,
    Segment,
)

# The same chromium and screenshot fixtures as the links browser tests.
browser = test_links_browser.browser
screenshots = test_links_browser.screenshots
log_in = test_links_browser.log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


PLAN_IS_PRO = {
    "negate": False,
    "items": [
        {"filter": {"kind": "attribute", "key": "plan", "operator": "equals", "value": "pro"}}
    ],
}


@pytest.fixture
def keys(db):
    ContactAttributeKey.objects.update_or_create(
        key="plan", defaults={"label": "Plan", "data_type": "text"}
    )


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
    buyers = [
        Contact.objects.create(
            email=f"buyer{index}@example.com", attributes={"plan": plan, "country": country}
        )
        for index, (plan, country) in enumerate([("pro", "DE"), ("Pro", "AT"), ("pro", "FR"),
                                                 ("basic", "DE"), ("pro", "DE")])
    ]  # fmt: skip
    PersonalLinkFormSubmission.objects.create(page=survey_page, contact=buyers[4], form_data={})
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
    # Screen readers hear positions as people count them, not the tree's internal paths.
    expect(builder.get_by_role("group", name="Group 2")).to_have_count(1)
    expect(group.get_by_role("button", name="Remove 2.2")).to_have_count(1)

    # AND has not answered the customer survey, picked in Wagtail's page chooser.
    builder.get_by_role("button", name="Add filter").last.click()
    third = builder.locator(".wpl-rules__filter").nth(3)
    choose_field(third, "Survey interaction")
    third.get_by_label("Operator").select_option("not_answered")
    third.get_by_role("button", name="Choose a page (Survey page)").click()
    modal = page.locator(".modal")
    modal.get_by_role("textbox", name="Search term").fill("Customer")
    modal.get_by_role("link", name="Customer survey").click()
    expect(modal).to_have_count(0)
    chooser = third.get_by_role("group", name="Survey page")
    expect(chooser.get_by_text("Customer survey")).to_be_visible()
    # Focus comes back to the chooser, on its actions.
    expect(chooser.get_by_role("button", name="Actions")).to_be_focused()

    tree = json.loads(builder.locator("input[name='rules']").input_value())
    assert tree["items"][2] == {
        "connector": "and",
        "filter": {
            "kind": "survey",
            "operator": "not_answered",
            "page": survey_page.pk,
            "within_days": None,
        },
    }
    matches = Segment(kind="dynamic", rules=tree).get_contacts()
    expected = matches.count()
    assert {"buyer0@example.com", "buyer1@example.com"} == set(
        matches.values_list("email", flat=True)
    )
    expect(builder.locator(".wpl-rules__count")).to_have_text(f"{expected} contacts match")
    expect(builder.locator(".wpl-rules__matches li")).to_have_count(min(expected, 10))
    page.evaluate("document.activeElement.blur()")  # No focus ring or tooltip in the picture.
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


def test_editor_picks_a_segment_in_the_chooser_modal_never_the_segment_itself(
    live_server, browser, keys
):
    get_user_model().objects.create_superuser("editor", "editor@example.com", "correct horse")
    pros = Segment.objects.create(name="Pros", kind="dynamic", rules=PLAN_IS_PRO)
    follow_up = Segment.objects.create(name="Follow-up", kind="dynamic", rules=PLAN_IS_PRO)
    Segment.objects.create(name="Newsletter")
    for index, plan in enumerate(["pro", "pro", "basic"]):
        Contact.objects.create(email=f"c{index}@example.com", attributes={"plan": plan})
    page = log_in(browser, live_server.url)
    page.goto(
        live_server.url
        + reverse("wagtailsnippets_wagtail_personal_links_segment:edit", args=[follow_up.pk])
    )
    builder = page.locator("[data-controller='wpl-rules']")
    builder.get_by_role("button", name="Add filter").last.click()
    second = builder.locator(".wpl-rules__filter").nth(1)
    choose_field(second, "Segment membership")
    second.get_by_label("Operator").select_option("not_in")

    # From the keyboard: the chooser's button opens Wagtail's segment chooser.
    second.get_by_role("button", name="Choose segment").press("Enter")
    modal = page.locator(".modal")
    expect(modal.get_by_role("link", name="Newsletter")).to_be_visible()
    expect(modal.get_by_role("link", name="Follow-up")).to_have_count(0)  # Never itself.
    modal.get_by_role("link", name="Pros").click()
    expect(modal).to_have_count(0)
    chooser = second.get_by_role("group", name="Segment")
    expect(chooser.get_by_text("Pros")).to_be_visible()
    expect(chooser.get_by_role("button", name="Actions")).to_be_focused()
    # plan = pro and not in Pros: nobody.
    expect(builder.locator(".wpl-rules__count")).to_have_text("0 contacts match")

    # Clear: the choice goes, and the focus lands on the button that chooses again.
    chooser.get_by_role("button", name="Actions").press("Enter")
    page.get_by_role("button", name="Clear choice").click()
    choose = chooser.get_by_role("button", name="Choose segment")
    expect(choose).to_be_focused()
    rules = json.loads(builder.locator("input[name='rules']").input_value())
    assert rules["items"][1]["filter"] == {
        "kind": "segment",
        "operator": "not_in",
        "segment": None,
    }

    choose.press("Enter")
    page.locator(".modal").get_by_role("link", name="Newsletter").click()
    expect(builder.locator(".wpl-rules__count")).to_have_text("2 contacts match")
    page.get_by_role("button", name="Save").first.click()
    expect(page.get_by_text("Segment 'Follow-up' updated.")).to_be_visible()
    follow_up.refresh_from_db()
    newsletter = Segment.objects.get(name="Newsletter")
    assert follow_up.rules["items"][1] == {
        "connector": "and",
        "filter": {"kind": "segment", "operator": "not_in", "segment": newsletter.pk},
    }
    assert pros.pk != newsletter.pk
