"""The django-import-export resource for contacts: upserting import, and export.

The command line uses it through django-import-export's own commands::

    manage.py import wagtail_personal_links.resources.ContactResource contacts.csv
    manage.py export CSV wagtail_personal_links.resources.ContactResource
"""

from __future__ import annotations

from copy import deepcopy
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.fields import Field
from import_export.resources import ModelResource
from import_export.results import InvalidRow, Result
from tablib import Dataset

from .conf import personal_links_settings
from .exports import escape_cell
from .import_columns import Columns, ContactImportError, cell_text, match_columns, render_value
from .import_fields import (
    AttributeField,
    ContactInstanceLoader,
    EmailField,
    EmailWidget,
    TextWidget,
    max_length,
)
from .models import Contact
from .models.contacts import normalize_email

__all__ = ["ContactResource", "Duplicates", "InvalidRowsError", "RowChanges"]

CONTACT_FIELDS = ("email", "external_id", "first_name", "last_name")


class Duplicates(models.TextChoices):
    """What an import does with a row that matches an existing contact."""

    SKIP = "skip", gettext_lazy("Skip: leave existing contacts untouched")
    UPDATE = "update", gettext_lazy("Update: change the columns given, keep the rest")
    OVERWRITE = "overwrite", gettext_lazy("Overwrite: as update, and replace all attributes")


class InvalidRowsError(ContactImportError):
    """Some rows are invalid, so the import changes nothing."""


@dataclass
class RowChanges:
    """What importing one row changes: (column, before, after) triples."""

    row: int
    is_new: bool
    contact: str
    changes: list[tuple[str, str, str]]


class ContactResource(ModelResource):
    """Contacts in and out of spreadsheets, one row per contact.

    A row updates the contact with its Custom ID when it has one, and otherwise
    the contact with its email, ignoring case. Columns that are not contact
    fields are attributes. An empty cell changes nothing.
    """

    email = EmailField("email", "Email", EmailWidget(max_length("email")))
    custom_id = Field(
        "external_id", "Custom ID", TextWidget(max_length("external_id")), saves_null_values=False
    )
    first_name = Field(
        "first_name", "First name", TextWidget(max_length("first_name")), saves_null_values=False
    )
    last_name = Field(
        "last_name", "Last name", TextWidget(max_length("last_name")), saves_null_values=False
    )

    class Meta:
        model = Contact
        fields = ("email", "custom_id", "first_name", "last_name")
        import_id_fields = ()  # rows are matched in get_instance()
        instance_loader_class = ContactInstanceLoader
        use_bulk = True
        skip_diff = True

    def __init__(
        self, duplicates: str = Duplicates.UPDATE, preview_limit: int = 0, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.duplicates = Duplicates(duplicates)
        self.preview_limit = preview_limit
        self.columns = Columns(fields={}, attributes={})
        self.preview: list[RowChanges] = []
        self.seen_emails: dict[str, int] = {}
        self.seen_custom_ids: dict[str, int] = {}

    def import_data(self, dataset: Dataset, *args: Any, **kwargs: Any) -> Result:
        """Import the rows, or none of them when the columns or the size are unusable."""
        try:
            self.prepare_import(dataset)
        except ContactImportError as error:
            result = self.get_result_class()()
            result.total_rows = len(dataset)
            result.append_base_error(self.get_error_result_class()(error))
            return result
        return super().import_data(dataset, *args, **kwargs)

    def prepare_import(self, dataset: Dataset) -> None:
        """Check the dataset's size and headers, and make a field for each column."""
        limit = personal_links_settings.IMPORT_MAX_ROWS
        if len(dataset) > limit:
            raise ContactImportError(
                [
                    _(
                        "The file has %(rows)s rows; at most %(limit)s can be imported "
                        "at once. Split it into smaller files."
                    )
                    % {"rows": number_format(len(dataset)), "limit": number_format(limit)}
                ]
            )
        self.columns = match_columns(dataset)
        if not len(dataset):
            raise ContactImportError([_("The file has a header row but no contacts.")])
        self.fields = deepcopy(type(self).fields)
        for field in self.fields.values():
            field.column_name = self.columns.fields.get(field.attribute, field.column_name)
        for key, header in self.columns.attributes.items():
            self.fields[key] = AttributeField(key, header)
        self.preview, self.seen_emails, self.seen_custom_ids = [], {}, {}

    def row_keys(self, row: dict[str, Any]) -> tuple[str | None, str | None]:
        """Return the row's Custom ID and lowercased email: what it is matched by."""
        custom_id = cell_text(row.get(self.fields["custom_id"].column_name))
        email = normalize_email(cell_text(row.get(self.fields["email"].column_name)))
        return custom_id or None, email.lower() or None

    def before_import_row(self, row: dict[str, Any], **kwargs: Any) -> None:
        """Refuse a row whose email or Custom ID an earlier row already has."""
        custom_id, email = self.row_keys(row)
        sheet_row = kwargs["row_number"] + 1  # the header is row 1, as in spreadsheets
        for name, key, seen in (
            ("email", email, self.seen_emails),
            ("external_id", custom_id, self.seen_custom_ids),
        ):
            if key in seen:
                raise ValidationError(
                    {
                        name: _("'%(value)s' is already in row %(row)d")
                        % {"value": self.cell(row, name), "row": seen[key]}
                    }
                )
        if email:
            self.seen_emails[email] = sheet_row
        if custom_id:
            self.seen_custom_ids[custom_id] = sheet_row

    def get_instance(self, instance_loader: ContactInstanceLoader, row: dict[str, Any]) -> Any:
        """Return the contact with the row's Custom ID, else the one with its email."""
        custom_id, email = self.row_keys(row)
        by_custom_id, by_email = instance_loader.contacts_for(custom_id, email)
        if by_custom_id and by_email and by_custom_id.pk != by_email.pk:
            message = _("'%(email)s' is the email of another contact than Custom ID '%(id)s'")
            raise ValidationError(
                {"email": message % {"email": self.cell(row, "email"), "id": custom_id}}
            )
        if by_custom_id is None and by_email is not None and custom_id and by_email.external_id:
            message = _("'%(id)s' does not match '%(email)s', whose Custom ID is '%(other)s'")
            values = {"id": custom_id, "email": by_email.email, "other": by_email.external_id}
            raise ValidationError({"external_id": message % values})
        return by_custom_id or by_email

    def after_init_instance(
        self, instance: Contact, new: bool, row: dict[str, Any], **kwargs: Any
    ) -> None:
        instance._import_original = None if new else self.values_of(instance)
        if not new and self.duplicates == Duplicates.OVERWRITE:
            instance.attributes = {}

    def skip_row(
        self,
        instance: Contact,
        original: Any,
        row: dict[str, Any],
        import_validation_errors: dict | None = None,
    ) -> bool:
        """Skip blank rows, unchanged contacts, and existing contacts in skip mode."""
        if import_validation_errors:
            return not any(cell_text(value) for value in row.values())
        if instance._import_original is None:
            return False
        return self.duplicates == Duplicates.SKIP or not self.changes(instance)

    def before_save_instance(self, instance: Contact, row: dict[str, Any], **kwargs: Any) -> None:
        if instance._import_original is not None:
            instance.updated_at = timezone.now()  # bulk_update() skips auto_now

    def after_save_instance(self, instance: Contact, row: dict[str, Any], **kwargs: Any) -> None:
        if len(self.preview) < self.preview_limit:
            is_new = instance._import_original is None
            self.preview.append(
                RowChanges(kwargs["row_number"] + 1, is_new, str(instance), self.changes(instance))
            )

    def after_import(self, dataset: Dataset, result: Result, **kwargs: Any) -> None:
        """Fail the whole import when any row is invalid, naming every one."""
        super().after_import(dataset, result, **kwargs)
        if result.invalid_rows:
            raise InvalidRowsError(
                [line for row in result.invalid_rows for line in self.describe_invalid_row(row)]
            )

    def get_bulk_update_fields(self) -> list[str]:
        return [*CONTACT_FIELDS, "attributes", "updated_at"]

    def describe_invalid_row(self, invalid_row: InvalidRow) -> list[str]:
        """Return a line per error: "row 17, Email: 'bob@' is not a valid email address"."""
        row = invalid_row.number + 1
        return [
            _("row %(row)d: %(message)s") % {"row": row, "message": message}
            if name == NON_FIELD_ERRORS
            else _("row %(row)d, %(column)s: %(message)s")
            % {"row": row, "column": self.columns.label(name), "message": message}
            for name, messages in invalid_row.error_dict.items()
            for message in messages
        ]

    def cell(self, row: dict[str, Any], name: str) -> str:
        """Return the text of the row's cell for a contact field."""
        return cell_text(row.get(self.columns.fields.get(name)))

    def values_of(self, contact: Contact) -> dict[str, str]:
        """Return the contact's fields and attributes as the text a file holds."""
        values = {name: render_value(getattr(contact, name)) for name in CONTACT_FIELDS}
        values.update((key, render_value(value)) for key, value in contact.attributes.items())
        return values

    def changes(self, contact: Contact) -> list[tuple[str, str, str]]:
        """Return (column, before, after) for each value the import changes."""
        before, after = contact._import_original or {}, self.values_of(contact)
        return [
            (self.columns.label(name), before.get(name, ""), after.get(name, ""))
            for name in {**before, **after}
            if before.get(name, "") != after.get(name, "")
        ]

    def before_export(self, queryset: Any, **kwargs: Any) -> None:
        """Give every attribute key of the exported contacts a column."""
        contacts = self.get_queryset() if queryset is None else queryset
        if isinstance(contacts, models.QuerySet):
            attributes = contacts.values_list("attributes", flat=True).iterator()
        else:
            attributes = (contact.attributes for contact in contacts)
        keys = sorted({key for values in attributes for key in values})
        self.fields = deepcopy(type(self).fields)
        self.fields.update((key, AttributeField(key, key)) for key in keys)

    def export_field(self, field: Field, instance: Contact, **kwargs: Any) -> str:
        """Export a cell escaped, so that spreadsheets show formulas as text."""
        return escape_cell(super().export_field(field, instance, **kwargs))
