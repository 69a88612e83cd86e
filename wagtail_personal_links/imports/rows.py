"""Rules about the rows of a contact file: duplicates within it, and which contact a row is.

They raise ``ValidationError`` keyed by contact field, so that django-import-export
reports them as an invalid row and the column names them the way the file does.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import Contact

__all__ = ["Duplicates", "RowChanges", "SeenKeys", "matching_contact"]


class Duplicates(models.TextChoices):
    """What an import does with a row that matches an existing contact."""

    SKIP = "skip", gettext_lazy("Skip: leave existing contacts untouched")
    UPDATE = "update", gettext_lazy("Update: change the columns given, keep the rest")
    OVERWRITE = "overwrite", gettext_lazy("Overwrite: as update, and replace all attributes")


@dataclass
class RowChanges:
    """What importing one row changes: (column, before, after) triples."""

    row: int
    is_new: bool
    contact: str
    changes: list[tuple[str, str, str]]


@dataclass
class SeenKeys:
    """The emails and Custom IDs of the rows read so far, each with the row it was first on."""

    emails: dict[str, int] = field(default_factory=dict)
    custom_ids: dict[str, int] = field(default_factory=dict)

    def add(
        self, custom_id: str | None, email: str | None, row: int, cells: dict[str, str]
    ) -> None:
        """Remember a row's keys; refuse it when an earlier row has its email or Custom ID.

        ``cells`` holds the row's email and external_id cells as the file spells them.
        """
        for name, key, seen in (("email", email, self.emails),
                                ("external_id", custom_id, self.custom_ids)):  # fmt: skip
            if key in seen:
                message = _("'%(value)s' is already in row %(row)d")
                raise ValidationError({name: message % {"value": cells[name], "row": seen[key]}})
        if email:
            self.emails[email] = row
        if custom_id:
            self.custom_ids[custom_id] = row


def matching_contact(
    by_custom_id: Contact | None, by_email: Contact | None, custom_id: str | None, email_cell: str
) -> Contact | None:
    """Return the contact a row updates: the one with its Custom ID, else the one with its email.

    Refuse a row whose email belongs to another contact than its Custom ID, or
    whose Custom ID differs from the one its email's contact already has.
    """
    if by_custom_id and by_email and by_custom_id.pk != by_email.pk:
        message = _("'%(email)s' is the email of another contact than Custom ID '%(id)s'")
        raise ValidationError({"email": message % {"email": email_cell, "id": custom_id}})
    if by_custom_id is None and by_email is not None and custom_id and by_email.external_id:
        message = _("'%(id)s' does not match '%(email)s', whose Custom ID is '%(other)s'")
        values = {"id": custom_id, "email": by_email.email, "other": by_email.external_id}
        raise ValidationError({"external_id": message % values})
    return by_custom_id or by_email
