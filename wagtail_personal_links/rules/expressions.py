"""Typed values of JSON attributes, as SQL that never raises, spelled for each database.

Attribute values arrive as JSON numbers, numeric text, dates as text, or
anything else an import let through. A number is read only once its text has
been checked (a regex on PostgreSQL, ``GLOB`` patterns on SQLite), so a
wrong-typed value yields SQL ``NULL`` and fails to match instead of aborting
the query (PostgreSQL raises on a bad cast). Text and dates are compared
without a cast, so they come as a cheap value plus a type guard that the
compiler tests second: most rows fail the comparison and never pay for the
type check. The SQL reads the JSON document as few times as it can, since
reading it is most of the cost of a count.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from django.db import NotSupportedError
from django.db.models import BooleanField, CharField, F, FloatField, Func, Value
from django.db.models.functions import Coalesce

__all__ = [
    "AttributeDate",
    "AttributeIsDate",
    "AttributeIsNumber",
    "AttributeIsSet",
    "AttributeIsText",
    "AttributeNumber",
    "AttributeText",
    "true_or_false",
]

ATTRIBUTES = "attributes"
#: What a key must look like to be written into SQL as a literal (attribute keys always do).
SQL_SAFE_KEY = re.compile(r"^[a-z][a-z0-9_]{0,49}$")

# SQLite has no regex of its own (Django's is a Python callback, slow on 100,000
# rows); these GLOBs accept exactly what ^-?[0-9]+(\.[0-9]+)?$ accepts: only
# digits, dots and minus signs; a digit last; a digit first after at most one
# leading minus; no minus later; at most one dot. Each reads the JSON value
# again, so there are as few as that takes.
SQLITE_NUMERIC = (
    "({value} NOT GLOB '*[^0-9.-]*' AND {value} GLOB '*[0-9]'"
    " AND ltrim({value}, '-') GLOB '[0-9]*' AND {value} NOT GLOB '?*-*'"
    " AND {value} NOT GLOB '*.*.*')"
)
SQLITE_DATE = "{value} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*'"


class AttributeSQL(Func):
    """SQL over one key of the contact's attributes, from a template per database.

    Templates use ``{type}`` (the JSON type, in that database's names),
    ``{value}`` (the value as SQL text or number) and ``{text}`` (as text).
    The key is written into the SQL as a literal, which is safe because only
    keys matching ``SQL_SAFE_KEY`` (lowercase letters, digits, underscores, as
    attribute keys are) are accepted; it keeps each template's parameters simple.
    """

    sqlite: ClassVar[str]
    postgresql: ClassVar[str]

    def __init__(self, key: str) -> None:
        if not SQL_SAFE_KEY.match(key):
            raise ValueError(f"Not an attribute key: {key!r}")
        super().__init__(F(ATTRIBUTES))
        self.key = key

    def _column(self, compiler: Any) -> str:
        column, params = compiler.compile(self.source_expressions[0])
        assert not params, "an attribute column takes no parameters"
        return column

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, tuple]:
        column, path = self._column(compiler), f"'$.\"{self.key}\"'"
        value = f"json_extract({column}, {path})"
        parts = {"type": f"json_type({column}, {path})", "value": value, "text": value}
        return "(" + self.sqlite.format(**parts).replace("%", "%%") + ")", ()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, tuple]:
        column = self._column(compiler)
        parts = {
            "type": f"jsonb_typeof({column} -> '{self.key}')",
            "text": f"({column} ->> '{self.key}')",
        }
        return "(" + self.postgresql.format(**parts).replace("%", "%%") + ")", ()

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, tuple]:
        raise NotSupportedError(
            f"Rule-based segments support SQLite and PostgreSQL, not {connection.vendor}."
        )


class AttributeText(AttributeSQL):
    """The value's text in lowercase, whatever its JSON type; ``NULL`` when missing.

    An object or a boolean yields some text too: a filter pairs this with
    :class:`AttributeIsText`, and tests the value first, so that most rows are
    rejected before their type is looked at.
    """

    output_field = CharField()
    sqlite = "lower({value})"
    postgresql = "lower({text})"


class AttributeIsText(AttributeSQL):
    """Whether the value is a string or a number: true or false, never ``NULL``."""

    output_field = BooleanField()
    conditional = True
    sqlite = "coalesce({type} IN ('text', 'integer', 'real'), 0)"
    postgresql = "coalesce({type} IN ('string', 'number'), false)"


class AttributeNumber(AttributeSQL):
    """The value as a number where it is one; pair it with :class:`AttributeIsNumber`.

    PostgreSQL raises on a bad cast, so there the value is checked before it
    is cast and anything else yields ``NULL``. SQLite's casts never fail, so
    there any value is cast and the guard, tested second, rejects what is not
    a JSON number or numeric text.
    """

    output_field = FloatField()
    sqlite = "CAST({value} AS REAL)"
    # A double holds any number Python's json writes except integers of some 300
    # digits; those (and numeric text as long) are left out rather than let the
    # cast overflow.
    postgresql = (
        "CASE {type} WHEN 'number' THEN CASE WHEN length({text}) < 300"
        " THEN CAST({text} AS double precision) END"
        " WHEN 'string' THEN CASE WHEN length({text}) < 300 AND {text} ~ '^-?[0-9]+(\\.[0-9]+)?$'"
        " THEN CAST({text} AS double precision) END END"
    )


class AttributeIsNumber(AttributeSQL):
    """Whether the value is a number, as :class:`AttributeNumber` reads it: never ``NULL``.

    Always true on PostgreSQL, where :class:`AttributeNumber` checks for itself.
    """

    output_field = BooleanField()
    conditional = True
    sqlite = (
        "CASE {type} WHEN 'integer' THEN 1 WHEN 'real' THEN 1 "
        f"WHEN 'text' THEN {SQLITE_NUMERIC} ELSE 0 END"
    )
    postgresql = "true"


class AttributeDate(AttributeSQL):
    """The first ten characters of the value's text; ``NULL`` when missing.

    For a date that is ``YYYY-MM-DD``, and comparing ISO dates as text is
    comparing them as dates; unlike a cast it cannot fail on a stored
    "2024-02-30". Pair it with :class:`AttributeIsDate`, tested second, as
    :class:`AttributeText` is paired.
    """

    output_field = CharField()
    sqlite = "substr({value}, 1, 10)"
    postgresql = "left({text}, 10)"


class AttributeIsDate(AttributeSQL):
    """Whether the value is text that starts with a date: true or false, never ``NULL``."""

    output_field = BooleanField()
    conditional = True
    sqlite = f"coalesce({{type}} = 'text' AND {SQLITE_DATE}, 0)"
    postgresql = (
        "coalesce({type} = 'string' AND {text} ~ '^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}', false)"
    )


class AttributeIsSet(AttributeSQL):
    """Whether the key holds a non-empty value of any type: true or false, never ``NULL``."""

    output_field = BooleanField()
    conditional = True
    sqlite = (
        "CASE {type} WHEN 'text' THEN {value} <> '' WHEN 'integer' THEN 1 WHEN 'real' THEN 1 "
        "WHEN 'true' THEN 1 WHEN 'false' THEN 1 ELSE 0 END"
    )
    postgresql = (
        "CASE {type} WHEN 'string' THEN {text} <> '' WHEN 'number' THEN true "
        "WHEN 'boolean' THEN true ELSE false END"
    )


def true_or_false(condition: Any) -> Coalesce:
    """Return ``condition`` with SQL ``NULL`` read as false, so that negating it is exact."""
    return Coalesce(condition, Value(False), output_field=BooleanField())
