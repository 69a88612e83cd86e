"""The django-import-export resource for contacts: upserting import, and export.

The command line uses it through django-import-export's own commands::

    manage.py import wagtail_personal_links.resources.ContactResource contacts.csv
    manage.py export CSV wagtail_personal_links.resources.ContactResource
"""

from __future__ import annotations

from copy import deepcopy
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from import_export.fields import Field
from import_export.resources import ModelResource
from import_export.results import Result
from tablib import Dataset

from ..cells import escape_cell
from ..conf import personal_links_settings
from ..models import Contact
from ..models.contacts import CONTACT_FIELDS
from .bulk import ExecutemanyUpdateMixin
from .columns import (
    Columns,
    ContactImportError,
    InvalidRowsError,
    cell_text,
    match_columns,
)
from .fields import (
    AttributeField,
    ContactInstanceLoader,
    EmailField,
    EmailWidget,
    contact_values,
    max_length,
    text_field,
)
from .rows import Duplicates, RowChanges, SeenKeys, matching_contact

__all__ = ["ContactResource", "Duplicates", "RowChanges"]  # the last two from .rows


class ContactResource(ExecutemanyUpdateMixin, ModelResource):
    """Contacts in and out of spreadsheets, one row per contact.

    A row updates the contact with its Custom ID when it has one, and otherwise
    the contact with its email, ignoring case. Columns that are not contact
    fields are attributes. An empty cell changes nothing.

    ``Meta`` sets what django-import-export can express; what stays custom,
    in its named hooks, and why: the file's size and headers are checked
    before any row (``import_data``), because columns are matched by alias and
    become attribute fields; rows are matched by Custom ID *or* email, which
    ``import_id_fields`` cannot say (``get_instance``, with a prefetching
    loader); a file naming one contact twice is refused row by row
    (``before_import_row``); the preview needs each row's before and after
    (``after_init_instance``, ``after_save_instance``); one invalid row fails
    the whole import (``after_import``); and exports give each attribute a
    column and escape formulas (``before_export``, ``export_field``).
    """

    email = EmailField("email", "Email", EmailWidget(max_length("email")))
    custom_id = text_field("external_id", "Custom ID")
    first_name = text_field("first_name", "First name")
    last_name = text_field("last_name", "Last name")

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
        self.seen = SeenKeys()

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
            message = _(
                "The file has %(rows)s rows; at most %(limit)s can be imported at once. "
                "Split it into smaller files."
            )
            values = {"rows": number_format(len(dataset)), "limit": number_format(limit)}
            raise ContactImportError([message % values])
        self.columns = match_columns(dataset)
        if not len(dataset):
            raise ContactImportError([_("The file has a header row but no contacts.")])
        self.fields = deepcopy(type(self).fields)
        for field in self.fields.values():
            field.column_name = self.columns.fields.get(field.attribute, field.column_name)
        for key, header in self.columns.attributes.items():
            self.fields[key] = AttributeField(key, header)
        self.preview, self.seen = [], SeenKeys()

    def before_import_row(self, row: dict[str, Any], **kwargs: Any) -> None:
        """Refuse a row whose email or Custom ID an earlier row already has."""
        cells = {name: self.cell(row, name) for name in ("email", "external_id")}
        # The header is row 1, as in spreadsheets.
        self.seen.add(*self.columns.row_keys(row), kwargs["row_number"] + 1, cells)

    def get_instance(self, instance_loader: ContactInstanceLoader, row: dict[str, Any]) -> Any:
        """Return the contact with the row's Custom ID, else the one with its email."""
        custom_id, email = self.columns.row_keys(row)
        found = instance_loader.contacts_for(custom_id, email)
        return matching_contact(*found, custom_id, self.cell(row, "email"))

    def after_init_instance(
        self, instance: Contact, new: bool, row: dict[str, Any], **kwargs: Any
    ) -> None:
        instance._import_original = None if new else contact_values(instance)
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
            instance.updated_at = timezone.now()  # a bulk UPDATE skips auto_now

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
                [line for row in result.invalid_rows for line in self.columns.describe(row)]
            )

    def get_bulk_update_fields(self) -> list[str]:
        return [*CONTACT_FIELDS, "attributes", "updated_at"]

    def cell(self, row: dict[str, Any], name: str) -> str:
        """Return the text of the row's cell for a contact field."""
        return cell_text(row.get(self.columns.fields.get(name)))

    def changes(self, contact: Contact) -> list[tuple[str, str, str]]:
        """Return (column, before, after) for each value the import changes."""
        return self.columns.changes(contact._import_original or {}, contact_values(contact))

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
