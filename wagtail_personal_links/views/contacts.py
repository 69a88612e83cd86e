"""The Contacts listing (filters, spreadsheet export) and inspect view."""

from __future__ import annotations

import datetime
import json
from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.components import Component
from wagtail.admin.views.mixins import SpreadsheetExportMixin
from wagtail.snippets.views.snippets import IndexView, InspectView

from ..cells import escape_cell
from ..exports import iso_utc
from ..models import Contact, Segment
from ..models.contacts import format_attribute_value
from ..rules.compiler import compile_rules
from .imports import ImportContactsButtonMixin
from .saved_filters import SaveAsSegmentButtonMixin, attribute_choices, attribute_filter
from .search import CONTACT_SEARCH_FIELDS, WordSearchMixin, fields_containing

__all__ = [
    "ContactFilterSet",
    "ContactIndexView",
    "ContactInspectView",
    "contacts_matching",
]


CSV = SpreadsheetExportMixin.FORMAT_CSV
XLSX = SpreadsheetExportMixin.FORMAT_XLSX


def contacts_matching(query: str) -> Q:
    """Return a filter for contacts with each word of ``query`` in their email, names or id."""
    return fields_containing(CONTACT_SEARCH_FIELDS, query)


def attributes_as_json(attributes: dict[str, Any]) -> str:
    """Return a contact's attributes as one export cell: JSON with sorted keys, or empty."""
    return json.dumps(attributes, ensure_ascii=False, sort_keys=True) if attributes else ""


class ContactFilterSet(WagtailFilterSet):
    """Filter contacts by segment membership and by the date they were created."""

    segment = django_filters.ModelChoiceFilter(
        label=_("Segment"),
        queryset=Segment.objects.all(),
        method="filter_segment",
    )
    created_at = django_filters.DateFromToRangeFilter(
        label=_("Created"), widget=DateRangePickerWidget
    )
    attribute = django_filters.ChoiceFilter(
        label=_("Attribute"), choices=attribute_choices, method="filter_attribute"
    )
    attribute_value = django_filters.CharFilter(
        label=_("Attribute value"),
        method="filter_attribute",
        help_text=_("Compared by the attribute's type: text ignoring case, numbers, dates."),
    )

    class Meta:
        model = Contact
        fields = ["segment", "created_at", "email_opt_out", "attribute", "attribute_value"]

    def filter_segment(self, queryset: QuerySet, name: str, segment: Segment) -> QuerySet:
        return queryset.filter(pk__in=segment.get_contacts().values("pk"))

    def filter_attribute(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # The key and the value are two fields of one filter: apply it once, on the key.
        data = self.form.cleaned_data
        if name != "attribute" or not data.get("attribute_value"):
            return queryset
        spec = attribute_filter(value, data["attribute_value"])
        if spec is None:
            return queryset.none()
        return queryset.filter(compile_rules({"items": [{"filter": spec}]}))


class ContactIndexView(
    WordSearchMixin, SaveAsSegmentButtonMixin, ImportContactsButtonMixin, IndexView
):
    """The Contacts listing, with an "Import contacts" button for those who may import.

    Its CSV export escapes text that a spreadsheet would run as a formula:
    contact data often comes from outside, and the export is opened in Excel.
    """

    custom_field_preprocess = {
        "attributes": {CSV: attributes_as_json, XLSX: attributes_as_json},
    }

    def preprocess_field_value(self, field: str, value: Any, export_format: str) -> Any:
        value = super().preprocess_field_value(field, value, export_format)
        if export_format != CSV:
            return value
        if isinstance(value, datetime.datetime):
            return iso_utc(value)  # as the link CSV writes times
        return escape_cell(value) if isinstance(value, str) else value


class AttributesTable(Component):
    """A contact's attributes as a two-column table."""

    template_name = "wagtail_personal_links/admin/contacts/attributes_table.html"

    def __init__(self, attributes: dict[str, Any]) -> None:
        self.attributes = attributes

    def get_context_data(self, parent_context: Any = None) -> dict[str, Any]:
        rows = [(key, format_attribute_value(value)) for key, value in self.attributes.items()]
        return {"rows": rows}


class SegmentList(Component):
    """The segments a contact belongs to, linked to where the user may edit them."""

    template_name = "wagtail_personal_links/admin/contacts/segment_list.html"

    def __init__(self, segments: QuerySet[Segment], user: Any) -> None:
        self.segments = segments
        self.url_finder = AdminURLFinder(user)

    def get_context_data(self, parent_context: Any = None) -> dict[str, Any]:
        return {
            "segments": [
                (segment, self.url_finder.get_edit_url(segment)) for segment in self.segments
            ]
        }


class ContactInspectView(InspectView):
    """Show a contact with its attributes and the segments it belongs to."""

    def get_field_label(self, field_name: str, field: Any) -> str:
        if field_name == "segments":
            return _("Segments")
        return super().get_field_label(field_name, field)

    def get_attributes_display_value(self) -> Component:
        return AttributesTable(self.object.attributes)

    def get_segments_display_value(self) -> Component:
        # Static membership is the only kind there is; rule-based segments
        # will need a "segments containing this contact" query on Segment.
        return SegmentList(self.object.segments.order_by("name"), self.request.user)
