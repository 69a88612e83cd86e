"""Segment and survey filters against a plain-Python reading, through the models.

Random contacts, static and dynamic segments, answers and link openings;
random trees whose segment and survey filters go through a dynamic segment's
``get_contacts()``, as editors' rules do. The compiled members must equal the
plain reading's. Bounded examples, on whichever database the suite uses.
"""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.rules_evaluator import Facts, evaluate
from tests.rules_strategies import NOW, contacts, filters, groups, save_contacts, trees_of
from wagtail_personal_links.models import (
    Contact,
    LinkBatch,
    PersonalLink,
    PersonalLinkFormSubmission,
    Segment,
)
from wagtail_personal_links.rules.operators import SURVEY_OPERATORS
from wagtail_personal_links.rules.schema import validate_rules

pytestmark = pytest.mark.django_db

# Segment and survey filters, through the models: the trees name segments and
# pages by placeholders, replaced by the ids of those an example creates.

#: The attribute keys' types, for checking that the drawn trees are ones an editor could save.
ATTRIBUTE_TYPES = {"plan": "text", "score": "number", "joined": "date"}
#: Two static segments, a dynamic one built on them, a dynamic one without
#: filters (everyone, or nobody when negated), and one deleted since.
SEGMENT_NAMES = ["S0", "S1", "D", "E", "gone"]
#: What the segments a dynamic segment's rules name may be.
INNER_SEGMENT_NAMES = ["S0", "S1", "E", "gone"]
PAGE_NAMES = ["P0", "P1"]
WITHIN_DAYS = [None, 7, 30]
#: Hours before ``NOW``: half of them on the edge of a ``within_days`` window,
#: which "within" includes; the rest just inside or outside one, at ``NOW``,
#: long ago, or after ``NOW``.
hours_ago = st.one_of(
    st.sampled_from([7 * 24, 30 * 24]),
    st.sampled_from([-24, 0, 7 * 24 - 1, 7 * 24 + 1, 30 * 24 - 1, 30 * 24 + 1, 9000]),
)


def segment_filters(names: list[str]):
    return st.builds(
        lambda operator, name: {"kind": "segment", "operator": operator, "segment": name},
        st.sampled_from(["in", "not_in"]),
        st.sampled_from(names),
    )


survey_filters = st.builds(
    lambda operator, page, days: {
        "kind": "survey",
        "operator": operator,
        "page": page,
        "within_days": days,
    },
    st.sampled_from(sorted(SURVEY_OPERATORS)),
    st.sampled_from(PAGE_NAMES),
    st.sampled_from(WITHIN_DAYS),
)
# Mapped, so that the attribute filters make one branch of three rather than six of eight.
some_filters = filters.map(dict)
dynamic_rules = st.builds(
    lambda static, connector, rest: {
        "negate": False,
        "items": [{"filter": static}, {"connector": connector, "group": rest}],
    },
    segment_filters(["S0", "S1"]),
    st.sampled_from(["and", "or"]),
    trees_of(st.one_of(survey_filters, segment_filters(INNER_SEGMENT_NAMES), some_filters), 3),
)
no_filters = st.builds(lambda negate: {"negate": negate, "items": []}, st.booleans())
reference_filters = st.one_of(segment_filters(SEGMENT_NAMES), survey_filters, some_filters).map(
    lambda spec: {"filter": spec}
)


def joined(nodes: list[dict]):
    """Return a group of ``nodes`` in any order, joined by any connectors."""
    return st.builds(
        lambda negate, order, connectors: {
            "negate": negate,
            "items": [
                {"connector": connector, **node} if connector else node
                for node, connector in zip(order, [None, *connectors], strict=True)
            ],
        },
        st.booleans(),
        st.permutations(nodes),
        st.lists(st.sampled_from(["and", "or"]), min_size=len(nodes) - 1, max_size=len(nodes) - 1),
    )


# At least one survey and one segment filter in every tree, which random
# trees alone would leave out of most examples.
reference_trees = st.builds(
    lambda survey, segment, others: [{"filter": survey}, {"filter": segment}, *others],
    survey_filters,
    segment_filters(SEGMENT_NAMES),
    st.lists(st.one_of(reference_filters, groups(reference_filters)), max_size=2),
).flatmap(joined)
moments = st.tuples(st.sampled_from([0, 1]), hours_ago)
histories = st.lists(
    st.fixed_dictionaries(
        {
            # (page, hours ago) of each answer; (page, hours ago or None) of each link.
            "answers": st.lists(moments, max_size=2),
            "links": st.lists(
                st.tuples(st.sampled_from([0, 1]), st.none() | hours_ago),
                max_size=2,
            ),
        }
    ),
    min_size=8,
    max_size=8,
)
static_members = st.lists(st.sets(st.integers(0, 7), max_size=4), min_size=2, max_size=2)


def resolve(node, ids: dict[str, int]):
    """Return ``node`` with its segment and page placeholders replaced by ids."""
    if isinstance(node, list):
        return [resolve(item, ids) for item in node]
    if isinstance(node, dict):
        return {
            key: ids[value] if key in ("segment", "page") else resolve(value, ids)
            for key, value in node.items()
        }
    return node


def save_segments(
    saved: list[Contact], members: list[set[int]], rules: list[dict], ids: dict[str, int]
) -> Facts:
    """Create the static segments, a deleted one and the dynamic ones; return what they hold.

    ``rules`` holds the rules of the dynamic segments "E" and "D", in that order.

    Each segment's id is added to ``ids`` under its placeholder.
    """
    facts = Facts()
    for index, picked in enumerate(members):
        segment = Segment.objects.create(name=f"Static {index}")
        chosen = [saved[position % len(saved)] for position in picked]
        segment.add_contacts(chosen)
        ids[f"S{index}"] = segment.pk
        facts.members[segment.pk] = {contact.pk for contact in chosen}
    gone = Segment.objects.create(name="Deleted")
    ids["gone"] = gone.pk
    gone.delete()
    for name, tree in zip(["E", "D"], rules, strict=True):
        tree = resolve(tree, ids)
        validate_rules(tree, ATTRIBUTE_TYPES)
        dynamic = Segment.objects.create(name=name, kind=Segment.Kind.DYNAMIC, rules=tree)
        ids[name] = dynamic.pk
        facts.rules[dynamic.pk] = tree
    return facts


def save_history(saved: list[Contact], histories: list[dict], pages: list, facts: Facts) -> None:
    """Create each contact's answers and links, and note their times in ``facts``."""
    links, batches = [], {}
    # Nobody's answer, which no contact's filter may count.
    PersonalLinkFormSubmission.objects.create(page=pages[0], form_data={})
    for contact, history in zip(saved, histories, strict=False):
        for page, hours in history["answers"]:
            key, submitted = (pages[page].pk, contact.pk), NOW - datetime.timedelta(hours=hours)
            answer = PersonalLinkFormSubmission.objects.create(
                page=pages[page], contact=contact, form_data={}, multi_use=key in facts.answers
            )
            PersonalLinkFormSubmission.objects.filter(pk=answer.pk).update(submit_time=submitted)
            facts.answers.setdefault(key, []).append(submitted)
        for page, hours in history["links"]:
            key = (pages[page].pk, contact.pk)
            opened = None if hours is None else NOW - datetime.timedelta(hours=hours)
            # One link per batch and contact: a contact's second link is in a second batch.
            ordinal = len(facts.opens.setdefault(key, []))
            if (page, ordinal) not in batches:
                batches[page, ordinal] = LinkBatch.objects.create(page=pages[page], total=1)
            links.append(
                PersonalLink(batch=batches[page, ordinal], contact=contact, opened_at=opened)
            )
            facts.opens[key].append(opened)
    PersonalLink.objects.bulk_create(links)


@pytest.fixture
def pages(survey_page, other_survey_page) -> list:
    return [survey_page, other_survey_page]


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    people=contacts,
    tree=reference_trees,
    rules=st.tuples(no_filters, dynamic_rules),
    members=static_members,
    history=histories,
)
def test_segment_and_survey_filters_select_what_the_plain_reading_selects(
    pages, people, tree, rules, members, history
):
    with transaction.atomic():
        saved = save_contacts(people)
        ids = {name: page.pk for name, page in zip(PAGE_NAMES, pages, strict=True)}
        facts = save_segments(saved, members, rules, ids)
        save_history(saved, history, pages, facts)
        tree = resolve(tree, ids)
        validate_rules(tree, ATTRIBUTE_TYPES)
        with time_machine.travel(NOW, tick=False):
            found = list(
                Segment(kind=Segment.Kind.DYNAMIC, rules=tree)
                .get_contacts()
                .values_list("pk", flat=True)
            )
        transaction.set_rollback(True)
    ours = {contact.pk for contact in saved}
    matched = {pk for pk in found if pk in ours}
    expected = {contact.pk for contact in saved if evaluate(tree, contact, NOW, facts)}
    assert len(found) == len(set(found)), "a contact is listed twice"
    assert matched == expected, (tree, facts)


def test_the_plain_reading_of_segments_and_surveys_is_not_trivial():
    """The evaluator tells members from others and answers inside a window from those outside."""
    ada, bob = Contact(pk=1), Contact(pk=2)
    week_ago = NOW - datetime.timedelta(days=7)
    facts = Facts(
        members={10: {ada.pk}},
        rules={20: {"negate": True, "items": [{"filter": segment_filter("in", 10)}]}},
        answers={(5, ada.pk): [week_ago]},
        opens={(5, bob.pk): [None], (6, bob.pk): [week_ago]},
    )

    def matches(contact, spec) -> bool:
        return evaluate({"negate": False, "items": [{"filter": spec}]}, contact, NOW, facts)

    assert [matches(ada, segment_filter("in", 20)), matches(bob, segment_filter("in", 20))] == [
        False,
        True,
    ]
    assert matches(ada, segment_filter("in", 99)) is False  # a segment deleted since
    assert matches(ada, segment_filter("not_in", 99)) is True
    assert matches(ada, survey_filter("answered", 5, 7)) is True
    assert matches(ada, survey_filter("answered", 5, 6)) is False
    assert matches(ada, survey_filter("not_answered", 6, None)) is True
    assert matches(bob, survey_filter("opened", 5, None)) is False  # sent, never opened
    assert matches(bob, survey_filter("opened", 6, 7)) is True


def segment_filter(operator: str, segment_id: int) -> dict:
    return {"kind": "segment", "operator": operator, "segment": segment_id}


def survey_filter(operator: str, page_id: int, within_days: int | None) -> dict:
    return {"kind": "survey", "operator": operator, "page": page_id, "within_days": within_days}
