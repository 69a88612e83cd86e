"""Form submissions that came through personal links."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.forms.models import AbstractFormSubmission

from .contacts import ATTRIBUTE_KEY_RE, Contact
from .links import PersonalLink

__all__ = [
    "ATTRIBUTE_COLUMN_PREFIX",
    "CONTACT_DATA_FIELDS",
    "PersonalLinkFormSubmission",
    "PersonalLinkFormSubmissionQuerySet",
    "attribute_data_fields",
    "validate_attribute_columns",
]

#: ``(key, heading)`` of the contact columns that :meth:`PersonalLinkFormSubmission.get_data`
#: adds to the answers. The keys are prefixed so that no form field's name can clash.
CONTACT_DATA_FIELDS = [
    ("personal_link_contact_id", _("Contact ID")),
    ("personal_link_custom_id", _("Custom ID")),
    ("personal_link_first_name", _("First Name")),
    ("personal_link_last_name", _("Last Name")),
    ("personal_link_email", _("Email")),
]

#: Prefix of the data keys that carry the attributes copied with an answer.
ATTRIBUTE_COLUMN_PREFIX = "personal_link_attribute_"


def _column_keys(value: str) -> list[str]:
    return [key.strip() for key in value.split(",") if key.strip()]


def validate_attribute_columns(value: str) -> None:
    """Refuse anything but attribute keys separated by commas."""
    bad = [key for key in _column_keys(value) if not ATTRIBUTE_KEY_RE.match(key)]
    if bad:
        raise ValidationError(
            _("“%(key)s” is not an attribute key: use lowercase letters, digits and underscores.")
            % {"key": bad[0]},
            code="invalid_key",
        )


def attribute_data_fields(value: str) -> list[tuple[str, str]]:
    """Return the ``(data key, heading)`` of each attribute column chosen in ``value``."""
    keys = dict.fromkeys(_column_keys(value))
    return [(ATTRIBUTE_COLUMN_PREFIX + key, key) for key in keys if ATTRIBUTE_KEY_RE.match(key)]


class PersonalLinkFormSubmissionQuerySet(models.QuerySet):
    """Answers to survey pages, as the one-answer-per-contact rule reads them."""

    def contacts_own(self) -> PersonalLinkFormSubmissionQuerySet:
        """Select the answers that are their contact's own: not through a team link.

        The database allows one of these per contact per page; answers through
        a link that takes several are bounded by the link instead.
        """
        return self.filter(multi_use=False)


class PersonalLinkFormSubmission(AbstractFormSubmission):
    """A survey answer, attributed to the contact whose link it came through.

    The contact's details are copied at submit time, so the answer keeps its
    attribution when the contact is later changed or deleted.
    """

    contact = models.ForeignKey(
        Contact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey_submissions",
        verbose_name=_("contact"),
    )
    personal_link = models.ForeignKey(
        PersonalLink,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="submissions",
        verbose_name=_("personal link"),
    )
    #: Came through a link that takes several answers (a team link): such
    #: answers are bounded by the link's count, not by one per contact.
    multi_use = models.BooleanField(_("through a multi-use link"), default=False)
    contact_external_id = models.CharField(_("Custom ID"), max_length=255, blank=True)
    contact_email = models.EmailField(_("email"), max_length=254, blank=True)
    contact_first_name = models.CharField(_("first name"), max_length=150, blank=True)
    contact_last_name = models.CharField(_("last name"), max_length=150, blank=True)
    contact_attributes = models.JSONField(_("attributes"), default=dict, blank=True)

    objects = PersonalLinkFormSubmissionQuerySet.as_manager()

    class Meta(AbstractFormSubmission.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["page", "contact"],
                condition=models.Q(multi_use=False),
                name="wagtail_personal_links_one_answer_per_contact",
            ),
        ]
        indexes = [
            # "Has this contact answered this page?", asked of every contact by
            # segment rules and non-responder lists. The constraint's index is
            # partial (a contact's own answers only), so it cannot serve it, and
            # without it SQLite scans all of the page's answers per contact.
            models.Index(fields=["contact", "page"], name="wpl_answer_contact_page"),
        ]

    def get_data(self) -> dict[str, Any]:
        """Return the answers with the contact columns of :data:`CONTACT_DATA_FIELDS`."""
        return {
            **super().get_data(),
            "personal_link_contact_id": self.contact_id,
            "personal_link_custom_id": self.contact_external_id,
            "personal_link_first_name": self.contact_first_name,
            "personal_link_last_name": self.contact_last_name,
            "personal_link_email": self.contact_email,
            **{
                ATTRIBUTE_COLUMN_PREFIX + key: value
                for key, value in (self.contact_attributes or {}).items()
            },
        }

    def attribute_to(self, link: PersonalLink) -> None:
        """Attribute the answer to the link's contact, copying the contact's details.

        Raises ``IntegrityError`` when the contact has already answered this
        page: the database allows one answer per contact per page, except
        through a multi-use link.
        """
        contact = link.contact
        self.personal_link = link
        self.multi_use = link.is_multi_use
        self.contact = contact
        self.contact_external_id = contact.external_id or ""
        self.contact_email = contact.email
        self.contact_first_name = contact.first_name
        self.contact_last_name = contact.last_name
        self.contact_attributes = contact.attributes
        self.save(
            update_fields=[
                "personal_link",
                "multi_use",
                "contact",
                "contact_external_id",
                "contact_email",
                "contact_first_name",
                "contact_last_name",
                "contact_attributes",
            ]
        )
