"""Snippet viewsets for contacts and segments, grouped under "Personal links"."""

from __future__ import annotations

from django.db.models import QuerySet
from django.forms import RadioSelect
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .forms.contacts import ContactForm, SegmentForm
from .models import Contact, ContactAttributeKey, Segment
from .permissions import VIEW_CONTACTS
from .rule_builder import RulesWidget
from .views.choosers import (
    ContactChooserViewSet,
    PermissionCheckedChooserViewSet,
    SegmentChooserViewSet,
)
from .views.contacts import ContactFilterSet, ContactIndexView, ContactInspectView
from .views.mail_templates import MessageTemplateViewSet
from .views.search import CONTACT_SEARCH_FIELDS
from .views.segments import (
    SEGMENT_SEARCH_FIELDS,
    MemberCountColumn,
    SegmentCreateView,
    SegmentInspectView,
)

__all__ = [
    "ContactAttributeKeyViewSet",
    "ContactViewSet",
    "PersonalLinksViewSetGroup",
    "SegmentViewSet",
]


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
        BooleanColumn("email_opt_out", label=_("Opted out"), sort_key="email_opt_out"),
    ]
    search_fields = CONTACT_SEARCH_FIELDS
    filterset_class = ContactFilterSet
    list_export = [
        "id",
        "email",
        "external_id",
        "first_name",
        "last_name",
        "attributes",
        "email_opt_out",
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
        "email_opt_out": _("Opted Out"),
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
        "email_opt_out",
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
            FieldPanel("email_opt_out"),
        ],
        base_form_class=ContactForm,
    )


class SegmentViewSet(SnippetViewSet):
    """Segments, listed with their member counts; members are chosen, never all rendered."""

    model = Segment
    icon = "group"
    menu_label = _("Segments")
    inspect_view_class = SegmentInspectView
    add_view_class = SegmentCreateView
    chooser_viewset_class = SegmentChooserViewSet
    inspect_view_enabled = True
    copy_view_enabled = False

    list_display = [
        "name",
        Column("kind", label=_("Kind"), accessor="get_kind_display", sort_key="kind"),
        MemberCountColumn("member_count", label=_("Members"), sort_key="member_count"),
        "description",
    ]
    list_filter = ["kind"]
    search_fields = SEGMENT_SEARCH_FIELDS
    inspect_view_fields = [
        "name",
        "description",
        "kind",
        "contacts",
        "created_at",
        "updated_at",
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("description"),
            FieldPanel("kind", widget=RadioSelect),
            MultiFieldPanel(
                [FieldPanel("rules", widget=RulesWidget, heading=_("Rules"))],
                heading=_("Rules (dynamic segments)"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("add_contacts", permission=VIEW_CONTACTS),
                    FieldPanel("remove_contacts", permission=VIEW_CONTACTS),
                ],
                heading=_("Members (static segments)"),
            ),
        ],
        base_form_class=SegmentForm,
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Segment]:
        return Segment.objects.with_member_count()


class ContactAttributeKeyViewSet(SnippetViewSet):
    """Attribute keys: the label, description and type of each contact attribute."""

    model = ContactAttributeKey
    icon = "tag"
    # The same words as the listing's title, which comes from the model's verbose name.
    menu_label = _("Contact attribute keys")
    chooser_viewset_class = PermissionCheckedChooserViewSet
    copy_view_enabled = False
    list_display = [
        "key",
        "label",
        "data_type",
        BooleanColumn("is_unique", label=_("Unique"), sort_key="is_unique"),
    ]
    list_filter = ["data_type"]
    search_fields = ["key", "label", "description"]
    panels = [
        FieldPanel("key"),
        FieldPanel("label"),
        FieldPanel("description"),
        FieldPanel("data_type"),
        FieldPanel("is_unique"),
    ]


class PersonalLinksViewSetGroup(SnippetViewSetGroup):
    """The "Personal links" menu: contacts, segments, attribute keys and email templates."""

    items = (ContactViewSet, SegmentViewSet, ContactAttributeKeyViewSet, MessageTemplateViewSet)
    menu_icon = "link"
    menu_label = _("Personal links")
    menu_name = "personal-links"
