"""Contact attribute keys: the name, label and data type of each attribute."""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..rules.operators import DATE_RE, NUMBER_RE
from .contacts import ATTRIBUTE_KEY_RE, RESERVED_ATTRIBUTE_KEYS

__all__ = [
    "DATE_RE",
    "NUMBER_RE",
    "AttributeType",
    "ContactAttributeKey",
    "check_attribute_types",
    "infer_type",
    "value_fits",
]


class AttributeType(models.TextChoices):
    """How an attribute's values are compared."""

    TEXT = "text", _("Text")
    NUMBER = "number", _("Number")
    DATE = "date", _("Date")


def _is_date(value: str) -> bool:
    if not re.match(DATE_RE, value):
        return False
    try:
        datetime.date.fromisoformat(value[:10])
    except ValueError:
        return False
    return True


def value_fits(value: Any, data_type: str) -> bool:
    """Tell whether ``value`` is a valid value for an attribute of ``data_type``.

    An empty value (``None`` or ``""``) fits every type: it means "not set".
    """
    if value is None or value == "" or data_type == AttributeType.TEXT:
        return True
    if isinstance(value, bool):
        return False
    if data_type == AttributeType.NUMBER:
        return isinstance(value, int | float) or bool(re.match(NUMBER_RE, str(value).strip()))
    return isinstance(value, str) and _is_date(value.strip())


def infer_type(value: Any) -> str:
    """Return the type a new key takes from its first value."""
    if isinstance(value, bool) or value is None or value == "":
        return AttributeType.TEXT
    if value_fits(value, AttributeType.NUMBER):
        return AttributeType.NUMBER
    if value_fits(value, AttributeType.DATE):
        return AttributeType.DATE
    return AttributeType.TEXT


_TYPE_ERRORS = {
    AttributeType.NUMBER: _("“%(value)s” is not a number, which “%(key)s” takes."),
    AttributeType.DATE: _("“%(value)s” is not a date (YYYY-MM-DD), which “%(key)s” takes."),
}


class ContactAttributeKeyQuerySet(models.QuerySet):
    """Queries over attribute keys."""

    def types(self) -> dict[str, str]:
        """Return ``{key: data_type}`` for every key."""
        return dict(self.values_list("key", "data_type"))

    def register(self, attributes: Mapping[str, Any]) -> None:
        """Create the keys of ``attributes`` not known yet, typed by their values."""
        known = set(self.filter(key__in=list(attributes)).values_list("key", flat=True))
        self.bulk_create(
            [
                ContactAttributeKey(key=key, data_type=infer_type(value))
                for key, value in attributes.items()
                if key not in known
            ],
            ignore_conflicts=True,
        )


def check_attribute_types(
    attributes: Mapping[str, Any], types: Mapping[str, str]
) -> dict[str, ValidationError]:
    """Return an error for each value that does not fit its key's type, by key."""
    errors = {}
    for key, value in attributes.items():
        data_type = types.get(key, infer_type(value))
        if not value_fits(value, data_type):
            message = _TYPE_ERRORS[data_type]
            errors[key] = ValidationError(
                message, code="invalid_type", params={"key": key, "value": value}
            )
    return errors


class ContactAttributeKey(models.Model):
    """A key of ``Contact.attributes``, with the type its values are compared by."""

    key = models.CharField(
        _("key"),
        max_length=50,
        unique=True,
        help_text=_("Lowercase letters, digits and underscores, as in the contacts' attributes."),
    )
    label = models.CharField(_("label"), max_length=255, blank=True)
    description = models.TextField(_("description"), blank=True)
    data_type = models.CharField(
        _("data type"), max_length=16, choices=AttributeType.choices, default=AttributeType.TEXT
    )
    is_unique = models.BooleanField(
        _("is unique"),
        default=False,
        help_text=_("Whether each contact is expected to have a different value."),
    )

    objects = ContactAttributeKeyQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact attribute key")
        verbose_name_plural = _("contact attribute keys")
        ordering = ["key"]

    def __str__(self) -> str:
        return self.label or self.key

    def clean(self) -> None:
        """Refuse a key the contacts' attributes could not hold."""
        super().clean()
        if not ATTRIBUTE_KEY_RE.match(self.key or ""):
            raise ValidationError(
                {
                    "key": _(
                        "Use lowercase letters, digits and underscores, starting with a letter."
                    )
                }
            )
        if self.key in RESERVED_ATTRIBUTE_KEYS:
            raise ValidationError({"key": _("This is the name of a built-in contact field.")})
