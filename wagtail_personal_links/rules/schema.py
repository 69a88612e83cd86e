"""The shape of a rule tree, and its validation.

A tree is a group::

    {"negate": false, "items": [
        {"filter": {"kind": "attribute", "key": "plan", "operator": "equals", "value": "pro"}},
        {"connector": "and", "group": {"negate": false, "items": [...]}},
    ]}

Every item after the first names its ``connector``, ``and`` or ``or``; ``and``
binds tighter than ``or``. A filter is one of:

* ``{"kind": "field" | "attribute", "key", "operator", "value"}``: text values
  are non-empty strings, numbers are numbers, dates are ``"YYYY-MM-DD"``,
  ``between`` takes two dates, ``older_than``/``newer_than`` take
  ``{"amount": n, "unit": "days" | "weeks" | "months" | "years"}``, and
  ``is_set``/``is_not_set`` take no value;
* ``{"kind": "segment", "operator": "in" | "not_in", "segment": id}``;
* ``{"kind": "survey", "operator": "answered" | "not_answered" | "opened" |
  "not_opened", "page": id, "within_days": n | null}``.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .operators import (
    BUILTIN_FIELDS,
    MAX_DEPTH,
    MAX_FILTERS,
    OPERATORS_BY_TYPE,
    SEGMENT_OPERATORS,
    SURVEY_OPERATORS,
    UNITS,
)

__all__ = ["EMPTY_RULES", "filters_of", "ids_named_by", "validate_rules"]

#: The most days, weeks, months or years an "older than" filter counts back.
MAX_AMOUNT = 1000

EMPTY_RULES: dict[str, Any] = {"negate": False, "items": []}


def filters_of(tree: Any) -> Iterator[Mapping[str, Any]]:
    """Yield every filter of a tree, depth first, passing over what is malformed.

    The rule builder reads trees that have not been validated yet.
    """
    items = tree.get("items") if isinstance(tree, Mapping) else None
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, Mapping):
            continue
        if "group" in item:
            yield from filters_of(item["group"])
        elif isinstance(item.get("filter"), Mapping):
            yield item["filter"]


def ids_named_by(tree: Any, kind: str, name: str) -> set[int]:
    """Return the ids that the filters of ``kind`` in ``tree`` hold in ``name``.

    ``ids_named_by(tree, "segment", "segment")`` are the segments a tree
    names, ``ids_named_by(tree, "survey", "page")`` its survey pages; values
    that are not ids (in a tree not validated yet) are left out.
    """
    values = (spec.get(name) for spec in filters_of(tree) if spec.get("kind") == kind)
    return {value for value in values if isinstance(value, int) and not isinstance(value, bool)}


def validate_rules(tree: Any, attribute_types: Mapping[str, str]) -> None:
    """Raise ``ValidationError`` listing what is wrong with ``tree``, if anything.

    ``attribute_types`` maps each known attribute key to its type; a filter on
    an unknown key, or with an operator its type does not offer, is refused.
    """
    errors: list[str] = []
    _check_group(tree, attribute_types, errors, depth=1, top=True)
    if not errors and sum(1 for _filter in filters_of(tree)) > MAX_FILTERS:
        errors.append(_("Use at most %(max)d filters.") % {"max": MAX_FILTERS})
    if errors:
        raise ValidationError(errors, code="invalid_rules")


def _check_group(group: Any, types: Mapping[str, str], errors: list, *, depth: int, top: bool):
    if not isinstance(group, dict) or not isinstance(group.get("items"), list):
        errors.append(_("A group must be an object with a list of items."))
        return
    if not isinstance(group.get("negate", False), bool):
        errors.append(_("A group's “negate” must be true or false."))
    if depth > MAX_DEPTH:
        errors.append(_("Groups nest at most %(max)d deep.") % {"max": MAX_DEPTH})
        return
    if not group["items"] and not top:
        errors.append(_("A group needs at least one filter."))
    for index, item in enumerate(group["items"]):
        _check_item(item, index, types, errors, depth)


def _check_item(item: Any, index: int, types: Mapping[str, str], errors: list, depth: int):
    if not isinstance(item, dict) or len({"filter", "group"} & set(item)) != 1:
        errors.append(_("Each item must hold either a filter or a group."))
        return
    connector = item.get("connector")
    if index and connector not in ("and", "or"):
        errors.append(_("Join each filter to the one before with “and” or “or”."))
    if "group" in item:
        _check_group(item["group"], types, errors, depth=depth + 1, top=False)
    else:
        error = _filter_error(item["filter"], types)
        if error:
            errors.append(error)


def _filter_error(spec: Any, types: Mapping[str, str]) -> str | None:
    if not isinstance(spec, dict):
        return _("A filter must be an object.")
    kind = spec.get("kind")
    if kind == "segment":
        return _reference_error(spec, "segment", SEGMENT_OPERATORS, _("Choose a segment."))
    if kind == "survey":
        error = _reference_error(spec, "page", SURVEY_OPERATORS, _("Choose a survey page."))
        days = spec.get("within_days")
        if error is None and days is not None and not _positive_int(days):
            error = _("“Within the last” takes a whole number of days, 1 or more.")
        return error
    if kind not in ("field", "attribute"):
        return _("Unknown kind of filter: “%(kind)s”.") % {"kind": kind}
    key = spec.get("key")
    data_type = BUILTIN_FIELDS.get(key, (None,))[0] if kind == "field" else types.get(key)
    if data_type is None:
        return _("Unknown field or attribute: “%(key)s”.") % {"key": key}
    # Messages name a field as the rule builder shows it ("Custom ID", not "external_id").
    name = str(BUILTIN_FIELDS[key][1]) if kind == "field" else key
    operator = spec.get("operator")
    if operator not in OPERATORS_BY_TYPE[data_type]:
        return _("“%(operator)s” cannot be used with “%(key)s”.") % {
            "operator": operator,
            "key": name,
        }
    return _value_error(data_type, operator, spec.get("value"), name)


def _reference_error(spec: dict, name: str, operators: Mapping, missing: str) -> str | None:
    if spec.get("operator") not in operators:
        return _("Unknown operator: “%(operator)s”.") % {"operator": spec.get("operator")}
    if not _positive_int(spec.get(name)):
        return missing
    return None


def _value_error(data_type: str, operator: str, value: Any, key: str) -> str | None:
    params = {"key": key}
    if operator in ("is_set", "is_not_set"):
        return None
    if data_type == "text":
        ok = isinstance(value, str) and value.strip() != ""
        return None if ok else _("Give a value to compare “%(key)s” with.") % params
    if data_type == "number":
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return None if ok else _("Give a number to compare “%(key)s” with.") % params
    if operator in ("older_than", "newer_than"):
        ok = (
            isinstance(value, dict)
            and _positive_int(value.get("amount"))
            and value["amount"] <= MAX_AMOUNT
            and value.get("unit") in UNITS
        )
        if not ok:
            return _("Give a number of days, weeks, months or years, up to %(max)d.") % {
                "max": MAX_AMOUNT
            }
        return None
    dates = value if operator == "between" else [value]
    if not isinstance(dates, list) or len(dates) != (2 if operator == "between" else 1):
        return _("Give two dates for “is between”.")
    if not all(_is_iso_date(item) for item in dates):
        return _("Give dates as YYYY-MM-DD to compare “%(key)s” with.") % params
    return None


def _positive_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _is_iso_date(value: Any) -> bool:
    if not isinstance(value, str) or len(value) != 10:
        return False
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True
