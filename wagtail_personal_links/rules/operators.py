"""The rule language's vocabulary: filter kinds, fields, operators and units."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

__all__ = [
    "BUILTIN_FIELDS",
    "DATE_OPERATORS",
    "DATE_RE",
    "MAX_DEPTH",
    "MAX_FILTERS",
    "NUMBER_OPERATORS",
    "NUMBER_RE",
    "OPERATORS_BY_TYPE",
    "SEGMENT_OPERATORS",
    "SURVEY_OPERATORS",
    "TEXT_OPERATORS",
    "UNITS",
]

#: The text of a number the rules compare numerically (JSON numbers and numeric text).
NUMBER_RE = r"^-?[0-9]+(\.[0-9]+)?$"
#: The text of a date the rules compare as a date: ISO 8601, optionally with a time.
DATE_RE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}"

#: Groups nest at most this deep, and a tree holds at most this many filters.
MAX_DEPTH = 10
MAX_FILTERS = 100

# Each operator name belongs to one type only, so a filter compiles the same
# way whatever its key's type has become since it was saved.
TEXT_OPERATORS = {
    "equals": _("equals"),
    "not_equals": _("does not equal"),
    "contains": _("contains"),
    "not_contains": _("does not contain"),
    "starts_with": _("starts with"),
    "ends_with": _("ends with"),
    "is_set": _("is set"),
    "is_not_set": _("is not set"),
}
NUMBER_OPERATORS = {
    "eq": "=",
    "ne": "≠",
    "lt": "<",
    "lte": "≤",
    "gt": ">",
    "gte": "≥",
    "is_set": _("is set"),
    "is_not_set": _("is not set"),
}
DATE_OPERATORS = {
    "before": _("is before"),
    "after": _("is after"),
    "between": _("is between"),
    "same_day": _("is same day as"),
    "older_than": _("is older than"),
    "newer_than": _("is newer than"),
    "is_set": _("is set"),
    "is_not_set": _("is not set"),
}
SEGMENT_OPERATORS = {"in": _("is in"), "not_in": _("is not in")}
SURVEY_OPERATORS = {
    "answered": _("has answered"),
    "not_answered": _("has not answered"),
    "opened": _("has opened the link to"),
    "not_opened": _("has not opened the link to"),
}
OPERATORS_BY_TYPE = {"text": TEXT_OPERATORS, "number": NUMBER_OPERATORS, "date": DATE_OPERATORS}

#: Built-in contact fields a filter can test, with their type.
BUILTIN_FIELDS = {
    "email": ("text", _("Email")),
    "first_name": ("text", _("First name")),
    "last_name": ("text", _("Last name")),
    "external_id": ("text", _("Custom ID")),
    "created_at": ("date", _("Created")),
}
UNITS = {"days": _("days"), "weeks": _("weeks"), "months": _("months"), "years": _("years")}
