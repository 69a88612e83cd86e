"""Every operator on every type, compiled to SQL: missing, wrong-typed and empty values, case."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail_personal_links.models import Contact, Segment
from wagtail_personal_links.models.segment_rules import RuleCycleError, SegmentReferences
from wagtail_personal_links.rules.compiler import compile_rules

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 6, 15, 12, 0, tzinfo=datetime.UTC)

PEOPLE = {
    "ada": {"plan": "Pro", "age": "42", "joined": "2026-06-01", "vip": True},
    "bob": {"plan": "pro plan", "age": 7, "joined": "2026-06-14T09:30:00"},
    "cy": {"plan": 5, "age": 2.5, "joined": "2026-02-30"},
    "dee": {"plan": "", "age": "abc", "joined": "not a date"},
    "eve": {"plan": None, "age": True, "joined": 20260601},
    "fay": {},
}


@pytest.fixture
def people(db):
    created = {}
    for index, (name, attributes) in enumerate(PEOPLE.items()):
        created[name] = Contact.objects.create(
            email=f"{name}@example.com",
            first_name=name.capitalize() if index % 2 else name,
            external_id=f"ID-{name}" if index < 3 else None,
            attributes=attributes,
        )
        age = datetime.timedelta(days=10 * index)
        Contact.objects.filter(pk=created[name].pk).update(created_at=NOW - age)
    return created


def matching(tree) -> list[str]:
    contacts = (
        Contact.objects.filter(compile_rules(tree, references=SegmentReferences(), now=NOW))
        .exclude(external_id__startswith="CUST-")  # the demo site's own contacts
        .order_by("email")
    )
    return [contact.email.split("@")[0] for contact in contacts]


def one(kind, key, operator, value=None) -> dict:
    spec = {"kind": kind, "key": key, "operator": operator, "value": value}
    return {"negate": False, "items": [{"filter": spec}]}


@pytest.mark.parametrize(
    ("operator", "value", "expected"),
    [
        ("equals", "PRO", ["ada"]),
        ("equals", "5", ["cy"]),
        ("not_equals", "pro", ["bob", "cy", "dee", "eve", "fay"]),
        ("contains", "PRO", ["ada", "bob"]),
        ("not_contains", "pro", ["cy", "dee", "eve", "fay"]),
        ("starts_with", "pro p", ["bob"]),
        ("ends_with", "plan", ["bob"]),
        ("is_set", None, ["ada", "bob", "cy"]),
        ("is_not_set", None, ["dee", "eve", "fay"]),
    ],
)
def test_text_attributes_ignore_case_and_skip_missing_values(people, operator, value, expected):
    assert matching(one("attribute", "plan", operator, value)) == expected


def test_like_wildcards_in_a_text_value_are_taken_literally(people):
    Contact.objects.create(email="pct@example.com", attributes={"plan": "100% pro"})
    assert matching(one("attribute", "plan", "contains", "0%")) == ["pct"]
    assert matching(one("attribute", "plan", "contains", "_")) == []


@pytest.mark.parametrize(
    ("operator", "value", "expected"),
    [
        ("eq", 42, ["ada"]),
        ("eq", 2.5, ["cy"]),
        ("ne", 42, ["bob", "cy", "dee", "eve", "fay"]),
        ("lt", 10, ["bob", "cy"]),
        ("lte", 7, ["bob", "cy"]),
        ("gt", 7, ["ada"]),
        ("gte", 7, ["ada", "bob"]),
        ("is_set", None, ["ada", "bob", "cy", "dee", "eve"]),
        ("is_not_set", None, ["fay"]),
    ],
)
def test_numbers_compare_numerically_and_wrong_typed_values_never_match(
    people, operator, value, expected
):
    # "42" (text) and 7 (a JSON number) are both numbers; "abc" and true are not.
    assert matching(one("attribute", "age", operator, value)) == expected


def test_numbers_are_not_compared_as_text(people):
    # As text, "42" < "7"; as numbers it is not.
    assert matching(one("attribute", "age", "gt", 10)) == ["ada"]


@pytest.mark.parametrize(
    ("operator", "value", "expected"),
    [
        ("before", "2026-06-02", ["ada", "cy"]),
        ("after", "2026-06-01", ["bob"]),
        ("same_day", "2026-06-14", ["bob"]),
        ("between", ["2026-06-14", "2026-06-01"], ["ada", "bob"]),
        ("older_than", {"amount": 1, "unit": "weeks"}, ["ada", "cy"]),
        ("newer_than", {"amount": 7, "unit": "days"}, ["bob"]),
        ("newer_than", {"amount": 1, "unit": "months"}, ["ada", "bob"]),
        ("older_than", {"amount": 1, "unit": "years"}, []),
        ("is_set", None, ["ada", "bob", "cy", "dee", "eve"]),
        ("is_not_set", None, ["fay"]),
    ],
)
def test_dates_compare_as_dates_and_never_raise_on_bad_ones(people, operator, value, expected):
    # "2026-02-30" sorts as a date would and does not abort the query on PostgreSQL;
    # "not a date" and the number 20260601 are not dates.
    assert matching(one("attribute", "joined", operator, value)) == expected


@pytest.mark.parametrize(
    ("key", "operator", "value", "expected"),
    [
        ("email", "starts_with", "A", ["ada"]),
        ("email", "ends_with", "@EXAMPLE.COM", list(PEOPLE)),
        ("first_name", "equals", "BOB", ["bob"]),
        ("first_name", "not_equals", "bob", ["ada", "cy", "dee", "eve", "fay"]),
        ("last_name", "is_set", None, []),
        ("last_name", "is_not_set", None, list(PEOPLE)),
        ("external_id", "contains", "id-", ["ada", "bob", "cy"]),
        ("external_id", "not_contains", "ada", ["bob", "cy", "dee", "eve", "fay"]),
        ("external_id", "is_not_set", None, ["dee", "eve", "fay"]),
    ],
)
def test_built_in_text_fields(people, key, operator, value, expected):
    assert matching(one("field", key, operator, value)) == expected


@pytest.mark.parametrize(
    ("operator", "value", "expected"),
    [
        ("before", "2026-06-05", ["cy", "dee", "eve", "fay"]),
        ("after", "2026-06-05", ["ada"]),
        ("same_day", "2026-06-05", ["bob"]),
        ("between", ["2026-05-26", "2026-06-05"], ["bob", "cy"]),
        ("newer_than", {"amount": 2, "unit": "weeks"}, ["ada", "bob"]),
        ("older_than", {"amount": 30, "unit": "days"}, ["eve", "fay"]),
        ("is_set", None, list(PEOPLE)),
    ],
)
def test_created_at(people, operator, value, expected):
    assert matching(one("field", "created_at", operator, value)) == expected


def filter_item(connector, key, operator, value):
    item = {"filter": {"kind": "attribute", "key": key, "operator": operator, "value": value}}
    return {"connector": connector, **item} if connector else item


def test_and_binds_tighter_than_or(people):
    # plan contains pro OR age > 40 AND age < 5 = (plan contains pro) OR (age > 40 AND age < 5)
    tree = {
        "negate": False,
        "items": [
            filter_item(None, "plan", "contains", "pro"),
            filter_item("or", "age", "gt", 40),
            filter_item("and", "age", "lt", 5),
        ],
    }
    assert matching(tree) == ["ada", "bob"]


def test_nested_and_negated_groups(people):
    # age is set AND NOT (plan contains pro OR age < 3)
    inner = {
        "negate": True,
        "items": [
            filter_item(None, "plan", "contains", "pro"),
            filter_item("or", "age", "lt", 3),
        ],
    }
    tree = {
        "negate": False,
        "items": [filter_item(None, "age", "is_set", None), {"connector": "and", "group": inner}],
    }
    assert matching(tree) == ["dee", "eve"]


def test_no_rules_match_every_contact_and_a_negated_empty_tree_none(people):
    assert matching({"negate": False, "items": []}) == sorted(PEOPLE)
    assert matching({"negate": True, "items": []}) == []


def test_segment_membership_nests_static_and_dynamic_segments(people):
    static = Segment.objects.create(name="Hand-picked")
    static.add_contacts([people["ada"], people["dee"]])
    pros = Segment.objects.create(
        name="Pros", kind=Segment.Kind.DYNAMIC, rules=one("attribute", "plan", "contains", "pro")
    )
    either = {
        "negate": False,
        "items": [
            {"filter": {"kind": "segment", "operator": "in", "segment": static.pk}},
            {
                "connector": "or",
                "filter": {"kind": "segment", "operator": "in", "segment": pros.pk},
            },
        ],
    }
    assert matching(either) == ["ada", "bob", "dee"]
    outside = {
        "negate": False,
        "items": [{"filter": {"kind": "segment", "operator": "not_in", "segment": pros.pk}}],
    }
    assert matching(outside) == ["cy", "dee", "eve", "fay"]


def test_a_dynamic_segment_is_one_query(people):
    pros = Segment.objects.create(
        name="Pros", kind=Segment.Kind.DYNAMIC, rules=one("attribute", "plan", "contains", "pro")
    )
    outer = Segment.objects.create(
        name="Outer",
        kind=Segment.Kind.DYNAMIC,
        rules={
            "negate": True,
            "items": [{"filter": {"kind": "segment", "operator": "in", "segment": pros.pk}}],
        },
    )
    contacts = outer.get_contacts()
    with CaptureQueriesContext(connection) as queries:
        assert sorted(contacts.values_list("email", flat=True))[0] == "cy@example.com"
    assert len(queries) == 1


def test_a_stored_cycle_raises_instead_of_recursing(people):
    first = Segment.objects.create(name="First", kind=Segment.Kind.DYNAMIC)
    second = Segment.objects.create(name="Second", kind=Segment.Kind.DYNAMIC)
    refer = lambda target: {  # noqa: E731
        "negate": False,
        "items": [{"filter": {"kind": "segment", "operator": "in", "segment": target.pk}}],
    }
    # Written past validation, as a raw update would.
    Segment.objects.filter(pk=first.pk).update(rules=refer(second))
    Segment.objects.filter(pk=second.pk).update(rules=refer(first))
    first.refresh_from_db()
    with pytest.raises(RuleCycleError):
        first.get_contacts()


def survey(operator: str, page, within_days=None) -> dict:
    spec = {"kind": "survey", "operator": operator, "page": page.pk, "within_days": within_days}
    return {"negate": False, "items": [{"filter": spec}]}


@pytest.fixture
def interactions(people, survey_page, other_survey_page, make_link):
    """Ada answered the survey 3 days ago, Bob 40 days ago; Cy only opened his link today."""
    from wagtail_personal_links.models import PersonalLinkFormSubmission

    for name, days in (("ada", 3), ("bob", 40)):
        submission = PersonalLinkFormSubmission.objects.create(
            page=survey_page, contact=people[name], form_data={}
        )
        submitted = NOW - datetime.timedelta(days=days)
        PersonalLinkFormSubmission.objects.filter(pk=submission.pk).update(submit_time=submitted)
        make_link(survey_page, people[name], opened_at=submitted)
    make_link(survey_page, people["cy"], opened_at=NOW)
    make_link(survey_page, people["dee"])  # sent, never opened
    make_link(other_survey_page, people["eve"], opened_at=NOW)  # another survey
    return survey_page


@pytest.mark.parametrize(
    ("operator", "within_days", "expected"),
    [
        ("answered", None, ["ada", "bob"]),
        ("answered", 30, ["ada"]),
        ("not_answered", None, ["cy", "dee", "eve", "fay"]),
        ("not_answered", 30, ["bob", "cy", "dee", "eve", "fay"]),
        ("opened", None, ["ada", "bob", "cy"]),
        ("opened", 7, ["ada", "cy"]),
        ("not_opened", None, ["dee", "eve", "fay"]),
    ],
)
def test_survey_interaction_filters(interactions, operator, within_days, expected):
    assert matching(survey(operator, interactions, within_days)) == expected


def test_everyone_in_a_segment_who_has_not_answered_is_one_query(interactions, people):
    invited = Segment.objects.create(name="Invited")
    invited.add_contacts([people[name] for name in ("ada", "bob", "cy")])
    follow_up = Segment(
        kind=Segment.Kind.DYNAMIC,
        rules={
            "negate": False,
            "items": [
                {"filter": {"kind": "segment", "operator": "in", "segment": invited.pk}},
                {
                    "connector": "and",
                    "filter": {
                        "kind": "survey",
                        "operator": "not_answered",
                        "page": interactions.pk,
                        "within_days": None,
                    },
                },
            ],
        },
    )
    contacts = follow_up.get_contacts()

    with CaptureQueriesContext(connection) as queries:
        emails = sorted(contacts.values_list("email", flat=True))

    assert emails == ["cy@example.com"]
    assert len(queries) == 1
