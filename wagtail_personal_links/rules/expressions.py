"""Typed values of JSON attributes, as SQL expressions that never raise.

Attribute values arrive as JSON numbers, numeric text, dates as text, or
anything else an import let through. Each expression below yields the value
in its type, or SQL ``NULL`` when the stored value does not fit: a regex
checks the text before any cast, so a wrong-typed value simply fails to
match instead of aborting the query (PostgreSQL raises on a bad cast).
"""

from __future__ import annotations

from typing import Any

from django.db import NotSupportedError
from django.db.models import (
    Case,
    CharField,
    Expression,
    F,
    FloatField,
    Func,
    Q,
    When,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Left, Lower
from django.db.models.lookups import Exact, In, Regex

from ..models.attribute_keys import DATE_RE, NUMBER_RE

__all__ = ["JSONTypeOf", "attribute_date", "attribute_number", "attribute_text", "has_value"]

ATTRIBUTES = "attributes"


class JSONTypeOf(Func):
    """The JSON type of one key of a JSON column: ``string``, ``number``, ``boolean`` or ``null``.

    A missing key is ``null`` too, never SQL ``NULL``, so that a negated test
    of the type stays true or false. SQLite's names (``text``, ``integer``,
    ``real``, ``true``, ``false``) are mapped to PostgreSQL's.
    """

    output_field = CharField()

    def __init__(self, key: str, field: str = ATTRIBUTES) -> None:
        super().__init__(F(field))
        self.key = key

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, tuple]:
        column, params = compiler.compile(self.source_expressions[0])
        return f"COALESCE(jsonb_typeof({column} -> %s), 'null')", (*params, self.key)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, tuple]:
        column, params = compiler.compile(self.source_expressions[0])
        sql = (
            f"(CASE json_type({column}, %s) WHEN 'text' THEN 'string' "
            "WHEN 'integer' THEN 'number' WHEN 'real' THEN 'number' "
            "WHEN 'true' THEN 'boolean' WHEN 'false' THEN 'boolean' ELSE 'null' END)"
        )
        return sql, (*params, f'$."{self.key}"')

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, tuple]:
        raise NotSupportedError(
            f"Rule-based segments support SQLite and PostgreSQL, not {connection.vendor}."
        )


def _text(key: str) -> KeyTextTransform:
    return KeyTextTransform(key, ATTRIBUTES)


def attribute_text(key: str) -> Expression:
    """Return the attribute's value as lowercase text, for string and number values."""
    return Case(
        When(In(JSONTypeOf(key), ["string", "number"]), then=Lower(_text(key))),
        output_field=CharField(),
    )


def attribute_number(key: str) -> Expression:
    """Return the attribute as a number: a JSON number, or text that reads as one."""
    fits = Q(In(JSONTypeOf(key), ["string", "number"])) & Q(Regex(_text(key), NUMBER_RE))
    return Case(When(fits, then=Cast(_text(key), FloatField())), output_field=FloatField())


def attribute_date(key: str) -> Expression:
    """Return the attribute's date as ``YYYY-MM-DD`` text, which sorts as dates do.

    Comparing ISO dates as text is comparing them as dates, and unlike a cast
    it cannot fail on a stored "2024-02-30".
    """
    fits = Q(Exact(JSONTypeOf(key), "string")) & Q(Regex(_text(key), DATE_RE))
    return Case(When(fits, then=Left(_text(key), 10)), output_field=CharField())


def has_value(key: str) -> Q:
    """Select contacts with a non-empty value under ``key``, of any type."""
    return Q(In(JSONTypeOf(key), ["string", "number", "boolean"])) & ~Q(Exact(_text(key), ""))
