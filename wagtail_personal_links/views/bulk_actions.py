"""Contacts listing bulk actions: add the selected contacts to a segment, or remove them."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.formats import number_format
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.log_actions import log
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction

from .. import audit
from ..forms import SegmentChoiceForm
from ..models import Contact, Segment
from ..permissions import user_can_change_membership
from .contacts import ContactFilterSet, contacts_matching

__all__ = [
    "AddToSegmentBulkAction",
    "RemoveFromSegmentBulkAction",
]


class SegmentMembershipBulkAction(SnippetBulkAction):
    """Change the membership of a chosen segment for the selected contacts.

    "Select all" covers every contact the listing's search and filters match,
    however many pages that is; the confirmation page names only the first few.
    """

    models = [Contact]
    form_class = SegmentChoiceForm
    template_name = "wagtail_personal_links/admin/bulk_actions/segment_membership.html"
    preview_size = 20
    submit_label = ""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not user_can_change_membership(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @classmethod
    def get_queryset(cls, model: type[Contact], object_ids: Any) -> QuerySet[Contact]:
        if not isinstance(object_ids, QuerySet):
            object_ids = [pk for pk in object_ids if str(pk).isdigit()]
        return model.objects.filter(pk__in=object_ids)

    def get_all_objects_in_listing_query(self, parent_id: Any) -> QuerySet:
        filters = ContactFilterSet(self.request.GET, queryset=Contact.objects.all())
        contacts = filters.qs
        if query := self.request.GET.get("q", "").strip():
            contacts = contacts.filter(contacts_matching(query))
        return contacts.values("pk")

    @cached_property
    def selected_contacts(self) -> QuerySet[Contact]:
        ids = self.request.GET.getlist("id")
        if "all" in ids:
            ids = self.get_all_objects_in_listing_query(None)
        contacts = self.get_queryset(self.model, ids)
        if not contacts.exists():
            raise Http404
        return contacts

    def get_actionable_objects(self) -> tuple[QuerySet[Contact], dict[str, list]]:
        # Permissions apply to contacts as a whole, so there is no per-row check.
        return self.selected_contacts, {"items_with_no_access": []}

    def annotate_items(self, items: QuerySet[Contact]) -> QuerySet[Contact]:
        # Only the confirmation page lists items; the action gets the whole queryset.
        return items[: self.preview_size]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["count"] = self.selected_contacts.count()
        context["more"] = context["count"] - len(context["items"])
        return context

    def get_execution_context(self) -> dict[str, Any]:
        return {"segment": self.cleaned_form.cleaned_data["segment"]}

    def message_params(self, count: int) -> dict[str, str]:
        segment = self.cleaned_form.cleaned_data["segment"]
        return {"count": number_format(count, force_grouping=True), "segment": segment.name}


class AddToSegmentBulkAction(SegmentMembershipBulkAction):
    """The contacts listing's "Add to segment": the chosen static segment gains the selection.

    Contacts already in the segment stay as they are; the segment's history records
    how many were added.
    """

    display_name = _("Add to segment")
    action_type = "add_to_segment"
    aria_label = _("Add the selected contacts to a segment")
    action_priority = 20
    submit_label = _("Add to segment")

    @classmethod
    def execute_action(
        cls, objects: QuerySet[Contact], segment: Segment, **kwargs: Any
    ) -> tuple[int, int]:
        added = segment.add_contacts(objects)
        log(segment, audit.MEMBERS_ADDED, data={"count": added})
        return added, 0

    def get_success_message(self, num_parent_objects: int, num_child_objects: int) -> str:
        return ngettext(
            "%(count)s contact added to “%(segment)s”.",
            "%(count)s contacts added to “%(segment)s”.",
            num_parent_objects,
        ) % self.message_params(num_parent_objects)


class RemoveFromSegmentBulkAction(SegmentMembershipBulkAction):
    """The contacts listing's "Remove from segment": the chosen static segment loses the selection.

    Selected contacts that are not in the segment are ignored; the segment's history
    records how many were removed.
    """

    display_name = _("Remove from segment")
    action_type = "remove_from_segment"
    aria_label = _("Remove the selected contacts from a segment")
    action_priority = 25
    submit_label = _("Remove from segment")

    @classmethod
    def execute_action(
        cls, objects: QuerySet[Contact], segment: Segment, **kwargs: Any
    ) -> tuple[int, int]:
        removed = segment.remove_contacts(objects)
        log(segment, audit.MEMBERS_REMOVED, data={"count": removed})
        return removed, 0

    def get_success_message(self, num_parent_objects: int, num_child_objects: int) -> str:
        return ngettext(
            "%(count)s contact removed from “%(segment)s”.",
            "%(count)s contacts removed from “%(segment)s”.",
            num_parent_objects,
        ) % self.message_params(num_parent_objects)
