"""Admin forms for contacts and segments."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin.forms import WagtailAdminModelForm

from ..models import Contact, ContactAttributeKey, Segment
from ..models.attribute_keys import check_attribute_types
from ..models.contacts import format_attribute_value, validate_attributes
from ..widgets import AttributesWidget, ContactsChooser

__all__ = [
    "AttributesField",
    "ContactForm",
    "SegmentChoiceForm",
    "SegmentForm",
    "contacts_in_segment_url",
]


def contacts_in_segment_url(segment: Segment) -> str:
    """Return the URL of the Contacts listing filtered to the members of ``segment``."""
    listing = reverse(Contact.snippet_viewset.get_url_name("list"))
    return f"{listing}?{urlencode({'segment': segment.pk})}"


class AttributesField(forms.Field):
    """A contact's attributes, edited as key/value rows and cleaned to a dict of text."""

    widget = AttributesWidget
    default_error_messages = {
        "missing_key": _("The value “%(value)s” has no key: give it one, or clear the value."),
        "duplicate_key": _("The key “%(key)s” is used more than once."),
    }

    def to_python(self, value: Any) -> dict[str, str]:
        if isinstance(value, Mapping):
            return dict(value)
        attributes: dict[str, str] = {}
        errors = []
        for key, item in value or []:
            key, item = key.strip(), item.strip()
            try:
                self.validate_row(key, item, attributes)
            except ValidationError as error:
                errors.append(error)
                continue
            if key:
                attributes[key] = item
        if errors:
            raise ValidationError(errors)
        return attributes

    def validate_row(self, key: str, value: str, seen: Mapping[str, str]) -> None:
        """Reject a value without a key, a repeated key, and a key the model refuses."""
        if not key:
            if value:
                raise ValidationError(
                    self.error_messages["missing_key"], "missing_key", {"value": value}
                )
            return
        if key in seen:
            raise ValidationError(
                self.error_messages["duplicate_key"], "duplicate_key", {"key": key}
            )
        validate_attributes({key: value})

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            submitted = self.to_python(data)
        except ValidationError:
            return True
        saved = {key: format_attribute_value(item) for key, item in (initial or {}).items()}
        return submitted != saved


class ContactForm(WagtailAdminModelForm):
    """Edit a contact, with its attributes as key/value rows."""

    attributes = AttributesField(
        label=_("Attributes"),
        required=False,
        help_text=_(
            "Extra facts about this person, such as plan or country, to use in mail merges. "
            "Keys use lowercase letters, digits and underscores."
        ),
    )

    def clean_attributes(self) -> dict[str, Any]:
        """Keep the stored type (number, true/false, empty) of every value left unchanged.

        Refuse a value that does not fit its attribute key's type.
        """
        saved = self.instance.attributes or {}
        attributes = {
            key: saved[key]
            if key in saved and format_attribute_value(saved[key]) == value
            else value
            for key, value in self.cleaned_data["attributes"].items()
        }
        changed = {key: value for key, value in attributes.items() if saved.get(key) != value}
        errors = check_attribute_types(changed, ContactAttributeKey.objects.types())
        if errors:
            raise ValidationError(list(errors.values()))
        return attributes

    def save(self, commit: bool = True) -> Contact:
        """Save the contact and, when committing, give its new attribute keys a type."""
        contact = super().save(commit=commit)
        if commit:
            ContactAttributeKey.objects.register(contact.attributes)
        return contact


class SegmentForm(WagtailAdminModelForm):
    """Edit a segment; members are added and removed by choosing contacts.

    Only the contacts being added or removed are sent and rendered, never the
    whole membership, so the form stays small for segments of any size.
    """

    add_contacts = forms.ModelMultipleChoiceField(
        queryset=Contact.objects.all(),
        required=False,
        label=_("Add members"),
        widget=ContactsChooser(choose_text=_("Choose contacts to add")),
    )
    remove_contacts = forms.ModelMultipleChoiceField(
        queryset=Contact.objects.none(),
        required=False,
        label=_("Remove members"),
        widget=ContactsChooser(choose_text=_("Choose members to remove")),
        error_messages={
            "invalid_choice": _("Contact %(value)s is not a member of this segment."),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if rules := self.fields.get("rules"):
            rules.widget.segment = self.instance
        if kind := self.fields.get("kind"):
            # Forms and clients that predate dynamic segments send no kind.
            kind.required = False
        remove = self.fields.get("remove_contacts")
        if remove is None:
            return
        if self.instance.pk is None:
            # A new segment has no members to remove.
            del self.fields["remove_contacts"]
            return
        remove.queryset = self.instance.get_contacts()
        remove.widget.segment = self.instance
        remove.help_text = self.members_help_text()

    def clean_kind(self) -> str:
        """Take a missing kind as static, what every segment was before rules."""
        return self.cleaned_data.get("kind") or Segment.Kind.STATIC

    def clean_rules(self) -> dict[str, Any]:
        """Take missing rules as no rules."""
        return self.cleaned_data.get("rules") or {"negate": False, "items": []}

    def members_help_text(self) -> str:
        """Return the help text of "Remove members": the member count and a link to them.

        The link opens the Contacts listing filtered to the segment, where many
        members can be removed at once.
        """
        count = self.instance.get_contacts().count()
        return format_html(
            '{} <a href="{}">{}</a>',
            ngettext(
                "This segment has %(count)s member.",
                "This segment has %(count)s members.",
                count,
            )
            % {"count": number_format(count, force_grouping=True)},
            contacts_in_segment_url(self.instance),
            _("See them in the Contacts listing, where you can also remove many at once."),
        )

    def save(self, commit: bool = True) -> Segment:
        """Save the segment and, when committing, its added and removed members."""
        segment = super().save(commit=commit)
        if commit:
            self.save_members()
        return segment

    def save_members(self) -> None:
        """Apply the chosen additions and removals to the saved segment."""
        if added := self.cleaned_data.get("add_contacts"):
            self.instance.add_contacts(added)
        if removed := self.cleaned_data.get("remove_contacts"):
            self.instance.remove_contacts(removed)


class SegmentChoiceForm(forms.Form):
    """Pick the segment a bulk action adds contacts to or removes them from.

    Only static segments are offered: a dynamic one's members follow its rules.
    """

    segment = forms.ModelChoiceField(
        queryset=Segment.objects.filter(kind=Segment.Kind.STATIC),
        label=_("Segment"),
        empty_label=_("Choose a segment"),
    )
