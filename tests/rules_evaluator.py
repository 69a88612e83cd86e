"""A plain-Python reading of the rule language, for checking the compiled queries against.

It states the semantics the compiler must keep: a missing or wrong-typed
value fails a positive test, text ignores case, numbers compare numerically,
dates by their ``YYYY-MM-DD`` prefix. Segment and survey filters are read
from :class:`Facts`, plain data the caller passes: who is in which static
segment, each dynamic segment's rules, and when each contact answered or
opened a link to each page. A contact is in a segment that no longer exists
never; it has answered (or opened) a page when it has an answer (or a link
opened) at ``now`` minus ``within_days`` days or later, any time without it.
"""

from __future__ import annotations

import datetime
import operator
import re
from dataclasses import dataclass, field

from django.utils import timezone

from wagtail_personal_links.models.attribute_keys import DATE_RE, NUMBER_RE
from wagtail_personal_links.rules.dates import shift

__all__ = ["Facts", "evaluate"]

COMPARE = {
    "equals": operator.eq,
    "contains": operator.contains,
    "starts_with": str.startswith,
    "ends_with": str.endswith,
    "eq": operator.eq,
    "lt": operator.lt,
    "lte": operator.le,
    "gt": operator.gt,
    "gte": operator.ge,
    "before": operator.lt,
    "after": operator.gt,
    "same_day": operator.eq,
}
#: Attribute values a text or number filter reads (not an object, a list or null).
SCALARS = (str, int, float, bool)
NEGATIONS = {
    "not_equals": "equals",
    "not_contains": "contains",
    "ne": "eq",
    "is_not_set": "is_set",
}


@dataclass(frozen=True)
class Facts:
    """What segment and survey filters read, as plain data keyed by ids."""

    #: Static segment id -> its members' contact ids.
    members: dict[int, set[int]] = field(default_factory=dict)
    #: Dynamic segment id -> its rule tree.
    rules: dict[int, dict] = field(default_factory=dict)
    #: (page id, contact id) -> when each of the contact's answers to the page was submitted.
    answers: dict[tuple[int, int], list[datetime.datetime]] = field(default_factory=dict)
    #: (page id, contact id) -> when each of the contact's links to the page was first
    #: opened, ``None`` for a link never opened.
    opens: dict[tuple[int, int], list[datetime.datetime | None]] = field(default_factory=dict)


def evaluate(tree: dict, contact, now: datetime.datetime, facts: Facts | None = None) -> bool:
    """Tell whether ``contact`` matches ``tree``, reading segments and surveys from ``facts``."""
    facts = facts or Facts()
    runs: list[list[bool]] = []
    for index, item in enumerate(tree.get("items", [])):
        if index == 0 or item.get("connector") == "or":
            runs.append([])
        value = (
            evaluate(item["group"], contact, now, facts)
            if "group" in item
            else _leaf(item, contact, now, facts)
        )
        runs[-1].append(value)
    result = any(all(run) for run in runs) if runs else True
    return not result if tree.get("negate") else result


def _leaf(item: dict, contact, now: datetime.datetime, facts: Facts) -> bool:
    spec = item["filter"]
    operator_name = spec["operator"]
    if spec["kind"] == "segment":
        member = _in_segment(spec["segment"], contact, now, facts)
        return not member if operator_name == "not_in" else member
    if spec["kind"] == "survey":
        done = _interacted(spec, contact, now, facts)
        return not done if operator_name.startswith("not_") else done
    if operator_name in NEGATIONS:
        return not _test(spec, NEGATIONS[operator_name], contact, now)
    return _test(spec, operator_name, contact, now)


def _in_segment(segment_id: int, contact, now: datetime.datetime, facts: Facts) -> bool:
    if segment_id in facts.members:
        return contact.pk in facts.members[segment_id]
    if segment_id in facts.rules:
        return evaluate(facts.rules[segment_id], contact, now, facts)
    return False


def _interacted(spec: dict, contact, now: datetime.datetime, facts: Facts) -> bool:
    """Tell whether ``contact`` answered (or opened a link to) the page in the window."""
    found = facts.answers if spec["operator"].endswith("answered") else facts.opens
    times = [time for time in found.get((spec["page"], contact.pk), []) if time is not None]
    days = spec.get("within_days")
    if days is None:
        return bool(times)
    since = now - datetime.timedelta(days=days)
    return any(time >= since for time in times)


def _raw(spec: dict, contact):
    if spec["kind"] == "field":
        return getattr(contact, spec["key"])
    return contact.attributes.get(spec["key"])


def _test(spec: dict, operator_name: str, contact, now: datetime.datetime) -> bool:
    raw = _raw(spec, contact)
    if operator_name == "is_set":
        return raw is not None and raw != "" and not isinstance(raw, dict | list)
    if spec["kind"] == "field" and spec["key"] == "created_at":
        return _created(operator_name, spec["value"], raw, now)
    if operator_name in ("equals", "contains", "starts_with", "ends_with"):
        text = _text(raw)
        return text is not None and COMPARE[operator_name](text, spec["value"].strip().lower())
    if operator_name in ("eq", "lt", "lte", "gt", "gte"):
        number = _number(raw)
        return number is not None and COMPARE[operator_name](number, float(spec["value"]))
    return _date_test(operator_name, spec["value"], _date(raw), now)


def _text(raw) -> str | None:
    if not isinstance(raw, SCALARS) or isinstance(raw, bool):
        return None
    return str(raw).lower()


def _number(raw) -> float | None:
    if not isinstance(raw, SCALARS) or isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        return float(raw)
    return float(raw) if re.match(NUMBER_RE, raw) else None


def _date(raw) -> str | None:
    return raw[:10] if isinstance(raw, str) and re.match(DATE_RE, raw) else None


def _date_test(operator_name: str, value, date: str | None, now) -> bool:
    if date is None:
        return False
    if operator_name == "between":
        low, high = sorted(value)
        return low <= date <= high
    if operator_name in COMPARE:
        return COMPARE[operator_name](date, value)
    cutoff = shift(timezone.localdate(now), value["amount"], value["unit"]).isoformat()
    return date < cutoff if operator_name == "older_than" else date >= cutoff


def _created(operator_name: str, value, created: datetime.datetime, now) -> bool:
    if operator_name in ("older_than", "newer_than"):
        cutoff = shift(now, value["amount"], value["unit"])
        return created < cutoff if operator_name == "older_than" else created >= cutoff
    day = timezone.localtime(created).date().isoformat()
    return _date_test(operator_name, value, day, now)
