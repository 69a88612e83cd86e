"""The form editors fill in to send invitations or reminders to a batch's contacts."""

from __future__ import annotations

import datetime
from email.utils import parseaddr
from typing import Any

from django import forms
from django.conf import settings
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks import default_task_backend
from wagtail.admin.widgets import AdminDateTimeInput

from ..conf import personal_links_settings
from ..mailing.defaults import default_message
from ..mailing.placeholders import MessageText, as_placeholder
from ..models import Contact, EmailKind, LinkBatch, MessageTemplate

__all__ = ["ComposeForm"]


class ComposeForm(forms.Form):
    """Subject, message and sender of a mailing; for reminders, its limits and schedule.

    Placeholders are checked against ``placeholders``: an unknown one is an
    error beside its field.
    """

    subject = forms.CharField(label=_("Subject"), max_length=255)
    body = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Plain text; blank lines start paragraphs. {link} is the personal link."),
    )
    from_email = forms.CharField(label=_("From"), max_length=254)
    preview_email = forms.CharField(
        label=_("Preview for"),
        required=False,
        help_text=_("The email address of a contact of this batch."),
    )
    save_as = forms.CharField(
        label=_("Save as a template named"),
        required=False,
        max_length=255,
        help_text=_("Leave empty to send without saving the message as a template."),
    )

    def __init__(
        self, *args: Any, batch: LinkBatch, kind: str, placeholders: list[str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.batch, self.kind, self.placeholders = batch, kind, placeholders
        subject, body = default_message(kind)
        self.fields["subject"].initial = subject
        self.fields["body"].initial = body
        self.fields["from_email"].initial = settings.DEFAULT_FROM_EMAIL
        known = ", ".join(map(as_placeholder, placeholders))
        self.fields["body"].help_text = _("%(help)s Placeholders: %(known)s.") % {
            "help": self.fields["body"].help_text,
            "known": known,
        }
        if kind == EmailKind.REMINDER:
            self.add_reminder_fields()

    def add_reminder_fields(self) -> None:
        """Add LimeSurvey's limits and an optional schedule to a reminder."""
        self.fields["min_days"] = forms.IntegerField(
            label=_("Minimum days since the last email"),
            min_value=0,
            initial=personal_links_settings.REMINDER_MIN_DAYS,
        )
        self.fields["max_reminders"] = forms.IntegerField(
            label=_("Maximum reminders per contact"),
            min_value=1,
            initial=personal_links_settings.REMINDER_MAX,
        )
        self.fields["send_after"] = forms.DateTimeField(
            label=_("Send at"),
            required=False,
            widget=AdminDateTimeInput,
            help_text=_("Leave empty to send now. A scheduled reminder can be cancelled."),
        )

    def clean_subject(self) -> str:
        return self.check_placeholders(self.cleaned_data["subject"])

    def clean_body(self) -> str:
        return self.check_placeholders(self.cleaned_data["body"])

    def check_placeholders(self, text: str) -> str:
        """Return ``text``; raise ValidationError for an unknown placeholder or an open brace."""
        MessageText(text, self.placeholders)
        return text

    def clean_from_email(self) -> str:
        value = self.cleaned_data["from_email"].strip()
        validate_email(parseaddr(value)[1])
        return value

    def clean_preview_email(self) -> Contact | None:
        email = self.cleaned_data["preview_email"].strip()
        contacts = Contact.objects.filter(personal_links__batch=self.batch)
        contact = (contacts.with_email(email) if email else contacts.order_by("pk")).first()
        if contact is None:
            raise forms.ValidationError(_("No contact of this batch has that email address."))
        return contact

    def clean_save_as(self) -> str:
        name = self.cleaned_data["save_as"].strip()
        if name and MessageTemplate.objects.filter(name=name).exists():
            raise forms.ValidationError(_("A template with this name already exists."))
        return name

    def clean_send_after(self) -> datetime.datetime | None:
        send_after = self.cleaned_data.get("send_after")
        if send_after is None:
            return None
        if send_after <= timezone.now():
            raise forms.ValidationError(_("Choose a time in the future."))
        if not default_task_backend.supports_defer:
            raise forms.ValidationError(
                _("Scheduling needs a task worker; the site's TASKS backend runs tasks at once.")
            )
        return send_after

    def mailing_fields(self) -> dict[str, Any]:
        """Return the fields of the mailing the form describes."""
        data = self.cleaned_data
        fields = {name: data[name] for name in ("subject", "body", "from_email")}
        for name in ("min_days", "max_reminders", "send_after"):
            if name in data:
                fields[name] = data[name]
        return fields
