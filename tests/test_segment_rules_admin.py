"""Dynamic segments in the admin: the form, the live preview endpoint, the listing, the keys."""

from __future__ import annotations

import html
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import make_editor
from wagtail_personal_links.models import Contact, ContactAttributeKey, Segment

SEGMENT_PERMISSIONS = [f"{action}_segment" for action in ("add", "change", "delete", "view")]
CONTACT_PERMISSIONS = [f"{action}_contact" for action in ("add", "change", "delete", "view")]
PREVIEW = reverse("wagtail_personal_links_rules:preview")


def url(name: str, *args) -> str:
    return reverse(f"wagtailsnippets_wagtail_personal_links_segment:{name}", args=args)


def plan_is(value: str) -> dict:
    spec = {"kind": "attribute", "key": "plan", "operator": "equals", "value": value}
    return {"negate": False, "items": [{"filter": spec}]}


def in_segments(*segment_ids: int) -> dict:
    """Rules matching the members of any of ``segment_ids``."""
    items = [
        {"connector": "or", "filter": {"kind": "segment", "operator": "in", "segment": pk}}
        for pk in segment_ids
    ]
    items[0].pop("connector")
    return {"negate": False, "items": items}


@pytest.fixture
def keys(db):
    # The demo seed, for a test that also asks for the survey, has typed some already.
    for key, data_type in (("plan", "text"), ("country", "text"), ("seats", "number")):
        ContactAttributeKey.objects.update_or_create(key=key, defaults={"data_type": data_type})


@pytest.fixture
def customers(keys):
    rows = [("pro", "DE"), ("pro", "AT"), ("pro", "FR"), ("basic", "DE")]
    return Contact.objects.bulk_create(
        Contact(email=f"c{index}@example.com", attributes={"plan": plan, "country": country})
        for index, (plan, country) in enumerate(rows)
    )


@pytest.fixture
def editor_client(client, django_user_model):
    user = make_editor(django_user_model, "editor", SEGMENT_PERMISSIONS + CONTACT_PERMISSIONS)
    client.force_login(user)
    return client


def test_create_a_dynamic_segment_from_rules(editor_client, customers):
    response = editor_client.post(
        url("add"), {"name": "Pros", "kind": "dynamic", "rules": json.dumps(plan_is("PRO"))}
    )

    assert response.status_code == 302
    segment = Segment.objects.get(name="Pros")
    assert segment.kind == Segment.Kind.DYNAMIC
    assert set(segment.get_contacts()) == set(customers[:3])


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        ("{not json", "Enter a valid JSON."),
        (
            json.dumps({"items": [{"filter": {"kind": "attribute", "key": "nope"}}]}),
            "Unknown field",
        ),
        (json.dumps(plan_is("")), "Give a value to compare “plan” with."),
        (
            json.dumps(
                {
                    "items": [
                        {
                            "filter": {
                                "kind": "attribute",
                                "key": "seats",
                                "operator": "contains",
                                "value": "x",
                            }
                        }
                    ]
                }
            ),
            "“contains” cannot be used with “seats”.",
        ),
        (
            json.dumps(
                {"items": [{"filter": {"kind": "segment", "operator": "in", "segment": 999}}]}
            ),
            "No segment has the id 999.",
        ),
    ],
)
def test_bad_rules_are_refused_beside_the_field_and_nothing_is_saved(
    editor_client, keys, rules, message
):
    response = editor_client.post(url("add"), {"name": "Bad", "kind": "dynamic", "rules": rules})

    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors["rules"])
    assert not Segment.objects.filter(name="Bad").exists()


def test_a_segment_that_would_contain_itself_is_refused(editor_client, keys):
    first = Segment.objects.create(name="First", kind="dynamic", rules=plan_is("pro"))
    second = Segment.objects.create(
        name="Second",
        kind="dynamic",
        rules={"items": [{"filter": {"kind": "segment", "operator": "in", "segment": first.pk}}]},
    )
    back = {"items": [{"filter": {"kind": "segment", "operator": "not_in", "segment": second.pk}}]}

    response = editor_client.post(
        url("edit", first.pk), {"name": "First", "kind": "dynamic", "rules": json.dumps(back)}
    )

    assert response.status_code == 200
    [error] = response.context["form"].errors["rules"]
    assert "refer back to this segment (First → Second → First)" in error
    first.refresh_from_db()
    assert first.rules == plan_is("pro")


def test_the_edit_form_renders_the_rule_builder_with_the_keys_and_their_types(editor_client, keys):
    segment = Segment.objects.create(name="Pros", kind="dynamic", rules=plan_is("pro"))

    response = editor_client.get(url("edit", segment.pk))

    html = response.content.decode()
    assert 'data-controller="wpl-rules"' in html
    assert "rule-builder.js" in html
    config = builder_config(response)
    assert {
        "kind": "attribute",
        "key": "seats",
        "type": "number",
        "label": "seats (Number)",
    } in config["fields"]
    assert config["chosen"] == {"segment": {}, "page": {}}


def builder_config(response) -> dict:
    """Return the rule builder's configuration, as the edit form hands it to the script."""
    [config] = re.findall(r'data-wpl-rules-config-value="([^"]*)"', response.content.decode())
    return json.loads(html.unescape(config))


def refers_to(segments=(), pages=()) -> dict:
    items = [{"filter": {"kind": "segment", "operator": "in", "segment": s.pk}} for s in segments]
    items += [
        {"filter": {"kind": "survey", "operator": "answered", "page": p.pk, "within_days": None}}
        for p in pages
    ]
    for item in items[1:]:
        item["connector"] = "or"
    return {"negate": False, "items": items}


def test_the_edit_form_names_the_chosen_segment_and_page_and_no_others(
    editor_client, keys, survey_page
):
    pros = Segment.objects.create(name="Pros", kind="dynamic", rules=plan_is("pro"))
    Segment.objects.create(name="Newsletter")
    segment = Segment.objects.create(
        name="Follow-up", kind="dynamic", rules=refers_to([pros], [survey_page])
    )

    response = editor_client.get(url("edit", segment.pk))

    chosen = builder_config(response)["chosen"]
    assert chosen["segment"] == {
        str(pros.pk): {"id": pros.pk, "string": "Pros", "edit_url": url("edit", pros.pk)}
    }
    assert chosen["page"] == {
        str(survey_page.pk): {
            "id": survey_page.pk,
            "parentId": survey_page.get_parent().pk,
            "adminTitle": "Customer survey",
            "editUrl": reverse("wagtailadmin_pages:edit", args=[survey_page.pk]),
        }
    }
    assert "Newsletter" not in response.content.decode()


def test_the_choosers_are_wagtails_offering_only_survey_pages_and_never_the_segment_itself(
    editor_client, keys
):
    segment = Segment.objects.create(name="Follow-up", kind="dynamic", rules=plan_is("pro"))

    response = editor_client.get(url("edit", segment.pk))

    choosers = builder_config(response)["choosers"]
    assert choosers["segment"]["_type"] == "wagtail.snippets.widgets.SnippetChooser"
    chooser_url = reverse("wagtailsnippetchoosers_wagtail_personal_links_segment:choose")
    assert choosers["segment"]["_args"][2]["modalUrl"] == f"{chooser_url}?exclude={segment.pk}"
    assert choosers["page"]["_type"] == "wagtail.widgets.PageChooser"
    assert choosers["page"]["_args"][2]["modelNames"] == ["home.surveypage"]
    scripts = " ".join(re.findall(r'<script src="([^"]+)"', response.content.decode()))
    for script in ("snippet-chooser-telepath.js", "page-chooser-telepath.js", "rule-builder.js"):
        assert script in scripts


def test_the_segment_chooser_leaves_out_the_excluded_segment_while_searching(editor_client, db):
    pros = Segment.objects.create(name="Pros")
    Segment.objects.create(name="Pro trials")
    chooser = "wagtailsnippetchoosers_wagtail_personal_links_segment:"

    listed = editor_client.get(reverse(chooser + "choose"), {"exclude": pros.pk})
    searched = editor_client.get(
        reverse(chooser + "choose_results"), {"exclude": pros.pk, "q": "Pro"}
    )
    everything = editor_client.get(reverse(chooser + "choose_results"), {"q": "Pro"})

    def names(response) -> set[str]:
        return {str(item) for item in response.context["results"]}

    assert names(listed) == names(searched) == {"Pro trials"}
    assert names(everything) == {"Pros", "Pro trials"}
    assert f"exclude={pros.pk}" in json.loads(listed.content)["html"]


def test_the_form_shown_again_names_the_chosen_items_without_a_query_per_item(
    editor_client, keys, survey_page, other_survey_page
):
    others = [Segment.objects.create(name=f"Segment {index}") for index in range(3)]

    def nameless_segment(rules: dict) -> tuple[dict, int]:
        data = {"name": "", "kind": "dynamic", "rules": json.dumps(rules)}
        with CaptureQueriesContext(connection) as queries:
            response = editor_client.post(url("add"), data)
        assert response.context["form"].errors == {"name": ["This field is required."]}
        return builder_config(response)["chosen"], len(queries)

    nameless_segment(refers_to(others[:1], [survey_page]))  # Warm the caches.
    _, with_one = nameless_segment(refers_to(others[:1], [survey_page]))
    chosen, with_more = nameless_segment(refers_to(others, [survey_page, other_survey_page]))

    assert with_more == with_one
    assert {item["string"] for item in chosen["segment"].values()} == {
        "Segment 0",
        "Segment 1",
        "Segment 2",
    }
    assert {item["adminTitle"] for item in chosen["page"].values()} == {
        "Customer survey",
        "Second survey",
    }


def test_preview_counts_and_lists_the_first_ten_matches(editor_client, customers):
    response = editor_client.post(PREVIEW, {"rules": json.dumps(plan_is("pro"))})

    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 3
    assert data["count_text"] == "3 contacts match"
    assert [item["label"] for item in data["contacts"]] == [str(c) for c in customers[:3]]


def test_preview_refuses_bad_rules_with_the_errors(editor_client, keys):
    response = editor_client.post(PREVIEW, {"rules": json.dumps(plan_is(""))})

    assert response.status_code == 400
    assert response.json() == {"errors": ["Give a value to compare “plan” with."]}
    assert editor_client.post(PREVIEW, {"rules": "{"}).json() == {
        "errors": ["The rules are not valid JSON."]
    }


def test_preview_needs_a_segment_permission(client, django_user_model, customers):
    client.force_login(make_editor(django_user_model, "reader", ["view_segment", "view_contact"]))

    response = client.post(PREVIEW, {"rules": json.dumps(plan_is("pro"))})

    assert response.status_code == 403


def test_preview_lists_no_contacts_to_those_who_may_not_see_them(
    client, django_user_model, customers
):
    client.force_login(make_editor(django_user_model, "segmenter", ["add_segment"]))

    data = client.post(PREVIEW, {"rules": json.dumps(plan_is("pro"))}).json()

    assert (data["count"], data["contacts"]) == (3, [])


def test_preview_refuses_get_and_keeps_csrf(editor_client, customers, superuser):
    from django.test import Client

    assert editor_client.get(PREVIEW).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(superuser)
    assert strict.post(PREVIEW, {"rules": json.dumps(plan_is("pro"))}).status_code == 403


def test_listing_shows_kinds_and_dynamic_counts_without_a_query_per_segment(
    editor_client, customers
):
    def listing():
        with CaptureQueriesContext(connection) as queries:
            response = editor_client.get(url("list"))
        return response, len(queries)

    Segment.objects.create(name="Pros", kind="dynamic", rules=plan_is("pro"))
    listing()  # Warm the caches a first request fills.
    _, with_one = listing()
    Segment.objects.create(name="Basics", kind="dynamic", rules=plan_is("basic"))
    Segment.objects.create(name="Static").add_contacts(customers[:2])
    response, with_three = listing()

    counts = {row.name: row.member_count for row in response.context["object_list"]}
    assert counts == {"Basics": 1, "Pros": 3, "Static": 2}
    assert with_three == with_one
    assert "Dynamic" in response.content.decode()

    # Rules that name other segments, nested, cost no query of their own.
    static, pros = Segment.objects.get(name="Static"), Segment.objects.get(name="Pros")
    either = Segment.objects.create(
        name="Either", kind="dynamic", rules=in_segments(static.pk, pros.pk)
    )
    Segment.objects.create(name="Nested", kind="dynamic", rules=in_segments(either.pk))
    response, with_five = listing()
    counts = {row.name: row.member_count for row in response.context["object_list"]}
    expected = len(set(static.get_contacts()) | set(pros.get_contacts()))
    assert counts["Nested"] == counts["Either"] == expected
    assert with_five == with_one


def test_generating_links_for_a_dynamic_segment_takes_its_members_at_that_moment(
    customers, survey_page
):
    from wagtail_personal_links.generation import create_batch

    segment = Segment.objects.create(name="Pros", kind="dynamic", rules=plan_is("pro"))
    members = set(segment.get_contacts().values_list("pk", flat=True))
    batch = create_batch(survey_page, segment.get_contacts(), segment=segment)
    Contact.objects.filter(pk=customers[3].pk).update(attributes={"plan": "pro"})

    assert set(batch.links.values_list("contact_id", flat=True)) == members
    assert {c.pk for c in customers[:3]} <= members
    assert segment.get_contacts().count() == len(members) + 1


def contacts_url() -> str:
    return reverse("wagtailsnippets_wagtail_personal_links_contact:list")


def test_contacts_listing_filters_by_an_attribute_value_by_its_type(editor_client, customers):
    Contact.objects.create(email="big@example.com", attributes={"seats": "12"})
    Contact.objects.create(email="small@example.com", attributes={"seats": 3})

    by_text = editor_client.get(contacts_url(), {"attribute": "country", "attribute_value": "de"})
    by_number = editor_client.get(contacts_url(), {"attribute": "seats", "attribute_value": "3.0"})
    nonsense = editor_client.get(contacts_url(), {"attribute": "seats", "attribute_value": "x"})

    emails = lambda response: {c.email for c in response.context["object_list"]}  # noqa: E731
    assert emails(by_text) == {"c0@example.com", "c3@example.com"}
    assert emails(by_number) == {"small@example.com"}
    assert emails(nonsense) == set()


def test_save_filters_as_a_segment_opens_a_dynamic_segment_with_those_rules(
    editor_client, customers
):
    response = editor_client.get(
        contacts_url(), {"attribute": "plan", "attribute_value": "pro", "q": "c1"}
    )
    [button] = [b for b in response.context["header_buttons"] if b.label == "Save as segment"]

    form = editor_client.get(button.url).context["form"]
    rules = json.loads(form["rules"].value())
    created = editor_client.post(
        url("add"), {"name": "From the listing", "kind": "dynamic", "rules": json.dumps(rules)}
    )

    assert form["kind"].value() == "dynamic"
    assert created.status_code == 302
    segment = Segment.objects.get(name="From the listing")
    assert list(segment.get_contacts()) == [customers[1]]


def test_a_search_of_several_words_saves_as_the_segment_it_lists(editor_client, customers):
    Contact.objects.filter(pk=customers[1].pk).update(first_name="Ines", last_name="Dubois")
    response = editor_client.get(contacts_url(), {"q": "ines dubois"})
    [button] = [b for b in response.context["header_buttons"] if b.label == "Save as segment"]

    rules = json.loads(editor_client.get(button.url).context["form"]["rules"].value())
    editor_client.post(url("add"), {"name": "Ines", "kind": "dynamic", "rules": json.dumps(rules)})

    assert [c.pk for c in response.context["object_list"]] == [customers[1].pk]
    assert list(Segment.objects.get(name="Ines").get_contacts()) == [customers[1]]


def test_an_unfiltered_listing_offers_no_save_as_segment(editor_client, customers):
    response = editor_client.get(contacts_url())

    assert "Save as segment" not in [b.label for b in response.context["header_buttons"]]


def test_bulk_add_to_segment_offers_and_takes_only_static_segments(editor_client, customers):
    dynamic = Segment.objects.create(name="Pros", kind="dynamic", rules=plan_is("pro"))
    static = Segment.objects.create(name="Hand-picked")
    bulk = reverse(
        "wagtail_bulk_action", args=["wagtail_personal_links", "contact", "add_to_segment"]
    )
    query = f"?id={customers[3].pk}"

    confirmation = editor_client.get(bulk + query).content.decode()
    refused = editor_client.post(bulk + query, {"segment": dynamic.pk})

    assert "Hand-picked" in confirmation and "Pros" not in confirmation
    assert refused.status_code == 200
    assert not dynamic.memberships.exists()
    assert static.get_contacts().count() == 0
