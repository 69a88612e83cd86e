"""Form submissions that came through personal links."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.forms.models import AbstractFormSubmission

from .contacts import Contact
from .links import PersonalLink

__all__ = ["PersonalLinkFormSubmission"]


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
    personal_link = models.OneToOneField(
        PersonalLink,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="submission",
        verbose_name=_("personal link"),
    )
    contact_external_id = models.CharField(_("Custom ID"), max_length=255, blank=True)
    contact_email = models.EmailField(_("email"), max_length=254, blank=True)
    contact_first_name = models.CharField(_("first name"), max_length=150, blank=True)
    contact_last_name = models.CharField(_("last name"), max_length=150, blank=True)
    contact_attributes = models.JSONField(_("attributes"), default=dict, blank=True)

    class Meta(AbstractFormSubmission.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["page", "contact"],
                name="wagtail_personal_links_one_answer_per_contact",
            ),
        ]
