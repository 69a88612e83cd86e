"""Choosers for contacts and segments: permission-checked and searchable.

The segment chooser opened with ``?exclude=<id>`` leaves out that segment and
every segment whose rules lead to it, so the rule builder never offers a segment
that would close a cycle; saving refuses one all the same. The contact chooser
opened with ``?segment=<id>`` lists only that segment's members.
"""

from __future__ import annotations

from typing import ClassVar

from django import forms
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.snippets.views import chooser

from ..models import Contact, Segment
from ..models.segment_graph import ReferenceGraph
from .search import CONTACT_SEARCH_FIELDS, fields_containing
from .segments import SEGMENT_SEARCH_FIELDS

__all__ = ["ContactChooserViewSet", "PermissionCheckedChooserViewSet", "SegmentChooserViewSet"]


class ChooserPermissionMixin(PermissionCheckedMixin):
    """Let only users with some permission on the model see its items in a chooser.

    Wagtail's snippet choosers are open to every admin user; contacts are
    personal data, and a segment's name can say a lot about its members.
    """

    any_permission_required = ["add", "change", "delete", "view"]


class ChooseView(ChooserPermissionMixin, chooser.ChooseView):
    """The chooser modal, shown only to users with a permission on the model."""


class ChooseResultsView(ChooserPermissionMixin, chooser.ChooseResultsView):
    """The chooser's results as searching and paging reload them, for users with a permission."""


class ChosenView(ChooserPermissionMixin, chooser.SnippetChosenView):
    """The chosen item's data for the chooser widget, given only to users with a permission."""


class ChosenMultipleView(ChooserPermissionMixin, chooser.SnippetChosenMultipleView):
    """The chosen items' data for a multiple chooser, given only to users with a permission."""


class PermissionCheckedChooserViewSet(chooser.SnippetChooserViewSet):
    """Wagtail's snippet chooser, for users with a permission on the model."""

    choose_view_class = ChooseView
    choose_results_view_class = ChooseResultsView
    chosen_view_class = ChosenView
    chosen_multiple_view_class = ChosenMultipleView


class SearchForm(BaseFilterForm):
    """Search a chooser's items for a term in any of their ``search_fields``."""

    search_fields: ClassVar[list[str]]

    q = forms.CharField(
        label=_("Search term"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Search")}),
    )

    def filter(self, objects: QuerySet) -> QuerySet:
        objects = super().filter(objects)
        if query := self.cleaned_data.get("q"):
            self.is_searching, self.search_query = True, query
            objects = objects.filter(fields_containing(self.search_fields, query))
        return objects


class ContactSearchForm(SearchForm):
    """Search contacts by email, names and Custom ID, as their listing does."""

    search_fields = CONTACT_SEARCH_FIELDS


class SegmentSearchForm(SearchForm):
    """Search segments by name and description, as their listing does."""

    search_fields = SEGMENT_SEARCH_FIELDS


class ContactListMixin:
    """List contacts to choose from: searchable, only the members of ``?segment=<id>`` if given."""

    filter_form_class = ContactSearchForm

    def get_object_list(self) -> QuerySet[Contact]:
        contacts = super().get_object_list()
        segment_id = self.request.GET.get("segment", "")
        if segment_id:
            if not segment_id.isdigit():
                raise Http404
            segment = get_object_or_404(Segment, pk=segment_id)
            contacts = contacts.filter(pk__in=segment.get_contacts().values("pk"))
        return contacts

    @property
    def columns(self) -> list[Column]:
        return [*super().columns, Column("external_id", label=_("Custom ID"))]


class ContactChooseView(ContactListMixin, ChooseView):
    """The contact chooser modal; ``?segment=<id>`` lists only that segment's members."""


class ContactChooseResultsView(ContactListMixin, ChooseResultsView):
    """The contact chooser's results, keeping the modal's ``segment`` filter."""


class ContactChooserViewSet(PermissionCheckedChooserViewSet):
    """The contact chooser, which keeps its ``segment`` filter while searching and paging."""

    preserve_url_parameters = ["multiple", "segment"]
    choose_view_class = ContactChooseView
    choose_results_view_class = ContactChooseResultsView


class SegmentListMixin:
    """List segments to search and choose; with ``?exclude=<id>``, those its rules may name."""

    filter_form_class = SegmentSearchForm

    def get_object_list(self) -> QuerySet[Segment]:
        segments = super().get_object_list()
        excluded = self.request.GET.get("exclude", "")
        if not excluded.isdigit():
            return segments
        return segments.exclude(pk__in=ReferenceGraph.load().leading_to(int(excluded)))


class SegmentChooseView(SegmentListMixin, ChooseView):
    """The segment chooser modal; ``?exclude=<id>`` hides that segment and those leading to it."""


class SegmentChooseResultsView(SegmentListMixin, ChooseResultsView):
    """The segment chooser's results, keeping the modal's ``exclude`` filter."""


class SegmentChooserViewSet(PermissionCheckedChooserViewSet):
    """The segment chooser, which keeps its ``exclude`` filter while searching and paging."""

    preserve_url_parameters = ["multiple", "exclude"]
    choose_view_class = SegmentChooseView
    choose_results_view_class = SegmentChooseResultsView
