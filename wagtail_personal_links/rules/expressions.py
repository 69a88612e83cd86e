"""Typed values of JSON attributes, as SQL that never raises, spelled for each database.

Attribute values arrive as JSON numbers, numeric text, dates as text, or
anything else an import let through. Each expression below yields the value
in its type, or SQL ``NULL`` when the stored value does not fit: the text is
checked (a regex on PostgreSQL, ``GLOB`` patterns on SQLite) before any cast,
so a wrong-typed value fails to match instead of aborting the query
(PostgreSQL raises on a bad cast). The SQL reads the JSON document as few
times as it can, since parsing it is most of the cost of a count.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from django.db import NotSupportedError
from django.db.models import BooleanField, CharField, F, FloatField, Func, Value
from django.db.models.functions import Coalesce

__all__ = [
    "AttributeDate",
    "AttributeIsSet",
    "AttributeNumber",
    "AttributeText",
    "true_or_false",
]

ATTRIBUTES = "attributes"
#: What a key must look like to be written into SQL as a literal (attribute keys always do).
SQL_SAFE_KEY = re.compile(r"^[a-z][a-z0-9_]{0,49}$")

# SQLite has no regex of its own (Django's is a Python callback, slow on 100,000
# rows); these GLOBs accept exactly what ^-?[0-9]+(\.[0-9]+)?$ accepts.
SQLITE_NUMERIC = (
    "({value} NOT GLOB '*[^0-9.-]*' AND {value} NOT GLOB '?*-*' AND {value} NOT GLOB '*.*.*'"
    " AND {value} GLOB '*[0-9]' AND ({value} GLOB '[0-9]*' OR {value} GLOB '-[0-9]*')"
    " AND {value} NOT GLOB '*.' AND {value} NOT GLOB '*-.*')"
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
    """The value as lowercase text, for string and number values; else ``NULL``."""

    output_field = CharField()
    sqlite = "CASE WHEN {type} IN ('text', 'integer', 'real') THEN lower({value}) END"
    postgresql = "CASE WHEN {type} IN ('string', 'number') THEN lower({text}) END"


class AttributeNumber(AttributeSQL):
    """The value as a number: a JSON number, or text that reads as one; else ``NULL``."""

    output_field = FloatField()
    sqlite = (
        "CASE {type} WHEN 'integer' THEN {value} WHEN 'real' THEN {value} "
        f"WHEN 'text' THEN CASE WHEN {SQLITE_NUMERIC} THEN CAST({{value}} AS REAL) END END"
    )
    # A double holds any number Python's json writes except integers of some 300
    # digits; those (and numeric text as long) are left out rather than let the
    # cast overflow.
    postgresql = (
        "CASE {type} WHEN 'number' THEN CASE WHEN length({text}) < 300"
        " THEN CAST({text} AS double precision) END"
        " WHEN 'string' THEN CASE WHEN length({text}) < 300 AND {text} ~ '^-?[0-9]+(\\.[0-9]+)?$'"
        " THEN CAST({text} AS double precision) END END"
    )


class AttributeDate(AttributeSQL):
    """The value's date as ``YYYY-MM-DD`` text, which sorts as dates do; else ``NULL``.

    Comparing ISO dates as text is comparing them as dates, and unlike a cast
    it cannot fail on a stored "2024-02-30".
    """

    output_field = CharField()
    sqlite = f"CASE WHEN {{type}} = 'text' AND {SQLITE_DATE} THEN substr({{value}}, 1, 10) END"
    postgresql = (
        "CASE {type} WHEN 'string' THEN CASE WHEN {text} ~ '^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}'"
        " THEN left({text}, 10) END END"
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
