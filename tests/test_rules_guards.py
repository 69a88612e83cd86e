"""A run of "and" tests each attribute's type once, after its comparisons, and stays exact."""

from __future__ import annotations

import pytest
from django.db import connection

from wagtail_personal_links.models import Contact, Segment

pytestmark = pytest.mark.django_db

TYPE_CHECK = {"sqlite": "json_type(", "postgresql": "jsonb_typeof("}


def seats(operator: str, value: object, connector: str | None = None) -> dict:
    item = {"filter": {"kind": "attribute", "key": "seats", "operator": operator, "value": value}}
    return {"connector": connector, **item} if connector else item


def members(rules: dict) -> set[str]:
    segment = Segment(name="Range", kind=Segment.Kind.DYNAMIC, rules=rules)
    return set(segment.get_contacts().values_list("email", flat=True))


@pytest.fixture
def contacts(db):
    values = {"in": 20, "text": "30", "low": 5, "high": 50, "junk": "20 seats", "none": None}
    for name, value in values.items():
        attributes = {} if value is None else {"seats": value}
        Contact.objects.create(email=f"{name}@example.com", attributes=attributes)


def test_a_range_reads_the_type_once_after_both_comparisons(contacts):
    rules = {"negate": False, "items": [seats("gte", 10), seats("lt", 50, "and")]}
    segment = Segment(name="Range", kind=Segment.Kind.DYNAMIC, rules=rules)
    sql = str(segment.get_contacts().query)
    where = sql[sql.index(" WHERE ") :]
    check = TYPE_CHECK[connection.vendor]
    if connection.vendor == "sqlite":
        # PostgreSQL must check before it casts; SQLite casts first and checks once, last.
        assert where.count(check) == 1
        assert where.index(check) > where.rindex("< 50")
    assert members(rules) == {"in@example.com", "text@example.com"}


def test_negating_a_guarded_run_selects_exactly_the_rest(contacts):
    inside = {"negate": False, "items": [seats("gte", 10), seats("lt", 50, "and")]}
    outside = {**inside, "negate": True}
    everyone = set(Contact.objects.values_list("email", flat=True))
    assert members(outside) == everyone - members(inside)
    assert "junk@example.com" in members(outside)
    assert "none@example.com" in members(outside)


def test_a_text_filter_does_not_match_the_text_of_another_type(db):
    Contact.objects.create(email="flag@example.com", attributes={"plan": True})
    Contact.objects.create(email="list@example.com", attributes={"plan": ["pro"]})
    Contact.objects.create(email="pro@example.com", attributes={"plan": "Pro"})
    for value, expected in [("true", set()), ("pro", {"pro@example.com"})]:
        equals = {"kind": "attribute", "key": "plan", "operator": "equals", "value": value}
        contains = {**equals, "operator": "contains"}
        assert members({"negate": False, "items": [{"filter": equals}]}) == expected
        assert members({"negate": False, "items": [{"filter": contains}]}) == expected
