"""The rule tree's schema: what validation refuses, with which message."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from wagtail_personal_links.rules.schema import validate_rules

TYPES = {"plan": "text", "seats": "number", "renewal": "date"}


def leaf(**spec) -> dict:
    return {"filter": spec}


def errors(tree) -> list[str]:
    with pytest.raises(ValidationError) as error:
        validate_rules(tree, TYPES)
    return error.value.messages


def test_a_valid_tree_passes():
    tree = {
        "negate": True,
        "items": [
            leaf(kind="attribute", key="plan", operator="starts_with", value="p"),
            {"connector": "or", "group": {"negate": False, "items": [
                leaf(kind="attribute", key="renewal", operator="between",
                     value=["2026-01-01", "2026-12-31"]),
                {"connector": "and", **leaf(kind="field", key="created_at",
                                            operator="older_than",
                                            value={"amount": 2, "unit": "weeks"})},
            ]}},
        ],
    }  # fmt: skip
    validate_rules(tree, TYPES)


@pytest.mark.parametrize(
    ("tree", "message"),
    [
        ([], "A group must be an object with a list of items."),
        ({"negate": "yes", "items": []}, "A group's “negate” must be true or false."),
        ({"items": [{"filter": {}, "group": {}}]},
         "Each item must hold either a filter or a group."),
        (
            {"items": [leaf(kind="field", key="email", operator="is_set"),
                       leaf(kind="field", key="email", operator="is_set")]},
            "Join each filter to the one before with “and” or “or”.",
        ),
        ({"items": [{"group": {"items": []}}]}, "A group needs at least one filter."),
        ({"items": [leaf(kind="magic")]}, "Unknown kind of filter: “magic”."),
        ({"items": [leaf(kind="field", key="password", operator="equals", value="x")]},
         "Unknown field or attribute: “password”."),
        ({"items": [leaf(kind="field", key="external_id", operator="equals", value=" ")]},
         "Give a value to compare “Custom ID” with."),
        ({"items": [leaf(kind="attribute", key="seats", operator="gt", value="10")]},
         "Give a number to compare “seats” with."),
        ({"items": [leaf(kind="attribute", key="seats", operator="gt", value=True)]},
         "Give a number to compare “seats” with."),
        ({"items": [leaf(kind="attribute", key="renewal", operator="before", value="2026-02-30")]},
         "Give dates as YYYY-MM-DD to compare “renewal” with."),
        ({"items": [leaf(kind="attribute", key="renewal", operator="between",
                         value=["2026-01-01"])]},
         "Give two dates for “is between”."),
        ({"items": [leaf(kind="attribute", key="renewal", operator="older_than",
                         value={"amount": 5000, "unit": "years"})]},
         "Give a number of days, weeks, months or years, up to 1000."),
        ({"items": [leaf(kind="segment", operator="in", segment="7")]}, "Choose a segment."),
        ({"items": [leaf(kind="survey", operator="answered", page=3, within_days=0)]},
         "“Within the last” takes a whole number of days, 1 or more."),
        ({"items": [leaf(kind="survey", operator="clicked", page=3)]},
         "Unknown operator: “clicked”."),
    ],
)  # fmt: skip
def test_invalid_trees_are_refused_with_a_clear_message(tree, message):
    assert message in errors(tree)


def test_depth_and_size_are_bounded():
    deep = {"items": [leaf(kind="field", key="email", operator="is_set")]}
    for _ in range(10):
        deep = {"items": [{"group": deep}]}
    assert "Groups nest at most 10 deep." in errors(deep)
    wide = {
        "items": [
            {"connector": "or", **leaf(kind="field", key="email", operator="is_set")}
            for _ in range(101)
        ]
    }
    assert errors(wide) == ["Use at most 100 filters."]
