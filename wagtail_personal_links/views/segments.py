"""The Segments listing's member count column and the segment inspect view."""

from __future__ import annotations

import json
from typing import Any

from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column
from wagtail.snippets.views.snippets import CreateView, InspectView

from ..forms.contacts import contacts_in_segment_url
from ..models import Segment
from ..permissions import can_list_contacts

__all__ = [
    "SEGMENT_SEARCH_FIELDS",
    "MemberCountColumn",
    "SegmentCreateView",
    "SegmentInspectView",
]

#: The segment fields that the listing and the chooser search in.
SEGMENT_SEARCH_FIELDS = ["name", "description"]


class MemberCountColumn(Column):
    """A segment's member count, linked to its members in the Contacts listing."""

    cell_template_name = "wagtail_personal_links/admin/segments/member_count_cell.html"

    def get_cell_context_data(self, instance: Segment, parent_context: Any) -> dict[str, Any]:
        context = super().get_cell_context_data(instance, parent_context)
        request = parent_context.get("request")
        if request is not None and can_list_contacts(request.user):
            context["members_url"] = contacts_in_segment_url(instance)
        return context


class SegmentMembers(Component):
    """How many members a segment has, and where to see them."""

    template_name = "wagtail_personal_links/admin/segments/members.html"

    def __init__(self, segment: Segment, user: Any) -> None:
        self.segment = segment
        self.user = user

    def get_context_data(self, parent_context: Any = None) -> dict[str, Any]:
        can_list = can_list_contacts(self.user)
        return {
            "count": self.segment.get_contacts().count(),
            "members_url": contacts_in_segment_url(self.segment) if can_list else None,
        }


class SegmentInspectView(InspectView):
    """Show a segment with its member count instead of every member."""

    def get_contacts_display_value(self) -> Component:
        return SegmentMembers(self.object, self.request.user)


class SegmentCreateView(CreateView):
    """Create a segment; ``?rules=<json>`` starts a dynamic one with those rules.

    The Contacts listing's "Save as segment" button links here with its
    filters as rules. The rules are checked on save like any other.
    """

    def get_initial_form_instance(self) -> Segment | None:
        segment = super().get_initial_form_instance()
        try:
            rules = json.loads(self.request.GET.get("rules", ""))
        except ValueError:
            return segment
        if not isinstance(rules, dict):
            return segment
        segment = segment or Segment()
        segment.kind = Segment.Kind.DYNAMIC
        segment.rules = rules
        return segment
