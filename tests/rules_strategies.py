"""Hypothesis strategies for rule trees and the contacts they are tried on, and a way to save them.

Shared by the property tests of the rules' compiler and of their segment and
survey filters.
"""

from __future__ import annotations

import datetime

from hypothesis import strategies as st

from wagtail_personal_links.models import Contact
from wagtail_personal_links.rules.operators import (
    DATE_OPERATORS,
    NUMBER_OPERATORS,
    TEXT_OPERATORS,
    UNITS,
)

NOW = datetime.datetime(2026, 6, 15, 12, 0, tzinfo=datetime.UTC)

TEXTS = ["pro", "Pro", "PRO", "basic", "", "pro plan", "42", "7", "a_b", "100%", "true"]
# Near misses of numeric text, which SQLite's casts would half-read.
NUMBERS = [-5, 0, 7, 42, 2.5, "42", "7", "-3.5", "abc", "", "1e3", True, None,
           "7abc", " 7", "7.", ".5", "1-2", "--7", "-", "7.5.1"]  # fmt: skip
DATES = ["2026-06-01", "2026-06-15", "2025-12-31", "2026-02-30", "2026-06-14T23:00:00", "x", "",
         "2026-06-01x"]  # fmt: skip
#: Values of no type a filter compares, whose JSON text could still look like a match.
SHAPES = [{"plan": "pro"}, ["pro", 7], False]

attribute_values = st.fixed_dictionaries(
    {},
    optional={
        "plan": st.sampled_from([*TEXTS, 5, None, *SHAPES]),
        "score": st.sampled_from([*NUMBERS, *SHAPES]),
        "joined": st.sampled_from([*DATES, 20260601, None, *SHAPES]),
    },
)
contacts = st.lists(
    st.tuples(
        attribute_values,
        st.sampled_from(["", "Ada", "ada", "Grace"]),
        st.integers(min_value=0, max_value=400),
    ),
    min_size=1,
    max_size=8,
)

dates = st.sampled_from(["2026-06-01", "2026-06-15", "2025-12-31", "2026-01-01"])
periods = st.fixed_dictionaries(
    {"amount": st.integers(min_value=1, max_value=14), "unit": st.sampled_from(list(UNITS))}
)


def date_value(operator: str):
    if operator == "between":
        return st.lists(dates, min_size=2, max_size=2)
    if operator in ("older_than", "newer_than"):
        return periods
    return dates


def comparison(kind: str, key: str, operators: dict, values):
    def build(operator: str):
        value = st.none() if operator in ("is_set", "is_not_set") else values(operator)
        return st.fixed_dictionaries(
            {
                "kind": st.just(kind),
                "key": st.just(key),
                "operator": st.just(operator),
                "value": value,
            }
        )

    return st.sampled_from(sorted(operators)).flatmap(build)


text_values = st.sampled_from(["pro", "PRO", "Pro Plan", "4", "a_b", "100%", "ad", "true", "["])
filters = st.one_of(
    comparison("attribute", "plan", TEXT_OPERATORS, lambda _op: text_values),
    comparison(
        "attribute", "score", NUMBER_OPERATORS, lambda _op: st.sampled_from([0, 7, 7.5, -4])
    ),
    comparison("attribute", "joined", DATE_OPERATORS, date_value),
    comparison("field", "first_name", TEXT_OPERATORS, lambda _op: text_values),
    comparison("field", "external_id", TEXT_OPERATORS, lambda _op: text_values),
    comparison("field", "created_at", DATE_OPERATORS, date_value),
)


def groups(children, min_size: int = 1):
    items = st.lists(
        st.tuples(st.sampled_from(["and", "or"]), children), min_size=min_size, max_size=3
    )
    return st.builds(
        lambda negate, pairs: {
            "negate": negate,
            "items": [
                {"connector": connector, **node} if index else node
                for index, (connector, node) in enumerate(pairs)
            ],
        },
        st.booleans(),
        items,
    ).map(lambda group: {"group": group})


def trees_of(leaves, max_leaves: int = 6):
    """Return rule trees whose filters are drawn from ``leaves``."""
    return st.recursive(
        leaves.map(lambda spec: {"filter": spec}), groups, max_leaves=max_leaves
    ).map(lambda node: node.get("group", {"negate": False, "items": [node]}))


trees = trees_of(filters)


def save_contacts(people: list[tuple]) -> list[Contact]:
    """Create the drawn contacts, each created ``age_in_days`` before ``NOW``."""
    saved = []
    for index, (attributes, first_name, age_in_days) in enumerate(people):
        contact = Contact.objects.create(
            email=f"p{index}@example.com",
            first_name=first_name,
            external_id=[f"Pro-{index}", "", None, f"x{index}pro"][index % 4],
            attributes=attributes,
        )
        created = NOW - datetime.timedelta(days=age_in_days, hours=index)
        Contact.objects.filter(pk=contact.pk).update(created_at=created)
        contact.created_at = created
        contact.external_id = contact.external_id or None
        saved.append(contact)
    return saved
