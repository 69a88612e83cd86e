"""Compile a rule tree to one ``Q`` over contacts, so membership is one query.

Every leaf is true or false, never SQL ``NULL``: a missing or wrong-typed
value fails a positive test, so negating a filter or a group selects exactly
the contacts the positive form leaves out (a contact without a plan "does not
equal pro"). Text is compared ignoring case (SQLite folds ASCII letters only).

The compiler knows contacts' fields and attributes by name only. Filters on
other segments and on survey pages are turned into conditions by the
:class:`References` the caller passes, which is how the models, a room
above, lend it their querysets.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from django.db.models import F, Q
from django.db.models.functions import Lower
from django.db.models.lookups import (
    Contains,
    EndsWith,
    Exact,
    GreaterThan,
    GreaterThanOrEqual,
    LessThan,
    LessThanOrEqual,
    StartsWith,
)
from django.utils import timezone

from .dates import shift
from .expressions import (
    AttributeDate,
    AttributeIsDate,
    AttributeIsNumber,
    AttributeIsSet,
    AttributeIsText,
    AttributeNumber,
    AttributeText,
    true_or_false,
)
from .guards import Guarded, conjunction, guarded, whole
from .operators import BUILTIN_FIELDS

__all__ = ["NOTHING", "References", "compile_rules"]


class References(Protocol):
    """What the filters on other segments and on survey pages select."""

    def segment_members(self, segment_id: int) -> Q:
        """Return the condition "is a member of segment ``segment_id``"."""

    def survey_interaction(
        self, operator: str, page_id: int, since: datetime.datetime | None
    ) -> Q:
        """Return the condition "has answered" (or "opened") page ``page_id`` since ``since``."""


TEXT_LOOKUPS = {
    "equals": Exact,
    "contains": Contains,
    "starts_with": StartsWith,
    "ends_with": EndsWith,
}
NUMBER_LOOKUPS = {
    "eq": Exact,
    "lt": LessThan,
    "lte": LessThanOrEqual,
    "gt": GreaterThan,
    "gte": GreaterThanOrEqual,
}
DATE_LOOKUPS = {"before": LessThan, "after": GreaterThan, "same_day": Exact}
NEGATIONS = {
    "not_equals": "equals",
    "not_contains": "contains",
    "ne": "eq",
    "is_not_set": "is_set",
}
#: A condition no contact meets.
NOTHING = Q(pk__in=[])


def compile_rules(
    tree: Mapping[str, Any],
    *,
    references: References | None = None,
    now: datetime.datetime | None = None,
) -> Q:
    """Return the condition a contact meets to match ``tree`` (validated beforehand).

    ``references`` answers segment and survey filters; without it they match nobody.
    """
    return _Compiler(references, now or timezone.now()).group(tree)


class _Compiler:
    def __init__(self, references: References | None, now: datetime.datetime) -> None:
        self.references = references
        self.now = now

    def group(self, group: Mapping[str, Any]) -> Q:
        # "and" binds tighter than "or": split at each "or", AND within runs.
        runs: list[list[Q | Guarded]] = []
        for index, item in enumerate(group.get("items", [])):
            if index == 0 or item.get("connector") == "or":
                runs.append([])
            runs[-1].append(self.group(item["group"]) if "group" in item else self.leaf(item))
        if not runs:
            return NOTHING if group.get("negate") else Q()
        condition = Q()
        for run in runs:
            both = conjunction(run)
            condition = both if not condition else condition | both
        return ~condition if group.get("negate") else condition

    def leaf(self, item: Mapping[str, Any]) -> Q | Guarded:
        spec = item["filter"]
        operator = spec["operator"]
        if operator in NEGATIONS and spec["kind"] in ("field", "attribute"):
            return ~whole(self.compare(spec, NEGATIONS[operator]))
        if spec["kind"] == "segment":
            return self.segment(spec)
        if spec["kind"] == "survey":
            return self.survey(spec)
        return self.compare(spec, operator)

    def compare(self, spec: Mapping[str, Any], operator: str) -> Q | Guarded:
        key, value = spec["key"], spec.get("value")
        builtin = spec["kind"] == "field"
        if operator == "is_set":
            if builtin:
                blank = Q(**{key: ""}) if BUILTIN_FIELDS[key][0] == "text" else Q(pk__in=[])
                return Q(**{f"{key}__isnull": False}) & ~blank
            return Q(AttributeIsSet(key))
        if builtin and key == "created_at":
            return self.created_at(operator, value)
        if operator in TEXT_LOOKUPS:
            lookup, text = TEXT_LOOKUPS[operator], value.strip().lower()
            if builtin:
                return _typed(Lower(F(key)), lookup, text)
            return guarded(AttributeIsText(key), lookup(AttributeText(key), text))
        if operator in NUMBER_LOOKUPS:
            number = true_or_false(NUMBER_LOOKUPS[operator](AttributeNumber(key), float(value)))
            return guarded(AttributeIsNumber(key), number)
        return self.attribute_date(key, operator, value)

    def attribute_date(self, key: str, operator: str, value: Any) -> Guarded:
        date = AttributeDate(key)
        if operator == "between":
            low, high = sorted(value)
            return guarded(
                AttributeIsDate(key), GreaterThanOrEqual(date, low), LessThanOrEqual(date, high)
            )
        if operator in DATE_LOOKUPS:
            return guarded(AttributeIsDate(key), DATE_LOOKUPS[operator](date, value))
        cutoff = shift(timezone.localdate(self.now), value["amount"], value["unit"]).isoformat()
        lookup = LessThan if operator == "older_than" else GreaterThanOrEqual
        return guarded(AttributeIsDate(key), lookup(date, cutoff))

    def created_at(self, operator: str, value: Any) -> Q:
        if operator == "between":
            low, high = sorted(value)
            return Q(created_at__date__gte=low, created_at__date__lte=high)
        if operator in DATE_LOOKUPS:
            suffix = {"before": "lt", "after": "gt", "same_day": "exact"}[operator]
            return Q(**{f"created_at__date__{suffix}": value})
        cutoff = shift(self.now, value["amount"], value["unit"])
        return Q(created_at__lt=cutoff) if operator == "older_than" else Q(created_at__gte=cutoff)

    def segment(self, spec: Mapping[str, Any]) -> Q:
        members = self.references.segment_members(spec["segment"]) if self.references else NOTHING
        return ~members if spec["operator"] == "not_in" else members

    def survey(self, spec: Mapping[str, Any]) -> Q:
        if self.references is None:
            return NOTHING
        since = _since(self.now, spec.get("within_days"))
        positive = spec["operator"].removeprefix("not_")
        done = self.references.survey_interaction(positive, spec["page"], since)
        return done if positive == spec["operator"] else ~done


def _typed(expression: Any, lookup: Callable, value: Any) -> Q:
    return Q(true_or_false(lookup(expression, value)))


def _since(now: datetime.datetime, days: int | None) -> datetime.datetime | None:
    return None if days is None else now - datetime.timedelta(days=days)
