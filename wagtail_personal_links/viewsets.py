"""Snippet viewsets for contacts and segments, grouped under "Personal links"."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .forms.contacts import ContactForm, SegmentForm
from .models import Contact, Segment
from .permissions import VIEW_CONTACTS
from .views.choosers import ContactChooserViewSet, PermissionCheckedChooserViewSet
from .views.contacts import (
    SEARCH_FIELDS,
    ContactFilterSet,
    ContactIndexView,
    ContactInspectView,
)
from .views.segments import MemberCountColumn, SegmentInspectView

__all__ = ["ContactViewSet", "PersonalLinksViewSetGroup", "SegmentViewSet"]


class ContactViewSet(SnippetViewSet):
    """Contacts: searchable, filterable by segment and date, exportable to CSV and XLSX."""

    model = Contact
    icon = "user"
    menu_label = _("Contacts")
    index_view_class = ContactIndexView
    inspect_view_class = ContactInspectView
    chooser_viewset_class = ContactChooserViewSet
    inspect_view_enabled = True
    copy_view_enabled = False

    list_display = [
        "email",
        Column("full_name", label=_("Name"), sort_key="last_name"),
        "external_id",
        DateColumn("created_at", label=_("Created"), sort_key="created_at"),
    ]
    search_fields = SEARCH_FIELDS
    filterset_class = ContactFilterSet
    list_export = [
        "id",
        "email",
        "external_id",
        "first_name",
        "last_name",
        "attributes",
        "created_at",
        "updated_at",
    ]
    export_headings = {
        "id": _("Contact ID"),
        "email": _("Email"),
        "external_id": _("Custom ID"),
        "first_name": _("First Name"),
        "last_name": _("Last Name"),
        "attributes": _("Attributes"),
        "created_at": _("Created At"),
        "updated_at": _("Updated At"),
    }
    export_filename = "contacts"
    inspect_view_fields = [
        "email",
        "external_id",
        "first_name",
        "last_name",
        "attributes",
        "segments",
        "created_at",
        "updated_at",
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("email"),
            FieldPanel("external_id"),
            FieldPanel("first_name"),
            FieldPanel("last_name"),
            FieldPanel("attributes"),
        ],
        base_form_class=ContactForm,
    )


class SegmentViewSet(SnippetViewSet):
    """Segments, listed with their member counts; members are chosen, never all rendered."""

    model = Segment
    icon = "group"
    menu_label = _("Segments")
    inspect_view_class = SegmentInspectView
    chooser_viewset_class = PermissionCheckedChooserViewSet
    inspect_view_enabled = True
    copy_view_enabled = False

    list_display = [
        "name",
        MemberCountColumn("member_count", label=_("Members"), sort_key="member_count"),
        "description",
    ]
    search_fields = ["name", "description"]
    inspect_view_fields = ["name", "description", "contacts", "created_at", "updated_at"]
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("description"),
            MultiFieldPanel(
                [
                    FieldPanel("add_contacts", permission=VIEW_CONTACTS),
                    FieldPanel("remove_contacts", permission=VIEW_CONTACTS),
                ],
                heading=_("Members"),
            ),
        ],
        base_form_class=SegmentForm,
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Segment]:
        return Segment.objects.with_member_count()


class PersonalLinksViewSetGroup(SnippetViewSetGroup):
    """The "Personal links" menu: Contacts and Segments."""

    items = (ContactViewSet, SegmentViewSet)
    menu_icon = "link"
    menu_label = _("Personal links")
    menu_name = "personal-links"
