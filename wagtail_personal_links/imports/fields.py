"""The parts ContactResource is built from: cell widgets, attribute columns, lookups."""

from __future__ import annotations

from itertools import islice
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from import_export import widgets
from import_export.fields import Field
from import_export.instance_loaders import BaseInstanceLoader
from import_export.resources import ModelResource
from tablib import Dataset

from ..models import Contact
from ..models.contacts import CONTACT_FIELDS, email_key, format_attribute_value, normalize_email
from .columns import cell_text, cell_value

__all__ = [
    "AttributeField",
    "ContactInstanceLoader",
    "EmailField",
    "EmailWidget",
    "TextWidget",
    "contact_values",
    "max_length",
    "text_field",
]


def contact_values(contact: Contact) -> dict[str, str]:
    """Return a contact's fields and attributes as the text a file holds for them."""
    values = {name: format_attribute_value(getattr(contact, name)) for name in CONTACT_FIELDS}
    values.update(
        (key, format_attribute_value(value)) for key, value in contact.attributes.items()
    )
    return values


def max_length(name: str) -> int:
    """Return the maximum length of a Contact text field."""
    return Contact._meta.get_field(name).max_length


class TextWidget(widgets.Widget):
    """A cell as stripped text of at most ``max_length`` characters; empty is ``None``."""

    def __init__(self, max_length: int) -> None:
        super().__init__()
        self.max_length = max_length

    def clean(self, value: Any, row: dict | None = None, **kwargs: Any) -> str | None:
        text = cell_text(value)
        if len(text) > self.max_length:
            raise ValueError(
                _("'%(start)s…' is longer than %(max_length)d characters")
                % {"start": text[:20], "max_length": self.max_length}
            )
        return text or None


def text_field(attribute: str, column_name: str) -> Field:
    """Return the field for a Contact text field; an empty cell leaves it as it is."""
    widget = TextWidget(max_length(attribute))
    return Field(attribute, column_name, widget, saves_null_values=False)


class EmailWidget(TextWidget):
    """A cell holding one valid email address, its domain lowercased."""

    def clean(self, value: Any, row: dict | None = None, **kwargs: Any) -> str:
        text = super().clean(value) or ""
        if not text:
            raise ValueError(_("an email address is required"))
        try:
            validate_email(text)
        except ValidationError:
            raise ValueError(
                _("'%(value)s' is not a valid email address") % {"value": text}
            ) from None
        return normalize_email(text)


class EmailField(Field):
    """The email column: a change of case only is no change."""

    def save(self, instance: Contact, row: dict, is_m2m: bool = False, **kwargs: Any) -> None:
        email = self.clean(row, **kwargs)
        if (instance.email or "").lower() != email.lower():
            instance.email = email


class AttributeWidget(widgets.Widget):
    """A cell holding one attribute value: text, a number or true/false."""

    def clean(self, value: Any, row: dict | None = None, **kwargs: Any) -> Any:
        return cell_value(value)

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return format_attribute_value(value)


class AttributeField(Field):
    """One attribute of the contact, in a column of its own."""

    def __init__(self, key: str, column_name: str) -> None:
        super().__init__(attribute=key, column_name=column_name, widget=AttributeWidget())

    def get_value(self, instance: Contact) -> Any:
        return instance.attributes.get(self.attribute)

    def save(self, instance: Contact, row: dict, is_m2m: bool = False, **kwargs: Any) -> None:
        value = self.clean(row, **kwargs)
        if value is not None:  # an empty cell leaves the attribute as it is
            instance.attributes[self.attribute] = value


class ContactInstanceLoader(BaseInstanceLoader):
    """Find the contacts that rows refer to, with one query per chunk of rows.

    Rows are looked up in file order: when a row's keys are not in the chunk
    at hand, the contacts for the next ``chunk_size`` rows are fetched at once.
    """

    chunk_size = 1000

    def __init__(self, resource: ModelResource, dataset: Dataset) -> None:
        super().__init__(resource, dataset)
        headers, columns = dataset.headers, resource.columns
        self._keys = (
            columns.row_keys(dict(zip(headers, values, strict=True))) for values in dataset
        )
        self._chunk: set[tuple[str | None, str | None]] = set()
        self._by_custom_id: dict[str, Contact] = {}
        self._by_email: dict[str, Contact] = {}

    def contacts_for(
        self, custom_id: str | None, email: str | None
    ) -> tuple[Contact | None, Contact | None]:
        """Return the contact with this Custom ID and the one with this email, if any."""
        while (custom_id, email) not in self._chunk:
            self._fetch(list(islice(self._keys, self.chunk_size)) or [(custom_id, email)])
        return self._by_custom_id.get(custom_id), self._by_email.get(email)

    def _fetch(self, keys: list[tuple[str | None, str | None]]) -> None:
        self._chunk = set(keys)
        custom_ids = {custom_id for custom_id, _ in keys if custom_id}
        emails = {email for _, email in keys if email}
        contacts = self.resource.get_queryset()
        contacts = contacts.with_emails(emails) | contacts.filter(external_id__in=custom_ids)
        self._by_custom_id, self._by_email = {}, {}
        for contact in contacts.order_by():
            if contact.external_id:
                self._by_custom_id[contact.external_id] = contact
            self._by_email[email_key(contact.email)] = contact
