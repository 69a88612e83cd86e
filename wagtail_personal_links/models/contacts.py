"""Contacts: the people a survey invites."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

__all__ = [
    "CONTACT_FIELDS",
    "RESERVED_ATTRIBUTE_KEYS",
    "Contact",
    "email_key",
    "format_attribute_value",
    "normalize_custom_id",
    "normalize_email",
    "validate_attributes",
]

#: A contact's own fields, besides its attributes, in the order files list them.
CONTACT_FIELDS = ("external_id", "first_name", "last_name", "email")

ATTRIBUTE_KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,49}$")

#: Names an attribute may not take, because a built-in field already has them.
RESERVED_ATTRIBUTE_KEYS = frozenset(
    {
        "id",
        "pk",
        "email",
        "external_id",
        "custom_id",
        "userid",
        "user_id",
        "first_name",
        "last_name",
        "attributes",
        "created_at",
        "updated_at",
        "segments",
    }
)


def normalize_email(email: str) -> str:
    """Return the address stripped, with its domain part lowercased."""
    email = (email or "").strip()
    local, sep, domain = email.rpartition("@")
    return f"{local}{sep}{domain.lower()}" if sep else email


def email_key(email: str) -> str:
    """Return what emails are compared by: normalised, then lowercased, as the constraint does."""
    return normalize_email(email).lower()


def normalize_custom_id(custom_id: str | None) -> str | None:
    """Return the Custom ID stripped, or ``None`` for a blank one (blanks never clash)."""
    return (custom_id or "").strip() or None


def format_attribute_value(value: Any) -> str:
    """Return an attribute value as the text a file or an editor holds for it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def validate_attributes(value: Any) -> None:
    """Accept a JSON object of slug-like keys to scalar values (or null)."""
    if not isinstance(value, dict):
        raise ValidationError(_("Attributes must be a set of key/value pairs."), code="invalid")
    for key, item in value.items():
        if not isinstance(key, str) or not ATTRIBUTE_KEY_RE.match(key):
            raise ValidationError(
                _(
                    "“%(key)s” is not a valid attribute key: use lowercase letters, digits "
                    "and underscores, starting with a letter, at most 50 characters."
                ),
                code="invalid_key",
                params={"key": key},
            )
        if key in RESERVED_ATTRIBUTE_KEYS:
            raise ValidationError(
                _("“%(key)s” is the name of a built-in contact field; choose another key."),
                code="reserved_key",
                params={"key": key},
            )
        if item is not None and not isinstance(item, str | int | float | bool):
            raise ValidationError(
                _("The value of “%(key)s” must be text, a number or true/false."),
                code="invalid_value",
                params={"key": key},
            )


class ContactQuerySet(models.QuerySet):
    """Queries over contacts that match emails the way the unique constraint does."""

    def with_emails(self, emails: Iterable[str]) -> ContactQuerySet:
        """Select the contacts whose email equals one of ``emails``, ignoring case."""
        lowered = {email_key(email) for email in emails}
        return self.alias(email_lower=Lower("email")).filter(email_lower__in=lowered)

    def with_email(self, email: str) -> ContactQuerySet:
        """Select the contact whose email equals ``email``, ignoring case."""
        return self.with_emails([email])


class Contact(models.Model):
    """A person who can be invited to surveys."""

    email = models.EmailField(_("email"), max_length=254)
    external_id = models.CharField(
        _("Custom ID"),
        max_length=255,
        blank=True,
        null=True,
        unique=True,
        help_text=_("Your own identifier for this person, for example a CRM or user ID."),
    )
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    attributes = models.JSONField(
        _("attributes"), default=dict, blank=True, validators=[validate_attributes]
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ContactQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["last_name", "first_name", "email"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="wagtail_personal_links_contact_email_ci_unique",
                violation_error_message=_("A contact with this email already exists."),
            ),
        ]

    def __str__(self) -> str:
        name = self.full_name
        return f"{name} <{self.email}>" if name else self.email

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.normalize()
        super().save(*args, **kwargs)

    def normalize(self) -> None:
        """Normalise the email and the Custom ID the way they are stored."""
        self.email = normalize_email(self.email)
        self.external_id = normalize_custom_id(self.external_id)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def clean(self) -> None:
        """Normalise the email and Custom ID and name any existing contact they clash with."""
        super().clean()
        self.normalize()
        if self.email:
            clash = Contact.objects.with_email(self.email).exclude(pk=self.pk).first()
            if clash is not None:
                raise ValidationError(
                    {
                        "email": _(
                            "A contact with this email already exists: %(contact)s. "
                            "Emails are compared without regard to case."
                        )
                        % {"contact": clash}
                    },
                    code="duplicate_email",
                )
