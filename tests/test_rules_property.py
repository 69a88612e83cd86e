"""Random contacts and random rule trees: the compiled query agrees with a plain-Python reading.

Field and attribute filters, compiled on their own (segment and survey filters
are in ``test_rules_property_references.py``). Runs on whichever database the
suite uses (SQLite or PostgreSQL), with a bounded number of examples so that
CI stays quick.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings

from tests.rules_evaluator import evaluate
from tests.rules_strategies import NOW, contacts, save_contacts, trees
from wagtail_personal_links.models import Contact
from wagtail_personal_links.rules.compiler import compile_rules

pytestmark = pytest.mark.django_db


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(people=contacts, tree=trees)
def test_compiled_rules_select_what_the_plain_reading_selects(people, tree):
    with transaction.atomic():
        saved = save_contacts(people)
        matched = set(
            Contact.objects.filter(compile_rules(tree, now=NOW)).values_list("pk", flat=True)
        )
        expected = {contact.pk for contact in saved if evaluate(tree, contact, NOW)}
        transaction.set_rollback(True)
    assert matched == expected, tree


def test_the_plain_reading_is_not_trivial():
    """The evaluator tells contacts apart, so the property above compares something."""
    contact = Contact(first_name="Ada", attributes={"plan": "Pro", "score": "42"})
    contact.created_at = timezone.now()
    tree = {
        "negate": False,
        "items": [
            {"filter": {"kind": "attribute", "key": "plan", "operator": "equals", "value": "pro"}},
            {
                "connector": "and",
                "filter": {"kind": "attribute", "key": "score", "operator": "gt", "value": 41},
            },
        ],
    }
    assert evaluate(tree, contact, NOW) is True
    tree["items"][1]["filter"]["value"] = 42
    assert evaluate(tree, contact, NOW) is False
