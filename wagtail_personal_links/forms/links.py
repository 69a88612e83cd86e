"""The form editors fill in to generate a batch of personal links."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin.widgets import AdminDateInput

from .. import recipients
from ..conf import personal_links_settings
from ..models import Contact, Segment
from ..models.rules import GenerationError, expiry_from_date, utc_today
from ..widgets import ContactChooserModal

__all__ = ["ExpiryDateInput", "GenerateLinksForm"]

EXPIRY_HELP_TEXT = _("Links stay valid through this date (until 00:00 UTC the next day)")


class ExpiryDateInput(AdminDateInput):
    """Wagtail's date picker, offering only dates from tomorrow (UTC) onward."""

    def get_config(self) -> dict[str, Any]:
        tomorrow = utc_today() + datetime.timedelta(days=1)
        return {**super().get_config(), "minDate": tomorrow.isoformat(), "formatDate": "Y-m-d"}


def segment_choices() -> list[tuple[Any, str]]:
    """Return a dropdown's choices of segments, each with its number of members."""
    choices: list[tuple[Any, str]] = []
    for segment in Segment.objects.with_member_count():
        count = segment.member_count
        label = ngettext(
            "%(segment)s (%(count)s contact)", "%(segment)s (%(count)s contacts)", count
        )
        choices.append((segment.pk, label % {"segment": segment, "count": intcomma(count)}))
    return choices


class GenerateLinksForm(forms.Form):
    """Choose who gets links (a segment, one contact or a sample) and until when.

    Once valid, ``cleaned_data`` holds ``recipients`` (a
    :class:`~wagtail_personal_links.recipients.Recipients`) ``expires_at`` and
    ``max_answers`` (None: unlimited).
    """

    TARGETS = {
        "segment": _("Everyone in a segment"),
        "contact": _("A single contact"),
        "sample": _("A random sample of a segment"),
    }
    FIELDS_FOR_TARGET = {
        "segment": ("segment",),
        "contact": ("contact",),
        "sample": ("segment", "sample_size"),
    }
    FIELD_FOR_ERROR = {
        "empty": "segment",
        "sample_size": "sample_size",
        "expiry_past": "expires",
        "expiry_late": "expires",
    }

    target = forms.ChoiceField(
        label=_("Generate links for"),
        choices=list(TARGETS.items()),
        initial="segment",
        widget=forms.RadioSelect,
    )
    segment = forms.TypedChoiceField(label=_("Segment"), coerce=int, required=False)
    contact = forms.ModelChoiceField(
        label=_("Contact"),
        queryset=Contact.objects.all(),
        required=False,
        widget=ContactChooserModal(),
    )
    sample_size = forms.IntegerField(
        label=_("Sample size"),
        required=False,
        min_value=1,
        help_text=_("How many contacts of the segment to pick at random."),
    )
    expires = forms.DateField(
        label=_("Expiry date"),
        required=False,
        widget=ExpiryDateInput,
        help_text=EXPIRY_HELP_TEXT,
    )

    answers_per_link = forms.IntegerField(
        label=_("Answers per link"),
        required=False,
        initial=1,
        min_value=1,
        max_value=1_000_000,
        help_text=_("1 for a personal link; more to let a link be answered several times."),
    )
    unlimited_answers = forms.BooleanField(
        label=_("Unlimited answers (a team link)"), required=False
    )

    email = forms.BooleanField(
        label=_("Email the links"),
        required=False,
        help_text=_("Instead of downloading the links, go on to write the invitation email."),
    )

    def __init__(self, *args: Any, can_email: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not can_email:
            del self.fields["email"]
        self.segment_choices = segment_choices()
        self.fields["segment"].choices = [("", "---------"), *self.segment_choices]
        days = personal_links_settings.DEFAULT_EXPIRY_DAYS
        if days is not None:
            self.fields["expires"].initial = utc_today() + datetime.timedelta(days=days)

    def clean_segment(self) -> Segment | None:
        pk = self.cleaned_data.get("segment")
        if pk in (None, ""):
            return None
        segment = Segment.objects.filter(pk=pk).first()
        if segment is None:  # deleted since the form was shown
            field = self.fields["segment"]
            raise forms.ValidationError(field.error_messages["invalid_choice"] % {"value": pk})
        return segment

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        data["max_answers"] = (
            None if data.get("unlimited_answers") else data.get("answers_per_link") or 1
        )
        data["expires_at"] = None
        if data.get("expires") is not None:
            try:
                data["expires_at"] = expiry_from_date(data["expires"])
            except GenerationError as exc:
                self.add_generation_error(exc)
        if "target" in data:
            self.clean_recipients(data)
        return data

    def clean_recipients(self, data: dict[str, Any]) -> None:
        """Set ``data["recipients"]``, or an error beside the field that needs it."""
        target = data["target"]
        fields = self.FIELDS_FOR_TARGET[target]
        if any(name in self.errors for name in fields):
            return
        missing = [name for name in fields if data.get(name) is None]
        for name in missing:
            self.add_error(name, forms.ValidationError(_("This field is required."), "required"))
        if missing:
            return
        try:
            if target == "contact":
                data["recipients"] = recipients.for_contact(data["contact"])
            elif target == "sample":
                data["recipients"] = recipients.for_sample(data["segment"], data["sample_size"])
            else:
                data["recipients"] = recipients.for_segment(data["segment"])
        except GenerationError as exc:
            self.add_generation_error(exc)

    def add_generation_error(self, error: GenerationError) -> None:
        """Show a refusal of the generation service beside the field it concerns."""
        field = self.FIELD_FOR_ERROR.get(error.code)
        if field == "segment" and self.cleaned_data.get("target") == "contact":
            field = "contact"
        self.add_error(field, forms.ValidationError(error.message, code=error.code))
