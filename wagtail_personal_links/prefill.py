"""Fill survey fields from the contact a link belongs to: prefilled, or hidden and set here.

A form field whose clean name is a built-in contact field (``email``,
``first_name``, ``last_name``, ``custom_id``) or an attribute key takes the
contact's value. A visible field gets it as its initial value, which the
respondent may change. A field of Wagtail's "Hidden field" type is taken out
of the form altogether and its value set on the server when the answer is
stored, so whatever a browser posts for it is ignored.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Contact
from .models.contacts import ATTRIBUTE_KEY_RE

__all__ = ["BUILT_IN_FIELDS", "FieldSource", "apply_contact", "field_sources", "hidden_values"]

#: Form field clean name -> Contact field, for the contact's own details.
BUILT_IN_FIELDS = {
    "email": "email",
    "first_name": "first_name",
    "last_name": "last_name",
    "custom_id": "external_id",
}
#: Where a form keeps the values of its hidden fields until the answer is stored.
HIDDEN_VALUES = "personal_links_hidden_values"


@dataclass(frozen=True)
class FieldSource:
    """Where one form field of a survey takes its value from, for the editor to see."""

    name: str
    label: str
    key: str
    built_in: bool
    hidden: bool

    @property
    def description(self) -> str:
        """Say where the value comes from, in the editor's words."""
        if self.built_in:
            return str(_("the contact’s %(field)s") % {"field": self.key})  # noqa: RUF001
        return str(_("the contact attribute “%(key)s”") % {"key": self.key})


def contact_value(contact: Contact | None, name: str) -> str | None:
    """Return the contact's value for the form field ``name``, or None if it has none."""
    if contact is None:
        return None
    if name in BUILT_IN_FIELDS:
        value = getattr(contact, BUILT_IN_FIELDS[name])
    else:
        value = (contact.attributes or {}).get(name)
    return None if value in (None, "") else str(value)


def _is_hidden(field: forms.Field) -> bool:
    return isinstance(field.widget, forms.HiddenInput)


def apply_contact(form: forms.Form, contact: Contact | None) -> forms.Form:
    """Prefill fields from ``contact``; take hidden fields out of the form, keeping their values.

    Hidden fields are taken out even without a contact, so that nobody can
    post a value for them; they are then stored empty.
    """
    hidden: dict[str, str] = {}
    for name, field in list(form.fields.items()):
        if name not in BUILT_IN_FIELDS and not ATTRIBUTE_KEY_RE.match(name):
            continue
        value = contact_value(contact, name)
        if _is_hidden(field):
            del form.fields[name]
            hidden[name] = value or ""
        elif value is not None:
            form.initial[name] = value
    setattr(form, HIDDEN_VALUES, hidden)
    return form


def hidden_values(form: forms.Form) -> dict[str, str]:
    """Return the values :func:`apply_contact` set aside for the form's hidden fields."""
    return getattr(form, HIDDEN_VALUES, {})


def field_sources(page: Any) -> list[FieldSource]:
    """List the page's form fields that take a contact's value, and from where."""
    sources = []
    for form_field in page.get_form_fields():
        name = form_field.clean_name
        built_in = name in BUILT_IN_FIELDS
        if not built_in and not ATTRIBUTE_KEY_RE.match(name):
            continue
        if not built_in and not Contact.objects.filter(attributes__has_key=name).exists():
            continue
        sources.append(
            FieldSource(
                name=name,
                label=form_field.label,
                key=BUILT_IN_FIELDS.get(name, name),
                built_in=built_in,
                hidden=form_field.field_type == "hidden",
            )
        )
    return sources
