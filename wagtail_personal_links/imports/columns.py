"""Read the columns of a contact file: which header fills which contact field.

Errors and changes are then told by column, the way the file names them.

Headers are matched without regard to case, spaces, underscores or hyphens, so
"E-mail", "Email Address" and "email" all name the email. Every other column
becomes an attribute of the contact, under a normalised key.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext as _
from import_export.results import InvalidRow
from tablib import Dataset

from ..cells import unescape_cell
from ..models.contacts import email_key, format_attribute_value, validate_attributes

__all__ = [
    "FIELD_ALIASES",
    "Columns",
    "ContactImportError",
    "InvalidRowsError",
    "attribute_key",
    "cell_text",
    "cell_value",
    "match_columns",
]

#: Contact field -> the other spellings its column may have.
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "email": ("Email", "E-mail", "Email Address"),
    "external_id": ("Custom ID", "userId", "User ID", "ExternalDataReference", "External ID"),
    "first_name": ("FirstName", "First Name"),
    "last_name": ("LastName", "Last Name"),
}

_IGNORED_IN_HEADERS = re.compile(r"[\s_\-\ufeff]+")


def _compact(header: str) -> str:
    return _IGNORED_IN_HEADERS.sub("", header).lower()


_FIELD_BY_ALIAS = {
    _compact(alias): field
    for field, aliases in FIELD_ALIASES.items()
    for alias in (field, *aliases)
}


class ContactImportError(Exception):
    """A file that cannot be imported at all, with the reasons as readable lines."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("\n".join(messages))
        self.messages = messages

    def __repr__(self) -> str:
        # django-import-export's import command prints repr() of base errors.
        return str(self)


class InvalidRowsError(ContactImportError):
    """Some rows are invalid, so the import changes nothing."""


@dataclass(frozen=True)
class Columns:
    """Where each contact field and attribute is in a file: name or key -> header."""

    fields: dict[str, str]
    attributes: dict[str, str]
    #: Field names and attribute keys in the order of the file's columns.
    order: tuple[str, ...] = ()

    def label(self, name: str) -> str:
        """Return the header of the column that fills ``name``, as the file spells it."""
        header = self.fields.get(name) or self.attributes.get(name) or name
        return header.lstrip("\ufeff").strip()

    def row_keys(self, row: dict[str, Any]) -> tuple[str | None, str | None]:
        """Return the row's Custom ID and lowercased email: what it is matched by."""
        custom_id = cell_text(row.get(self.fields.get("external_id")))
        email = email_key(cell_text(row.get(self.fields.get("email"))))
        return custom_id or None, email or None

    def describe(self, invalid_row: InvalidRow) -> list[str]:
        """Return a line per error: "row 17, Email: 'bob@' is not a valid email address"."""
        row = invalid_row.number + 1  # the header is row 1, as in spreadsheets
        return [
            _("row %(row)d: %(message)s") % {"row": row, "message": message}
            if name == NON_FIELD_ERRORS
            else _("row %(row)d, %(column)s: %(message)s")
            % {"row": row, "column": self.label(name), "message": message}
            for name, messages in invalid_row.error_dict.items()
            for message in messages
        ]

    def changes(self, before: dict[str, str], after: dict[str, str]) -> list[tuple[str, str, str]]:
        """Return (column, before, after) for each value that differs, in the file's order."""
        names = [
            name for name in {**before, **after} if before.get(name, "") != after.get(name, "")
        ]
        names.sort(
            key=lambda name: self.order.index(name) if name in self.order else len(self.order)
        )
        return [(self.label(name), before.get(name, ""), after.get(name, "")) for name in names]


def attribute_key(header: str) -> str:
    """Return the attribute key a column header becomes: "Plan Tier" -> "plan_tier"."""
    # casefold() spells ß as ss; NFKD splits accents off letters, to be dropped.
    folded = unicodedata.normalize("NFKD", header.casefold())
    return re.sub(r"[^a-z0-9]+", "_", folded.encode("ascii", "ignore").decode()).strip("_")


def match_columns(dataset: Dataset) -> Columns:
    """Map the dataset's headers to contact fields and attribute keys.

    Raise :class:`ContactImportError` listing every header problem at once.
    """
    fields: dict[str, str] = {}
    attributes: dict[str, str] = {}
    order, problems = [], []
    for index, raw in enumerate(dataset.headers or []):
        header = cell_text(raw)
        if not header:
            if any(cell_text(cell) for cell in dataset.get_col(index)):
                problems.append(
                    _("Column %(number)d has values but no header.") % {"number": index + 1}
                )
            continue
        field = _FIELD_BY_ALIAS.get(_compact(header))
        name, taken = (field, fields) if field else (attribute_key(header), attributes)
        if problem := _column_problem(header, name, taken, is_attribute=not field):
            problems.append(problem)
        else:
            taken[name] = raw
            order.append(name)
    if "email" not in fields:
        problems.insert(0, _("The file has no email column. Name one column “Email”."))
    if problems:
        raise ContactImportError(problems)
    return Columns(fields=fields, attributes=attributes, order=tuple(order))


def _column_problem(
    header: str, name: str, taken: dict[str, str], *, is_attribute: bool
) -> str | None:
    if name in taken:
        return _("The columns “%(first)s” and “%(second)s” both fill “%(name)s”; keep one.") % {
            "first": cell_text(taken[name]),
            "second": header,
            "name": name,
        }
    if is_attribute:
        try:
            validate_attributes({name: None})
        except ValidationError as error:
            return _("Column “%(header)s”: %(message)s") % {
                "header": header,
                "message": error.messages[0],
            }
    return None


def cell_text(value: Any) -> str:
    """Return a cell as stripped text, the way it reads in a spreadsheet."""
    value = cell_value(value)
    if value is None:
        return ""
    return format_attribute_value(value)


def cell_value(value: Any) -> str | int | float | bool | None:
    """Return a cell as a JSON scalar: text stays text, numbers and booleans stay so.

    Text loses the apostrophe that exports put before formula-like cells.
    Empty cells are ``None``.
    """
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return unescape_cell(str(value).strip()) or None
